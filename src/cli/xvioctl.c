/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * xvioctl: the operator's CLI for xviod. Each subcommand becomes one
 * request on the control socket (ctl/ctl_proto.h); the reply is printed
 * as a table, or as JSON with --json.
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "cli/cli.h"
#include "cli/table.h"
#include "ctl/ctl_proto.h"

#define DEFAULT_SOCKET "/run/xvio/xviod.sock"
/* Reals as people read them: 15 significant digits print 765.7 as 765.7,
 * where a double's full 17 give 765.70000000000005. */
#define CLI_REAL_DIGITS 15

static const char *socket_path = DEFAULT_SOCKET;
bool json_output;
static int ctl_fd = -1;
static struct ctl_reader reader;

static void usage(FILE *out)
{
	fprintf(out,
"Usage: xvioctl [-s SOCKET] [--json] COMMAND [ARGS...]\n"
"\n"
"Ports:\n"
"  port add NAME vhost PATH [mode=server|client] [queues=1..8 (1: no multiqueue)]\n"
"                           [mrg_rxbuf=on|off] [packed=on|off] [offloads=on|off]\n"
"                           [owner=USER] [group=GROUP] [perm=0660]\n"
"  port add NAME eth DEVICE [queues=1..8] [mtu=N]\n"
"  port del NAME\n"
"  port list\n"
"  port show NAME\n"
"Relays:\n"
"  relay add NAME VHOST-PORT NIC-PORT [core=CPU] [vm-to-nic-core=CPU]\n"
"                                     [nic-to-vm-core=CPU]\n"
"  relay del NAME\n"
"  relay list\n"
"  relay show NAME\n"
"  relay pin NAME CPU [vm-to-nic|nic-to-vm]\n"
"  relay unpin NAME [vm-to-nic|nic-to-vm]\n"
"Bridges (switch mode; flows in ovs-ofctl syntax, see docs/switch.md):\n"
"  bridge add NAME [mac_age=SECONDS] [mac_limit=N] [default_flow=on|off]\n"
"                          comes with priority=0,actions=normal (as in OVS)\n"
"                          unless default_flow=off\n"
"  bridge set NAME [mac_age=SECONDS] [mac_limit=N]\n"
"                          MAC ageing, addresses learnt per port; under traffic\n"
"  bridge del NAME         refused while it has ports (bridge port-del first)\n"
"  bridge list\n"
"  bridge show NAME\n"
"  bridge port-add BRIDGE PORT [ofport=N] [tag=VLAN | trunks=VLAN,...] [mac_limit=N]\n"
"                  [core=CPU]   mac_limit: addresses learnt on it (default 1024)\n"
"  bridge port-del BRIDGE PORT\n"
"  bridge pin BRIDGE PORT CPU\n"
"  bridge unpin BRIDGE PORT\n"
"  add-flow BRIDGE FLOW\n"
"  add-flows BRIDGE FILE   one flow per line ('-' = stdin); all or none\n"
"  mod-flows BRIDGE FLOW [--strict]\n"
"  del-flows BRIDGE [MATCH] [--strict]\n"
"  dump-flows BRIDGE [MATCH]\n"
"  dump-tables BRIDGE\n"
"  trace BRIDGE PACKET     e.g. 'in_port=vm1,tcp,nw_dst=10.0.0.2,tp_dst=80'\n"
"  fdb-show BRIDGE         the MAC learning table of `normal`\n"
"  add-meter BRIDGE METER  e.g. 'meter=1,pktps,band=type=drop,rate=1000'\n"
"  del-meters BRIDGE [ID]\n"
"  dump-meters BRIDGE\n"
"Cores and load:\n"
"  core list\n"
"  rebalance [on|off|now]\n"
"  stats [--watch [SECONDS]] [--count N]\n"
"Daemon:\n"
"  config save [PATH]      write the running config (default: xviod's --config)\n"
"  config show\n"
"  version\n"
"\n"
"Options:\n"
"  -s, --socket PATH   xviod's control socket (default %s)\n"
"  -j, --json          print the daemon's JSON reply instead of a table\n"
"  -h, --help          show this help\n"
"\n"
"A relative vhost PATH is created in xviod's --vhost-dir. DEVICE is a DPDK\n"
"device string: a PCI address (0000:03:00.1) or a virtual device such as\n"
"net_tap0,iface=xv0 or net_af_packet0,iface=veth0.\n",
		DEFAULT_SOCKET);
}

void die(int code, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "xvioctl: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(code);
}

