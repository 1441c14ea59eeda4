// SPDX-License-Identifier: GPL-2.0
/*
 * bload: load for the Bullet server's crash test and benchmark.
 *
 *   bload create SERVER SEED COUNT [LIST]
 *	make up to COUNT files of random sizes (some larger than one
 *	message, made by upload), each one's bytes a function of SEED and
 *	its number; after each acknowledgement print "ACK CAP SIZE SEED N".
 *	Between creates, delete a random file of LIST or of this run now
 *	and then ("DEL CAP" just before), and compact now and then.
 *	Stops at the first failure, as when the server is killed.
 *   bload verify < LIST
 *	check every file LIST acknowledged and did not delete: its size and
 *	every byte; a file deleted may be gone or must be whole.
 *   bload bench SERVER
 *	creates/s and reads/s of 4 KiB files, MB/s of 1 MiB files made and
 *	read (cached); "RESULT name value unit" lines.
 *   bload sink / bload rpc PUTPORT: a server that answers every request
 *	with 1 MiB, and a client of it: the bulk RPC throughput of the same
 *	path, which a cached 1 MiB read is judged against.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <amoeba.h>

#include "bullet_ail.h"

#define MAX_FILES	100000
#define MSG		BULLET_MSG_MAX
/* b_fill chunks, whole blocks so that they may bypass the page cache. */
#define CHUNK		(BULLET_FILL_MAX / 4096 * 4096)

struct entry {
	char		cap[AM_CAP_TEXTLEN + 1];
	uint64_t	size;
	uint32_t	seed, n;
	int		deleted;
};

static struct entry *files;
static uint32_t nfiles;

static uint64_t rng_next(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* File N of SEED: its bytes from offset @off. */
static void fill(char *buf, uint64_t len, uint32_t seed, uint32_t n,
		 uint64_t off)
{
	uint64_t i;

	for (i = 0; i < len; i++) {
		uint64_t x = off + i;

		buf[i] = (char)((x * 2654435761u) ^ (x >> 13) ^ seed ^
				(n * 40503u));
	}
}

static void die(const char *what, errstat err)
{
	fprintf(stderr, "bload: %s: %s\n", what, err_why(err));
	exit(1);
}

static void must(const char *what, errstat err)
{
	if (err != STD_OK)
		die(what, err);
}

static struct am_cap parse_cap(const char *text)
{
	struct am_cap cap;

	if (am_cap_parse(text, &cap, NULL)) {
		fprintf(stderr, "bload: bad capability %s\n", text);
		exit(2);
	}
	return cap;
}

static errstat make_file(const struct am_cap *server, char *buf,
			 uint64_t size, uint32_t seed, uint32_t n,
			 struct am_cap *file)
{
	struct am_cap up;
	uint64_t off, len;
	errstat err;

	if (size <= MSG) {
		fill(buf, size, seed, n, 0);
		return b_create(server, (uint32_t)size, buf, file);
	}
	err = b_begin(server, size, &up);
	for (off = 0; err == STD_OK && off < size; off += len) {
		len = size - off < CHUNK ? size - off : CHUNK;
		fill(buf, len, seed, n, off);
		err = b_fill(&up, off, (uint32_t)len, buf);
	}
	return err == STD_OK ? b_commit(&up, file) : err;
}

static void read_list(FILE *f)
{
	char line[256], cap[AM_CAP_TEXTLEN + 1];
	struct entry *e;
	uint32_t i;

	files = calloc(MAX_FILES, sizeof(*files));
	if (!files)
		die("memory", STD_NOMEM);
	while (f && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "DEL %40s", cap) == 1) {
			for (i = 0; i < nfiles; i++)
				if (!strcmp(files[i].cap, cap))
					files[i].deleted = 1;
			continue;
		}
		if (nfiles == MAX_FILES)
			break;
		e = &files[nfiles];
		if (sscanf(line, "ACK %40s %" SCNu64 " %u %u", e->cap,
			   &e->size, &e->seed, &e->n) == 4)
			nfiles++;
	}
}

