/* SPDX-License-Identifier: BSD-3-Clause */
/* xviod's command line and the EAL arguments built from it (daemon/options.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/options.h"

/* An argv for options_parse(), with the program name and a NULL end. */
#define ARGV(...) ((const char *[]){ "xviod", ##__VA_ARGS__, NULL })

static struct xviod_options opts;
static char err[256];

static int parse(const char **argv)
{
	int argc = 0;

	while (argv[argc] != NULL)
		argc++;
	memset(err, 0, sizeof(err));
	return options_parse(argc, (char **)argv, &opts, err, sizeof(err));
}

static void assert_err_mentions(const char *what)
{
	if (strstr(err, what) == NULL)
		fail_msg("error '%s' does not mention '%s'", err, what);
}

/* Index of arg in an EAL argv, or -1. */
static int find_arg(int argc, char **argv, const char *arg)
{
	for (int i = 0; i < argc; i++)
		if (strcmp(argv[i], arg) == 0)
			return i;
	return -1;
}

static int count_arg(int argc, char **argv, const char *arg)
{
	int n = 0;

	for (int i = 0; i < argc; i++)
		if (strcmp(argv[i], arg) == 0)
			n++;
	return n;
}

/* Build the EAL argv of `args` on nb_cpus CPUs; it must succeed. */
static int build(const char **args, unsigned int nb_cpus, char ***eal_argv)
{
	int argc;

	assert_int_equal(parse(args), 0);
	argc = options_build_eal_argv(&opts, "xviod", nb_cpus, eal_argv);
	assert_true(argc > 0);
	assert_null((*eal_argv)[argc]);
	return argc;
}

/* ---- defaults ---- */

static void control_socket_options_and_their_defaults(void **state)
{
	(void)state;
	assert_int_equal(parse(ARGV("-s", "/v")), 0);
	assert_string_equal(opts.file_dir, "/v");   /* files go with the sockets */
	assert_string_equal(opts.config_dir, "/v"); /* no --config: the same */
	assert_string_equal(opts.ctl_group, "");
	assert_int_equal(opts.ctl_timeout_s, XVIO_CTL_TIMEOUT_DEFAULT);
	assert_int_equal(parse(ARGV("-f", "/etc/xvio/xviod.json")), 0);
	assert_string_equal(opts.config_dir, "/etc/xvio");
	assert_int_equal(parse(ARGV("-f", "/x.json")), 0);
	assert_string_equal(opts.config_dir, "/");
	assert_int_equal(parse(ARGV("-f", "x.json")), 0);
	assert_string_equal(opts.config_dir, ".");
	assert_int_equal(parse(ARGV("-f", "/etc/xvio/x.json", "--config-dir", "/srv/c",
				    "--file-dir", "/srv/f", "--ctl-group", "xvio",
				    "--ctl-timeout", "0")), 0);
	assert_string_equal(opts.config_dir, "/srv/c");
	assert_string_equal(opts.file_dir, "/srv/f");
	assert_string_equal(opts.ctl_group, "xvio");
	assert_int_equal(opts.ctl_timeout_s, 0);
	assert_int_equal(parse(ARGV("--ctl-timeout", "-1")), -EINVAL);
	assert_err_mentions("--ctl-timeout");
	assert_int_equal(parse(ARGV("--ctl-timeout", "86401")), -EINVAL);
	assert_int_equal(parse(ARGV("--ctl-group", "")), -EINVAL);
	assert_err_mentions("--ctl-group");
}

static void defaults_without_arguments(void **state)
{
	(void)state;
	assert_int_equal(parse(ARGV()), 0);
	assert_string_equal(opts.control_path, XVIO_DEFAULT_RUN_DIR "/xviod.sock");
	assert_string_equal(opts.vhost_dir, XVIO_DEFAULT_RUN_DIR);
	assert_string_equal(opts.config_path, "");
	assert_string_equal(opts.pidfile, "");
	assert_string_equal(opts.file_prefix, "xviod");
	assert_string_equal(opts.log_level, "info");
	assert_int_equal(opts.nb_workers, 0);
	assert_int_equal(opts.memory_mb, 512);
	assert_int_equal(opts.nb_mbufs, 32768);
	assert_false(opts.no_huge);
	assert_false(opts.daemonize);
	assert_false(opts.busy_poll);
	assert_true(opts.rebalance);
	assert_false(opts.help);
	assert_false(opts.version);
	assert_int_equal(opts.eal_argc, 0);
}