/* Send one request and return its result; exits on any error. */
json_t *call(const char *cmd, json_t *args)
{
	json_t *req, *reply, *result;
	int rc;

	/* xviod never speaks unasked: an idle connection that reads as ready
	 * was closed by its idle timeout (stats --watch with a long period).
	 * Nothing was in flight, so a new connection is safe. */
	if (ctl_fd >= 0 && poll(&(struct pollfd){ .fd = ctl_fd, .events = POLLIN }, 1, 0) > 0) {
		close(ctl_fd);
		ctl_reader_free(&reader);
		ctl_fd = -1;
	}
	if (ctl_fd < 0) {
		ctl_fd = ctl_connect(socket_path);
		if (ctl_fd < 0)
			die(1, "cannot connect to %s: %s (is xviod running?)", socket_path,
			    strerror(-ctl_fd));
		ctl_reader_init(&reader);
	}
	req = ctl_request(cmd, args);
	rc = ctl_send(ctl_fd, req);
	json_decref(req);
	if (rc == 0)
		rc = ctl_recv(ctl_fd, &reader, &reply);
	if (rc <= 0)
		die(1, "lost the connection to xviod: %s", rc ? strerror(-rc) : "closed");
	if (!json_is_true(json_object_get(reply, "ok")))
		die(1, "%s", json_string_value(json_object_get(reply, "error")) ?: "failed");
	result = json_incref(json_object_get(reply, "result"));
	json_decref(reply);
	return result;
}

void print_json(json_t *v)
{
	json_dumpf(v, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_ENCODE_ANY |
		   JSON_REAL_PRECISION(CLI_REAL_DIGITS));
	fputc('\n', stdout);
}

/* ---- formatting helpers ---------------------------------------------- */

const char *str(json_t *obj, const char *key)
{
	const char *s = json_string_value(json_object_get(obj, key));

	return s ? s : "-";
}

const char *num(char *buf, size_t len, json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);

	if (json_is_integer(v))
		snprintf(buf, len, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
	else if (json_is_real(v))
		snprintf(buf, len, "%.1f", json_real_value(v));
	else
		snprintf(buf, len, "-");
	return buf;
}

static json_int_t drops_total(json_t *dir)
{
	json_t *drops = json_object_get(dir, "drops"), *v;
	const char *k;
	json_int_t sum = 0;

	json_object_foreach(drops, k, v)
		sum += json_integer_value(v);
	return sum;
}

static void print_ports(json_t *ports)
{
	static const char *const hdr[] = { "NAME", "TYPE", "STATE", "ENDPOINT", "QUEUES",
					   "USED BY", NULL };
	struct table *t = table_new(hdr);
	json_t *p;
	size_t i;

	json_array_foreach(ports, i, p) {
		char q[16], user[64];
		const char *endpoint = json_object_get(p, "path") ? str(p, "path") : str(p, "device");
		const char *row[] = { str(p, "name"), str(p, "type"), str(p, "state"), endpoint,
				      num(q, sizeof(q), p, "queues"), user };

		if (json_object_get(p, "bridge"))
			snprintf(user, sizeof(user), "bridge %s", str(p, "bridge"));
		else if (json_is_string(json_object_get(p, "relay")))
			snprintf(user, sizeof(user), "relay %s", str(p, "relay"));
		else
			snprintf(user, sizeof(user), "-");
		table_row(t, row);
	}
	table_print(t, stdout);
	table_free(t);
}

static void print_relays(json_t *relays)
{
	static const char *const hdr[] = { "RELAY", "VHOST", "NIC", "DIRECTION", "CPU",
					   "PINNED", "PACKETS", "BYTES", "DROPS", "CYC/PKT", NULL };
	struct table *t = table_new(hdr);
	json_t *r, *d;
	size_t i, j;

	json_array_foreach(relays, i, r) {
		json_array_foreach(json_object_get(r, "directions"), j, d) {
			char cpu[16], pk[32], by[32], dr[32], cyc[32];
			const char *row[] = {
				j ? "" : str(r, "name"), j ? "" : str(r, "vhost"),
				j ? "" : str(r, "nic"), str(d, "direction"),
				num(cpu, sizeof(cpu), d, "cpu"),
				json_is_true(json_object_get(d, "pinned")) ? "yes" : "no",
				num(pk, sizeof(pk), d, "packets"), num(by, sizeof(by), d, "bytes"),
				dr, num(cyc, sizeof(cyc), d, "cycles_per_packet"),
			};

			snprintf(dr, sizeof(dr), "%" JSON_INTEGER_FORMAT, drops_total(d));
			table_row(t, row);
		}
	}
	table_print(t, stdout);
	table_free(t);
}

