/* SPDX-License-Identifier: BSD-3-Clause */
/* The config file and its translation into requests (daemon/config.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ctl/ctl_config.h"
#include "ctl/ctl_module.h"
#include "daemon/config.h"
#include "switch/bridge_config.h"

/*
 * The config file's sections belong to modules (ctl/ctl_module.h). The
 * port, relay, bridge and worker modules need the datapath, so this test
 * registers modules with the same sections, ranks and conversions
 * (ctl_config.h, switch/bridge_config.h) and no datapath behind them.
 */
static int ports_in(json_t *v, json_t *r, char *e, size_t n)
{
	return ctl_config_entries(v, "ports", "port-add", r, e, n);
}

static int relays_in(json_t *v, json_t *r, char *e, size_t n)
{
	return ctl_config_entries(v, "relays", "relay-add", r, e, n);
}

static int rebalance_in(json_t *v, json_t *r, char *e, size_t n)
{
	return ctl_config_on_off(v, "rebalance", "rebalance", r, e, n);
}

static json_t *nothing_running(void)
{
	return json_array();
}

static const struct xvio_config_section port_sections[] = {
	{ "ports", ports_in, nothing_running },
};
static const struct xvio_config_section relay_sections[] = {
	{ "relays", relays_in, nothing_running },
};
static const struct xvio_config_section worker_sections[] = {
	{ "rebalance", rebalance_in, nothing_running },
};
static const struct xvio_config_section bridge_sections[] = {
	{ "bridges", bridge_config_to_requests, nothing_running },
};
/* Registered in the opposite order of their ranks: rank decides. */
static const struct xvio_module bridges = { .name = "bridge", .rank = 30,
	.config = bridge_sections, .n_config = 1 };
static const struct xvio_module relays = { .name = "relay", .rank = 20,
	.config = relay_sections, .n_config = 1 };
static const struct xvio_module workers = { .name = "worker", .rank = 40,
	.config = worker_sections, .n_config = 1 };
static const struct xvio_module ports = { .name = "port", .rank = 10,
	.config = port_sections, .n_config = 1 };
XVIO_MODULE(workers)
XVIO_MODULE(bridges)
XVIO_MODULE(relays)
XVIO_MODULE(ports)

static char err[512];
static char dir[64];
static json_t *reqs;

static int setup(void **state)
{
	(void)state;
	memset(err, 0, sizeof(err));
	reqs = NULL;
	snprintf(dir, sizeof(dir), "/tmp/xvio-config-XXXXXX");
	return mkdtemp(dir) == NULL ? -1 : 0;
}

/* Empty and remove the temp dir (no subdirectories are made). */
static int teardown(void **state)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char path[PATH_MAX];

	(void)state;
	json_decref(reqs);
	reqs = NULL;
	if (d == NULL)
		return -1;
	while ((e = readdir(d)) != NULL) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		unlink(path);
	}
	closedir(d);
	return rmdir(dir);
}

static json_t *doc_of(const char *text)
{
	json_error_t jerr;
	json_t *doc = json_loads(text, 0, &jerr);

	if (doc == NULL)
		fail_msg("bad test JSON: %s", jerr.text);
	return doc;
}

/* Convert text; returns config_to_requests()' result. */
static int convert(const char *text)
{
	json_t *doc = doc_of(text);
	int rc;

	rc = config_to_requests(doc, &reqs, err, sizeof(err));
	json_decref(doc);
	return rc;
}

static void assert_err_mentions(const char *what)
{
	if (strstr(err, what) == NULL)
		fail_msg("error '%s' does not mention '%s'", err, what);
}

static const char *cmd_of(size_t i)
{
	return json_string_value(json_object_get(json_array_get(reqs, i), "cmd"));
}

static json_t *args_of(size_t i)
{
	return json_object_get(json_array_get(reqs, i), "args");
}

static void in_dir(char *path, size_t size, const char *name)
{
	snprintf(path, size, "%s/%s", dir, name);
}

