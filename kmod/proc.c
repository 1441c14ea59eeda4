// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/net/amoeba: what a namespace's FLIP stack is doing, one record a
 * line ("stat", "drop", "port", "cache"), so that scripts can grep it and
 * people can read it.  Documented in Documentation/networking/af_amoeba.rst.
 */
#include <linux/proc_fs.h>
#include <linux/seq_file.h>

#include "amoeba.h"

static const char *const stat_names[AMOEBA_STAT_MAX] = {
	[AMOEBA_STAT_RX]	= "rx",
	[AMOEBA_STAT_TX]	= "tx",
	[AMOEBA_STAT_TRANS]	= "trans",
	[AMOEBA_STAT_GETREQ]	= "getreq",
	[AMOEBA_STAT_PUTREP]	= "putrep",
	[AMOEBA_STAT_LOCATE_TX]	= "locate_tx",
	[AMOEBA_STAT_HEREIS_TX]	= "hereis_tx",
	[AMOEBA_STAT_RETRANS]	= "retrans",
	[AMOEBA_STAT_ABORT_TX]	= "abort_tx",
	[AMOEBA_STAT_ABORT_RX]	= "abort_rx",
	[AMOEBA_STAT_FORWARD]	= "forward",
};

void amoeba_drop(struct amoeba_net *an, enum flip_drop why)
{
	pr_debug("amoeba: drop %s\n", flip_drop_names[why]);
	this_cpu_inc(an->cnt->drop[why]);
}

static void seq_port(struct seq_file *seq, const struct am_port *p)
{
	seq_printf(seq, "%*phN", AM_PORTSIZE, p->p);
}

static int amoeba_proc_show(struct seq_file *seq, void *v)
{
	struct amoeba_net *an = amoeba_net(seq_file_single_net(seq));
	struct amoeba_counters sum = { };
	struct amoeba_sock *as;
	u64 now = ktime_get_ns();
	int cpu, i;

	for_each_possible_cpu(cpu) {
		const struct amoeba_counters *c = per_cpu_ptr(an->cnt, cpu);

		for (i = 0; i < AMOEBA_STAT_MAX; i++)
			sum.stat[i] += c->stat[i];
		for (i = 0; i < FLIP_DROP_MAX; i++)
			sum.drop[i] += c->drop[i];
	}
	for (i = 0; i < AMOEBA_STAT_MAX; i++)
		seq_printf(seq, "stat %s %llu\n", stat_names[i], sum.stat[i]);
	for (i = FLIP_DROP_NONE + 1; i < FLIP_DROP_MAX; i++)
		seq_printf(seq, "drop %s %llu\n", flip_drop_names[i],
			   sum.drop[i]);

	rcu_read_lock();
	hash_for_each_rcu(an->by_port, i, as, port_node) {
		seq_puts(seq, "port ");
		seq_port(seq, &as->putport);
		seq_printf(seq, " %016llx\n", as->addr);
	}
	rcu_read_unlock();

	read_seqlock_excl_bh(&an->pcache_lock);
	for (i = 0; i < AMOEBA_PCACHE_SIZE; i++) {
		const struct flip_pcache_ent *e = &an->pcache_ent[i];

		if (!e->addr || now - e->stamp > an->pcache.ttl)
			continue;
		seq_puts(seq, "cache ");
		seq_port(seq, &e->port);
		seq_printf(seq, " %016llx %llu %llu\n", e->addr,
			   div_u64(now - e->stamp, NSEC_PER_MSEC),
			   div_u64(e->rtt.srtt, NSEC_PER_USEC));
	}
	read_sequnlock_excl_bh(&an->pcache_lock);

	spin_lock_bh(&an->route_lock);
	for (i = 0; i < AMOEBA_ROUTE_SIZE; i++) {
		const struct flip_route_ent *r = &an->route_ent[i];

		if (!r->addr || now - r->stamp > an->route.ttl)
			continue;
		seq_printf(seq, "route %016llx %u ", r->addr, r->link.ifindex);
		/* A UDP peer is an IPv4 address and a port (network order). */
		if (r->link.ifindex == AMOEBA_UDP_LINK)
			seq_printf(seq, "%pI4:%u", r->link.lladdr,
				   r->link.lladdr[4] << 8 | r->link.lladdr[5]);
		else
			seq_printf(seq, "%pM", r->link.lladdr);
		seq_printf(seq, " %u %llu\n", r->hops,
			   div_u64(now - r->stamp, NSEC_PER_MSEC));
	}
	spin_unlock_bh(&an->route_lock);
	return 0;
}

int amoeba_proc_init(struct net *net)
{
	if (!IS_ENABLED(CONFIG_PROC_FS))
		return 0;
	if (!proc_create_net_single("amoeba", 0444, net->proc_net,
				    amoeba_proc_show, NULL))
		return -ENOMEM;
	return 0;
}

void amoeba_proc_exit(struct net *net)
{
	remove_proc_entry("amoeba", net->proc_net);
}
