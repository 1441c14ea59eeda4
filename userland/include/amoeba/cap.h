/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Capabilities: the 128-bit names of Amoeba objects, their text form, and
 * the check field that protects them.
 *
 * A capability is (put-port, object, rights, check).  The service keeps a
 * secret random check R for each object.  An owner capability (all rights,
 * 0xff) carries R itself; one with rights r carries F(R with r xored into
 * its first byte), F being the one-way function below, so that nobody can
 * add rights without knowing R.  All comparisons of check fields take
 * constant time.
 */
#ifndef AMOEBA_CAP_H
#define AMOEBA_CAP_H

#include <stddef.h>
#include <stdint.h>
#include <linux/amoeba.h>

#ifdef __cplusplus
extern "C" {
#endif

#define AM_RIGHTS_ALL	0xffu
#define AM_OBJ_MAX	0xffffffu	/* object numbers are 24 bits */

/* Generic rights bits, as in Amoeba's stdrights.h. */
#define AM_RGT_CREATE	0x01u
#define AM_RGT_READ	0x02u
#define AM_RGT_MODIFY	0x04u
#define AM_RGT_DELETE	0x08u

/*
 * Text form: "PPPPPPPPPPPP:OOOOOO:RR:CCCCCCCCCCCC", port, object, rights
 * and check in hexadecimal, most significant digit first, 35 characters.
 * am_cap_format() writes lower case; am_cap_parse() takes either case.
 */
#define AM_CAP_TEXTLEN	35
#define AM_PORT_TEXTLEN	12

/* Where and why parsing failed: @pos counts characters from 0. */
struct am_parse_err {
	size_t		pos;
	const char	*msg;		/* static English text */
};

/*
 * Writes AM_CAP_TEXTLEN characters and a NUL and returns AM_CAP_TEXTLEN,
 * or -1 if @len is not larger than that (am_port_format: the same with
 * AM_PORT_TEXTLEN).
 */
int am_cap_format(const struct am_cap *cap, char *buf, size_t len);
/* 0, or STD_ARGBAD with *err (if not NULL) naming the position. */
int am_cap_parse(const char *text, struct am_cap *cap,
		 struct am_parse_err *err);

int am_port_format(const struct am_port *port, char *buf, size_t len);
int am_port_parse(const char *text, struct am_port *port,
		  struct am_parse_err *err);

int am_port_null(const struct am_port *port);
int am_port_eq(const struct am_port *a, const struct am_port *b);

/* A fresh random port (never null) from the system's CSPRNG: 0 or -errno. */
int am_port_random(struct am_port *port);

/*
 * The one-way function F: the first 48 bits of SHA-256 of the port.  The
 * null port maps to itself and no other port maps to it.  The F-box
 * (put-port = F(get-port)) is the same function, as in Amoeba.
 */
void am_oneway(const struct am_port *in, struct am_port *out);
void am_fbox(const struct am_port *getport, struct am_port *putport);

/* Object number of a private part (24 bits, stored low byte first). */
uint32_t am_priv_object(const struct am_priv *priv);

/*
 * Fill @priv for @object with @rights under the object's secret @check.
 * STD_OK, or STD_ARGBAD if @object exceeds AM_OBJ_MAX.
 */
int am_priv_encode(struct am_priv *priv, uint32_t object, uint8_t rights,
		   const struct am_port *check);
/*
 * Validate @priv against the object's secret @check, in constant time:
 * STD_OK with *rights set, or STD_CAPBAD.
 */
int am_priv_decode(const struct am_priv *priv, const struct am_port *check,
		   uint8_t *rights);

/*
 * Restrict an owner capability locally (only an owner capability carries
 * R, so only it can): @out gets rights & @mask.  STD_OK, or STD_DENIED if
 * @cap is not an owner capability (ask its service: std_restrict()).
 */
int am_cap_restrict_owner(const struct am_cap *cap, uint8_t mask,
			  struct am_cap *out);

#ifdef __cplusplus
}
#endif

#endif /* AMOEBA_CAP_H */
