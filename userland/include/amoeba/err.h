/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Amoeba error codes.  The codes themselves (RPC_*, STD_*) are defined
 * once, in <linux/amoeba.h>, shared with the kernel; this adds their names
 * and descriptions.
 */
#ifndef AMOEBA_ERR_H
#define AMOEBA_ERR_H

#include <stdint.h>
#include <linux/amoeba.h>

#ifdef __cplusplus
extern "C" {
#endif

/* A status: STD_OK (0), or a negative RPC_* or STD_* code. */
typedef int32_t errstat;

/*
 * Whether @err says the call reached no server (an RPC_* code), as
 * opposed to a server's answer: only then is another replica worth a try.
 */
static inline int am_err_rpc(errstat err)
{
	return err < 0 && err > STD_CAPBAD;
}

/* "STD_CAPBAD", or NULL for a code without a name. */
const char *err_name(errstat err);
/*
 * A short description: "capability bad".  Never NULL: an unknown code
 * gives "unknown error -N" in a static buffer of the calling thread.
 */
const char *err_why(errstat err);

#ifdef __cplusplus
}
#endif

#endif /* AMOEBA_ERR_H */
