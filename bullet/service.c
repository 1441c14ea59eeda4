// SPDX-License-Identifier: GPL-2.0
/*
 * The Bullet service: what each operation of bullet.ail does once the
 * generated stub has checked the capability and decoded the request.
 *
 * The one rule that makes a store crash-consistent: a file's bytes are
 * durable before the table entry that names them is written, and the
 * entry is durable before its capability leaves the server.  An extent is
 * reused only once the entry that freed it is durable (bullet.pending).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include "bullet.h"

struct bullet bullet;

static void pending_add(uint64_t start, uint64_t len)
{
	struct bs_extent *p;
	uint32_t room;

	if (bullet.npending == bullet.pending_room) {
		room = bullet.pending_room ? 2 * bullet.pending_room : 64;
		p = realloc(bullet.pending, room * sizeof(*p));
		if (!p) {
			/* Safe, if slower: make it durable and free it now. */
			bullet_sync();
			if (bs_alloc_put(&bullet.st.alloc, start, len))
				blog(LOG_ERR, "extent %llu+%llu freed twice",
				     (unsigned long long)start,
				     (unsigned long long)len);
			return;
		}
		bullet.pending = p;
		bullet.pending_room = room;
	}
	bullet.pending[bullet.npending].start = start;
	bullet.pending[bullet.npending].len = len;
	bullet.npending++;
}

void bullet_sync(void)
{
	uint32_t i;
	int err;

	err = bs_sync(&bullet.st);
	if (err)
		bfatal("cannot sync the store: %s", strerror(-err));
	for (i = 0; i < bullet.npending; i++)
		if (bs_alloc_put(&bullet.st.alloc, bullet.pending[i].start,
				 bullet.pending[i].len))
			blog(LOG_ERR, "extent %llu+%llu freed twice",
			     (unsigned long long)bullet.pending[i].start,
			     (unsigned long long)bullet.pending[i].len);
	bullet.npending = 0;
}

errstat bullet_extent(uint64_t blocks, uint64_t *start)
{
	struct bs_alloc *a = &bullet.st.alloc;

	if (!bs_alloc_get(a, blocks, start))
		return STD_OK;
	if (bullet.npending) {
		bullet_sync();
		if (!bs_alloc_get(a, blocks, start))
			return STD_OK;
	}
	if (a->free < blocks)
		return STD_NOSPACE;
	blog(LOG_INFO, "no free extent of %llu blocks among %llu free: compacting",
	     (unsigned long long)blocks,
	     (unsigned long long)a->free);
	bullet_compact();
	return bs_alloc_get(a, blocks, start) ? STD_NOSPACE : STD_OK;
}

static void set_entry(uint32_t slot, const struct bs_entry *e)
{
	int err = bs_set(&bullet.st, slot, e);

	/* Unsure what the table holds now: only a restart can say. */
	if (err)
		bfatal("cannot write slot %u of the file table: %s", slot,
		       strerror(-err));
}

void bullet_release(void *data)
{
	struct bfile *f = data;
	struct bs_entry free_entry;

	if (!f)
		return;
	if (f->on_disk) {
		memset(&free_entry, 0, sizeof(free_entry));
		set_entry(f->slot, &free_entry);
		bc_drop(&bullet.cache, f->slot);
		bullet.files[f->slot] = NULL;
		bullet.stats.deletes++;
		blog(LOG_DEBUG, "file %u deleted", f->slot + 1);
	} else if (f->kind == BF_UPLOAD) {
		bullet.stats.uploads--;
	}
	if (f->size)
		pending_add(f->start, bs_size_blocks(f->size));
	free(f);
}

int bullet_restore(void)
{
	struct bs_store *st = &bullet.st;
	const struct bs_entry *e;
	struct bfile *f;
	uint32_t i;

	bullet.files = calloc(st->sb.nslots, sizeof(*bullet.files));
	if (!bullet.files)
		return -ENOMEM;
	if (am_obj_restore(bullet.svc.tab, 0, &st->sb.supercheck, NULL))
		return -EINVAL;
	for (i = 0; i < st->sb.nslots; i++) {
		e = &st->slots[i].cur;
		if (e->state != BS_LIVE)
			continue;
		f = calloc(1, sizeof(*f));
		if (!f)
			return -ENOMEM;
		f->kind = BF_FILE;
		f->on_disk = true;
		f->slot = i;
		f->start = e->start;
		f->size = e->size;
		f->crc = e->data_crc;
		if (am_obj_restore(bullet.svc.tab, i + 1, &e->check, f)) {
			free(f);
			return -ENOMEM;
		}
		bullet.files[i] = f;
	}
	return 0;
}

/*
 * Make the bytes at @start (written, not yet synced) file @f: data
 * durable, then its entry, then the capability in *cap.  On failure the
 * extent is still the caller's.
 */
