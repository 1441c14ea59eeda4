// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the server's object table (objtab.c) and of the server
 * side of the standard commands (std_serve.c): capability checking,
 * forgery, reference counting and release, aging, and the replies, with
 * TAP output for prove.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <amoeba/objtab.h>
#include <amoeba/std.h>

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* Test data: each release must come once, and only once. */
struct rec {
	atomic_int	released;
	atomic_int	in_use;		/* references the test holds */
	int		made;		/* am_obj_create() took it */
};

static atomic_int releases;

static void rec_release(void *data)
{
	struct rec *r = data;

	atomic_fetch_add(&releases, 1);
	if (!r)
		return;
	/* No assertions here: this may run on another thread. */
	atomic_fetch_add(&r->released, 1);
	if (atomic_load(&r->in_use))
		atomic_fetch_add(&r->released, 1000);
}

static const struct am_port test_port = { { 1, 2, 3, 4, 5, 6 } };

static struct am_objtab *tab_new(uint32_t max)
{
	struct am_objtab *tab = am_objtab_new(&test_port, max, rec_release);

	assert_non_null(tab);
	atomic_store(&releases, 0);
	return tab;
}

static struct am_priv make(struct am_objtab *tab, void *data)
{
	struct am_cap cap;

	assert_int_equal(am_obj_create(tab, data, &cap), STD_OK);
	assert_memory_equal(&cap.cap_port, &test_port, sizeof(test_port));
	assert_int_equal(cap.cap_priv.prv_rights, AM_RIGHTS_ALL);
	return cap.cap_priv;
}

static struct am_priv super(struct am_objtab *tab)
{
	struct am_cap cap;

	am_objtab_supercap(tab, &cap);
	assert_memory_equal(&cap.cap_port, &test_port, sizeof(test_port));
	assert_int_equal(am_priv_object(&cap.cap_priv), 0);
	return cap.cap_priv;
}

static struct am_priv narrow(struct am_objtab *tab, struct am_priv priv,
			     uint8_t mask)
{
	struct am_priv out;

	assert_int_equal(am_obj_restrict(tab, &priv, mask, &out), STD_OK);
	assert_int_equal(am_priv_object(&out), am_priv_object(&priv));
	return out;
}

/* The rights @priv grants (it must be valid); no reference is kept. */
static uint8_t rights_of(struct am_objtab *tab, struct am_priv priv)
{
	uint8_t rights = 0;

	assert_int_equal(am_obj_get(tab, &priv, 0, NULL, &rights), STD_OK);
	am_obj_put(tab, &priv);
	return rights;
}

static errstat try_get(struct am_objtab *tab, struct am_priv priv,
		       uint8_t need)
{
	errstat err = am_obj_get(tab, &priv, need, NULL, NULL);

	if (err == STD_OK)
		am_obj_put(tab, &priv);
	return err;
}

static void test_create_get_put(void **state)
{
	struct am_objtab *tab = tab_new(16);
	struct rec r = { 0 };
	struct am_priv p, s;
	uint8_t rights = 0;
	void *data = NULL;

	(void)state;
	assert_int_equal(am_objtab_count(tab), 0);
	p = make(tab, &r);
	assert_int_not_equal(am_priv_object(&p), 0);
	assert_int_equal(am_objtab_count(tab), 1);
	assert_int_equal(am_obj_get(tab, &p, AM_RIGHTS_ALL, &data, &rights),
			 STD_OK);
	assert_ptr_equal(data, &r);
	assert_int_equal(rights, AM_RIGHTS_ALL);
	assert_int_equal(am_obj_get(tab, &p, 0, NULL, NULL), STD_OK);
	am_obj_put(tab, &p);
	am_obj_put(tab, &p);

	s = super(tab);
	data = &r;
	assert_int_equal(am_obj_get(tab, &s, AM_RIGHTS_ALL, &data, &rights),
			 STD_OK);
	assert_null(data);
	assert_int_equal(rights, AM_RIGHTS_ALL);
	am_obj_put(tab, &s);

	/* A put without a get takes nothing away. */
	am_obj_put(tab, &p);
	assert_int_equal(am_obj_get(tab, &p, 0, NULL, NULL), STD_OK);
	am_obj_put(tab, &p);
	/* All references are back: destroying releases at once. */
	assert_int_equal(am_obj_destroy(tab, &p, AM_RGT_DELETE), STD_OK);
	assert_int_equal(atomic_load(&r.released), 1);
	assert_int_equal(am_objtab_count(tab), 0);
	am_objtab_free(tab);
	assert_int_equal(atomic_load(&releases), 1);
}

