// SPDX-License-Identifier: GPL-2.0
/*
 * Tokens of AIL: identifiers, numbers (decimal, 0x hexadecimal, 0
 * octal), punctuation, with C and C++ comments skipped.  The unit holds
 * one token of lookahead, u->tok; every token knows its line and column.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "ail.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

static const char *const puncts[] = {
	"..", "<<", ">>", "{", "}", "[", "]", "(", ")", ";", ",", ":", "=",
	"*", "+", "-", "/", "%", "&", "|", "^", "~",
};

static int peek(const struct ail_unit *u, size_t ahead)
{
	size_t off = (size_t)(u->p - u->text) + ahead;

	return off < u->len ? (unsigned char)u->text[off] : -1;
}

static void advance(struct ail_unit *u, size_t n)
{
	while (n-- && (size_t)(u->p - u->text) < u->len) {
		if (*u->p == '\n') {
			u->at.line++;
			u->at.col = 1;
		} else {
			u->at.col++;
		}
		u->p++;
	}
}

static void skip_space(struct ail_unit *u)
{
	struct ail_pos start;

	for (;;) {
		int c = peek(u, 0);

		if (c == ' ' || c == '\t' || c == '\n' || c == '\r' ||
		    c == '\f' || c == '\v') {
			advance(u, 1);
		} else if (c == '/' && peek(u, 1) == '/') {
			while (peek(u, 0) != -1 && peek(u, 0) != '\n')
				advance(u, 1);
		} else if (c == '/' && peek(u, 1) == '*') {
			start = u->at;
			advance(u, 2);
			while (!(peek(u, 0) == '*' && peek(u, 1) == '/')) {
				if (peek(u, 0) == -1)
					ail_error(u, start, "comment not closed");
				advance(u, 1);
			}
			advance(u, 2);
		} else {
			return;
		}
	}
}

static void lex_number(struct ail_unit *u, struct ail_token *t)
{
	unsigned int base = 10;
	uint64_t v = 0;
	size_t i = 0;
	int c, d;

	if (peek(u, 0) == '0' && (peek(u, 1) == 'x' || peek(u, 1) == 'X')) {
		base = 16;
		i = 2;
	} else if (peek(u, 0) == '0') {
		base = 8;
	}
	for (;; i++) {
		c = peek(u, i);
		if (c >= 0 && isdigit(c))
			d = c - '0';
		else if (c >= 0 && isxdigit(c))
			d = tolower(c) - 'a' + 10;
		else if (c == '_' || (c >= 0 && isalpha(c)))
			d = 99;
		else
			break;
		if ((unsigned int)d >= base)
			ail_error(u, u->at, "'%c' is not a base %u digit",
				  c, base);
		if (__builtin_mul_overflow(v, base, &v) ||
		    __builtin_add_overflow(v, (uint64_t)d, &v))
			ail_error(u, u->at, "number too large for 64 bits");
	}
	if (base == 16 && i == 2)
		ail_error(u, u->at, "'0x' without hexadecimal digits");
	t->kind = TOK_NUMBER;
	t->num = v;
	t->len = (int)i;
}

/* Read the next token into u->tok. */
void ail_next(struct ail_unit *u)
{
	struct ail_token *t = &u->tok;
	size_t i, n;
	int c;

	skip_space(u);
	memset(t, 0, sizeof(*t));
	t->start = u->p;
	t->pos = u->at;
	c = peek(u, 0);
	if (c == -1) {
		t->kind = TOK_EOF;
		return;
	}
	if (isalpha(c) || c == '_') {
		for (n = 1; (c = peek(u, n)) != -1 && (isalnum(c) || c == '_');
		     n++)
			;
		if (n > AIL_NAME_MAX)
			ail_error(u, t->pos, "name longer than %d characters",
				  AIL_NAME_MAX);
		t->kind = TOK_IDENT;
		t->len = (int)n;
	} else if (isdigit(c)) {
		lex_number(u, t);
	} else {
		for (i = 0; i < ARRAY_SIZE(puncts); i++) {
			n = strlen(puncts[i]);
			if ((size_t)(u->len - (size_t)(u->p - u->text)) >= n &&
			    !memcmp(u->p, puncts[i], n))
				break;
		}
		if (i == ARRAY_SIZE(puncts)) {
			if (isprint(c))
				ail_error(u, t->pos, "unexpected character '%c'",
					  c);
			ail_error(u, t->pos,
				  "unexpected byte 0x%02x (not printable)", c);
		}
		t->kind = TOK_PUNCT;
		t->len = (int)strlen(puncts[i]);
	}
	advance(u, (size_t)t->len);
}

/* Whether the current token is the punctuation or keyword @s. */
bool ail_is(const struct ail_unit *u, const char *s)
{
	const struct ail_token *t = &u->tok;

	return (t->kind == TOK_PUNCT || t->kind == TOK_IDENT) &&
	       (size_t)t->len == strlen(s) && !memcmp(t->start, s, t->len);
}

bool ail_accept(struct ail_unit *u, const char *s)
{
	if (!ail_is(u, s))
		return false;
	ail_next(u);
	return true;
}

static void describe(const struct ail_token *t, char *buf, size_t len)
{
	if (t->kind == TOK_EOF)
		snprintf(buf, len, "the end of the file");
	else
		snprintf(buf, len, "'%.*s'", t->len, t->start);
}

/* Take @s, or fail naming what was found and @why it was wanted. */
void ail_expect(struct ail_unit *u, const char *s, const char *why)
{
	char found[AIL_NAME_MAX + 32];

	if (ail_accept(u, s))
		return;
	describe(&u->tok, found, sizeof(found));
	ail_error(u, u->tok.pos, "expected '%s' %s, found %s", s, why, found);
}

/* Take a name (of @what), or fail. */
const char *ail_ident(struct ail_unit *u, const char *what)
{
	char found[AIL_NAME_MAX + 32];
	const char *name;

	if (u->tok.kind != TOK_IDENT) {
		describe(&u->tok, found, sizeof(found));
		ail_error(u, u->tok.pos, "expected %s, found %s", what, found);
	}
	name = ail_strndup(u, u->tok.start, (size_t)u->tok.len);
	ail_next(u);
	return name;
}
