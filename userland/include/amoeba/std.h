/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The standard operations every service inherits (ail/std.ail).  Their
 * client stubs -- std_age, std_destroy, std_info, std_restrict,
 * std_status, std_touch -- and the command codes, rights and limits come
 * from <amoeba/std_ail.h>, which ail(1) generates from std.ail; this file
 * adds the server side that answers them from an object table.
 *
 * Each client stub returns STD_OK or an error: RPC_* if the call failed,
 * else the service's answer (STD_CAPBAD, STD_DENIED, ...).  std_info and
 * std_status need room for AM_STD_INFO_MAX + 1 and AM_STD_STATUS_MAX + 1
 * bytes of text and its NUL; std_age wants the service's super
 * capability.
 */
#ifndef AMOEBA_STD_H
#define AMOEBA_STD_H

#include <amoeba/ail.h>
#include <amoeba/std_ail.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Standard command codes std.ail leaves unassigned, as Amoeba's stdcom.h. */
#define STD_MONITOR	1000
#define STD_COPY	1002
#define STD_FIRST_COM	1000
#define STD_LAST_COM	1999

/*
 * The standard operations served from call->svc->tab, for a service's
 * struct CLASS_impl: `{ AM_STD_IMPL, .my_op = my_op, ... }`.  Each is
 * STD_COMBAD for a service without a table.
 *
 * std_info describes object 0 as "service" and other objects by
 * svc->info, or "object N" without it; std_status is svc->status, or
 * "objects: N" (N the objects besides object 0).  std_info needs
 * AM_RGT_READ, std_destroy AM_RGT_DELETE, std_age all rights on object 0;
 * std_restrict, std_touch and std_status any valid capability.
 */
errstat am_std_age(const struct am_call *call);
errstat am_std_destroy(const struct am_call *call);
errstat am_std_info(const struct am_call *call, char *info);
errstat am_std_restrict(const struct am_call *call, uint8_t mask,
			struct am_cap *restricted);
errstat am_std_status(const struct am_call *call, char *status);
errstat am_std_touch(const struct am_call *call);

#define AM_STD_IMPL				\
	.std_age = am_std_age,			\
	.std_destroy = am_std_destroy,		\
	.std_info = am_std_info,		\
	.std_restrict = am_std_restrict,	\
	.std_status = am_std_status,		\
	.std_touch = am_std_touch

/* The server side of a service that is nothing but the standard ones. */
extern const struct std_impl am_std_impl;

#ifdef __cplusplus
}
#endif

#endif /* AMOEBA_STD_H */