static void test_missing_right(void **state)
{
	struct am_objtab *tab = tab_new(4);
	struct am_priv p, q;
	struct rec r = { 0 };
	uint8_t bit;
	int i;

	(void)state;
	p = make(tab, &r);
	for (i = 0; i < 8; i++) {
		bit = (uint8_t)(1u << i);
		q = narrow(tab, p, (uint8_t)~bit);
		assert_int_equal(rights_of(tab, q), (uint8_t)~bit);
		assert_int_equal(am_obj_get(tab, &q, bit, NULL, NULL),
				 STD_DENIED);
		assert_int_equal(am_obj_get(tab, &q, AM_RIGHTS_ALL, NULL,
					    NULL), STD_DENIED);
		assert_int_equal(try_get(tab, q, (uint8_t)~bit), STD_OK);
		assert_int_equal(try_get(tab, p, bit), STD_OK);
	}
	/* A refusal keeps no reference: destroying releases at once. */
	assert_int_equal(am_obj_destroy(tab, &p, 0), STD_OK);
	assert_int_equal(atomic_load(&r.released), 1);
	am_objtab_free(tab);
}

static void test_restrict(void **state)
{
	static const uint8_t masks[] = { 0x00, 0x01, 0x0f, 0x5a, 0xa5, 0xfe,
					 0xff, 0x80 };
	struct am_objtab *tab = tab_new(4);
	struct am_priv p, q, q2, fake;
	size_t i, j;

	(void)state;
	p = make(tab, NULL);
	for (i = 0; i < ARRAY_SIZE(masks); i++) {
		q = narrow(tab, p, masks[i]);
		assert_int_equal(q.prv_rights, masks[i]);
		assert_int_equal(rights_of(tab, q), masks[i]);
		/* Asking for everything back gives nothing more. */
		q2 = narrow(tab, q, AM_RIGHTS_ALL);
		assert_int_equal(rights_of(tab, q2), masks[i]);
		for (j = 0; j < ARRAY_SIZE(masks); j++) {
			q2 = narrow(tab, q, masks[j]);
			assert_int_equal(rights_of(tab, q2),
					 masks[i] & masks[j]);
		}
		/* Claiming more rights than the check was made for fails. */
		if (masks[i] != AM_RIGHTS_ALL) {
			fake = q;
			fake.prv_rights = AM_RIGHTS_ALL;
			assert_int_equal(try_get(tab, fake, 0), STD_CAPBAD);
		}
	}
	am_objtab_free(tab);
}

/* Every way to present a forged @p must fail with STD_CAPBAD. */
static void expect_forged(struct am_objtab *tab, struct am_priv f)
{
	struct am_priv out;
	uint8_t rights;
	void *data;

	assert_int_equal(am_obj_get(tab, &f, 0, &data, &rights), STD_CAPBAD);
	assert_int_equal(am_obj_restrict(tab, &f, 0xff, &out), STD_CAPBAD);
	assert_int_equal(am_obj_touch(tab, &f), STD_CAPBAD);
	assert_int_equal(am_obj_destroy(tab, &f, 0), STD_CAPBAD);
	/* A bogus put must not disturb anybody's count. */
	am_obj_put(tab, &f);
}

static void forge_check_and_rights(struct am_objtab *tab, struct am_priv p)
{
	struct am_priv f;
	int i;

	for (i = 0; i < 48; i++) {
		f = p;
		f.prv_random.p[i / 8] ^= (uint8_t)(1u << (i % 8));
		expect_forged(tab, f);
	}
	for (i = 0; i < 8; i++) {
		f = p;
		f.prv_rights ^= (uint8_t)(1u << i);
		expect_forged(tab, f);
	}
}

/* Flip each object number bit; returns how many flips named live ones. */
static int forge_object(struct am_objtab *tab, struct am_priv p,
			uint32_t nlive)
{
	uint32_t obj = am_priv_object(&p);
	struct am_priv f;
	int i, hits = 0;

	for (i = 0; i < 24; i++) {
		f = p;
		f.prv_object[i / 8] ^= (uint8_t)(1u << (i % 8));
		if ((obj ^ (1u << i)) <= nlive)
			hits++;
		expect_forged(tab, f);
	}
	return hits;
}

static void test_forgery(void **state)
{
	struct am_objtab *tab = tab_new(64);
	struct am_priv p[12], s;
	int hits = 0;
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(p); i++)
		p[i] = make(tab, NULL);
	s = super(tab);
	/* Held throughout, so that a bogus put that counted would show. */
	for (i = 0; i < ARRAY_SIZE(p); i++)
		assert_int_equal(am_obj_get(tab, &p[i], 0, NULL, NULL), STD_OK);
	for (i = 0; i < ARRAY_SIZE(p); i++) {
		forge_check_and_rights(tab, p[i]);
		forge_check_and_rights(tab, narrow(tab, p[i], 0x5a));
		hits += forge_object(tab, p[i], ARRAY_SIZE(p));
		hits += forge_object(tab, narrow(tab, p[i], 0x0f),
				     ARRAY_SIZE(p));
	}
	forge_check_and_rights(tab, s);
	hits += forge_object(tab, s, ARRAY_SIZE(p));
	/* Object 1 flips to 0, 3, 5, 9; 2 to 3, 0, 6, 10; and so on. */
	assert_true(hits >= 40);
	/* Nothing was hurt: every object is still there, still held. */
	assert_int_equal(am_objtab_count(tab), ARRAY_SIZE(p));
	for (i = 0; i < ARRAY_SIZE(p); i++) {
		assert_int_equal(try_get(tab, p[i], AM_RIGHTS_ALL), STD_OK);
		assert_int_equal(am_obj_destroy(tab, &p[i], 0), STD_OK);
	}
	assert_int_equal(atomic_load(&releases), 0);
	for (i = 0; i < ARRAY_SIZE(p); i++)
		am_obj_put(tab, &p[i]);
	assert_int_equal(atomic_load(&releases), (int)ARRAY_SIZE(p));
	am_objtab_free(tab);
}

