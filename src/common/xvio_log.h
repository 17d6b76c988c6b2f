/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef XVIO_LOG_H
#define XVIO_LOG_H

#include <rte_log.h>

/* One DPDK log type for all of xviod, so `--log-level` and the EAL's own
 * `--log-level=xvio:debug` both work. Never log on the fast path. */
extern int xvio_logtype;

#define XVIO_LOG(level, fmt, ...) \
	rte_log(RTE_LOG_##level, xvio_logtype, "xviod: " fmt "\n", ##__VA_ARGS__)

#endif
