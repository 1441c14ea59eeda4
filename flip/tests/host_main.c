// SPDX-License-Identifier: GPL-2.0
/* Runs the engine's unit tests under cmocka, with TAP output for prove. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define FT_TEST(name)	static void name(void **state)
#define FT_EQ(a, b)	assert_int_equal((a), (b))
#define FT_TRUE(x)	assert_true(x)
#define FT_CASE(name)	cmocka_unit_test(name)
#define FT_CASE_END	{ 0 }
#define FT_CASE_TYPE	const struct CMUnitTest

#include "engine_test.c"

int main(void)
{
	cmocka_set_message_output(CM_OUTPUT_TAP);
	/* The table ends with a terminator for KUnit; cmocka takes a count. */
	return _cmocka_run_group_tests("flip_engine", ft_cases,
				       ARRAY_SIZE(ft_cases) - 1,
				       NULL, NULL);
}
