/* SPDX-License-Identifier: BSD-3-Clause */
/* Who may use the control socket and where it may make xviod write:
 * daemon/ctl_auth.h, common/path_confine.h, port/devargs_files.h. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/path_confine.h"
#include "daemon/ctl_auth.h"
#include "port/devargs_files.h"

static char dir[64], other[64], out[PATH_MAX], err[512];
static struct path_area area;

static int dirs_setup(void **state)
{
	char path[PATH_MAX];

	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/xc-unit-XXXXXX");
	snprintf(other, sizeof(other), "/tmp/xc-unit-out-XXXXXX");
	if (mkdtemp(dir) == NULL || mkdtemp(other) == NULL)
		return -1;
	area = (struct path_area){ dir, "file", "--file-dir" };
	snprintf(path, sizeof(path), "%s/sub", dir);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/esc", dir);
	if (symlink(other, path) != 0)
		return -1;
	snprintf(path, sizeof(path), "%s/link", dir);
	return symlink("/etc/passwd", path);
}

static int dirs_teardown(void **state)
{
	char cmd[2 * PATH_MAX + 16];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s %s", dir, other);
	return system(cmd);
}

static int confine(const char *path, bool bare_ok)
{
	memset(err, 0, sizeof(err));
	return path_confine(&area, path, bare_ok, out, sizeof(out), err, sizeof(err));
}

static void expect_error(int rc, int want, const char *words)
{
	assert_int_equal(rc, want);
	if (strstr(err, words) == NULL)
		fail_msg("error '%s' does not say '%s'", err, words);
}

static void paths_in_the_directory_are_accepted(void **state)
{
	char want[PATH_MAX + 16];

	(void)state;
	snprintf(want, sizeof(want), "%s/a.pcap", dir);
	assert_int_equal(confine(want, false), 0);
	assert_string_equal(out, want);
	assert_int_equal(confine("a.pcap", true), 0); /* a bare name goes there */
	assert_string_equal(out, want);
	snprintf(want, sizeof(want), "%s/sub/b.pcap", dir);
	assert_int_equal(confine(want, false), 0);
}

static void paths_elsewhere_are_refused_naming_path_and_directory(void **state)
{
	char path[PATH_MAX + 16], words[PATH_MAX + 64];

	(void)state;
	snprintf(words, sizeof(words), "outside the file directory %s (--file-dir)", dir);
	expect_error(confine("/etc/passwd", false), -EPERM, words);
	expect_error(confine("a.pcap", false), -EPERM, words); /* relative to what? */
	expect_error(confine("sub/a.pcap", true), -EPERM, words);
	snprintf(path, sizeof(path), "%s/../x", dir);
	expect_error(confine(path, false), -EPERM, words);
	snprintf(path, sizeof(path), "%s/sub/../../x", dir);
	expect_error(confine(path, false), -EPERM, words);
	/* A directory of the same name with more after it is not inside. */
	snprintf(path, sizeof(path), "%sx/a", dir);
	expect_error(confine(path, false), -EPERM, "outside");
	/* A link on the way out. */
	snprintf(path, sizeof(path), "%s/esc/a", dir);
	expect_error(confine(path, false), -EPERM, words);
	expect_error(confine("..", true), -EPERM, words);
}

static void a_symbolic_link_as_the_last_name_is_refused(void **state)
{
	char path[PATH_MAX + 16];

	(void)state;
	snprintf(path, sizeof(path), "%s/link", dir);
	expect_error(confine(path, false), -ELOOP, "symbolic link");
	expect_error(confine("link", true), -ELOOP, "symbolic link");
}

static void a_missing_directory_inside_is_named(void **state)
{
	char path[PATH_MAX + 16];

	(void)state;
	snprintf(path, sizeof(path), "%s/nosuch/a", dir);
	expect_error(confine(path, false), -ENOENT, "does not exist");
}

static int check_dev(const char *fmt, const char *arg)
{
	char dev[2 * PATH_MAX];

	snprintf(dev, sizeof(dev), fmt, arg);
	memset(err, 0, sizeof(err));
	return devargs_files_check(dev, &area, err, sizeof(err));
}

static void device_strings_keep_their_files_in_the_directory(void **state)
{
	(void)state;
	assert_int_equal(check_dev("net_pcap0,rx_pcap=%s/in.pcap,infinite_rx=1", dir), 0);
	assert_int_equal(check_dev("0000:03:00.1%s", ""), 0);
	assert_int_equal(check_dev("net_tap0,iface=xv0%s", ""), 0);
	assert_int_equal(check_dev("net_af_packet0,iface=veth0,qpairs=2%s", ""), 0);
	expect_error(check_dev("net_pcap0,rx_iface=lo,tx_pcap=%s/o.pcap", other), -EPERM,
		     "device argument tx_pcap");
	expect_error(check_dev("eth_pcap0,tx_pcap=%s", "o.pcap"), -EPERM, "tx_pcap");
	expect_error(check_dev("net_memif0,socket=%s/m.sock", other), -EPERM, "socket");
	expect_error(check_dev("net_vhost0,iface=%s", "v.sock"), -EPERM, "iface");
	expect_error(check_dev("net_virtio_user0,path=%s/v", other), -EPERM, "path");
	/* Any value that looks like a path, whatever the driver. */
	expect_error(check_dev("net_future0,model=%s/f", other), -EPERM, "model");
	expect_error(check_dev("net_pcap0,tx_pcap=%s/link", dir), -ELOOP, "symbolic link");
	expect_error(check_dev("net_failsafe0,exec(/bin/sh%s)", ""), -EPERM, "net_failsafe");
}

static void root_and_the_group_are_allowed(void **state)
{
	gid_t groups[] = { 10, 100 };

	(void)state;
	assert_true(ctl_creds_allowed(0, 0, NULL, 0, CTL_NO_GROUP));
	assert_true(ctl_creds_allowed(0, 5, NULL, 0, 100));
	assert_false(ctl_creds_allowed(1000, 1000, groups, 2, CTL_NO_GROUP));
	assert_true(ctl_creds_allowed(1000, 1000, groups, 2, 100));
	assert_true(ctl_creds_allowed(1000, 100, NULL, 0, 100));
	assert_false(ctl_creds_allowed(1000, 1000, groups, 2, 200));
}

static void the_kernel_names_the_peer(void **state)
{
	int pair[2];
	uid_t uid;

	(void)state;
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, pair), 0);
	assert_int_equal(ctl_peer_allowed(pair[0], CTL_NO_GROUP, &uid), getuid() == 0);
	assert_int_equal(uid, getuid());
	assert_int_equal(ctl_peer_allowed(pair[0], getgid(), &uid), 1); /* our own group */
	close(pair[0]);
	close(pair[1]);
	assert_int_equal(ctl_peer_allowed(-1, CTL_NO_GROUP, &uid), -EBADF);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(paths_in_the_directory_are_accepted),
		cmocka_unit_test(paths_elsewhere_are_refused_naming_path_and_directory),
		cmocka_unit_test(a_symbolic_link_as_the_last_name_is_refused),
		cmocka_unit_test(a_missing_directory_inside_is_named),
		cmocka_unit_test(device_strings_keep_their_files_in_the_directory),
		cmocka_unit_test(root_and_the_group_are_allowed),
		cmocka_unit_test(the_kernel_names_the_peer),
	};

	return cmocka_run_group_tests(tests, dirs_setup, dirs_teardown);
}
