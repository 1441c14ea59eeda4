// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness for the Bullet store's format (table.c).  The input
 * is a superblock (its first 64 bytes) and table bytes after it.  The
 * superblock is decoded as it stands and, valid or not, a small store is
 * also made from its first bytes, so that the loader always gets the
 * table bytes to chew on.  A checksum field of zero (in the superblock,
 * or in a copy not all zero) is put right before anything is decoded:
 * otherwise almost nothing fuzzed would pass its checksum, and the checks
 * behind it would go unfuzzed.
 *
 * What must hold, whatever the bytes: a valid superblock encodes back to
 * the same bytes; a copy decodes, if at all, to what encodes back to it;
 * and what the loader returns is a table the server can trust: live files
 * with a check, inside the data area, disjoint (the allocator must take
 * every one of them), each the decoding of its current copy on disk.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "table.h"

#define check(cond)	do { if (!(cond)) __builtin_trap(); } while (0)

static uint32_t get_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static uint64_t get_le64(const uint8_t *p)
{
	return (uint64_t)get_le32(p) | (uint64_t)get_le32(p + 4) << 32;
}

static bool same_entry(const struct bs_entry *a, const struct bs_entry *b)
{
	return a->seq == b->seq && a->state == b->state &&
	       !memcmp(a->check.p, b->check.p, AM_PORTSIZE) &&
	       a->start == b->start && a->size == b->size &&
	       a->ctime == b->ctime && a->data_crc == b->data_crc;
}

static bool all_zero(const uint8_t *p, size_t len)
{
	while (len--)
		if (*p++)
			return false;
	return true;
}

static void fuzz_copy(const uint8_t *buf)
{
	struct bs_entry e;
	uint8_t again[BS_COPY_LEN];

	switch (bs_entry_decode(buf, &e)) {
	case 1:
		bs_entry_encode(&e, again);
		check(!memcmp(again, buf, BS_COPY_LEN));
		break;
	case 0:
		check(all_zero(buf, BS_COPY_LEN));
		break;
	case -1:
		check(!all_zero(buf, BS_COPY_LEN));
		break;
	default:
		check(0);
	}
}

struct tally {
	uint32_t	nslots;
	uint32_t	count;
};

static void on_damage(void *arg, uint32_t slot, const char *what)
{
	struct tally *t = arg;

	check(slot < t->nslots || slot == UINT32_MAX);
	check(what && *what);
	t->count++;
}

static void fuzz_load(const struct bs_super *sb, const uint8_t *table)
{
	struct tally t = { .nslots = sb->nslots };
	struct bs_slot *slots;
	struct bs_alloc a;
	uint64_t end = bs_data_end(sb);
	uint32_t i, n;

	slots = malloc(sb->nslots * sizeof(*slots));
	check(slots);
	n = bs_table_load(sb, table, slots, on_damage, &t);
	check(n == t.count);
	check(!bs_alloc_init(&a, sb->data_start, end));

	for (i = 0; i < sb->nslots; i++) {
		const struct bs_slot *s = &slots[i];
		const struct bs_entry *e = &s->cur;
		const uint8_t *copy;
		uint8_t buf[BS_COPY_LEN];
		struct bs_entry back;
		uint64_t blocks;

		check(s->which <= 1);
		bs_entry_encode(e, buf);
		check(bs_entry_decode(buf, &back) == 1);
		check(same_entry(&back, e));
		if (e->state == BS_FREE) {
			check(am_port_null(&e->check));
			check(!e->start && !e->size && !e->ctime &&
			      !e->data_crc);
			continue;
		}
		check(e->state == BS_LIVE);
		check(!am_port_null(&e->check));
		/* A live slot is what its current copy says, unchanged. */
		copy = table + (bs_copy_offset(i, s->which) - BS_BLOCK);
		check(bs_entry_decode(copy, &back) == 1);
		check(same_entry(&back, e));
		if (!e->size) {
			check(!e->start);
			continue;
		}
		blocks = bs_size_blocks(e->size);
		check(e->start >= sb->data_start && e->start < end);
		check(blocks <= end - e->start);
		/* Disjoint: each one's blocks still free. */
		check(!bs_alloc_take(&a, e->start, blocks));
	}
	for (i = 0; i < sb->nslots; i++) {
		const struct bs_entry *e = &slots[i].cur;

		if (e->state == BS_LIVE && e->size)
			check(!bs_alloc_put(&a, e->start,
					    bs_size_blocks(e->size)));
	}
	check(a.free == end - sb->data_start);
	check(a.n == 1);
	bs_alloc_fini(&a);
	free(slots);
}

