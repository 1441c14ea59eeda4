// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the Bullet store's free-space allocator (alloc.c): first
 * fit, splitting and merging, refusal of double frees and of takes of
 * space in use with nothing changed, and a long seeded run of random
 * operations held against a bitmap of the area, with TAP output for
 * prove.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "alloc.h"

/*
 * The allocator's invariants: extents sorted, inside the area, nonempty,
 * neither overlapping nor touching (touching ones would have merged),
 * and free their sum.
 */
static void check_shape(const struct bs_alloc *a)
{
	uint64_t sum = 0;
	uint32_t i;

	assert_true(a->n <= a->room);
	for (i = 0; i < a->n; i++) {
		const struct bs_extent *e = &a->ext[i];

		assert_true(e->len > 0);
		assert_true(e->start >= a->lo);
		assert_true(e->start + e->len <= a->hi);
		if (i)
			assert_true(a->ext[i - 1].start + a->ext[i - 1].len <
				    e->start);
		sum += e->len;
	}
	assert_int_equal(sum, a->free);
}

/* The free extents are exactly these @n. */
static void check_free(const struct bs_alloc *a, uint32_t n,
		       const struct bs_extent *want)
{
	uint32_t i;

	check_shape(a);
	assert_int_equal(a->n, n);
	for (i = 0; i < n; i++) {
		assert_int_equal(a->ext[i].start, want[i].start);
		assert_int_equal(a->ext[i].len, want[i].len);
	}
}

/* A copy of the state, to show that a refused call changed nothing. */
struct snap {
	struct bs_extent	ext[64];
	uint32_t		n;
	uint64_t		free;
};

static void snap_take(const struct bs_alloc *a, struct snap *s)
{
	assert_true(a->n <= 64);
	memcpy(s->ext, a->ext, a->n * sizeof(*a->ext));
	s->n = a->n;
	s->free = a->free;
}

static void snap_same(const struct bs_alloc *a, const struct snap *s)
{
	assert_int_equal(a->n, s->n);
	assert_int_equal(a->free, s->free);
	assert_memory_equal(a->ext, s->ext, s->n * sizeof(*a->ext));
}

static void test_init(void **state)
{
	struct bs_alloc a;
	uint64_t start = 77;

	(void)state;
	assert_int_equal(bs_alloc_init(&a, 10, 110), 0);
	check_free(&a, 1, (struct bs_extent[]){ { 10, 100 } });
	assert_int_equal(bs_alloc_largest(&a), 100);
	bs_alloc_fini(&a);
	assert_null(a.ext);

	/* An empty area: nothing to give. */
	assert_int_equal(bs_alloc_init(&a, 5, 5), 0);
	check_free(&a, 0, NULL);
	assert_int_equal(bs_alloc_get(&a, 1, &start), -ENOSPC);
	assert_int_equal(start, 77);
	assert_int_equal(bs_alloc_largest(&a), 0);
	bs_alloc_fini(&a);

	assert_int_equal(bs_alloc_init(&a, 6, 5), -EINVAL);
	bs_alloc_fini(&a);
}

static void test_get_put(void **state)
{
	struct bs_alloc a;
	uint64_t s1, s2, s3;

	(void)state;
	assert_int_equal(bs_alloc_init(&a, 10, 110), 0);
	assert_int_equal(bs_alloc_get(&a, 10, &s1), 0);
	assert_int_equal(s1, 10);
	assert_int_equal(bs_alloc_get(&a, 5, &s2), 0);
	assert_int_equal(s2, 20);
	assert_int_equal(bs_alloc_get(&a, 1, &s3), 0);
	assert_int_equal(s3, 25);
	check_free(&a, 1, (struct bs_extent[]){ { 26, 84 } });
	assert_int_equal(bs_alloc_get(&a, 0, &s3), -EINVAL);

	assert_int_equal(bs_alloc_put(&a, s1, 10), 0);
	check_free(&a, 2, (struct bs_extent[]){ { 10, 10 }, { 26, 84 } });
	/* Touching the extent after it: merges forward. */
	assert_int_equal(bs_alloc_put(&a, s3, 1), 0);
	check_free(&a, 2, (struct bs_extent[]){ { 10, 10 }, { 25, 85 } });
	/* Touching both: one extent again. */
	assert_int_equal(bs_alloc_put(&a, s2, 5), 0);
	check_free(&a, 1, (struct bs_extent[]){ { 10, 100 } });
	bs_alloc_fini(&a);
}