static void parse_resets_previous_results(void **state)
{
	(void)state;
	assert_int_equal(parse(ARGV("-d", "--no-huge", "-w", "3", "-m", "64")), 0);
	assert_int_equal(parse(ARGV()), 0);
	assert_false(opts.daemonize);
	assert_false(opts.no_huge);
	assert_int_equal(opts.nb_workers, 0);
	assert_int_equal(opts.memory_mb, 512);
	assert_string_equal(opts.pidfile, "");
}

static void parse_works_again_after_an_error(void **state)
{
	(void)state;
	assert_int_equal(parse(ARGV("--bogus")), -EINVAL);
	assert_int_equal(parse(ARGV("-w", "2")), 0);
	assert_int_equal(opts.nb_workers, 1);
	assert_int_equal(opts.worker_cpus[0], 2);
}

/* ---- each option ---- */

static void control_sets_socket_path(void **state)
{
	(void)state;
	assert_int_equal(parse(ARGV("-c", "/tmp/x.sock")), 0);
	assert_string_equal(opts.control_path, "/tmp/x.sock");
	assert_int_equal(parse(ARGV("--control=/tmp/y.sock")), 0);
	assert_string_equal(opts.control_path, "/tmp/y.sock");
}

static void control_path_too_long_is_rejected(void **state)
{
	char *path = malloc(PATH_MAX + 1);

	(void)state;
	assert_non_null(path);
	memset(path, 'a', PATH_MAX);
	path[PATH_MAX] = '\0';
	assert_int_equal(parse(ARGV("--control", path)), -EINVAL);
	assert_err_mentions("--control");
	free(path);
}

static void vhost_dir_sets_directory(void **state)
{
	(void)state;
	assert_int_equal(parse(ARGV("-s", "/var/lib/vhost")), 0);
	assert_string_equal(opts.vhost_dir, "/var/lib/vhost");
	assert_int_equal(parse(ARGV("--vhost-dir", "/srv")), 0);
	assert_string_equal(opts.vhost_dir, "/srv");
}

static void config_sets_config_path(void **state)
{
	(void)state;
	assert_int_equal(parse(ARGV("-f", "/etc/xvio.json")), 0);
	assert_string_equal(opts.config_path, "/etc/xvio.json");
	assert_int_equal(parse(ARGV("--config", "b.json")), 0);
	assert_string_equal(opts.config_path, "b.json");
}

static void pidfile_sets_path_without_daemon(void **state)
{
	(void)state;
	assert_int_equal(parse(ARGV("-p", "/tmp/x.pid")), 0);
	assert_string_equal(opts.pidfile, "/tmp/x.pid");
	assert_false(opts.daemonize);
}

static void memory_sets_megabytes(void **state)
{
	(void)state;
	assert_int_equal(parse(ARGV("-m", "1024")), 0);
	assert_int_equal(opts.memory_mb, 1024);
	assert_int_equal(parse(ARGV("--memory=16")), 0);
	assert_int_equal(opts.memory_mb, 16);
}

static void memory_rejects_bad_sizes(void **state)
{
	static const char *const bad[] = { "15", "0", "-16", "", "abc", "64M", "1048577" };

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(parse(ARGV("--memory", bad[i])), -EINVAL);
		assert_err_mentions("--memory");
	}
}

static void mbufs_sets_pool_size(void **state)
{
	(void)state;
	assert_int_equal(parse(ARGV("--mbufs", "1024")), 0);
	assert_int_equal(opts.nb_mbufs, 1024);
	assert_int_equal(parse(ARGV("--mbufs=16777216")), 0);
	assert_int_equal(opts.nb_mbufs, 16777216);
}

static void mbufs_rejects_out_of_range(void **state)
{
	static const char *const bad[] = { "1023", "16777217", "-1", "many", "" };

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(parse(ARGV("--mbufs", bad[i])), -EINVAL);
		assert_err_mentions("--mbufs");
	}
}

