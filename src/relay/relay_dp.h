/* SPDX-License-Identifier: BSD-3-Clause */
/* The relay datapath: how a worker runs one direction. */
#ifndef XVIO_RELAY_DP_H
#define XVIO_RELAY_DP_H

#include "relay/relay_dir.h"

extern const struct worker_job_ops relay_dir_job_ops;

/* Release held packets of a direction no worker runs any more. */
void relay_dir_flush_held(struct relay_dir *d);

#endif
