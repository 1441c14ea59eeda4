// SPDX-License-Identifier: GPL-2.0
/*
 * put: store a file on a Bullet server and print its capability.  A file
 * of one message is made by one b_create; a larger one by b_begin, b_fill
 * in order and b_commit, read a part at a time, so that how large a file
 * can be is bounded by the store and not by this program's memory.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "bullet_ail.h"
#include "bcmd.h"

/*
 * The bytes of each b_fill: as many as one carries, rounded down to whole
 * 4 KiB blocks so that every fill but the last ends on a block boundary
 * of the store and the server need not read back a block it half wrote.
 */
#define CHUNK		(BULLET_FILL_MAX & ~4095u)
/* bullet.ail lets the last b_fill be sent again: ride out a lost reply. */
#define FILL_TRIES	3
/* A terminal is slow: redraw the progress bar at most every 0.1 s. */
#define BAR_NS		100000000LL
#define BAR_WIDTH	20
/*
 * What a std_copy may take: the usual 5 s, and 1 s more for every 10 MB,
 * well below the rate one server reads from another.
 */
#define COPY_MS			5000u
#define COPY_BYTES_PER_MS	10000u

static const char help[] =
"usage: put [-q] [-n PATH [-f] [-r SERVER]...] SERVER [FILE]\n"
"Store FILE (standard input if FILE is '-' or absent) as a new file of the\n"
"Bullet server SERVER, and print the new file's capability.  SERVER is the\n"
"server's super capability, which needs the create right, or a path whose\n"
"entry holds it; of an entry with several capabilities, the first whose\n"
"server answers is used.  Files are immutable: the file appears whole, or,\n"
"if put fails, not at all.  Standard input larger than one message (1 MiB)\n"
"is first copied to a temporary file in $TMPDIR (default /tmp) to learn\n"
"its size.\n"
"  -q  draw no progress bar (by default one is drawn on standard error for a\n"
"      file larger than 1 MiB when standard error is a terminal)\n"
"  -n PATH  enter the new file in a SOAP directory under PATH: a new entry\n"
"      (sp_append) in the directory holding PATH's last name, which needs\n"
"      the modify right there; the entry gives every right in the first\n"
"      column (the owner's) and read in the others (chm(1) changes that).\n"
"      If the entry cannot be made, the new file and its copies are deleted\n"
"      again.\n"
"  -f  with -n, replace the set of the entry PATH if it exists\n"
"      (sp_install), keeping its masks; the file it held is not deleted,\n"
"      and keeps any other name it has\n"
"  -r SERVER  with -n, also have the Bullet server SERVER (a capability or a\n"
"      path, as above) make a copy of the new file (std_copy, which needs\n"
"      the create right); PATH's entry holds the file and then the copies,\n"
"      in the order given, and each copy's capability is printed after the\n"
"      file's, one a line.  At most 7 times.  If a copy fails, put fails.\n"
"A capability is PPPPPPPPPPPP:OOOOOO:RR:CCCCCCCCCCCC in hexadecimal.\n"
"Exit status: 0 on success, 1 if the file could not be read, stored, copied\n"
"or entered, 2 for a usage error.\n"
"Environment: AMOEBA_ROOT (the root directory's capability; else the file\n"
"AMOEBA_ROOTFILE or ~/.amoeba/root holds it), AMOEBA_WORK (the working\n"
"directory's capability, for a path not starting with '/'; default the\n"
"root), AMOEBA_TRANSPORT (see libamoeba(3)), TMPDIR.\n";

/* The new file and its copies, in the order of the entry's set. */
static struct am_cap made[SP_CAPSET_MAX];
static uint32_t nmade;

static bool quiet, force;
static const char *entry_path;
static const char *copy_servers[SP_CAPSET_MAX - 1];
static int ncopies;

