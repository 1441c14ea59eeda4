// SPDX-License-Identifier: GPL-2.0
/*
 * bstat: what a Bullet server holds, or how large a Bullet file is.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>

#include "bullet_ail.h"
#include "common.h"

static const char help[] =
"usage: bstat [-p] CAPABILITY...\n"
"For a Bullet server's super capability (object 0), print what it holds:\n"
"files, blocks used and free, the largest free extent, slots, uploads, its\n"
"cache and how often reads hit it, and its counts of creates, reads,\n"
"deletes and files moved by compaction since it started.  For a file,\n"
"print one line: its capability, size in bytes and rights.  Both need the\n"
"read right.\n"
"  -p  print KEY=VALUE lines instead, one per field (for a file only\n"
"      size=N), for scripts; a blank line separates those of each\n"
"      capability when there are several\n"
"A capability is PPPPPPPPPPPP:OOOOOO:RR:CCCCCCCCCCCC in hexadecimal.\n"
"Exit status: 0 if every call succeeded, 1 if one failed, 2 for a usage\n"
"error.  The transport is chosen by AMOEBA_TRANSPORT (see libamoeba(3)).\n";

static bool parseable;
/* Whether a block of -p output came before, to be set apart from. */
static bool printed;

static void option(int ch, char *arg)
{
	(void)ch;
	(void)arg;
	parseable = true;
}

static void print_parseable(const struct bullet_stats *s)
{
	printf("files=%" PRIu64 "\n", s->files);
	printf("file_bytes=%" PRIu64 "\n", s->file_bytes);
	printf("blocks=%" PRIu64 "\n", s->blocks);
	printf("free_blocks=%" PRIu64 "\n", s->free_blocks);
	printf("largest_free=%" PRIu64 "\n", s->largest_free);
	printf("block_size=%" PRIu32 "\n", s->block_size);
	printf("slots=%" PRIu32 "\n", s->slots);
	printf("uploads=%" PRIu64 "\n", s->uploads);
	printf("cache_bytes=%" PRIu64 "\n", s->cache_bytes);
	printf("cache_max=%" PRIu64 "\n", s->cache_max);
	printf("cache_files=%" PRIu64 "\n", s->cache_files);
	printf("cache_hits=%" PRIu64 "\n", s->cache_hits);
	printf("cache_misses=%" PRIu64 "\n", s->cache_misses);
	printf("creates=%" PRIu64 "\n", s->creates);
	printf("reads=%" PRIu64 "\n", s->reads);
	printf("deletes=%" PRIu64 "\n", s->deletes);
	printf("moved=%" PRIu64 "\n", s->moved);
}

static void print_readable(const struct bullet_stats *s, const char *cap)
{
	uint64_t used = s->blocks > s->free_blocks ?
			s->blocks - s->free_blocks : 0;
	uint64_t lookups = s->cache_hits + s->cache_misses;

	printf("%s Bullet server\n", cap);
	printf("  files         %" PRIu64 ", %" PRIu64 " bytes\n", s->files,
	       s->file_bytes);
	printf("  blocks        %" PRIu64 " used, %" PRIu64 " free, of %" PRIu64 " (%" PRIu32 " bytes each)\n",
	       used, s->free_blocks, s->blocks, s->block_size);
	printf("  largest free  %" PRIu64 " bytes, %" PRIu64 " blocks\n",
	       s->largest_free * s->block_size, s->largest_free);
	printf("  slots         %" PRIu32 "\n", s->slots);
	printf("  uploads       %" PRIu64 "\n", s->uploads);
	printf("  cache         %" PRIu64 " of %" PRIu64 " bytes, %" PRIu64 " files\n",
	       s->cache_bytes, s->cache_max, s->cache_files);
	/* No reads yet is no rate at all, not 0%. */
	if (lookups)
		printf("  hit rate      %.1f%% (%" PRIu64 " hits, %" PRIu64 " misses)\n",
		       100.0 * (double)s->cache_hits / (double)lookups,
		       s->cache_hits, s->cache_misses);
	else
		printf("  hit rate      - (no reads)\n");
	printf("  creates       %" PRIu64 "\n", s->creates);
	printf("  reads         %" PRIu64 "\n", s->reads);
	printf("  deletes       %" PRIu64 "\n", s->deletes);
	printf("  moved         %" PRIu64 "\n", s->moved);
}

static errstat bstat(const struct am_cap *cap, const char *text)
{
	char canon[AM_CAP_TEXTLEN + 1];
	struct bullet_stats s;
	uint64_t size;
	errstat err;
	bool server = am_priv_object(&cap->cap_priv) == 0;

	(void)text;
	if (server)
		err = b_stat(cap, &s);
	else
		err = b_size(cap, &size);
	if (err != STD_OK)
		return err;
	am_cap_format(cap, canon, sizeof(canon));
	if (parseable && printed)
		putchar('\n');
	printed = true;
	if (server && parseable)
		print_parseable(&s);
	else if (server)
		print_readable(&s, canon);
	else if (parseable)
		printf("size=%" PRIu64 "\n", size);
	else
		printf("%s size %" PRIu64 " rights %02x\n", canon, size,
		       cap->cap_priv.prv_rights);
	return STD_OK;
}

int main(int argc, char **argv)
{
	int first = cmd_getopt(argc, argv, help, "p", option, 1, -1);
	int status = cmd_each_cap(argc, argv, first, bstat);

	if (fflush(stdout) || ferror(stdout)) {
		cmd_syserr("standard output");
		return EXIT_FAIL;
	}
	return status;
}
