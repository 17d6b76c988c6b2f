/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * How a sleeping worker is woken by a port it reads: guest kicks for a
 * vhost-user port, RX interrupts for a NIC port that has them. Other NIC
 * ports cannot signal and are polled on a timer (IDLE_POLL_US).
 */
#ifndef XVIO_PORT_IDLE_H
#define XVIO_PORT_IDLE_H

#include <stdbool.h>

struct idle_set;
struct worker_job;

/* Ask job->source to wake the set when packets arrive. Returns false if it
 * cannot (then the worker must poll it by timer). */
bool port_idle_arm(struct worker_job *job, struct idle_set *set);
/* Before each poll while asleep: sources may need re-enabling. */
void port_idle_rearm(struct worker_job *job);
/* After the sleep. */
void port_idle_disarm(struct worker_job *job, struct idle_set *set);

#endif
