/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Free space of a Bullet store: the free extents of its data area, kept
 * sorted by start and merged with their neighbours, so that a file gets
 * one contiguous extent.  First fit: the lowest free extent that holds the
 * file, which keeps files towards the start and the large free extent at
 * the end, where compaction pushes it.  Not thread-safe: the caller locks.
 */
#ifndef BULLET_ALLOC_H
#define BULLET_ALLOC_H

#include <stdbool.h>
#include <stdint.h>

struct bs_extent {
	uint64_t	start;
	uint64_t	len;		/* blocks */
};

struct bs_alloc {
	struct bs_extent *ext;		/* free extents, sorted, disjoint */
	uint32_t	n;
	uint32_t	room;
	uint64_t	lo, hi;		/* the data area: [lo, hi) */
	uint64_t	free;		/* free blocks */
};

/* All of [@lo, @hi) free.  0, -EINVAL if lo > hi, or -ENOMEM. */
int bs_alloc_init(struct bs_alloc *a, uint64_t lo, uint64_t hi);
void bs_alloc_fini(struct bs_alloc *a);

/*
 * Mark [start, start + len) in use, as the loader does for each file: 0,
 * -EINVAL if any of it is outside the area or not free, -ENOMEM.
 */
int bs_alloc_take(struct bs_alloc *a, uint64_t start, uint64_t len);
/*
 * The lowest free extent of @len blocks (len > 0): 0 and *start, or
 * -ENOSPC (no free extent that large; bs_alloc_largest says how large one
 * there is), -EINVAL if @len is 0, -ENOMEM.
 */
int bs_alloc_get(struct bs_alloc *a, uint64_t len, uint64_t *start);
/*
 * The lowest free extent of @len blocks that ends at or before @limit,
 * as bs_alloc_get: what compaction moves a file starting at @limit into.
 */
int bs_alloc_get_below(struct bs_alloc *a, uint64_t len, uint64_t limit,
		       uint64_t *start);
/*
 * Give back an extent got or taken: 0, -EINVAL if not wholly in use (a
 * double free; nothing changes), or -ENOMEM if it needs a new extent of
 * free space and there is no memory for one (nothing changes either).
 */
int bs_alloc_put(struct bs_alloc *a, uint64_t start, uint64_t len);

/* Blocks in the largest free extent. */
uint64_t bs_alloc_largest(const struct bs_alloc *a);

#endif /* BULLET_ALLOC_H */
