// SPDX-License-Identifier: GPL-2.0
/*
 * A compilation's memory and its error.  Memory comes from an arena freed
 * whole; the first error ends the compilation (by longjmp back to
 * ail_parse) and is printed as file:line:column, the source line and a
 * caret under the column, as C compilers do.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ail.h"

struct ail_chunk {
	struct ail_chunk	*next;
	size_t			used;
	size_t			size;
	unsigned char		data[] __attribute__((aligned(16)));
};

#define CHUNK_SIZE	(64 * 1024)

void ail_unit_init(struct ail_unit *u, const char *file, const char *text,
		   size_t len)
{
	memset(u, 0, sizeof(*u));
	u->file = file;
	u->text = text;
	u->len = len;
	u->p = text;
	u->at.line = 1;
	u->at.col = 1;
}

void ail_unit_free(struct ail_unit *u)
{
	struct ail_chunk *c, *next;

	for (c = u->arena; c; c = next) {
		next = c->next;
		free(c);
	}
	u->arena = NULL;
}

/* Zeroed memory that lives as long as the unit; out of memory ends it. */
void *ail_alloc(struct ail_unit *u, size_t size)
{
	struct ail_chunk *c = u->arena;
	void *p;

	size = (size + 15) & ~(size_t)15;
	if (!c || c->size - c->used < size) {
		size_t n = size > CHUNK_SIZE ? size : CHUNK_SIZE;

		c = malloc(sizeof(*c) + n);
		if (!c)
			ail_error(u, u->tok.pos, "out of memory");
		c->next = u->arena;
		c->used = 0;
		c->size = n;
		u->arena = c;
	}
	p = c->data + c->used;
	c->used += size;
	memset(p, 0, size);
	return p;
}

const char *ail_strndup(struct ail_unit *u, const char *s, size_t len)
{
	char *d = ail_alloc(u, len + 1);

	memcpy(d, s, len);
	return d;
}

void ail_error(struct ail_unit *u, struct ail_pos pos, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(u->err, sizeof(u->err), fmt, ap);
	va_end(ap);
	u->err_pos = pos;
	longjmp(u->fail, 1);
}

/* The error, with the line it is on and a caret under its column. */
void ail_print_error(const struct ail_unit *u, void *stream)
{
	const char *line = u->text, *end;
	FILE *f = stream;
	int i, n;

	fprintf(f, "%s:%d:%d: error: %s\n", u->file, u->err_pos.line,
		u->err_pos.col, u->err);
	for (i = 1; i < u->err_pos.line && line; i++) {
		line = memchr(line, '\n', u->len - (size_t)(line - u->text));
		if (line)
			line++;
	}
	if (!line)
		return;
	end = memchr(line, '\n', u->len - (size_t)(line - u->text));
	n = (int)((end ? end : u->text + u->len) - line);
	fprintf(f, "  %.*s\n  ", n, line);
	/* Tabs stay tabs, so the caret lines up however they are shown. */
	for (i = 0; i < u->err_pos.col - 1 && i < n; i++)
		fputc(line[i] == '\t' ? '\t' : ' ', f);
	fputs("^\n", f);
}
