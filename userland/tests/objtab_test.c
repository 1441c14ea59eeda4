// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the server's object table (objtab.c) and of the server
 * side of the standard commands (std_serve() as ail generates it from
 * std.ail, over std_serve.c's am_std_impl): capability checking,
 * forgery, reference counting and release, aging, and the replies on the
 * wire, with TAP output for prove.
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

static void test_lifetime(void **state)
{
	static const unsigned int bad[] = { 0, 256, 1000, UINT32_MAX };
	struct am_objtab *tab = tab_new(8);
	struct am_priv old, a, b;
	struct rec r[3];
	size_t i;

	(void)state;
	memset(r, 0, sizeof(r));
	/* Made before the change: it keeps AM_OBJ_LIFETIME until touched. */
	old = make(tab, &r[0]);
	for (i = 0; i < ARRAY_SIZE(bad); i++)
		assert_int_equal(am_objtab_lifetime(tab, bad[i]), STD_ARGBAD);
	assert_int_equal(am_objtab_lifetime(tab, 2), STD_OK);
	/* A refusal leaves the lifetime as it was. */
	for (i = 0; i < ARRAY_SIZE(bad); i++)
		assert_int_equal(am_objtab_lifetime(tab, bad[i]), STD_ARGBAD);
	a = make(tab, &r[1]);
	b = make(tab, &r[2]);
	assert_int_equal(am_objtab_age(tab), 0);
	assert_int_equal(am_obj_touch(tab, &b), STD_OK);
	/* a, untouched, is gone after two cycles; b was touched. */
	assert_int_equal(am_objtab_age(tab), 1);
	assert_int_equal(am_obj_get(tab, &a, 0, NULL, NULL), STD_CAPBAD);
	assert_int_equal(am_obj_touch(tab, &a), STD_CAPBAD);
	assert_int_equal(atomic_load(&r[1].released), 1);
	assert_int_equal(atomic_load(&releases), 1);
	assert_int_equal(try_get(tab, b, AM_RIGHTS_ALL), STD_OK);
	assert_int_equal(try_get(tab, old, AM_RIGHTS_ALL), STD_OK);
	assert_int_equal(am_objtab_count(tab), 2);
	/* b's touch gave it two cycles, no more. */
	assert_int_equal(am_objtab_age(tab), 1);
	assert_int_equal(try_get(tab, b, 0), STD_CAPBAD);
	assert_int_equal(atomic_load(&r[2].released), 1);
	assert_int_equal(atomic_load(&r[1].released), 1);

	/* A touch gives the object made before the change two cycles too. */
	assert_int_equal(try_get(tab, old, 0), STD_OK);
	assert_int_equal(am_obj_touch(tab, &old), STD_OK);
	assert_int_equal(am_objtab_age(tab), 0);
	assert_int_equal(am_objtab_age(tab), 1);
	assert_int_equal(am_objtab_count(tab), 0);
	assert_int_equal(atomic_load(&r[0].released), 1);
	assert_int_equal(atomic_load(&releases), 3);

	/* The bounds themselves are good. */
	assert_int_equal(am_objtab_lifetime(tab, 1), STD_OK);
	a = make(tab, NULL);
	assert_int_equal(am_objtab_age(tab), 1);
	assert_int_equal(try_get(tab, a, 0), STD_CAPBAD);
	assert_int_equal(am_objtab_lifetime(tab, 255), STD_OK);
	a = make(tab, NULL);
	age_expect(tab, 254, 0);
	assert_int_equal(try_get(tab, a, 0), STD_OK);
	assert_int_equal(am_objtab_age(tab), 1);
	assert_int_equal(atomic_load(&releases), 5);
	am_objtab_free(tab);
	assert_int_equal(atomic_load(&releases), 5);
	for (i = 0; i < ARRAY_SIZE(r); i++)
		assert_int_equal(atomic_load(&r[i].released), 1);
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

/*
 * std_serve: the stubs ail generates from std.ail, with libamoeba's
 * am_std_impl behind them, and a service whose text callbacks can be told
 * to misbehave.
 */
struct texts {
	const struct am_service	*svc;		/* the service they are of */
	const char		*text;
	size_t			fill;		/* or this many 'x' */
	ptrdiff_t		lie;		/* added to the length */
	size_t			last_len;	/* room the callback got */
	void			*last_data;
	int			calls;
	int			no_room;	/* calls with none at all */
	struct am_priv		kill;		/* destroyed by info if set */
	int			do_kill;
	errstat			kill_status;	/* its std_destroy's answer */
	size_t			kill_len;
	int			released_seen;
};

static size_t texts_put(struct texts *t, char *buf, size_t len)
{
	size_t n = t->fill ? t->fill : strlen(t->text);

	t->calls++;
	t->last_len = len;
	if (!len)
		t->no_room++;
	if (n > len)
		n = len;
	if (t->fill)
		memset(buf, 'x', n);
	else
		memcpy(buf, t->text, n);
	return (size_t)((ptrdiff_t)n + t->lie);
}

/* std_destroy of @priv, served while another request is being served. */
static errstat destroy_inside(struct texts *t, struct am_priv priv)
{
	struct am_hdr hdr;

	memset(&hdr, 0, sizeof(hdr));
	hdr.h_port = test_port;
	hdr.h_priv = priv;
	hdr.h_command = STD_DESTROY;
	t->kill_len = std_serve(&am_std_impl, t->svc, &hdr, NULL, 0, NULL, 0);
	return hdr.h_status;
}

static size_t texts_info(void *data, char *buf, size_t len, void *arg)
{
	struct texts *t = arg;
	struct rec *r = data;

	t->last_data = data;
	if (t->do_kill) {
		t->kill_status = destroy_inside(t, t->kill);
		t->released_seen = atomic_load(&r->released);
	}
	return texts_put(t, buf, len);
}

static size_t texts_status(char *buf, size_t len, void *arg)
{
	return texts_put(arg, buf, len);
}

#define GUARD	16
#define BUFMAX	10000
#define UNTOUCHED	0xa5

struct reply {
	struct am_hdr	hdr;
	size_t		len;		/* std_serve's answer */
	uint8_t		buf[BUFMAX + GUARD];
};

static struct reply rep;

static const struct am_port sig = { { 7, 7, 7, 7, 7, 7 } };

/* Whether @command is one of std.ail's with data in its reply. */
static int has_reply_data(uint16_t command)
{
	return command == STD_INFO || command == STD_STATUS ||
	       command == STD_RESTRICT;
}

/*
 * Serve @command on @priv, with @offset in h_offset and @reqlen bytes of
 * request data, into @room bytes of rep.buf; check what every reply must
 * be and return its status.
 */
static errstat serve_full(const struct std_impl *impl,
			  const struct am_service *svc, uint16_t command,
			  struct am_priv priv, int32_t offset, size_t reqlen,
			  size_t room)
{
	static const uint8_t req[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	struct am_hdr *hdr = &rep.hdr;
	size_t i;

	assert_true(reqlen <= sizeof(req));
	assert_true(room <= BUFMAX);
	memset(hdr, 0, sizeof(*hdr));
	hdr->h_port = test_port;
	hdr->h_signature = sig;
	hdr->h_priv = priv;
	hdr->h_command = command;
	hdr->h_offset = offset;
	hdr->h_size = 3;
	hdr->h_extra = 9;
	memset(rep.buf, UNTOUCHED, sizeof(rep.buf));
	rep.len = std_serve(impl, svc, hdr, req, reqlen, rep.buf, room);

	/* Nothing written past the reply, let alone past the room. */
	assert_true(rep.len <= room);
	for (i = rep.len; i < room + GUARD; i++)
		assert_int_equal(rep.buf[i], UNTOUCHED);
	if (hdr->h_status != STD_OK || !has_reply_data(command))
		assert_int_equal(rep.len, 0);
	assert_memory_equal(&hdr->h_port, &test_port, sizeof(test_port));
	assert_memory_equal(&hdr->h_signature, &sig, sizeof(sig));
	assert_memory_equal(&hdr->h_priv, &priv, sizeof(priv));
	/* std.ail has no header out-parameters. */
	assert_int_equal(hdr->h_offset, 0);
	assert_int_equal(hdr->h_size, 0);
	assert_int_equal(hdr->h_extra, 0);
	return hdr->h_status;
}

/* A request without data, with all the room a reply of std.ail takes. */
static errstat serve(const struct am_service *svc, uint16_t command,
		     struct am_priv priv)
{
	return serve_full(&am_std_impl, svc, command, priv, 0, 0,
			  STD_REP_MAX);
}

static uint32_t get_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

/* The reply is a text of @n bytes, @text: its length then its bytes. */
static void expect_text_n(const char *text, size_t n)
{
	assert_int_equal(rep.len, 4 + n);
	assert_int_equal(get_be32(rep.buf), n);
	assert_memory_equal(rep.buf + 4, text, n);
}

static void expect_text(const char *text)
{
	expect_text_n(text, strlen(text));
}

/* The reply is a capability: its port, then its private part. */
static struct am_cap reply_cap(void)
{
	struct am_priv *priv;
	struct am_cap cap;

	assert_int_equal(rep.len, 16);
	priv = &cap.cap_priv;
	memcpy(cap.cap_port.p, rep.buf, 6);
	memcpy(priv->prv_object, rep.buf + 6, 3);
	priv->prv_rights = rep.buf[9];
	memcpy(priv->prv_random.p, rep.buf + 10, 6);
	return cap;
}

static const uint16_t std_commands[] = {
	STD_AGE, STD_DESTROY, STD_INFO, STD_RESTRICT, STD_STATUS, STD_TOUCH
};

/* The longest texts there are, for the callbacks that overdo it. */
static char xs[AM_STD_STATUS_MAX];

static void test_serve_info(void **state)
{
	struct am_objtab *tab = tab_new(8);
	struct texts t = { .text = "a file" };
	struct am_service svc = { .tab = tab, .info = texts_info, .arg = &t };
	struct am_service plain = { .tab = tab };
	struct am_priv p, q, n;
	char want[32];
	struct rec r = { 0 };

	(void)state;
	t.svc = &svc;
	p = make(tab, &r);
	assert_int_equal(serve(&svc, STD_INFO, p), STD_OK);
	expect_text("a file");
	assert_int_equal(t.calls, 1);
	assert_ptr_equal(t.last_data, &r);
	assert_int_equal(t.last_len, AM_STD_INFO_MAX);
	q = narrow(tab, p, AM_RGT_READ);
	assert_int_equal(serve(&svc, STD_INFO, q), STD_OK);
	expect_text("a file");
	assert_int_equal(t.calls, 2);

	/* Refused before the service is asked. */
	n = narrow(tab, p, (uint8_t)~AM_RGT_READ);
	assert_int_equal(serve(&svc, STD_INFO, n), STD_DENIED);
	n.prv_random.p[0] ^= 1;
	assert_int_equal(serve(&svc, STD_INFO, n), STD_CAPBAD);
	q.prv_rights = AM_RIGHTS_ALL;
	assert_int_equal(serve(&svc, STD_INFO, q), STD_CAPBAD);
	n = p;
	n.prv_object[0] ^= 2;
	assert_int_equal(serve(&svc, STD_INFO, n), STD_CAPBAD);
	assert_int_equal(t.calls, 2);

	/* Defaults: object 0, and a service without an info callback. */
	assert_int_equal(serve(&svc, STD_INFO, super(tab)), STD_OK);
	expect_text("service");
	assert_int_equal(t.calls, 2);
	assert_int_equal(serve(&svc, STD_INFO,
			       narrow(tab, super(tab), AM_RGT_READ)), STD_OK);
	expect_text("service");
	assert_int_equal(serve(&svc, STD_INFO,
			       narrow(tab, super(tab), AM_RGT_MODIFY)),
			 STD_DENIED);
	snprintf(want, sizeof(want), "object %u", am_priv_object(&p));
	assert_int_equal(serve(&plain, STD_INFO, p), STD_OK);
	expect_text(want);
	assert_int_equal(serve(&plain, STD_INFO, super(tab)), STD_OK);
	expect_text("service");
	assert_int_equal(t.calls, 2);

	/* The data stays while info uses it, even if destroyed meanwhile. */
	t.kill = p;
	t.do_kill = 1;
	assert_int_equal(serve(&svc, STD_INFO, p), STD_OK);
	expect_text("a file");
	assert_int_equal(t.kill_status, STD_OK);
	assert_int_equal(t.kill_len, 0);
	assert_int_equal(t.released_seen, 0);
	assert_int_equal(atomic_load(&r.released), 1);
	assert_int_equal(atomic_load(&releases), 1);
	assert_int_equal(am_objtab_count(tab), 0);
	assert_int_equal(serve(&svc, STD_INFO, p), STD_CAPBAD);
	assert_int_equal(t.calls, 3);
	am_objtab_free(tab);
	assert_int_equal(atomic_load(&releases), 1);
}

static void test_serve_status(void **state)
{
	struct am_objtab *tab = tab_new(8);
	struct texts t = { .text = "all well" };
	struct am_service svc = { .tab = tab, .status = texts_status,
				  .arg = &t };
	struct am_service plain = { .tab = tab };
	struct am_priv p, o, z;

	(void)state;
	t.svc = &svc;
	p = make(tab, NULL);
	o = make(tab, NULL);
	z = narrow(tab, p, 0);
	assert_int_equal(serve(&plain, STD_STATUS, z), STD_OK);
	expect_text("objects: 2");
	assert_int_equal(serve(&plain, STD_STATUS, super(tab)), STD_OK);
	expect_text("objects: 2");
	assert_int_equal(serve(&plain, STD_DESTROY, o), STD_OK);
	assert_int_equal(serve(&plain, STD_STATUS, z), STD_OK);
	expect_text("objects: 1");
	assert_int_equal(t.calls, 0);

	assert_int_equal(serve(&svc, STD_STATUS, z), STD_OK);
	expect_text("all well");
	assert_int_equal(t.calls, 1);
	assert_int_equal(t.last_len, AM_STD_STATUS_MAX);
	assert_int_equal(serve(&svc, STD_STATUS, super(tab)), STD_OK);
	expect_text("all well");
	assert_int_equal(t.calls, 2);

	/* Any capability will do, but a valid one. */
	assert_int_equal(serve(&svc, STD_STATUS, o), STD_CAPBAD);
	z.prv_random.p[5] ^= 0x80;
	assert_int_equal(serve(&svc, STD_STATUS, z), STD_CAPBAD);
	assert_int_equal(t.calls, 2);
	am_objtab_free(tab);
}

/* std_restrict with @mask on @priv: the restricted capability. */
static struct am_priv restrict_ok(const struct am_service *svc,
				  struct am_priv priv, int32_t mask)
{
	struct am_cap cap;

	assert_int_equal(serve_full(&am_std_impl, svc, STD_RESTRICT, priv,
				    mask, 0, STD_REP_MAX), STD_OK);
	cap = reply_cap();
	assert_memory_equal(&cap.cap_port, &test_port, sizeof(test_port));
	assert_int_equal(am_priv_object(&cap.cap_priv),
			 am_priv_object(&priv));
	return cap.cap_priv;
}

static errstat restrict_err(const struct am_service *svc,
			    struct am_priv priv, int32_t mask)
{
	return serve_full(&am_std_impl, svc, STD_RESTRICT, priv, mask, 0,
			  STD_REP_MAX);
}

static void test_serve_restrict(void **state)
{
	struct am_objtab *tab = tab_new(8);
	struct am_service svc = { .tab = tab };
	struct am_priv p, q, q2, s;

	(void)state;
	p = make(tab, NULL);
	q = restrict_ok(&svc, p, 0xa6);
	assert_int_equal(q.prv_rights, 0xa6);
	assert_int_equal(rights_of(tab, q), 0xa6);
	q2 = restrict_ok(&svc, q, 0x0f);
	assert_int_equal(rights_of(tab, q2), 0x06);
	/* Rights once gone do not come back. */
	assert_int_equal(rights_of(tab, restrict_ok(&svc, q2, 0xff)), 0x06);
	q2 = restrict_ok(&svc, p, 0);
	assert_int_equal(rights_of(tab, q2), 0);
	/* No right is needed to restrict further. */
	assert_int_equal(rights_of(tab, restrict_ok(&svc, q2, 0xff)), 0);
	assert_int_equal(rights_of(tab, restrict_ok(&svc, p, 0xff)), 0xff);
	s = restrict_ok(&svc, super(tab), AM_RGT_READ);
	assert_int_equal(rights_of(tab, s), AM_RGT_READ);

	/* The mask is a uint8 in h_offset: more is a bad request. */
	assert_int_equal(restrict_err(&svc, p, 0x1234a6), STD_ARGBAD);
	assert_int_equal(restrict_err(&svc, p, 0x100), STD_ARGBAD);
	assert_int_equal(restrict_err(&svc, p, -1), STD_ARGBAD);

	q2.prv_rights = 0x07;
	assert_int_equal(restrict_err(&svc, q2, 0xff), STD_CAPBAD);
	q.prv_random.p[3] ^= 0x10;
	assert_int_equal(restrict_err(&svc, q, 0xff), STD_CAPBAD);
	am_objtab_free(tab);
}

static void test_serve_destroy_touch(void **state)
{
	struct am_objtab *tab = tab_new(8);
	struct am_service svc = { .tab = tab };
	struct am_priv p, q, f, s;
	int i;

	(void)state;
	p = make(tab, NULL);
	s = super(tab);
	q = narrow(tab, p, (uint8_t)~AM_RGT_DELETE);
	assert_int_equal(serve(&svc, STD_DESTROY, q), STD_DENIED);
	assert_int_equal(serve(&svc, STD_DESTROY, s), STD_DENIED);
	f = p;
	f.prv_random.p[1] ^= 0x40;
	assert_int_equal(serve(&svc, STD_DESTROY, f), STD_CAPBAD);
	assert_int_equal(serve(&svc, STD_TOUCH, f), STD_CAPBAD);
	assert_int_equal(am_objtab_count(tab), 1);

	/* Touched every cycle, it outlives its lifetime. */
	for (i = 0; i < 2 * AM_OBJ_LIFETIME; i++) {
		assert_int_equal(serve(&svc, STD_TOUCH, narrow(tab, p, 0)),
				 STD_OK);
		assert_int_equal(serve(&svc, STD_AGE, s), STD_OK);
	}
	assert_int_equal(am_objtab_count(tab), 1);
	/* And has a whole lifetime from the last touch. */
	assert_int_equal(serve(&svc, STD_TOUCH, p), STD_OK);
	for (i = 0; i < AM_OBJ_LIFETIME - 1; i++)
		assert_int_equal(am_objtab_age(tab), 0);
	assert_int_equal(am_objtab_count(tab), 1);
	assert_int_equal(serve(&svc, STD_TOUCH, p), STD_OK);
	age_expect(tab, AM_OBJ_LIFETIME - 1, 0);
	assert_int_equal(am_objtab_age(tab), 1);
	assert_int_equal(atomic_load(&releases), 1);
	assert_int_equal(serve(&svc, STD_TOUCH, p), STD_CAPBAD);

	p = make(tab, NULL);
	assert_int_equal(serve(&svc, STD_DESTROY,
			       narrow(tab, p, AM_RGT_DELETE)), STD_OK);
	assert_int_equal(am_objtab_count(tab), 0);
	assert_int_equal(atomic_load(&releases), 2);
	assert_int_equal(serve(&svc, STD_DESTROY, p), STD_CAPBAD);
	assert_int_equal(serve(&svc, STD_TOUCH, p), STD_CAPBAD);
	am_objtab_free(tab);
	assert_int_equal(atomic_load(&releases), 2);
}

static void test_serve_age(void **state)
{
	struct am_objtab *tab = tab_new(8);
	struct am_service svc = { .tab = tab };
	struct am_priv p, s;
	int i;

	(void)state;
	p = make(tab, NULL);
	make(tab, NULL);
	s = super(tab);
	assert_int_equal(serve(&svc, STD_AGE, p), STD_DENIED);
	assert_int_equal(serve(&svc, STD_AGE, narrow(tab, s, 0xfe)),
			 STD_DENIED);
	assert_int_equal(serve(&svc, STD_AGE, narrow(tab, s, 0x7f)),
			 STD_DENIED);
	s.prv_random.p[2] ^= 4;
	assert_int_equal(serve(&svc, STD_AGE, s), STD_CAPBAD);
	s = super(tab);
	/* The refusals aged nothing: a full lifetime to go. */
	for (i = 0; i < AM_OBJ_LIFETIME - 1; i++) {
		assert_int_equal(serve_full(&am_std_impl, &svc, STD_AGE, s,
					    77, 0, STD_REP_MAX), STD_OK);
		assert_int_equal(am_objtab_count(tab), 2);
	}
	assert_int_equal(atomic_load(&releases), 0);
	/* The reply no longer says how many went; h_offset stays 0. */
	assert_int_equal(serve(&svc, STD_AGE, s), STD_OK);
	assert_int_equal(am_objtab_count(tab), 0);
	assert_int_equal(atomic_load(&releases), 2);
	/* Object 0 itself does not age away. */
	for (i = 0; i < 2 * AM_OBJ_LIFETIME; i++)
		assert_int_equal(serve(&svc, STD_AGE, s), STD_OK);
	assert_int_equal(serve(&svc, STD_INFO, s), STD_OK);
	expect_text("service");
	am_objtab_free(tab);
	assert_int_equal(atomic_load(&releases), 2);
}

/* Request data, which no operation of std.ail takes, changes nothing. */
static void test_serve_argbad(void **state)
{
	struct am_objtab *tab = tab_new(8);
	struct texts t = { .text = "text" };
	struct am_service svc = { .tab = tab, .info = texts_info,
				  .status = texts_status, .arg = &t };
	struct am_priv p, s, cap;
	size_t i, reqlen;

	(void)state;
	t.svc = &svc;
	p = make(tab, NULL);
	s = super(tab);
	/* One cycle from aging away: an std_age or a touch would show. */
	age_expect(tab, AM_OBJ_LIFETIME - 1, 0);
	for (reqlen = 1; reqlen <= 8; reqlen += 7) {
		for (i = 0; i < ARRAY_SIZE(std_commands); i++) {
			cap = std_commands[i] == STD_AGE ? s : p;
			assert_int_equal(serve_full(&am_std_impl, &svc,
						    std_commands[i], cap, 0,
						    reqlen, STD_REP_MAX),
					 STD_ARGBAD);
		}
	}
	assert_int_equal(t.calls, 0);
	assert_int_equal(am_objtab_count(tab), 1);
	assert_int_equal(atomic_load(&releases), 0);
	assert_int_equal(am_objtab_age(tab), 1);
	assert_int_equal(atomic_load(&releases), 1);
	am_objtab_free(tab);
}

/* Too little room for an operation's reply: refused before it is run. */
static void test_serve_small(void **state)
{
	static const size_t short_by[] = { 1, 2, 4, 5, 16, 1028, 8196 };
	struct am_objtab *tab = tab_new(8);
	struct texts t = { .text = "twenty characters.." };
	struct am_service svc = { tab, texts_info, texts_status, &t };
	struct am_service plain = { .tab = tab };
	struct am_priv p;
	size_t i, need;

	(void)state;
	memset(xs, 'x', sizeof(xs));
	t.svc = &svc;
	p = make(tab, NULL);
	for (i = 0; i < ARRAY_SIZE(short_by); i++) {
		need = 4 + AM_STD_INFO_MAX;
		if (short_by[i] <= need) {
			assert_int_equal(serve_full(&am_std_impl, &svc,
						    STD_INFO, p, 0, 0,
						    need - short_by[i]),
					 STD_SYSERR);
			assert_int_equal(serve_full(&am_std_impl, &plain,
						    STD_INFO, p, 0, 0,
						    need - short_by[i]),
					 STD_SYSERR);
		}
		need = 4 + AM_STD_STATUS_MAX;
		assert_int_equal(serve_full(&am_std_impl, &svc, STD_STATUS, p,
					    0, 0, need - short_by[i]),
				 STD_SYSERR);
		need = sizeof(struct am_cap);
		if (short_by[i] <= need)
			assert_int_equal(serve_full(&am_std_impl, &svc,
						    STD_RESTRICT, p, 0xff, 0,
						    need - short_by[i]),
					 STD_SYSERR);
	}
	assert_int_equal(t.calls, 0);

	/* Just enough room, even for the longest texts. */
	t.fill = AM_STD_STATUS_MAX;
	assert_int_equal(serve_full(&am_std_impl, &svc, STD_INFO, p, 0, 0,
				    4 + AM_STD_INFO_MAX), STD_OK);
	expect_text_n(xs, AM_STD_INFO_MAX);
	assert_int_equal(serve_full(&am_std_impl, &svc, STD_STATUS, p, 0, 0,
				    4 + AM_STD_STATUS_MAX), STD_OK);
	expect_text_n(xs, AM_STD_STATUS_MAX);
	assert_int_equal(serve_full(&am_std_impl, &svc, STD_RESTRICT, p, 0x0f,
				    0, sizeof(struct am_cap)), STD_OK);
	assert_int_equal(reply_cap().cap_priv.prv_rights, 0x0f);
	assert_int_equal(t.calls, 2);

	/* Operations without reply data need no room at all. */
	assert_int_equal(serve_full(&am_std_impl, &svc, STD_TOUCH, p, 0, 0, 0),
			 STD_OK);
	assert_int_equal(serve_full(&am_std_impl, &svc, STD_AGE, super(tab),
				    0, 0, 0), STD_OK);
	assert_int_equal(serve_full(&am_std_impl, &svc, STD_DESTROY, p, 0, 0,
				    0), STD_OK);
	assert_int_equal(am_objtab_count(tab), 0);
	am_objtab_free(tab);
}

/* Callbacks that claim more, or less, than they wrote. */
static void test_serve_lies(void **state)
{
	static const ptrdiff_t lies[] = { 1, 5, 999, 10000,
					  PTRDIFF_MAX - AM_STD_STATUS_MAX };
	struct am_objtab *tab = tab_new(8);
	struct texts t = { .text = "twenty characters.." };
	struct am_service svc = { tab, texts_info, texts_status, &t };
	struct am_priv p;
	size_t i;

	(void)state;
	memset(xs, 'x', sizeof(xs));
	t.svc = &svc;
	p = make(tab, NULL);
	for (i = 0; i < ARRAY_SIZE(lies); i++) {
		t.lie = lies[i];
		/* What was never written is not sent. */
		t.fill = 0;
		assert_int_equal(serve(&svc, STD_INFO, p), STD_OK);
		expect_text("twenty characters..");
		assert_int_equal(serve(&svc, STD_STATUS, p), STD_OK);
		expect_text("twenty characters..");
		/* A full buffer is cut at the limit. */
		t.fill = AM_STD_STATUS_MAX;
		assert_int_equal(serve(&svc, STD_INFO, p), STD_OK);
		expect_text_n(xs, AM_STD_INFO_MAX);
		assert_int_equal(serve(&svc, STD_STATUS, p), STD_OK);
		expect_text_n(xs, AM_STD_STATUS_MAX);
	}
	/* Less than was written: the length the callback gives counts. */
	t.lie = -3;
	t.fill = 0;
	assert_int_equal(serve(&svc, STD_INFO, p), STD_OK);
	expect_text("twenty character");
	assert_int_equal(serve(&svc, STD_STATUS, p), STD_OK);
	expect_text("twenty character");
	t.lie = -(ptrdiff_t)strlen(t.text);
	assert_int_equal(serve(&svc, STD_INFO, p), STD_OK);
	expect_text("");
	assert_int_equal(serve(&svc, STD_STATUS, p), STD_OK);
	expect_text("");
	t.fill = AM_STD_STATUS_MAX;
	t.lie = -1;
	assert_int_equal(serve(&svc, STD_INFO, p), STD_OK);
	expect_text_n(xs, AM_STD_INFO_MAX - 1);
	assert_int_equal(serve(&svc, STD_STATUS, p), STD_OK);
	expect_text_n(xs, AM_STD_STATUS_MAX - 1);
	/* Every call had its full room. */
	assert_int_equal(t.calls, 4 * ARRAY_SIZE(lies) + 6);
	assert_int_equal(t.no_room, 0);
	am_objtab_free(tab);
}

/* What std.ail does not define, or a service cannot serve: STD_COMBAD. */
static void test_serve_combad(void **state)
{
	static const uint16_t other[] = {
		STD_MONITOR, STD_COPY, 1008, 1500, STD_LAST_COM,
		0, 1, 999, 2000, 2006, 65535
	};
	static const struct std_impl none;
	struct am_objtab *tab = tab_new(8);
	struct texts t = { .text = "text" };
	struct am_service svc = { tab, texts_info, texts_status, &t };
	struct am_service notab = { NULL, texts_info, texts_status, &t };
	struct am_priv p, s, f, cap;
	uint16_t command;
	size_t i;

	(void)state;
	t.svc = &svc;
	p = make(tab, NULL);
	s = super(tab);
	f = p;
	f.prv_random.p[4] ^= 1;
	for (i = 0; i < ARRAY_SIZE(other); i++) {
		command = other[i];
		assert_int_equal(serve(&svc, command, p), STD_COMBAD);
		assert_int_equal(serve(&svc, command, s), STD_COMBAD);
		assert_int_equal(serve(&svc, command, f), STD_COMBAD);
		assert_int_equal(serve_full(&am_std_impl, &svc, command, p, 5,
					    8, STD_REP_MAX), STD_COMBAD);
		assert_int_equal(serve_full(&none, &svc, command, p, 0, 0,
					    STD_REP_MAX), STD_COMBAD);
	}

	/* The std operations, with no table or no implementation. */
	for (i = 0; i < ARRAY_SIZE(std_commands); i++) {
		command = std_commands[i];
		cap = command == STD_AGE ? s : p;
		assert_int_equal(serve(&notab, command, cap), STD_COMBAD);
		assert_int_equal(serve(NULL, command, cap), STD_COMBAD);
		assert_int_equal(serve_full(&none, &svc, command, cap, 0, 0,
					    STD_REP_MAX), STD_COMBAD);
	}
	assert_int_equal(t.calls, 0);
	assert_int_equal(am_objtab_count(tab), 1);
	assert_int_equal(atomic_load(&releases), 0);
	assert_int_equal(serve(&svc, STD_INFO, p), STD_OK);
	expect_text("text");
	am_objtab_free(tab);
}

/* Put back the object of owner capability @owner, under its check. */
static errstat restore_owner(struct am_objtab *tab, const struct am_cap *owner,
			     void *data)
{
	return am_obj_restore(tab, am_priv_object(&owner->cap_priv),
			      &owner->cap_priv.prv_random, data);
}

/* @priv is valid in @tab, naming @data with exactly @rights. */
static void expect_obj(struct am_objtab *tab, struct am_priv priv,
		       void *data, uint8_t rights)
{
	uint8_t granted = 0;
	void *got = &got;

	assert_int_equal(am_obj_get(tab, &priv, rights, &got, &granted),
			 STD_OK);
	am_obj_put(tab, &priv);
	assert_ptr_equal(got, data);
	assert_int_equal(granted, rights);
}

/* A service restarts: the capabilities it gave out still work. */
static void test_restore(void **state)
{
	static const struct am_port null_check;
	struct am_objtab *a = tab_new(16), *b;
	struct am_service svc = { .tab = NULL };
	struct am_cap own[6], sa, sb, q2, cap;
	struct am_priv q1, qs, f;
	const struct am_port *check;
	uint32_t obj, seen = 0;
	struct rec r[6];
	size_t i;

	(void)state;
	memset(r, 0, sizeof(r));
	/* Before: five objects, and capabilities given out for them. */
	for (i = 1; i < ARRAY_SIZE(own); i++) {
		assert_int_equal(am_obj_create(a, NULL, &own[i]), STD_OK);
		assert_int_equal(am_priv_object(&own[i].cap_priv), i);
	}
	am_objtab_supercap(a, &sa);
	q1 = narrow(a, own[1].cap_priv, AM_RGT_READ);
	assert_int_equal(am_cap_restrict_owner(&own[2],
					       AM_RGT_READ | AM_RGT_DELETE,
					       &q2), STD_OK);
	qs = narrow(a, sa.cap_priv, AM_RGT_READ);
	am_objtab_free(a);

	/* After, with 3 and 4 gone meanwhile: a fresh table knows nothing. */
	b = tab_new(16);
	svc.tab = b;
	am_objtab_supercap(b, &sb);
	assert_memory_not_equal(&sb, &sa, sizeof(sa));
	assert_int_equal(try_get(b, sa.cap_priv, 0), STD_CAPBAD);
	assert_int_equal(try_get(b, own[1].cap_priv, 0), STD_CAPBAD);
	/* Object 0 takes the check alone: its data stays NULL. */
	assert_int_equal(am_obj_restore(b, 0, &sa.cap_priv.prv_random, &r[0]),
			 STD_OK);
	for (i = 1; i < ARRAY_SIZE(own); i++)
		if (i != 3 && i != 4)
			assert_int_equal(restore_owner(b, &own[i], &r[i]),
					 STD_OK);
	assert_int_equal(am_objtab_count(b), 3);
	am_objtab_supercap(b, &sb);
	assert_memory_equal(&sb, &sa, sizeof(sa));
	expect_obj(b, sa.cap_priv, NULL, AM_RIGHTS_ALL);
	expect_obj(b, qs, NULL, AM_RGT_READ);
	expect_obj(b, own[1].cap_priv, &r[1], AM_RIGHTS_ALL);
	expect_obj(b, q1, &r[1], AM_RGT_READ);
	assert_int_equal(try_get(b, q1, AM_RGT_DELETE), STD_DENIED);
	expect_obj(b, own[2].cap_priv, &r[2], AM_RIGHTS_ALL);
	expect_obj(b, q2.cap_priv, &r[2], AM_RGT_READ | AM_RGT_DELETE);
	expect_obj(b, own[5].cap_priv, &r[5], AM_RIGHTS_ALL);
	assert_int_equal(try_get(b, own[3].cap_priv, 0), STD_CAPBAD);
	assert_int_equal(try_get(b, own[4].cap_priv, 0), STD_CAPBAD);
	/* The table restricts as the old one did. */
	f = narrow(b, own[1].cap_priv, AM_RGT_READ);
	assert_memory_equal(&f, &q1, sizeof(f));
	f = narrow(b, sb.cap_priv, AM_RGT_READ);
	assert_memory_equal(&f, &qs, sizeof(f));
	/* Each secret is its own object's. */
	assert_int_equal(am_priv_encode(&f, 5, AM_RIGHTS_ALL,
					&own[2].cap_priv.prv_random), STD_OK);
	expect_forged(b, f);

	/* Live objects, null checks and numbers past the end: refused. */
	assert_int_equal(restore_owner(b, &own[2], &r[3]), STD_ARGBAD);
	assert_int_equal(restore_owner(b, &own[1], NULL), STD_ARGBAD);
	assert_int_equal(am_obj_restore(b, 2, &own[3].cap_priv.prv_random,
					&r[3]), STD_ARGBAD);
	assert_int_equal(am_obj_restore(b, 3, &null_check, &r[3]), STD_ARGBAD);
	assert_int_equal(am_obj_restore(b, 0, &null_check, NULL), STD_ARGBAD);
	check = &own[3].cap_priv.prv_random;
	assert_int_equal(am_obj_restore(b, 17, check, &r[3]), STD_ARGBAD);
	assert_int_equal(am_obj_restore(b, AM_OBJ_MAX + 1, check, &r[3]),
			 STD_ARGBAD);
	assert_int_equal(am_obj_restore(b, UINT32_MAX, check, &r[3]),
			 STD_ARGBAD);
	/* None of which changed anything. */
	assert_int_equal(am_objtab_count(b), 3);
	expect_obj(b, own[1].cap_priv, &r[1], AM_RIGHTS_ALL);
	expect_obj(b, own[2].cap_priv, &r[2], AM_RIGHTS_ALL);
	expect_obj(b, sa.cap_priv, NULL, AM_RIGHTS_ALL);
	assert_int_equal(try_get(b, own[3].cap_priv, 0), STD_CAPBAD);
	assert_int_equal(atomic_load(&releases), 0);

	/* New objects take the numbers skipped first, then the next one. */
	for (i = 0; i < 2; i++) {
		assert_int_equal(am_obj_create(b, NULL, &cap), STD_OK);
		obj = am_priv_object(&cap.cap_priv);
		assert_true(obj == 3 || obj == 4);
		seen |= 1u << obj;
	}
	assert_int_equal(seen, 1u << 3 | 1u << 4);
	assert_int_equal(am_obj_create(b, NULL, &cap), STD_OK);
	assert_int_equal(am_priv_object(&cap.cap_priv), 6);
	assert_int_equal(am_objtab_count(b), 6);
	assert_int_equal(am_obj_restore(b, 3, check, &r[3]), STD_ARGBAD);
	assert_int_equal(am_obj_restore(b, 6, check, &r[3]), STD_ARGBAD);
	expect_obj(b, own[1].cap_priv, &r[1], AM_RIGHTS_ALL);
	expect_obj(b, own[2].cap_priv, &r[2], AM_RIGHTS_ALL);
	expect_obj(b, own[5].cap_priv, &r[5], AM_RIGHTS_ALL);

	/* Destroying a restored object releases its data. */
	assert_int_equal(serve(&svc, STD_DESTROY, own[5].cap_priv), STD_OK);
	assert_int_equal(atomic_load(&r[5].released), 1);
	assert_int_equal(atomic_load(&releases), 1);
	assert_int_equal(am_obj_destroy(b, &q2.cap_priv, AM_RGT_DELETE),
			 STD_OK);
	assert_int_equal(atomic_load(&r[2].released), 1);
	assert_int_equal(atomic_load(&releases), 2);
	assert_int_equal(try_get(b, own[2].cap_priv, 0), STD_CAPBAD);
	assert_int_equal(try_get(b, own[5].cap_priv, 0), STD_CAPBAD);
	/* A number freed by destroying can be restored, and is not reused. */
	assert_int_equal(restore_owner(b, &own[5], &r[3]), STD_OK);
	expect_obj(b, own[5].cap_priv, &r[3], AM_RIGHTS_ALL);
	assert_int_equal(am_obj_create(b, NULL, &cap), STD_OK);
	assert_int_equal(am_priv_object(&cap.cap_priv), 2);
	assert_int_equal(am_obj_create(b, NULL, &cap), STD_OK);
	assert_int_equal(am_priv_object(&cap.cap_priv), 7);
	assert_int_equal(am_objtab_count(b), 7);
	am_objtab_free(b);
	/* r[1] and r[3] now, and the five objects without data. */
	assert_int_equal(atomic_load(&releases), 9);
	assert_int_equal(atomic_load(&r[0].released), 0);
	assert_int_equal(atomic_load(&r[4].released), 0);
	for (i = 1; i < 4; i++)
		assert_int_equal(atomic_load(&r[i].released), 1);
	assert_int_equal(atomic_load(&r[5].released), 1);
}

/*
 * Restored in any order, and past the table's first allocation: the
 * numbers in between stay free, each to be created once.
 */
static void test_restore_order(void **state)
{
	enum { MAX = 200 };
	static const uint32_t order[] = { 7, 6, 3, 150, 100, 64, 65, MAX, 1 };
	enum { N = ARRAY_SIZE(order) };
	struct am_objtab *tab = tab_new(MAX);
	struct am_port checks[N];
	uint8_t taken[MAX + 1];
	struct am_priv p[N];
	struct am_cap cap;
	struct rec r[N];
	uint32_t obj;
	size_t i, j;

	(void)state;
	memset(r, 0, sizeof(r));
	memset(taken, 0, sizeof(taken));
	/* Restored objects live as long as created ones. */
	assert_int_equal(am_objtab_lifetime(tab, 3), STD_OK);
	for (i = 0; i < N; i++) {
		assert_int_equal(am_port_random(&checks[i]), 0);
		assert_int_equal(am_obj_restore(tab, order[i], &checks[i],
						&r[i]), STD_OK);
		assert_int_equal(am_priv_encode(&p[i], order[i],
						AM_RIGHTS_ALL, &checks[i]),
				 STD_OK);
		taken[order[i]] = 1;
		assert_int_equal(am_objtab_count(tab), i + 1);
		for (j = 0; j <= i; j++)
			expect_obj(tab, p[j], &r[j], AM_RIGHTS_ALL);
	}
	for (i = 0; i < N; i++)
		assert_int_equal(am_obj_restore(tab, order[i], &checks[i],
						NULL), STD_ARGBAD);
	/* Every other number is created once, and then there is no room. */
	for (i = 0; i < MAX - N; i++) {
		assert_int_equal(am_obj_create(tab, NULL, &cap), STD_OK);
		obj = am_priv_object(&cap.cap_priv);
		assert_in_range(obj, 1, MAX);
		assert_int_equal(taken[obj], 0);
		taken[obj] = 1;
	}
	assert_int_equal(am_obj_create(tab, NULL, &cap), STD_NOSPACE);
	assert_int_equal(am_objtab_count(tab), MAX);
	for (i = 0; i < N; i++)
		expect_obj(tab, p[i], &r[i], AM_RIGHTS_ALL);
	age_expect(tab, 2, 0);
	assert_int_equal(am_objtab_age(tab), MAX);
	assert_int_equal(atomic_load(&releases), MAX);
	for (i = 0; i < N; i++)
		assert_int_equal(atomic_load(&r[i].released), 1);
	am_objtab_free(tab);
	assert_int_equal(atomic_load(&releases), MAX);
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
		cmocka_unit_test(test_lifetime),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_growth),
		cmocka_unit_test(test_serve_info),
		cmocka_unit_test(test_serve_status),
		cmocka_unit_test(test_serve_restrict),
		cmocka_unit_test(test_serve_destroy_touch),
		cmocka_unit_test(test_serve_age),
		cmocka_unit_test(test_serve_argbad),
		cmocka_unit_test(test_serve_small),
		cmocka_unit_test(test_serve_lies),
		cmocka_unit_test(test_serve_combad),
		cmocka_unit_test(test_restore),
		cmocka_unit_test(test_restore_order),
		cmocka_unit_test(test_threads),
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests_name("objtab", tests, NULL, NULL);
}
