/* SPDX-License-Identifier: BSD-3-Clause */
#include "daemon/options.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* CPU numbers xviod accepts (-w) and considers (0..XVIO_MAX_CPUS-1). */
#define XVIO_MAX_CPUS 1024

enum {
	OPT_NO_HUGE = 256,
	OPT_FILE_PREFIX,
	OPT_MBUFS,
	OPT_BUSY_POLL,
	OPT_NO_REBALANCE,
	OPT_FILE_DIR,
	OPT_CONFIG_DIR,
	OPT_CTL_GROUP,
	OPT_CTL_TIMEOUT,
};

static const struct option long_options[] = {
	{ "control",      required_argument, NULL, 'c' },
	{ "vhost-dir",    required_argument, NULL, 's' },
	{ "config",       required_argument, NULL, 'f' },
	{ "file-dir",     required_argument, NULL, OPT_FILE_DIR },
	{ "config-dir",   required_argument, NULL, OPT_CONFIG_DIR },
	{ "ctl-group",    required_argument, NULL, OPT_CTL_GROUP },
	{ "ctl-timeout",  required_argument, NULL, OPT_CTL_TIMEOUT },
	{ "workers",      required_argument, NULL, 'w' },
	{ "memory",       required_argument, NULL, 'm' },
	{ "no-huge",      no_argument,       NULL, OPT_NO_HUGE },
	{ "file-prefix",  required_argument, NULL, OPT_FILE_PREFIX },
	{ "mbufs",        required_argument, NULL, OPT_MBUFS },
	{ "log-level",    required_argument, NULL, 'l' },
	{ "daemon",       no_argument,       NULL, 'd' },
	{ "pidfile",      required_argument, NULL, 'p' },
	{ "busy-poll",    no_argument,       NULL, OPT_BUSY_POLL },
	{ "no-rebalance", no_argument,       NULL, OPT_NO_REBALANCE },
	{ "help",         no_argument,       NULL, 'h' },
	{ "version",      no_argument,       NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

void options_usage(FILE *out, const char *prog)
{
	fprintf(out,
"Usage: %s [OPTIONS] [-- EAL-ARGS...]\n"
"\n"
"xviod moves packets between virtio-net VMs (vhost-user sockets) and NIC\n"
"ports on dedicated worker cores: express relays (a VM paired with a NIC)\n"
"and bridges with OpenFlow-style flow tables. Manage it with xvioctl.\n"
"\n"
"Options:\n"
"  -c, --control PATH     control socket for xvioctl (default %s/xviod.sock)\n"
"  -s, --vhost-dir DIR    directory for vhost-user socket paths given\n"
"                         without a '/', and the only one for server-mode\n"
"                         sockets (default %s)\n"
"  -f, --config FILE      declare ports, relays and bridges from FILE (JSON)\n"
"                         at start\n"
"      --config-dir DIR   the only directory `config save PATH` writes to\n"
"                         (default: the directory of --config, else --vhost-dir)\n"
"      --file-dir DIR     the only directory for files in device strings, such\n"
"                         as net_pcap's rx_pcap/tx_pcap (default: --vhost-dir)\n"
"      --ctl-group NAME   members of group NAME may use the control socket too\n"
"                         (default: root only); the socket gets that group\n"
"      --ctl-timeout SEC  close control clients idle for SEC seconds\n"
"                         (default %u; 0: never)\n"
"  -w, --workers CPULIST  CPUs for worker cores, e.g. 1 or 2-5,8\n"
"                         (default: the last CPU)\n"
"  -m, --memory MB        packet memory in MiB (default 512)\n"
"      --no-huge          use ordinary pages instead of hugepages\n"
"      --file-prefix NAME EAL file prefix (default xviod); give each xviod on\n"
"                         a host its own. Telemetry: dpdk-telemetry.py -f NAME\n"
"      --mbufs N          packet buffers in the pool (default 32768)\n"
"  -l, --log-level LEVEL  error, warning, info or debug (default info)\n"
"  -d, --daemon           detach from the terminal and run in the background\n"
"  -p, --pidfile PATH     write the daemon's pid to PATH\n"
"      --busy-poll        workers poll without ever sleeping (lowest latency,\n"
"                         one full CPU per worker even when idle)\n"
"      --no-rebalance     start with automatic rebalancing off (relays stay\n"
"                         where placed; `xvioctl rebalance on` turns it on)\n"
"  -h, --help             show this help and exit\n"
"  -V, --version          show the version and exit\n"
"\n"
"NIC ports, PCI VFs included, are attached at run time with `xvioctl port\n"
"add`. Anything after `--` is passed to the DPDK EAL unchanged, e.g. devices\n"
"that must exist from the start, such as the members of a bond:\n"
"  %s -w 1 -- --vdev net_tap0,iface=m0 --vdev net_tap1,iface=m1\n",
		prog, XVIO_DEFAULT_RUN_DIR, XVIO_DEFAULT_RUN_DIR, XVIO_CTL_TIMEOUT_DEFAULT, prog);
}

static int fail(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static int parse_uint(const char *s, unsigned long min, unsigned long max,
		      unsigned int *out)
{
	char *end;
	unsigned long v;

	if (*s == '\0' || *s == '-')
		return -EINVAL;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return -EINVAL;
	*out = (unsigned int)v;
	return 0;
}

int options_parse_cpulist(const char *list, unsigned int *cpus, unsigned int max)
{
	unsigned int n = 0;
	const char *p = list;

	if (*p == '\0')
		return -EINVAL;
	while (*p != '\0') {
		char *end;
		unsigned long lo, hi;

		if (*p < '0' || *p > '9')
			return -EINVAL;
		lo = strtoul(p, &end, 10);
		hi = lo;
		if (*end == '-') {
			p = end + 1;
			if (*p < '0' || *p > '9')
				return -EINVAL;
			hi = strtoul(p, &end, 10);
		}
		if (hi < lo || hi >= XVIO_MAX_CPUS)
			return -EINVAL;
		for (unsigned long c = lo; c <= hi; c++) {
			for (unsigned int i = 0; i < n; i++)
				if (cpus[i] == c)
					return -EINVAL; /* listed twice */
			if (n == max)
				return -EINVAL;
			cpus[n++] = (unsigned int)c;
		}
		if (*end == ',' && end[1] != '\0')
			end++; /* "1," is an empty element, not a list of one */
		else if (*end != '\0')
			return -EINVAL;
		p = end;
	}
	return (int)n;
}

static int copy_str(char *dst, size_t size, const char *src)
{
	if (strlen(src) >= size)
		return -ENAMETOOLONG;
	strcpy(dst, src);
	return 0;
}

static void options_defaults(struct xviod_options *opts)
{
	memset(opts, 0, sizeof(*opts));
	snprintf(opts->control_path, sizeof(opts->control_path), "%s/xviod.sock",
		 XVIO_DEFAULT_RUN_DIR);
	snprintf(opts->vhost_dir, sizeof(opts->vhost_dir), "%s", XVIO_DEFAULT_RUN_DIR);
	snprintf(opts->log_level, sizeof(opts->log_level), "info");
	snprintf(opts->file_prefix, sizeof(opts->file_prefix), "xviod");
	opts->memory_mb = 512;
	opts->nb_mbufs = 32768;
	opts->rebalance = true;
	opts->ctl_timeout_s = XVIO_CTL_TIMEOUT_DEFAULT;
}

/* The directory of config_path ("/" for "/x.json", "." for "x.json"),
 * or fallback without one. */
static void options_config_dir(const char *config_path, const char *fallback,
			       char *out, size_t len)
{
	const char *slash = strrchr(config_path, '/');

	if (config_path[0] == '\0')
		snprintf(out, len, "%s", fallback);
	else if (slash == NULL)
		snprintf(out, len, ".");
	else if (slash == config_path)
		snprintf(out, len, "/");
	else
		snprintf(out, len, "%.*s", (int)(slash - config_path), config_path);
}

int options_parse(int argc, char **argv, struct xviod_options *opts,
		  char *err, size_t errlen)
{
	int c, rc, next = 1; /* argv index after the last option seen */

	options_defaults(opts);
	optind = 0; /* glibc: 0 fully restarts the scanner */
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:c:s:f:w:m:l:dp:hV", long_options,
				NULL)) != -1) {
		switch (c) {
		case 'c':
			if (copy_str(opts->control_path, sizeof(opts->control_path), optarg))
				return fail(err, errlen, "--control: path too long");
			break;
		case 's':
			if (copy_str(opts->vhost_dir, sizeof(opts->vhost_dir), optarg))
				return fail(err, errlen, "--vhost-dir: path too long");
			break;
		case 'f':
			if (copy_str(opts->config_path, sizeof(opts->config_path), optarg))
				return fail(err, errlen, "--config: path too long");
			break;
		case OPT_FILE_DIR:
			if (copy_str(opts->file_dir, sizeof(opts->file_dir), optarg))
				return fail(err, errlen, "--file-dir: path too long");
			break;
		case OPT_CONFIG_DIR:
			if (copy_str(opts->config_dir, sizeof(opts->config_dir), optarg))
				return fail(err, errlen, "--config-dir: path too long");
			break;
		case OPT_CTL_GROUP:
			if (copy_str(opts->ctl_group, sizeof(opts->ctl_group), optarg) ||
			    optarg[0] == '\0')
				return fail(err, errlen, "--ctl-group: '%s' is not a group name", optarg);
			break;
		case OPT_CTL_TIMEOUT:
			if (parse_uint(optarg, 0, 86400, &opts->ctl_timeout_s))
				return fail(err, errlen, "--ctl-timeout: '%s' is not a number of seconds from 0 to 86400", optarg);
			break;
		case 'p':
			if (copy_str(opts->pidfile, sizeof(opts->pidfile), optarg))
				return fail(err, errlen, "--pidfile: path too long");
			break;
		case 'w':
			rc = options_parse_cpulist(optarg, opts->worker_cpus, XVIO_MAX_WORKERS);
			if (rc <= 0)
				return fail(err, errlen,
					    "--workers: '%s' is not a CPU list like 1 or 2-5,8 (at most %d CPUs, each once)",
					    optarg, XVIO_MAX_WORKERS);
			opts->nb_workers = (unsigned int)rc;
			break;
		case 'm':
			if (parse_uint(optarg, 16, 1u << 20, &opts->memory_mb))
				return fail(err, errlen, "--memory: '%s' is not a size in MiB (16 or more)", optarg);
			break;
		case OPT_MBUFS:
			if (parse_uint(optarg, 1024, 1u << 24, &opts->nb_mbufs))
				return fail(err, errlen, "--mbufs: '%s' is not a count from 1024 to 16777216", optarg);
			break;
		case OPT_NO_HUGE:
			opts->no_huge = true;
			break;
		case OPT_FILE_PREFIX:
			if (copy_str(opts->file_prefix, sizeof(opts->file_prefix), optarg) ||
			    optarg[0] == '\0' || strchr(optarg, '/'))
				return fail(err, errlen, "--file-prefix: '%s' must be a short name without '/'", optarg);
			break;
		case 'l':
			if (strcmp(optarg, "error") && strcmp(optarg, "warning") &&
			    strcmp(optarg, "info") && strcmp(optarg, "debug"))
				return fail(err, errlen, "--log-level: '%s' is not one of error, warning, info, debug", optarg);
			snprintf(opts->log_level, sizeof(opts->log_level), "%s", optarg);
			break;
		case 'd':
			opts->daemonize = true;
			break;
		case OPT_BUSY_POLL:
			opts->busy_poll = true;
			break;
		case OPT_NO_REBALANCE:
			opts->rebalance = false;
			break;
		case 'h':
			opts->help = true;
			return 0;
		case 'V':
			opts->version = true;
			return 0;
		case ':':
			return fail(err, errlen, "option '%s' needs an argument", argv[optind - 1]);
		default:
			return fail(err, errlen, "unknown option '%s' (see --help)", argv[optind - 1]);
		}
		next = optind;
	}
	/* getopt stopped either at a non-option or just past a "--" it
	 * consumed; argv[optind - 1] alone can't tell: "-f -- x" */
	if (optind < argc && optind == next)
		return fail(err, errlen, "unexpected argument '%s' (EAL arguments go after --)", argv[optind]);
	opts->eal_argc = argc - optind;
	opts->eal_argv = argv + optind;
	if (opts->file_dir[0] == '\0')
		snprintf(opts->file_dir, sizeof(opts->file_dir), "%s", opts->vhost_dir);
	if (opts->config_dir[0] == '\0')
		options_config_dir(opts->config_path, opts->vhost_dir, opts->config_dir,
				   sizeof(opts->config_dir));
	if (opts->daemonize && opts->pidfile[0] == '\0')
		snprintf(opts->pidfile, sizeof(opts->pidfile), "%s/xviod.pid",
			 XVIO_DEFAULT_RUN_DIR);
	return 0;
}

