// SPDX-License-Identifier: GPL-2.0
/*
 * The Bullet store's on-disk format: the superblock, the two
 * copies of each table slot, and the loader that picks the current copy
 * of every slot and refuses what a crash cannot explain.  No I/O here, so
 * that bulletd, bfsck, the unit tests and the fuzzer all run the same
 * decoding on bytes in memory.  table.h describes the layout.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "table.h"

static uint32_t get_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static uint64_t get_le64(const uint8_t *p)
{
	return (uint64_t)get_le32(p) | (uint64_t)get_le32(p + 4) << 32;
}

static void put_le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static void put_le64(uint8_t *p, uint64_t v)
{
	put_le32(p, (uint32_t)v);
	put_le32(p + 4, (uint32_t)(v >> 32));
}

static bool all_zero(const uint8_t *p, size_t len)
{
	while (len--)
		if (*p++)
			return false;
	return true;
}

uint32_t bs_table_blocks(uint32_t nslots)
{
	uint64_t bytes = (uint64_t)nslots * BS_SLOT_LEN;

	return (uint32_t)((bytes + BS_BLOCK - 1) / BS_BLOCK);
}

uint64_t bs_size_blocks(uint64_t size)
{
	/* Not (size + BS_BLOCK - 1) / BS_BLOCK: that wraps near 2^64. */
	return size / BS_BLOCK + (size % BS_BLOCK != 0);
}

/*
 * Why a superblock was refused, with its numbers: per thread, so that
 * bfsck and bulletd may check stores side by side.
 */
static __thread char why_buf[112];

__attribute__((format(printf, 2, 3)))
static bool refuse(const char **why, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why_buf, sizeof(why_buf), fmt, ap);
	va_end(ap);
	if (why)
		*why = why_buf;
	return false;
}

bool bs_super_make(struct bs_super *sb, uint64_t nblocks, uint32_t nslots,
		   const char **why)
{
	uint32_t tb;

	if (!nslots)
		return refuse(why, "a store needs at least one slot");
	if (nslots > BS_SLOTS_MAX)
		return refuse(why, "%" PRIu32 " slots, more than %u", nslots,
			      BS_SLOTS_MAX);
	tb = bs_table_blocks(nslots);
	/* The superblock, the table, one data block, the superblock's copy. */
	if (nblocks < 3ull + tb)
		return refuse(why,
			      "%" PRIu64 " blocks, %" PRIu32 " slots need %llu",
			      nblocks, nslots, 3ull + tb);
	memset(sb, 0, sizeof(*sb));
	sb->nblocks = nblocks;
	sb->nslots = nslots;
	sb->table_blocks = tb;
	sb->data_start = 1ull + tb;
	return true;
}

static const uint8_t super_magic[8] = "AMBULLET";

void bs_super_encode(const struct bs_super *sb, uint8_t *buf)
{
	memset(buf, 0, BS_SUPER_LEN);
	memcpy(buf, super_magic, sizeof(super_magic));
	put_le32(buf + 8, BS_VERSION);
	put_le32(buf + 12, BS_BLOCK);
	put_le64(buf + 16, sb->nblocks);
	put_le32(buf + 24, sb->nslots);
	put_le32(buf + 28, sb->table_blocks);
	put_le64(buf + 32, sb->data_start);
	memcpy(buf + 40, sb->getport.p, AM_PORTSIZE);
	memcpy(buf + 46, sb->supercheck.p, AM_PORTSIZE);
	put_le64(buf + 52, sb->created);
	put_le32(buf + 60, am_crc32c(0, buf, 60));
}

bool bs_super_decode(const uint8_t *buf, uint64_t dev_blocks,
		     struct bs_super *sb, const char **why)
{
	struct bs_super s;
	uint32_t version, bsize;

