/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The worker module: the scheduling side of the daemon as one module of
 * its own. It samples the workers' loads once a second, rebalances their
 * jobs (job_sched.c) when automatic rebalancing is on, and serves
 * core-list and rebalance, the config file's "rebalance", the "cores" of
 * stats and the /xvio/cores telemetry.
 */
#ifndef XVIO_WORKER_CTL_H
#define XVIO_WORKER_CTL_H

#include <stdbool.h>

/* The start-up setting (xviod --no-rebalance), before the modules start. */
void worker_ctl_set_auto_rebalance(bool on);

#endif
