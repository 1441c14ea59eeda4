// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the Bullet store's on-disk format (table.c): crc32c on
 * known vectors and in hardware against software, the superblock and its
 * every refusal, slot copies, and the table loader's choice between two
 * copies: torn writes, seq wrap-around, and the damage it must report
 * and clear (both copies bad, null checks, extents outside the data area
 * or overlapping).  TAP output for prove.
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

#include "table.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

static uint64_t rng_state = 0x2545f4914f6cdd1dull;

static uint64_t rng(void)
{
	uint64_t x = rng_state;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	rng_state = x;
	return x;
}

static void fill_random(uint8_t *p, size_t len)
{
	while (len--)
		*p++ = (uint8_t)rng();
}

static void test_crc_vectors(void **state)
{
	/* RFC 3720 B.4, and the usual check value. */
	static const struct {
		uint8_t		fill;	/* 0xaa: 0, 1, ...; 0xbb: 31, 30, ... */
		uint32_t	crc;
	} v[] = {
		{ 0x00, 0x8a9136aa },
		{ 0xff, 0x62a8ab43 },
		{ 0xaa, 0x46dd794e },
		{ 0xbb, 0x113fdb5c },
	};
	static const char digits[] = "123456789";
	uint8_t buf[32];
	size_t i, j;

	(void)state;
	assert_int_equal(am_crc32c(0, "123456789", 9), 0xe3069283);
	assert_int_equal(am_crc32c_sw(0, "123456789", 9), 0xe3069283);
	assert_int_equal(am_crc32c(0, "", 0), 0);
	assert_int_equal(am_crc32c(0x12345678, "", 0), 0x12345678);
	for (i = 0; i < ARRAY_SIZE(v); i++) {
		for (j = 0; j < sizeof(buf); j++) {
			if (v[i].fill == 0xaa)
				buf[j] = (uint8_t)j;
			else if (v[i].fill == 0xbb)
				buf[j] = (uint8_t)(31 - j);
			else
				buf[j] = v[i].fill;
		}
		assert_int_equal(am_crc32c(0, buf, sizeof(buf)), v[i].crc);
		assert_int_equal(am_crc32c_sw(0, buf, sizeof(buf)), v[i].crc);
	}
	/* Continuing over a split gives the sum of the whole, anywhere. */
	for (i = 0; i <= 9; i++)
		assert_int_equal(am_crc32c(am_crc32c(0, digits, i), digits + i,
					   9 - i), 0xe3069283);
}

/*
 * am_crc32c takes the SSE4.2 path where the CPU has it: every length,
 * alignment and starting value must give what the table gives.
 */
static void test_crc_hw_sw(void **state)
{
	static uint8_t buf[4096 + 16];
	size_t len, off, cut;
	uint32_t crc, whole;

	(void)state;
#if defined(__x86_64__)
	if (!__builtin_cpu_supports("sse4.2"))
		printf("# no SSE4.2 here: am_crc32c is the table\n");
#endif
	fill_random(buf, sizeof(buf));
	for (len = 0; len <= 300; len++) {
		for (off = 0; off < 8; off++) {
			crc = (uint32_t)rng();
			assert_int_equal(am_crc32c(crc, buf + off, len),
					 am_crc32c_sw(crc, buf + off, len));
		}
	}
	whole = am_crc32c_sw(0, buf + 3, 4096);
	assert_int_equal(am_crc32c(0, buf + 3, 4096), whole);
	for (cut = 0; cut <= 4096; cut += 37)
		assert_int_equal(am_crc32c(am_crc32c(0, buf + 3, cut),
					   buf + 3 + cut, 4096 - cut), whole);
}

