// SPDX-License-Identifier: GPL-2.0
/*
 * A Bullet store on disk.  Nothing here decides what goes where: the
 * server and bfsck do, through bs_set and bs_write, and call bs_sync when
 * an order must hold (data before the table entry that names it).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "store.h"

/* Bytes a bounce buffer for O_DIRECT moves at a time. */
#define BOUNCE_LEN	(1u << 20)
/*
 * Smaller transfers go through the page cache even with BS_DIRECT: for
 * them a direct write measured slower (see Documentation/bullet.rst).
 */
#define DIRECT_MIN	(64u << 10)

static int pwrite_all(int fd, const void *buf, uint64_t len, uint64_t off)
{
	const char *p = buf;
	ssize_t n;

	while (len) {
		n = pwrite(fd, p, len, (off_t)off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		p += n;
		off += (uint64_t)n;
		len -= (uint64_t)n;
	}
	return 0;
}

static int pread_all(int fd, void *buf, uint64_t len, uint64_t off)
{
	char *p = buf;
	ssize_t n;

	while (len) {
		n = pread(fd, p, len, (off_t)off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EIO;	/* 0: past the end */
		p += n;
		off += (uint64_t)n;
		len -= (uint64_t)n;
	}
	return 0;
}

/* The size of the device or file behind @fd in blocks, or -errno. */
static int64_t fd_blocks(int fd)
{
	uint64_t bytes;
	struct stat sb;

	if (fstat(fd, &sb))
		return -errno;
	if (S_ISBLK(sb.st_mode)) {
		if (ioctl(fd, BLKGETSIZE64, &bytes))
			return -errno;
	} else if (S_ISREG(sb.st_mode)) {
		bytes = (uint64_t)sb.st_size;
	} else {
		return -ENODEV;
	}
	return (int64_t)(bytes / BS_BLOCK);
}

static bool is_store(int fd)
{
	char magic[8];

	return pread_all(fd, magic, sizeof(magic), 0) == 0 &&
	       !memcmp(magic, "AMBULLET", sizeof(magic));
}

static int write_super(int fd, const struct bs_super *sb)
{
	uint8_t *block = calloc(1, BS_BLOCK);
	int err;

	if (!block)
		return -ENOMEM;
	bs_super_encode(sb, block);
	err = pwrite_all(fd, block, BS_BLOCK, 0);
	if (!err)
		err = pwrite_all(fd, block, BS_BLOCK,
				 (sb->nblocks - 1) * BS_BLOCK);
	free(block);
	return err;
}

/* A stale table from an earlier store would read as files. */
static int zero_table(int fd, const struct bs_super *sb)
{
	uint64_t off = BS_BLOCK, end = sb->data_start * BS_BLOCK, n;
	void *zero = calloc(1, BOUNCE_LEN);
	int err = 0;

	if (!zero)
		return -ENOMEM;
	for (; !err && off < end; off += n) {
		n = end - off < BOUNCE_LEN ? end - off : BOUNCE_LEN;
		err = pwrite_all(fd, zero, n, off);
	}
	free(zero);
	return err;
}

static int format_fd(int fd, uint64_t bytes, uint32_t nslots, bool force,
		     const char **why)
{
	struct stat st;
	struct bs_super sb;
	int64_t blocks;
	int err;

	if (fstat(fd, &st))
		return *why = "cannot stat it", -errno;
	if (!force && is_store(fd))
		return *why = "it is a Bullet store already (--force to overwrite)",
			-EEXIST;
	if (!force && S_ISREG(st.st_mode) && st.st_size)
		return *why = "it is a file with data in it (--force to overwrite)",
			-EEXIST;
	if (S_ISREG(st.st_mode)) {
		if (!bytes)
			return *why = "a store in a file needs a size", -EINVAL;
		/* The get-port goes in: 0600 even for an older file. */
		if (fchmod(fd, 0600) || ftruncate(fd, (off_t)bytes))
			return *why = "cannot resize it", -errno;
		/* Allocated now, so that no write runs out of room later. */
		err = posix_fallocate(fd, 0, (off_t)bytes);
		if (err)
			return *why = "cannot allocate its space", -err;
	}
	blocks = fd_blocks(fd);
	if (blocks < 0)
		return *why = "not a file or block device", (int)blocks;
	if (S_ISBLK(st.st_mode) && bytes && bytes / BS_BLOCK < (uint64_t)blocks)
		blocks = (int64_t)(bytes / BS_BLOCK);
	if (!nslots) {
		nslots = (uint32_t)((uint64_t)blocks / 16 < BS_SLOTS_MAX ?
				    (uint64_t)blocks / 16 : BS_SLOTS_MAX);
		nslots = nslots < 16 ? 16 : nslots;
	}
	if (!bs_super_make(&sb, (uint64_t)blocks, nslots, why))
		return -EINVAL;
	if (am_port_random(&sb.getport) || am_port_random(&sb.supercheck))
		return *why = "no randomness for its ports", -EIO;
	sb.created = (uint64_t)time(NULL);
	err = zero_table(fd, &sb);
	if (!err)
		err = write_super(fd, &sb);
	if (!err && fsync(fd))
		err = -errno;
	explicit_bzero(&sb, sizeof(sb));
	if (err)
		*why = "cannot write it";
	return err;
}

/* Keep the others out while we write, or close @fd and say why not. */
static int lock_out(int fd, const char **why)
{
	if (!flock(fd, LOCK_EX | LOCK_NB))
		return 0;
	close(fd);
	*why = "a bulletd or bfsck has it open";
	return -EBUSY;
}

int bs_format(const char *path, uint64_t bytes, uint32_t nslots, bool force,
	      const char **why)
{
	bool made = false;
	int fd, err;

	/* The file holds the get-port: the service's one secret. */
	fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd >= 0)
		made = true;
	else if (errno == EEXIST)
		fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		*why = "cannot open it";
		return -errno;
	}
	if (lock_out(fd, why))
		return -EBUSY;
	err = format_fd(fd, bytes, nslots, force, why);
	close(fd);
	if (err && made)
		unlink(path);
	return err;
}

