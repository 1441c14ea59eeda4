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

/*
 * From 6.6 a namespace's sysctl table is registered with its length, which
 * must not count the empty entry that ends the table older kernels need.
 */
#ifdef AMOEBA_HAVE_SYSCTL_SZ
#define amoeba_register_sysctl(net, path, table, n) \
	register_net_sysctl_sz(net, path, table, n)
#else
#define amoeba_register_sysctl(net, path, table, n) \
	register_net_sysctl(net, path, table)
#endif

/* Sysctl handlers take a const table from 6.11. */
#ifdef AMOEBA_HAVE_CTL_CONST
#define AMOEBA_CTL_CONST	const
#else
#define AMOEBA_CTL_CONST
#endif

#endif /* AMOEBA_COMPAT_H */