static void test_sizes(void **state)
{
	(void)state;
	assert_int_equal(bs_table_blocks(1), 1);
	assert_int_equal(bs_table_blocks(32), 1);
	assert_int_equal(bs_table_blocks(33), 2);
	assert_int_equal(bs_table_blocks(BS_SLOTS_MAX), 524288);
	assert_int_equal(bs_size_blocks(0), 0);
	assert_int_equal(bs_size_blocks(1), 1);
	assert_int_equal(bs_size_blocks(4096), 1);
	assert_int_equal(bs_size_blocks(4097), 2);
	assert_int_equal(bs_size_blocks(UINT64_MAX), 1ull << 52);
	assert_int_equal(bs_copy_offset(0, 0), 4096);
	assert_int_equal(bs_copy_offset(0, 1), 4096 + 64);
	assert_int_equal(bs_copy_offset(33, 1), 4096 + 33 * 128 + 64);
	assert_int_equal(bs_copy_offset(BS_SLOTS_MAX - 1, 1),
			 4096 + (uint64_t)(BS_SLOTS_MAX - 1) * 128 + 64);
}

static void test_super_make(void **state)
{
	struct bs_super sb;
	const char *why = NULL;

	(void)state;
	assert_true(bs_super_make(&sb, 1000, 100, &why));
	assert_int_equal(sb.nblocks, 1000);
	assert_int_equal(sb.nslots, 100);
	assert_int_equal(sb.table_blocks, 4);
	assert_int_equal(sb.data_start, 5);
	assert_int_equal(bs_data_end(&sb), 999);

	/* Superblock, 4 table blocks, one data block, the copy. */
	assert_true(bs_super_make(&sb, 7, 100, &why));
	assert_int_equal(sb.data_start, 5);
	assert_int_equal(bs_data_end(&sb), 6);
	assert_false(bs_super_make(&sb, 6, 100, &why));
	assert_non_null(why);
	assert_false(bs_super_make(&sb, 1000, 0, &why));
	assert_false(bs_super_make(&sb, 1ull << 40, BS_SLOTS_MAX + 1, &why));
	assert_true(bs_super_make(&sb, 1ull << 40, BS_SLOTS_MAX, &why));
	assert_int_equal(sb.data_start, 524289);
	assert_false(bs_super_make(&sb, 0, 1, NULL));
}

static const struct am_port port_a = { { 1, 2, 3, 4, 5, 6 } };
static const struct am_port port_b = { { 0xa, 0xb, 0xc, 0xd, 0xe, 0xf } };

static void good_super(struct bs_super *sb, uint8_t *buf)
{
	const char *why;

	assert_true(bs_super_make(sb, 1000, 100, &why));
	sb->getport = port_a;
	sb->supercheck = port_b;
	sb->created = 1700000000;
	bs_super_encode(sb, buf);
}

/* Field by field: the structs have padding. */
static void entry_equal(const struct bs_entry *a, const struct bs_entry *b)
{
	assert_int_equal(a->seq, b->seq);
	assert_int_equal(a->state, b->state);
	assert_memory_equal(a->check.p, b->check.p, AM_PORTSIZE);
	assert_int_equal(a->start, b->start);
	assert_int_equal(a->size, b->size);
	assert_int_equal(a->ctime, b->ctime);
	assert_int_equal(a->data_crc, b->data_crc);
}

static void super_equal(const struct bs_super *a, const struct bs_super *b)
{
	assert_int_equal(a->nblocks, b->nblocks);
	assert_int_equal(a->nslots, b->nslots);
	assert_int_equal(a->table_blocks, b->table_blocks);
	assert_int_equal(a->data_start, b->data_start);
	assert_memory_equal(a->getport.p, b->getport.p, AM_PORTSIZE);
	assert_memory_equal(a->supercheck.p, b->supercheck.p, AM_PORTSIZE);
	assert_int_equal(a->created, b->created);
}

