/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * xviod's command line. Pure parsing, no DPDK: the options it finds are
 * turned into EAL arguments by options_build_eal_argv(), so an operator
 * never has to learn EAL syntax for the common cases, and can still pass
 * anything after `--` straight to the EAL.
 */
#ifndef XVIO_OPTIONS_H
#define XVIO_OPTIONS_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>
#include <stdio.h>

#include "worker/worker_limits.h"

#define XVIO_DEFAULT_RUN_DIR "/run/xvio"
#define XVIO_CTL_TIMEOUT_DEFAULT 60 /* seconds */

struct xviod_options {
	char control_path[PATH_MAX];  /* control socket */
	char vhost_dir[PATH_MAX];     /* where server-mode vhost sockets go */
	char file_dir[PATH_MAX];      /* files in device strings; "" = vhost_dir */
	char config_path[PATH_MAX];   /* "" = none */
	char config_dir[PATH_MAX];    /* where config save writes; "" = config_path's */
	char ctl_group[64];           /* may use the control socket; "" = root only */
	unsigned int ctl_timeout_s;   /* idle control clients are closed; 0 = never */
	char pidfile[PATH_MAX];       /* "" = none */
	char file_prefix[64];         /* EAL runtime dir name, default "xviod" */
	char log_level[16];           /* error|warning|info|debug */
	unsigned int worker_cpus[XVIO_MAX_WORKERS];
	unsigned int nb_workers;      /* 0 = default: the last CPU */
	unsigned int memory_mb;
	unsigned int nb_mbufs;
	bool no_huge;
	bool daemonize;
	bool busy_poll;
	bool rebalance;
	bool help;
	bool version;
	int eal_argc;                 /* arguments after "--", passed through */
	char **eal_argv;
};

/*
 * Parse argv into opts. Returns 0, or -EINVAL with a one-line reason in
 * err. On success opts->help/opts->version say whether to just print.
 */
int options_parse(int argc, char **argv, struct xviod_options *opts,
		  char *err, size_t errlen);

/* Parse a CPU list such as "1", "2-5,8". Returns the count or -EINVAL. */
int options_parse_cpulist(const char *list, unsigned int *cpus, unsigned int max);

/*
 * Build the EAL argv for these options on a machine with nb_cpus CPUs.
 * The main lcore (0) floats over all CPUs; worker i is lcore i+1 pinned
 * to worker_cpus[i]. Returns argc; *argv_out is malloc'd (free with
 * options_free_eal_argv), or -ENOMEM / -EINVAL.
 */
int options_build_eal_argv(const struct xviod_options *opts, const char *prog,
			   unsigned int nb_cpus, char ***argv_out);
void options_free_eal_argv(int argc, char **argv);

void options_usage(FILE *out, const char *prog);

#endif