static void write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
}

static int count_entries(void)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

static const char *const sample =
	"{\n"
	"  \"rebalance\": true,\n"
	"  \"relays\": [ {\"name\": \"r1\", \"vhost\": \"vm1\", \"nic\": \"nic1\"} ],\n"
	"  \"ports\": [\n"
	"    {\"name\": \"vm1\", \"type\": \"vhost\", \"path\": \"vm1.sock\"},\n"
	"    {\"name\": \"nic1\", \"type\": \"eth\", \"device\": \"net_tap0\"}\n"
	"  ]\n"
	"}\n";

/* ---- config_to_requests ---- */

static void requests_are_ports_then_relays_then_rebalance(void **state)
{
	(void)state;
	/* The document lists them the other way round. */
	assert_int_equal(convert(sample), 0);
	assert_true(json_is_array(reqs));
	assert_int_equal(json_array_size(reqs), 4);
	assert_string_equal(cmd_of(0), "port-add");
	assert_string_equal(cmd_of(1), "port-add");
	assert_string_equal(cmd_of(2), "relay-add");
	assert_string_equal(cmd_of(3), "rebalance");
}

static void entries_keep_their_order_within_a_list(void **state)
{
	(void)state;
	assert_int_equal(convert(sample), 0);
	assert_string_equal(json_string_value(json_object_get(args_of(0), "name")), "vm1");
	assert_string_equal(json_string_value(json_object_get(args_of(1), "name")), "nic1");
}

static void request_args_are_the_entry(void **state)
{
	json_t *doc = doc_of(sample), *port0;

	(void)state;
	assert_int_equal(config_to_requests(doc, &reqs, err, sizeof(err)), 0);
	port0 = json_array_get(json_object_get(doc, "ports"), 0);
	assert_true(json_equal(args_of(0), port0));
	/* A copy: the requests outlive the document. */
	assert_ptr_not_equal(args_of(0), port0);
	assert_true(json_equal(args_of(2), json_array_get(json_object_get(doc, "relays"), 0)));
	json_decref(doc);
	assert_string_equal(json_string_value(json_object_get(args_of(2), "vhost")), "vm1");
}

static void requests_are_well_formed(void **state)
{
	size_t i;
	json_t *req;

	(void)state;
	assert_int_equal(convert(sample), 0);
	json_array_foreach(reqs, i, req) {
		assert_true(json_is_object(req));
		assert_int_equal(json_object_size(req), 2);
		assert_true(json_is_string(json_object_get(req, "cmd")));
		assert_true(json_is_object(json_object_get(req, "args")));
	}
}

static void rebalance_true_is_mode_on(void **state)
{
	(void)state;
	assert_int_equal(convert("{\"rebalance\": true}"), 0);
	assert_int_equal(json_array_size(reqs), 1);
	assert_string_equal(cmd_of(0), "rebalance");
	assert_string_equal(json_string_value(json_object_get(args_of(0), "mode")), "on");
	assert_int_equal(json_object_size(args_of(0)), 1);
}

static void rebalance_false_is_mode_off(void **state)
{
	(void)state;
	assert_int_equal(convert("{\"rebalance\": false, \"ports\": []}"), 0);
	assert_int_equal(json_array_size(reqs), 1);
	assert_string_equal(json_string_value(json_object_get(args_of(0), "mode")), "off");
}

static void absent_rebalance_gives_no_request(void **state)
{
	(void)state;
	assert_int_equal(convert("{\"ports\": [{\"name\": \"vm1\"}]}"), 0);
	assert_int_equal(json_array_size(reqs), 1);
	assert_string_equal(cmd_of(0), "port-add");
}

static void empty_config_gives_no_requests(void **state)
{
	(void)state;
	assert_int_equal(convert("{}"), 0);
	assert_true(json_is_array(reqs));
	assert_int_equal(json_array_size(reqs), 0);
	json_decref(reqs);
	reqs = NULL;
	assert_int_equal(convert("{\"ports\": [], \"relays\": []}"), 0);
	assert_int_equal(json_array_size(reqs), 0);
}