static void put32(uint8_t *p, uint32_t v)
{
	int i;

	for (i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void put64(uint8_t *p, uint64_t v)
{
	put32(p, (uint32_t)v);
	put32(p + 4, (uint32_t)(v >> 32));
}

static void test_super_roundtrip(void **state)
{
	struct bs_super sb, out;
	uint8_t buf[BS_SUPER_LEN], want[BS_SUPER_LEN] = { 0 };
	const char *why = NULL;

	(void)state;
	good_super(&sb, buf);
	/* The layout table.h promises, byte by byte. */
	memcpy(want, "AMBULLET", 8);
	put32(want + 8, 1);
	put32(want + 12, 4096);
	put64(want + 16, 1000);
	put32(want + 24, 100);
	put32(want + 28, 4);
	put64(want + 32, 5);
	memcpy(want + 40, port_a.p, 6);
	memcpy(want + 46, port_b.p, 6);
	put64(want + 52, 1700000000);
	put32(want + 60, am_crc32c(0, want, 60));
	assert_memory_equal(buf, want, sizeof(buf));

	memset(&out, 0xee, sizeof(out));
	assert_true(bs_super_decode(buf, 1000, &out, &why));
	super_equal(&out, &sb);
}

/* Decoding fails with a reason containing @want; @sb untouched. */
static void refused(const uint8_t *buf, uint64_t dev_blocks,
		    const char *want)
{
	struct bs_super sb, pattern;
	const char *why = NULL;

	memset(&pattern, 0x5a, sizeof(pattern));
	sb = pattern;
	assert_false(bs_super_decode(buf, dev_blocks, &sb, &why));
	assert_non_null(why);
	if (!strstr(why, want))
		fail_msg("\"%s\" for \"%s\"", why, want);
	assert_memory_equal(&sb, &pattern, sizeof(sb));
}

/* Change a field, and sum it again so that only the field is wrong. */
static void resum(uint8_t *buf)
{
	put32(buf + 60, am_crc32c(0, buf, 60));
}

static void test_super_rejects(void **state)
{
	struct bs_super sb;
	uint8_t good[BS_SUPER_LEN], buf[BS_SUPER_LEN];
	size_t i;

	(void)state;
	good_super(&sb, good);
	for (i = 0; i < BS_SUPER_LEN; i++) {
		memcpy(buf, good, sizeof(buf));
		buf[i] ^= 0x10;
		refused(buf, 1000, i < 8 ? "bad magic" : "checksum mismatch");
	}
	memset(buf, 0, sizeof(buf));
	refused(buf, 1000, "bad magic");

#define BAD(off, put, val, dev, msg) do {		\
		memcpy(buf, good, sizeof(buf));		\
		put(buf + (off), val);			\
		resum(buf);				\
		refused(buf, dev, msg);			\
	} while (0)

	BAD(8, put32, 7, 1000, "unsupported version 7");
	BAD(12, put32, 512, 1000, "block size 512, not 4096");
	BAD(24, put32, 0, 1000, "no slots");
	BAD(24, put32, BS_SLOTS_MAX + 1, 1000, "slots, more than");
	BAD(24, put32, 200, 1000, "table of 4 blocks, 200 slots take 7");
	BAD(28, put32, 5, 1000, "table of 5 blocks");
	BAD(32, put64, 4, 1000, "table overlaps data");
	BAD(32, put64, 6, 1000, "data starts at block 6");
	BAD(16, put64, 200, 100,
	    "store is 100 blocks, the superblock says 200");
	BAD(16, put64, 6, 6, "no data blocks");
	BAD(16, put64, 0, 0, "no data blocks");
	memset(good + 40, 0, 6);
	BAD(40, put32, 0, 1000, "null get-port");
	memcpy(good + 40, port_a.p, 6);
	memset(good + 46, 0, 6);
	BAD(46, put32, 0, 1000, "null super check");
#undef BAD

	/* The smallest store: one data block between table and copy. */
	memcpy(buf, good, sizeof(buf));
	memcpy(buf + 46, port_b.p, 6);
	put64(buf + 16, 7);
	resum(buf);
	assert_true(bs_super_decode(buf, 7, &sb, NULL));
	assert_int_equal(bs_data_end(&sb), 6);
}

static struct bs_entry live(uint32_t seq, uint64_t start, uint64_t size)
{
	struct bs_entry e = {
		.seq = seq,
		.state = BS_LIVE,
		.check = port_a,
		.start = start,
		.size = size,
		.ctime = 1700000001,
		.data_crc = 0xdeadbeef,
	};

	return e;
}

static struct bs_entry freed(uint32_t seq)
{
	struct bs_entry e = { .seq = seq, .state = BS_FREE };

	return e;
}

static void test_entry(void **state)
{
	struct bs_entry e = live(3, 10, 5000), out;
	uint8_t buf[BS_COPY_LEN], bad[BS_COPY_LEN];
	size_t i;

	(void)state;
	bs_entry_encode(&e, buf);
	assert_int_equal(buf[4], 3);
	assert_int_equal(buf[8], BS_LIVE);
	assert_memory_equal(buf + 10, port_a.p, 6);
	assert_int_equal(buf[16], 10);
	assert_int_equal(buf[24] | buf[25] << 8, 5000);
	assert_int_equal(buf[40], 0xef);
	assert_int_equal(buf[0] | buf[1] << 8 | buf[2] << 16 |
			 (uint32_t)buf[3] << 24, am_crc32c(0, buf + 4, 60));
	assert_int_equal(bs_entry_decode(buf, &out), 1);
	entry_equal(&out, &e);

	e = freed(9);
	bs_entry_encode(&e, buf);
	assert_int_equal(bs_entry_decode(buf, &out), 1);
	entry_equal(&out, &e);

	e = live(1, 0, 0);
	bs_entry_encode(&e, buf);
	assert_int_equal(bs_entry_decode(buf, &out), 1);

	memset(buf, 0, sizeof(buf));
	memset(&out, 0xee, sizeof(out));
	assert_int_equal(bs_entry_decode(buf, &out), 0);
	assert_true(out.seq == 0 && out.state == BS_FREE && !out.size);

	/* Any flipped bit fails the checksum. */
	e = live(3, 10, 5000);
	bs_entry_encode(&e, buf);
	for (i = 0; i < BS_COPY_LEN * 8; i++) {
		memcpy(bad, buf, sizeof(bad));
		bad[i / 8] ^= (uint8_t)(1 << (i % 8));
		assert_int_equal(bs_entry_decode(bad, &out), -1);
	}

	/* A good checksum over contents no writer makes. */
#define BAD_COPY(mod) do {						\
		memcpy(bad, buf, sizeof(bad));				\
		mod;							\
		put32(bad, am_crc32c(0, bad + 4, 60));			\
		assert_int_equal(bs_entry_decode(bad, &out), -1);	\
	} while (0)

	BAD_COPY(bad[8] = 2);
	BAD_COPY(bad[9] = 1);
	BAD_COPY(bad[63] = 1);
	BAD_COPY(bad[44] = 1);
	BAD_COPY(memset(bad + 10, 0, 6));
	BAD_COPY(memset(bad + 24, 0, 8));
	e = freed(4);
	bs_entry_encode(&e, buf);
	BAD_COPY(bad[10] = 1);
	BAD_COPY(bad[16] = 1);
	BAD_COPY(bad[24] = 1);
	BAD_COPY(bad[32] = 1);
	BAD_COPY(bad[40] = 1);
#undef BAD_COPY
}