static void test_merge(void **state)
{
	struct bs_alloc a;
	uint64_t s[5];
	int i;

	(void)state;
	assert_int_equal(bs_alloc_init(&a, 0, 50), 0);
	for (i = 0; i < 5; i++) {
		assert_int_equal(bs_alloc_get(&a, 10, &s[i]), 0);
		assert_int_equal(s[i], 10 * i);
	}
	check_free(&a, 0, NULL);
	assert_int_equal(bs_alloc_put(&a, 10, 10), 0);
	assert_int_equal(bs_alloc_put(&a, 30, 10), 0);
	check_free(&a, 2, (struct bs_extent[]){ { 10, 10 }, { 30, 10 } });
	/* Merges backward only. */
	assert_int_equal(bs_alloc_put(&a, 40, 10), 0);
	check_free(&a, 2, (struct bs_extent[]){ { 10, 10 }, { 30, 20 } });
	/* At the area's start, merging forward only. */
	assert_int_equal(bs_alloc_put(&a, 0, 10), 0);
	check_free(&a, 2, (struct bs_extent[]){ { 0, 20 }, { 30, 20 } });
	/* Both sides. */
	assert_int_equal(bs_alloc_put(&a, 20, 10), 0);
	check_free(&a, 1, (struct bs_extent[]){ { 0, 50 } });
	bs_alloc_fini(&a);
}

static void test_first_fit(void **state)
{
	struct bs_alloc a;
	uint64_t s;

	(void)state;
	assert_int_equal(bs_alloc_init(&a, 0, 100), 0);
	assert_int_equal(bs_alloc_take(&a, 10, 5), 0);
	assert_int_equal(bs_alloc_take(&a, 35, 5), 0);
	check_free(&a, 3, (struct bs_extent[]){ { 0, 10 }, { 15, 20 },
						 { 40, 60 } });

	/* The lowest extent that holds it, not the best fitting. */
	assert_int_equal(bs_alloc_get(&a, 15, &s), 0);
	assert_int_equal(s, 15);
	check_free(&a, 3, (struct bs_extent[]){ { 0, 10 }, { 30, 5 },
						 { 40, 60 } });
	assert_int_equal(bs_alloc_get(&a, 5, &s), 0);
	assert_int_equal(s, 0);
	assert_int_equal(bs_alloc_get(&a, 8, &s), 0);
	assert_int_equal(s, 40);
	assert_int_equal(bs_alloc_get(&a, 5, &s), 0);
	assert_int_equal(s, 5);
	check_free(&a, 2, (struct bs_extent[]){ { 30, 5 }, { 48, 52 } });
	bs_alloc_fini(&a);
}

static void test_get_below(void **state)
{
	struct bs_alloc a;
	uint64_t s = 99;

	(void)state;
	assert_int_equal(bs_alloc_init(&a, 0, 100), 0);
	assert_int_equal(bs_alloc_take(&a, 10, 5), 0);
	assert_int_equal(bs_alloc_take(&a, 35, 5), 0);
	/* Free: [0, 10) [15, 35) [40, 100). */
	assert_int_equal(bs_alloc_get_below(&a, 20, 34, &s), -ENOSPC);
	assert_int_equal(s, 99);
	assert_int_equal(bs_alloc_get_below(&a, 20, 35, &s), 0);
	assert_int_equal(s, 15);
	check_free(&a, 2, (struct bs_extent[]){ { 0, 10 }, { 40, 60 } });
	assert_int_equal(bs_alloc_get_below(&a, 10, 9, &s), -ENOSPC);
	assert_int_equal(bs_alloc_get_below(&a, 11, 60, &s), 0);
	assert_int_equal(s, 40);
	assert_int_equal(bs_alloc_get_below(&a, 3, 3, &s), 0);
	assert_int_equal(s, 0);
	check_free(&a, 2, (struct bs_extent[]){ { 3, 7 }, { 51, 49 } });
	assert_int_equal(bs_alloc_get_below(&a, 1, 0, &s), -ENOSPC);
	assert_int_equal(bs_alloc_get_below(&a, 0, 50, &s), -EINVAL);
	/* A limit past the area is no limit. */
	assert_int_equal(bs_alloc_get_below(&a, 49, UINT64_MAX, &s), 0);
	assert_int_equal(s, 51);
	check_free(&a, 1, (struct bs_extent[]){ { 3, 7 } });
	bs_alloc_fini(&a);
}

