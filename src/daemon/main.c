/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * xviod: start-up, the control thread's loop, and clean shutdown.
 *
 * The main thread is the control plane: it serves the control socket,
 * samples loads once a second (rebalancing relays if enabled) and handles
 * SIGINT/SIGTERM through a signalfd. Workers run the datapath on their own
 * lcores (worker/worker.h); rte_vhost runs its own thread.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_lcore.h>

#include "common/xvio_log.h"
#include "ctl/ctl_proto.h"
#include "ctl/ctl_module.h"
#include "daemon/config.h"
#include "daemon/ctl_server.h"
#include "daemon/daemon_ctl.h"
#include "daemon/options.h"
#include "daemon/telemetry.h"
#include "port/port.h"
#include "worker/worker_ctl.h"
#include "worker/worker.h"

#define TICK_MS 1000

/* With --daemon, the child tells the waiting parent how start-up went. */
static int ready_pipe = -1;

/* With --daemon, what start-up logs (the EAL's lines among them) is held
 * here: a start that fails gives it to the caller, one that works keeps
 * the terminal quiet and sends it to syslog. */
static FILE *startup_log;
static char *startup_text;
static size_t startup_len;

static void startup_log_hold(void)
{
	startup_log = open_memstream(&startup_text, &startup_len);
	if (startup_log != NULL)
		rte_openlog_stream(startup_log);
}

static void startup_log_release(bool failed)
{
	char *line, *next;

	if (startup_log == NULL)
		return;
	fflush(startup_log);
	rte_openlog_stream(NULL);   /* from here on: syslog (and stdout, /dev/null) */
	if (failed)
		fwrite(startup_text, 1, startup_len, stderr);
	else
		for (line = startup_text; line != NULL && *line; line = next) {
			next = strchr(line, '\n');
			if (next != NULL)
				*next++ = '\0';
			rte_log(RTE_LOG_INFO, RTE_LOGTYPE_USER1, "%s\n", line);
		}
	fclose(startup_log);
	free(startup_text);
	startup_log = NULL;
}

static void redirect_to_null(int fd)
{
	int null = open("/dev/null", O_RDWR);

	if (null >= 0) {
		dup2(null, fd);
		if (null != fd)
			close(null);
	}
}

static void notify_parent(char status)
{
	if (ready_pipe >= 0) {
		/* A failed start says why on the caller's stderr (a terminal,
		 * or the journal under systemd); once running, the log goes to
		 * syslog only. Detach before the parent exits: it may be read
		 * to EOF. */
		if (status == 0)
			redirect_to_null(STDERR_FILENO);
		startup_log_release(status != 0);
		if (write(ready_pipe, &status, 1) < 0)
			(void)0; /* the parent is gone; nothing to tell */
		close(ready_pipe);
		ready_pipe = -1;
	}
}

static int daemonize(void)
{
	int fds[2];
	pid_t pid;
	char status = 1;

	if (pipe(fds) != 0)
		return -errno;
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid > 0) {
		close(fds[1]);
		/* Exit with the child's start-up result, so `xviod -d` fails
		 * visibly when the daemon cannot start. */
		if (read(fds[0], &status, 1) != 1)
			status = 1;
		_exit(status);
	}
	close(fds[0]);
	ready_pipe = fds[1];
	startup_log_hold();
	if (setsid() < 0)
		return -errno;
	/* stderr stays until start-up is over: notify_parent() */
	redirect_to_null(STDIN_FILENO);
	redirect_to_null(STDOUT_FILENO);
	return 0;
}

static int mkdir_p(const char *dir)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s", dir);
	for (char *p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0755) != 0 && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(path, 0755) != 0 && errno != EEXIST)
		return -errno;
	return 0;
}

static int parent_dir(const char *path, char *out, size_t len)
{
	const char *slash = strrchr(path, '/');

	if (slash == NULL || slash == path)
		return -ENOENT;
	snprintf(out, len, "%.*s", (int)(slash - path), path);
	return 0;
}