static void entry_contents_are_left_to_the_commands(void **state)
{
	(void)state;
	/* Unknown arguments are port-add's to reject, with its own error. */
	assert_int_equal(convert("{\"ports\": [{\"bogus\": 1}, {}]}"), 0);
	assert_int_equal(json_array_size(reqs), 2);
	assert_int_equal(json_integer_value(json_object_get(args_of(0), "bogus")), 1);
	assert_int_equal(json_object_size(args_of(1)), 0);
}

static void unknown_top_level_key_is_named(void **state)
{
	(void)state;
	assert_int_equal(convert("{\"ports\": [], \"relay\": []}"), -EINVAL);
	assert_err_mentions("\"relay\"");
	assert_null(reqs);
}

static void non_object_config_is_rejected(void **state)
{
	static const char *const docs[] = { "[]", "\"ports\"", "3", "null" };

	(void)state;
	for (size_t i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
		json_t *doc = json_loads(docs[i], JSON_DECODE_ANY, NULL);

		assert_non_null(doc);
		assert_int_equal(config_to_requests(doc, &reqs, err, sizeof(err)), -EINVAL);
		assert_err_mentions("object");
		assert_null(reqs);
		json_decref(doc);
	}
}

static void ports_not_array_is_named(void **state)
{
	(void)state;
	assert_int_equal(convert("{\"ports\": {\"name\": \"vm1\"}}"), -EINVAL);
	assert_err_mentions("\"ports\"");
	assert_err_mentions("array");
	assert_null(reqs);
}

static void relays_not_array_is_named(void **state)
{
	(void)state;
	assert_int_equal(convert("{\"ports\": [], \"relays\": \"r1\"}"), -EINVAL);
	assert_err_mentions("\"relays\"");
	assert_err_mentions("array");
	assert_null(reqs);
}

static void non_object_port_entry_is_named_by_index(void **state)
{
	(void)state;
	assert_int_equal(convert("{\"ports\": [{\"name\": \"vm1\"}, \"vm2\"]}"), -EINVAL);
	assert_err_mentions("ports[1]");
	assert_null(reqs);
}

static void non_object_relay_entry_is_named_by_index(void **state)
{
	(void)state;
	assert_int_equal(convert("{\"ports\": [{}], \"relays\": [[], {}]}"), -EINVAL);
	assert_err_mentions("relays[0]");
	assert_null(reqs);
}

static void null_entry_is_rejected(void **state)
{
	(void)state;
	assert_int_equal(convert("{\"ports\": [{}, {}, null]}"), -EINVAL);
	assert_err_mentions("ports[2]");
}

static void rebalance_not_boolean_is_named(void **state)
{
	static const char *const docs[] = {
		"{\"rebalance\": \"on\"}", "{\"rebalance\": 1}", "{\"rebalance\": null}",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
		assert_int_equal(convert(docs[i]), -EINVAL);
		assert_err_mentions("\"rebalance\"");
		assert_null(reqs);
	}
}

/* ---- config_load_file ---- */

static void load_file_gives_requests(void **state)
{
	char path[PATH_MAX];

	(void)state;
	in_dir(path, sizeof(path), "xvio.json");
	write_text(path, sample);
	assert_int_equal(config_load_file(path, &reqs, err, sizeof(err)), 0);
	assert_int_equal(json_array_size(reqs), 4);
	assert_string_equal(cmd_of(0), "port-add");
	assert_string_equal(cmd_of(3), "rebalance");
}

static void load_missing_file_names_path_and_reason(void **state)
{
	char path[PATH_MAX];

	(void)state;
	in_dir(path, sizeof(path), "missing.json");
	assert_true(config_load_file(path, &reqs, err, sizeof(err)) < 0);
	assert_null(reqs);
	assert_true(strncmp(err, path, strlen(path)) == 0);
	assert_err_mentions(strerror(ENOENT));
}

