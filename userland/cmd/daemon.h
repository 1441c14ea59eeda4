/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the servers (bulletd, soapd) share: logging to stderr with the
 * "<N>" priorities journald reads under systemd, usage errors, sizes
 * such as "256M", and capability files replaced whole.
 */
#ifndef AMOEBA_CMD_DAEMON_H
#define AMOEBA_CMD_DAEMON_H

#include <stdbool.h>
#include <stdint.h>

/* The name messages start with; whether LOG_DEBUG lines are written. */
void dm_init(const char *name, bool verbose);
void dm_log(int level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Log at LOG_CRIT and exit 1. */
void dm_fatal(const char *fmt, ...)
	__attribute__((format(printf, 1, 2), noreturn));
/* "NAME: MSGARG", a pointer to --help, and exit 2. */
void dm_usage(const char *msg, const char *arg) __attribute__((noreturn));
/* A number with an optional K, M, G or T suffix: false if it is none. */
bool dm_size(const char *s, uint64_t *out);
/* Replace @path with "@text\n", mode 0600, or exit through dm_fatal. */
void dm_write_capfile(const char *path, const char *text);

#endif /* AMOEBA_CMD_DAEMON_H */