static int apply_config(const char *path)
{
	json_t *requests, *req;
	char err[512];
	size_t i;

	if (config_load_file(path, &requests, err, sizeof(err)) != 0) {
		XVIO_LOG(ERR, "config %s", err);
		return -EINVAL;
	}
	json_array_foreach(requests, i, req) {
		json_t *reply = ctl_commands_dispatch(req);

		if (!json_is_true(json_object_get(reply, "ok"))) {
			json_t *args = json_object_get(req, "args");
			/* Entries name what they are about by different keys. */
			const char *name = json_string_value(json_object_get(args, "name")) ?:
					   json_string_value(json_object_get(args, "port")) ?:
					   json_string_value(json_object_get(args, "bridge"));

			XVIO_LOG(ERR, "config %s: %s '%s': %s", path,
				 json_string_value(json_object_get(req, "cmd")),
				 name ? name : "",
				 json_string_value(json_object_get(reply, "error")));
			json_decref(reply);
			json_decref(requests);
			return -EINVAL;
		}
		json_decref(reply);
	}
	json_decref(requests);
	XVIO_LOG(INFO, "config %s applied", path);
	return 0;
}

static int write_pidfile(const char *path)
{
	/* Never through a symbolic link someone left at the path. */
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
	FILE *f = fd < 0 ? NULL : fdopen(fd, "w");

	if (f == NULL) {
		int rc = -errno;

		if (fd >= 0)
			close(fd);
		return rc;
	}
	fprintf(f, "%d\n", getpid());
	fclose(f);
	return 0;
}

static int signal_fd_open(void)
{
	sigset_t set, rx;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	/* Blocked before the EAL starts threads, so they inherit the mask:
	 * shutdown signals land here, PMD arrival signals on a worker. */
	worker_rx_signals(&rx);
	if (pthread_sigmask(SIG_BLOCK, &set, NULL) != 0 ||
	    pthread_sigmask(SIG_BLOCK, &rx, NULL) != 0)
		return -errno;
	signal(SIGPIPE, SIG_IGN);
	return signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
}

static void control_loop(int sigfd)
{
	uint64_t hz = rte_get_tsc_hz();
	uint64_t last_tick = rte_rdtsc();

	for (;;) {
		struct pollfd fds[CTL_MAX_CLIENTS + 2];
		uint64_t now, wait_ms;
		int n;

		fds[0] = (struct pollfd){ .fd = sigfd, .events = POLLIN };
		n = 1 + ctl_server_pollfds(fds + 1, CTL_MAX_CLIENTS + 1);
		now = rte_rdtsc();
		wait_ms = (now - last_tick) * 1000 / hz;
		wait_ms = wait_ms >= TICK_MS ? 0 : TICK_MS - wait_ms;
		if (poll(fds, (nfds_t)n, (int)wait_ms) < 0 && errno != EINTR)
			break;
		if (fds[0].revents) {
			struct signalfd_siginfo si;

			if (read(sigfd, &si, sizeof(si)) == sizeof(si)) {
				XVIO_LOG(INFO, "signal %u: shutting down", si.ssi_signo);
				return;
			}
		}
		ctl_server_handle(fds + 1, n - 1);
		now = rte_rdtsc();
		if ((now - last_tick) * 1000 / hz >= TICK_MS) {
			pthread_mutex_lock(&ctl_lock);
			xvio_modules_tick(now - last_tick);
			pthread_mutex_unlock(&ctl_lock);
			last_tick = now;
		}
	}
}

/* The EAL leaves its runtime directory (config, memory maps, the
 * multi-process and telemetry sockets) behind at exit: remove it, so
 * each start with a new --file-prefix does not leave one more. */
static void remove_runtime_dir(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;

	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL)
		if (e->d_type != DT_DIR)
			unlinkat(dirfd(d), e->d_name, 0);
	closedir(d);
	rmdir(path);
}

