/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What put, get and del share beyond userland/cmd/common.h: writing a
 * file whole, and a check of a directory's rights before a change.  Each
 * cmd/NAME.c is a program of its own, linked with common.c alone, so
 * this holds static inline functions, not a .c file.
 */
#ifndef BULLET_BCMD_H
#define BULLET_BCMD_H

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <unistd.h>

#include "common.h"

/*
 * Whether a name of @dir can be changed, as far as the rights its
 * capabilities show tell: asked before work that a refusal would waste
 * or leave half done.  The server decides in the end.
 */
static inline bool bcmd_may_modify(const struct sp_capset *dir)
{
	uint8_t rights;
	uint32_t i;

	for (i = 0; i < dir->caps_len; i++) {
		rights = dir->caps[i].cap_priv.prv_rights;
		if ((rights & SP_MODRGT) && (rights & SP_COLMASK))
			return true;
	}
	return false;
}

/*
 * Write all @len bytes: a pipe or a terminal may take fewer per write,
 * and a signal may interrupt one.  0, or -1 with errno set.
 */
static inline int bcmd_write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	ssize_t n;

	while (len) {
		n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0) {
			/* Never for a file or a pipe; do not spin on it. */
			errno = EIO;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

#endif /* BULLET_BCMD_H */