static void test_destroy_reuse(void **state)
{
	struct am_objtab *tab = tab_new(4);
	struct am_priv a, b, ar, ad;

	(void)state;
	a = make(tab, NULL);
	ar = narrow(tab, a, AM_RGT_READ);
	ad = narrow(tab, a, AM_RGT_DELETE);
	assert_int_equal(am_obj_destroy(tab, &ar, AM_RGT_DELETE), STD_DENIED);
	assert_int_equal(try_get(tab, a, 0), STD_OK);
	assert_int_equal(am_obj_destroy(tab, &ad, AM_RGT_DELETE), STD_OK);
	assert_int_equal(try_get(tab, a, 0), STD_CAPBAD);
	assert_int_equal(try_get(tab, ar, 0), STD_CAPBAD);
	assert_int_equal(am_obj_destroy(tab, &a, 0), STD_CAPBAD);
	assert_int_equal(am_obj_touch(tab, &a), STD_CAPBAD);

	/* The number comes back with a new check. */
	b = make(tab, NULL);
	assert_int_equal(am_priv_object(&b), am_priv_object(&a));
	assert_memory_not_equal(&b.prv_random, &a.prv_random,
				sizeof(a.prv_random));
	assert_int_equal(am_obj_get(tab, &b, 0, NULL, NULL), STD_OK);
	expect_forged(tab, a);
	expect_forged(tab, ar);
	expect_forged(tab, ad);
	assert_int_equal(rights_of(tab, b), AM_RIGHTS_ALL);
	/* The stale puts took nothing from b: our reference still holds it. */
	assert_int_equal(am_obj_destroy(tab, &b, 0), STD_OK);
	assert_int_equal(atomic_load(&releases), 1);
	am_obj_put(tab, &b);
	assert_int_equal(atomic_load(&releases), 2);
	am_objtab_free(tab);
	assert_int_equal(atomic_load(&releases), 2);
}

static void test_release_after_put(void **state)
{
	struct am_objtab *tab = tab_new(8);
	struct rec r = { 0 }, r2 = { 0 };
	struct am_priv p, q, p2;

	(void)state;
	p = make(tab, &r);
	q = narrow(tab, p, AM_RGT_READ);
	assert_int_equal(am_obj_get(tab, &p, 0, NULL, NULL), STD_OK);
	assert_int_equal(am_obj_get(tab, &q, AM_RGT_READ, NULL, NULL),
			 STD_OK);
	assert_int_equal(am_obj_destroy(tab, &p, 0), STD_OK);
	assert_int_equal(am_objtab_count(tab), 0);
	assert_int_equal(try_get(tab, p, 0), STD_CAPBAD);
	assert_int_equal(atomic_load(&r.released), 0);

	/* Another object comes and goes meanwhile, and is not confused. */
	p2 = make(tab, &r2);
	am_obj_put(tab, &p);
	assert_int_equal(atomic_load(&r.released), 0);
	assert_int_equal(rights_of(tab, p2), AM_RIGHTS_ALL);
	am_obj_put(tab, &q);
	assert_int_equal(atomic_load(&r.released), 1);
	/* Puts after the release change nothing. */
	am_obj_put(tab, &p);
	am_obj_put(tab, &q);
	assert_int_equal(atomic_load(&r.released), 1);
	assert_int_equal(atomic_load(&r2.released), 0);
	assert_int_equal(am_obj_destroy(tab, &p2, 0), STD_OK);
	assert_int_equal(atomic_load(&r2.released), 1);
	assert_int_equal(atomic_load(&releases), 2);
	am_objtab_free(tab);
	assert_int_equal(atomic_load(&releases), 2);
}

static void test_free_releases(void **state)
{
	struct am_objtab *tab = tab_new(8);
	struct am_priv p[5];
	struct rec r[5];
	size_t i;

	(void)state;
	memset(r, 0, sizeof(r));
	for (i = 0; i < ARRAY_SIZE(p); i++)
		p[i] = make(tab, &r[i]);
	assert_int_equal(am_obj_get(tab, &p[0], 0, NULL, NULL), STD_OK);
	assert_int_equal(am_obj_get(tab, &p[1], 0, NULL, NULL), STD_OK);
	assert_int_equal(am_obj_destroy(tab, &p[1], 0), STD_OK);
	assert_int_equal(am_obj_destroy(tab, &p[2], 0), STD_OK);
	assert_int_equal(atomic_load(&releases), 1);
	assert_int_equal(atomic_load(&r[2].released), 1);
	am_objtab_free(tab);
	assert_int_equal(atomic_load(&releases), 5);
	for (i = 0; i < ARRAY_SIZE(r); i++)
		assert_int_equal(atomic_load(&r[i].released), 1);
}

