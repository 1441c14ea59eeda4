// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of capabilities (text form, F, check fields, rights) and of
 * the error names, under cmocka with TAP output for prove.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <ctype.h>
#include <pthread.h>
#include <cmocka.h>
#include <amoeba/cap.h>
#include <amoeba/err.h>

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* Random capabilities, the same on every run so failures reproduce. */
static uint64_t prng_state = 0x0123456789abcdefULL;

static uint64_t prng(void)
{
	uint64_t z = (prng_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static void prng_bytes(uint8_t *b, size_t n)
{
	while (n--)
		*b++ = (uint8_t)prng();
}

static void random_cap(struct am_cap *cap)
{
	prng_bytes((uint8_t *)cap, sizeof(*cap));
}

static const struct am_port test_secret = {
	{ 0xa1, 0xb2, 0xc3, 0xd4, 0xe5, 0xf6 }
};

static void make_cap(struct am_cap *cap, uint8_t rights)
{
	static const struct am_port port = {
		{ 0x10, 0x20, 0x30, 0x40, 0x50, 0x60 }
	};

	cap->cap_port = port;
	assert_int_equal(am_priv_encode(&cap->cap_priv, 0x123456, rights,
					&test_secret), STD_OK);
}

/* The text form, written independently of am_cap_format(). */
static void expected_text(const struct am_cap *cap, char *buf, size_t len)
{
	const uint8_t *p = cap->cap_port.p;
	const uint8_t *c = cap->cap_priv.prv_random.p;

	snprintf(buf, len,
		 "%02x%02x%02x%02x%02x%02x:%06x:%02x:%02x%02x%02x%02x%02x%02x",
		 p[0], p[1], p[2], p[3], p[4], p[5],
		 (unsigned int)am_priv_object(&cap->cap_priv),
		 cap->cap_priv.prv_rights,
		 c[0], c[1], c[2], c[3], c[4], c[5]);
}

static void to_upper(char *s)
{
	for (; *s; s++)
		*s = (char)toupper((unsigned char)*s);
}

static void test_fbox_known(void **state)
{
	static const struct am_port in = { { 1, 2, 3, 4, 5, 6 } };
	static const struct am_port want = {
		{ 0x71, 0x92, 0x38, 0x5c, 0x3c, 0x06 }
	};
	struct am_port out, null = { { 0 } }, tmp;

	(void)state;
	am_oneway(&in, &out);
	assert_memory_equal(out.p, want.p, AM_PORTSIZE);
	memset(&out, 0xee, sizeof(out));
	am_fbox(&in, &out);
	assert_memory_equal(out.p, want.p, AM_PORTSIZE);

	memset(&out, 0xee, sizeof(out));
	am_oneway(&null, &out);
	assert_true(am_port_null(&out));

	tmp = in;
	am_oneway(&tmp, &tmp);
	assert_memory_equal(tmp.p, want.p, AM_PORTSIZE);
}

static void test_check_known(void **state)
{
	static const uint8_t want[AM_PORTSIZE] = {
		0x85, 0xc9, 0xd5, 0xca, 0x4e, 0xa2
	};
	struct am_priv priv;
	uint8_t rights = 0;

	(void)state;
	assert_int_equal(am_priv_encode(&priv, 7, 0x0f, &test_secret), STD_OK);
	assert_int_equal(priv.prv_rights, 0x0f);
	assert_memory_equal(priv.prv_random.p, want, AM_PORTSIZE);
	assert_int_equal(am_priv_decode(&priv, &test_secret, &rights), STD_OK);
	assert_int_equal(rights, 0x0f);

	/* An owner capability carries the secret itself. */
	assert_int_equal(am_priv_encode(&priv, 7, AM_RIGHTS_ALL, &test_secret),
			 STD_OK);
	assert_memory_equal(priv.prv_random.p, test_secret.p, AM_PORTSIZE);
	assert_int_equal(am_priv_decode(&priv, &test_secret, &rights), STD_OK);
	assert_int_equal(rights, AM_RIGHTS_ALL);
}

static void test_cap_text_round_trip(void **state)
{
	char text[AM_CAP_TEXTLEN + 1], want[AM_CAP_TEXTLEN + 1];
	struct am_cap cap, back;
	struct am_parse_err err;
	int i;

	(void)state;
	for (i = 0; i < 300; i++) {
		random_cap(&cap);
		expected_text(&cap, want, sizeof(want));
		assert_int_equal(am_cap_format(&cap, text, sizeof(text)),
				 AM_CAP_TEXTLEN);
		assert_string_equal(text, want);

		memset(&back, 0x5a, sizeof(back));
		assert_int_equal(am_cap_parse(text, &back, &err), STD_OK);
		assert_memory_equal(&back, &cap, sizeof(cap));

		to_upper(text);
		memset(&back, 0x5a, sizeof(back));
		assert_int_equal(am_cap_parse(text, &back, NULL), STD_OK);
		assert_memory_equal(&back, &cap, sizeof(cap));
		assert_int_equal(am_cap_format(&back, text, sizeof(text)),
				 AM_CAP_TEXTLEN);
		assert_string_equal(text, want);
	}
}

/* Valid text of random digits in random case formats back lower-cased. */
static void test_cap_text_mixed_case(void **state)
{
	static const char digits[] = "0123456789abcdefABCDEF";
	char text[AM_CAP_TEXTLEN + 1], out[AM_CAP_TEXTLEN + 1];
	struct am_cap cap;
	int i, j;

	(void)state;
	for (i = 0; i < 300; i++) {
		for (j = 0; j < AM_CAP_TEXTLEN; j++)
			text[j] = digits[prng() % (sizeof(digits) - 1)];
		text[12] = ':';
		text[19] = ':';
		text[22] = ':';
		text[AM_CAP_TEXTLEN] = '\0';
		assert_int_equal(am_cap_parse(text, &cap, NULL), STD_OK);
		assert_int_equal(am_cap_format(&cap, out, sizeof(out)),
				 AM_CAP_TEXTLEN);
		for (j = 0; j < AM_CAP_TEXTLEN; j++)
			text[j] = (char)tolower((unsigned char)text[j]);
		assert_string_equal(out, text);
	}
}

static void test_cap_text_fields(void **state)
{
	struct am_cap cap, back;
	char text[AM_CAP_TEXTLEN + 1];

	(void)state;
	make_cap(&cap, 0x0f);
	assert_int_equal(am_cap_format(&cap, text, sizeof(text)),
			 AM_CAP_TEXTLEN);
	assert_string_equal(text, "102030405060:123456:0f:85c9d5ca4ea2");
	assert_int_equal(am_cap_parse("AbCdEf012345:00ff01:80:000000000001",
				      &back, NULL), STD_OK);
	assert_int_equal(back.cap_port.p[0], 0xab);
	assert_int_equal(back.cap_port.p[5], 0x45);
	assert_int_equal(am_priv_object(&back.cap_priv), 0x00ff01);
	assert_int_equal(back.cap_priv.prv_object[0], 0x01);
	assert_int_equal(back.cap_priv.prv_object[2], 0x00);
	assert_int_equal(back.cap_priv.prv_rights, 0x80);
	assert_int_equal(back.cap_priv.prv_random.p[5], 0x01);
}

static void test_format_buffer(void **state)
{
	char buf[AM_CAP_TEXTLEN + 2];
	struct am_cap cap;

	(void)state;
	make_cap(&cap, 0x01);
	memset(buf, '#', sizeof(buf));
	assert_int_equal(am_cap_format(&cap, buf, AM_CAP_TEXTLEN), -1);
	assert_int_equal(am_cap_format(&cap, buf, 0), -1);
	assert_int_equal(am_cap_format(&cap, buf, AM_CAP_TEXTLEN + 1),
			 AM_CAP_TEXTLEN);
	assert_int_equal(buf[AM_CAP_TEXTLEN], '\0');
	assert_int_equal(buf[AM_CAP_TEXTLEN + 1], '#');

	memset(buf, '#', sizeof(buf));
	assert_int_equal(am_port_format(&cap.cap_port, buf, AM_PORT_TEXTLEN),
			 -1);
	assert_int_equal(am_port_format(&cap.cap_port, buf,
					AM_PORT_TEXTLEN + 1), AM_PORT_TEXTLEN);
	assert_string_equal(buf, "102030405060");
	assert_int_equal(buf[AM_PORT_TEXTLEN + 1], '#');
}

struct bad_text {
	const char	*text;
	size_t		pos;
	const char	*msg;
};

#define P_DIGIT		"expected a hexadecimal digit in the port"
#define O_DIGIT		"expected a hexadecimal digit in the object number"
#define R_DIGIT		"expected a hexadecimal digit in the rights"
#define C_DIGIT		"expected a hexadecimal digit in the check"
#define P_SHORT		"the text ends before the port is complete"
#define O_SHORT		"the text ends before the object number is complete"
#define R_SHORT		"the text ends before the rights are complete"
#define C_SHORT		"the text ends before the check is complete"
#define P_COLON		"expected ':' after the port"
#define O_COLON		"expected ':' after the object number"
#define R_COLON		"expected ':' after the rights"
#define C_AFTER		"unexpected text after the check"

static const struct bad_text bad_caps[] = {
	/* Short at each field, and long. */
	{ "", 0, P_SHORT },
	{ "0123456789a", 11, P_SHORT },
	{ "0123456789ab", 12, P_COLON },
	{ "0123456789ab:", 13, O_SHORT },
	{ "0123456789ab:12345", 18, O_SHORT },
	{ "0123456789ab:123456", 19, O_COLON },
	{ "0123456789ab:123456:", 20, R_SHORT },
	{ "0123456789ab:123456:f", 21, R_SHORT },
	{ "0123456789ab:123456:ff", 22, R_COLON },
	{ "0123456789ab:123456:ff:", 23, C_SHORT },
	{ "0123456789ab:123456:ff:0123456789a", 34, C_SHORT },
	{ "0123456789ab:123456:ff:0123456789abc", 35, C_AFTER },
	{ "0123456789ab:123456:ff:0123456789ab:", 35, C_AFTER },
	/* A bad character in each field. */
	{ "g123456789ab:123456:ff:0123456789ab", 0, P_DIGIT },
	{ "01234-6789ab:123456:ff:0123456789ab", 5, P_DIGIT },
	{ "0123456789aG:123456:ff:0123456789ab", 11, P_DIGIT },
	{ "0123456789ab:x23456:ff:0123456789ab", 13, O_DIGIT },
	{ "0123456789ab:12345z:ff:0123456789ab", 18, O_DIGIT },
	{ "0123456789ab:123456:zf:0123456789ab", 20, R_DIGIT },
	{ "0123456789ab:123456:f\xff:0123456789ab", 21, R_DIGIT },
	{ "0123456789ab:123456:ff:q123456789ab", 23, C_DIGIT },
	{ "0123456789ab:123456:ff:0123456789a@", 34, C_DIGIT },
	/* Missing, misplaced and wrong separators. */
	{ "0123456789ab123456:ff:0123456789ab", 12, P_COLON },
	{ "0123456789ab:123456ff:0123456789ab", 19, O_COLON },
	{ "0123456789ab:123456:ff0123456789ab", 22, R_COLON },
	{ "0123456789a:b123456:ff:0123456789ab", 11, P_DIGIT },
	{ "0123456789ab:12345:6ff:0123456789ab", 18, O_DIGIT },
	{ "0123456789ab:123456:f:f0123456789ab", 21, R_DIGIT },
	{ "0123456789ab;123456:ff:0123456789ab", 12, P_COLON },
	{ "0123456789ab::123456:ff:0123456789ab", 13, O_DIGIT },
	/* Whitespace and prefixes. */
	{ " 0123456789ab:123456:ff:0123456789ab", 0, P_DIGIT },
	{ "0123456789ab:123456:ff:0123456789ab ", 35, C_AFTER },
	{ "0123456789ab:123456:ff:0123456789ab\n", 35, C_AFTER },
	{ "0123456789ab: 23456:ff:0123456789ab", 13, O_DIGIT },
	{ "0123456789ab:123456:ff:\t123456789ab", 23, C_DIGIT },
	{ "0x0123456789ab:123456:ff:0123456789ab", 1, P_DIGIT },
};

/* Fails naming the case, since the table's line says nothing about it. */
static void check_bad(const char *table, size_t i, const struct bad_text *b,
		      int ret, const struct am_parse_err *err, int same)
{
	if (ret != STD_ARGBAD || err->pos != b->pos || !err->msg ||
	    strcmp(err->msg, b->msg) || !same)
		fail_msg("%s[%zu]: ret %d pos %zu msg \"%s\"%s", table, i,
			 ret, err->pos, err->msg ? err->msg : "(null)",
			 same ? "" : ", output changed");
}

static void test_cap_parse_errors(void **state)
{
	struct am_cap cap, pattern;
	struct am_parse_err err;
	size_t i;
	int ret;

	(void)state;
	memset(&pattern, 0xa5, sizeof(pattern));
	for (i = 0; i < ARRAY_SIZE(bad_caps); i++) {
		cap = pattern;
		err.pos = 9999;
		err.msg = NULL;
		ret = am_cap_parse(bad_caps[i].text, &cap, &err);
		check_bad("bad_caps", i, &bad_caps[i], ret, &err,
			  !memcmp(&cap, &pattern, sizeof(cap)));
		assert_int_equal(am_cap_parse(bad_caps[i].text, &cap, NULL),
				 STD_ARGBAD);
		assert_memory_equal(&cap, &pattern, sizeof(cap));
	}

	cap = pattern;
	err.pos = 9999;
	err.msg = NULL;
	assert_int_equal(am_cap_parse(NULL, &cap, &err), STD_ARGBAD);
	assert_int_equal(err.pos, 0);
	assert_non_null(err.msg);
	assert_memory_equal(&cap, &pattern, sizeof(cap));
}

static const struct bad_text bad_ports[] = {
	{ "", 0, P_SHORT },
	{ "0123456789a", 11, P_SHORT },
	{ "0123456789abc", 12, "unexpected text after the port" },
	{ "0123456789ab:", 12, "unexpected text after the port" },
	{ "0123456789ab ", 12, "unexpected text after the port" },
	{ " 0123456789ab", 0, P_DIGIT },
	{ "012345g789ab", 6, P_DIGIT },
	{ "0123456789aX", 11, P_DIGIT },
};

static void test_port_text(void **state)
{
	char text[AM_PORT_TEXTLEN + 1];
	struct am_port port, back, pattern;
	struct am_parse_err err;
	size_t i;
	int ret;

	(void)state;
	for (i = 0; i < 100; i++) {
		prng_bytes(port.p, AM_PORTSIZE);
		assert_int_equal(am_port_format(&port, text, sizeof(text)),
				 AM_PORT_TEXTLEN);
		assert_int_equal(am_port_parse(text, &back, NULL), STD_OK);
		assert_true(am_port_eq(&back, &port));
		to_upper(text);
		memset(&back, 0, sizeof(back));
		assert_int_equal(am_port_parse(text, &back, NULL), STD_OK);
		assert_true(am_port_eq(&back, &port));
	}

	memset(&pattern, 0xa5, sizeof(pattern));
	for (i = 0; i < ARRAY_SIZE(bad_ports); i++) {
		port = pattern;
		err.pos = 9999;
		err.msg = NULL;
		ret = am_port_parse(bad_ports[i].text, &port, &err);
		check_bad("bad_ports", i, &bad_ports[i], ret, &err,
			  !memcmp(&port, &pattern, sizeof(port)));
	}
	port = pattern;
	assert_int_equal(am_port_parse(NULL, &port, &err), STD_ARGBAD);
	assert_int_equal(err.pos, 0);
	assert_memory_equal(&port, &pattern, sizeof(port));
}

static void test_port_null_eq(void **state)
{
	struct am_port a = { { 0 } }, b = { { 0 } };

	(void)state;
	assert_true(am_port_null(&a));
	assert_true(am_port_eq(&a, &b));
	b.p[5] = 1;
	assert_false(am_port_null(&b));
	assert_false(am_port_eq(&a, &b));
	a.p[5] = 1;
	assert_true(am_port_eq(&a, &b));
}

/* Every single-bit change of the check field or the rights is caught. */
static void check_forgery(uint8_t rights)
{
	struct am_priv priv, forged;
	uint8_t got;
	int bit;

	assert_int_equal(am_priv_encode(&priv, 42, rights, &test_secret),
			 STD_OK);
	assert_int_equal(am_priv_decode(&priv, &test_secret, &got), STD_OK);
	assert_int_equal(got, rights);

	for (bit = 0; bit < 48; bit++) {
		forged = priv;
		forged.prv_random.p[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		got = 0x5a;
		assert_int_equal(am_priv_decode(&forged, &test_secret, &got),
				 STD_CAPBAD);
		assert_int_equal(got, 0x5a);
	}
	for (bit = 0; bit < 8; bit++) {
		forged = priv;
		forged.prv_rights ^= (uint8_t)(1u << bit);
		got = 0x5a;
		assert_int_equal(am_priv_decode(&forged, &test_secret, &got),
				 STD_CAPBAD);
		assert_int_equal(got, 0x5a);
	}
}

static void test_forgery_owner(void **state)
{
	(void)state;
	check_forgery(AM_RIGHTS_ALL);
}

static void test_forgery_restricted(void **state)
{
	(void)state;
	check_forgery(0x03);
}

static void test_wrong_secret(void **state)
{
	struct am_port other = test_secret;
	struct am_priv priv;
	uint8_t got = 0x5a;

	(void)state;
	other.p[5] ^= 0x80;
	assert_int_equal(am_priv_encode(&priv, 1, 0x03, &test_secret), STD_OK);
	assert_int_equal(am_priv_decode(&priv, &other, &got), STD_CAPBAD);
	assert_int_equal(am_priv_encode(&priv, 1, AM_RIGHTS_ALL, &test_secret),
			 STD_OK);
	assert_int_equal(am_priv_decode(&priv, &other, &got), STD_CAPBAD);
	assert_int_equal(got, 0x5a);
}

/* No superset of a capability's rights goes with its check field. */
static void test_no_amplification(void **state)
{
	static const uint8_t restricted[] = { 0x00, 0x01, 0x03, 0x0f, 0x7f,
					      0xfe, 0xa5 };
	struct am_cap cap, forged, out, pattern;
	uint8_t got;
	size_t i;
	unsigned int s;

	(void)state;
	memset(&pattern, 0xc3, sizeof(pattern));
	for (i = 0; i < ARRAY_SIZE(restricted); i++) {
		make_cap(&cap, restricted[i]);
		for (s = 0; s <= 0xff; s++) {
			if ((s & restricted[i]) != restricted[i] ||
			    s == restricted[i])
				continue;
			forged = cap;
			forged.cap_priv.prv_rights = (uint8_t)s;
			assert_int_equal(am_priv_decode(&forged.cap_priv,
							&test_secret, &got),
					 STD_CAPBAD);
		}
		out = pattern;
		assert_int_equal(am_cap_restrict_owner(&cap, 0xff, &out),
				 STD_DENIED);
		assert_memory_equal(&out, &pattern, sizeof(out));
	}
}

static void test_restrict_owner(void **state)
{
	struct am_cap owner, out;
	uint8_t got;
	unsigned int m;

	(void)state;
	make_cap(&owner, AM_RIGHTS_ALL);
	for (m = 0; m <= 0xff; m++) {
		memset(&out, 0x3c, sizeof(out));
		assert_int_equal(am_cap_restrict_owner(&owner, (uint8_t)m,
						       &out), STD_OK);
		assert_int_equal(out.cap_priv.prv_rights, 0xff & m);
		assert_true(am_port_eq(&out.cap_port, &owner.cap_port));
		assert_int_equal(am_priv_object(&out.cap_priv),
				 am_priv_object(&owner.cap_priv));
		assert_int_equal(am_priv_decode(&out.cap_priv, &test_secret,
						&got), STD_OK);
		assert_int_equal(got, m);
		assert_int_equal(got & ~owner.cap_priv.prv_rights, 0);
		if (m != 0xff)
			assert_int_not_equal(am_cap_restrict_owner(&out, 0xff,
								   &out),
					     STD_OK);
	}
	assert_int_equal(am_cap_restrict_owner(&owner, 0xff, &out), STD_OK);
	assert_memory_equal(&out, &owner, sizeof(out));

	/* In place. */
	out = owner;
	assert_int_equal(am_cap_restrict_owner(&out, 0x06, &out), STD_OK);
	assert_int_equal(am_priv_decode(&out.cap_priv, &test_secret, &got),
			 STD_OK);
	assert_int_equal(got, 0x06);
}

static void test_object_number(void **state)
{
	struct am_priv priv, pattern;
	uint32_t obj;
	int i;

	(void)state;
	memset(&pattern, 0x99, sizeof(pattern));
	priv = pattern;
	assert_int_equal(am_priv_encode(&priv, AM_OBJ_MAX + 1, 0x01,
					&test_secret), STD_ARGBAD);
	assert_memory_equal(&priv, &pattern, sizeof(priv));
	assert_int_equal(am_priv_encode(&priv, 0xffffffffu, 0x01,
					&test_secret), STD_ARGBAD);
	assert_memory_equal(&priv, &pattern, sizeof(priv));

	assert_int_equal(am_priv_encode(&priv, AM_OBJ_MAX, 0x01,
					&test_secret), STD_OK);
	assert_int_equal(am_priv_object(&priv), 0xffffff);

	assert_int_equal(am_priv_encode(&priv, 0x123456, 0x01, &test_secret),
			 STD_OK);
	assert_int_equal(priv.prv_object[0], 0x56);
	assert_int_equal(priv.prv_object[1], 0x34);
	assert_int_equal(priv.prv_object[2], 0x12);
	assert_int_equal(am_priv_object(&priv), 0x123456);

	for (i = 0; i < 200; i++) {
		obj = (uint32_t)prng() & AM_OBJ_MAX;
		assert_int_equal(am_priv_encode(&priv, obj, (uint8_t)i,
						&test_secret), STD_OK);
		assert_int_equal(am_priv_object(&priv), obj);
	}
}

static void test_port_random(void **state)
{
	struct am_port ports[16];
	int i, j;

	(void)state;
	for (i = 0; i < 16; i++) {
		assert_int_equal(am_port_random(&ports[i]), 0);
		assert_false(am_port_null(&ports[i]));
		for (j = 0; j < i; j++)
			assert_false(am_port_eq(&ports[i], &ports[j]));
	}
}

#define CODE(c)	{ c, #c }

static const struct {
	errstat		code;
	const char	*name;
} all_codes[] = {
	CODE(STD_OK), CODE(RPC_FAILURE), CODE(RPC_NOTFOUND),
	CODE(RPC_BADADDRESS), CODE(RPC_ABORTED), CODE(RPC_TRYAGAIN),
	CODE(RPC_COMBAD), CODE(RPC_REMOTERPC), CODE(RPC_BADPORT),
	CODE(RPC_UNSAFE), CODE(STD_CAPBAD), CODE(STD_COMBAD),
	CODE(STD_ARGBAD), CODE(STD_NOTNOW), CODE(STD_NOSPACE),
	CODE(STD_DENIED), CODE(STD_NOMEM), CODE(STD_EXISTS),
	CODE(STD_NOTFOUND), CODE(STD_SYSERR), CODE(STD_INTR),
	CODE(STD_OVERFLOW), CODE(STD_WRITEPROT), CODE(STD_NOMEDIUM),
};

static void test_err_known(void **state)
{
	size_t i, j;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(all_codes); i++) {
		errstat c = all_codes[i].code;

		assert_non_null(err_name(c));
		assert_string_equal(err_name(c), all_codes[i].name);
		assert_non_null(err_why(c));
		assert_null(strstr(err_why(c), "unknown"));
		for (j = 0; j < i; j++) {
			assert_string_not_equal(err_name(c),
						err_name(all_codes[j].code));
			assert_string_not_equal(err_why(c),
						err_why(all_codes[j].code));
		}
	}
	assert_string_equal(err_why(STD_OK), "ok");
	assert_string_equal(err_why(STD_CAPBAD), "capability bad");
	assert_string_equal(err_why(RPC_NOTFOUND), "server not found");
}

static void test_err_unknown(void **state)
{
	static const errstat unknown[] = { 1, -10, -999, -1014, -12345,
					   INT32_MIN };
	char num[16];
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(unknown); i++) {
		snprintf(num, sizeof(num), "%d", (int)unknown[i]);
		assert_null(err_name(unknown[i]));
		assert_non_null(err_why(unknown[i]));
		assert_non_null(strstr(err_why(unknown[i]), "unknown"));
		assert_non_null(strstr(err_why(unknown[i]), num));
	}
}

static void *other_thread(void *arg)
{
	(void)arg;
	return (void *)err_why(-888);
}

/* Each thread has its own buffer for unknown codes. */
static void test_err_why_thread(void **state)
{
	const char *mine, *theirs;
	pthread_t t;
	void *ret;

	(void)state;
	mine = err_why(-777);
	assert_int_equal(pthread_create(&t, NULL, other_thread, NULL), 0);
	assert_int_equal(pthread_join(t, &ret), 0);
	theirs = ret;
	assert_ptr_not_equal(mine, theirs);
	assert_string_equal(mine, "unknown error -777");
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_fbox_known),
	cmocka_unit_test(test_check_known),
	cmocka_unit_test(test_cap_text_round_trip),
	cmocka_unit_test(test_cap_text_mixed_case),
	cmocka_unit_test(test_cap_text_fields),
	cmocka_unit_test(test_format_buffer),
	cmocka_unit_test(test_cap_parse_errors),
	cmocka_unit_test(test_port_text),
	cmocka_unit_test(test_port_null_eq),
	cmocka_unit_test(test_forgery_owner),
	cmocka_unit_test(test_forgery_restricted),
	cmocka_unit_test(test_wrong_secret),
	cmocka_unit_test(test_no_amplification),
	cmocka_unit_test(test_restrict_owner),
	cmocka_unit_test(test_object_number),
	cmocka_unit_test(test_port_random),
	cmocka_unit_test(test_err_known),
	cmocka_unit_test(test_err_unknown),
	cmocka_unit_test(test_err_why_thread),
};

int main(void)
{
	cmocka_set_message_output(CM_OUTPUT_TAP);
	/* The count of failed tests: non-zero fails the run. */
	return cmocka_run_group_tests_name("cap", tests, NULL, NULL);
}
