// SPDX-License-Identifier: GPL-2.0
/*
 * The whole-file cache: an array by slot for lookup, a doubly linked list
 * for recency.  Sizes are counted as allocated, in whole blocks, so that
 * the bound is the memory the cache really holds.
 */
#include <errno.h>
#include <stdlib.h>

#include "cache.h"
#include "table.h"

static uint64_t cost(uint64_t size)
{
	return bs_size_blocks(size) * BS_BLOCK;
}

int bc_init(struct bcache *c, uint32_t nslots, uint64_t max)
{
	c->by_slot = calloc(nslots ? nslots : 1, sizeof(*c->by_slot));
	if (!c->by_slot)
		return -ENOMEM;
	c->lru.next = c->lru.prev = &c->lru;
	c->nslots = nslots;
	c->max = max;
	c->bytes = c->files = c->hits = c->misses = 0;
	return 0;
}

static void unlink_file(struct bc_file *f)
{
	f->prev->next = f->next;
	f->next->prev = f->prev;
}

static void push_front(struct bcache *c, struct bc_file *f)
{
	f->next = c->lru.next;
	f->prev = &c->lru;
	c->lru.next->prev = f;
	c->lru.next = f;
}

static void evict(struct bcache *c, struct bc_file *f)
{
	unlink_file(f);
	c->by_slot[f->slot] = NULL;
	c->bytes -= cost(f->size);
	c->files--;
	free(f->data);
	free(f);
}

void bc_fini(struct bcache *c)
{
	while (c->lru.next != &c->lru)
		evict(c, c->lru.next);
	free(c->by_slot);
	c->by_slot = NULL;
}

bool bc_fits(const struct bcache *c, uint64_t size)
{
	return cost(size) <= c->max;
}

void *bc_alloc(uint64_t size)
{
	void *p;

	/* One block at least: malloc(0) may give NULL, a cache file may not. */
	if (posix_memalign(&p, BS_BLOCK, size ? cost(size) : BS_BLOCK))
		return NULL;
	return p;
}

struct bc_file *bc_find(struct bcache *c, uint32_t slot)
{
	struct bc_file *f = slot < c->nslots ? c->by_slot[slot] : NULL;

	if (!f) {
		c->misses++;
		return NULL;
	}
	c->hits++;
	unlink_file(f);
	push_front(c, f);
	return f;
}

void bc_insert(struct bcache *c, uint32_t slot, void *data, uint64_t size)
{
	struct bc_file *f;

	bc_drop(c, slot);
	if (slot >= c->nslots || !bc_fits(c, size))
		goto drop;
	f = malloc(sizeof(*f));
	if (!f)
		goto drop;
	while (c->bytes + cost(size) > c->max)
		evict(c, c->lru.prev);
	f->slot = slot;
	f->size = size;
	f->data = data;
	c->by_slot[slot] = f;
	c->bytes += cost(size);
	c->files++;
	push_front(c, f);
	return;
drop:
	free(data);
}

void bc_drop(struct bcache *c, uint32_t slot)
{
	if (slot < c->nslots && c->by_slot[slot])
		evict(c, c->by_slot[slot]);
}
