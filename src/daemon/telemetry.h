/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * DPDK telemetry endpoints, readable with dpdk-telemetry.py:
 *   /xvio/ports, /xvio/relays, /xvio/cores   lists of names / CPUs
 *   /xvio/port,NAME  /xvio/relay,NAME  /xvio/core,CPU   flattened counters,
 *   keyed like directions_0_drops_vm_down
 * They report the same objects as xvioctl's --json output.
 */
#ifndef XVIO_TELEMETRY_H
#define XVIO_TELEMETRY_H

void xvio_telemetry_register(void);

#endif