static int create(const char *server_text, uint32_t seed, uint32_t count,
		  const char *list)
{
	struct am_cap server = parse_cap(server_text), file, victim;
	char text[AM_CAP_TEXTLEN + 1];
	uint64_t rng = seed * 0x9e3779b97f4a7c15ull + 1, size, r;
	char *buf = malloc(MSG);
	FILE *f = list ? fopen(list, "r") : NULL;
	uint32_t n, live = 0, i;
	errstat err;

	read_list(f);
	if (f)
		fclose(f);
	for (i = 0; i < nfiles; i++)
		live += !files[i].deleted;
	for (n = 0; n < count; n++) {
		r = rng_next(&rng) % 100;
		size = r < 70 ? rng_next(&rng) % 16384 :
			r < 95 ? rng_next(&rng) % MSG :
			MSG + rng_next(&rng) % (2 * MSG);
		err = make_file(&server, buf, size, seed, n, &file);
		if (err != STD_OK)
			die("create", err);
		am_cap_format(&file, text, sizeof(text));
		printf("ACK %s %" PRIu64 " %u %u\n", text, size, seed, n);
		fflush(stdout);
		if (nfiles < MAX_FILES) {
			strcpy(files[nfiles].cap, text);
			files[nfiles].size = size;
			nfiles++;
			live++;
		}
		/* Keep about 100 files, so that extents are reused. */
		i = (uint32_t)(rng_next(&rng) % nfiles);
		while (live > 100 && files[i].deleted)
			i = (i + 1) % nfiles;
		if (live > 100) {
			/* Said first: from now on it may be gone. */
			printf("DEL %s\n", files[i].cap);
			fflush(stdout);
			victim = parse_cap(files[i].cap);
			err = std_destroy(&victim);
			if (err != STD_OK && err != STD_CAPBAD)
				die("std_destroy", err);
			files[i].deleted = 1;
			live--;
		}
		if (rng_next(&rng) % 50 == 0) {
			err = b_compact(&server, &size);
			if (err != STD_OK)
				die("b_compact", err);
		}
	}
	return 0;
}

