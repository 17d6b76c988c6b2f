/* SPDX-License-Identifier: BSD-3-Clause */
/* Strict readers for command arguments (ctl/ctl_args.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <limits.h>
#include <string.h>

#include "ctl/ctl_args.h"

static json_t *args;
static char err[256];

static int teardown(void **state)
{
	(void)state;
	json_decref(args);
	args = NULL;
	return 0;
}

/* Make the arguments from JSON text (any value, so the tests can also
 * put in strings, numbers, null). */
static void given(const char *text)
{
	json_error_t jerr;

	memset(err, 0, sizeof(err));
	json_decref(args);
	args = json_loads(text, 0, &jerr);
	if (args == NULL)
		fail_msg("bad test JSON '%s': %s", text, jerr.text);
}

static void assert_err_is(const char *expect)
{
	assert_string_equal(err, expect);
}

/* ---- args_check_keys ---- */

static const char *const port_keys[] = { "name", "type", "path", NULL };
static const char *const no_keys[] = { NULL };

static void check_keys_accepts_allowed_keys(void **state)
{
	(void)state;
	given("{\"name\": \"vm1\", \"type\": \"vhost\", \"path\": \"vm1.sock\"}");
	assert_int_equal(args_check_keys(args, port_keys, err, sizeof(err)), 0);
}

static void check_keys_accepts_subset_of_allowed(void **state)
{
	(void)state;
	given("{\"name\": \"vm1\"}");
	assert_int_equal(args_check_keys(args, port_keys, err, sizeof(err)), 0);
}

static void check_keys_accepts_empty_args(void **state)
{
	(void)state;
	given("{}");
	assert_int_equal(args_check_keys(args, port_keys, err, sizeof(err)), 0);
	assert_int_equal(args_check_keys(args, no_keys, err, sizeof(err)), 0);
}

static void check_keys_names_unknown_key(void **state)
{
	(void)state;
	given("{\"name\": \"vm1\", \"queus\": 2}");
	assert_int_equal(args_check_keys(args, port_keys, err, sizeof(err)), -EINVAL);
	assert_err_is("unknown argument 'queus'");
}

static void check_keys_with_empty_list_rejects_any_key(void **state)
{
	(void)state;
	given("{\"verbose\": true}");
	assert_int_equal(args_check_keys(args, no_keys, err, sizeof(err)), -EINVAL);
	assert_err_is("unknown argument 'verbose'");
}

static void check_keys_is_case_sensitive(void **state)
{
	(void)state;
	given("{\"Name\": \"vm1\"}");
	assert_int_equal(args_check_keys(args, port_keys, err, sizeof(err)), -EINVAL);
	assert_err_is("unknown argument 'Name'");
}

static void check_keys_does_not_match_prefixes(void **state)
{
	(void)state;
	given("{\"nam\": \"vm1\"}");
	assert_int_equal(args_check_keys(args, port_keys, err, sizeof(err)), -EINVAL);
	given("{\"names\": \"vm1\"}");
	assert_int_equal(args_check_keys(args, port_keys, err, sizeof(err)), -EINVAL);
	assert_err_is("unknown argument 'names'");
}

/* ---- args_get_str ---- */

static void get_str_returns_value(void **state)
{
	const char *out = NULL;

	(void)state;
	given("{\"name\": \"vm1\"}");
	assert_int_equal(args_get_str(args, "name", NULL, &out, err, sizeof(err)), 0);
	assert_string_equal(out, "vm1");
	/* Borrowed from args, not copied. */
	assert_ptr_equal(out, json_string_value(json_object_get(args, "name")));
}

static void get_str_value_wins_over_default(void **state)
{
	const char *out = NULL;

	(void)state;
	given("{\"type\": \"eth\"}");
	assert_int_equal(args_get_str(args, "type", "vhost", &out, err, sizeof(err)), 0);
	assert_string_equal(out, "eth");
}