static errstat commit(struct bfile *f, struct am_cap *cap)
{
	struct bs_entry e;
	struct am_cap owner;
	errstat err;

	bullet_sync();
	err = am_obj_create(bullet.svc.tab, f, &owner);
	if (err != STD_OK)
		return err;
	f->slot = am_priv_object(&owner.cap_priv) - 1;
	memset(&e, 0, sizeof(e));
	e.state = BS_LIVE;
	e.check = owner.cap_priv.prv_random;	/* the secret: all rights */
	e.start = f->start;
	e.size = f->size;
	e.ctime = (uint64_t)time(NULL);
	e.data_crc = f->crc;
	set_entry(f->slot, &e);
	bullet_sync();
	explicit_bzero(&e, sizeof(e));
	f->on_disk = true;
	bullet.files[f->slot] = f;
	bullet.stats.creates++;
	blog(LOG_DEBUG, "file %u made: %llu bytes at block %llu", f->slot + 1,
	     (unsigned long long)f->size, (unsigned long long)f->start);
	*cap = owner;
	return STD_OK;
}

static errstat do_create(const struct am_call *call, uint32_t size,
			 const char *data, struct am_cap *file)
{
	struct bfile *f;
	void *copy = NULL;
	errstat err;
	int ioerr;

	if (call->obj)
		return STD_DENIED;	/* files are made on the super cap */
	f = calloc(1, sizeof(*f));
	if (!f)
		return STD_NOMEM;
	f->kind = BF_FILE;
	f->size = size;
	if (size) {
		err = bullet_extent(bs_size_blocks(size), &f->start);
		if (err != STD_OK)
			goto fail;
		ioerr = bs_write(&bullet.st, f->start * BS_BLOCK, data, size);
		if (ioerr) {
			blog(LOG_ERR, "cannot write a file's data: %s",
			     strerror(-ioerr));
			err = STD_SYSERR;
			goto fail_extent;
		}
	}
	f->crc = am_crc32c(0, data, size);
	/* Copied before commit: the request buffer is the next request's. */
	if (size && bc_fits(&bullet.cache, size))
		copy = bc_alloc(size);
	if (copy)
		memcpy(copy, data, size);
	err = commit(f, file);
	if (err != STD_OK) {
		free(copy);
		goto fail_extent;
	}
	if (copy)
		bc_insert(&bullet.cache, f->slot, copy, size);
	return STD_OK;
fail_extent:
	if (size && bs_alloc_put(&bullet.st.alloc, f->start,
				 bs_size_blocks(size)))
		blog(LOG_ERR, "extent of a failed create freed twice");
fail:
	free(f);
	return err;
}

/* The cached bytes of file @f, read whole into the cache if they fit. */
static errstat cached(struct bfile *f, const char **bytes)
{
	struct bc_file *c = bc_find(&bullet.cache, f->slot);
	char *buf;
	int err;

	*bytes = NULL;
	if (c) {
		*bytes = c->data;
		return STD_OK;
	}
	if (!bc_fits(&bullet.cache, f->size))
		return STD_OK;
	buf = bc_alloc(f->size);
	if (!buf)
		return STD_OK;		/* read it from disk after all */
	err = bs_read(&bullet.st, f->start * BS_BLOCK, buf,
		      bs_size_blocks(f->size) * BS_BLOCK);
	if (err) {
		free(buf);
		blog(LOG_ERR, "cannot read file %u: %s", f->slot + 1,
		     strerror(-err));
		return STD_SYSERR;
	}
	if (am_crc32c(0, buf, f->size) != f->crc) {
		free(buf);
		blog(LOG_CRIT,
		     "file %u fails its checksum: the store is damaged (run bfsck)",
		     f->slot + 1);
		return STD_SYSERR;
	}
	bc_insert(&bullet.cache, f->slot, buf, f->size);
	*bytes = buf;
	return STD_OK;
}

/* The file an operation is on, or why it is not one. */
static errstat file_of(const struct am_call *call, struct bfile **f)
{
	*f = call->obj;
	if (!*f)
		return STD_COMBAD;	/* the super capability is no file */
	return (*f)->kind == BF_FILE ? STD_OK : STD_NOTNOW;
}

static errstat do_read(const struct am_call *call, uint64_t offset,
		       uint32_t want, uint32_t *got, char *data)
{
	const char *bytes;
	struct bfile *f;
	uint64_t n;
	errstat err;
	int ioerr;

	err = file_of(call, &f);
	if (err != STD_OK)
		return err;
	if (offset > f->size || want > BULLET_MSG_MAX)
		return STD_ARGBAD;
	n = f->size - offset < want ? f->size - offset : want;
	bullet.stats.reads++;
	if (!n) {
		*got = 0;
		return STD_OK;
	}
	err = cached(f, &bytes);
	if (err != STD_OK)
		return err;
	if (bytes) {
		memcpy(data, bytes + offset, n);
	} else {
		ioerr = bs_read(&bullet.st, f->start * BS_BLOCK + offset,
				data, n);
		if (ioerr) {
			blog(LOG_ERR, "cannot read file %u: %s", f->slot + 1,
			     strerror(-ioerr));
			return STD_SYSERR;
		}
	}
	*got = (uint32_t)n;
	return STD_OK;
}