static void load_syntax_error_gives_path_line_column(void **state)
{
	char path[PATH_MAX], prefix[PATH_MAX + 8];
	const char *p;

	(void)state;
	in_dir(path, sizeof(path), "bad.json");
	write_text(path,
		   "{\n"
		   "  \"ports\": [\n"
		   "    {\"name\": \"vm1\",}\n"
		   "  ]\n"
		   "}\n");
	assert_true(config_load_file(path, &reqs, err, sizeof(err)) < 0);
	assert_null(reqs);
	snprintf(prefix, sizeof(prefix), "%s:3:", path);
	if (strncmp(err, prefix, strlen(prefix)) != 0)
		fail_msg("error '%s' does not start with '%s'", err, prefix);
	/* then the column, then the reason */
	p = err + strlen(prefix);
	assert_true(*p >= '1' && *p <= '9');
	while (*p >= '0' && *p <= '9')
		p++;
	assert_int_equal(*p, ':');
	assert_true(strlen(p) > 2);
}

static void load_duplicate_key_is_a_syntax_error(void **state)
{
	char path[PATH_MAX], prefix[PATH_MAX + 8];

	(void)state;
	in_dir(path, sizeof(path), "dup.json");
	write_text(path, "{\"ports\": [],\n \"ports\": []}\n");
	assert_true(config_load_file(path, &reqs, err, sizeof(err)) < 0);
	snprintf(prefix, sizeof(prefix), "%s:2:", path);
	if (strncmp(err, prefix, strlen(prefix)) != 0)
		fail_msg("error '%s' does not start with '%s'", err, prefix);
}

static void load_empty_file_is_an_error(void **state)
{
	char path[PATH_MAX];

	(void)state;
	in_dir(path, sizeof(path), "empty.json");
	write_text(path, "");
	assert_true(config_load_file(path, &reqs, err, sizeof(err)) < 0);
	assert_null(reqs);
	assert_true(strncmp(err, path, strlen(path)) == 0);
}

static void load_reports_config_errors(void **state)
{
	char path[PATH_MAX];

	(void)state;
	in_dir(path, sizeof(path), "wrong.json");
	write_text(path, "{\"ports\": [{}], \"relays\": [{}, 5]}\n");
	assert_int_equal(config_load_file(path, &reqs, err, sizeof(err)), -EINVAL);
	assert_null(reqs);
	assert_err_mentions("relays[1]");
}

/* ---- config_save_file ---- */

static void save_then_load_round_trips(void **state)
{
	char path[PATH_MAX];
	json_t *doc = doc_of(sample), *back;

	(void)state;
	in_dir(path, sizeof(path), "xvio.json");
	assert_int_equal(config_save_file(path, doc, err, sizeof(err)), 0);
	back = json_load_file(path, JSON_REJECT_DUPLICATES, NULL);
	assert_non_null(back);
	assert_true(json_equal(doc, back));
	json_decref(back);
	/* ... and it is a config xviod accepts */
	assert_int_equal(config_load_file(path, &reqs, err, sizeof(err)), 0);
	assert_int_equal(json_array_size(reqs), 4);
	json_decref(doc);
}

static void save_leaves_no_temporary_file(void **state)
{
	char path[PATH_MAX], tmp[PATH_MAX + 8];
	json_t *doc = doc_of(sample);

	(void)state;
	in_dir(path, sizeof(path), "xvio.json");
	assert_int_equal(config_save_file(path, doc, err, sizeof(err)), 0);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	assert_int_equal(access(tmp, F_OK), -1);
	assert_int_equal(count_entries(), 1);
	json_decref(doc);
}