static void test_enospc(void **state)
{
	struct bs_alloc a;
	struct snap before;
	uint64_t s;

	(void)state;
	assert_int_equal(bs_alloc_init(&a, 0, 100), 0);
	assert_int_equal(bs_alloc_take(&a, 20, 1), 0);
	assert_int_equal(bs_alloc_take(&a, 60, 1), 0);
	assert_int_equal(a.free, 98);
	assert_int_equal(bs_alloc_largest(&a), 39);
	snap_take(&a, &before);
	/* Enough blocks in all, not in one extent. */
	assert_int_equal(bs_alloc_get(&a, 40, &s), -ENOSPC);
	snap_same(&a, &before);
	assert_int_equal(bs_alloc_get(&a, 39, &s), 0);
	assert_int_equal(s, 21);
	assert_int_equal(bs_alloc_largest(&a), 39);
	bs_alloc_fini(&a);
}

static void test_double_free(void **state)
{
	struct bs_alloc a;
	struct snap before;

	(void)state;
	assert_int_equal(bs_alloc_init(&a, 10, 110), 0);
	assert_int_equal(bs_alloc_take(&a, 20, 30), 0);
	assert_int_equal(bs_alloc_take(&a, 60, 10), 0);
	/* Free: [10, 20) [50, 60) [70, 110). */
	snap_take(&a, &before);

	assert_int_equal(bs_alloc_put(&a, 10, 10), -EINVAL);
	assert_int_equal(bs_alloc_put(&a, 15, 1), -EINVAL);
	/* Partly in use, partly free, at either end or across. */
	assert_int_equal(bs_alloc_put(&a, 19, 2), -EINVAL);
	assert_int_equal(bs_alloc_put(&a, 45, 6), -EINVAL);
	assert_int_equal(bs_alloc_put(&a, 15, 40), -EINVAL);
	assert_int_equal(bs_alloc_put(&a, 20, 50), -EINVAL);
	/* Outside the area, empty, or wrapping. */
	assert_int_equal(bs_alloc_put(&a, 5, 5), -EINVAL);
	assert_int_equal(bs_alloc_put(&a, 110, 1), -EINVAL);
	assert_int_equal(bs_alloc_put(&a, 109, 2), -EINVAL);
	assert_int_equal(bs_alloc_put(&a, 30, 0), -EINVAL);
	assert_int_equal(bs_alloc_put(&a, 30, UINT64_MAX), -EINVAL);
	snap_same(&a, &before);

	/* Part of a taken extent may come back, and then not again. */
	assert_int_equal(bs_alloc_put(&a, 30, 5), 0);
	check_free(&a, 4, (struct bs_extent[]){ { 10, 10 }, { 30, 5 },
						 { 50, 10 }, { 70, 40 } });
	snap_take(&a, &before);
	assert_int_equal(bs_alloc_put(&a, 30, 5), -EINVAL);
	assert_int_equal(bs_alloc_put(&a, 34, 1), -EINVAL);
	assert_int_equal(bs_alloc_put(&a, 29, 2), -EINVAL);
	snap_same(&a, &before);
	bs_alloc_fini(&a);
}

