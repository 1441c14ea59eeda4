// SPDX-License-Identifier: GPL-2.0
/*
 * bfsck: check a Bullet store offline, and repair it.  Repair never
 * invents data: it restores the superblock from its copy, and frees the
 * slots whose entries cannot be trusted, keeping any such file whose
 * extent is its own and whose bytes still match their checksum.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <amoeba.h>

#include "store.h"

/* fsck(8)'s exit codes. */
#define FSCK_OK		0
#define FSCK_FIXED	1
#define FSCK_LEFT	4
#define FSCK_ERROR	8
#define FSCK_USAGE	16

#define CHUNK		(1u << 20)

static const char help[] =
"usage: bfsck [-r] [-d] STORE\n"
"Check the Bullet store STORE (a device or file no bulletd is serving):\n"
"its superblock, every slot of its file table, and that no two files'\n"
"extents overlap.  Prints each problem found.\n"
"  -d, --data    also read every file and check its bytes' checksum\n"
"  -r, --repair  repair: restore a damaged superblock from its copy at the\n"
"                end of the store, and free every slot that cannot be\n"
"                trusted; a file is kept if its extent is its own and its\n"
"                bytes match their checksum.  Each file lost is named.\n"
"Exit status, as fsck(8): 0 no problems, 1 problems repaired, 4 problems\n"
"left, 8 the store could not be read, 16 a usage error.\n";

static const char *path;
static unsigned int problems;
static uint32_t *damaged;
static uint32_t ndamaged;

static void note(void *arg, uint32_t slot, const char *what)
{
	uint32_t *p;

	(void)arg;
	problems++;
	if (slot == UINT32_MAX) {
		printf("%s: %s\n", path, what);
		return;
	}
	printf("%s: slot %u (file %u): %s\n", path, slot, slot + 1, what);
	p = realloc(damaged, (ndamaged + 1) * sizeof(*p));
	if (!p) {
		perror("bfsck");
		exit(FSCK_ERROR);
	}
	damaged = p;
	damaged[ndamaged++] = slot;
}

static void usage(const char *msg, const char *arg)
{
	fprintf(stderr, "bfsck: %s%s\nTry 'bfsck --help'.\n", msg, arg);
	exit(FSCK_USAGE);
}

/* Do the bytes of @e match its checksum?  Unreadable ones do not. */
static bool data_ok(struct bs_store *st, const struct bs_entry *e, char *buf)
{
	uint64_t done, n;
	uint32_t crc = 0;

	for (done = 0; done < e->size; done += n) {
		n = e->size - done < CHUNK ? e->size - done : CHUNK;
		if (bs_read(st, e->start * BS_BLOCK + done, buf, n))
			return false;
		crc = am_crc32c(crc, buf, n);
	}
	return crc == e->data_crc;
}

/* Check every live file's bytes; with @repair free those that fail. */
static unsigned int check_data(struct bs_store *st, bool repair, char *buf)
{
	static const struct bs_entry free_entry;
	const struct bs_entry *e;
	unsigned int bad = 0;
	uint32_t i;

	for (i = 0; i < st->sb.nslots; i++) {
		e = &st->slots[i].cur;
		if (e->state != BS_LIVE || data_ok(st, e, buf))
			continue;
		printf("%s: slot %u (file %u): its %llu bytes fail their checksum%s\n",
		       path, i, i + 1,
		       (unsigned long long)e->size,
		       repair ? "; file removed" : "");
		bad++;
		if (repair) {
			bs_alloc_put(&st->alloc, e->start,
				     bs_size_blocks(e->size));
			if (bs_set(st, i, &free_entry))
				return UINT32_MAX;
		}
	}
	return bad;
}

/*
 * The entry a damaged slot would have on its own, if a live one: what a
 * loader of just that slot finds (an overlap needs two slots).
 */
static bool slot_alone(struct bs_store *st, uint32_t i, struct bs_entry *e)
{
	uint8_t raw[BS_SLOT_LEN];
	struct bs_super one = st->sb;
	struct bs_slot s;

	if (bs_read(st, bs_copy_offset(i, 0), raw, sizeof(raw)))
		return false;
	one.nslots = 1;
	if (bs_table_load(&one, raw, &s, NULL, NULL) ||
	    s.cur.state != BS_LIVE)
		return false;
	*e = s.cur;
	return true;
}

