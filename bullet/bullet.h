/* SPDX-License-Identifier: GPL-2.0 */
/*
 * bulletd's state and the parts of the server that share it: the service
 * (service.c), compaction (compact.c) and the main loop (bulletd.c).  One
 * thread serves, so nothing here locks.
 */
#ifndef BULLET_BULLET_H
#define BULLET_BULLET_H

#include <stdbool.h>
#include <stdint.h>

#include <amoeba.h>

#include "bullet_ail.h"
#include "cache.h"
#include "store.h"

/* What an object of the table is: a file, or one being uploaded. */
enum bfile_kind {
	BF_FILE,
	BF_UPLOAD,
};

struct bfile {
	uint8_t		kind;		/* enum bfile_kind */
	bool		on_disk;	/* a file whose table entry is live */
	uint32_t	slot;		/* its table slot: object number - 1 */
	uint64_t	start;		/* its extent, if size > 0 */
	uint64_t	size;
	uint32_t	crc;		/* of the bytes, or of those filled */
	uint64_t	filled;		/* an upload's bytes so far */
	uint64_t	last_off;	/* an upload's last b_fill, for a retry */
	uint32_t	last_n;
};

struct bullet {
	struct bs_store		st;
	struct bcache		cache;
	struct am_service	svc;
	struct am_port		putport;	/* where clients find us */
	struct bfile		**files;	/* by slot, the live ones */
	struct bs_extent	*pending;	/* freed, not yet durably */
	uint32_t		npending, pending_room;
	struct bullet_stats	stats;
};

extern struct bullet bullet;
extern const struct bullet_impl bullet_impl;

/*
 * Logging is daemon.h's: dm_log at a syslog level, dm_fatal where the
 * disk failed and the table must not be left unsure.
 */
#include "daemon.h"

/*
 * Put the store's files (bullet.st, open) into the object table
 * bullet.svc.tab and the cache's slot array: 0 or -ENOMEM.
 */
int bullet_restore(void);
/* The object table's release: a file destroyed or aged away, or an upload. */
void bullet_release(void *data);
/* Sync, and give the extents freed before it to the allocator. */
void bullet_sync(void);
/*
 * An extent of @blocks blocks: syncing pending frees and compacting if it
 * must.  STD_OK and *start, or STD_NOSPACE.
 */
errstat bullet_extent(uint64_t blocks, uint64_t *start);
/* The figures b_stat and std_status give. */
void bullet_stat(struct bullet_stats *s);
/* Move files down so that free space gathers at the end.  Files moved. */
uint64_t bullet_compact(void);

/*
 * The bound of each call std_copy makes to another Bullet server: well
 * under the 5 s a caller's trans waits by default, so that a source that
 * does not answer is STD_NOTNOW to the caller rather than a timeout of its
 * own, which would leave it unsure whether the copy was made.
 */
#define BULLET_SOURCE_MS	2000

#endif /* BULLET_BULLET_H */