static int push(char **argv, int *argc, int max, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int push(char **argv, int *argc, int max, const char *fmt, ...)
{
	va_list ap;
	int rc;

	if (*argc >= max)
		return -EINVAL;
	va_start(ap, fmt);
	rc = vasprintf(&argv[*argc], fmt, ap);
	va_end(ap);
	if (rc < 0)
		return -ENOMEM;
	(*argc)++;
	return 0;
}

void options_free_eal_argv(int argc, char **argv)
{
	for (int i = 0; i < argc; i++)
		free(argv[i]);
	free(argv);
}

/* Did the operator choose devices for the EAL themselves? */
static bool has_device_option(const struct xviod_options *opts)
{
	for (int i = 0; i < opts->eal_argc; i++) {
		const char *a = opts->eal_argv[i];

		if (!strncmp(a, "-a", 2) || !strncmp(a, "-b", 2) ||
		    !strncmp(a, "--allow", 7) || !strncmp(a, "--block", 7) ||
		    !strcmp(a, "--no-pci"))
			return true;
	}
	return false;
}

/* The CPUs below nb_cpus not in busy[], as an EAL cpuset ("(0-2,5)"); all
 * of them if busy[] has every one. */
static size_t cpuset_text(char *buf, size_t len, unsigned int nb_cpus, const unsigned int *busy,
			  unsigned int n_busy)
{
	bool taken[XVIO_MAX_CPUS] = { false };
	unsigned int n_taken = 0;
	size_t off = (size_t)snprintf(buf, len, "(");
	const char *sep = "";

	for (unsigned int i = 0; i < n_busy; i++)
		if (!taken[busy[i]]) {
			taken[busy[i]] = true;
			n_taken++;
		}
	if (n_taken == nb_cpus)
		memset(taken, 0, sizeof(taken));
	for (unsigned int lo = 0; lo < nb_cpus; lo++) {
		unsigned int hi = lo;

		if (taken[lo])
			continue;
		while (hi + 1 < nb_cpus && !taken[hi + 1])
			hi++;
		off += (size_t)snprintf(buf + off, len - off, hi > lo ? "%s%u-%u" : "%s%u", sep, lo, hi);
		sep = ",";
		lo = hi;
	}
	return off + (size_t)snprintf(buf + off, len - off, ")");
}

int options_build_eal_argv(const struct xviod_options *opts, const char *prog,
			   unsigned int nb_cpus, char ***argv_out)
{
	int max = 16 + opts->eal_argc;
	char **argv = calloc((size_t)max + 1, sizeof(*argv));
	char lcores[8 * XVIO_MAX_CPUS + 16 * XVIO_MAX_WORKERS];
	unsigned int last_cpu[1];
	size_t off;
	int argc = 0, rc = 0;

	if (argv == NULL)
		return -ENOMEM;
	if (nb_cpus == 0)
		nb_cpus = 1;
	if (nb_cpus > XVIO_MAX_CPUS)
		nb_cpus = XVIO_MAX_CPUS;
	for (unsigned int i = 0; i < opts->nb_workers; i++)
		if (opts->worker_cpus[i] >= nb_cpus) {
			rc = -EINVAL;
			goto out;
		}
	/* lcore 0 is the control thread: it runs on the CPUs no worker
	 * polls, so that applying a change (and waiting for the workers to
	 * pass a grace period) never takes a worker's CPU from it. */
	last_cpu[0] = nb_cpus - 1;
	off = (size_t)snprintf(lcores, sizeof(lcores), "0@");
	if (opts->nb_workers == 0) {
		off += cpuset_text(lcores + off, sizeof(lcores) - off, nb_cpus, last_cpu, 1);
		snprintf(lcores + off, sizeof(lcores) - off, ",1@%u", nb_cpus - 1);
	} else {
		off += cpuset_text(lcores + off, sizeof(lcores) - off, nb_cpus, opts->worker_cpus,
				   opts->nb_workers);
		for (unsigned int i = 0; i < opts->nb_workers; i++)
			off += (size_t)snprintf(lcores + off, sizeof(lcores) - off,
						",%u@%u", i + 1, opts->worker_cpus[i]);
	}
	rc |= push(argv, &argc, max, "%s", prog);
	rc |= push(argv, &argc, max, "--lcores=%s", lcores);
	rc |= push(argv, &argc, max, "--main-lcore=0");
	rc |= push(argv, &argc, max, "-m");
	rc |= push(argv, &argc, max, "%u", opts->memory_mb);
	/* In-memory: no hugepage files are left behind if we are killed.
	 * --no-huge has no such files and does not combine with it. */
	if (opts->no_huge)
		rc |= push(argv, &argc, max, "--no-huge");
	else
		rc |= push(argv, &argc, max, "--in-memory");
	rc |= push(argv, &argc, max, "--file-prefix=%s", opts->file_prefix);
	rc |= push(argv, &argc, max, "--log-level=xvio:%s", opts->log_level);
	/* rte_vhost narrates every vhost-user message at info level. */
	rc |= push(argv, &argc, max, "--log-level=lib.vhost.config:warning");
	/* Probe no PCI device at start: NIC ports are attached one by one
	 * with port-add, never by grabbing every device on the host. */
	if (!has_device_option(opts))
		rc |= push(argv, &argc, max, "--allow=0000:00:00.0");
	for (int i = 0; i < opts->eal_argc; i++)
		rc |= push(argv, &argc, max, "%s", opts->eal_argv[i]);
out:
	if (rc != 0) {
		options_free_eal_argv(argc, argv);
		return rc < 0 ? rc : -ENOMEM;
	}
	*argv_out = argv;
	return argc;
}