int main(int argc, char **argv)
{
	struct xviod_options opts;
	char err[512], dir[PATH_MAX];
	char **eal_argv;
	int eal_argc, sigfd, rc;
	long ncpu;

	if (options_parse(argc, argv, &opts, err, sizeof(err)) != 0) {
		fprintf(stderr, "xviod: %s\n", err);
		return 2;
	}
	if (opts.help) {
		options_usage(stdout, "xviod");
		return 0;
	}
	if (opts.version) {
		printf("xviod %s\n", XVIO_VERSION);
		return 0;
	}
	ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	eal_argc = options_build_eal_argv(&opts, argv[0], (unsigned int)ncpu, &eal_argv);
	if (eal_argc < 0) {
		fprintf(stderr, "xviod: --workers names a CPU this machine lacks (it has %ld)\n",
			ncpu);
		return 2;
	}
	if (opts.daemonize && (rc = daemonize()) != 0) {
		fprintf(stderr, "xviod: cannot daemonize: %s\n", strerror(-rc));
		return 1;
	}
	sigfd = signal_fd_open();
	if (sigfd < 0) {
		fprintf(stderr, "xviod: signalfd: %s\n", strerror(errno));
		return 1;
	}
	/* rte_eal_init may permute its argv: keep our copy to free. */
	char **eal_argv_copy = malloc(sizeof(char *) * (size_t)(eal_argc + 1));

	memcpy(eal_argv_copy, eal_argv, sizeof(char *) * (size_t)(eal_argc + 1));
	rc = rte_eal_init(eal_argc, eal_argv_copy);
	free(eal_argv_copy);
	if (rc < 0) {
		notify_parent(1);   /* the EAL's own messages first */
		fprintf(stderr, "xviod: DPDK EAL init failed: %s\n",
			rte_errno ? rte_strerror(rte_errno) : "see the EAL messages above");
		return 1;
	}
	rc = 1;
	if (mkdir_p(opts.vhost_dir) != 0 ||
	    (parent_dir(opts.control_path, dir, sizeof(dir)) == 0 && mkdir_p(dir) != 0)) {
		XVIO_LOG(ERR, "cannot create %s: %s", opts.vhost_dir, strerror(errno));
		goto out_eal;
	}
	port_set_vhost_dir(opts.vhost_dir);
	port_set_file_dir(opts.file_dir);
	worker_ctl_set_auto_rebalance(opts.rebalance);
	if (port_pool_create(opts.nb_mbufs) != 0) {
		XVIO_LOG(ERR, "cannot allocate %u packet buffers: %s (try more --memory)",
			 opts.nb_mbufs, rte_strerror(rte_errno));
		goto out_eal;
	}
	if (workers_start(opts.worker_cpus, opts.nb_workers, opts.busy_poll) != 0)
		goto out_eal;
	if (xvio_modules_init(err, sizeof(err)) != 0) {
		XVIO_LOG(ERR, "%s", err);
		goto out_workers;
	}
	daemon_ctl_register(opts.config_path, opts.config_dir);
	xvio_telemetry_register();
	if (ctl_server_open(&(struct ctl_server_conf){ .path = opts.control_path,
						       .group = opts.ctl_group,
						       .idle_timeout_s = opts.ctl_timeout_s },
			    err, sizeof(err)) != 0) {
		XVIO_LOG(ERR, "%s", err);
		goto out_workers;
	}
	if (opts.config_path[0] && access(opts.config_path, F_OK) == 0 &&
	    apply_config(opts.config_path) != 0)
		goto out_ctl;
	if (opts.pidfile[0] && write_pidfile(opts.pidfile) != 0)
		XVIO_LOG(WARNING, "cannot write pidfile %s: %s", opts.pidfile, strerror(errno));
	XVIO_LOG(INFO, "ready: control socket %s, %u worker(s)", opts.control_path,
		 worker_count());
	notify_parent(0);
	control_loop(sigfd);
	rc = 0;
out_ctl:
	ctl_server_close();
	pthread_mutex_lock(&ctl_lock);
	xvio_modules_fini();
	pthread_mutex_unlock(&ctl_lock);
out_workers:
	workers_stop();
out_eal:
	notify_parent((char)rc);
	if (opts.pidfile[0] && rc == 0)
		unlink(opts.pidfile);
	XVIO_LOG(INFO, "stopped");
	snprintf(dir, sizeof(dir), "%s", rte_eal_get_runtime_dir());
	rte_eal_cleanup();
	remove_runtime_dir(dir);
	options_free_eal_argv(eal_argc, eal_argv);
	return rc;
}