static void option(int ch, char *arg)
{
	switch (ch) {
	case 'q':
		quiet = true;
		break;
	case 'f':
		force = true;
		break;
	case 'n':
		entry_path = arg;
		break;
	default:
		if (ncopies == SP_CAPSET_MAX - 1)
			cmd_usage("%s", "-r given more than 7 times");
		copy_servers[ncopies++] = arg;
		break;
	}
}

/* Where the bytes of a file larger than one message are read from. */
struct source {
	const char	*name;		/* for messages */
	int		fd;
	off_t		start;		/* its first byte; -1: size unknown */
	uint64_t	size;
};

struct progress {
	bool		on;
	bool		drawn;		/* a line to end before a message */
	uint64_t	total;
	struct timespec	t0;
	int64_t		last;		/* ns after t0 of the last drawing */
};

/*
 * Read up to @len bytes, fewer only at the end of the file: at @off with
 * pread, or from the current position if @off is negative, as a pipe or a
 * terminal must be read.  The count read, or -1 with errno set.
 */
static ssize_t read_upto(int fd, char *buf, size_t len, off_t off)
{
	size_t done = 0;
	ssize_t n;

	while (done < len) {
		if (off < 0)
			n = read(fd, buf + done, len - done);
		else
			n = pread(fd, buf + done, len - done,
				  off + (off_t)done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			break;
		done += (size_t)n;
	}
	return (ssize_t)done;
}

static int64_t ns_since(const struct timespec *t0)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (int64_t)(now.tv_sec - t0->tv_sec) * 1000000000 +
	       (now.tv_nsec - t0->tv_nsec);
}

static void progress_start(struct progress *pg, bool on, uint64_t total)
{
	pg->on = on;
	pg->drawn = false;
	pg->total = total;
	pg->last = 0;
	clock_gettime(CLOCK_MONOTONIC, &pg->t0);
}

static void progress_draw(struct progress *pg, uint64_t done)
{
	char bar[BAR_WIDTH + 1];
	double frac, mbs;
	size_t full;
	int64_t ns;

	if (!pg->on || !pg->total)
		return;
	ns = ns_since(&pg->t0);
	if (pg->drawn && done < pg->total && ns - pg->last < BAR_NS)
		return;
	frac = (double)done / (double)pg->total;
	full = (size_t)(frac * BAR_WIDTH);
	memset(bar, '#', full);
	memset(bar + full, '.', BAR_WIDTH - full);
	bar[BAR_WIDTH] = '\0';
	mbs = ns > 0 ? (double)done * 1e3 / (double)ns : 0.0;
	fprintf(stderr, "\r[%s] %3u%% %" PRIu64 "/%" PRIu64 " bytes %7.1f MB/s",
		bar, (unsigned int)(frac * 100), done, pg->total, mbs);
	pg->drawn = true;
	pg->last = ns;
}

/* End the bar's line, before a message or at the end. */
static void progress_end(struct progress *pg)
{
	if (pg->drawn)
		fputc('\n', stderr);
	pg->drawn = false;
	pg->on = false;
}

/*
 * Open @path ("-": standard input).  A regular file larger than a message
 * is read in place, its size known; any other file, and a regular one
 * that says it is small (those of /proc say 0), is read to its end.
 */
static int open_input(const char *path, struct source *src)
{
	struct stat st;
	off_t at;

	src->start = -1;
	src->size = 0;
	if (!strcmp(path, "-")) {
		src->name = "standard input";
		src->fd = STDIN_FILENO;
	} else {
		src->name = path;
		src->fd = open(path, O_RDONLY | O_CLOEXEC);
		if (src->fd < 0) {
			cmd_syserr(path);
			return -1;
		}
	}
	if (fstat(src->fd, &st)) {
		cmd_syserr(src->name);
		return -1;
	}
	if (!S_ISREG(st.st_mode))
		return 0;
	/* Standard input may be a file some way read already. */
	at = lseek(src->fd, 0, SEEK_CUR);
	if (at >= 0 && st.st_size - at > BULLET_MSG_MAX) {
		src->start = at;
		src->size = (uint64_t)(st.st_size - at);
	}
	return 0;
}

