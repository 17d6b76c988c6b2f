/* SPDX-License-Identifier: BSD-3-Clause */
/* Placement and rebalancing decisions (worker/placement.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "worker/placement.h"

static void new_item_goes_to_least_loaded_worker(void **state)
{
	uint64_t load[3] = { 50, 10, 30 };
	unsigned int count[3] = { 1, 5, 1 };

	(void)state;
	assert_int_equal(placement_least_loaded(load, count, 3), 1);
}

static void idle_workers_are_filled_by_item_count(void **state)
{
	uint64_t load[3] = { 0, 0, 0 };
	unsigned int count[3] = { 2, 1, 1 };

	(void)state;
	assert_int_equal(placement_least_loaded(load, count, 3), 1);
}

static void single_worker_never_moves(void **state)
{
	struct placement_item items[] = { { 100, 0, false }, { 100, 0, false } };

	(void)state;
	assert_int_equal(placement_rebalance(items, 2, 1, 0), 0);
}

static void overloaded_worker_sheds_one_item(void **state)
{
	struct placement_item items[] = {
		{ 60, 0, false }, { 40, 0, false }, { 10, 1, false },
	};

	(void)state;
	assert_int_equal(placement_rebalance(items, 3, 2, 5), 1);
	/* Moving the 40 gives 60 / 50: the best split available. */
	assert_int_equal(items[1].worker, 1);
	assert_int_equal(items[0].worker, 0);
}

static void pinned_items_stay(void **state)
{
	struct placement_item items[] = {
		{ 60, 0, true }, { 40, 0, true }, { 0, 1, false },
	};

	(void)state;
	assert_int_equal(placement_rebalance(items, 3, 2, 0), 0);
	assert_int_equal(items[0].worker, 0);
	assert_int_equal(items[1].worker, 0);
}

static void small_gain_is_ignored(void **state)
{
	/* 52 vs 48: moving anything would make it worse or gain < 10. */
	struct placement_item items[] = {
		{ 30, 0, false }, { 22, 0, false }, { 48, 1, false },
	};

	(void)state;
	assert_int_equal(placement_rebalance(items, 3, 2, 10), 0);
}

static void spreads_many_items_evenly(void **state)
{
	struct placement_item items[16];
	uint64_t load[4] = { 0 };

	(void)state;
	for (int i = 0; i < 16; i++)
		items[i] = (struct placement_item){ 10, 0, false };
	placement_rebalance(items, 16, 4, 1);
	for (int i = 0; i < 16; i++)
		load[items[i].worker] += items[i].load;
	for (int w = 0; w < 4; w++)
		assert_int_equal(load[w], 40);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(new_item_goes_to_least_loaded_worker),
		cmocka_unit_test(idle_workers_are_filled_by_item_count),
		cmocka_unit_test(single_worker_never_moves),
		cmocka_unit_test(overloaded_worker_sheds_one_item),
		cmocka_unit_test(pinned_items_stay),
		cmocka_unit_test(small_gain_is_ignored),
		cmocka_unit_test(spreads_many_items_evenly),
	};

	return cmocka_run_group_tests_name("placement", tests, NULL, NULL);
}