/* A small store for the loader: 40 slots, data blocks [3, 999). */
#define NSLOTS	40

struct fixture {
	struct bs_super	sb;
	uint8_t		table[NSLOTS * BS_SLOT_LEN];
	struct bs_slot	slots[NSLOTS];
	uint32_t	nreports;
	uint32_t	report_slot[16];
	char		report[16][160];
};

static struct fixture *fx_new(void)
{
	struct fixture *f = calloc(1, sizeof(*f));
	const char *why;

	assert_non_null(f);
	assert_true(bs_super_make(&f->sb, 1000, NSLOTS, &why));
	assert_int_equal(f->sb.data_start, 3);
	return f;
}

/* Where the copy is in the table, which starts at block 1. */
static uint8_t *copy_at(struct fixture *f, uint32_t slot, unsigned int which)
{
	return f->table + (bs_copy_offset(slot, which) - BS_BLOCK);
}

static void put_copy(struct fixture *f, uint32_t slot, unsigned int which,
		     struct bs_entry e)
{
	bs_entry_encode(&e, copy_at(f, slot, which));
}

static void put_garbage(struct fixture *f, uint32_t slot, unsigned int which)
{
	fill_random(copy_at(f, slot, which), BS_COPY_LEN);
}

static void on_damage(void *arg, uint32_t slot, const char *what)
{
	struct fixture *f = arg;

	assert_true(f->nreports < 16);
	f->report_slot[f->nreports] = slot;
	snprintf(f->report[f->nreports], sizeof(f->report[0]), "%s", what);
	f->nreports++;
}

