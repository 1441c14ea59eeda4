/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The whole-file cache: immutable files need no invalidation, only room.
 * Files are kept whole, by slot, within a byte bound, and the least
 * recently read goes first.  Not thread-safe: the server is one thread.
 */
#ifndef BULLET_CACHE_H
#define BULLET_CACHE_H

#include <stdbool.h>
#include <stdint.h>

struct bc_file {
	struct bc_file	*prev, *next;	/* most recently used first */
	uint32_t	slot;
	uint64_t	size;
	void		*data;
};

struct bcache {
	struct bc_file	**by_slot;
	struct bc_file	lru;		/* list head */
	uint32_t	nslots;
	uint64_t	max, bytes, files, hits, misses;
};

/* A cache of at most @max bytes for a table of @nslots.  0 or -ENOMEM. */
int bc_init(struct bcache *c, uint32_t nslots, uint64_t max);
void bc_fini(struct bcache *c);

/* Whether a file of @size bytes can be cached at all (within the bound). */
bool bc_fits(const struct bcache *c, uint64_t size);
/* Memory for a file of @size bytes, block-aligned for O_DIRECT. */
void *bc_alloc(uint64_t size);

/* The file in slot @slot, now the most recent, or NULL (a miss). */
struct bc_file *bc_find(struct bcache *c, uint32_t slot);
/*
 * Keep @data (from bc_alloc, @size bytes) as slot @slot's file, evicting
 * the least recent files to make room.  The cache owns @data from now on
 * and frees it at once if the file is larger than the whole cache.
 */
void bc_insert(struct bcache *c, uint32_t slot, void *data, uint64_t size);
/* Forget slot @slot's file, if cached. */
void bc_drop(struct bcache *c, uint32_t slot);

#endif /* BULLET_CACHE_H */