static void save_replaces_existing_file(void **state)
{
	char path[PATH_MAX];
	json_t *doc = doc_of("{\"rebalance\": false}"), *back;

	(void)state;
	in_dir(path, sizeof(path), "xvio.json");
	write_text(path, sample);
	assert_int_equal(config_save_file(path, doc, err, sizeof(err)), 0);
	back = json_load_file(path, 0, NULL);
	assert_true(json_equal(doc, back));
	assert_int_equal(count_entries(), 1);
	json_decref(back);
	json_decref(doc);
}

static void save_keeps_key_order(void **state)
{
	char path[PATH_MAX], text[1024];
	json_t *doc = json_object();
	FILE *f;
	size_t n;

	(void)state;
	json_object_set_new(doc, "ports", json_array());
	json_object_set_new(doc, "relays", json_array());
	json_object_set_new(doc, "rebalance", json_true());
	in_dir(path, sizeof(path), "order.json");
	assert_int_equal(config_save_file(path, doc, err, sizeof(err)), 0);
	f = fopen(path, "r");
	assert_non_null(f);
	n = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[n] = '\0';
	assert_true(strstr(text, "\"ports\"") < strstr(text, "\"relays\""));
	assert_true(strstr(text, "\"relays\"") < strstr(text, "\"rebalance\""));
	json_decref(doc);
}

static void save_into_missing_directory_fails_cleanly(void **state)
{
	char path[PATH_MAX];
	json_t *doc = doc_of(sample);

	(void)state;
	in_dir(path, sizeof(path), "no-such-dir/xvio.json");
	assert_true(config_save_file(path, doc, err, sizeof(err)) < 0);
	assert_err_mentions("no-such-dir");
	assert_int_equal(count_entries(), 0);
	json_decref(doc);
}

static void save_path_too_long_is_enametoolong(void **state)
{
	char path[4100];
	json_t *doc = doc_of("{}");

	(void)state;
	memset(path, 'a', sizeof(path) - 1);
	path[sizeof(path) - 1] = '\0';
	assert_int_equal(config_save_file(path, doc, err, sizeof(err)), -ENAMETOOLONG);
	assert_err_mentions("too long");
	json_decref(doc);
}

/* ---- bridges ------------------------------------------------------------ */

static const char bridge_sample[] =
	"{\"bridges\": [{\"name\": \"br0\", \"mac_age\": 60,"
	"  \"ports\": [{\"port\": \"vm1\", \"tag\": 10}, {\"port\": \"nic1\"}],"
	"  \"meters\": [\"meter=1,pktps,band=type=drop,rate=10\"],"
	"  \"flows\": [\"actions=meter:1,normal\", \"table=1,actions=drop\"]}],"
	" \"ports\": [{\"name\": \"vm1\"}]}";

static void bridges_come_after_ports_in_command_order(void **state)
{
	(void)state;
	assert_int_equal(convert(bridge_sample), 0);
	assert_int_equal(json_array_size(reqs), 6);
	assert_string_equal(cmd_of(0), "port-add");
	assert_string_equal(cmd_of(1), "bridge-add");
	assert_string_equal(cmd_of(2), "bridge-port-add");
	assert_string_equal(cmd_of(3), "bridge-port-add");
	assert_string_equal(cmd_of(4), "meter-add");
	assert_string_equal(cmd_of(5), "flow-add");
}

static void bridge_requests_carry_the_bridge_name(void **state)
{
	(void)state;
	assert_int_equal(convert(bridge_sample), 0);
	assert_string_equal(json_string_value(json_object_get(args_of(1), "name")), "br0");
	assert_int_equal(json_integer_value(json_object_get(args_of(1), "mac_age")), 60);
	/* Its flows are the whole table: no default flow beside them. */
	assert_true(json_is_false(json_object_get(args_of(1), "default_flow")));
	assert_string_equal(json_string_value(json_object_get(args_of(2), "bridge")), "br0");
	assert_int_equal(json_integer_value(json_object_get(args_of(2), "tag")), 10);
	assert_string_equal(json_string_value(json_object_get(args_of(4), "meter")),
			    "meter=1,pktps,band=type=drop,rate=10");
	/* All flows of a bridge in one request: applied all or none. */
	assert_int_equal(json_array_size(json_object_get(args_of(5), "flows")), 2);
}

