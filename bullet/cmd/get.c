// SPDX-License-Identifier: GPL-2.0
/*
 * get: copy a Bullet file's bytes to a file or to standard output, from
 * the first of its replicas that answers.  A file is written under a
 * temporary name beside it and renamed when whole, so that a get that
 * fails, or is interrupted, leaves no partial file.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bullet_ail.h"
#include "bcmd.h"

static const char help[] =
"usage: get PATH|FILECAP [OUTPUT]\n"
"Write the bytes of a Bullet file, which needs the read right, to OUTPUT,\n"
"or to standard output if OUTPUT is '-' or absent.  The file is given by\n"
"its capability or by a path whose entry holds it: when an entry holds\n"
"several capabilities (replicas), they are read in order, the next one\n"
"taking over when a server cannot be reached, even part way through.\n"
"OUTPUT is written under a temporary name in its directory and renamed\n"
"when whole, so that a failed get leaves no partial OUTPUT; a replica that\n"
"takes over writes it again from the start.  A device, a FIFO and standard\n"
"output are written in place, a replica that takes over going on from the\n"
"byte reached.  A file of up to one message (1 MiB) takes one read.\n"
"A capability is PPPPPPPPPPPP:OOOOOO:RR:CCCCCCCCCCCC in hexadecimal.\n"
"Exit status: 0 on success, 1 if the file could not be read or written, 2\n"
"for a usage error.\n"
"Environment: AMOEBA_ROOT (the root directory's capability; else the file\n"
"AMOEBA_ROOTFILE or ~/.amoeba/root holds it), AMOEBA_WORK (the working\n"
"directory's capability, for a PATH not starting with '/'; default the\n"
"root), AMOEBA_TRANSPORT (see libamoeba(3)).\n";

struct output {
	const char	*name;		/* for messages */
	char		*path;		/* to rename to; NULL: in place */
	int		fd;
};

/* The temporary file, for a signal handler to remove: hence atomic. */
static char *tmp_path;
static atomic_bool tmp_live;

static void on_signal(int sig)
{
	if (atomic_load(&tmp_live))
		unlink(tmp_path);
	/* SA_RESETHAND restored the default: end as the signal would. */
	raise(sig);
}

static void catch_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sa.sa_flags = SA_RESETHAND;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

/*
 * A temporary file beside @path, ".NAME.XXXXXX", with the mode @path has,
 * or else the one a new file gets.
 */
static int open_temp(struct output *out, const char *path,
		     const struct stat *st)
{
	const char *slash = strrchr(path, '/');
	size_t dirlen = slash ? (size_t)(slash - path) + 1 : 0;
	size_t len = strlen(path) + sizeof(".XXXXXX") + 1;
	mode_t mode;

	tmp_path = malloc(len);
	if (!tmp_path) {
		fprintf(stderr, "%s: out of memory\n", progname);
		return -1;
	}
	snprintf(tmp_path, len, "%.*s.%s.XXXXXX", (int)dirlen, path,
		 path + dirlen);
	catch_signals();
	out->fd = mkstemp(tmp_path);
	if (out->fd < 0) {
		cmd_syserr(path);
		return -1;
	}
	atomic_store(&tmp_live, true);
	if (st) {
		mode = st->st_mode & 0777;
	} else {
		mode = umask(0);
		umask(mode);
		mode = 0666 & ~mode;
	}
	if (fchmod(out->fd, mode)) {
		cmd_syserr(tmp_path);
		return -1;
	}
	return 0;
}

/*
 * Where the bytes go: standard output and devices as they come, a regular
 * file (or one not there yet) by way of a temporary file.  A symbolic
 * link is written through, as a shell's redirection would.
 */
static int open_output(struct output *out, const char *path)
{
	struct stat st;
	char *real;

	out->path = NULL;
	if (!path || !strcmp(path, "-")) {
		out->name = "standard output";
		out->fd = STDOUT_FILENO;
		return 0;
	}
	out->name = path;
	if (stat(path, &st)) {
		if (errno != ENOENT) {
			cmd_syserr(path);
			return -1;
		}
		out->path = strdup(path);
		if (!out->path) {
			fprintf(stderr, "%s: out of memory\n", progname);
			return -1;
		}
		return open_temp(out, path, NULL);
	}
	if (S_ISDIR(st.st_mode)) {
		errno = EISDIR;
		cmd_syserr(path);
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		out->fd = open(path, O_WRONLY | O_CLOEXEC);
		if (out->fd < 0) {
			cmd_syserr(path);
			return -1;
		}
		return 0;
	}
	real = realpath(path, NULL);
	if (!real) {
		cmd_syserr(path);
		return -1;
	}
	out->path = real;
	return open_temp(out, real, &st);
}

/* Make the temporary file OUTPUT: durable first, so a crash shows all. */
static int finish_output(struct output *out)
{
	int fd = out->fd;

	if (!out->path)
		return 0;
	/* EINVAL: a file system that cannot sync; the rename still holds. */
	if (fsync(fd) && errno != EINVAL) {
		cmd_syserr(out->name);
		return -1;
	}
	out->fd = -1;
	if (close(fd)) {
		cmd_syserr(out->name);
		return -1;
	}
	if (rename(tmp_path, out->path)) {
		cmd_syserr(out->name);
		return -1;
	}
	atomic_store(&tmp_live, false);
	return 0;
}