static void print_cores(json_t *cores)
{
	static const char *const hdr[] = { "CPU", "MODE", "BUSY%", "PACKETS", "CYC/PKT",
					   "SLEEPS", "JOBS", NULL };
	struct table *t = table_new(hdr);
	json_t *c, *d;
	size_t i, j;

	json_array_foreach(cores, i, c) {
		char cpu[16], busy[16], pk[32], cyc[32], sl[32], dirs[1024] = "";
		size_t off = 0;
		const char *row[] = { num(cpu, sizeof(cpu), c, "cpu"), str(c, "mode"),
				      num(busy, sizeof(busy), c, "busy_percent"),
				      num(pk, sizeof(pk), c, "packets"),
				      num(cyc, sizeof(cyc), c, "cycles_per_packet"),
				      num(sl, sizeof(sl), c, "sleeps"), dirs };

		json_array_foreach(json_object_get(c, "jobs"), j, d)
			if (off < sizeof(dirs))
				off += (size_t)snprintf(dirs + off, sizeof(dirs) - off, "%s%s",
							j ? " " : "", json_string_value(d));
		table_row(t, row);
	}
	table_print(t, stdout);
	table_free(t);
}

/* YAML-like: nested objects indent, and a list of objects (a relay's
 * directions) prints one "- " item each; other values print compact. */
static void print_fields(json_t *obj, int indent, bool item)
{
	const char *k;
	json_t *v;

	json_object_foreach(obj, k, v) {
		int at = indent;

		if (item) {
			printf("%*s- ", indent - 2, "");
			at = 0;
			item = false;
		}
		if (json_is_object(v)) {
			printf("%*s%s:\n", at, "", k);
			print_fields(v, indent + 2, false);
		} else if (json_is_array(v) && json_is_object(json_array_get(v, 0))) {
			size_t i;
			json_t *e;

			printf("%*s%s:\n", at, "", k);
			json_array_foreach(v, i, e)
				print_fields(e, indent + 4, true);
		} else if (json_is_string(v)) {
			printf("%*s%s: %s\n", at, "", k, json_string_value(v));
		} else {
			char *str = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT |
					       JSON_REAL_PRECISION(CLI_REAL_DIGITS));

			printf("%*s%s: %s\n", at, "", k, str);
			free(str);
		}
	}
}

/* ---- argument helpers -------------------------------------------------- */

void need(int argc, int min, int max, const char *what)
{
	if (argc < min)
		die(2, "%s: missing arguments (see xvioctl --help)", what);
	if (max >= 0 && argc > max)
		die(2, "%s: unexpected argument (see xvioctl --help)", what);
}

/* Copy KEY=VALUE words into args. */
void keyvals(json_t *args, int argc, char **argv)
{
	for (int i = 0; i < argc; i++) {
		char *eq = strchr(argv[i], '=');

		if (eq == NULL || eq == argv[i])
			die(2, "'%s' is not KEY=VALUE", argv[i]);
		*eq = '\0';
		json_object_set_new(args, argv[i], json_string(eq + 1));
	}
}

/* ---- subcommands ----------------------------------------------------- */

void done(json_t *res)
{
	if (json_output)
		print_json(res);
	json_decref(res);
}

void show(json_t *res, void (*table)(json_t *))
{
	if (json_output)
		print_json(res);
	else if (table != NULL)
		table(res);
	else
		print_fields(res, 0, false);
	json_decref(res);
}

static int cmd_port(int argc, char **argv)
{
	need(argc, 1, -1, "port");
	if (!strcmp(argv[0], "add")) {
		json_t *args = json_object();
		const char *endpoint = NULL;

		const char *key;
		int first = 3;

		need(argc, 3, -1, "port add");
		json_object_set_new(args, "name", json_string(argv[1]));
		json_object_set_new(args, "type", json_string(argv[2]));
		/* The word after TYPE is the socket path or device string, which
		 * may itself contain '=' (net_tap0,iface=x). */
		key = strcmp(argv[2], "eth") ? "path" : "device";
		if (argc > 3 && strncmp(argv[3], key, strlen(key)) != 0) {
			endpoint = argv[3];
			first = 4;
		}
		keyvals(args, argc - first, argv + first);
		if (endpoint != NULL)
			json_object_set_new(args, key, json_string(endpoint));
		done(call("port-add", args));
	} else if (!strcmp(argv[0], "del")) {
		need(argc, 2, 2, "port del");
		json_decref(call("port-del", json_pack("{s:s}", "name", argv[1])));
	} else if (!strcmp(argv[0], "list")) {
		need(argc, 1, 1, "port list");
		show(call("port-list", NULL), print_ports);
	} else if (!strcmp(argv[0], "show")) {
		need(argc, 2, 2, "port show");
		show(call("port-show", json_pack("{s:s}", "name", argv[1])), NULL);
	} else {
		die(2, "port: unknown subcommand '%s' (add, del, list, show)", argv[0]);
	}
	return 0;
}

