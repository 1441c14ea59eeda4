// SPDX-License-Identifier: GPL-2.0
/*
 * net.amoeba.*: each namespace's switches, under /proc/sys/net/amoeba,
 * writable by whoever administers that namespace's network.
 */
#include <linux/slab.h>
#include <linux/sysctl.h>

#include "amoeba.h"
#include "compat.h"

static const int amoeba_port_max = 65535;

static const struct ctl_table amoeba_sysctl_template[] = {
	{
		.procname	= "forwarding",
		.maxlen		= sizeof(int),
		.mode		= 0644,
		.proc_handler	= proc_dointvec_minmax,
		.extra1		= SYSCTL_ZERO,
		.extra2		= SYSCTL_ONE,
	},
	{
		.procname	= "udp_port",
		.maxlen		= sizeof(int),
		.mode		= 0644,
		.proc_handler	= amoeba_udp_port_sysctl,
		.extra1		= SYSCTL_ZERO,
		.extra2		= (void *)&amoeba_port_max,
	},
	{
		.procname	= "udp_peers",
		.maxlen		= AMOEBA_UDP_PEERS_LEN,
		.mode		= 0644,
		.proc_handler	= amoeba_udp_peers_sysctl,
	},
	{ }
};

int amoeba_sysctl_init(struct net *net)
{
	struct amoeba_net *an = amoeba_net(net);
	struct ctl_table *t;

	/* Without sysctls there are no switches: all stay off. */
	if (!IS_ENABLED(CONFIG_SYSCTL))
		return 0;
	t = kmemdup(amoeba_sysctl_template, sizeof(amoeba_sysctl_template),
		    GFP_KERNEL);
	if (!t)
		return -ENOMEM;
	t[0].data = &an->forwarding;
	t[1].data = an;
	t[2].data = an;
	/* The count leaves out the empty entry that ends the table. */
	an->sysctl = amoeba_register_sysctl(net, "net/amoeba", t,
					    ARRAY_SIZE(amoeba_sysctl_template) - 1);
	if (!an->sysctl) {
		kfree(t);
		return -ENOMEM;
	}
	return 0;
}

void amoeba_sysctl_exit(struct net *net)
{
	struct amoeba_net *an = amoeba_net(net);
	const struct ctl_table *t;

	if (!an->sysctl)
		return;
	t = an->sysctl->ctl_table_arg;
	unregister_net_sysctl_table(an->sysctl);
	kfree(t);
}
