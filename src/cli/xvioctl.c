/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * xvioctl: the operator's CLI for xviod. Each subcommand becomes one
 * request on the control socket (ctl/ctl_proto.h); the reply is printed
 * as a table, or as JSON with --json. The commands are in the cli_*.c
 * files, found through the command table (cli.h).
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

static void usage(FILE *out)
{
	fprintf(out, "Usage: xvioctl [-s SOCKET] [--json] COMMAND [ARGS...]\n\n");
	cli_print_usage(out);
	fprintf(out,
"\n"
"Options:\n"
"  -s, --socket PATH   xviod's control socket (default %s)\n"
"  -j, --json          print the daemon's JSON reply instead of a table\n"
"  -h, --help          show this help\n"
"\n"
"A relative vhost PATH is created in xviod's --vhost-dir. DEVICE is a DPDK\n"
"device string: a PCI address (0000:03:00.1) or a virtual device such as\n"
"net_tap0,iface=xv0 or net_af_packet0,iface=veth0.\n",
		CLI_DEFAULT_SOCKET);
}

int main(int argc, char **argv)
{
	static const struct option long_options[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const struct cli_command *cmd;
	int c;

	while ((c = getopt_long(argc, argv, "+s:jh", long_options, NULL)) != -1) {
		switch (c) {
		case 's':
			cli_set_socket(optarg);
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
	if (!strcmp(argv[optind], "help")) {
		usage(stdout);
		return 0;
	}
	cmd = cli_find(argv[optind]);
	if (cmd == NULL)
		die(2, "unknown command '%s' (see xvioctl --help)", argv[optind]);
	return cmd->run(argc - optind - 1, argv + optind + 1);
}