static int cmd_relay(int argc, char **argv)
{
	need(argc, 1, -1, "relay");
	if (!strcmp(argv[0], "add")) {
		json_t *args;

		need(argc, 4, -1, "relay add");
		args = json_pack("{s:s, s:s, s:s}", "name", argv[1], "vhost", argv[2],
				 "nic", argv[3]);
		keyvals(args, argc - 4, argv + 4);
		done(call("relay-add", args));
	} else if (!strcmp(argv[0], "del")) {
		need(argc, 2, 2, "relay del");
		json_decref(call("relay-del", json_pack("{s:s}", "name", argv[1])));
	} else if (!strcmp(argv[0], "list")) {
		need(argc, 1, 1, "relay list");
		show(call("relay-list", NULL), print_relays);
	} else if (!strcmp(argv[0], "show")) {
		need(argc, 2, 2, "relay show");
		show(call("relay-show", json_pack("{s:s}", "name", argv[1])), NULL);
	} else if (!strcmp(argv[0], "pin")) {
		json_t *args;

		need(argc, 3, 4, "relay pin");
		args = json_pack("{s:s, s:s}", "name", argv[1], "cpu", argv[2]);
		if (argc == 4)
			json_object_set_new(args, "direction", json_string(argv[3]));
		done(call("relay-pin", args));
	} else if (!strcmp(argv[0], "unpin")) {
		json_t *args;

		need(argc, 2, 3, "relay unpin");
		args = json_pack("{s:s}", "name", argv[1]);
		if (argc == 3)
			json_object_set_new(args, "direction", json_string(argv[2]));
		done(call("relay-unpin", args));
	} else {
		die(2, "relay: unknown subcommand '%s' (add, del, list, show, pin, unpin)",
		    argv[0]);
	}
	return 0;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Packets per second per relay direction since the previous sample. */
static void print_rates(json_t *cur, json_t *prev, double dt)
{
	static const char *const hdr[] = { "RELAY", "DIRECTION", "CPU", "PPS", "MBIT/S",
					   "DROPS/S", NULL };
	struct table *t = table_new(hdr);
	json_t *r, *d;
	size_t i, j;

	json_array_foreach(json_object_get(cur, "relays"), i, r) {
		json_t *pr = NULL, *x;
		size_t k;

		json_array_foreach(json_object_get(prev, "relays"), k, x)
			if (!strcmp(str(x, "name"), str(r, "name")))
				pr = x;
		json_array_foreach(json_object_get(r, "directions"), j, d) {
			json_t *pd = pr ? json_array_get(json_object_get(pr, "directions"), j) : NULL;
			double pk = (double)json_integer_value(json_object_get(d, "packets"));
			double by = (double)json_integer_value(json_object_get(d, "bytes"));
			double dr = (double)drops_total(d);
			char cpu[16], pps[32], mbps[32], dps[32];

			if (pd != NULL) {
				pk -= (double)json_integer_value(json_object_get(pd, "packets"));
				by -= (double)json_integer_value(json_object_get(pd, "bytes"));
				dr -= (double)drops_total(pd);
				snprintf(pps, sizeof(pps), "%.0f", pk / dt);
				snprintf(mbps, sizeof(mbps), "%.1f", by * 8 / dt / 1e6);
				snprintf(dps, sizeof(dps), "%.0f", dr / dt);
			} else {
				/* a rate needs two samples */
				snprintf(pps, sizeof(pps), "-");
				snprintf(mbps, sizeof(mbps), "-");
				snprintf(dps, sizeof(dps), "-");
			}
			const char *row[] = { j ? "" : str(r, "name"), str(d, "direction"),
					      num(cpu, sizeof(cpu), d, "cpu"), pps, mbps, dps };
			table_row(t, row);
		}
	}
	table_print(t, stdout);
	table_free(t);
}

static int cmd_stats(int argc, char **argv)
{
	double interval = 0, last;
	long count = -1;
	json_t *prev = NULL;

	for (int i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--watch")) {
			interval = 1;
			if (i + 1 < argc && argv[i + 1][0] != '-') {
				interval = atof(argv[++i]);
				if (interval <= 0)
					die(2, "stats --watch: '%s' is not a number of seconds", argv[i]);
			}
		} else if (!strcmp(argv[i], "--count") && i + 1 < argc) {
			count = atol(argv[++i]);
			if (count <= 0)
				die(2, "stats --count: '%s' is not a positive count", argv[i]);
		} else {
			die(2, "stats: unexpected argument '%s'", argv[i]);
		}
	}
	if (interval == 0) {
		json_t *res = call("stats", NULL);

		if (json_output) {
			print_json(res);
		} else {
			printf("Cores\n");
			print_cores(json_object_get(res, "cores"));
			printf("\nRelays\n");
			print_relays(json_object_get(res, "relays"));
			if (json_array_size(json_object_get(res, "bridges"))) {
				printf("\nBridges\n");
				cli_print_bridges(json_object_get(res, "bridges"));
			}
			printf("\nPorts\n");
			print_ports(json_object_get(res, "ports"));
		}
		json_decref(res);
		return 0;
	}
	last = now_s();
	for (long n = 0; count < 0 || n < count; n++) {
		json_t *cur = call("stats", NULL);
		double t = now_s();

		if (json_output) {
			print_json(cur);
		} else {
			if (isatty(STDOUT_FILENO))
				printf("\033[H\033[2J");
			printf("xvio stats, every %.1f s (Ctrl-C to stop)\n\nCores\n", interval);
			print_cores(json_object_get(cur, "cores"));
			printf("\nRates\n");
			print_rates(cur, prev, prev ? t - last : 1);
			if (json_array_size(json_object_get(cur, "bridges"))) {
				printf("\nBridges (totals)\n");
				cli_print_bridges(json_object_get(cur, "bridges"));
			}
		}
		fflush(stdout);
		json_decref(prev);
		prev = cur;
		last = t;
		if (count < 0 || n + 1 < count)
			usleep((useconds_t)(interval * 1e6));
	}
	json_decref(prev);
	return 0;
}