static uint32_t load(struct fixture *f)
{
	uint32_t n;

	f->nreports = 0;
	memset(f->slots, 0xee, sizeof(f->slots));
	n = bs_table_load(&f->sb, f->table, f->slots, on_damage, f);
	assert_int_equal(n, f->nreports);
	return n;
}

/* Was slot @slot reported with a message containing @want? */
static void reported(const struct fixture *f, uint32_t slot, const char *want)
{
	uint32_t i;

	for (i = 0; i < f->nreports; i++)
		if (f->report_slot[i] == slot && strstr(f->report[i], want))
			return;
	fail_msg("slot %u: no report of \"%s\"", slot, want);
}

static void is_free(const struct fixture *f, uint32_t slot, uint32_t seq,
		    unsigned int which)
{
	const struct bs_slot *s = &f->slots[slot];

	assert_int_equal(s->cur.state, BS_FREE);
	assert_int_equal(s->cur.seq, seq);
	assert_true(am_port_null(&s->cur.check));
	assert_true(!s->cur.start && !s->cur.size && !s->cur.ctime);
	assert_int_equal(s->which, which);
}

static void is_entry(const struct fixture *f, uint32_t slot,
		     struct bs_entry e, unsigned int which)
{
	entry_equal(&f->slots[slot].cur, &e);
	assert_int_equal(f->slots[slot].which, which);
}

static void test_load_empty(void **state)
{
	struct fixture *f = fx_new();
	uint32_t i;

	(void)state;
	assert_int_equal(load(f), 0);
	for (i = 0; i < NSLOTS; i++)
		is_free(f, i, 0, 1);
	free(f);
}

static void test_load_choice(void **state)
{
	struct fixture *f = fx_new();

	(void)state;
	/* Only A written: the first write of a slot. */
	put_copy(f, 0, 0, live(1, 3, 4096));
	/* B newer. */
	put_copy(f, 1, 0, live(1, 4, 100));
	put_copy(f, 1, 1, freed(2));
	/* A newer, and the file's last block is the data area's last. */
	put_copy(f, 2, 0, live(7, 998, 4096));
	put_copy(f, 2, 1, live(6, 5, 1));
	/* An empty file has no extent, and may sit anywhere. */
	put_copy(f, 3, 1, live(12, 0, 0));
	put_copy(f, 4, 1, live(12, 0, 0));
	assert_int_equal(load(f), 0);
	is_entry(f, 0, live(1, 3, 4096), 0);
	is_entry(f, 1, freed(2), 1);
	is_entry(f, 2, live(7, 998, 4096), 0);
	is_entry(f, 3, live(12, 0, 0), 1);
	is_entry(f, 4, live(12, 0, 0), 1);
	is_free(f, 5, 0, 1);
	free(f);
}

/* What a crash mid-write leaves is the previous state, not damage. */
static void test_load_torn(void **state)
{
	struct fixture *f = fx_new();

	(void)state;
	put_copy(f, 0, 0, live(5, 10, 8192));
	put_garbage(f, 0, 1);
	put_garbage(f, 1, 0);
	put_copy(f, 1, 1, live(9, 20, 1));
	/* A first write torn: the slot was and is free. */
	put_garbage(f, 2, 0);
	put_garbage(f, 3, 1);
	/* A torn copy that claims to be newer: its seq means nothing. */
	put_copy(f, 4, 1, live(3, 30, 1));
	put_copy(f, 4, 0, live(4, 31, 1));
	copy_at(f, 4, 0)[20] ^= 1;
	assert_int_equal(load(f), 0);
	is_entry(f, 0, live(5, 10, 8192), 0);
	is_entry(f, 1, live(9, 20, 1), 1);
	is_free(f, 2, 0, 1);
	is_free(f, 3, 0, 0);
	is_entry(f, 4, live(3, 30, 1), 1);
	free(f);
}