static void get_str_empty_string_is_a_value(void **state)
{
	const char *out = NULL;

	(void)state;
	given("{\"path\": \"\"}");
	assert_int_equal(args_get_str(args, "path", "def", &out, err, sizeof(err)), 0);
	assert_string_equal(out, "");
}

static void get_str_absent_gives_default(void **state)
{
	const char *def = "vhost", *out = NULL;

	(void)state;
	given("{}");
	assert_int_equal(args_get_str(args, "type", def, &out, err, sizeof(err)), 0);
	assert_ptr_equal(out, def);
}

static void get_str_absent_with_empty_default_is_not_required(void **state)
{
	const char *out = NULL;

	(void)state;
	given("{}");
	assert_int_equal(args_get_str(args, "mode", "", &out, err, sizeof(err)), 0);
	assert_string_equal(out, "");
}

static void get_str_absent_without_default_names_key(void **state)
{
	const char *out = NULL;

	(void)state;
	given("{\"type\": \"vhost\"}");
	assert_int_equal(args_get_str(args, "name", NULL, &out, err, sizeof(err)), -EINVAL);
	assert_err_is("missing argument 'name'");
}

static void get_str_non_string_names_key(void **state)
{
	static const char *const docs[] = {
		"{\"name\": 5}", "{\"name\": null}", "{\"name\": true}",
		"{\"name\": [\"vm1\"]}", "{\"name\": {}}", "{\"name\": 1.5}",
	};
	const char *out;

	(void)state;
	for (size_t i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
		given(docs[i]);
		assert_int_equal(args_get_str(args, "name", "x", &out, err, sizeof(err)),
				 -EINVAL);
		assert_err_is("argument 'name' must be a string");
	}
}

/* ---- args_get_uint ---- */

static unsigned int uint_out;

static int get_uint(const char *key, bool required, unsigned int def,
		    unsigned int min, unsigned int max)
{
	uint_out = 12345;
	return args_get_uint(args, key, required, def, min, max, &uint_out,
			     err, sizeof(err));
}

static void get_uint_reads_integer(void **state)
{
	(void)state;
	given("{\"queues\": 4}");
	assert_int_equal(get_uint("queues", true, 0, 1, 8), 0);
	assert_int_equal(uint_out, 4);
}

static void get_uint_reads_decimal_string(void **state)
{
	(void)state;
	given("{\"queues\": \"8\"}");
	assert_int_equal(get_uint("queues", true, 0, 1, 8), 0);
	assert_int_equal(uint_out, 8);
}

static void get_uint_accepts_both_bounds(void **state)
{
	(void)state;
	given("{\"a\": 1, \"b\": 8, \"c\": \"1\", \"d\": \"8\"}");
	assert_int_equal(get_uint("a", true, 0, 1, 8), 0);
	assert_int_equal(uint_out, 1);
	assert_int_equal(get_uint("b", true, 0, 1, 8), 0);
	assert_int_equal(uint_out, 8);
	assert_int_equal(get_uint("c", true, 0, 1, 8), 0);
	assert_int_equal(uint_out, 1);
	assert_int_equal(get_uint("d", true, 0, 1, 8), 0);
	assert_int_equal(uint_out, 8);
}

static void get_uint_full_unsigned_range(void **state)
{
	(void)state;
	given("{\"n\": 4294967295, \"s\": \"4294967295\", \"z\": 0}");
	assert_int_equal(get_uint("n", true, 0, 0, UINT_MAX), 0);
	assert_int_equal(uint_out, UINT_MAX);
	assert_int_equal(get_uint("s", true, 0, 0, UINT_MAX), 0);
	assert_int_equal(uint_out, UINT_MAX);
	assert_int_equal(get_uint("z", true, 7, 0, UINT_MAX), 0);
	assert_int_equal(uint_out, 0);
}

static void get_uint_absent_optional_gives_default(void **state)
{
	(void)state;
	given("{}");
	assert_int_equal(get_uint("queues", false, 2, 1, 8), 0);
	assert_int_equal(uint_out, 2);
}

