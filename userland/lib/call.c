// SPDX-License-Identifier: GPL-2.0
/*
 * The capability check every generated server stub makes before it
 * calls an operation: the object the capability names, with the rights
 * the operation declares in its AIL, held until the call is over so that
 * a concurrent std_destroy cannot free it underneath.
 */
#include <string.h>
#include <amoeba/ail.h>

errstat am_call_begin(struct am_call *call, const struct am_service *svc,
		      const struct am_hdr *hdr, uint8_t need)
{
	errstat err;

	memset(call, 0, sizeof(*call));
	call->svc = svc;
	call->hdr = hdr;
	if (!svc || !svc->tab)
		return STD_OK;
	err = am_obj_get(svc->tab, &hdr->h_priv, need, &call->obj,
			 &call->rights);
	call->held = err == STD_OK;
	return err;
}

void am_call_end(struct am_call *call)
{
	if (call->held)
		am_obj_put(call->svc->tab, &call->hdr->h_priv);
	call->held = false;
}
