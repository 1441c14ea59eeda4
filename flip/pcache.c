// SPDX-License-Identifier: GPL-2.0
/*
 * Port cache: which FLIP address serves a put-port, as learnt from HEREIS
 * answers to broadcast LOCATEs.  A bounded set-associative table: a lookup
 * or an update touches FLIP_PCACHE_WAYS entries, whatever the load, and a
 * full set gives up its least recently confirmed entry (a HEREIS or a
 * reply confirms one).  Entries not confirmed within the ttl are treated
 * as absent, so a server that moved is located again.  A lookup never
 * writes, so hosts may look up while excluding only writers.
 */
#include "flip.h"

void flip_pcache_init(struct flip_pcache *pc, struct flip_pcache_ent *ent,
		      u32 nent, u64 ttl)
{
	memset(ent, 0, sizeof(*ent) * nent);
	pc->ent = ent;
	pc->nsets = nent / FLIP_PCACHE_WAYS;
	pc->ttl = ttl;
}
FLIP_EXPORT(flip_pcache_init);

static struct flip_pcache_ent *pcache_set(struct flip_pcache *pc,
					  const struct am_port *port)
{
	return pc->ent + (flip_port_hash(port) % pc->nsets) * FLIP_PCACHE_WAYS;
}

const struct flip_pcache_ent *flip_pcache_lookup(struct flip_pcache *pc,
						 const struct am_port *port,
						 u64 now)
{
	struct flip_pcache_ent *e = pcache_set(pc, port);
	int i;

	for (i = 0; i < FLIP_PCACHE_WAYS; i++, e++) {
		if (!e->addr || !flip_port_eq(&e->port, port))
			continue;
		/* Expired: absent, and the oldest, so reused first. */
		if (now - e->stamp > pc->ttl)
			return NULL;
		return e;
	}
	return NULL;
}
FLIP_EXPORT(flip_pcache_lookup);

void flip_pcache_enter(struct flip_pcache *pc, const struct am_port *port,
		       u64 addr, const struct flip_link *link, u64 rtt_sample,
		       u64 now)
{
	struct flip_pcache_ent *set = pcache_set(pc, port);
	struct flip_pcache_ent *victim = set;
	int i;

	for (i = 0; i < FLIP_PCACHE_WAYS; i++) {
		struct flip_pcache_ent *e = &set[i];

		if (e->addr && flip_port_eq(&e->port, port)) {
			victim = e;
			break;
		}
		if (!e->addr)
			victim = e;
		else if (victim->addr && e->stamp < victim->stamp)
			victim = e;
	}
	/* A new server, or a new address for it, starts a new estimate. */
	if (victim->addr != addr || !flip_port_eq(&victim->port, port))
		memset(&victim->rtt, 0, sizeof(victim->rtt));
	victim->port = *port;
	victim->addr = addr;
	victim->link = *link;
	victim->stamp = now;
	if (rtt_sample)
		flip_rtt_sample(&victim->rtt, rtt_sample);
}
FLIP_EXPORT(flip_pcache_enter);

/*
 * The server at @addr answered for @port: confirm its entry and fold in a
 * round-trip measurement (@rtt_sample 0: none).
 */
void flip_pcache_confirm(struct flip_pcache *pc, const struct am_port *port,
			 u64 addr, u64 rtt_sample, u64 now)
{
	struct flip_pcache_ent *e = pcache_set(pc, port);
	int i;

	for (i = 0; i < FLIP_PCACHE_WAYS; i++, e++) {
		if (e->addr != addr || !flip_port_eq(&e->port, port))
			continue;
		e->stamp = now;
		if (rtt_sample)
			flip_rtt_sample(&e->rtt, rtt_sample);
	}
}
FLIP_EXPORT(flip_pcache_confirm);

/* Forget @port's entry if it still names @addr (0: whatever it names). */
void flip_pcache_forget(struct flip_pcache *pc, const struct am_port *port,
			u64 addr)
{
	struct flip_pcache_ent *e = pcache_set(pc, port);
	int i;

	for (i = 0; i < FLIP_PCACHE_WAYS; i++, e++)
		if (e->addr && flip_port_eq(&e->port, port) &&
		    (!addr || e->addr == addr))
			e->addr = 0;
}
FLIP_EXPORT(flip_pcache_forget);
