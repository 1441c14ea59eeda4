/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The engine's unit tests are written once, against these macros, and run
 * twice: under cmocka on the host (flip/tests/host_main.c) and under KUnit
 * inside the debug kernel (kmod/tests/).  The harness defines FT_TEST,
 * FT_EQ, FT_TRUE, FT_CASE (one table entry), FT_CASE_END and FT_CASE_TYPE
 * before including engine_test.c, which defines the table ft_cases[].
 */
#ifndef FLIP_ENGINE_TEST_H
#define FLIP_ENGINE_TEST_H

#define FT_MS	1000000ULL

#endif
