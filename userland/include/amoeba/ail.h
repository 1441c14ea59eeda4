/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the stubs that ail(1) generates stand on: the encoders and
 * decoders of the wire format of Documentation/ail.rst (big-endian, no
 * padding), and the context a server stub gives an operation.
 *
 * The codecs keep a sticky error: once a value does not fit, every later
 * call is a no-op and the stub checks once at the end.  So a hostile
 * request costs at most its own length in work and never reads or
 * writes outside its buffer.
 */
#ifndef AMOEBA_AIL_H
#define AMOEBA_AIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <amoeba/cap.h>
#include <amoeba/err.h>
#include <amoeba/objtab.h>
#include <amoeba/rpc.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * The service a generated server stub answers for.  With @tab, the stub
 * looks up the object each request's capability names and checks the
 * rights the operation declares before calling it; without, it checks
 * nothing and the operation must.
 */
struct am_service {
	struct am_objtab	*tab;
	/* std_info's text for an object's @data (NULL: "object N") */
	size_t	(*info)(void *data, char *buf, size_t len, void *arg);
	/* std_status's text (NULL: "objects: N") */
	size_t	(*status)(char *buf, size_t len, void *arg);
	void			*arg;	/* the service's own */
};

/* One request, as the operation that serves it sees it. */
struct am_call {
	const struct am_service	*svc;
	const struct am_hdr	*hdr;	/* the request's header */
	void			*obj;	/* the object's data (with a tab) */
	uint8_t			rights;	/* what the capability grants */
	bool			held;	/* a reference to give back */
};

/*
 * Look up the capability of @hdr in svc->tab needing @need rights (STD_OK,
 * STD_CAPBAD or STD_DENIED); and give the object back after the call.
 */
errstat am_call_begin(struct am_call *call, const struct am_service *svc,
		      const struct am_hdr *hdr, uint8_t need);
void am_call_end(struct am_call *call);

/* Make @hdr the reply header of a reply with status @err and no data. */
static inline size_t am_reply_status(struct am_hdr *hdr, errstat err)
{
	hdr->h_status = (int16_t)err;
	hdr->h_offset = 0;
	hdr->h_size = 0;
	hdr->h_extra = 0;
	return 0;
}

/* A request header for @command on the object of @cap. */
static inline void am_hdr_init(struct am_hdr *hdr, const struct am_cap *cap,
			       uint16_t command)
{
	memset(hdr, 0, sizeof(*hdr));
	hdr->h_port = cap->cap_port;
	hdr->h_priv = cap->cap_priv;
	hdr->h_command = command;
}

/* Whether a header field's value @v fits the parameter's range. */
static inline bool am_hdr_fits(int64_t v, int64_t lo, int64_t hi)
{
	return v >= lo && v <= hi;
}

struct am_enc {
	uint8_t		*p;
	size_t		len;
	size_t		pos;
	bool		bad;
};

struct am_dec {
	const uint8_t	*p;
	size_t		len;
	size_t		pos;
	bool		bad;
};

static inline void am_enc_init(struct am_enc *e, void *buf, size_t len)
{
	e->p = (uint8_t *)buf;
	e->len = len;
	e->pos = 0;
	e->bad = false;
}

/* The next @n bytes to write, or NULL (and the encoder bad). */
static inline uint8_t *am_enc_room(struct am_enc *e, size_t n)
{
	uint8_t *p;

	if (e->bad || n > e->len - e->pos) {
		e->bad = true;
		return NULL;
	}
	p = e->p + e->pos;
	e->pos += n;
	return p;
}

static inline void am_enc_u8(struct am_enc *e, uint8_t v)
{
	uint8_t *p = am_enc_room(e, 1);

	if (p)
		p[0] = v;
}

static inline void am_enc_u16(struct am_enc *e, uint16_t v)
{
	uint8_t *p = am_enc_room(e, 2);

	if (p) {
		p[0] = (uint8_t)(v >> 8);
		p[1] = (uint8_t)v;
	}
}

static inline void am_enc_u32(struct am_enc *e, uint32_t v)
{
	uint8_t *p = am_enc_room(e, 4);

	if (p) {
		p[0] = (uint8_t)(v >> 24);
		p[1] = (uint8_t)(v >> 16);
		p[2] = (uint8_t)(v >> 8);
		p[3] = (uint8_t)v;
	}
}

static inline void am_enc_u64(struct am_enc *e, uint64_t v)
{
	am_enc_u32(e, (uint32_t)(v >> 32));
	am_enc_u32(e, (uint32_t)v);
}

static inline void am_enc_f32(struct am_enc *e, float v)
{
	uint32_t u;

	memcpy(&u, &v, sizeof(u));
	am_enc_u32(e, u);
}

static inline void am_enc_f64(struct am_enc *e, double v)
{
	uint64_t u;

	memcpy(&u, &v, sizeof(u));
	am_enc_u64(e, u);
}

static inline void am_enc_bytes(struct am_enc *e, const void *src, size_t n)
{
	uint8_t *p = am_enc_room(e, n);

	if (p && n)
		memcpy(p, src, n);
}

