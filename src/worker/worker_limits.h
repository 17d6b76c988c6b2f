/* SPDX-License-Identifier: BSD-3-Clause */
/* Sizes of the worker layer that code without DPDK (option parsing) needs. */
#ifndef XVIO_WORKER_LIMITS_H
#define XVIO_WORKER_LIMITS_H

#define XVIO_MAX_WORKERS 64

#endif