static void age_expect(struct am_objtab *tab, int cycles, uint32_t each)
{
	int i;

	for (i = 0; i < cycles; i++)
		assert_int_equal(am_objtab_age(tab), each);
}

static void test_aging(void **state)
{
	struct am_objtab *tab = tab_new(8);
	struct rec r[4];
	struct am_priv p[4], s;
	int i;

	(void)state;
	memset(r, 0, sizeof(r));
	s = super(tab);
	for (i = 0; i < 4; i++)
		p[i] = make(tab, &r[i]);
	/* p[0] in use as it ages away, p[1] kept alive. */
	assert_int_equal(am_obj_get(tab, &p[0], 0, NULL, NULL), STD_OK);
	for (i = 0; i < AM_OBJ_LIFETIME - 1; i++) {
		assert_int_equal(am_objtab_age(tab), 0);
		assert_int_equal(am_obj_touch(tab, &p[1]), STD_OK);
	}
	assert_int_equal(am_objtab_count(tab), 4);
	assert_int_equal(am_objtab_age(tab), 3);
	assert_int_equal(am_objtab_count(tab), 1);
	assert_int_equal(try_get(tab, p[0], 0), STD_CAPBAD);
	assert_int_equal(try_get(tab, p[2], 0), STD_CAPBAD);
	assert_int_equal(try_get(tab, p[1], 0), STD_OK);
	assert_int_equal(try_get(tab, s, AM_RIGHTS_ALL), STD_OK);
	assert_int_equal(atomic_load(&releases), 2);
	assert_int_equal(atomic_load(&r[0].released), 0);
	am_obj_put(tab, &p[0]);
	assert_int_equal(atomic_load(&r[0].released), 1);

	/* p[1] was touched one cycle ago. */
	age_expect(tab, AM_OBJ_LIFETIME - 2, 0);
	assert_int_equal(am_objtab_age(tab), 1);
	assert_int_equal(am_objtab_count(tab), 0);
	/* Object 0 stays for good, not just for a few lifetimes. */
	age_expect(tab, 300, 0);
	assert_int_equal(try_get(tab, s, AM_RIGHTS_ALL), STD_OK);
	assert_int_equal(atomic_load(&releases), 4);
	for (i = 0; i < 4; i++)
		assert_int_equal(atomic_load(&r[i].released), 1);
	am_objtab_free(tab);
	assert_int_equal(atomic_load(&releases), 4);
}

static void test_limits(void **state)
{
	struct am_objtab *tab = tab_new(3);
	struct am_priv p[3], s, s2;
	struct am_cap cap;
	int i;

	(void)state;
	for (i = 0; i < 3; i++)
		p[i] = make(tab, NULL);
	assert_int_equal(am_obj_create(tab, NULL, &cap), STD_NOSPACE);
	assert_int_equal(am_objtab_count(tab), 3);
	assert_int_equal(am_obj_destroy(tab, &p[1], 0), STD_OK);
	p[1] = make(tab, NULL);
	assert_int_equal(am_obj_create(tab, NULL, &cap), STD_NOSPACE);

	s = super(tab);
	assert_int_equal(am_obj_destroy(tab, &s, 0), STD_DENIED);
	assert_int_equal(am_obj_destroy(tab, &s, AM_RIGHTS_ALL), STD_DENIED);
	s2 = narrow(tab, s, AM_RGT_READ);
	assert_int_equal(am_obj_destroy(tab, &s2, 0), STD_DENIED);
	assert_int_equal(am_objtab_age(tab), 0);
	assert_int_equal(try_get(tab, s, AM_RIGHTS_ALL), STD_OK);
	am_objtab_free(tab);
	assert_int_equal(atomic_load(&releases), 4);

	tab = tab_new(0);
	assert_int_equal(am_obj_create(tab, NULL, &cap), STD_NOSPACE);
	am_objtab_free(tab);

	errno = 0;
	assert_null(am_objtab_new(&test_port, AM_OBJ_MAX + 1, NULL));
	assert_int_equal(errno, EINVAL);
}

/* Past the first allocation: the table grows and keeps every object. */
static void test_growth(void **state)
{
	enum { N = 300 };
	struct am_objtab *tab = tab_new(N);
	struct am_priv *p = calloc(N, sizeof(*p));
	struct am_cap cap;
	int i;

	(void)state;
	assert_non_null(p);
	for (i = 0; i < N; i++)
		p[i] = make(tab, &p[i]);
	assert_int_equal(am_obj_create(tab, NULL, &cap), STD_NOSPACE);
	for (i = 0; i < N; i++) {
		void *data = NULL;

		assert_int_equal(am_obj_get(tab, &p[i], 0, &data, NULL),
				 STD_OK);
		assert_ptr_equal(data, &p[i]);
		am_obj_put(tab, &p[i]);
	}
	am_objtab_free(tab);
	assert_int_equal(atomic_load(&releases), N);
	free(p);
}

