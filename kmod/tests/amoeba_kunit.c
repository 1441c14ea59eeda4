// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suites of the AF_AMOEBA module, run inside the debug kernel:
 * the FLIP engine's unit tests (the same cases the host runs under cmocka)
 * and tests of the module itself.
 */
#include <kunit/test.h>
#include <linux/module.h>

#include "../amoeba.h"

#define FT_TEST(name)	static void name(struct kunit *test)
#define FT_EQ(a, b)	KUNIT_EXPECT_EQ(test, (u64)(a), (u64)(b))
#define FT_TRUE(x)	KUNIT_EXPECT_TRUE(test, (x))
#define FT_CASE(name)	KUNIT_CASE(name)
#define FT_CASE_END	{}
#define FT_CASE_TYPE	struct kunit_case

#include "../../flip/tests/engine_test.c"

static struct kunit_suite flip_engine_suite = {
	.name = "flip_engine",
	.test_cases = ft_cases,
};

/* SHA-256 of the bytes 01 02 03 04 05 06 begins 7192385c3c06. */
static void fbox_known_answer(struct kunit *test)
{
	const struct am_port get = { { 1, 2, 3, 4, 5, 6 } };
	const struct am_port want = { { 0x71, 0x92, 0x38, 0x5c, 0x3c, 0x06 } };
	struct am_port put, null = { };

	amoeba_fbox(&get, &put);
	KUNIT_EXPECT_TRUE(test, am_port_eq(&put, &want));
	amoeba_fbox(&null, &put);
	KUNIT_EXPECT_TRUE(test, am_port_null(&put));
}

static struct kunit_case amoeba_sock_cases[] = {
	KUNIT_CASE(fbox_known_answer),
	{}
};

static struct kunit_suite amoeba_sock_suite = {
	.name = "amoeba_sock",
	.test_cases = amoeba_sock_cases,
};

kunit_test_suites(&flip_engine_suite, &amoeba_sock_suite);
MODULE_LICENSE("GPL");
