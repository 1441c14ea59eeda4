// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of encrypted directories' keys (crypt.c): the key and check
 * wrapped for each of the 65 rights values a capability of an encrypted
 * directory may carry, and unwrapped by exactly the capabilities that
 * hold them: not with a wrong check, another object's number, rights
 * with the bits SOAP gives no meaning (0x30) or a damaged wrap.  Sealing:
 * round trips of every small length, fresh nonces, and refusal of a
 * flipped byte, a cut, another key or another object number.  TAP output
 * for prove.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "soap.h"

/* dir.c and log.c, linked in, report through soapd's logger. */
void dm_log(int level, const char *fmt, ...)
{
	va_list ap;

	printf("# log <%d> ", level);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

void dm_fatal(const char *fmt, ...)
{
	va_list ap;

	printf("# fatal: ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	abort();
}

/* The rights values that have a wrap: @i of SP_NWRAPS. */
static uint8_t rights_of(int i)
{
	static const uint8_t high[] = {
		0, SP_MODRGT, SP_DELRGT, SP_MODRGT | SP_DELRGT,
	};

	if (i == SP_NWRAPS - 1)
		return AM_RIGHTS_ALL;
	return (uint8_t)((i & SP_COLMASK) | high[i >> 4]);
}

static bool has_wrap(uint8_t rights)
{
	return rights == AM_RIGHTS_ALL || !(rights & ~SP_RIGHTS_USED);
}

struct keys {
	uint32_t	obj;
	struct am_port	check;
	uint8_t		key[SP_KEY_LEN];
	uint8_t		wraps[SP_NWRAPS * SP_WRAP_LEN];
};

static struct keys *keys_new(uint32_t obj)
{
	struct keys *k = calloc(1, sizeof(*k));

	assert_non_null(k);
	k->obj = obj;
	assert_int_equal(am_port_random(&k->check), 0);
	assert_int_equal(sp_random(k->key, sizeof(k->key)), 0);
	assert_int_equal(sp_wrap_all(obj, &k->check, k->key, k->wraps), 0);
	return k;
}

/* Unwrap with a capability of @rights made under @check for @obj. */
static errstat unwrap(const struct keys *k, uint32_t obj, uint8_t rights,
		      const struct am_port *check, uint8_t *key,
		      struct am_port *got)
{
	struct am_priv priv;

	assert_int_equal(am_priv_encode(&priv, obj, rights, check), STD_OK);
	return sp_unwrap(obj, &priv, k->wraps, key, got);
}

static void test_rights_values(void **state)
{
	bool seen[256] = { false };
	int i, n = 0;

	(void)state;
	assert_int_equal(SP_NWRAPS, 65);
	for (i = 0; i < SP_NWRAPS; i++) {
		assert_false(seen[rights_of(i)]);
		seen[rights_of(i)] = true;
	}
	for (i = 0; i < 256; i++) {
		assert_int_equal(seen[i], has_wrap((uint8_t)i));
		n += seen[i];
	}
	assert_int_equal(n, SP_NWRAPS);
}

/* Every rights value's capability gives the key and the check. */
static void test_wrap_each(void **state)
{
	struct keys *k = keys_new(7);
	uint8_t key[SP_KEY_LEN];
	struct am_port got;
	int i;

	(void)state;
	for (i = 0; i < SP_NWRAPS; i++) {
		memset(key, 0, sizeof(key));
		memset(&got, 0, sizeof(got));
		assert_int_equal(unwrap(k, 7, rights_of(i), &k->check, key,
					&got), STD_OK);
		assert_memory_equal(key, k->key, SP_KEY_LEN);
		assert_memory_equal(&got, &k->check, sizeof(got));
	}
	/* Each wrap is sealed with its own nonce under its own key. */
	for (i = 1; i < SP_NWRAPS; i++)
		assert_memory_not_equal(k->wraps, k->wraps + i * SP_WRAP_LEN,
					SP_NONCE_LEN);
	free(k);
}

static void test_wrong_check(void **state)
{
	struct keys *k = keys_new(7);
	uint8_t key[SP_KEY_LEN];
	struct am_port bad, got;
	int i, bit;

	(void)state;
	for (i = 0; i < SP_NWRAPS; i++) {
		for (bit = 0; bit < 48; bit += 7) {
			bad = k->check;
			bad.p[bit / 8] ^= (uint8_t)(1u << (bit % 8));
			assert_int_equal(unwrap(k, 7, rights_of(i), &bad, key,
						&got), STD_CAPBAD);
		}
		assert_int_equal(am_port_random(&bad), 0);
		assert_int_equal(unwrap(k, 7, rights_of(i), &bad, key, &got),
				 STD_CAPBAD);
	}
	free(k);
}

/*
 * Rights outside SOAP's bits have no wrap: such a capability is bad even
 * with the right check, so that it cannot be made by std_restrict either.
 */
static void test_rights_unused(void **state)
{
	struct keys *k = keys_new(9);
	uint8_t key[SP_KEY_LEN];
	struct am_port got;
	int r, n = 0;

	(void)state;
	for (r = 0; r < 256; r++) {
		if (has_wrap((uint8_t)r))
			continue;
		assert_true(r & 0x30);
		assert_int_equal(unwrap(k, 9, (uint8_t)r, &k->check, key, &got),
				 STD_CAPBAD);
		n++;
	}
	assert_int_equal(n, 256 - SP_NWRAPS);
	/* The owner's 0xff has those bits, and a wrap of its own. */
	assert_int_equal(unwrap(k, 9, 0xff, &k->check, key, &got), STD_OK);
	assert_int_equal(unwrap(k, 9, 0x3f, &k->check, key, &got),
			 STD_CAPBAD);
	assert_int_equal(unwrap(k, 9, 0x7f, &k->check, key, &got),
			 STD_CAPBAD);
	free(k);
}

/* A capability for another object does not open this one's wraps. */
static void test_other_object(void **state)
{
	struct keys *k = keys_new(5);
	struct keys *k2 = keys_new(6);
	uint8_t key[SP_KEY_LEN];
	struct am_port got;
	struct am_priv priv;

	(void)state;
	/* Right check, other object number. */
	assert_int_equal(unwrap(k, 6, 0xff, &k->check, key, &got),
			 STD_CAPBAD);
	assert_int_equal(unwrap(k, 5 | 1u << 16, 0xff, &k->check, key, &got),
			 STD_CAPBAD);
	/* Object 5's capability against object 6's wraps. */
	assert_int_equal(unwrap(k2, 5, 0xff, &k->check, key, &got),
			 STD_CAPBAD);
	/* Object 5's wraps, asked as if they were object 6's. */
	assert_int_equal(am_priv_encode(&priv, 6, 0xff, &k->check), STD_OK);
	assert_int_equal(sp_unwrap(6, &priv, k->wraps, key, &got), STD_CAPBAD);
	/* The same key and check under two objects wrap differently. */
	memcpy(k2->key, k->key, SP_KEY_LEN);
	k2->check = k->check;
	assert_int_equal(sp_wrap_all(6, &k2->check, k2->key, k2->wraps), 0);
	assert_int_equal(unwrap(k2, 5, 0xff, &k->check, key, &got),
			 STD_CAPBAD);
	assert_int_equal(unwrap(k2, 6, 0xff, &k->check, key, &got), STD_OK);
	free(k);
	free(k2);
}

/* A damaged wrap fails its own rights value only. */
static void test_wrap_damage(void **state)
{
	struct keys *k = keys_new(3);
	uint8_t key[SP_KEY_LEN];
	struct am_port got;
	int i, j, at;

	(void)state;
	for (i = 0; i < SP_NWRAPS; i += 5) {
		for (at = 0; at < SP_WRAP_LEN; at += 11) {
			k->wraps[i * SP_WRAP_LEN + at] ^= 0x01;
			for (j = 0; j < SP_NWRAPS; j++)
				assert_int_equal(unwrap(k, 3, rights_of(j),
							&k->check, key, &got),
						 j == i ? STD_CAPBAD : STD_OK);
			k->wraps[i * SP_WRAP_LEN + at] ^= 0x01;
		}
	}
	/* Two wraps swapped: each is bound to its rights value. */
	memcpy(k->wraps, k->wraps + SP_WRAP_LEN, SP_WRAP_LEN);
	assert_int_equal(unwrap(k, 3, rights_of(0), &k->check, key, &got),
			 STD_CAPBAD);
	assert_int_equal(unwrap(k, 3, rights_of(1), &k->check, key, &got),
			 STD_OK);
	free(k);
}

static void test_seal_open(void **state)
{
	uint8_t key[SP_KEY_LEN], key2[SP_KEY_LEN];
	uint8_t in[600], out[600 + SP_SEAL_OVER], out2[600 + SP_SEAL_OVER];
	uint8_t back[600];
	uint32_t len, i;

	(void)state;
	assert_int_equal(sp_random(key, sizeof(key)), 0);
	assert_int_equal(sp_random(key2, sizeof(key2)), 0);
	assert_memory_not_equal(key, key2, sizeof(key));
	for (len = 0; len <= sizeof(in); len += len < 40 ? 1 : 97) {
		assert_int_equal(sp_random(in, sizeof(in)), 0);
		assert_int_equal(sp_seal(key, 42, in, len, out), 0);
		memset(back, 0, sizeof(back));
		assert_int_equal(sp_open(key, 42, out, len + SP_SEAL_OVER,
					 back), 0);
		if (len)
			assert_memory_equal(back, in, len);
		/* The same bytes again: another nonce, other bytes. */
		assert_int_equal(sp_seal(key, 42, in, len, out2), 0);
		assert_memory_not_equal(out, out2, len + SP_SEAL_OVER);
		/* Another key, another object, cut short, too short. */
		assert_int_equal(sp_open(key2, 42, out, len + SP_SEAL_OVER,
					 back), -1);
		assert_int_equal(sp_open(key, 43, out, len + SP_SEAL_OVER,
					 back), -1);
		assert_int_equal(sp_open(key, 42 | 1u << 23, out,
					 len + SP_SEAL_OVER, back), -1);
		assert_int_equal(sp_open(key, 42, out, len + SP_SEAL_OVER - 1,
					 back), -1);
		/* Every byte flipped, nonce, text and tag, fails to open. */
		for (i = 0; i < len + SP_SEAL_OVER; i++) {
			out[i] ^= (uint8_t)(1u << (i % 8));
			assert_int_equal(sp_open(key, 42, out,
						 len + SP_SEAL_OVER, back), -1);
			out[i] ^= (uint8_t)(1u << (i % 8));
		}
	}
	for (len = 0; len < SP_SEAL_OVER; len++)
		assert_int_equal(sp_open(key, 42, out, len, back), -1);
}

static void test_random(void **state)
{
	uint8_t a[64], b[64];

	(void)state;
	memset(a, 0, sizeof(a));
	memset(b, 0, sizeof(b));
	assert_int_equal(sp_random(a, sizeof(a)), 0);
	assert_int_equal(sp_random(b, sizeof(b)), 0);
	assert_memory_not_equal(a, b, sizeof(a));
	assert_int_equal(sp_random(a, 0), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rights_values),
		cmocka_unit_test(test_wrap_each),
		cmocka_unit_test(test_wrong_check),
		cmocka_unit_test(test_rights_unused),
		cmocka_unit_test(test_other_object),
		cmocka_unit_test(test_wrap_damage),
		cmocka_unit_test(test_seal_open),
		cmocka_unit_test(test_random),
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests_name("crypt", tests, NULL, NULL);
}
