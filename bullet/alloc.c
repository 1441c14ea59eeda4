// SPDX-License-Identifier: GPL-2.0
/*
 * Free space of a Bullet store: its free extents in an array sorted by
 * start, found by binary search and merged with both neighbours when
 * space comes back, so that the array holds at most one extent more than
 * there are files.  alloc.h gives the rules: first fit, whole extents.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"

#define ALLOC_ROOM_MIN	16u

static uint64_t ext_end(const struct bs_extent *e)
{
	return e->start + e->len;
}

/* Index of the first free extent that starts after @x; n if none does. */
static uint32_t after(const struct bs_alloc *a, uint64_t x)
{
	uint32_t lo = 0, hi = a->n;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (a->ext[mid].start <= x)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Room for one more extent, got before anything changes. */
static int reserve(struct bs_alloc *a)
{
	struct bs_extent *ext;
	uint32_t room;

	if (a->n < a->room)
		return 0;
	if (a->room > UINT32_MAX / 2)
		return -ENOMEM;
	room = a->room ? a->room * 2 : ALLOC_ROOM_MIN;
	ext = realloc(a->ext, (size_t)room * sizeof(*ext));
	if (!ext)
		return -ENOMEM;
	a->ext = ext;
	a->room = room;
	return 0;
}

static void insert_at(struct bs_alloc *a, uint32_t i, uint64_t start,
		      uint64_t len)
{
	memmove(&a->ext[i + 1], &a->ext[i], (a->n - i) * sizeof(*a->ext));
	a->ext[i].start = start;
	a->ext[i].len = len;
	a->n++;
}

static void remove_at(struct bs_alloc *a, uint32_t i)
{
	a->n--;
	memmove(&a->ext[i], &a->ext[i + 1], (a->n - i) * sizeof(*a->ext));
}

/* A nonempty range inside the area, its end not wrapping. */
static int in_area(const struct bs_alloc *a, uint64_t start, uint64_t len)
{
	return len && start >= a->lo && start <= a->hi &&
	       len <= a->hi - start;
}

int bs_alloc_init(struct bs_alloc *a, uint64_t lo, uint64_t hi)
{
	memset(a, 0, sizeof(*a));
	if (lo > hi)
		return -EINVAL;
	a->lo = lo;
	a->hi = hi;
	if (lo == hi)
		return 0;
	if (reserve(a))
		return -ENOMEM;
	insert_at(a, 0, lo, hi - lo);
	a->free = hi - lo;
	return 0;
}

void bs_alloc_fini(struct bs_alloc *a)
{
	free(a->ext);
	memset(a, 0, sizeof(*a));
}

int bs_alloc_take(struct bs_alloc *a, uint64_t start, uint64_t len)
{
	struct bs_extent *f;
	uint64_t end, fend;
	uint32_t i;

	if (!in_area(a, start, len))
		return -EINVAL;
	i = after(a, start);
	if (!i)
		return -EINVAL;
	f = &a->ext[i - 1];
	end = start + len;
	fend = ext_end(f);
	/* Also refuses a start past f: len is not 0. */
	if (end > fend)
		return -EINVAL;

	if (f->start == start && fend == end) {
		remove_at(a, i - 1);
	} else if (f->start == start) {
		f->start = end;
		f->len -= len;
	} else if (fend == end) {
		f->len -= len;
	} else {
		/* The middle of f: it becomes two. */
		if (reserve(a))
			return -ENOMEM;
		f = &a->ext[i - 1];
		f->len = start - f->start;
		insert_at(a, i, end, fend - end);
	}
	a->free -= len;
	return 0;
}

int bs_alloc_get_below(struct bs_alloc *a, uint64_t len, uint64_t limit,
		       uint64_t *start)
{
	uint32_t i;

	if (!len)
		return -EINVAL;
	for (i = 0; i < a->n; i++) {
		struct bs_extent *f = &a->ext[i];

		/* Every later extent starts later still. */
		if (f->start >= limit || len > limit - f->start)
			break;
		if (f->len < len)
			continue;
		*start = f->start;
		/* The front of an extent: it shrinks, never splits. */
		if (f->len == len) {
			remove_at(a, i);
		} else {
			f->start += len;
			f->len -= len;
		}
		a->free -= len;
		return 0;
	}
	return -ENOSPC;
}

int bs_alloc_get(struct bs_alloc *a, uint64_t len, uint64_t *start)
{
	return bs_alloc_get_below(a, len, a->hi, start);
}

int bs_alloc_put(struct bs_alloc *a, uint64_t start, uint64_t len)
{
	struct bs_extent *prev = NULL, *next = NULL;
	uint64_t end = start + len;
	uint32_t i;

	if (!in_area(a, start, len))
		return -EINVAL;
	i = after(a, start);
	/* Any overlap with free space is a double free: refuse it whole. */
	if (i > 0) {
		prev = &a->ext[i - 1];
		if (ext_end(prev) > start)
			return -EINVAL;
	}
	if (i < a->n) {
		next = &a->ext[i];
		if (next->start < end)
			return -EINVAL;
	}

	if (prev && ext_end(prev) == start) {
		prev->len += len;
		if (next && next->start == end) {
			prev->len += next->len;
			remove_at(a, i);
		}
	} else if (next && next->start == end) {
		next->start = start;
		next->len += len;
	} else {
		if (reserve(a))
			return -ENOMEM;
		insert_at(a, i, start, len);
	}
	a->free += len;
	return 0;
}

uint64_t bs_alloc_largest(const struct bs_alloc *a)
{
	uint64_t best = 0;
	uint32_t i;

	for (i = 0; i < a->n; i++)
		if (a->ext[i].len > best)
			best = a->ext[i].len;
	return best;
}