static void no_huge_sets_flag(void **state)
{
	(void)state;
	assert_int_equal(parse(ARGV("--no-huge")), 0);
	assert_true(opts.no_huge);
}

static void file_prefix_sets_name(void **state)
{
	(void)state;
	assert_int_equal(parse(ARGV("--file-prefix", "xv2")), 0);
	assert_string_equal(opts.file_prefix, "xv2");
}

static void file_prefix_rejects_empty_slash_and_long(void **state)
{
	char longname[80];

	(void)state;
	memset(longname, 'p', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	assert_int_equal(parse(ARGV("--file-prefix", "")), -EINVAL);
	assert_err_mentions("--file-prefix");
	assert_int_equal(parse(ARGV("--file-prefix", "a/b")), -EINVAL);
	assert_err_mentions("--file-prefix");
	assert_int_equal(parse(ARGV("--file-prefix", longname)), -EINVAL);
	assert_err_mentions("--file-prefix");
}

static void log_level_accepts_each_level(void **state)
{
	static const char *const levels[] = { "error", "warning", "info", "debug" };

	(void)state;
	for (size_t i = 0; i < sizeof(levels) / sizeof(levels[0]); i++) {
		assert_int_equal(parse(ARGV("-l", levels[i])), 0);
		assert_string_equal(opts.log_level, levels[i]);
	}
}

static void log_level_rejects_unknown_level(void **state)
{
	(void)state;
	assert_int_equal(parse(ARGV("--log-level", "verbose")), -EINVAL);
	assert_err_mentions("--log-level");
	assert_err_mentions("verbose");
}

static void daemon_sets_default_pidfile(void **state)
{
	(void)state;
	assert_int_equal(parse(ARGV("--daemon")), 0);
	assert_true(opts.daemonize);
	assert_string_equal(opts.pidfile, XVIO_DEFAULT_RUN_DIR "/xviod.pid");
}

static void daemon_keeps_explicit_pidfile(void **state)
{
	(void)state;
	assert_int_equal(parse(ARGV("-d", "-p", "/tmp/mine.pid")), 0);
	assert_true(opts.daemonize);
	assert_string_equal(opts.pidfile, "/tmp/mine.pid");
	/* The order does not matter. */
	assert_int_equal(parse(ARGV("-p", "/tmp/mine.pid", "-d")), 0);
	assert_string_equal(opts.pidfile, "/tmp/mine.pid");
}

static void busy_poll_sets_flag(void **state)
{
	(void)state;
	assert_int_equal(parse(ARGV("--busy-poll")), 0);
	assert_true(opts.busy_poll);
}

static void no_rebalance_clears_rebalance(void **state)
{
	(void)state;
	assert_int_equal(parse(ARGV("--no-rebalance")), 0);
	assert_false(opts.rebalance);
}

static void help_stops_parsing(void **state)
{
	(void)state;
	assert_int_equal(parse(ARGV("-h")), 0);
	assert_true(opts.help);
	/* Whatever follows is not looked at. */
	assert_int_equal(parse(ARGV("--help", "--bogus")), 0);
	assert_true(opts.help);
}

static void version_stops_parsing(void **state)
{
	(void)state;
	assert_int_equal(parse(ARGV("-V")), 0);
	assert_true(opts.version);
	assert_int_equal(parse(ARGV("--version", "extra")), 0);
	assert_true(opts.version);
}

static void short_flags_can_be_combined(void **state)
{
	(void)state;
	assert_int_equal(parse(ARGV("-dw", "4")), 0);
	assert_true(opts.daemonize);
	assert_int_equal(opts.nb_workers, 1);
	assert_int_equal(opts.worker_cpus[0], 4);
}

static void long_option_prefix_is_accepted(void **state)
{
	(void)state;
	assert_int_equal(parse(ARGV("--work", "2")), 0);
	assert_int_equal(opts.nb_workers, 1);
	assert_int_equal(opts.worker_cpus[0], 2);
}

/* ---- --workers and CPU lists ---- */

static void workers_single_cpu(void **state)
{
	(void)state;
	assert_int_equal(parse(ARGV("-w", "1")), 0);
	assert_int_equal(opts.nb_workers, 1);
	assert_int_equal(opts.worker_cpus[0], 1);
}

static void workers_list_with_range_and_single(void **state)
{
	(void)state;
	assert_int_equal(parse(ARGV("--workers", "2-5,8")), 0);
	assert_int_equal(opts.nb_workers, 5);
	assert_int_equal(opts.worker_cpus[0], 2);
	assert_int_equal(opts.worker_cpus[1], 3);
	assert_int_equal(opts.worker_cpus[2], 4);
	assert_int_equal(opts.worker_cpus[3], 5);
	assert_int_equal(opts.worker_cpus[4], 8);
}

static void workers_keep_the_given_order(void **state)
{
	(void)state;
	assert_int_equal(parse(ARGV("--workers=7,0-1")), 0);
	assert_int_equal(opts.nb_workers, 3);
	assert_int_equal(opts.worker_cpus[0], 7);
	assert_int_equal(opts.worker_cpus[1], 0);
	assert_int_equal(opts.worker_cpus[2], 1);
}

static void workers_rejects_bad_lists_naming_option(void **state)
{
	static const char *const bad[] = {
		"", "a", "3-1", "1,1", "1-", "-1", "1,", ",1", "1,,2", "1-2-3",
		"1 2", "2-3,3", "1024", "0x1", "0-64",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (parse(ARGV("-w", bad[i])) != -EINVAL)
			fail_msg("--workers '%s' was accepted", bad[i]);
		assert_err_mentions("--workers");
		assert_err_mentions(bad[i]);
	}
}

static void cpulist_single(void **state)
{
	unsigned int cpus[4];

	(void)state;
	assert_int_equal(options_parse_cpulist("1", cpus, 4), 1);
	assert_int_equal(cpus[0], 1);
}

static void cpulist_range_and_single(void **state)
{
	unsigned int cpus[8];

	(void)state;
	assert_int_equal(options_parse_cpulist("2-5,8", cpus, 8), 5);
	assert_int_equal(cpus[0], 2);
	assert_int_equal(cpus[3], 5);
	assert_int_equal(cpus[4], 8);
}

static void cpulist_range_of_one(void **state)
{
	unsigned int cpus[4];

	(void)state;
	assert_int_equal(options_parse_cpulist("3-3", cpus, 4), 1);
	assert_int_equal(cpus[0], 3);
}

static void cpulist_highest_cpu_is_1023(void **state)
{
	unsigned int cpus[4];

	(void)state;
	assert_int_equal(options_parse_cpulist("1023", cpus, 4), 1);
	assert_int_equal(cpus[0], 1023);
	assert_int_equal(options_parse_cpulist("1024", cpus, 4), -EINVAL);
	assert_int_equal(options_parse_cpulist("1020-1024", cpus, 8), -EINVAL);
	assert_int_equal(options_parse_cpulist("99999999999999999999999", cpus, 4),
			 -EINVAL);
}

static void cpulist_empty_is_invalid(void **state)
{
	unsigned int cpus[4];

	(void)state;
	assert_int_equal(options_parse_cpulist("", cpus, 4), -EINVAL);
}

static void cpulist_letters_are_invalid(void **state)
{
	unsigned int cpus[4];

	(void)state;
	assert_int_equal(options_parse_cpulist("a", cpus, 4), -EINVAL);
	assert_int_equal(options_parse_cpulist("1a", cpus, 4), -EINVAL);
	assert_int_equal(options_parse_cpulist("1-b", cpus, 4), -EINVAL);
}

static void cpulist_reversed_range_is_invalid(void **state)
{
	unsigned int cpus[4];

	(void)state;
	assert_int_equal(options_parse_cpulist("3-1", cpus, 4), -EINVAL);
}

static void cpulist_duplicate_is_invalid(void **state)
{
	unsigned int cpus[8];

	(void)state;
	assert_int_equal(options_parse_cpulist("1,1", cpus, 8), -EINVAL);
	assert_int_equal(options_parse_cpulist("1-4,3", cpus, 8), -EINVAL);
	assert_int_equal(options_parse_cpulist("5,2-6", cpus, 8), -EINVAL);
}

static void cpulist_open_range_is_invalid(void **state)
{
	unsigned int cpus[4];

	(void)state;
	assert_int_equal(options_parse_cpulist("1-", cpus, 4), -EINVAL);
	assert_int_equal(options_parse_cpulist("-1", cpus, 4), -EINVAL);
	assert_int_equal(options_parse_cpulist("1-,2", cpus, 4), -EINVAL);
}

static void cpulist_empty_element_is_invalid(void **state)
{
	unsigned int cpus[4];

	(void)state;
	/* "1," is what "1,$CPU" becomes when $CPU is unset. */
	assert_int_equal(options_parse_cpulist("1,", cpus, 4), -EINVAL);
	assert_int_equal(options_parse_cpulist(",1", cpus, 4), -EINVAL);
	assert_int_equal(options_parse_cpulist("1,,2", cpus, 4), -EINVAL);
}

static void cpulist_too_many_is_invalid(void **state)
{
	unsigned int cpus[XVIO_MAX_WORKERS + 1];

	(void)state;
	assert_int_equal(options_parse_cpulist("1-3", cpus, 2), -EINVAL);
	assert_int_equal(options_parse_cpulist("1,2,3", cpus, 2), -EINVAL);
	assert_int_equal(options_parse_cpulist("0-63", cpus, XVIO_MAX_WORKERS),
			 XVIO_MAX_WORKERS);
	assert_int_equal(options_parse_cpulist("0-64", cpus, XVIO_MAX_WORKERS), -EINVAL);
}

static void cpulist_exactly_max_is_valid(void **state)
{
	unsigned int cpus[2];

	(void)state;
	assert_int_equal(options_parse_cpulist("6,9", cpus, 2), 2);
	assert_int_equal(cpus[0], 6);
	assert_int_equal(cpus[1], 9);
}

/* ---- errors ---- */

static void unknown_long_option_is_named(void **state)
{
	(void)state;
	assert_int_equal(parse(ARGV("--bogus")), -EINVAL);
	assert_err_mentions("--bogus");
}

static void unknown_short_option_is_named(void **state)
{
	(void)state;
	assert_int_equal(parse(ARGV("-w", "1", "-x")), -EINVAL);
	assert_err_mentions("-x");
}

static void flag_given_an_argument_is_rejected(void **state)
{
	(void)state;
	assert_int_equal(parse(ARGV("--daemon=yes")), -EINVAL);
	assert_err_mentions("--daemon");
}

static void missing_argument_of_short_option_is_named(void **state)
{
	(void)state;
	assert_int_equal(parse(ARGV("-w")), -EINVAL);
	assert_err_mentions("'-w'");
	assert_err_mentions("argument");
}

static void missing_argument_of_long_option_is_named(void **state)
{
	(void)state;
	assert_int_equal(parse(ARGV("-d", "--control")), -EINVAL);
	assert_err_mentions("'--control'");
	assert_err_mentions("argument");
}

static void stray_argument_is_rejected(void **state)
{
	(void)state;
	assert_int_equal(parse(ARGV("-w", "1", "stray")), -EINVAL);
	assert_err_mentions("stray");
	assert_err_mentions("--");
}

/* ---- EAL pass-through ---- */

static void eal_args_after_double_dash_pass_through(void **state)
{
	(void)state;
	assert_int_equal(parse(ARGV("-w", "1", "--", "-a", "0000:03:00.1", "--vdev=net_tap0")), 0);
	assert_int_equal(opts.nb_workers, 1);
	assert_int_equal(opts.eal_argc, 3);
	assert_string_equal(opts.eal_argv[0], "-a");
	assert_string_equal(opts.eal_argv[1], "0000:03:00.1");
	assert_string_equal(opts.eal_argv[2], "--vdev=net_tap0");
}

static void eal_args_may_look_like_xviod_options(void **state)
{
	(void)state;
	assert_int_equal(parse(ARGV("--", "-w", "9", "stray")), 0);
	assert_int_equal(opts.nb_workers, 0);
	assert_int_equal(opts.eal_argc, 3);
	assert_string_equal(opts.eal_argv[0], "-w");
}

static void double_dash_alone_gives_no_eal_args(void **state)
{
	(void)state;
	assert_int_equal(parse(ARGV("--")), 0);
	assert_int_equal(opts.eal_argc, 0);
}

static void double_dash_as_option_value_is_not_the_separator(void **state)
{
	(void)state;
	/* "--" is the value of -f here, so "stray" is a stray argument. */
	assert_int_equal(parse(ARGV("-f", "--", "stray")), -EINVAL);
	assert_err_mentions("stray");
	/* ... and with nothing after it, simply a (strange) file name. */
	assert_int_equal(parse(ARGV("-f", "--")), 0);
	assert_string_equal(opts.config_path, "--");
	assert_int_equal(opts.eal_argc, 0);
}

/* ---- EAL argv ---- */

static void eal_argv_default_is_exact(void **state)
{
	static const char *const expect[] = {
		"xviod", "--lcores=0@(0-2),1@3", "--main-lcore=0", "-m", "512",
		"--in-memory", "--file-prefix=xviod", "--log-level=xvio:info",
		"--log-level=lib.vhost.config:warning", "--allow=0000:00:00.0",
	};
	char **argv;
	int argc;

	(void)state;
	argc = build(ARGV(), 4, &argv);
	assert_int_equal(argc, sizeof(expect) / sizeof(expect[0]));
	for (int i = 0; i < argc; i++)
		assert_string_equal(argv[i], expect[i]);
	options_free_eal_argv(argc, argv);
}

static void eal_argv_uses_in_memory_with_hugepages(void **state)
{
	char **argv;
	int argc;

	(void)state;
	argc = build(ARGV(), 2, &argv);
	assert_true(find_arg(argc, argv, "--in-memory") > 0);
	assert_int_equal(find_arg(argc, argv, "--no-huge"), -1);
	options_free_eal_argv(argc, argv);
}

static void eal_argv_no_huge_replaces_in_memory(void **state)
{
	char **argv;
	int argc;

	(void)state;
	argc = build(ARGV("--no-huge"), 2, &argv);
	assert_true(find_arg(argc, argv, "--no-huge") > 0);
	assert_int_equal(find_arg(argc, argv, "--in-memory"), -1);
	options_free_eal_argv(argc, argv);
}

static void eal_argv_carries_memory_prefix_and_log_level(void **state)
{
	char **argv;
	int argc, m;

	(void)state;
	argc = build(ARGV("-m", "2048", "--file-prefix", "xv2", "-l", "debug"), 2, &argv);
	m = find_arg(argc, argv, "-m");
	assert_true(m > 0 && m + 1 < argc);
	assert_string_equal(argv[m + 1], "2048");
	assert_true(find_arg(argc, argv, "--file-prefix=xv2") > 0);
	assert_true(find_arg(argc, argv, "--log-level=xvio:debug") > 0);
	options_free_eal_argv(argc, argv);
}

static void eal_argv_program_name_comes_first(void **state)
{
	char **argv;
	int argc;

	(void)state;
	assert_int_equal(parse(ARGV()), 0);
	argc = options_build_eal_argv(&opts, "/usr/sbin/xviod", 1, &argv);
	assert_true(argc > 0);
	assert_string_equal(argv[0], "/usr/sbin/xviod");
	options_free_eal_argv(argc, argv);
}

static void lcores_default_worker_on_last_cpu(void **state)
{
	char **argv;
	int argc;

	(void)state;
	argc = build(ARGV(), 8, &argv);
	assert_true(find_arg(argc, argv, "--lcores=0@(0-6),1@7") > 0);
	assert_true(find_arg(argc, argv, "--main-lcore=0") > 0);
	options_free_eal_argv(argc, argv);
}

static void lcores_maps_each_worker_to_its_cpu(void **state)
{
	char **argv;
	int argc;

	(void)state;
	argc = build(ARGV("-w", "2-3,5"), 8, &argv);
	assert_true(find_arg(argc, argv, "--lcores=0@(0-1,4,6-7),1@2,2@3,3@5") > 0);
	options_free_eal_argv(argc, argv);
}

static void lcores_with_one_cpu(void **state)
{
	char **argv;
	int argc;

	(void)state;
	argc = build(ARGV(), 1, &argv);
	assert_true(find_arg(argc, argv, "--lcores=0@(0),1@0") > 0);
	options_free_eal_argv(argc, argv);
	/* An unknown CPU count is taken as one CPU. */
	argc = build(ARGV(), 0, &argv);
	assert_true(find_arg(argc, argv, "--lcores=0@(0),1@0") > 0);
	options_free_eal_argv(argc, argv);
}

/* Every CPU a worker's: the control thread may use them all. */
static void lcores_with_every_cpu_a_worker(void **state)
{
	char **argv;
	int argc;

	(void)state;
	argc = build(ARGV("-w", "0-1"), 2, &argv);
	assert_true(find_arg(argc, argv, "--lcores=0@(0-1),1@0,2@1") > 0);
	options_free_eal_argv(argc, argv);
}

static void lcores_with_all_workers(void **state)
{
	char expect[1200], **argv;
	size_t off;
	int argc;

	(void)state;
	off = (size_t)snprintf(expect, sizeof(expect), "--lcores=0@(0-959)");
	for (unsigned int i = 0; i < XVIO_MAX_WORKERS; i++)
		off += (size_t)snprintf(expect + off, sizeof(expect) - off, ",%u@%u",
					i + 1, 960 + i);
	argc = build(ARGV("-w", "960-1023"), 1024, &argv);
	assert_int_equal(opts.nb_workers, XVIO_MAX_WORKERS);
	assert_string_equal(argv[1], expect);
	options_free_eal_argv(argc, argv);
}

static void worker_cpu_beyond_machine_is_einval(void **state)
{
	char **argv = NULL;

	(void)state;
	assert_int_equal(parse(ARGV("-w", "1,4")), 0);
	assert_int_equal(options_build_eal_argv(&opts, "xviod", 4, &argv), -EINVAL);
	assert_null(argv);
	assert_int_equal(options_build_eal_argv(&opts, "xviod", 5, &argv), 10);
	options_free_eal_argv(10, argv);
}

static void dummy_allow_added_without_device_options(void **state)
{
	char **argv;
	int argc;

	(void)state;
	argc = build(ARGV("--", "--vdev=net_tap0", "--log-level=lib.eal:debug"), 2, &argv);
	assert_int_equal(count_arg(argc, argv, "--allow=0000:00:00.0"), 1);
	/* User arguments come last, in order, after our own. */
	assert_string_equal(argv[argc - 2], "--vdev=net_tap0");
	assert_string_equal(argv[argc - 1], "--log-level=lib.eal:debug");
	assert_true(find_arg(argc, argv, "--allow=0000:00:00.0") < argc - 2);
	options_free_eal_argv(argc, argv);
}

static void dummy_allow_omitted_when_user_chooses_devices(void **state)
{
	static const char *const choices[][2] = {
		{ "-a", "0000:03:00.1" },
		{ "-a0000:03:00.1", NULL },
		{ "-b", "0000:03:00.0" },
		{ "--allow", "0000:03:00.1" },
		{ "--allow=0000:03:00.1", NULL },
		{ "--block=0000:03:00.0", NULL },
		{ "--no-pci", NULL },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(choices) / sizeof(choices[0]); i++) {
		char **argv;
		int argc;

		argc = build(ARGV("-w", "1", "--", "--vdev=net_tap0",
				  choices[i][0], choices[i][1]), 2, &argv);
		if (find_arg(argc, argv, "--allow=0000:00:00.0") >= 0)
			fail_msg("dummy --allow added despite '%s'", choices[i][0]);
		assert_string_equal(argv[argc - 1],
				    choices[i][1] ? choices[i][1] : choices[i][0]);
		options_free_eal_argv(argc, argv);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(defaults_without_arguments),
		cmocka_unit_test(parse_resets_previous_results),
		cmocka_unit_test(parse_works_again_after_an_error),
		cmocka_unit_test(control_sets_socket_path),
		cmocka_unit_test(control_path_too_long_is_rejected),
		cmocka_unit_test(vhost_dir_sets_directory),
		cmocka_unit_test(config_sets_config_path),
		cmocka_unit_test(pidfile_sets_path_without_daemon),
		cmocka_unit_test(memory_sets_megabytes),
		cmocka_unit_test(memory_rejects_bad_sizes),
		cmocka_unit_test(mbufs_sets_pool_size),
		cmocka_unit_test(mbufs_rejects_out_of_range),
		cmocka_unit_test(no_huge_sets_flag),
		cmocka_unit_test(file_prefix_sets_name),
		cmocka_unit_test(file_prefix_rejects_empty_slash_and_long),
		cmocka_unit_test(log_level_accepts_each_level),
		cmocka_unit_test(log_level_rejects_unknown_level),
		cmocka_unit_test(daemon_sets_default_pidfile),
		cmocka_unit_test(daemon_keeps_explicit_pidfile),
		cmocka_unit_test(busy_poll_sets_flag),
		cmocka_unit_test(no_rebalance_clears_rebalance),
		cmocka_unit_test(help_stops_parsing),
		cmocka_unit_test(version_stops_parsing),
		cmocka_unit_test(short_flags_can_be_combined),
		cmocka_unit_test(long_option_prefix_is_accepted),
		cmocka_unit_test(workers_single_cpu),
		cmocka_unit_test(workers_list_with_range_and_single),
		cmocka_unit_test(workers_keep_the_given_order),
		cmocka_unit_test(workers_rejects_bad_lists_naming_option),
		cmocka_unit_test(cpulist_single),
		cmocka_unit_test(cpulist_range_and_single),
		cmocka_unit_test(cpulist_range_of_one),
		cmocka_unit_test(cpulist_highest_cpu_is_1023),
		cmocka_unit_test(cpulist_empty_is_invalid),
		cmocka_unit_test(cpulist_letters_are_invalid),
		cmocka_unit_test(cpulist_reversed_range_is_invalid),
		cmocka_unit_test(cpulist_duplicate_is_invalid),
		cmocka_unit_test(cpulist_open_range_is_invalid),
		cmocka_unit_test(cpulist_empty_element_is_invalid),
		cmocka_unit_test(cpulist_too_many_is_invalid),
		cmocka_unit_test(cpulist_exactly_max_is_valid),
		cmocka_unit_test(unknown_long_option_is_named),
		cmocka_unit_test(unknown_short_option_is_named),
		cmocka_unit_test(flag_given_an_argument_is_rejected),
		cmocka_unit_test(missing_argument_of_short_option_is_named),
		cmocka_unit_test(missing_argument_of_long_option_is_named),
		cmocka_unit_test(stray_argument_is_rejected),
		cmocka_unit_test(eal_args_after_double_dash_pass_through),
		cmocka_unit_test(eal_args_may_look_like_xviod_options),
		cmocka_unit_test(double_dash_alone_gives_no_eal_args),
		cmocka_unit_test(double_dash_as_option_value_is_not_the_separator),
		cmocka_unit_test(eal_argv_default_is_exact),
		cmocka_unit_test(eal_argv_uses_in_memory_with_hugepages),
		cmocka_unit_test(eal_argv_no_huge_replaces_in_memory),
		cmocka_unit_test(eal_argv_carries_memory_prefix_and_log_level),
		cmocka_unit_test(eal_argv_program_name_comes_first),
		cmocka_unit_test(lcores_default_worker_on_last_cpu),
		cmocka_unit_test(lcores_maps_each_worker_to_its_cpu),
		cmocka_unit_test(control_socket_options_and_their_defaults),
		cmocka_unit_test(lcores_with_one_cpu),
		cmocka_unit_test(lcores_with_every_cpu_a_worker),
		cmocka_unit_test(lcores_with_all_workers),
		cmocka_unit_test(worker_cpu_beyond_machine_is_einval),
		cmocka_unit_test(dummy_allow_added_without_device_options),
		cmocka_unit_test(dummy_allow_omitted_when_user_chooses_devices),
	};

	return cmocka_run_group_tests_name("options", tests, NULL, NULL);
}