static void bridge_without_flows_gives_no_flow_request(void **state)
{
	(void)state;
	assert_int_equal(convert("{\"bridges\": [{\"name\": \"b\", \"flows\": []}]}"), 0);
	assert_int_equal(json_array_size(reqs), 1);
	assert_string_equal(cmd_of(0), "bridge-add");
	assert_true(json_is_false(json_object_get(args_of(0), "default_flow")));
}

static void bridge_without_a_flow_list_starts_as_bridge_add_makes_it(void **state)
{
	(void)state;
	assert_int_equal(convert("{\"bridges\": [{\"name\": \"b\"}]}"), 0);
	assert_int_equal(json_array_size(reqs), 1);
	assert_null(json_object_get(args_of(0), "default_flow"));
}

static void bad_bridge_entries_are_named(void **state)
{
	static const struct { const char *doc, *mention; } cases[] = {
		{ "{\"bridges\": {}}", "\"bridges\" must be an array" },
		{ "{\"bridges\": [1]}", "bridges[0] must be an object" },
		{ "{\"bridges\": [{}]}", "bridges[0] needs a \"name\"" },
		{ "{\"bridges\": [{\"name\": \"b\", \"color\": 1}]}", "unknown key \"color\"" },
		{ "{\"bridges\": [{\"name\": \"b\", \"ports\": [\"vm1\"]}]}",
		  "bridges[0].ports[0]" },
		{ "{\"bridges\": [{\"name\": \"b\", \"ports\": [{\"bridge\": \"x\"}]}]}",
		  "bridges[0].ports[0]" },
		{ "{\"bridges\": [{\"name\": \"b\", \"flows\": [1]}]}",
		  "bridges[0].flows[0] must be a string" },
		{ "{\"bridges\": [{\"name\": \"b\", \"meters\": \"m\"}]}",
		  "bridges[0].meters must be an array" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		err[0] = '\0';
		assert_int_equal(convert(cases[i].doc), -EINVAL);
		assert_err_mentions(cases[i].mention);
		json_decref(reqs);
		reqs = NULL;
	}
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(requests_are_ports_then_relays_then_rebalance),
		T(entries_keep_their_order_within_a_list),
		T(request_args_are_the_entry),
		T(requests_are_well_formed),
		T(rebalance_true_is_mode_on),
		T(rebalance_false_is_mode_off),
		T(absent_rebalance_gives_no_request),
		T(empty_config_gives_no_requests),
		T(entry_contents_are_left_to_the_commands),
		T(unknown_top_level_key_is_named),
		T(non_object_config_is_rejected),
		T(ports_not_array_is_named),
		T(relays_not_array_is_named),
		T(non_object_port_entry_is_named_by_index),
		T(non_object_relay_entry_is_named_by_index),
		T(null_entry_is_rejected),
		T(rebalance_not_boolean_is_named),
		T(load_file_gives_requests),
		T(load_missing_file_names_path_and_reason),
		T(load_syntax_error_gives_path_line_column),
		T(load_duplicate_key_is_a_syntax_error),
		T(load_empty_file_is_an_error),
		T(load_reports_config_errors),
		T(save_then_load_round_trips),
		T(save_leaves_no_temporary_file),
		T(save_replaces_existing_file),
		T(save_keeps_key_order),
		T(save_into_missing_directory_fails_cleanly),
		T(save_path_too_long_is_enametoolong),
		T(bridges_come_after_ports_in_command_order),
		T(bridge_requests_carry_the_bridge_name),
		T(bridge_without_flows_gives_no_flow_request),
		T(bridge_without_a_flow_list_starts_as_bridge_add_makes_it),
		T(bad_bridge_entries_are_named),
	};

	return cmocka_run_group_tests_name("config", tests, NULL, NULL);
}