	/* Magic first: a blank or foreign device is not a damaged store. */
	if (memcmp(buf, super_magic, sizeof(super_magic)))
		return refuse(why, "bad magic");
	if (get_le32(buf + 60) != am_crc32c(0, buf, 60))
		return refuse(why, "superblock checksum mismatch");
	version = get_le32(buf + 8);
	if (version != BS_VERSION)
		return refuse(why, "unsupported version %" PRIu32, version);
	bsize = get_le32(buf + 12);
	if (bsize != BS_BLOCK)
		return refuse(why, "block size %" PRIu32 ", not %u", bsize,
			      BS_BLOCK);

	s.nblocks = get_le64(buf + 16);
	s.nslots = get_le32(buf + 24);
	s.table_blocks = get_le32(buf + 28);
	s.data_start = get_le64(buf + 32);
	memcpy(s.getport.p, buf + 40, AM_PORTSIZE);
	memcpy(s.supercheck.p, buf + 46, AM_PORTSIZE);
	s.created = get_le64(buf + 52);

	if (!s.nslots)
		return refuse(why, "no slots");
	if (s.nslots > BS_SLOTS_MAX)
		return refuse(why, "%" PRIu32 " slots, more than %u",
			      s.nslots, BS_SLOTS_MAX);
	if (s.table_blocks != bs_table_blocks(s.nslots))
		return refuse(why, "table of %" PRIu32 " blocks, %" PRIu32
			      " slots take %" PRIu32, s.table_blocks, s.nslots,
			      bs_table_blocks(s.nslots));
	if (s.data_start < 1ull + s.table_blocks)
		return refuse(why, "table overlaps data");
	if (s.data_start > 1ull + s.table_blocks)
		return refuse(why, "data starts at block %" PRIu64
			      ", the table ends at block %" PRIu32,
			      s.data_start, s.table_blocks);
	if (s.nblocks != dev_blocks)
		return refuse(why, "store is %" PRIu64
			      " blocks, the superblock says %" PRIu64,
			      dev_blocks, s.nblocks);
	/* At least one data block before the superblock's copy. */
	if (s.data_start + 1 >= s.nblocks)
		return refuse(why, "no data blocks: data starts at block %"
			      PRIu64 " of %" PRIu64, s.data_start, s.nblocks);
	if (am_port_null(&s.getport))
		return refuse(why, "null get-port");
	if (am_port_null(&s.supercheck))
		return refuse(why, "null super check");
	*sb = s;
	return true;
}

void bs_entry_encode(const struct bs_entry *e, uint8_t *buf)
{
	memset(buf, 0, BS_COPY_LEN);
	put_le32(buf + 4, e->seq);
	buf[8] = e->state;
	memcpy(buf + 10, e->check.p, AM_PORTSIZE);
	put_le64(buf + 16, e->start);
	put_le64(buf + 24, e->size);
	put_le64(buf + 32, e->ctime);
	put_le32(buf + 40, e->data_crc);
	put_le32(buf, am_crc32c(0, buf + 4, BS_COPY_LEN - 4));
}

/*
 * What a copy is.  The loader tells a torn write (the sum fails) from a
 * copy whose sum holds over contents no writer should produce: the first
 * is what a crash leaves, the second is damage if it is the current copy.
 */
enum copy_kind {
	COPY_VALID,
	COPY_ZERO,		/* never written */
	COPY_TORN,		/* checksum mismatch */
	COPY_BAD,		/* checksum holds, contents do not */
};