/* Keep or free each damaged slot.  Files lost, or UINT32_MAX. */
static uint32_t repair_slots(struct bs_store *st, char *buf)
{
	static const struct bs_entry free_entry;
	uint32_t i, slot, lost = 0;
	struct bs_entry e;
	uint64_t blocks;
	bool taken;

	for (i = 0; i < ndamaged; i++) {
		slot = damaged[i];
		if (slot_alone(st, slot, &e)) {
			/* The first of two overlapping files that matches. */
			blocks = bs_size_blocks(e.size);
			taken = !blocks ||
				!bs_alloc_take(&st->alloc, e.start, blocks);
			if (taken && data_ok(st, &e, buf)) {
				printf("%s: slot %u (file %u): kept, its bytes match\n",
				       path, slot, slot + 1);
				continue;
			}
			if (taken && blocks)
				bs_alloc_put(&st->alloc, e.start, blocks);
		}
		printf("%s: slot %u (file %u): freed, the file is lost\n", path,
		       slot, slot + 1);
		lost++;
		if (bs_set(st, slot, &free_entry))
			return UINT32_MAX;
	}
	return lost;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "data", no_argument, NULL, 'd' },
		{ "repair", no_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	bool repair = false, data = false;
	unsigned int fixed = 0, bad;
	struct bs_store st;
	const char *why;
	char *buf;
	int ch, err;

	while ((ch = getopt_long(argc, argv, "drh", longopts, NULL)) != -1) {
		switch (ch) {
		case 'd':
			data = true;
			break;
		case 'r':
			repair = true;
			break;
		case 'h':
			fputs(help, stdout);
			return FSCK_OK;
		default:
			usage("unknown option", "");
		}
	}
	if (optind != argc - 1)
		usage(optind < argc ? "one store only, not also " :
		      "no store given", optind < argc ? argv[optind + 1] : "");
	path = argv[optind];
	buf = malloc(CHUNK);
	if (!buf)
		usage("no memory", "");
	err = bs_open(&st, path, repair ? 0 : BS_RDONLY, note, NULL);
	if (err == -EUCLEAN && st.fd < 0) {
		/* The superblock: nothing else can be read without it. */
		if (!repair)
			return FSCK_LEFT;
		err = bs_restore_super(path, &why);
		if (err) {
			printf("%s: cannot restore the superblock from its copy: %s\n",
			       path, why);
			return FSCK_LEFT;
		}
		printf("%s: superblock restored from its copy\n", path);
		fixed++;
		problems = 0;
		ndamaged = 0;
		err = bs_open(&st, path, 0, note, NULL);
	}
	if (err && err != -EUCLEAN) {
		printf("%s: cannot check it: %s\n", path, strerror(-err));
		return FSCK_ERROR;
	}
	if (repair && ndamaged) {
		if (repair_slots(&st, buf) == UINT32_MAX)
			goto io_error;
		fixed += ndamaged;
	}
	bad = data ? check_data(&st, repair, buf) : 0;
	if (bad == UINT32_MAX || (repair && bs_sync(&st)))
		goto io_error;
	printf("%s: %llu files, %llu bytes, %llu of %llu blocks free; "
	       "%u problems%s\n", path, (unsigned long long)st.files,
	       (unsigned long long)st.file_bytes,
	       (unsigned long long)st.alloc.free,
	       (unsigned long long)(bs_data_end(&st.sb) - st.sb.data_start),
	       problems + bad, repair && (problems + bad) ? ", repaired" : "");
	bs_close(&st);
	free(buf);
	if (!(problems + bad))
		return fixed ? FSCK_FIXED : FSCK_OK;
	return repair ? FSCK_FIXED : FSCK_LEFT;
io_error:
	printf("%s: cannot write the repair: %s\n", path, strerror(errno));
	return FSCK_ERROR;
}