static void tell(bs_damage_fn damage, void *arg, const char *what)
{
	if (damage)
		damage(arg, UINT32_MAX, what);
}

/* Take the live files' extents and count them.  Damage is a bug here. */
static int take_files(struct bs_store *st)
{
	const struct bs_entry *e;
	uint32_t i;
	int err;

	err = bs_alloc_init(&st->alloc, st->sb.data_start,
			    bs_data_end(&st->sb));
	if (err)
		return err;
	for (i = 0; i < st->sb.nslots; i++) {
		e = &st->slots[i].cur;
		if (e->state != BS_LIVE)
			continue;
		st->files++;
		st->file_bytes += e->size;
		if (!e->size)
			continue;
		err = bs_alloc_take(&st->alloc, e->start,
				    bs_size_blocks(e->size));
		if (err)
			return err;
	}
	return 0;
}

static int open_fds(struct bs_store *st, const char *path,
		    unsigned int flags, bs_damage_fn damage, void *arg)
{
	int mode = flags & BS_RDONLY ? O_RDONLY : O_RDWR;

	int err;

	st->fd = open(path, mode | O_CLOEXEC);
	if (st->fd < 0) {
		err = -errno;
		tell(damage, arg, "cannot open the store");
		return err;
	}
	if (flock(st->fd, (flags & BS_RDONLY ? LOCK_SH : LOCK_EX) | LOCK_NB)) {
		tell(damage, arg, "another bulletd or bfsck has the store open");
		return -EBUSY;
	}
	st->dfd = st->fd;
	if (!(flags & BS_DIRECT))
		return 0;
	/* tmpfs, for one, refuses: then all goes through the page cache. */
	st->dfd = open(path, mode | O_DIRECT | O_CLOEXEC);
	if (st->dfd < 0)
		st->dfd = st->fd;
	return 0;
}

int bs_open(struct bs_store *st, const char *path, unsigned int flags,
	    bs_damage_fn damage, void *arg)
{
	uint8_t super[BS_SUPER_LEN], *table = NULL;
	uint64_t len;
	const char *why;
	int64_t blocks;
	int err;

	memset(st, 0, sizeof(*st));
	st->fd = st->dfd = -1;
	err = open_fds(st, path, flags, damage, arg);
	if (err)
		goto fail;
	blocks = fd_blocks(st->fd);
	err = blocks < 0 ? (int)blocks :
		pread_all(st->fd, super, sizeof(super), 0);
	if (err) {
		tell(damage, arg, "cannot read the superblock");
		goto fail;
	}
	if (!bs_super_decode(super, (uint64_t)blocks, &st->sb, &why)) {
		tell(damage, arg, why);
		err = -EUCLEAN;
		goto fail;
	}
	len = (uint64_t)st->sb.nslots * BS_SLOT_LEN;
	table = malloc(len);
	st->slots = calloc(st->sb.nslots, sizeof(*st->slots));
	err = -ENOMEM;
	if (!table || !st->slots)
		goto fail;
	err = pread_all(st->fd, table, len, BS_BLOCK);
	if (err) {
		tell(damage, arg, "cannot read the file table");
		goto fail;
	}
	st->damage = bs_table_load(&st->sb, table, st->slots, damage, arg);
	free(table);
	table = NULL;
	err = take_files(st);
	if (err)
		goto fail;
	return st->damage ? -EUCLEAN : 0;
fail:
	free(table);
	bs_close(st);
	return err;
}