static void get_uint_absent_required_names_key(void **state)
{
	(void)state;
	given("{\"name\": \"vm1\"}");
	assert_int_equal(get_uint("queues", true, 2, 1, 8), -EINVAL);
	assert_err_is("missing argument 'queues'");
}

static void get_uint_below_min_names_key_and_range(void **state)
{
	(void)state;
	given("{\"queues\": 0}");
	assert_int_equal(get_uint("queues", true, 0, 1, 8), -EINVAL);
	assert_err_is("argument 'queues' must be an integer from 1 to 8");
	assert_int_equal(uint_out, 12345);
}

static void get_uint_above_max_names_key_and_range(void **state)
{
	(void)state;
	given("{\"queues\": 9}");
	assert_int_equal(get_uint("queues", true, 0, 1, 8), -EINVAL);
	assert_err_is("argument 'queues' must be an integer from 1 to 8");
	given("{\"queues\": \"9\"}");
	assert_int_equal(get_uint("queues", true, 0, 1, 8), -EINVAL);
	assert_err_is("argument 'queues' must be an integer from 1 to 8");
}

static void get_uint_negative_is_rejected(void **state)
{
	(void)state;
	given("{\"n\": -1, \"s\": \"-1\"}");
	assert_int_equal(get_uint("n", true, 0, 0, UINT_MAX), -EINVAL);
	assert_err_is("argument 'n' must be an integer from 0 to 4294967295");
	assert_int_equal(get_uint("s", true, 0, 0, UINT_MAX), -EINVAL);
	assert_err_is("argument 's' must be an integer from 0 to 4294967295");
}

static void get_uint_beyond_unsigned_is_rejected(void **state)
{
	(void)state;
	/* Must not wrap around to a small number. */
	given("{\"n\": 4294967296, \"s\": \"4294967297\"}");
	assert_int_equal(get_uint("n", true, 0, 0, UINT_MAX), -EINVAL);
	assert_int_equal(get_uint("s", true, 0, 0, UINT_MAX), -EINVAL);
}

static void get_uint_overflowing_string_is_rejected(void **state)
{
	(void)state;
	given("{\"n\": \"99999999999999999999999\", \"m\": \"-99999999999999999999999\"}");
	assert_int_equal(get_uint("n", true, 0, 0, UINT_MAX), -EINVAL);
	assert_err_is("argument 'n' must be an integer from 0 to 4294967295");
	assert_int_equal(get_uint("m", true, 0, 0, UINT_MAX), -EINVAL);
}

static void get_uint_non_decimal_string_is_rejected(void **state)
{
	static const char *const bad[] = { "", "abc", "4x", "0x10", "1.5", "1e3", "4 " };

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		json_decref(args);
		args = json_pack("{s:s}", "burst", bad[i]);
		if (get_uint("burst", true, 0, 0, 1000) != -EINVAL)
			fail_msg("'%s' was taken as a number", bad[i]);
		assert_err_is("argument 'burst' must be an integer from 0 to 1000");
	}
}

static void get_uint_other_types_are_rejected(void **state)
{
	static const char *const docs[] = {
		"{\"burst\": 1.0}", "{\"burst\": true}", "{\"burst\": null}",
		"{\"burst\": [1]}", "{\"burst\": {}}",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
		given(docs[i]);
		assert_int_equal(get_uint("burst", false, 32, 0, 1000), -EINVAL);
		assert_err_is("argument 'burst' must be an integer from 0 to 1000");
	}
}

/* ---- args_get_bool ---- */

static bool bool_out;

static int get_bool(const char *key, bool def)
{
	bool_out = !def;
	return args_get_bool(args, key, def, &bool_out, err, sizeof(err));
}

static void get_bool_reads_json_booleans(void **state)
{
	(void)state;
	given("{\"t\": true, \"f\": false}");
	assert_int_equal(get_bool("t", false), 0);
	assert_true(bool_out);
	assert_int_equal(get_bool("f", true), 0);
	assert_false(bool_out);
}

