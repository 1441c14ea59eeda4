// SPDX-License-Identifier: GPL-2.0
/*
 * Capabilities: their text form, the one-way function F that is also the
 * F-box, and the check fields that stop holders from adding rights.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
/*
 * The one-shot EVP_Digest() of OpenSSL 3 goes through the provider
 * framework, which puts dlopen and the resolver into every static binary
 * (5 MB each, and link warnings); the plain SHA-256 functions are
 * deprecated but maintained and cost a few kilobytes.
 */
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/crypto.h>
#include <openssl/sha.h>
#include <amoeba/cap.h>

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/*
 * One hexadecimal field of a text form and what to say when it is wrong.
 * @sep is the character that must follow it: ':' or, for the last, NUL.
 */
struct hex_field {
	unsigned int	ndigits;
	char		sep;
	const char	*bad_digit;
	const char	*too_short;
	const char	*bad_sep;
};

static const struct hex_field cap_fields[] = {
	{ 12, ':', "expected a hexadecimal digit in the port",
	  "the text ends before the port is complete",
	  "expected ':' after the port" },
	{ 6, ':', "expected a hexadecimal digit in the object number",
	  "the text ends before the object number is complete",
	  "expected ':' after the object number" },
	{ 2, ':', "expected a hexadecimal digit in the rights",
	  "the text ends before the rights are complete",
	  "expected ':' after the rights" },
	{ 12, '\0', "expected a hexadecimal digit in the check",
	  "the text ends before the check is complete",
	  "unexpected text after the check" },
};

static const struct hex_field port_fields[] = {
	{ 12, '\0', "expected a hexadecimal digit in the port",
	  "the text ends before the port is complete",
	  "unexpected text after the port" },
};

/* Bytes of a capability's text form, in text order. */
#define CAP_TEXT_BYTES	(AM_PORTSIZE + 3 + 1 + AM_PORTSIZE)

static const char hex_digits[] = "0123456789abcdef";

/* Not isxdigit(): the text form must not depend on the locale. */
static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static char *put_hex(char *s, const uint8_t *bytes, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		*s++ = hex_digits[bytes[i] >> 4];
		*s++ = hex_digits[bytes[i] & 0xf];
	}
	return s;
}

static int parse_fail(struct am_parse_err *err, size_t pos, const char *msg)
{
	if (err) {
		err->pos = pos;
		err->msg = msg;
	}
	return STD_ARGBAD;
}

/*
 * Reads @nf fields of hexadecimal digits, each followed by its separator,
 * into @bytes, most significant digit first.  The text is scanned one
 * character at a time, so its end (NUL) is found like any other bad
 * character, at the position where something else was expected.
 */
static int parse_hex_fields(const char *text, const struct hex_field *f,
			    size_t nf, uint8_t *bytes,
			    struct am_parse_err *err)
{
	size_t pos = 0;
	size_t i;
	unsigned int d;
	int v;

	if (!text)
		return parse_fail(err, 0, "no text to parse");
	for (i = 0; i < nf; i++, f++) {
		for (d = 0; d < f->ndigits; d++, pos++) {
			if (text[pos] == '\0')
				return parse_fail(err, pos, f->too_short);
			v = hex_value(text[pos]);
			if (v < 0)
				return parse_fail(err, pos, f->bad_digit);
			if (d % 2 == 0)
				*bytes = (uint8_t)(v << 4);
			else
				*bytes++ |= (uint8_t)v;
		}
		if (text[pos] != f->sep)
			return parse_fail(err, pos, f->bad_sep);
		pos++;
	}
	return STD_OK;
}

int am_cap_format(const struct am_cap *cap, char *buf, size_t len)
{
	const struct am_priv *priv;
	uint8_t object[3];
	char *s = buf;

	if (!cap || !buf || len <= AM_CAP_TEXTLEN)
		return -1;
	priv = &cap->cap_priv;
	/* The object is written as a number, not in its stored order. */
	object[0] = priv->prv_object[2];
	object[1] = priv->prv_object[1];
	object[2] = priv->prv_object[0];
	s = put_hex(s, cap->cap_port.p, AM_PORTSIZE);
	*s++ = ':';
	s = put_hex(s, object, sizeof(object));
	*s++ = ':';
	s = put_hex(s, &priv->prv_rights, 1);
	*s++ = ':';
	s = put_hex(s, priv->prv_random.p, AM_PORTSIZE);
	*s = '\0';
	return AM_CAP_TEXTLEN;
}

int am_cap_parse(const char *text, struct am_cap *cap,
		 struct am_parse_err *err)
{
	uint8_t b[CAP_TEXT_BYTES];
	struct am_cap tmp;
	int ret;

	if (!cap)
		return parse_fail(err, 0, "no capability to parse into");
	ret = parse_hex_fields(text, cap_fields, ARRAY_SIZE(cap_fields), b,
			       err);
	if (ret != STD_OK)
		return ret;
	memcpy(tmp.cap_port.p, b, AM_PORTSIZE);
	tmp.cap_priv.prv_object[0] = b[AM_PORTSIZE + 2];
	tmp.cap_priv.prv_object[1] = b[AM_PORTSIZE + 1];
	tmp.cap_priv.prv_object[2] = b[AM_PORTSIZE];
	tmp.cap_priv.prv_rights = b[AM_PORTSIZE + 3];
	memcpy(tmp.cap_priv.prv_random.p, b + AM_PORTSIZE + 4, AM_PORTSIZE);
	*cap = tmp;
	return STD_OK;
}

