// SPDX-License-Identifier: GPL-2.0
/*
 * Compaction: files move towards the start of the data area, so that the
 * free space gathers into one extent at its end.
 *
 * A move never exposes a torn file: the bytes are copied to a free extent
 * that does not overlap the old one and made durable, only then does the
 * table entry change to name the new extent (one copy of the slot, the
 * other still naming the old extent should that write tear), and only
 * once that entry is durable does the old extent become free.  A crash at
 * any point leaves the file whole at one place or the other.  The copy is
 * checked against the file's checksum on the way, so that compaction
 * never spreads damage it finds; such a file stays where it is.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "bullet.h"

#define COPY_LEN	(1u << 20)

static int by_start(const void *a, const void *b)
{
	const struct bfile *x = *(struct bfile *const *)a;
	const struct bfile *y = *(struct bfile *const *)b;

	return x->start < y->start ? -1 : x->start > y->start;
}

/* Copy @f's bytes to block @to, checking them.  0 or -errno. */
static int copy_file(struct bfile *f, uint64_t to, char *buf)
{
	uint64_t done, n, len = bs_size_blocks(f->size) * BS_BLOCK;
	uint32_t crc = 0;
	int err;

	for (done = 0; done < len; done += n) {
		n = len - done < COPY_LEN ? len - done : COPY_LEN;
		err = bs_read(&bullet.st, f->start * BS_BLOCK + done, buf, n);
		if (err)
			return err;
		crc = am_crc32c(crc, buf, done + n <= f->size ? n :
				f->size - done);
		err = bs_write(&bullet.st, to * BS_BLOCK + done, buf, n);
		if (err)
			return err;
	}
	return crc == f->crc ? 0 : -EBADMSG;
}

static bool move_file(struct bfile *f, char *buf)
{
	uint64_t blocks = bs_size_blocks(f->size), to;
	struct bs_entry e;
	int err;

	if (bs_alloc_get_below(&bullet.st.alloc, blocks, f->start, &to))
		return false;
	err = copy_file(f, to, buf);
	if (err) {
		dm_log(err == -EBADMSG ? LOG_CRIT : LOG_ERR,
		     "cannot move file %u: %s", f->slot + 1,
		     err == -EBADMSG ? "it fails its checksum (run bfsck)" :
		     strerror(-err));
		bs_alloc_put(&bullet.st.alloc, to, blocks);
		return false;
	}
	bullet_sync();
	e = bullet.st.slots[f->slot].cur;
	e.start = to;
	if (bs_set(&bullet.st, f->slot, &e))
		dm_fatal("cannot write slot %u of the file table", f->slot);
	bullet_sync();
	/* Durable: nobody can find the old extent any more. */
	bs_alloc_put(&bullet.st.alloc, f->start, blocks);
	f->start = to;
	return true;
}

uint64_t bullet_compact(void)
{
	uint32_t i, n = 0, nslots = bullet.st.sb.nslots;
	struct bfile **order;
	uint64_t moved = 0;
	char *buf;

	bullet_sync();
	order = malloc(nslots * sizeof(*order));
	if (!order || posix_memalign((void **)&buf, BS_BLOCK, COPY_LEN)) {
		free(order);
		dm_log(LOG_ERR, "no memory to compact the store");
		return 0;
	}
	for (i = 0; i < nslots; i++)
		if (bullet.files[i] && bullet.files[i]->size)
			order[n++] = bullet.files[i];
	/* Lowest first: each move opens room for the files above it. */
	qsort(order, n, sizeof(*order), by_start);
	for (i = 0; i < n; i++)
		moved += move_file(order[i], buf);
	free(buf);
	free(order);
	bullet.stats.moved += moved;
	if (moved)
		dm_log(LOG_INFO,
		     "compaction moved %llu files; largest free extent now %llu blocks",
		     (unsigned long long)moved,
		     (unsigned long long)bs_alloc_largest(&bullet.st.alloc));
	return moved;
}