/* std_serve: a service whose callbacks can be told to misbehave. */
struct svc {
	struct am_objtab	*tab;
	const char		*text;
	size_t			lie;		/* added to the length */
	size_t			last_len;	/* room the callback got */
	int			no_room;	/* calls with none at all */
	struct am_priv		kill;		/* destroyed by info if set */
	int			do_kill;
	int			released_seen;
};

static size_t svc_text(struct svc *s, char *buf, size_t len)
{
	size_t n = strlen(s->text);

	s->last_len = len;
	if (!len)
		s->no_room++;
	if (n > len)
		n = len;
	memcpy(buf, s->text, n);
	return n + s->lie;
}

static size_t svc_info(void *data, char *buf, size_t len, void *arg)
{
	struct svc *s = arg;
	struct rec *r = data;

	if (s->do_kill) {
		am_obj_destroy(s->tab, &s->kill, 0);
		s->released_seen = atomic_load(&r->released);
	}
	return svc_text(s, buf, len);
}

static size_t svc_status(char *buf, size_t len, void *arg)
{
	return svc_text(arg, buf, len);
}

#define GUARD	16
#define BUFMAX	10000

struct reply {
	struct am_hdr	hdr;
	size_t		len;
	int		ret;
	char		buf[BUFMAX + GUARD];
};

static const struct am_port sig = { { 7, 7, 7, 7, 7, 7 } };

/* Serve @command on @priv with a @size byte buffer, checking the guard. */
static errstat serve(struct am_objtab *tab, const struct am_std_ops *ops,
		     uint16_t command, struct am_priv priv, int32_t offset,
		     size_t size, struct reply *rep)
{
	struct am_hdr req;
	size_t i;

	memset(&req, 0, sizeof(req));
	req.h_port = test_port;
	req.h_signature = sig;
	req.h_priv = priv;
	req.h_command = command;
	req.h_offset = offset;
	req.h_size = 3;
	req.h_extra = 9;
	rep->hdr = req;
	rep->len = 12345;
	memset(rep->buf, 0xa5, sizeof(rep->buf));
	rep->ret = am_std_serve(tab, ops, &rep->hdr, rep->buf, size,
				&rep->len);
	for (i = size; i < size + GUARD; i++)
		assert_int_equal((uint8_t)rep->buf[i], 0xa5);
	assert_int_equal(rep->ret, 1);
	assert_memory_equal(&rep->hdr.h_port, &test_port, sizeof(test_port));
	assert_memory_equal(&rep->hdr.h_signature, &sig, sizeof(sig));
	assert_int_equal(rep->hdr.h_size, rep->len);
	assert_true(rep->len <= size);
	if (command != STD_RESTRICT || rep->hdr.h_status != STD_OK)
		assert_memory_equal(&rep->hdr.h_priv, &priv, sizeof(priv));
	if (rep->hdr.h_status != STD_OK)
		assert_int_equal(rep->len, 0);
	if (command != STD_AGE || rep->hdr.h_status != STD_OK)
		assert_int_equal(rep->hdr.h_offset, 0);
	return rep->hdr.h_status;
}

static void expect_text(struct reply *rep, const char *text)
{
	assert_int_equal(rep->len, strlen(text));
	assert_memory_equal(rep->buf, text, rep->len);
}

static struct reply rep;

static void test_serve_info(void **state)
{
	struct am_objtab *tab = tab_new(8);
	struct svc s = { .tab = tab, .text = "a file" };
	struct am_std_ops ops = { .info = svc_info, .arg = &s };
	struct am_priv p, q, n;
	char want[32];
	struct rec r = { 0 };

	(void)state;
	p = make(tab, &r);
	assert_int_equal(serve(tab, &ops, STD_INFO, p, 0, 100, &rep), STD_OK);
	expect_text(&rep, "a file");
	assert_int_equal(s.last_len, 100);
	assert_int_equal(serve(tab, &ops, STD_INFO, p, 0, BUFMAX, &rep),
			 STD_OK);
	assert_int_equal(s.last_len, AM_STD_INFO_MAX);
	q = narrow(tab, p, AM_RGT_READ);
	assert_int_equal(serve(tab, &ops, STD_INFO, q, 0, 100, &rep), STD_OK);
	expect_text(&rep, "a file");
	n = narrow(tab, p, (uint8_t)~AM_RGT_READ);
	assert_int_equal(serve(tab, &ops, STD_INFO, n, 0, 100, &rep),
			 STD_DENIED);
	n.prv_random.p[0] ^= 1;
	assert_int_equal(serve(tab, &ops, STD_INFO, n, 0, 100, &rep),
			 STD_CAPBAD);

	/* Defaults: object 0, and a service without an info callback. */
	assert_int_equal(serve(tab, &ops, STD_INFO, super(tab), 0, 100, &rep),
			 STD_OK);
	expect_text(&rep, "service");
	snprintf(want, sizeof(want), "object %u", am_priv_object(&p));
	assert_int_equal(serve(tab, NULL, STD_INFO, p, 0, 100, &rep), STD_OK);
	expect_text(&rep, want);
	ops.info = NULL;
	assert_int_equal(serve(tab, &ops, STD_INFO, p, 0, 100, &rep), STD_OK);
	expect_text(&rep, want);

	/* The data stays while info uses it, even if destroyed meanwhile. */
	ops.info = svc_info;
	s.kill = p;
	s.do_kill = 1;
	assert_int_equal(serve(tab, &ops, STD_INFO, p, 0, 100, &rep), STD_OK);
	assert_int_equal(s.released_seen, 0);
	assert_int_equal(atomic_load(&r.released), 1);
	assert_int_equal(serve(tab, &ops, STD_INFO, p, 0, 100, &rep),
			 STD_CAPBAD);
	am_objtab_free(tab);
	assert_int_equal(atomic_load(&releases), 1);
}