/*
 * A file of unknown size larger than a message, @n bytes of it in @buf
 * (room for BULLET_MSG_MAX + 1): b_begin needs the size first, so copy it
 * all to an unlinked temporary file, and read that instead.
 */
static int spool(struct source *src, char *buf, size_t n)
{
	const char *dir = getenv("TMPDIR");
	uint64_t size = 0;
	size_t len;
	char *path;
	ssize_t got;
	int fd;

	if (!dir || !*dir)
		dir = "/tmp";
	len = strlen(dir) + sizeof("/put.XXXXXX");
	path = malloc(len);
	if (!path) {
		fprintf(stderr, "%s: out of memory\n", progname);
		return -1;
	}
	snprintf(path, len, "%s/put.XXXXXX", dir);
	fd = mkstemp(path);
	if (fd < 0) {
		fprintf(stderr, "%s: temporary file in %s: %s\n", progname,
			dir, strerror(errno));
		free(path);
		return -1;
	}
	unlink(path);
	free(path);
	do {
		if (bcmd_write_all(fd, buf, n)) {
			cmd_syserr("temporary file");
			goto fail;
		}
		size += n;
		got = read_upto(src->fd, buf, BULLET_MSG_MAX, -1);
		if (got < 0) {
			cmd_syserr(src->name);
			goto fail;
		}
		n = (size_t)got;
	} while (n);
	src->name = "temporary file";
	src->fd = fd;
	src->start = 0;
	src->size = size;
	return 0;
fail:
	close(fd);
	return -1;
}

static errstat fill(const struct am_cap *up, uint64_t off, uint32_t n,
		    const char *buf)
{
	errstat err;
	int i;

	/* RPC_FAILURE may mean it ran and the reply was lost: send again. */
	for (i = 0; i < FILL_TRIES; i++) {
		err = b_fill(up, off, n, buf);
		if (err != RPC_FAILURE)
			break;
	}
	return err;
}

/*
 * Give up a failed upload now rather than leave its extent reserved until
 * the server forgets it.  Not after a failed call: the server is likely
 * gone, and forgets the upload in time anyway.
 */
static void abandon(const struct am_cap *up, errstat why)
{
	if (why < 0 && why > STD_CAPBAD)
		return;
	(void)std_destroy(up);
}

struct create_op {
	uint32_t	len;		/* b_create's */
	const char	*buf;
	uint64_t	size;		/* b_begin's */
	struct am_cap	cap;		/* the file, or the upload */
};

static errstat try_create(const struct am_cap *server, void *arg)
{
	struct create_op *op = arg;

	return b_create(server, op->len, op->buf, &op->cap);
}

static errstat try_begin(const struct am_cap *server, void *arg)
{
	struct create_op *op = arg;

	return b_begin(server, op->size, &op->cap);
}

/* A file larger than one message, from @src, into *file. */
static int upload(const struct sp_capset *server, const struct source *src,
		  char *buf, struct progress *pg, struct am_cap *file)
{
	struct create_op begin = { .size = src->size };
	struct am_cap *up = &begin.cap;
	char step[64];
	uint64_t off;
	uint32_t n;
	ssize_t got;
	errstat err;

	err = am_capset_try(server, try_begin, &begin);
	if (err != STD_OK) {
		cmd_error("b_begin", err);
		return EXIT_FAIL;
	}
	progress_draw(pg, 0);
	for (off = 0; off < src->size; off += n) {
		n = src->size - off < CHUNK ? (uint32_t)(src->size - off) :
		    CHUNK;
		got = read_upto(src->fd, buf, n, src->start + (off_t)off);
		if (got != (ssize_t)n) {
			progress_end(pg);
			if (got < 0)
				cmd_syserr(src->name);
			else
				fprintf(stderr, "%s: %s: ended after %" PRIu64 " of %" PRIu64 " bytes: changed while being read?\n",
					progname, src->name, off + (uint64_t)got,
					src->size);
			abandon(up, STD_OK);
			return EXIT_FAIL;
		}
		err = fill(up, off, n, buf);
		if (err != STD_OK) {
			progress_end(pg);
			snprintf(step, sizeof(step), "b_fill at byte %" PRIu64,
				 off);
			cmd_error(step, err);
			abandon(up, err);
			return EXIT_FAIL;
		}
		progress_draw(pg, off + n);
	}
	err = b_commit(up, file);
	progress_end(pg);
	if (err != STD_OK) {
		cmd_error("b_commit", err);
		abandon(up, err);
		return EXIT_FAIL;
	}
	return EXIT_OK;
}