static void test_load_seq_wrap(void **state)
{
	struct fixture *f = fx_new();

	(void)state;
	put_copy(f, 0, 0, live(0xffffffff, 10, 1));
	put_copy(f, 0, 1, live(0, 11, 1));
	put_copy(f, 1, 0, live(0, 12, 1));
	put_copy(f, 1, 1, live(0xffffffff, 13, 1));
	put_copy(f, 2, 0, live(0x7ffffffe, 14, 1));
	put_copy(f, 2, 1, live(0x80000001, 15, 1));
	assert_int_equal(load(f), 0);
	is_entry(f, 0, live(0, 11, 1), 1);
	is_entry(f, 1, live(0, 12, 1), 0);
	is_entry(f, 2, live(0x80000001, 15, 1), 1);
	free(f);
}

static void test_load_both_damaged(void **state)
{
	struct fixture *f = fx_new();

	(void)state;
	put_garbage(f, 6, 0);
	put_garbage(f, 6, 1);
	put_copy(f, 7, 0, live(1, 10, 1));
	assert_int_equal(load(f), 1);
	reported(f, 6, "both copies fail their checksum");
	is_free(f, 6, 0, 1);
	is_entry(f, 7, live(1, 10, 1), 0);
	free(f);
}

static void test_load_null_check(void **state)
{
	struct fixture *f = fx_new();
	struct bs_entry e = live(4, 10, 1);

	(void)state;
	memset(&e.check, 0, sizeof(e.check));
	put_copy(f, 2, 0, e);
	/* Older than a good copy: never current, so harmless. */
	put_copy(f, 3, 0, e);
	put_copy(f, 3, 1, live(5, 11, 1));
	/* Newer than a good copy, which must not come back. */
	put_copy(f, 4, 1, e);
	put_copy(f, 4, 0, live(3, 12, 1));
	assert_int_equal(load(f), 2);
	reported(f, 2, "live file with a null check");
	reported(f, 4, "live file with a null check");
	/* The next write (seq 5) goes over the damaged copy, and wins. */
	is_free(f, 2, 4, 1);
	is_entry(f, 3, live(5, 11, 1), 1);
	is_free(f, 4, 4, 0);

	put_copy(f, 4, !f->slots[4].which, freed(f->slots[4].cur.seq + 1));
	assert_int_equal(load(f), 1);
	is_entry(f, 4, freed(5), 1);
	free(f);
}

static void test_load_bad_fields(void **state)
{
	struct fixture *f = fx_new();
	uint8_t *p;

	(void)state;
	put_copy(f, 0, 0, live(2, 10, 1));
	p = copy_at(f, 0, 0);
	p[8] = 9;
	put32(p, am_crc32c(0, p + 4, 60));
	put_copy(f, 1, 1, live(2, 0, 0));
	p = copy_at(f, 1, 1);
	p[16] = 50;
	put32(p, am_crc32c(0, p + 4, 60));
	assert_int_equal(load(f), 2);
	reported(f, 0, "unknown state");
	reported(f, 1, "empty file with an extent");
	is_free(f, 0, 2, 1);
	is_free(f, 1, 2, 0);
	free(f);
}

static void test_load_outside(void **state)
{
	struct fixture *f = fx_new();

	(void)state;
	put_copy(f, 0, 0, live(1, 2, 1));
	put_copy(f, 1, 0, live(1, 998, 4097));
	put_copy(f, 2, 0, live(1, 999, 1));
	put_copy(f, 3, 0, live(1, 3, UINT64_MAX));
	put_copy(f, 4, 0, live(1, UINT64_MAX, 1));
	put_copy(f, 5, 0, live(1, 3, 996 * 4096));
	assert_int_equal(load(f), 5);
	reported(f, 0, "extent 2+1 outside the data area [3, 999)");
	reported(f, 1, "extent 998+2 outside");
	reported(f, 2, "extent 999+1 outside");
	reported(f, 3, "extent 3+4503599627370496 outside");
	reported(f, 4, "outside");
	is_free(f, 0, 1, 1);
	is_free(f, 4, 1, 1);
	is_entry(f, 5, live(1, 3, 996 * 4096), 0);
	free(f);
}

