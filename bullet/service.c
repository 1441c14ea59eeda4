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
				dm_log(LOG_ERR, "extent %llu+%llu freed twice",
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
		dm_fatal("cannot sync the store: %s", strerror(-err));
	for (i = 0; i < bullet.npending; i++)
		if (bs_alloc_put(&bullet.st.alloc, bullet.pending[i].start,
				 bullet.pending[i].len))
			dm_log(LOG_ERR, "extent %llu+%llu freed twice",
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
	dm_log(LOG_INFO, "no free extent of %llu blocks among %llu free: compacting",
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
		dm_fatal("cannot write slot %u of the file table: %s", slot,
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
		dm_log(LOG_DEBUG, "file %u deleted", f->slot + 1);
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
	dm_log(LOG_DEBUG, "file %u made: %llu bytes at block %llu", f->slot + 1,
	     (unsigned long long)f->size, (unsigned long long)f->start);
	*cap = owner;
	return STD_OK;
}

/*
 * A file of @size bytes to be made, its extent taken: STD_OK and *out, or
 * STD_NOSPACE / STD_NOMEM.  Nothing on disk names the extent until
 * commit(), so unreserve() may give it straight back.
 */
static errstat reserve(enum bfile_kind kind, uint64_t size, struct bfile **out)
{
	struct bfile *f;
	errstat err = STD_OK;

	if (size > bs_data_end(&bullet.st.sb) * BS_BLOCK)
		return STD_NOSPACE;
	f = calloc(1, sizeof(*f));
	if (!f)
		return STD_NOMEM;
	f->kind = kind;
	f->size = size;
	if (size)
		err = bullet_extent(bs_size_blocks(size), &f->start);
	if (err != STD_OK) {
		free(f);
		return err;
	}
	*out = f;
	return STD_OK;
}

static void unreserve(struct bfile *f)
{
	if (f->size && bs_alloc_put(&bullet.st.alloc, f->start,
				    bs_size_blocks(f->size)))
		dm_log(LOG_ERR, "extent %llu+%llu of a file not made freed twice",
		     (unsigned long long)f->start,
		     (unsigned long long)bs_size_blocks(f->size));
	free(f);
}

/* @n bytes of @data at @offset of the extent of @f, not yet durable. */
static errstat put_bytes(struct bfile *f, uint64_t offset, const char *data,
			 uint32_t n)
{
	int err;

	if (!n)
		return STD_OK;
	err = bs_write(&bullet.st, f->start * BS_BLOCK + offset, data, n);
	if (err) {
		dm_log(LOG_ERR, "cannot write the data of a file being made: %s",
		     strerror(-err));
		return STD_SYSERR;
	}
	return STD_OK;
}

static errstat do_create(const struct am_call *call, uint32_t size,
			 const char *data, struct am_cap *file)
{
	struct bfile *f;
	void *copy = NULL;
	errstat err;

	if (call->obj)
		return STD_DENIED;	/* files are made on the super cap */
	err = reserve(BF_FILE, size, &f);
	if (err != STD_OK)
		return err;
	err = put_bytes(f, 0, data, size);
	if (err != STD_OK)
		goto fail;
	f->crc = am_crc32c(0, data, size);
	/* Copied before commit: the request buffer is the next request's. */
	if (size && bc_fits(&bullet.cache, size))
		copy = bc_alloc(size);
	if (copy)
		memcpy(copy, data, size);
	err = commit(f, file);
	if (err != STD_OK) {
		free(copy);
		goto fail;
	}
	if (copy)
		bc_insert(&bullet.cache, f->slot, copy, size);
	return STD_OK;
fail:
	unreserve(f);
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
		dm_log(LOG_ERR, "cannot read file %u: %s", f->slot + 1,
		     strerror(-err));
		return STD_SYSERR;
	}
	if (am_crc32c(0, buf, f->size) != f->crc) {
		free(buf);
		dm_log(LOG_CRIT,
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
			dm_log(LOG_ERR, "cannot read file %u: %s", f->slot + 1,
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
	err = reserve(BF_UPLOAD, size, &f);
	if (err != STD_OK)
		return err;
	err = am_obj_create(bullet.svc.tab, f, upload);
	if (err != STD_OK) {
		unreserve(f);
		return err;
	}
	bullet.stats.uploads++;
	return STD_OK;
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

	err = upload_of(call, &f);
	if (err != STD_OK)
		return err;
	/* A client whose b_fill failed cannot know whether it ran. */
	again = offset == f->last_off && n == f->last_n &&
		offset + n == f->filled;
	if (!again && (offset != f->filled || n > f->size - f->filled))
		return STD_ARGBAD;
	err = put_bytes(f, offset, data, n);
	if (err != STD_OK)
		return err;
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

/* @n bytes at @offset of file @src: from the cache, or read into @buf. */
static errstat local_bytes(struct bfile *src, uint64_t offset, uint32_t n,
			   char *buf, const char **bytes)
{
	const char *cache;
	errstat err;
	int ioerr;

	err = cached(src, &cache);
	if (err != STD_OK)
		return err;
	if (cache) {
		*bytes = cache + offset;
		return STD_OK;
	}
	ioerr = bs_read(&bullet.st, src->start * BS_BLOCK + offset, buf, n);
	if (ioerr) {
		dm_log(LOG_ERR, "cannot read file %u: %s", src->slot + 1,
		     strerror(-ioerr));
		return STD_SYSERR;
	}
	*bytes = buf;
	return STD_OK;
}

/*
 * What the source of a copy answered, as this server's answer: the
 * source's own status names what is wrong with @orig, but a call that
 * failed is no answer at all, and the caller can only try again.
 */
static errstat source_status(const char *op, const struct am_cap *orig,
			     errstat err)
{
	char port[AM_PORT_TEXTLEN + 1];
	const char *name = err_name(err);

	if (!am_err_rpc(err))
		return err;
	am_port_format(&orig->cap_port, port, sizeof(port));
	dm_log(LOG_WARNING, "copy: %s on port %s failed: %s (%s)", op, port,
	     name ? name : err_why(err), am_rpc_error());
	return STD_NOTNOW;
}

/*
 * Fill @f, whose extent is reserved, with the bytes of @orig: file @src
 * of this server, or with @src NULL a file of another Bullet server, read
 * a message at a time through @buf.  A local source is checked against
 * its checksum on the way, so that damage is not replicated.
 */
static errstat copy_bytes(struct bfile *f, struct bfile *src,
			  const struct am_cap *orig, char *buf)
{
	const char *bytes;
	uint64_t offset;
	uint32_t want, got;
	errstat err;

	for (offset = 0; offset < f->size; offset += want) {
		want = f->size - offset < BULLET_MSG_MAX ?
			(uint32_t)(f->size - offset) : BULLET_MSG_MAX;
		if (src) {
			err = local_bytes(src, offset, want, buf, &bytes);
		} else {
			bytes = buf;
			err = b_read(orig, offset, want, &got, buf);
			err = source_status("b_read", orig, err);
			/* Files do not shrink: that server is broken. */
			if (err == STD_OK && got != want) {
				dm_log(LOG_ERR, "copy: a source of %llu bytes gave %u of %u at %llu",
				     (unsigned long long)f->size, got, want,
				     (unsigned long long)offset);
				err = STD_SYSERR;
			}
		}
		if (err == STD_OK)
			err = put_bytes(f, offset, bytes, want);
		if (err != STD_OK)
			return err;
		f->crc = am_crc32c(f->crc, bytes, want);
	}
	if (src && f->crc != src->crc) {
		dm_log(LOG_CRIT,
		     "file %u fails its checksum: the store is damaged (run bfsck)",
		     src->slot + 1);
		return STD_SYSERR;
	}
	return STD_OK;
}

/*
 * The file @orig names, if it is one of this server's: STD_OK and *src
 * with a reference held, or why @orig cannot be copied.
 */
static errstat local_source(const struct am_cap *orig, struct bfile **src)
{
	struct bfile *f;
	uint8_t rights;
	void *data;
	errstat err;

	err = am_obj_get(bullet.svc.tab, &orig->cap_priv, AM_RGT_READ, &data,
			 &rights);
	if (err != STD_OK)
		return err;
	f = data;
	err = !f ? STD_COMBAD : f->kind == BF_FILE ? STD_OK : STD_NOTNOW;
	if (err != STD_OK) {
		am_obj_put(bullet.svc.tab, &orig->cap_priv);
		return err;
	}
	*src = f;
	return STD_OK;
}

static errstat do_copy(const struct am_call *call, const struct am_cap *orig,
		       struct am_cap *copy)
{
	struct bfile *src = NULL, *f;
	uint64_t size, room;
	void *buf = NULL;
	uint32_t ms;
	errstat err;

	if (call->obj)
		return STD_DENIED;	/* copies are made on the super cap */
	if (am_port_null(&orig->cap_port))
		return STD_CAPBAD;
	/* Each call to the source: answer our caller before it gives up. */
	ms = am_timeout(BULLET_SOURCE_MS);
	if (am_port_eq(&orig->cap_port, &bullet.putport))
		err = local_source(orig, &src);
	else
		err = source_status("b_size", orig, b_size(orig, &size));
	if (err != STD_OK)
		goto out;
	if (src)
		size = src->size;
	/* Aligned, so that whole blocks go to and from disk with O_DIRECT. */
	room = size < BULLET_MSG_MAX ? bs_size_blocks(size) * BS_BLOCK :
		BULLET_MSG_MAX;
	if (posix_memalign(&buf, BS_BLOCK, room ? room : BS_BLOCK)) {
		err = STD_NOMEM;
		goto out;
	}
	err = reserve(BF_FILE, size, &f);
	if (err != STD_OK)
		goto out;
	err = copy_bytes(f, src, orig, buf);
	if (err == STD_OK)
		err = commit(f, copy);
	if (err != STD_OK)
		unreserve(f);
out:
	am_timeout(ms);
	free(buf);
	if (src)
		am_obj_put(bullet.svc.tab, &orig->cap_priv);
	return err;
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
	.std_copy	= do_copy,
	.b_create	= do_create,
	.b_read		= do_read,
	.b_size		= do_size,
	.b_begin	= do_begin,
	.b_fill		= do_fill,
	.b_commit	= do_commit,
	.b_stat		= do_stat,
	.b_compact	= do_compact,
};