static enum copy_kind copy_decode(const uint8_t *buf, struct bs_entry *e,
				  const char **what)
{
	memset(e, 0, sizeof(*e));
	if (all_zero(buf, BS_COPY_LEN))
		return COPY_ZERO;
	if (get_le32(buf) != am_crc32c(0, buf + 4, BS_COPY_LEN - 4))
		return COPY_TORN;

	e->seq = get_le32(buf + 4);
	e->state = buf[8];
	memcpy(e->check.p, buf + 10, AM_PORTSIZE);
	e->start = get_le64(buf + 16);
	e->size = get_le64(buf + 24);
	e->ctime = get_le64(buf + 32);
	e->data_crc = get_le32(buf + 40);

	if (buf[9] || !all_zero(buf + 44, 20)) {
		*what = "nonzero reserved bytes";
		return COPY_BAD;
	}
	if (e->state == BS_FREE) {
		if (!am_port_null(&e->check) || e->start || e->size ||
		    e->ctime || e->data_crc) {
			*what = "free slot with a file's fields set";
			return COPY_BAD;
		}
	} else if (e->state == BS_LIVE) {
		if (am_port_null(&e->check)) {
			*what = "live file with a null check";
			return COPY_BAD;
		}
		if (!e->size && e->start) {
			*what = "empty file with an extent";
			return COPY_BAD;
		}
	} else {
		*what = "unknown state";
		return COPY_BAD;
	}
	return COPY_VALID;
}

int bs_entry_decode(const uint8_t *buf, struct bs_entry *e)
{
	const char *what;

	switch (copy_decode(buf, e, &what)) {
	case COPY_VALID:
		return 1;
	case COPY_ZERO:
		return 0;
	default:
		memset(e, 0, sizeof(*e));
		return -1;
	}
}

/* Is @a newer than @b?  A signed difference, so that seq may wrap. */
static bool seq_newer(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) > 0;
}

struct load {
	const struct bs_super	*sb;
	struct bs_slot		*slots;
	bs_damage_fn		damage;
	void			*arg;
	uint32_t		count;
};

__attribute__((format(printf, 3, 4)))
static void report(struct load *ld, uint32_t slot, const char *fmt, ...)
{
	char msg[160];
	va_list ap;

	ld->count++;
	if (!ld->damage)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	ld->damage(ld->arg, slot, msg);
}

/*
 * Leave slot @i free, with the seq of its damaged current copy and which
 * pointing away from that copy: the next write then replaces the damaged
 * copy with a seq that beats the older one beside it, which must not come
 * back to life.
 */
static void slot_free_damaged(struct bs_slot *s)
{
	uint32_t seq = s->cur.seq;

	memset(&s->cur, 0, sizeof(s->cur));
	s->cur.seq = seq;
	s->which = !s->which;
}

static bool extent_inside(const struct bs_super *sb, const struct bs_entry *e)
{
	uint64_t blocks = bs_size_blocks(e->size);
	uint64_t end = bs_data_end(sb);

	return e->start >= sb->data_start && e->start <= end &&
	       blocks <= end - e->start;
}

static void load_slot(struct load *ld, uint32_t i, const uint8_t *p)
{
	struct bs_slot *s = &ld->slots[i];
	struct bs_entry e[2];
	const char *what[2] = { NULL, NULL };
	enum copy_kind k[2];
	bool ok[2];
	unsigned int c;

	for (c = 0; c < 2; c++) {
		k[c] = copy_decode(p + c * BS_COPY_LEN, &e[c], &what[c]);
		ok[c] = k[c] == COPY_VALID || k[c] == COPY_BAD;
	}

	if (!ok[0] && !ok[1]) {
		/*
		 * Nothing written whole: a free slot.  A torn copy beside a
		 * never-written one is a first write cut short; the next
		 * write goes over the torn copy (A when both are alike).
		 */
		memset(&s->cur, 0, sizeof(s->cur));
		s->which = !(k[0] == COPY_ZERO && k[1] == COPY_TORN);
		if (k[0] == COPY_TORN && k[1] == COPY_TORN)
			report(ld, i, "both copies fail their checksum");
		return;
	}
	/* Equal seqs are no writer's doing; take A, replace B. */
	if (ok[0] && ok[1])
		c = seq_newer(e[1].seq, e[0].seq);
	else
		c = ok[1];
	s->cur = e[c];
	s->which = (uint8_t)c;

	if (k[c] == COPY_BAD) {
		report(ld, i, "%s (copy %c, seq %" PRIu32 ")", what[c],
		       c ? 'B' : 'A', e[c].seq);
		slot_free_damaged(s);
		return;
	}
	if (s->cur.state == BS_LIVE && s->cur.size &&
	    !extent_inside(ld->sb, &s->cur)) {
		report(ld, i, "extent %" PRIu64 "+%" PRIu64
		       " outside the data area [%" PRIu64 ", %" PRIu64 ")",
		       s->cur.start, bs_size_blocks(s->cur.size),
		       ld->sb->data_start, bs_data_end(ld->sb));
		slot_free_damaged(s);
	}
}

