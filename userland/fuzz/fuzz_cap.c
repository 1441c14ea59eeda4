// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness for the text forms of capabilities and ports: any
 * text either parses and formats back to itself (lower-cased), or is
 * refused at a position inside it without touching the output.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <amoeba/cap.h>

static void check(int ok)
{
	if (!ok)
		abort();
}

static void lower(const char *in, char *out, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		out[i] = (char)tolower((unsigned char)in[i]);
	out[len] = '\0';
}

static void fuzz_cap(const char *text, const char *low, size_t len)
{
	char out[AM_CAP_TEXTLEN + 1];
	struct am_cap cap, pattern, again;
	struct am_parse_err err = { 0 };

	memset(&pattern, 0xa5, sizeof(pattern));
	cap = pattern;
	if (am_cap_parse(text, &cap, &err) != STD_OK) {
		check(err.pos <= len && err.msg);
		check(!memcmp(&cap, &pattern, sizeof(cap)));
		return;
	}
	check(am_cap_format(&cap, out, sizeof(out)) == AM_CAP_TEXTLEN);
	check(!strcmp(out, low));
	check(am_cap_parse(out, &again, NULL) == STD_OK);
	check(!memcmp(&again, &cap, sizeof(cap)));
}

static void fuzz_port(const char *text, const char *low, size_t len)
{
	char out[AM_PORT_TEXTLEN + 1];
	struct am_port port, pattern, again;
	struct am_parse_err err = { 0 };

	memset(&pattern, 0x5a, sizeof(pattern));
	port = pattern;
	if (am_port_parse(text, &port, &err) != STD_OK) {
		check(err.pos <= len && err.msg);
		check(!memcmp(&port, &pattern, sizeof(port)));
		return;
	}
	check(am_port_format(&port, out, sizeof(out)) == AM_PORT_TEXTLEN);
	check(!strcmp(out, low));
	check(am_port_parse(out, &again, NULL) == STD_OK);
	check(am_port_eq(&again, &port));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text, *low;
	size_t len;

	/* Exactly sized, so that ASan sees a parser reading past the NUL. */
	text = malloc(size + 1);
	low = malloc(size + 1);
	check(text && low);
	memcpy(text, data, size);
	text[size] = '\0';
	/* The parsers see a C string: an embedded NUL ends it. */
	len = strlen(text);
	lower(text, low, len);
	fuzz_cap(text, low, len);
	fuzz_port(text, low, len);
	free(low);
	free(text);
	return 0;
}