static int cmd_config(int argc, char **argv)
{
	need(argc, 1, 2, "config");
	if (!strcmp(argv[0], "save")) {
		json_t *args = json_object();

		if (argc == 2)
			json_object_set_new(args, "path", json_string(argv[1]));
		show(call("config-save", args), NULL);
	} else if (!strcmp(argv[0], "show")) {
		need(argc, 1, 1, "config show");
		json_t *res = call("config-show", NULL);

		print_json(res);
		json_decref(res);
	} else {
		die(2, "config: unknown subcommand '%s' (save, show)", argv[0]);
	}
	return 0;
}

static int cmd_simple(const char *cmd, int argc, char **argv, int max,
		      void (*table)(json_t *))
{
	need(argc, 0, max, cmd);
	(void)argv;
	show(call(cmd, NULL), table);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option long_options[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *cmd;
	int c;

	while ((c = getopt_long(argc, argv, "+s:jh", long_options, NULL)) != -1) {
		switch (c) {
		case 's':
			socket_path = optarg;
			break;
		case 'j':
			json_output = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return 2;
	}
	cmd = argv[optind];
	argc -= optind + 1;
	argv += optind + 1;
	if (!strcmp(cmd, "port"))
		return cmd_port(argc, argv);
	if (!strcmp(cmd, "relay"))
		return cmd_relay(argc, argv);
	if (cli_bridge_command(cmd, argc, argv, &c))
		return c;
	if (!strcmp(cmd, "core")) {
		need(argc, 1, 1, "core");
		if (strcmp(argv[0], "list"))
			die(2, "core: unknown subcommand '%s' (list)", argv[0]);
		return cmd_simple("core-list", 0, NULL, 0, print_cores);
	}
	if (!strcmp(cmd, "rebalance")) {
		json_t *args = json_object();

		need(argc, 0, 1, "rebalance");
		if (argc == 1)
			json_object_set_new(args, "mode", json_string(argv[0]));
		show(call("rebalance", args), NULL);
		return 0;
	}
	if (!strcmp(cmd, "stats"))
		return cmd_stats(argc, argv);
	if (!strcmp(cmd, "config"))
		return cmd_config(argc, argv);
	if (!strcmp(cmd, "version")) {
		need(argc, 0, 0, "version");
		printf("xvioctl %s\n", XVIO_VERSION);
		return cmd_simple("version", 0, NULL, 0, NULL);
	}
	if (!strcmp(cmd, "help")) {
		usage(stdout);
		return 0;
	}
	die(2, "unknown command '%s' (see xvioctl --help)", cmd);
}
