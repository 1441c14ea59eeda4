/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A Bullet store on disk: open and format it, write its data and its
 * table's copies, sync.  The format itself is table.h; free space is
 * alloc.h, kept here in step with the table.
 *
 * Data and table go through one file descriptor opened without O_DIRECT,
 * and data may also go through a second one opened with it (BS_DIRECT):
 * then transfers of 64 KiB and more bypass the page cache, which the
 * server's own cache makes a second copy of every file otherwise, and
 * which measured slower for them.  A file system that refuses O_DIRECT
 * (tmpfs) leaves dfd == fd.
 */
#ifndef BULLET_STORE_H
#define BULLET_STORE_H

#include <stdbool.h>
#include <stdint.h>

#include "alloc.h"
#include "table.h"

/* Flags of bs_open. */
#define BS_RDONLY	0x1
#define BS_DIRECT	0x2

struct bs_store {
	int		fd;
	int		dfd;		/* an O_DIRECT one, or fd */
	struct bs_super	sb;
	struct bs_slot	*slots;		/* sb.nslots */
	struct bs_alloc	alloc;		/* the live files' extents taken */
	uint64_t	files;		/* live slots */
	uint64_t	file_bytes;
	uint32_t	damage;		/* what bs_open found */
};

/*
 * Make a new store at @path: a device, or a file made (or grown) to
 * @bytes (0 for a device: its size), with room for @nslots files (0: one
 * per 64 KiB of store), a fresh random get-port and super check.  An
 * existing store is refused unless @force.  0, or -errno with *why.
 */
int bs_format(const char *path, uint64_t bytes, uint32_t nslots, bool force,
	      const char **why);

/*
 * Open the store at @path and load its table: 0, or -EUCLEAN when the
 * superblock or table is damaged (each problem told to @damage; the store
 * is open, its damaged slots free, for bfsck to repair, unless the
 * superblock itself is bad, which leaves it closed), or -errno with a
 * message to @damage.
 */
int bs_open(struct bs_store *st, const char *path, unsigned int flags,
	    bs_damage_fn damage, void *arg);
void bs_close(struct bs_store *st);

/*
 * Make @e slot @i's state: written to the copy that is not current with
 * the next seq, and taken into st->slots and the counts (not the
 * allocator: the caller gets and puts extents).  Not durable before
 * bs_sync.  0 or -errno.
 */
int bs_set(struct bs_store *st, uint32_t i, const struct bs_entry *e);
/* Everything written so far, durable.  0 or -errno. */
int bs_sync(struct bs_store *st);

/*
 * @len bytes of @buf to the store at byte @off.  With BS_DIRECT, @off
 * block-aligned and 64 KiB or more, they bypass the page cache, the last
 * block zero-padded.
 */
int bs_write(struct bs_store *st, uint64_t off, const void *buf,
	     uint64_t len);
/* @len bytes at byte @off of the store into @buf. */
int bs_read(struct bs_store *st, uint64_t off, void *buf, uint64_t len);

/*
 * Rewrite block 0 from the superblock's copy in the store's last block,
 * if that copy is good: 0, or -errno with *why.
 */
int bs_restore_super(const char *path, const char **why);

#endif /* BULLET_STORE_H */
