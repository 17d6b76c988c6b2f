/* SPDX-License-Identifier: BSD-3-Clause */
/* xvioctl: ports and relays. */
#include "cli/cli_port.h"

#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/table.h"

json_int_t cli_drops_total(json_t *dir)
{
	json_t *drops = json_object_get(dir, "drops"), *v;
	const char *k;
	json_int_t sum = 0;

	json_object_foreach(drops, k, v)
		sum += json_integer_value(v);
	return sum;
}

void cli_print_ports(json_t *ports)
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

void cli_print_relays(json_t *relays)
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

			snprintf(dr, sizeof(dr), "%" JSON_INTEGER_FORMAT, cli_drops_total(d));
			table_row(t, row);
		}
	}
	table_print(t, stdout);
	table_free(t);
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
		show(call("port-list", NULL), cli_print_ports);
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
		show(call("relay-list", NULL), cli_print_relays);
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

static const struct cli_command port_commands[] = {
	{ "port", cmd_port, "Ports",
"  port add NAME vhost PATH [mode=server|client] [queues=1..8 (1: no multiqueue)]\n"
"                           [mrg_rxbuf=on|off] [packed=on|off] [offloads=on|off]\n"
"                           [owner=USER] [group=GROUP] [perm=0660]\n"
"  port add NAME eth DEVICE [queues=1..8] [mtu=N]\n"
"  port del NAME\n"
"  port list\n"
"  port show NAME\n" },
	{ "relay", cmd_relay, "Relays",
"  relay add NAME VHOST-PORT NIC-PORT [core=CPU] [vm-to-nic-core=CPU]\n"
"                                     [nic-to-vm-core=CPU]\n"
"  relay del NAME\n"
"  relay list\n"
"  relay show NAME\n"
"  relay pin NAME CPU [vm-to-nic|nic-to-vm]\n"
"  relay unpin NAME [vm-to-nic|nic-to-vm]\n" },
};

CLI_REGISTER(port_commands)
