/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The standard operations every service inherits: client calls, and the
 * server side that answers them from an object table.
 *
 * On the wire (until AIL generates these stubs): the request header holds
 * the capability's port and private part and the command; STD_RESTRICT
 * passes the rights mask in h_offset and returns the new private part in
 * h_priv; STD_INFO and STD_STATUS return text (no NUL) in the buffer, its
 * length in h_size.  The reply's h_status is the result.
 */
#ifndef AMOEBA_STD_H
#define AMOEBA_STD_H

#include <stddef.h>
#include <stdint.h>
#include <amoeba/cap.h>
#include <amoeba/err.h>
#include <amoeba/objtab.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Command numbers, as in Amoeba's stdcom.h (1000-1999 are standard). */
#define STD_MONITOR	1000
#define STD_AGE		1001
#define STD_COPY	1002
#define STD_DESTROY	1003
#define STD_INFO	1004
#define STD_RESTRICT	1005
#define STD_STATUS	1006
#define STD_TOUCH	1007
#define STD_FIRST_COM	1000
#define STD_LAST_COM	1999

/* The longest std_info text and std_status text a server sends. */
#define AM_STD_INFO_MAX		1024
#define AM_STD_STATUS_MAX	8192

/*
 * Client side.  Each returns STD_OK or an error: RPC_* if the call failed,
 * else the service's answer (STD_CAPBAD, STD_DENIED, ...).
 */

/* Up to @len - 1 bytes of the description, NUL-terminated, in @buf. */
errstat std_info(const struct am_cap *cap, char *buf, size_t len);
errstat std_status(const struct am_cap *cap, char *buf, size_t len);
/* A capability for the same object with rights & @mask. */
errstat std_restrict(const struct am_cap *cap, uint8_t mask,
		     struct am_cap *out);
errstat std_destroy(const struct am_cap *cap);
errstat std_touch(const struct am_cap *cap);
/* One garbage-collection cycle; @cap is the service's super capability. */
errstat std_age(const struct am_cap *cap);

/*
 * Server side.  What a service tells am_std_serve() about its objects;
 * any member may be NULL.
 */
struct am_std_ops {
	/* Describe @data in at most @len bytes of @buf; return the length. */
	size_t	(*info)(void *data, char *buf, size_t len, void *arg);
	/* The service's status text, as info. */
	size_t	(*status)(char *buf, size_t len, void *arg);
	void	*arg;
};

/*
 * Answer a standard command from @tab.  @hdr holds the request header and
 * becomes the reply header; @buf (of @size bytes) receives the reply data
 * and *replen its length.  Returns 1 if the command was a standard one
 * (answered, even if with an error status), 0 if it is the service's own.
 * The reply's h_offset and h_extra are 0 but for std_age; std_info of
 * object 0 (the service) answers "service" without asking ops->info, and
 * without ops->info or ops->status the texts are "object N" and
 * "objects: N".
 * Rights: std_info needs AM_RGT_READ, std_destroy AM_RGT_DELETE, std_age
 * all rights on object 0; std_restrict, std_touch and std_status any
 * valid capability.
 */
int am_std_serve(struct am_objtab *tab, const struct am_std_ops *ops,
		 struct am_hdr *hdr, void *buf, size_t size, size_t *replen);

#ifdef __cplusplus
}
#endif

#endif /* AMOEBA_STD_H */