static void put_le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

/* Zero checksum fields put right, in the superblock and in the copies. */
static void fix_sums(uint8_t *super, uint8_t *table, size_t len)
{
	size_t off;

	if (!get_le32(super + 60))
		put_le32(super + 60, am_crc32c(0, super, 60));
	for (off = 0; off + BS_COPY_LEN <= len; off += BS_COPY_LEN) {
		uint8_t *p = table + off;

		if (!get_le32(p) && !all_zero(p, BS_COPY_LEN))
			put_le32(p, am_crc32c(0, p + 4, BS_COPY_LEN - 4));
	}
}

static void fuzz_given(const uint8_t *data, const uint8_t *table,
		       size_t tlen)
{
	struct bs_super sb;
	uint8_t again[BS_SUPER_LEN];
	const char *why = NULL;

	if (!bs_super_decode(data, get_le64(data + 16), &sb, &why)) {
		check(why && *why);
		return;
	}
	bs_super_encode(&sb, again);
	check(!memcmp(again, data, BS_SUPER_LEN));
	/* Any other size of device is refused. */
	check(!bs_super_decode(data, sb.nblocks + 1, &sb, &why));
	check(bs_super_decode(data, sb.nblocks, &sb, &why));

	/* As many slots as the input holds: the loader needs no more. */
	if (sb.nslots > tlen / BS_SLOT_LEN)
		sb.nslots = (uint32_t)(tlen / BS_SLOT_LEN);
	if (sb.nslots)
		fuzz_load(&sb, table);
}

/* Whatever the geometry asked for, a store made is one that decodes. */
static void fuzz_make(const uint8_t *data)
{
	static const struct am_port port = { { 1, 2, 3, 4, 5, 6 } };
	struct bs_super sb, back;
	uint8_t enc[BS_SUPER_LEN];
	const char *why = NULL;

	if (!bs_super_make(&sb, get_le64(data + 16), get_le32(data + 24),
			   &why)) {
		check(why && *why);
		return;
	}
	check(sb.data_start == 1ull + sb.table_blocks);
	check(sb.data_start < bs_data_end(&sb));
	sb.getport = port;
	sb.supercheck = port;
	bs_super_encode(&sb, enc);
	check(bs_super_decode(enc, sb.nblocks, &back, &why));
	check(back.nslots == sb.nslots && back.nblocks == sb.nblocks);
}

/*
 * A store of 1..64 slots and a data area of a few hundred blocks, so
 * that fuzzed extents fall in it, out of it and on each other.
 */
static void fuzz_small(const uint8_t *data, const uint8_t *table,
		       size_t tlen)
{
	static const struct am_port port = { { 1, 2, 3, 4, 5, 6 } };
	uint32_t nslots = 1 + data[0] % 64;
	size_t len = (size_t)nslots * BS_SLOT_LEN;
	struct bs_super sb;
	uint8_t enc[BS_SUPER_LEN];
	uint8_t *buf;
	const char *why;

	check(bs_super_make(&sb, 1 + bs_table_blocks(nslots) + 2 + data[1],
			    nslots, &why));
	sb.getport = port;
	sb.supercheck = port;
	bs_super_encode(&sb, enc);
	check(bs_super_decode(enc, sb.nblocks, &sb, &why));

	buf = calloc(1, len);
	check(buf);
	memcpy(buf, table, tlen < len ? tlen : len);
	fuzz_load(&sb, buf);
	free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t super[BS_SUPER_LEN] = { 0 };
	uint8_t *table;
	size_t tlen, off;

	if (size < 2)
		return 0;
	memcpy(super, data, size < BS_SUPER_LEN ? size : BS_SUPER_LEN);
	tlen = size > BS_SUPER_LEN ? size - BS_SUPER_LEN : 0;
	/* One byte more, so that an empty table is not malloc(0). */
	table = malloc(tlen + 1);
	check(table);
	memcpy(table, data + size - tlen, tlen);
	fix_sums(super, table, tlen);

	for (off = 0; off + BS_COPY_LEN <= tlen; off += BS_COPY_LEN)
		fuzz_copy(table + off);
	fuzz_given(super, table, tlen);
	fuzz_make(super);
	fuzz_small(super, table, tlen);
	free(table);
	return 0;
}