static void test_take(void **state)
{
	struct bs_alloc a;
	struct snap before;

	(void)state;
	assert_int_equal(bs_alloc_init(&a, 10, 110), 0);
	/* The middle of an extent splits it. */
	assert_int_equal(bs_alloc_take(&a, 50, 10), 0);
	check_free(&a, 2, (struct bs_extent[]){ { 10, 40 }, { 60, 50 } });
	/* Its front and its end shrink it. */
	assert_int_equal(bs_alloc_take(&a, 10, 5), 0);
	assert_int_equal(bs_alloc_take(&a, 100, 10), 0);
	check_free(&a, 2, (struct bs_extent[]){ { 15, 35 }, { 60, 40 } });
	/* All of it removes it. */
	assert_int_equal(bs_alloc_take(&a, 60, 40), 0);
	check_free(&a, 1, (struct bs_extent[]){ { 15, 35 } });
	snap_take(&a, &before);

	assert_int_equal(bs_alloc_take(&a, 10, 1), -EINVAL);
	assert_int_equal(bs_alloc_take(&a, 14, 2), -EINVAL);
	assert_int_equal(bs_alloc_take(&a, 49, 2), -EINVAL);
	assert_int_equal(bs_alloc_take(&a, 55, 1), -EINVAL);
	assert_int_equal(bs_alloc_take(&a, 5, 1), -EINVAL);
	assert_int_equal(bs_alloc_take(&a, 20, 0), -EINVAL);
	assert_int_equal(bs_alloc_take(&a, 20, UINT64_MAX), -EINVAL);
	assert_int_equal(bs_alloc_take(&a, 110, 1), -EINVAL);
	snap_same(&a, &before);
	bs_alloc_fini(&a);
}

/* Enough splits to grow the array a few times. */
static void test_growth(void **state)
{
	struct bs_alloc a;
	uint64_t i, s;

	(void)state;
	assert_int_equal(bs_alloc_init(&a, 0, 2000), 0);
	for (i = 1; i < 2000; i += 2)
		assert_int_equal(bs_alloc_take(&a, i, 1), 0);
	check_shape(&a);
	assert_int_equal(a.n, 1000);
	assert_int_equal(a.free, 1000);
	assert_int_equal(bs_alloc_largest(&a), 1);
	assert_int_equal(bs_alloc_get(&a, 2, &s), -ENOSPC);
	for (i = 1; i < 2000; i += 4)
		assert_int_equal(bs_alloc_put(&a, i, 1), 0);
	check_shape(&a);
	assert_int_equal(a.n, 500);
	assert_int_equal(bs_alloc_largest(&a), 3);
	assert_int_equal(bs_alloc_get(&a, 3, &s), 0);
	assert_int_equal(s, 0);
	bs_alloc_fini(&a);
}

/*
 * The model: one bool per block of the area.  Deterministic across libcs
 * (no rand()): a run that fails can be run again.
 */
#define MODEL_LO	7u
#define MODEL_BLOCKS	1000u
#define MODEL_HI	(MODEL_LO + MODEL_BLOCKS)
#define MODEL_OPS	20000

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rng(void)
{
	uint64_t x = rng_state;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	rng_state = x;
	return x;
}

static uint64_t below(uint64_t n)
{
	return rng() % n;
}

/* Lowest run of @len free blocks ending at or before @limit, or -1. */
static int64_t model_fit(const bool *used, uint64_t len, uint64_t limit)
{
	uint64_t b, run = 0;

	for (b = MODEL_LO; b < MODEL_HI && b < limit; b++) {
		run = used[b - MODEL_LO] ? 0 : run + 1;
		if (run == len)
			return (int64_t)(b + 1 - len);
	}
	return -1;
}

static uint64_t model_largest(const bool *used)
{
	uint64_t b, run = 0, best = 0;

	for (b = 0; b < MODEL_BLOCKS; b++) {
		run = used[b] ? 0 : run + 1;
		if (run > best)
			best = run;
	}
	return best;
}

/* All free in the model (want_free) or all in use (!want_free)? */
static bool model_all(const bool *used, uint64_t start, uint64_t len,
		      bool want_free)
{
	uint64_t b;

	if (!len || start < MODEL_LO || start + len > MODEL_HI)
		return false;
	for (b = start; b < start + len; b++)
		if (used[b - MODEL_LO] == want_free)
			return false;
	return true;
}

static void model_set(bool *used, uint64_t start, uint64_t len, bool v)
{
	uint64_t b;

	for (b = start; b < start + len; b++)
		used[b - MODEL_LO] = v;
}