/* The file from @src, into made[0]. */
static int store(const struct sp_capset *server, struct source *src,
		 char *buf)
{
	struct create_op create;
	struct progress pg;
	errstat err;
	ssize_t n;

	if (src->start < 0) {
		n = read_upto(src->fd, buf, BULLET_MSG_MAX + 1, -1);
		if (n < 0) {
			cmd_syserr(src->name);
			return EXIT_FAIL;
		}
		if (n <= BULLET_MSG_MAX) {
			create.len = (uint32_t)n;
			create.buf = buf;
			err = am_capset_try(server, try_create, &create);
			if (err != STD_OK) {
				cmd_error("b_create", err);
				return EXIT_FAIL;
			}
			made[nmade++] = create.cap;
			return EXIT_OK;
		}
		if (spool(src, buf, (size_t)n))
			return EXIT_FAIL;
	}
	progress_start(&pg, !quiet && isatty(STDERR_FILENO), src->size);
	if (upload(server, src, buf, &pg, &made[0]) != EXIT_OK)
		return EXIT_FAIL;
	nmade = 1;
	return EXIT_OK;
}

/* Take back every file made: nobody can name them. */
static void unmake(void)
{
	char text[AM_CAP_TEXTLEN + 1];
	errstat err;
	uint32_t i;

	for (i = 0; i < nmade; i++) {
		err = std_destroy(&made[i]);
		if (err == STD_OK)
			continue;
		am_cap_format(&made[i], text, sizeof(text));
		fprintf(stderr, "%s: the new file %s could not be deleted again: %s\n",
			progname, text, err_why(err));
	}
	nmade = 0;
}

struct copy_op {
	const struct am_cap	*orig;
	struct am_cap		copy;
};

static errstat try_copy(const struct am_cap *server, void *arg)
{
	struct copy_op *op = arg;

	return std_copy(server, op->orig, &op->copy);
}

/*
 * A copy of made[0], of @size bytes, by each -r server, after it in
 * made[].  The copier needs only to read it; and its copy takes time in
 * proportion to the size, which this call must wait for.
 */
static int copy_all(const struct sp_capset *servers, uint64_t size)
{
	struct am_cap ro;
	struct copy_op op = { .orig = &ro };
	uint32_t ms;
	char step[64];
	errstat err;
	int i;

	if (am_cap_restrict_owner(&made[0], AM_RGT_READ, &ro) != STD_OK)
		ro = made[0];
	ms = am_timeout(COPY_MS + (uint32_t)(size / COPY_BYTES_PER_MS));
	for (i = 0; i < ncopies; i++) {
		err = am_capset_try(&servers[i], try_copy, &op);
		if (err != STD_OK) {
			snprintf(step, sizeof(step), "-r %.40s: std_copy",
				 copy_servers[i]);
			cmd_error(step, err);
			break;
		}
		made[nmade++] = op.copy;
	}
	am_timeout(ms);
	return i == ncopies ? EXIT_OK : EXIT_FAIL;
}

