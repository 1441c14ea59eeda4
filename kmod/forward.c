// SPDX-License-Identifier: GPL-2.0
/*
 * FLIP forwarding: a namespace with net.amoeba.forwarding = 1 passes on
 * what arrives over one of its links and is not for a socket of its own,
 * so that hosts on links it joins reach each other (see flip/route.c for
 * the rules).  Routes are learnt from packets only while forwarding is on,
 * so that ordinary hosts pay nothing for it.
 */
#include "amoeba.h"

void amoeba_forward_init(struct amoeba_net *an)
{
	spin_lock_init(&an->route_lock);
	flip_route_init(&an->route, an->route_ent, AMOEBA_ROUTE_SIZE,
			60ULL * NSEC_PER_SEC);
}

/* A packet came over @from: its source lies that way. */
void amoeba_learn(struct amoeba_net *an, const struct flip_pkt *pkt,
		  const struct flip_link *from)
{
	spin_lock(&an->route_lock);
	flip_route_learn(&an->route, pkt->fh.src, from, pkt->fh.act_hop,
			 amoeba_now());
	spin_unlock(&an->route_lock);
}

/*
 * Pass on @pkt (in @skb, which stays the caller's), which no socket here
 * takes.  Runs with bottom halves disabled, from the receive path.
 */
void amoeba_forward(struct amoeba_net *an, const struct flip_pkt *pkt,
		    const struct flip_link *from, struct sk_buff *skb)
{
	struct flip_pkt fwd = *pkt;
	enum flip_drop why = FLIP_DROP_NONE;
	struct flip_link to;
	struct sk_buff *copy;
	enum flip_fwd verdict;

	spin_lock(&an->route_lock);
	verdict = flip_forward(&an->route, &an->seen, &fwd, from, amoeba_now(),
			       &to, &why);
	spin_unlock(&an->route_lock);
	if (verdict == FLIP_FWD_DROP) {
		amoeba_drop(an, why);
		return;
	}
	/* Our own copy: the hop count is written into it. */
	copy = skb_copy(skb, GFP_ATOMIC);
	if (!copy) {
		amoeba_drop(an, FLIP_DROP_NOMEM);
		return;
	}
	flip_set_hops(copy->data, &fwd.fh);
	amoeba_count(an, AMOEBA_STAT_FORWARD);
	if (verdict == FLIP_FWD_FLOOD)
		amoeba_flood(an, copy, from);
	else
		amoeba_xmit_skb(an, &to, copy);
}
