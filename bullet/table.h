/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The Bullet store's on-disk format, and its decoding.  Pure: no I/O, so
 * that the loader is unit-tested and fuzzed on bytes in memory.
 *
 * A store is a raw device or a preallocated file of BS_BLOCK-byte blocks:
 *
 *   block 0                     the superblock, written once by format
 *   blocks 1 .. table_blocks    the file table, nslots slots of 128 bytes
 *   data_start .. nblocks - 2   file data, each file one extent
 *   block nblocks - 1           a copy of the superblock, for bfsck
 *
 * All integers are little-endian.  Superblock (its first 64 bytes; the
 * rest of block 0 is zero):
 *
 *    0  magic "AMBULLET"       8  le32 version (1)    12 le32 block size
 *   16  le64 nblocks          24  le32 nslots        28 le32 table_blocks
 *   32  le64 data_start       40  getport[6]          46 supercheck[6]
 *   52  le64 created (s)      60  le32 crc32c of bytes 0..59
 *
 * Slot i describes object i + 1 and holds two 64-byte copies, A then B.
 * An update writes the copy that is not current, with seq one more than
 * the current copy's, so that a write torn by a crash leaves the other
 * copy, the previous state, to be found (a copy of all zero bytes is one
 * never written).  A copy:
 *
 *    0  le32 crc32c of bytes 4..63      4  le32 seq
 *    8  u8 state (0 free, 1 live)       9  u8 zero
 *   10  check[6]                        16 le64 start (block)
 *   24  le64 size (bytes)               32 le64 ctime (s since 1970)
 *   40  le32 crc32c of the file's bytes 44 zero[20]
 *
 * The current copy is the valid one (crc matches) with the higher seq
 * (compared as seq_a - seq_b as a signed 32-bit number, so that it wraps).
 * A live file of size 0 has start 0 and no extent.
 */
#ifndef BULLET_TABLE_H
#define BULLET_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <amoeba/crc32c.h>

#include <amoeba/cap.h>

#define BS_BLOCK	4096u
#define BS_VERSION	1u
#define BS_SUPER_LEN	64u
#define BS_COPY_LEN	64u
#define BS_SLOT_LEN	(2 * BS_COPY_LEN)
#define BS_SLOTS_MAX	AM_OBJ_MAX	/* object numbers are 24 bits */

enum bs_state {
	BS_FREE = 0,
	BS_LIVE = 1,
};

struct bs_super {
	uint64_t	nblocks;
	uint32_t	nslots;
	uint32_t	table_blocks;
	uint64_t	data_start;
	struct am_port	getport;
	struct am_port	supercheck;
	uint64_t	created;
};

/* One copy of a slot, decoded. */
struct bs_entry {
	uint32_t	seq;
	uint8_t		state;		/* enum bs_state */
	struct am_port	check;
	uint64_t	start;
	uint64_t	size;
	uint64_t	ctime;
	uint32_t	data_crc;
};

/* A slot as loaded: its current copy, and which copy that is. */
struct bs_slot {
	struct bs_entry	cur;
	uint8_t		which;		/* 0: A, 1: B; the next write: !which */
};

/* Blocks the table of @nslots slots takes. */
uint32_t bs_table_blocks(uint32_t nslots);
/* Blocks a file of @size bytes takes. */
uint64_t bs_size_blocks(uint64_t size);

/*
 * The superblock of a new store of @nblocks blocks and @nslots slots into
 * @sb (data_start set, getport, supercheck and created left to the
 * caller); false with *why if they cannot make a store (too small for the
 * superblock, the table, one data block and the superblock's copy; no
 * slots or more than BS_SLOTS_MAX).
 */
bool bs_super_make(struct bs_super *sb, uint64_t nblocks, uint32_t nslots,
		   const char **why);
/* BS_SUPER_LEN bytes into @buf. */
void bs_super_encode(const struct bs_super *sb, uint8_t *buf);
/*
 * Decode and check the first BS_SUPER_LEN bytes of block 0 for a store of
 * @dev_blocks blocks: true, or false with *why naming the damage ("bad
 * magic", "superblock checksum mismatch", "unsupported version 7", "block
 * size 512, not 4096", "table overlaps data", "store is 100 blocks, the
 * superblock says 200", ...).  *why points into a per-thread buffer, good
 * until the thread's next call of bs_super_make or bs_super_decode; @sb
 * is written only on success.
 */
bool bs_super_decode(const uint8_t *buf, uint64_t dev_blocks,
		     struct bs_super *sb, const char **why);

/* One copy into BS_COPY_LEN bytes, its crc computed. */
void bs_entry_encode(const struct bs_entry *e, uint8_t *buf);
/*
 * Decode one copy: 1 valid, 0 never written (all zero), -1 damaged (crc
 * mismatch, or a state or zero field out of place; a live copy with a
 * null check, or of size 0 with a start; a free copy with any field but
 * seq set).  @e is zeroed unless the copy is valid.
 */
int bs_entry_decode(const uint8_t *buf, struct bs_entry *e);

/*
 * What the loader found wrong: slot index (or UINT32_MAX for the store as
 * a whole), and a message naming it.  Called once per problem.
 */
typedef void (*bs_damage_fn)(void *arg, uint32_t slot, const char *what);

/*
 * Decode the table (@sb->nslots * BS_SLOT_LEN bytes at @table) into
 * @slots (nslots of them).  A slot whose copies are both damaged, a live
 * file with a null check, an extent outside the data area, or two live
 * extents that overlap are damage: each is reported through @damage and
 * counted; the slot is left BS_FREE in @slots (for overlaps, both).  One
 * damaged copy beside a valid one is what a crash mid-write leaves, not
 * damage.  Returns the count of damage found.
 *
 * @what names the problem, not @slot itself ("both copies fail their
 * checksum", "extent 100+5 overlaps slot 7's").  A damaged slot keeps the
 * seq of its newest copy, and which is set so that the next write (seq
 * one more, to !which) replaces the damaged copy and outranks the older
 * one.  An empty slot has which 1, so that its first write goes to A.
 */
uint32_t bs_table_load(const struct bs_super *sb, const uint8_t *table,
		       struct bs_slot *slots, bs_damage_fn damage, void *arg);

/* Byte offset of slot @i's copy @which in the store. */
uint64_t bs_copy_offset(uint32_t i, unsigned int which);
/* The data area: blocks [data_start, bs_data_end(sb)). */
uint64_t bs_data_end(const struct bs_super *sb);

#endif /* BULLET_TABLE_H */