/* A capability travels as its 16 bytes, already in network order. */
static inline void am_enc_cap(struct am_enc *e, const struct am_cap *cap)
{
	am_enc_bytes(e, cap, sizeof(*cap));
}

/* An array's count @n, checked against its bound @max. */
static inline uint32_t am_enc_count(struct am_enc *e, int64_t n, uint32_t max)
{
	if (n < 0 || n > (int64_t)max) {
		e->bad = true;
		return 0;
	}
	return (uint32_t)n;
}

/* A string: at most @max bytes before its NUL, sent without it. */
static inline void am_enc_string(struct am_enc *e, const char *s,
				 uint32_t max)
{
	size_t n = strnlen(s, (size_t)max + 1);

	if (n > max) {
		e->bad = true;
		return;
	}
	am_enc_u32(e, (uint32_t)n);
	am_enc_bytes(e, s, n);
}

/*
 * @n bytes an operation already wrote in place at @at: they must be
 * where the encoder stands.
 */
static inline void am_enc_in_place(struct am_enc *e, const void *at, size_t n)
{
	if (!e->bad && (const uint8_t *)at != e->p + e->pos)
		e->bad = true;
	am_enc_room(e, n);
}

static inline void am_dec_init(struct am_dec *d, const void *buf, size_t len)
{
	d->p = (const uint8_t *)buf;
	d->len = buf ? len : 0;
	d->pos = 0;
	d->bad = false;
}

/* The next @n bytes to read, or NULL (and the decoder bad). */
static inline const uint8_t *am_dec_take(struct am_dec *d, size_t n)
{
	const uint8_t *p;

	if (d->bad || n > d->len - d->pos) {
		d->bad = true;
		return NULL;
	}
	p = d->p + d->pos;
	d->pos += n;
	return p;
}

static inline uint8_t am_dec_u8(struct am_dec *d)
{
	const uint8_t *p = am_dec_take(d, 1);

	return p ? p[0] : 0;
}

static inline uint16_t am_dec_u16(struct am_dec *d)
{
	const uint8_t *p = am_dec_take(d, 2);

	return p ? (uint16_t)(p[0] << 8 | p[1]) : 0;
}

static inline uint32_t am_dec_u32(struct am_dec *d)
{
	const uint8_t *p = am_dec_take(d, 4);

	return p ? (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
		   (uint32_t)p[2] << 8 | p[3] : 0;
}

static inline uint64_t am_dec_u64(struct am_dec *d)
{
	uint64_t hi = am_dec_u32(d);

	return hi << 32 | am_dec_u32(d);
}

static inline float am_dec_f32(struct am_dec *d)
{
	uint32_t u = am_dec_u32(d);
	float v;

	memcpy(&v, &u, sizeof(v));
	return v;
}

static inline double am_dec_f64(struct am_dec *d)
{
	uint64_t u = am_dec_u64(d);
	double v;

	memcpy(&v, &u, sizeof(v));
	return v;
}

/* A bool is 0 or 1 on the wire; anything else is a bad message. */
static inline bool am_dec_bool(struct am_dec *d)
{
	uint8_t v = am_dec_u8(d);

	if (v > 1)
		d->bad = true;
	return v == 1;
}

static inline void am_dec_bytes(struct am_dec *d, void *dst, size_t n)
{
	const uint8_t *p = am_dec_take(d, n);

	if (p && n)
		memcpy(dst, p, n);
}

static inline void am_dec_cap(struct am_dec *d, struct am_cap *cap)
{
	am_dec_bytes(d, cap, sizeof(*cap));
}

/*
 * An array's count @n, checked against its bound @max and against what
 * is left: each element takes at least @elem bytes, so a count the
 * message cannot hold fails at once rather than after @n empty reads.
 */
static inline uint32_t am_dec_count(struct am_dec *d, int64_t n, uint32_t max,
				    uint32_t elem)
{
	if (d->bad || n < 0 || n > (int64_t)max ||
	    (uint64_t)n * elem > d->len - d->pos) {
		d->bad = true;
		return 0;
	}
	return (uint32_t)n;
}

/* The count in front of an array NAME[:max], checked as am_dec_count. */
static inline uint32_t am_dec_len(struct am_dec *d, uint32_t max,
				  uint32_t elem)
{
	return am_dec_count(d, am_dec_u32(d), max, elem);
}

/* A string of at most @max bytes into @s (room @max + 1), NUL added. */
static inline void am_dec_string(struct am_dec *d, char *s, uint32_t max)
{
	uint32_t n = am_dec_len(d, max, 1);
	const uint8_t *p = am_dec_take(d, n);

	/* A NUL inside would cut the text short without saying so. */
	if (p && memchr(p, '\0', n))
		d->bad = true;
	if (p && !d->bad)
		memcpy(s, p, n);
	s[d->bad ? 0 : n] = '\0';
}

/* Whether the whole message decoded, and nothing is left over. */
static inline bool am_dec_done(const struct am_dec *d)
{
	return !d->bad && d->pos == d->len;
}

#ifdef __cplusplus
}
#endif

#endif /* AMOEBA_AIL_H */