/* -f: sp_install under SP_PRESENT: the entry's set, keeping its masks. */
static errstat try_replace(const struct am_cap *dir, void *arg)
{
	struct cmd_name_op *op = arg;
	struct sp_update up;

	memset(&up, 0, sizeof(up));
	up.dir = *dir;
	snprintf(up.name, sizeof(up.name), "%s", op->name);
	up.cond = SP_PRESENT;
	up.set = *op->set;
	return sp_install(dir, &up, 1);
}

/*
 * Enter made[] under @name in @dir: a new entry with every right in the
 * first column (the owner's) and read in the others, as many as @dir
 * has; with -f, an existing entry instead keeps its masks.
 */
static int enter(const struct sp_capset *dir, const char *name)
{
	static const uint8_t masks[] = {
		AM_RIGHTS_ALL, AM_RGT_READ, AM_RGT_READ, AM_RGT_READ
	};
	struct cmd_name_op op;
	struct sp_capset set;
	errstat err;

	memset(&set, 0, sizeof(set));
	memcpy(set.caps, made, nmade * sizeof(made[0]));
	set.caps_len = nmade;
	memset(&op, 0, sizeof(op));
	op.name = name;
	op.set = &set;
	op.masks = masks;
	op.nmasks = SP_COLS_MAX;
	err = cmd_append(dir, &op);
	if (err == STD_EXISTS && force)
		err = am_capset_try(dir, try_replace, &op);
	/* A lost reply: the entry may have been made after all. */
	if (am_err_rpc(err) && cmd_entered(dir, name, &made[0]))
		err = STD_OK;
	if (err != STD_OK) {
		cmd_error(entry_path, err);
		return EXIT_FAIL;
	}
	return EXIT_OK;
}

static int print_made(void)
{
	char text[AM_CAP_TEXTLEN + 1];
	uint32_t i;

	for (i = 0; i < nmade; i++) {
		am_cap_format(&made[i], text, sizeof(text));
		printf("%s\n", text);
	}
	if (fflush(stdout) == 0 && !ferror(stdout))
		return EXIT_OK;
	cmd_syserr("standard output");
	return EXIT_FAIL;
}

int main(int argc, char **argv)
{
	int first = cmd_getopt(argc, argv, help, "qfn:r:", option, 1, 2);
	struct sp_capset server, copiers[SP_CAPSET_MAX - 1], dir;
	char name[SP_NAME_MAX + 1];
	struct source src;
	char *buf;
	int i;

	if (ncopies && !entry_path)
		cmd_usage("%s", "-r needs -n PATH: a copy nobody can find is no replica");
	if (force && !entry_path)
		cmd_usage("%s", "-f needs -n PATH");
	cmd_capset(argv[first], &server);
	for (i = 0; i < ncopies; i++)
		cmd_capset(copy_servers[i], &copiers[i]);
	/* Before the upload: a wrong PATH should cost no transfer. */
	if (entry_path && cmd_parent(entry_path, &dir, name) != STD_OK)
		return EXIT_FAIL;
	if (entry_path && !bcmd_may_modify(&dir)) {
		fprintf(stderr, "%s: %s: the directory capability has no modify right, so the file could not be entered: nothing stored (STD_DENIED)\n",
			progname, entry_path);
		return EXIT_FAIL;
	}
	/* One more than a message, to tell whether input fits in one. */
	buf = malloc(BULLET_MSG_MAX + 1);
	if (!buf) {
		fprintf(stderr, "%s: out of memory\n", progname);
		return EXIT_FAIL;
	}
	if (open_input(first + 1 < argc ? argv[first + 1] : "-", &src))
		return EXIT_FAIL;
	if (store(&server, &src, buf) != EXIT_OK)
		return EXIT_FAIL;
	if (copy_all(copiers, src.size) != EXIT_OK ||
	    (entry_path && enter(&dir, name) != EXIT_OK)) {
		unmake();
		return EXIT_FAIL;
	}
	if (print_made() == EXIT_OK)
		return EXIT_OK;
	/* Named, the files are found without the lines that were lost. */
	if (!entry_path)
		unmake();
	return EXIT_FAIL;
}