/* The allocator's extents are exactly the model's free runs. */
static void model_check(const struct bs_alloc *a, const bool *used)
{
	uint64_t b = MODEL_LO;
	uint32_t i = 0;

	check_shape(a);
	while (b < MODEL_HI) {
		uint64_t start;

		if (used[b - MODEL_LO]) {
			b++;
			continue;
		}
		start = b;
		while (b < MODEL_HI && !used[b - MODEL_LO])
			b++;
		assert_true(i < a->n);
		assert_int_equal(a->ext[i].start, start);
		assert_int_equal(a->ext[i].len, b - start);
		i++;
	}
	assert_int_equal(i, a->n);
}

/* A range near the area, sometimes straddling its ends. */
static void random_range(uint64_t *start, uint64_t *len)
{
	*start = MODEL_LO - 3 + below(MODEL_BLOCKS + 6);
	*len = below(8) ? 1 + below(12) : below(300);
}

/*
 * Half the time, part of the run of free (or of used) blocks around a
 * random block, so that puts and takes succeed as often as they fail.
 */
static void random_run(const bool *used, bool want_used, uint64_t *start,
		       uint64_t *len)
{
	uint64_t b = below(MODEL_BLOCKS), lo = b, hi = b + 1, s;

	if (below(2) || used[b] != want_used) {
		random_range(start, len);
		return;
	}
	while (lo > 0 && used[lo - 1] == want_used)
		lo--;
	while (hi < MODEL_BLOCKS && used[hi] == want_used)
		hi++;
	s = lo + below(hi - lo);
	*start = MODEL_LO + s;
	*len = 1 + below(hi - s);
}

static void test_random(void **state)
{
	static bool used[MODEL_BLOCKS];
	struct bs_alloc a;
	unsigned int op, gets = 0, puts = 0, takes = 0, refused = 0;

	(void)state;
	assert_int_equal(bs_alloc_init(&a, MODEL_LO, MODEL_HI), 0);
	for (op = 0; op < MODEL_OPS; op++) {
		uint64_t start, len, limit, s = UINT64_MAX;
		int64_t want;
		bool ok;
		int r;

		switch (below(4)) {
		case 0:
		case 1:
			len = 1 + below(below(4) ? 8 : 120);
			limit = below(2) ? MODEL_HI : MODEL_LO + below(1100);
			want = model_fit(used, len, limit);
			r = bs_alloc_get_below(&a, len, limit, &s);
			if (want < 0) {
				assert_int_equal(r, -ENOSPC);
				assert_int_equal(s, UINT64_MAX);
				if (limit == MODEL_HI)
					assert_true(bs_alloc_largest(&a) < len);
				refused++;
				break;
			}
			assert_int_equal(r, 0);
			assert_int_equal(s, (uint64_t)want);
			model_set(used, s, len, true);
			gets++;
			break;
		case 2:
			random_run(used, true, &start, &len);
			ok = model_all(used, start, len, false);
			r = bs_alloc_put(&a, start, len);
			assert_int_equal(r, ok ? 0 : -EINVAL);
			if (ok) {
				model_set(used, start, len, false);
				puts++;
			} else {
				refused++;
			}
			break;
		default:
			random_run(used, false, &start, &len);
			ok = model_all(used, start, len, true);
			r = bs_alloc_take(&a, start, len);
			assert_int_equal(r, ok ? 0 : -EINVAL);
			if (ok) {
				model_set(used, start, len, true);
				takes++;
			} else {
				refused++;
			}
			break;
		}
		model_check(&a, used);
		assert_int_equal(bs_alloc_largest(&a), model_largest(used));
	}
	/* The run must have exercised every path, not mostly refusals. */
	assert_true(gets > 1000 && puts > 1000);
	assert_true(takes > 500 && refused > 1000);
	bs_alloc_fini(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init),
		cmocka_unit_test(test_get_put),
		cmocka_unit_test(test_merge),
		cmocka_unit_test(test_first_fit),
		cmocka_unit_test(test_get_below),
		cmocka_unit_test(test_enospc),
		cmocka_unit_test(test_double_free),
		cmocka_unit_test(test_take),
		cmocka_unit_test(test_growth),
		cmocka_unit_test(test_random),
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests_name("alloc", tests, NULL, NULL);
}