int am_port_format(const struct am_port *port, char *buf, size_t len)
{
	char *s;

	if (!port || !buf || len <= AM_PORT_TEXTLEN)
		return -1;
	s = put_hex(buf, port->p, AM_PORTSIZE);
	*s = '\0';
	return AM_PORT_TEXTLEN;
}

int am_port_parse(const char *text, struct am_port *port,
		  struct am_parse_err *err)
{
	uint8_t b[AM_PORTSIZE];
	int ret;

	if (!port)
		return parse_fail(err, 0, "no port to parse into");
	ret = parse_hex_fields(text, port_fields, ARRAY_SIZE(port_fields), b,
			       err);
	if (ret != STD_OK)
		return ret;
	memcpy(port->p, b, AM_PORTSIZE);
	return STD_OK;
}

int am_port_null(const struct am_port *port)
{
	static const struct am_port null_port;

	return am_port_eq(port, &null_port);
}

int am_port_eq(const struct am_port *a, const struct am_port *b)
{
	return memcmp(a->p, b->p, AM_PORTSIZE) == 0;
}

int am_port_random(struct am_port *port)
{
	struct am_port tmp;
	size_t got;
	ssize_t n;

	do {
		for (got = 0; got < sizeof(tmp.p); got += (size_t)n) {
			n = getrandom(tmp.p + got, sizeof(tmp.p) - got, 0);
			if (n < 0 && errno == EINTR)
				n = 0;
			else if (n < 0)
				return -errno;
		}
	} while (am_port_null(&tmp));
	*port = tmp;
	return 0;
}

/*
 * Must stay bit for bit the kernel's amoeba_fbox(): a server's put-port is
 * F of the get-port it binds, computed on both sides.  F cannot report
 * failure, and a wrong result would be a wrong put-port or a guessable
 * check field, so a digest that fails aborts.
 */
void am_oneway(const struct am_port *in, struct am_port *out)
{
	unsigned char md[SHA256_DIGEST_LENGTH];
	SHA256_CTX ctx;

	if (am_port_null(in)) {
		memset(out->p, 0, AM_PORTSIZE);
		return;
	}
	if (!SHA256_Init(&ctx) || !SHA256_Update(&ctx, in->p, AM_PORTSIZE) ||
	    !SHA256_Final(md, &ctx))
		abort();
	memcpy(out->p, md, AM_PORTSIZE);
	OPENSSL_cleanse(md, sizeof(md));
	OPENSSL_cleanse(&ctx, sizeof(ctx));
	/* Only the null port may map to the null port. */
	if (am_port_null(out))
		out->p[0] = 1;
}

void am_fbox(const struct am_port *getport, struct am_port *putport)
{
	am_oneway(getport, putport);
}

uint32_t am_priv_object(const struct am_priv *priv)
{
	return (uint32_t)priv->prv_object[0] |
	       (uint32_t)priv->prv_object[1] << 8 |
	       (uint32_t)priv->prv_object[2] << 16;
}

/* The check field a capability with @rights carries for secret @check. */
static void check_field(const struct am_port *check, uint8_t rights,
			struct am_port *out)
{
	struct am_port tmp;

	if (rights == AM_RIGHTS_ALL) {
		*out = *check;
		return;
	}
	tmp = *check;
	tmp.p[0] ^= rights;
	am_oneway(&tmp, out);
	/* tmp is one cheap step from the secret: do not leave it around. */
	OPENSSL_cleanse(&tmp, sizeof(tmp));
}

int am_priv_encode(struct am_priv *priv, uint32_t object, uint8_t rights,
		   const struct am_port *check)
{
	struct am_port field;

	if (object > AM_OBJ_MAX)
		return STD_ARGBAD;
	/* Computed first: @check may be priv's own check field. */
	check_field(check, rights, &field);
	priv->prv_object[0] = (uint8_t)object;
	priv->prv_object[1] = (uint8_t)(object >> 8);
	priv->prv_object[2] = (uint8_t)(object >> 16);
	priv->prv_rights = rights;
	priv->prv_random = field;
	OPENSSL_cleanse(&field, sizeof(field));
	return STD_OK;
}

int am_priv_decode(const struct am_priv *priv, const struct am_port *check,
		   uint8_t *rights)
{
	uint8_t claimed = priv->prv_rights;
	struct am_port want;
	int diff;

	/*
	 * Branching on the claimed rights leaks nothing: they are in the
	 * capability for all to see.  Only the comparison touches the secret.
	 */
	check_field(check, claimed, &want);
	diff = CRYPTO_memcmp(want.p, priv->prv_random.p, AM_PORTSIZE);
	OPENSSL_cleanse(&want, sizeof(want));
	if (diff)
		return STD_CAPBAD;
	*rights = claimed;
	return STD_OK;
}

int am_cap_restrict_owner(const struct am_cap *cap, uint8_t mask,
			  struct am_cap *out)
{
	struct am_port secret;
	struct am_cap tmp;

	if (cap->cap_priv.prv_rights != AM_RIGHTS_ALL)
		return STD_DENIED;
	/* An owner capability's check field is the object's secret. */
	secret = cap->cap_priv.prv_random;
	tmp.cap_port = cap->cap_port;
	am_priv_encode(&tmp.cap_priv, am_priv_object(&cap->cap_priv),
		       AM_RIGHTS_ALL & mask, &secret);
	OPENSSL_cleanse(&secret, sizeof(secret));
	*out = tmp;
	return STD_OK;
}