static void test_serve_status(void **state)
{
	struct am_objtab *tab = tab_new(8);
	struct svc s = { .tab = tab, .text = "all well" };
	struct am_std_ops ops = { .status = svc_status, .arg = &s };
	struct am_priv p, z;

	(void)state;
	p = make(tab, NULL);
	make(tab, NULL);
	z = narrow(tab, p, 0);
	assert_int_equal(serve(tab, NULL, STD_STATUS, z, 0, 100, &rep),
			 STD_OK);
	expect_text(&rep, "objects: 2");
	assert_int_equal(serve(tab, NULL, STD_STATUS, super(tab), 0, 100,
			       &rep), STD_OK);
	expect_text(&rep, "objects: 2");
	assert_int_equal(serve(tab, &ops, STD_STATUS, z, 0, 100, &rep),
			 STD_OK);
	expect_text(&rep, "all well");
	assert_int_equal(serve(tab, &ops, STD_STATUS, p, 0, BUFMAX, &rep),
			 STD_OK);
	assert_int_equal(s.last_len, AM_STD_STATUS_MAX);
	z.prv_random.p[5] ^= 0x80;
	assert_int_equal(serve(tab, &ops, STD_STATUS, z, 0, 100, &rep),
			 STD_CAPBAD);
	am_objtab_free(tab);
}

static void test_serve_restrict(void **state)
{
	struct am_objtab *tab = tab_new(8);
	struct am_priv p, q, q2;

	(void)state;
	p = make(tab, NULL);
	assert_int_equal(serve(tab, NULL, STD_RESTRICT, p, 0x1234a6, 100,
			       &rep), STD_OK);
	assert_int_equal(rep.len, 0);
	q = rep.hdr.h_priv;
	assert_int_equal(am_priv_object(&q), am_priv_object(&p));
	assert_int_equal(rights_of(tab, q), 0xa6);
	assert_int_equal(serve(tab, NULL, STD_RESTRICT, q, 0x0f, 100, &rep),
			 STD_OK);
	q2 = rep.hdr.h_priv;
	assert_int_equal(rights_of(tab, q2), 0x06);
	assert_int_equal(serve(tab, NULL, STD_RESTRICT, q2, 0xff, 100, &rep),
			 STD_OK);
	assert_int_equal(rights_of(tab, rep.hdr.h_priv), 0x06);
	q2.prv_rights = 0x07;
	assert_int_equal(serve(tab, NULL, STD_RESTRICT, q2, 0xff, 100, &rep),
			 STD_CAPBAD);
	am_objtab_free(tab);
}

static void test_serve_destroy_touch(void **state)
{
	struct am_objtab *tab = tab_new(8);
	struct am_priv p, q;
	int i;

	(void)state;
	p = make(tab, NULL);
	q = narrow(tab, p, (uint8_t)~AM_RGT_DELETE);
	assert_int_equal(serve(tab, NULL, STD_DESTROY, q, 0, 100, &rep),
			 STD_DENIED);
	assert_int_equal(serve(tab, NULL, STD_DESTROY, super(tab), 0, 100,
			       &rep), STD_DENIED);
	assert_int_equal(am_objtab_count(tab), 1);

	/* Touched every cycle, it outlives its lifetime. */
	for (i = 0; i < 2 * AM_OBJ_LIFETIME; i++) {
		assert_int_equal(serve(tab, NULL, STD_TOUCH, narrow(tab, p, 0),
				       0, 100, &rep), STD_OK);
		assert_int_equal(rep.len, 0);
		assert_int_equal(am_objtab_age(tab), 0);
	}
	assert_int_equal(serve(tab, NULL, STD_DESTROY,
			       narrow(tab, p, AM_RGT_DELETE), 0, 100, &rep),
			 STD_OK);
	assert_int_equal(rep.len, 0);
	assert_int_equal(am_objtab_count(tab), 0);
	assert_int_equal(atomic_load(&releases), 1);
	assert_int_equal(serve(tab, NULL, STD_DESTROY, p, 0, 100, &rep),
			 STD_CAPBAD);
	assert_int_equal(serve(tab, NULL, STD_TOUCH, p, 0, 100, &rep),
			 STD_CAPBAD);
	am_objtab_free(tab);
}

