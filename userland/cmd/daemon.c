// SPDX-License-Identifier: GPL-2.0
/*
 * The servers' shared plumbing (daemon.h): one copy of what bulletd and
 * soapd both need, so that they log, refuse usage and write capability
 * files alike.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "daemon.h"

static const char *dm_name = "amoeba";
static bool dm_verbose;

void dm_init(const char *name, bool verbose)
{
	dm_name = name;
	dm_verbose = verbose;
}

/* journald reads "<N>" as the priority; a terminal needs none. */
static void prefix(int level)
{
	if (getenv("JOURNAL_STREAM"))
		fprintf(stderr, "<%d>", level);
	fprintf(stderr, "%s: ", dm_name);
}

static void vlog(int level, const char *fmt, va_list ap)
{
	if (level >= LOG_DEBUG && !dm_verbose)
		return;
	prefix(level);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void dm_log(int level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(level, fmt, ap);
	va_end(ap);
}

void dm_fatal(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_CRIT, fmt, ap);
	va_end(ap);
	exit(1);
}

void dm_usage(const char *msg, const char *arg)
{
	prefix(LOG_ERR);
	fprintf(stderr, "%s%s\nTry '%s --help'.\n", msg, arg, dm_name);
	exit(2);
}

bool dm_size(const char *s, uint64_t *out)
{
	unsigned long long n;
	unsigned int shift = 0;
	char *end;

	if (*s < '0' || *s > '9')
		return false;
	errno = 0;
	n = strtoull(s, &end, 10);
	switch (*end) {
	case 'T': case 't':
		shift += 10;
		/* fall through */
	case 'G': case 'g':
		shift += 10;
		/* fall through */
	case 'M': case 'm':
		shift += 10;
		/* fall through */
	case 'K': case 'k':
		shift += 10;
		end++;
		break;
	}
	if (errno || *end || (shift && n > (ULLONG_MAX >> shift)))
		return false;
	*out = (uint64_t)n << shift;
	return true;
}

void dm_write_capfile(const char *path, const char *text)
{
	char tmp[PATH_MAX];
	int fd, n;

	n = snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path);
	if (n < 0 || (size_t)n >= sizeof(tmp))
		dm_fatal("capability file name too long: %s", path);
	fd = mkstemp(tmp);
	if (fd < 0)
		dm_fatal("cannot write the capability to %s: %s", path,
			 strerror(errno));
	n = dprintf(fd, "%s\n", text);
	if (n < 0 || fsync(fd) || close(fd) || rename(tmp, path)) {
		n = errno;
		unlink(tmp);
		dm_fatal("cannot write the capability to %s: %s", path,
			 strerror(n));
	}
}