static int verify(void)
{
	char *buf = malloc(MSG), *want = malloc(MSG);
	uint32_t i, got, bad = 0, checked = 0, gone = 0;
	uint64_t size, off;
	struct am_cap cap;
	struct entry *e;
	errstat err;

	read_list(stdin);
	for (i = 0; i < nfiles; i++) {
		e = &files[i];
		cap = parse_cap(e->cap);
		err = b_size(&cap, &size);
		if (e->deleted && err == STD_CAPBAD) {
			gone++;
			continue;
		}
		if (err != STD_OK) {
			printf("BAD %s: %s\n", e->cap, err_why(err));
			bad++;
			continue;
		}
		if (size != e->size) {
			printf("BAD %s: size %" PRIu64 ", want %" PRIu64 "\n",
			       e->cap, size, e->size);
			bad++;
			continue;
		}
		for (off = 0; off < size; off += got) {
			err = b_read(&cap, off, MSG, &got, buf);
			fill(want, got, e->seed, e->n, off);
			if (err != STD_OK || !got || memcmp(buf, want, got)) {
				printf("BAD %s: bytes at %" PRIu64 " differ (%s)\n",
				       e->cap, off, err_why(err));
				bad++;
				break;
			}
		}
		checked++;
	}
	printf("verified %u files, %u deleted and gone, %u bad\n", checked,
	       gone, bad);
	return bad ? 1 : 0;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

#define BENCH_SMALL	2000
#define BENCH_BIG	64

static int bench(const char *server_text)
{
	struct am_cap server = parse_cap(server_text);
	struct am_cap *caps = calloc(BENCH_SMALL, sizeof(*caps));
	char *buf = malloc(MSG);
	uint32_t i, got;
	double t;

	fill(buf, MSG, 1, 1, 0);
	t = now();
	for (i = 0; i < BENCH_SMALL; i++)
		must("b_create", b_create(&server, 4096, buf, &caps[i]));
	printf("RESULT create_4k %.0f files/s\n", BENCH_SMALL / (now() - t));
	t = now();
	for (i = 0; i < BENCH_SMALL; i++)
		must("b_read", b_read(&caps[i], 0, MSG, &got, buf));
	printf("RESULT read_4k %.0f reads/s\n", BENCH_SMALL / (now() - t));
	for (i = 0; i < BENCH_SMALL; i++)
		std_destroy(&caps[i]);
	t = now();
	for (i = 0; i < BENCH_BIG; i++)
		must("b_create", b_create(&server, MSG, buf, &caps[i]));
	printf("RESULT create_1m %.1f MB/s\n",
	       BENCH_BIG * (double)MSG / 1e6 / (now() - t));
	/* Each read once first, so that the timed ones are cached. */
	b_read(&caps[0], 0, MSG, &got, buf);
	t = now();
	for (i = 0; i < BENCH_BIG; i++)
		must("b_read", b_read(&caps[0], 0, MSG, &got, buf));
	printf("RESULT read_1m %.1f MB/s\n",
	       BENCH_BIG * (double)MSG / 1e6 / (now() - t));
	for (i = 0; i < BENCH_BIG; i++)
		std_destroy(&caps[i]);
	return 0;
}

/* The sink: 1 MiB for every request, as fast as the path allows. */
static int sink(void)
{
	char *rep = calloc(1, MSG), text[AM_CAP_TEXTLEN + 1];
	struct am_port get, put;
	struct am_hdr hdr;

	if (am_port_random(&get))
		die("random", STD_SYSERR);
	am_fbox(&get, &put);
	am_port_format(&put, text, sizeof(text));
	printf("%s\n", text);
	fflush(stdout);
	for (;;) {
		memset(&hdr, 0, sizeof(hdr));
		hdr.h_port = get;
		if (getreq(&hdr, NULL, 0) < 0)
			die("getreq", RPC_FAILURE);
		hdr.h_status = STD_OK;
		putrep(&hdr, rep, MSG);
	}
	return 0;
}

static int rpc(const char *port_text)
{
	struct am_hdr hdr, rhdr;
	char *buf = malloc(MSG);
	uint32_t i;
	int32_t n;
	double t = 0;

	memset(&hdr, 0, sizeof(hdr));
	if (am_port_parse(port_text, &hdr.h_port, NULL))
		die("bad port", STD_ARGBAD);
	for (i = 0; i <= BENCH_BIG; i++) {
		if (i == 1)
			t = now();	/* the first one locates the server */
		n = trans(&hdr, NULL, 0, &rhdr, buf, MSG);
		if (n != (int32_t)MSG)
			die("trans", n < 0 ? n : RPC_FAILURE);
	}
	printf("RESULT rpc_1m %.1f MB/s\n",
	       BENCH_BIG * (double)MSG / 1e6 / (now() - t));
	return 0;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";

	if (!strcmp(mode, "create") && (argc == 5 || argc == 6))
		return create(argv[2], (uint32_t)strtoul(argv[3], NULL, 0),
			      (uint32_t)strtoul(argv[4], NULL, 0),
			      argc == 6 ? argv[5] : NULL);
	if (!strcmp(mode, "verify") && argc == 2)
		return verify();
	if (!strcmp(mode, "bench") && argc == 3)
		return bench(argv[2]);
	if (!strcmp(mode, "sink") && argc == 2)
		return sink();
	if (!strcmp(mode, "rpc") && argc == 3)
		return rpc(argv[2]);
	fprintf(stderr,
		"usage: bload create SERVER SEED COUNT [LIST] | verify | bench SERVER | sink | rpc PUTPORT\n");
	return 2;
}
