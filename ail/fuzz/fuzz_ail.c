// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness for the AIL front end: any bytes either parse or
 * fail with a positioned error, without a crash, a leak or undefined
 * behaviour (ASan and UBSan are on), and the error prints.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ail.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *null;
	struct ail_unit u;
	char *text = malloc(size + 1);

	if (!text)
		return 0;
	if (!null)
		null = fopen("/dev/null", "w");
	memcpy(text, data, size);
	text[size] = '\0';
	ail_unit_init(&u, "fuzz.ail", text, size);
	if (ail_parse(&u) && null)
		ail_print_error(&u, null);
	ail_unit_free(&u);
	free(text);
	return 0;
}
