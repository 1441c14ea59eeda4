// SPDX-License-Identifier: GPL-2.0
/*
 * The standard operations (ail/std.ail), served from the object table, so
 * that a service's own code handles only its own operations.  The
 * generated stub has already checked the capability against the rights
 * std.ail declares and holds the object; these add what is particular:
 * object 0 for std_age and std_info, and the texts.
 *
 * Default texts, when the service gives no callback: std_info says
 * "service" for object 0 and "object N" for the others (object 0 has no
 * data to describe, so it never goes to svc->info); std_status says
 * "objects: N", N the live objects besides object 0.
 */
#include <stdio.h>
#include <string.h>
#include <amoeba/std.h>

/* Make @len bytes of text at @buf (at most @max) a C string. */
static void text_end(char *buf, size_t len, size_t max)
{
	buf[len < max ? len : max] = '\0';
}

static struct am_objtab *tab_of(const struct am_call *call)
{
	return call->svc ? call->svc->tab : NULL;
}

errstat am_std_info(const struct am_call *call, char *info)
{
	const struct am_service *svc = call->svc;
	uint32_t obj = am_priv_object(&call->hdr->h_priv);
	int n;

	if (!tab_of(call))
		return STD_COMBAD;
	if (obj == 0) {
		strcpy(info, "service");
	} else if (svc->info) {
		/* A callback that claims more than it had room for is cut. */
		text_end(info, svc->info(call->obj, info, AM_STD_INFO_MAX,
					 svc->arg), AM_STD_INFO_MAX);
	} else {
		n = snprintf(info, AM_STD_INFO_MAX + 1, "object %u",
			     (unsigned int)obj);
		text_end(info, n < 0 ? 0 : (size_t)n, AM_STD_INFO_MAX);
	}
	return STD_OK;
}

errstat am_std_status(const struct am_call *call, char *status)
{
	const struct am_service *svc = call->svc;
	int n;

	if (!tab_of(call))
		return STD_COMBAD;
	if (svc->status) {
		text_end(status, svc->status(status, AM_STD_STATUS_MAX,
					     svc->arg), AM_STD_STATUS_MAX);
	} else {
		n = snprintf(status, AM_STD_STATUS_MAX + 1, "objects: %u",
			     (unsigned int)am_objtab_count(svc->tab));
		text_end(status, n < 0 ? 0 : (size_t)n, AM_STD_STATUS_MAX);
	}
	return STD_OK;
}

errstat am_std_restrict(const struct am_call *call, uint8_t mask,
			struct am_cap *restricted)
{
	if (!tab_of(call))
		return STD_COMBAD;
	restricted->cap_port = call->hdr->h_port;
	return am_obj_restrict(call->svc->tab, &call->hdr->h_priv, mask,
			       &restricted->cap_priv);
}

errstat am_std_destroy(const struct am_call *call)
{
	if (!tab_of(call))
		return STD_COMBAD;
	return am_obj_destroy(call->svc->tab, &call->hdr->h_priv,
			      AM_RGT_DELETE);
}

errstat am_std_touch(const struct am_call *call)
{
	if (!tab_of(call))
		return STD_COMBAD;
	return am_obj_touch(call->svc->tab, &call->hdr->h_priv);
}

/* One aging cycle, for the holder of the super capability only. */
errstat am_std_age(const struct am_call *call)
{
	if (!tab_of(call))
		return STD_COMBAD;
	if (am_priv_object(&call->hdr->h_priv) != 0 ||
	    call->rights != AM_RIGHTS_ALL)
		return STD_DENIED;
	am_objtab_age(call->svc->tab);
	return STD_OK;
}

const struct std_impl am_std_impl = { AM_STD_IMPL };
