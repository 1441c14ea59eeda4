// SPDX-License-Identifier: GPL-2.0
/*
 * The client side of the standard operations: one transaction each, the
 * capability in the request header, as std.h describes the wire.
 */
#include <string.h>

#include <amoeba/rpc.h>
#include <amoeba/std.h>

#include "am.h"

static void std_hdr(struct am_hdr *hdr, const struct am_cap *cap,
		    uint16_t command)
{
	memset(hdr, 0, sizeof(*hdr));
	hdr->h_port = cap->cap_port;
	hdr->h_priv = cap->cap_priv;
	hdr->h_command = command;
}

/*
 * One call with no request data: the transport's error, else the
 * service's status; *hdr becomes the reply header, *got the length of
 * the reply data in @buf (at most @len).
 */
static errstat std_call(struct am_hdr *hdr, void *buf, size_t len,
			int32_t *got)
{
	struct am_hdr req = *hdr;
	int32_t n;

	n = trans(&req, NULL, 0, hdr, buf, len);
	if (n < 0)
		return n;
	if (got)
		*got = n;
	return hdr->h_status;
}

/* A text reply, NUL-terminated and cut to fit @len. */
static errstat std_text(const struct am_cap *cap, uint16_t command,
			char *buf, size_t len)
{
	struct am_hdr hdr;
	int32_t n = 0;
	errstat err;

	if (!cap || !buf || !len)
		return STD_ARGBAD;
	std_hdr(&hdr, cap, command);
	err = std_call(&hdr, buf, len - 1, &n);
	buf[err == STD_OK ? n : 0] = '\0';
	return err;
}

errstat std_info(const struct am_cap *cap, char *buf, size_t len)
{
	return std_text(cap, STD_INFO, buf, len);
}

errstat std_status(const struct am_cap *cap, char *buf, size_t len)
{
	return std_text(cap, STD_STATUS, buf, len);
}

errstat std_restrict(const struct am_cap *cap, uint8_t mask,
		     struct am_cap *out)
{
	struct am_hdr hdr;
	errstat err;

	if (!cap || !out)
		return STD_ARGBAD;
	/* An owner capability holds the secret: no need to ask. */
	if (am_cap_restrict_owner(cap, mask, out) == STD_OK)
		return STD_OK;
	std_hdr(&hdr, cap, STD_RESTRICT);
	hdr.h_offset = mask;
	err = std_call(&hdr, NULL, 0, NULL);
	if (err != STD_OK)
		return err;
	out->cap_port = cap->cap_port;
	out->cap_priv = hdr.h_priv;
	return STD_OK;
}

static errstat std_simple(const struct am_cap *cap, uint16_t command)
{
	struct am_hdr hdr;

	if (!cap)
		return STD_ARGBAD;
	std_hdr(&hdr, cap, command);
	return std_call(&hdr, NULL, 0, NULL);
}

errstat std_destroy(const struct am_cap *cap)
{
	return std_simple(cap, STD_DESTROY);
}

errstat std_touch(const struct am_cap *cap)
{
	return std_simple(cap, STD_TOUCH);
}

errstat std_age(const struct am_cap *cap)
{
	return std_simple(cap, STD_AGE);
}