static void drop_output(struct output *out)
{
	if (!out->path || !atomic_load(&tmp_live))
		return;
	if (out->fd >= 0)
		close(out->fd);
	unlink(tmp_path);
	atomic_store(&tmp_live, false);
}

/* Where a read of the file's replicas stands. */
struct reader {
	struct output	*out;
	char		*buf;
	uint32_t	members;	/* capabilities in the set */
	uint32_t	tried;		/* of them, so far */
	uint64_t	size;		/* as the last replica read gave it */
	uint64_t	written;	/* bytes in out */
	bool		told;		/* a message said why it failed */
	char		step[64];	/* what failed, for the message */
};

/*
 * A replica that takes over writes a temporary file from the start: its
 * bytes alone make the output.  Output written in place cannot be taken
 * back; files never change, so it goes on from the byte reached.
 */
static int restart(struct reader *rd, uint64_t size)
{
	if (!rd->written)
		return 0;
	if (!rd->out->path) {
		if (size == rd->size)
			return 0;
		fprintf(stderr, "%s: the next replica has %" PRIu64 " bytes, not %" PRIu64 ": not the same file\n",
			progname, size, rd->size);
		return -1;
	}
	if (ftruncate(rd->out->fd, 0) ||
	    lseek(rd->out->fd, 0, SEEK_SET) != 0) {
		cmd_syserr(rd->out->name);
		return -1;
	}
	rd->written = 0;
	return 0;
}

/* A failed call: a message now only if another replica takes over. */
static errstat failed(struct reader *rd, errstat err)
{
	char what[128];

	if (am_err_rpc(err) && rd->tried < rd->members) {
		snprintf(what, sizeof(what), "%s (replica %u of %u)", rd->step,
			 (unsigned int)rd->tried, (unsigned int)rd->members);
		cmd_error(what, err);
		fprintf(stderr, "%s: trying replica %u\n", progname,
			(unsigned int)rd->tried + 1);
	}
	return err;
}

/* A message said why; an answer, not an RPC_* error: no failover. */
static errstat told(struct reader *rd)
{
	rd->told = true;
	return STD_SYSERR;
}

/*
 * Read one replica into the output, one message a call: am_capset_try's
 * operation, so an RPC_* error hands over to the next replica.  Asking
 * for a whole message, not just what remains, lets a file that grew be
 * noticed too; either way its server is broken, as files never change.
 */
static errstat read_replica(const struct am_cap *cap, void *arg)
{
	struct reader *rd = arg;
	uint64_t size, off;
	uint32_t got;
	errstat err;

	rd->tried++;
	snprintf(rd->step, sizeof(rd->step), "b_size");
	err = b_size(cap, &size);
	if (err != STD_OK)
		return failed(rd, err);
	if (restart(rd, size))
		return told(rd);
	rd->size = size;
	for (off = rd->written; off < size; off += got) {
		snprintf(rd->step, sizeof(rd->step), "b_read at byte %" PRIu64,
			 off);
		err = b_read(cap, off, BULLET_MSG_MAX, &got, rd->buf);
		if (err != STD_OK)
			return failed(rd, err);
		if (got == 0) {
			fprintf(stderr, "%s: %s: the file ended before its size of %" PRIu64 " bytes: a broken server\n",
				progname, rd->step, size);
			return told(rd);
		}
		if (got > size - off) {
			fprintf(stderr, "%s: %s: the file went on past its size of %" PRIu64 " bytes: a broken server\n",
				progname, rd->step, size);
			return told(rd);
		}
		if (bcmd_write_all(rd->out->fd, rd->buf, got)) {
			/* A reader that stopped early wants no message. */
			if (errno != EPIPE)
				cmd_syserr(rd->out->name);
			return told(rd);
		}
		rd->written += got;
	}
	return STD_OK;
}

static int copy(const struct sp_capset *set, struct output *out, char *buf)
{
	struct reader rd = {
		.out = out, .buf = buf, .members = set->caps_len,
	};
	errstat err;

	err = am_capset_try(set, read_replica, &rd);
	if (err == STD_OK)
		return 0;
	if (!rd.told)
		cmd_error(rd.step, err);
	return -1;
}

int main(int argc, char **argv)
{
	int first = cmd_init(argc, argv, help, 1, 2);
	struct sp_capset set;
	struct output out;
	char *buf;

	cmd_capset(argv[first], &set);
	buf = malloc(BULLET_MSG_MAX);
	if (!buf) {
		fprintf(stderr, "%s: out of memory\n", progname);
		return EXIT_FAIL;
	}
	if (open_output(&out, first + 1 < argc ? argv[first + 1] : NULL)) {
		drop_output(&out);
		return EXIT_FAIL;
	}
	if (copy(&set, &out, buf) || finish_output(&out)) {
		drop_output(&out);
		return EXIT_FAIL;
	}
	return EXIT_OK;
}