static void test_load_overlap(void **state)
{
	struct fixture *f = fx_new();

	(void)state;
	put_copy(f, 2, 0, live(1, 10, 5 * 4096));
	put_copy(f, 7, 1, live(1, 12, 1));
	/* Touching is not overlapping. */
	put_copy(f, 3, 0, live(1, 15, 4096));
	put_copy(f, 4, 0, live(1, 9, 4096));
	/* One large extent over two disjoint ones: all three go. */
	put_copy(f, 10, 0, live(1, 100, 50 * 4096));
	put_copy(f, 11, 0, live(1, 110, 4096));
	put_copy(f, 12, 0, live(1, 140, 4096));
	/* The same start. */
	put_copy(f, 20, 0, live(1, 200, 4096));
	put_copy(f, 21, 0, live(1, 200, 4096));
	assert_int_equal(load(f), 7);
	reported(f, 2, "extent 10+5 overlaps slot 7's");
	reported(f, 7, "extent 12+1 overlaps slot 2's");
	reported(f, 10, "overlaps slot 11's");
	reported(f, 11, "overlaps slot 10's");
	reported(f, 12, "overlaps slot 10's");
	reported(f, 20, "overlaps slot 21's");
	reported(f, 21, "overlaps slot 20's");
	is_free(f, 2, 1, 1);
	is_free(f, 7, 1, 0);
	is_free(f, 10, 1, 1);
	is_free(f, 11, 1, 1);
	is_free(f, 12, 1, 1);
	is_entry(f, 3, live(1, 15, 4096), 0);
	is_entry(f, 4, live(1, 9, 4096), 0);
	free(f);
}

/*
 * A large table loads in n log n: a quadratic overlap check would take
 * minutes here.  Every file is one block, in reverse order on disk, and
 * the last two overlap.
 */
static void test_load_large(void **state)
{
	const uint32_t n = 1u << 18;
	struct bs_super sb;
	struct bs_slot *slots;
	uint8_t *table;
	const char *why;
	uint32_t i, bad = 0;

	(void)state;
	assert_true(bs_super_make(&sb, 3ull * n, n, &why));
	table = calloc(n, BS_SLOT_LEN);
	slots = calloc(n, sizeof(*slots));
	assert_non_null(table);
	assert_non_null(slots);
	for (i = 0; i < n; i++) {
		struct bs_entry e = live(1, sb.data_start + 2ull * (n - i),
					 4096);

		if (i == n - 1)
			e.start = sb.data_start + 4;
		bs_entry_encode(&e, table + (size_t)i * BS_SLOT_LEN);
	}
	assert_int_equal(bs_table_load(&sb, table, slots, NULL, NULL), 2);
	for (i = 0; i < n; i++)
		bad += slots[i].cur.state == BS_FREE;
	assert_int_equal(bad, 2);
	assert_int_equal(slots[n - 1].cur.state, BS_FREE);
	assert_int_equal(slots[n - 2].cur.state, BS_FREE);
	free(table);
	free(slots);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_crc_vectors),
		cmocka_unit_test(test_crc_hw_sw),
		cmocka_unit_test(test_sizes),
		cmocka_unit_test(test_super_make),
		cmocka_unit_test(test_super_roundtrip),
		cmocka_unit_test(test_super_rejects),
		cmocka_unit_test(test_entry),
		cmocka_unit_test(test_load_empty),
		cmocka_unit_test(test_load_choice),
		cmocka_unit_test(test_load_torn),
		cmocka_unit_test(test_load_seq_wrap),
		cmocka_unit_test(test_load_both_damaged),
		cmocka_unit_test(test_load_null_check),
		cmocka_unit_test(test_load_bad_fields),
		cmocka_unit_test(test_load_outside),
		cmocka_unit_test(test_load_overlap),
		cmocka_unit_test(test_load_large),
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests_name("table", tests, NULL, NULL);
}