static void test_serve_age(void **state)
{
	struct am_objtab *tab = tab_new(8);
	struct am_priv p, s;
	int i;

	(void)state;
	p = make(tab, NULL);
	make(tab, NULL);
	s = super(tab);
	assert_int_equal(serve(tab, NULL, STD_AGE, p, 0, 100, &rep),
			 STD_DENIED);
	assert_int_equal(serve(tab, NULL, STD_AGE, narrow(tab, s, 0xfe), 0,
			       100, &rep), STD_DENIED);
	s.prv_random.p[2] ^= 4;
	assert_int_equal(serve(tab, NULL, STD_AGE, s, 0, 100, &rep),
			 STD_CAPBAD);
	s = super(tab);
	/* The refusals aged nothing: two full lifetimes to go. */
	for (i = 0; i < AM_OBJ_LIFETIME - 1; i++) {
		assert_int_equal(serve(tab, NULL, STD_AGE, s, 77, 100, &rep),
				 STD_OK);
		assert_int_equal(rep.hdr.h_offset, 0);
		assert_int_equal(rep.len, 0);
	}
	assert_int_equal(serve(tab, NULL, STD_AGE, s, 0, 100, &rep), STD_OK);
	assert_int_equal(rep.hdr.h_offset, 2);
	assert_int_equal(am_objtab_count(tab), 0);
	assert_int_equal(atomic_load(&releases), 2);
	am_objtab_free(tab);
}

static void test_serve_other(void **state)
{
	static const uint16_t combad[] = { STD_MONITOR, STD_COPY, 1008, 1500,
					   STD_LAST_COM };
	static const uint16_t mine[] = { 0, 1, 999, 2000, 2006, 65535 };
	struct am_objtab *tab = tab_new(8);
	struct am_priv p = make(tab, NULL);
	struct am_hdr hdr, orig;
	size_t len, i;
	char buf[8];

	(void)state;
	for (i = 0; i < ARRAY_SIZE(combad); i++)
		assert_int_equal(serve(tab, NULL, combad[i], p, 5, 100, &rep),
				 STD_COMBAD);
	memset(&orig, 0x5c, sizeof(orig));
	orig.h_priv = p;
	for (i = 0; i < ARRAY_SIZE(mine); i++) {
		orig.h_command = mine[i];
		hdr = orig;
		len = 4321;
		memset(buf, 0x11, sizeof(buf));
		assert_int_equal(am_std_serve(tab, NULL, &hdr, buf,
					      sizeof(buf), &len), 0);
		assert_memory_equal(&hdr, &orig, sizeof(hdr));
		assert_int_equal(len, 4321);
		assert_int_equal(buf[0], 0x11);
	}
	assert_int_equal(am_objtab_count(tab), 1);
	am_objtab_free(tab);
}

/* Buffers of every small size, with callbacks that claim too much. */
static void test_serve_small(void **state)
{
	struct am_objtab *tab = tab_new(8);
	struct svc s = { .tab = tab, .text = "twenty characters.." };
	struct am_std_ops ops = { svc_info, svc_status, &s };
	struct am_priv p;
	size_t size, want;

	(void)state;
	p = make(tab, NULL);
	for (s.lie = 0; s.lie < 1000; s.lie += 999) {
		for (size = 0; size < 24; size++) {
			want = size < 19 ? size : 19;
			assert_int_equal(serve(tab, &ops, STD_INFO, p, 0, size,
					       &rep), STD_OK);
			if (!s.lie)
				assert_int_equal(rep.len, want);
			assert_int_equal(serve(tab, &ops, STD_STATUS, p, 0,
					       size, &rep), STD_OK);
			if (!s.lie)
				assert_int_equal(rep.len, want);
		}
	}
	/* With no room there is nothing to ask the service for. */
	assert_int_equal(s.no_room, 0);
	for (size = 0; size < 24; size++) {
		assert_int_equal(serve(tab, NULL, STD_INFO, p, 0, size, &rep),
				 STD_OK);
		assert_int_equal(rep.len, size < 8 ? size : 8);
		assert_int_equal(serve(tab, NULL, STD_STATUS, p, 0, size,
				       &rep), STD_OK);
		assert_int_equal(rep.len, size < 10 ? size : 10);
		assert_int_equal(serve(tab, NULL, STD_INFO, super(tab), 0,
				       size, &rep), STD_OK);
		assert_int_equal(rep.len, size < 7 ? size : 7);
	}
	am_objtab_free(tab);
}

/* Threads that create, use, destroy and age objects all at once. */
#define THREADS		4
#define ITERS		20000
#define SHARED		32

struct shared {
	struct am_objtab	*tab;
	pthread_mutex_t		lock;
	struct am_priv		caps[SHARED];
	struct rec		recs[THREADS * ITERS];
	atomic_int		nrecs;
	atomic_int		created;
	atomic_int		removed;
	atomic_int		errors;
};