static void get_bool_reads_true_words(void **state)
{
	static const char *const words[] = { "on", "yes", "true" };

	(void)state;
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		json_decref(args);
		args = json_pack("{s:s}", "pin", words[i]);
		assert_int_equal(get_bool("pin", false), 0);
		assert_true(bool_out);
	}
}

static void get_bool_reads_false_words(void **state)
{
	static const char *const words[] = { "off", "no", "false" };

	(void)state;
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		json_decref(args);
		args = json_pack("{s:s}", "pin", words[i]);
		assert_int_equal(get_bool("pin", true), 0);
		assert_false(bool_out);
	}
}

static void get_bool_absent_gives_default(void **state)
{
	(void)state;
	given("{}");
	assert_int_equal(get_bool("pin", true), 0);
	assert_true(bool_out);
	assert_int_equal(get_bool("pin", false), 0);
	assert_false(bool_out);
}

static void get_bool_other_words_name_key(void **state)
{
	static const char *const words[] = { "", "maybe", "ON", "1", "enable", "y" };

	(void)state;
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		json_decref(args);
		args = json_pack("{s:s}", "zero-copy", words[i]);
		if (get_bool("zero-copy", false) != -EINVAL)
			fail_msg("'%s' was taken as a boolean", words[i]);
		assert_err_is("argument 'zero-copy' must be on or off");
	}
}

static void get_bool_other_types_name_key(void **state)
{
	static const char *const docs[] = {
		"{\"pin\": 1}", "{\"pin\": 0}", "{\"pin\": null}", "{\"pin\": [true]}",
		"{\"pin\": {}}",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
		given(docs[i]);
		assert_int_equal(get_bool("pin", true), -EINVAL);
		assert_err_is("argument 'pin' must be on or off");
	}
}

/* ---- error buffer ---- */

static void small_error_buffer_is_truncated_not_overrun(void **state)
{
	char buf[16];
	const char *out;

	(void)state;
	given("{}");
	memset(buf, 'Z', sizeof(buf));
	assert_int_equal(args_get_str(args, "name", NULL, &out, buf, 8), -EINVAL);
	assert_string_equal(buf, "missing");
	assert_int_equal(buf[8], 'Z');
}

#define T(f) cmocka_unit_test_teardown(f, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(check_keys_accepts_allowed_keys),
		T(check_keys_accepts_subset_of_allowed),
		T(check_keys_accepts_empty_args),
		T(check_keys_names_unknown_key),
		T(check_keys_with_empty_list_rejects_any_key),
		T(check_keys_is_case_sensitive),
		T(check_keys_does_not_match_prefixes),
		T(get_str_returns_value),
		T(get_str_value_wins_over_default),
		T(get_str_empty_string_is_a_value),
		T(get_str_absent_gives_default),
		T(get_str_absent_with_empty_default_is_not_required),
		T(get_str_absent_without_default_names_key),
		T(get_str_non_string_names_key),
		T(get_uint_reads_integer),
		T(get_uint_reads_decimal_string),
		T(get_uint_accepts_both_bounds),
		T(get_uint_full_unsigned_range),
		T(get_uint_absent_optional_gives_default),
		T(get_uint_absent_required_names_key),
		T(get_uint_below_min_names_key_and_range),
		T(get_uint_above_max_names_key_and_range),
		T(get_uint_negative_is_rejected),
		T(get_uint_beyond_unsigned_is_rejected),
		T(get_uint_overflowing_string_is_rejected),
		T(get_uint_non_decimal_string_is_rejected),
		T(get_uint_other_types_are_rejected),
		T(get_bool_reads_json_booleans),
		T(get_bool_reads_true_words),
		T(get_bool_reads_false_words),
		T(get_bool_absent_gives_default),
		T(get_bool_other_words_name_key),
		T(get_bool_other_types_name_key),
		T(small_error_buffer_is_truncated_not_overrun),
	};

	return cmocka_run_group_tests_name("ctl_args", tests, NULL, NULL);
}