void bs_close(struct bs_store *st)
{
	if (st->dfd >= 0 && st->dfd != st->fd)
		close(st->dfd);
	if (st->fd >= 0)
		close(st->fd);
	free(st->slots);
	bs_alloc_fini(&st->alloc);
	explicit_bzero(&st->sb, sizeof(st->sb));
	st->fd = st->dfd = -1;
	st->slots = NULL;
}

int bs_set(struct bs_store *st, uint32_t i, const struct bs_entry *e)
{
	struct bs_slot *s = &st->slots[i];
	uint8_t buf[BS_COPY_LEN];
	struct bs_entry next = *e;
	unsigned int which = !s->which;
	int err;

	next.seq = s->cur.seq + 1;
	bs_entry_encode(&next, buf);
	err = pwrite_all(st->fd, buf, sizeof(buf), bs_copy_offset(i, which));
	if (err)
		return err;
	if (s->cur.state == BS_LIVE) {
		st->files--;
		st->file_bytes -= s->cur.size;
	}
	if (next.state == BS_LIVE) {
		st->files++;
		st->file_bytes += next.size;
	}
	s->cur = next;
	s->which = (uint8_t)which;
	return 0;
}

int bs_sync(struct bs_store *st)
{
	return fdatasync(st->fd) ? -errno : 0;
}

static bool aligned(uint64_t x)
{
	return !(x % BS_BLOCK);
}

/* O_DIRECT wants block-aligned memory, offsets and lengths: bounce. */
static int write_direct(struct bs_store *st, uint64_t off, const char *buf,
			uint64_t len)
{
	uint64_t whole = len / BS_BLOCK * BS_BLOCK, n;
	char *bounce;
	int err = 0;

	if (aligned((uintptr_t)buf)) {
		err = pwrite_all(st->dfd, buf, whole, off);
		buf += whole;
		off += whole;
		len -= whole;
	}
	if (!len || err)
		return err;
	if (posix_memalign((void **)&bounce, BS_BLOCK, BOUNCE_LEN))
		return -ENOMEM;
	for (; !err && len; len -= n, buf += n, off += n) {
		n = len < BOUNCE_LEN ? len : BOUNCE_LEN;
		memcpy(bounce, buf, n);
		memset(bounce + n, 0, (BS_BLOCK - n % BS_BLOCK) % BS_BLOCK);
		err = pwrite_all(st->dfd, bounce,
				 bs_size_blocks(n) * BS_BLOCK, off);
	}
	free(bounce);
	return err;
}

int bs_write(struct bs_store *st, uint64_t off, const void *buf,
	     uint64_t len)
{
	if (st->dfd != st->fd && aligned(off) && len >= DIRECT_MIN)
		return write_direct(st, off, buf, len);
	return pwrite_all(st->fd, buf, len, off);
}

int bs_read(struct bs_store *st, uint64_t off, void *buf, uint64_t len)
{
	if (st->dfd != st->fd && len >= DIRECT_MIN && aligned(off) &&
	    aligned(len) && aligned((uintptr_t)buf))
		return pread_all(st->dfd, buf, len, off);
	return pread_all(st->fd, buf, len, off);
}

int bs_restore_super(const char *path, const char **why)
{
	uint8_t super[BS_SUPER_LEN];
	struct bs_super sb;
	int64_t blocks;
	int fd, err;

	*why = NULL;
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		*why = "cannot open the store";
		return -errno;
	}
	if (lock_out(fd, why))
		return -EBUSY;
	blocks = fd_blocks(fd);
	err = blocks < 2 ? -EINVAL :
		pread_all(fd, super, sizeof(super),
			  ((uint64_t)blocks - 1) * BS_BLOCK);
	if (err)
		*why = "cannot read the superblock's copy";
	else if (!bs_super_decode(super, (uint64_t)blocks, &sb, why))
		err = -EUCLEAN;
	else
		err = write_super(fd, &sb);
	if (!err && fdatasync(fd))
		err = -errno;
	if (err && !*why)
		*why = "cannot write the superblock";
	close(fd);
	explicit_bzero(&sb, sizeof(sb));
	return err;
}
