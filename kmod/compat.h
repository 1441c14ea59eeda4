/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The differences between the kernels the module supports (Debian's 6.1
 * and 6.12), kept in one place so the rest of the code reads as if there
 * were one kernel.  Kbuild detects each feature in the kernel's headers
 * (AMOEBA_HAVE_*) rather than trusting version numbers, which distribution
 * backports make unreliable.
 */
#ifndef AMOEBA_COMPAT_H
#define AMOEBA_COMPAT_H

/* proto_ops.sendpage went away in 6.5 (MSG_SPLICE_PAGES replaced it). */
#ifdef AMOEBA_HAVE_SENDPAGE
#define AMOEBA_OPS_NO_SENDPAGE	.sendpage = sock_no_sendpage,
#else
#define AMOEBA_OPS_NO_SENDPAGE
#endif

/*
 * proto_ops.accept takes struct proto_accept_arg from 6.10, and
 * sock_no_accept changed with it, so using that needs no wrapper.
 */

#endif /* AMOEBA_COMPAT_H */