struct live_extent {
	uint64_t	start;
	uint64_t	end;
	uint32_t	slot;
	bool		overlaps;
};

static int extent_cmp(const void *pa, const void *pb)
{
	const struct live_extent *a = pa, *b = pb;

	if (a->start != b->start)
		return a->start < b->start ? -1 : 1;
	return a->slot < b->slot ? -1 : a->slot > b->slot;
}

static void report_overlap(struct load *ld, struct live_extent *x,
			   const struct live_extent *other)
{
	x->overlaps = true;
	report(ld, x->slot, "extent %" PRIu64 "+%" PRIu64
	       " overlaps slot %" PRIu32 "'s", x->start, x->end - x->start,
	       other->slot);
}

/*
 * Two live files on the same blocks: neither can be trusted, so both go.
 * Sorted by start, an extent overlaps an earlier one exactly when it
 * starts before the furthest end seen so far, and then it overlaps the
 * extent with that end; every extent in an overlap is found that way,
 * either as the later one or as the one with the furthest end.
 */
static void check_overlaps(struct load *ld)
{
	struct live_extent *x;
	uint32_t i, n = 0, far = 0;

	for (i = 0; i < ld->sb->nslots; i++) {
		const struct bs_entry *e = &ld->slots[i].cur;

		if (e->state == BS_LIVE && e->size)
			n++;
	}
	if (n < 2)
		return;
	x = calloc(n, sizeof(*x));
	if (!x) {
		report(ld, UINT32_MAX, "no memory to check %" PRIu32
		       " extents for overlaps", n);
		return;
	}
	n = 0;
	for (i = 0; i < ld->sb->nslots; i++) {
		const struct bs_entry *e = &ld->slots[i].cur;

		if (e->state != BS_LIVE || !e->size)
			continue;
		x[n].start = e->start;
		x[n].end = e->start + bs_size_blocks(e->size);
		x[n].slot = i;
		n++;
	}
	qsort(x, n, sizeof(*x), extent_cmp);

	for (i = 1; i < n; i++) {
		if (x[i].start < x[far].end) {
			report_overlap(ld, &x[i], &x[far]);
			if (!x[far].overlaps)
				report_overlap(ld, &x[far], &x[i]);
		}
		if (x[i].end > x[far].end)
			far = i;
	}
	for (i = 0; i < n; i++)
		if (x[i].overlaps)
			slot_free_damaged(&ld->slots[x[i].slot]);
	free(x);
}

uint32_t bs_table_load(const struct bs_super *sb, const uint8_t *table,
		       struct bs_slot *slots, bs_damage_fn damage, void *arg)
{
	struct load ld = {
		.sb = sb,
		.slots = slots,
		.damage = damage,
		.arg = arg,
	};
	uint32_t i;

	for (i = 0; i < sb->nslots; i++)
		load_slot(&ld, i, table + (size_t)i * BS_SLOT_LEN);
	check_overlaps(&ld);
	return ld.count;
}

uint64_t bs_copy_offset(uint32_t i, unsigned int which)
{
	return BS_BLOCK + (uint64_t)i * BS_SLOT_LEN +
	       (uint64_t)which * BS_COPY_LEN;
}

uint64_t bs_data_end(const struct bs_super *sb)
{
	return sb->nblocks - 1;
}
