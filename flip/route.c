// SPDX-License-Identifier: GPL-2.0
/*
 * Forwarding between links, for hosts that join FLIP networks.  Routes are
 * learnt, never configured: every packet that arrives over a link says
 * where its source is and how many routers away (act_hop), so a LOCATE
 * that floods out teaches every router on its way the path back to the
 * client, and the HEREIS coming back the path to the server.  Broadcasts
 * are bounded by their hop limit and by a filter of those already passed
 * on; unicasts follow their route, and are dropped where none is known,
 * rather than flooded: the client's retransmission and, failing that, a
 * new LOCATE find the way again.
 */
#include "flip.h"

void flip_route_init(struct flip_route *rt, struct flip_route_ent *ent,
		     u32 nent, u64 ttl)
{
	memset(ent, 0, sizeof(*ent) * nent);
	rt->ent = ent;
	rt->nsets = nent / FLIP_ROUTE_WAYS;
	rt->ttl = ttl;
}
FLIP_EXPORT(flip_route_init);

static struct flip_route_ent *route_set(const struct flip_route *rt,
					u64 addr)
{
	u64 h = addr * 0x9e3779b97f4a7c15ULL;

	return rt->ent + (u32)(h >> 32) % rt->nsets * FLIP_ROUTE_WAYS;
}

static bool same_link(const struct flip_link *a, const struct flip_link *b)
{
	return a->ifindex == b->ifindex &&
	       !memcmp(a->lladdr, b->lladdr, sizeof(a->lladdr));
}

void flip_route_learn(struct flip_route *rt, u64 addr,
		      const struct flip_link *from, u16 hops, u64 now)
{
	struct flip_route_ent *set = route_set(rt, addr);
	struct flip_route_ent *e = NULL, *victim = set;
	int i;

	if (addr == FLIP_ADDR_BROADCAST)
		return;
	for (i = 0; i < FLIP_ROUTE_WAYS; i++) {
		if (set[i].addr == addr) {
			e = &set[i];
			break;
		}
		if (!set[i].addr)
			victim = &set[i];
		else if (victim->addr && set[i].stamp < victim->stamp)
			victim = &set[i];
	}
	/* A longer way in keeps a shorter route, unless that one is stale. */
	if (e && hops > e->hops && !same_link(from, &e->link) &&
	    now - e->stamp <= rt->ttl)
		return;
	if (!e)
		e = victim;
	e->addr = addr;
	e->link = *from;
	e->hops = hops;
	e->stamp = now;
}
FLIP_EXPORT(flip_route_learn);

const struct flip_route_ent *flip_route_lookup(const struct flip_route *rt,
					       u64 addr, u64 now)
{
	const struct flip_route_ent *e = route_set(rt, addr);
	int i;

	for (i = 0; i < FLIP_ROUTE_WAYS; i++, e++)
		if (e->addr == addr && addr != FLIP_ADDR_BROADCAST)
			return now - e->stamp <= rt->ttl ? e : NULL;
	return NULL;
}
FLIP_EXPORT(flip_route_lookup);

bool flip_seen(struct flip_seen *s, u64 src, u32 messid)
{
	u32 i;

	for (i = 0; i < FLIP_SEEN_SIZE; i++)
		if (s->e[i].src == src && s->e[i].messid == messid)
			return true;
	i = s->next++ % FLIP_SEEN_SIZE;
	s->e[i].src = src;
	s->e[i].messid = messid;
	return false;
}
FLIP_EXPORT(flip_seen);

enum flip_fwd flip_forward(const struct flip_route *rt, struct flip_seen *seen,
			   struct flip_pkt *pkt, const struct flip_link *from,
			   u64 now, struct flip_link *to, enum flip_drop *why)
{
	const struct flip_route_ent *e;

	if (pkt->fh.act_hop >= pkt->fh.max_hop) {
		*why = FLIP_DROP_HOPS;
		return FLIP_FWD_DROP;
	}
	if (pkt->fh.dst == FLIP_ADDR_BROADCAST) {
		if (flip_seen(seen, pkt->fh.src, pkt->fh.messid)) {
			*why = FLIP_DROP_DUP;
			return FLIP_FWD_DROP;
		}
		pkt->fh.act_hop++;
		return FLIP_FWD_FLOOD;
	}
	e = flip_route_lookup(rt, pkt->fh.dst, now);
	/* Never straight back where it came from: that is a loop. */
	if (!e || same_link(&e->link, from)) {
		*why = FLIP_DROP_NOROUTE;
		return FLIP_FWD_DROP;
	}
	*to = e->link;
	pkt->fh.act_hop++;
	return FLIP_FWD_ROUTE;
}
FLIP_EXPORT(flip_forward);