static struct shared sh;

static struct am_priv shared_pick(unsigned int *seed)
{
	struct am_priv p;

	pthread_mutex_lock(&sh.lock);
	p = sh.caps[rand_r(seed) % SHARED];
	pthread_mutex_unlock(&sh.lock);
	return p;
}

static void thread_create(unsigned int *seed)
{
	int i = atomic_fetch_add(&sh.nrecs, 1);
	struct am_cap cap;
	errstat err;

	err = am_obj_create(sh.tab, &sh.recs[i], &cap);
	if (err == STD_NOSPACE)
		return;
	if (err != STD_OK) {
		atomic_fetch_add(&sh.errors, 1);
		return;
	}
	atomic_fetch_add(&sh.created, 1);
	sh.recs[i].made = 1;
	pthread_mutex_lock(&sh.lock);
	sh.caps[rand_r(seed) % SHARED] = cap.cap_priv;
	pthread_mutex_unlock(&sh.lock);
}

static void thread_use(unsigned int *seed)
{
	struct am_priv p = shared_pick(seed);
	struct rec *r = NULL;
	errstat err;

	err = am_obj_get(sh.tab, &p, AM_RGT_READ, (void **)&r, NULL);
	if (err != STD_OK) {
		if (err != STD_CAPBAD)
			atomic_fetch_add(&sh.errors, 1);
		return;
	}
	atomic_fetch_add(&r->in_use, 1);
	if (atomic_load(&r->released))
		atomic_fetch_add(&sh.errors, 1);
	sched_yield();
	atomic_fetch_sub(&r->in_use, 1);
	am_obj_put(sh.tab, &p);
}

static void thread_destroy(unsigned int *seed)
{
	struct am_priv p = shared_pick(seed);
	errstat err = am_obj_destroy(sh.tab, &p, AM_RGT_DELETE);

	if (err == STD_OK)
		atomic_fetch_add(&sh.removed, 1);
	else if (err != STD_CAPBAD)
		atomic_fetch_add(&sh.errors, 1);
}

static void *thread_main(void *arg)
{
	unsigned int seed = (unsigned int)(uintptr_t)arg;
	struct am_priv p;
	int i;

	for (i = 0; i < ITERS; i++) {
		switch (rand_r(&seed) % 8) {
		case 0:
		case 1:
			thread_create(&seed);
			break;
		case 2:
			thread_destroy(&seed);
			break;
		case 3:
			p = shared_pick(&seed);
			am_obj_touch(sh.tab, &p);
			break;
		case 4:
			if (i % 64 == 0)
				atomic_fetch_add(&sh.removed,
						 am_objtab_age(sh.tab));
			break;
		default:
			thread_use(&seed);
			break;
		}
	}
	return NULL;
}

static void test_threads(void **state)
{
	pthread_t t[THREADS];
	int i, n;

	(void)state;
	memset(&sh, 0, sizeof(sh));
	sh.tab = tab_new(SHARED);
	pthread_mutex_init(&sh.lock, NULL);
	for (i = 0; i < THREADS; i++)
		assert_int_equal(pthread_create(&t[i], NULL, thread_main,
					(void *)(uintptr_t)(i + 1)), 0);
	for (i = 0; i < THREADS; i++)
		pthread_join(t[i], NULL);
	assert_int_equal(atomic_load(&sh.errors), 0);
	assert_true(atomic_load(&sh.created) > SHARED);
	assert_true(atomic_load(&sh.removed) > 0);
	assert_int_equal(am_objtab_count(sh.tab),
			 atomic_load(&sh.created) - atomic_load(&sh.removed));
	/* Nobody holds anything: every removed object has been released. */
	assert_int_equal(atomic_load(&releases), atomic_load(&sh.removed));
	am_objtab_free(sh.tab);
	assert_int_equal(atomic_load(&releases), atomic_load(&sh.created));
	n = atomic_load(&sh.nrecs);
	for (i = 0; i < n; i++)
		assert_int_equal(atomic_load(&sh.recs[i].released),
				 sh.recs[i].made);
	pthread_mutex_destroy(&sh.lock);
}

int main(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_create_get_put),
		cmocka_unit_test(test_missing_right),
		cmocka_unit_test(test_restrict),
		cmocka_unit_test(test_forgery),
		cmocka_unit_test(test_destroy_reuse),
		cmocka_unit_test(test_release_after_put),
		cmocka_unit_test(test_free_releases),
		cmocka_unit_test(test_aging),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_growth),
		cmocka_unit_test(test_serve_info),
		cmocka_unit_test(test_serve_status),
		cmocka_unit_test(test_serve_restrict),
		cmocka_unit_test(test_serve_destroy_touch),
		cmocka_unit_test(test_serve_age),
		cmocka_unit_test(test_serve_other),
		cmocka_unit_test(test_serve_small),
		cmocka_unit_test(test_threads),
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests_name("objtab", tests, NULL, NULL);
}