static errstat do_size(const struct am_call *call, uint64_t *size)
{
	struct bfile *f;
	errstat err = file_of(call, &f);

	if (err == STD_OK)
		*size = f->size;
	return err;
}

static errstat do_begin(const struct am_call *call, uint64_t size,
			struct am_cap *upload)
{
	struct bfile *f;
	errstat err;

	if (call->obj)
		return STD_DENIED;
	if (size > bs_data_end(&bullet.st.sb) * BS_BLOCK)
		return STD_NOSPACE;
	f = calloc(1, sizeof(*f));
	if (!f)
		return STD_NOMEM;
	f->kind = BF_UPLOAD;
	f->size = size;
	err = size ? bullet_extent(bs_size_blocks(size), &f->start) : STD_OK;
	if (err == STD_OK)
		err = am_obj_create(bullet.svc.tab, f, upload);
	if (err == STD_OK) {
		bullet.stats.uploads++;
		return STD_OK;
	}
	if (size && f->start)
		bs_alloc_put(&bullet.st.alloc, f->start, bs_size_blocks(size));
	free(f);
	return err;
}

/* The upload an operation is on, or why it is not one. */
static errstat upload_of(const struct am_call *call, struct bfile **f)
{
	*f = call->obj;
	if (!*f)
		return STD_COMBAD;
	return (*f)->kind == BF_UPLOAD ? STD_OK : STD_WRITEPROT;
}

static errstat do_fill(const struct am_call *call, uint64_t offset,
		       uint32_t n, const char *data)
{
	struct bfile *f;
	bool again;
	errstat err;
	int ioerr;

	err = upload_of(call, &f);
	if (err != STD_OK)
		return err;
	/* A client whose b_fill failed cannot know whether it ran. */
	again = offset == f->last_off && n == f->last_n &&
		offset + n == f->filled;
	if (!again && (offset != f->filled || n > f->size - f->filled))
		return STD_ARGBAD;
	ioerr = bs_write(&bullet.st, f->start * BS_BLOCK + offset, data, n);
	if (ioerr) {
		blog(LOG_ERR, "cannot write an upload's data: %s",
		     strerror(-ioerr));
		return STD_SYSERR;
	}
	if (!again) {
		f->crc = am_crc32c(f->crc, data, n);
		f->filled += n;
		f->last_off = offset;
		f->last_n = n;
	}
	return STD_OK;
}

static errstat do_commit(const struct am_call *call, struct am_cap *file)
{
	struct bfile *up, *f;
	errstat err;

	err = upload_of(call, &up);
	if (err != STD_OK)
		return err;
	if (up->filled != up->size)
		return STD_ARGBAD;
	f = calloc(1, sizeof(*f));
	if (!f)
		return STD_NOMEM;
	f->kind = BF_FILE;
	f->start = up->start;
	f->size = up->size;
	f->crc = up->crc;
	err = commit(f, file);
	if (err != STD_OK) {
		free(f);
		return err;
	}
	/* The extent is the file's now; the upload goes, owning nothing. */
	up->size = 0;
	up->start = 0;
	am_obj_destroy(bullet.svc.tab, &call->hdr->h_priv, 0);
	return STD_OK;
}

void bullet_stat(struct bullet_stats *s)
{
	const struct bs_store *st = &bullet.st;

	*s = bullet.stats;
	s->files = st->files;
	s->file_bytes = st->file_bytes;
	s->blocks = bs_data_end(&st->sb) - st->sb.data_start;
	s->free_blocks = st->alloc.free;
	s->largest_free = bs_alloc_largest(&st->alloc);
	s->block_size = BS_BLOCK;
	s->slots = st->sb.nslots;
	s->cache_bytes = bullet.cache.bytes;
	s->cache_max = bullet.cache.max;
	s->cache_files = bullet.cache.files;
	s->cache_hits = bullet.cache.hits;
	s->cache_misses = bullet.cache.misses;
}

static errstat do_stat(const struct am_call *call, struct bullet_stats *s)
{
	if (call->obj)
		return STD_COMBAD;	/* a file has b_size */
	bullet_stat(s);
	return STD_OK;
}

static errstat do_compact(const struct am_call *call, uint64_t *moved)
{
	if (call->obj)
		return STD_COMBAD;
	*moved = bullet_compact();
	return STD_OK;
}

const struct bullet_impl bullet_impl = {
	AM_STD_IMPL,
	.b_create	= do_create,
	.b_read		= do_read,
	.b_size		= do_size,
	.b_begin	= do_begin,
	.b_fill		= do_fill,
	.b_commit	= do_commit,
	.b_stat		= do_stat,
	.b_compact	= do_compact,
};
