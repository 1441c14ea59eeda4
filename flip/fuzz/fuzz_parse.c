// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness: arbitrary bytes as a received FLIP packet.  A packet
 * the parser accepts must re-encode to the same headers, and feeding it to
 * a client transaction, the server's duplicate filter, a message being
 * reassembled (REQUEST and REPLY fragments) and a message being sent
 * (RECEIVED) must keep their invariants; anything else must be refused
 * with a named reason.  AddressSanitizer catches every read outside the
 * input.  A router learns a route back to its source, and forwards it.
 *
 * The bytes after the packet, which the parser ignores as link padding,
 * script more of the same: further fragments of the message, or further
 * progress reports and timeouts of the sender.  The reassembly, the
 * sender and the router also live on from one input to the next.
 */
#include <assert.h>
#include <stdlib.h>

#include "../flip.h"

/* The message the RECEIVED packets report on: more than one window. */
#define TX_TOTAL	400000
#define TX_FRAG		9000
/* The router's routes: few sets, so that they collide; ns, 7 an input. */
#define ROUTES		(4 * FLIP_ROUTE_WAYS)
#define ROUTE_TTL	1000

static void drop_reply(void *reply)
{
	free(reply);
}

static u32 get16(const u8 *p)
{
	return (u32)p[0] << 8 | p[1];
}

/* Sorted, apart (else they would have merged), beyond the prefix. */
static u32 check_rx(const struct flip_rx *rx)
{
	u32 held = rx->prefix, last = rx->prefix;
	unsigned int i;

	assert(rx->prefix <= rx->total);
	assert(rx->granted <= rx->total);
	assert(rx->nr <= FLIP_RX_HOLES);
	for (i = 0; i < rx->nr; i++) {
		assert(rx->r[i].start > last);
		assert(rx->r[i].end > rx->r[i].start);
		assert(rx->r[i].end <= rx->total);
		held += rx->r[i].end - rx->r[i].start;
		last = rx->r[i].end;
	}
	return held;
}

/* One fragment into a message being reassembled. */
static void rx_add(struct flip_rx *rx, u32 off, u32 len, u64 now)
{
	static struct flip_rx before;
	struct flip_flow fl;
	u32 held;

	memcpy(&before, rx, sizeof(*rx));
	held = check_rx(rx);
	switch (flip_rx_add(rx, off, len, now)) {
	case FLIP_RX_NEW:
		assert(check_rx(rx) == held + len);
		assert(rx->prefix >= before.prefix);
		assert(rx->granted >= before.granted);
		assert(rx->stamp == now);
		break;
	case FLIP_RX_DUP:
		/* At most a RECEIVED becomes due. */
		assert(rx->tell >= before.tell);
		before.tell = rx->tell;
		assert(!memcmp(&before, rx, sizeof(*rx)));
		break;
	case FLIP_RX_BAD:
		assert(!memcmp(&before, rx, sizeof(*rx)));
		break;
	default:
		assert(0);
	}
	if (flip_rx_flow(rx, &fl)) {
		assert(fl.received == rx->prefix && fl.grant == rx->granted);
		assert(!flip_rx_flow(rx, &fl));
	}
}

/*
 * The next scripted fragment of @pkt's message, which @rx is receiving:
 * each two bytes place one of @pkt's size by its index (bits 0-13), counted
 * from the one that holds the prefix if bit 14 is set, and half a fragment
 * further on if bit 15 is set, as a sender that is not sound might.
 */
static bool next_frag(const struct flip_pkt *pkt, const struct flip_rx *rx,
		      const u8 **s, const u8 *end, u32 *off, u32 *len)
{
	u32 total = pkt->fh.total, frag = pkt->datalen, k;

	if (end - *s < 2 || !frag)
		return false;
	k = get16(*s);
	*s += 2;
	*off = k & 0x3fff;
	if (k & 0x4000)
		*off += rx->prefix / frag;
	*off = *off % ((total + frag - 1) / frag) * frag;
	if (k & 0x8000)
		*off += frag / 2;
	if (*off >= total)
		*off = total - 1;
	*len = total - *off < frag ? total - *off : frag;
	return true;
}

/* The fragments of a message, into a reassembly that outlives the input. */
static void fuzz_rx(const struct flip_pkt *pkt, const u8 *s, const u8 *end,
		    u64 now)
{
	static struct flip_rx rx;
	u32 off, len;

	if (!pkt->fh.total)
		return;
	if (rx.total != pkt->fh.total || flip_rx_complete(&rx))
		flip_rx_init(&rx, pkt->fh.total, now);
	rx_add(&rx, pkt->fh.offset, pkt->datalen, now);
	while (next_frag(pkt, &rx, &s, end, &off, &len))
		rx_add(&rx, off, len, now);
}

/* What the sender may send now lies in the message, within the grant. */
static void tx_drain(struct flip_tx *tx, bool probe)
{
	u32 off, len, end = tx->next, n;

	for (n = 0; flip_tx_next(tx, &off, &len); n++) {
		assert(n <= TX_TOTAL / TX_FRAG);
		assert(off == end && off < tx->grant && off + len <= tx->total);
		assert(len && len <= TX_FRAG);
		if (probe)
			assert(!off && !n);
		else
			assert(off >= tx->acked - tx->acked % TX_FRAG);
		end = off + len;
	}
	assert(!flip_tx_next(tx, &off, &len));
}

static void tx_received(struct flip_tx *tx, const struct flip_flow *fl,
			u64 now)
{
	u32 acked = tx->acked, grant = tx->grant;
	bool news = flip_tx_received(tx, fl, now);
	bool moved = tx->acked != acked || tx->grant != grant;

	assert(tx->acked <= tx->total);
	assert(tx->acked >= acked && tx->grant >= grant);
	/* News is progress, or a repair's next step. */
	assert(news || !moved);
	assert(!moved || !tx->backoff);
	assert(!tx->repair || tx->acked < tx->repair);
	if (fl->received > tx->total)
		assert(!news);
}

/*
 * A RECEIVED to the sender of a message that outlives the input.  Each
 * three bytes after the packet script one more step: a report of progress,
 * of a grant, a timeout or a probe.
 */
static void fuzz_tx(const struct flip_pkt *pkt, const u8 *s, const u8 *end,
		    u64 now)
{
	static struct flip_tx tx;
	struct flip_flow fl;
	bool probe = false;
	u64 wait;

	if (!tx.frag || flip_tx_done(&tx)) {
		flip_tx_init(&tx, TX_TOTAL);
		flip_tx_size(&tx, TX_FRAG);
	}
	tx_received(&tx, &pkt->fl, now);
	tx_drain(&tx, false);
	for (; end - s >= 3; s += 3) {
		u32 v = get16(s + 1) * 8;

		switch (s[0] & 3) {
		case 0:
			fl.received = v;
			fl.grant = tx.grant;
			fl.answer = s[0] & 4;
			tx_received(&tx, &fl, now);
			break;
		case 1:
			fl.received = tx.acked;
			fl.grant = v;
			fl.answer = s[0] & 4;
			tx_received(&tx, &fl, now);
			break;
		case 2:
			flip_tx_arm(&tx, now, 10, 1000);
			wait = flip_tx_wait(&tx, 10);
			if (wait < 1000)
				wait = 1000;
			assert(tx.timer > now && tx.timer <= now + wait);
			assert(flip_tx_expire(&tx, now + wait) ==
			       !flip_tx_done(&tx));
			break;
		case 3:
			flip_tx_probe(&tx);
			probe = true;
			break;
		}
		tx_drain(&tx, probe);
		probe = false;
	}
}

/*
 * A client at address 1 waiting on tid 1, its request of three fragments
 * sent, survives any packet, and the fragments of a reply that follow it.
 */
static void fuzz_trans(const struct flip_pkt *pkt, const u8 *s,
		       const u8 *end, u64 now)
{
	struct flip_pcache_ent cached = { .addr = 1 };
	const struct flip_link link = { 0 };
	struct flip_trans t;
	struct flip_pkt q;
	unsigned int act;
	u32 off, len;

	flip_trans_start(&t, &pkt->rh.port, 1, 3000, &cached, now, 100,
			 &flip_timing_default);
	flip_tx_size(&t.req, 1000);
	while (flip_tx_next(&t.req, &off, &len))
		assert(off + len <= 3000);
	q = *pkt;
	do {
		act = flip_trans_input(&t, &q, &link, now);
		assert(t.state != FLIP_TRANS_DONE ||
		       t.result == FLIP_RES_OK || t.result == FLIP_RES_GONE);
		assert(t.req.acked <= t.req.total);
		if (act & FLIP_ACT_KEEP)
			assert(q.rh.type == FLIP_RPC_REPLY &&
			       !flip_pkt_whole(&q));
		if (act & FLIP_ACT_REQUEST)
			assert(q.rh.type == FLIP_RPC_RECEIVED);
		if (t.rep.total) {
			check_rx(&t.rep);
			assert(t.busy);
		}
		if (t.state == FLIP_TRANS_DONE && t.result == FLIP_RES_OK &&
		    !flip_pkt_whole(&q))
			assert(flip_rx_complete(&t.rep));
		if (t.state == FLIP_TRANS_DONE ||
		    pkt->rh.type != FLIP_RPC_REPLY ||
		    !next_frag(pkt, &t.rep, &s, end, &off, &len))
			break;
		q.fh.offset = off;
		q.datalen = len;
		if (off)
			memset(&q.ah, 0, sizeof(q.ah));
	} while (1);
}

static bool link_eq(const struct flip_link *a, const struct flip_link *b)
{
	return !memcmp(a, b, sizeof(*a));
}

/* A link named by 3 bits: one of 4 interfaces, one of 2 neighbours. */
static void byte_link(struct flip_link *l, u8 b)
{
	memset(l, 0, sizeof(*l));
	l->ifindex = 1 + (b & 3);
	l->lladdr[0] = b >> 2;
}

static bool route_eq(const struct flip_route_ent *a,
		     const struct flip_route_ent *b)
{
	return a->addr == b->addr && link_eq(&a->link, &b->link) &&
	       a->hops == b->hops && a->stamp == b->stamp;
}

/*
 * News of @addr over @from: afterwards the route is the one there was, if
 * that is live, over another link and shorter, else the news; in one slot,
 * and no other route changed but one that gave way to it, the oldest of a
 * full set.
 */
static void route_learn(struct flip_route *rt, u64 addr,
			const struct flip_link *from, u16 hops, u64 now)
{
	static struct flip_route_ent snap[ROUTES];
	const struct flip_route_ent *e = flip_route_lookup(rt, addr, now);
	bool kept = e && hops > e->hops && !link_eq(from, &e->link);
	unsigned int i, n = 0, changed = ROUTES, set;

	memcpy(snap, rt->ent, sizeof(snap));
	flip_route_learn(rt, addr, from, hops, now);
	for (i = 0; i < ROUTES; i++) {
		n += rt->ent[i].addr == addr;
		if (!route_eq(&snap[i], &rt->ent[i])) {
			assert(changed == ROUTES);
			changed = i;
		}
	}
	if (addr == FLIP_ADDR_BROADCAST || kept)
		assert(changed == ROUTES);
	if (addr == FLIP_ADDR_BROADCAST) {
		assert(!flip_route_lookup(rt, addr, now));
		return;
	}
	assert(n == 1);
	e = flip_route_lookup(rt, addr, now);
	assert(e && e->addr == addr);
	if (!kept)
		assert(link_eq(&e->link, from) && e->hops == hops &&
		       e->stamp == now);
	if (changed < ROUTES && snap[changed].addr &&
	    snap[changed].addr != addr) {
		set = changed - changed % FLIP_ROUTE_WAYS;
		for (i = set; i < set + FLIP_ROUTE_WAYS; i++)
			assert(snap[i].addr &&
			       snap[i].stamp >= snap[changed].stamp);
	}
}

/*
 * @pkt, as received, raised by one hop and written back to a copy of @buf:
 * the same packet, but for its hop count.
 */
static void check_set_hops(const u8 *buf, size_t len,
			   const struct flip_pkt *pkt)
{
	u8 *copy = malloc(len);
	struct flip_pkt r;

	assert(copy);
	memcpy(copy, buf, len);
	flip_set_hops(copy, &pkt->fh);
	assert(flip_parse(copy, len, &r) == FLIP_DROP_NONE);
	assert(r.fh.act_hop == pkt->fh.act_hop);
	assert(get16(copy + 4) == pkt->fh.act_hop);
	assert(!memcmp(copy, buf, 4) && !memcmp(copy + 6, buf + 6, len - 6));
	free(copy);
}

/*
 * A router, whose routes and broadcast filter outlive the input, learns
 * the way back to @pkt's source and forwards it.  Byte 3 of the header,
 * which the parser ignores, names the link it came in on (bits 0-2) and,
 * if bit 7 is set, one that a packet from its destination came in on
 * just before (bits 4-6), from as many hops away or, if bit 3 is set,
 * from a neighbour.
 */
static void fuzz_route(const u8 *buf, size_t len, const struct flip_pkt *pkt,
		       u64 now)
{
	static struct flip_route_ent ents[ROUTES];
	static struct flip_route rt;
	static struct flip_seen seen;
	const struct flip_route_ent *e;
	struct flip_link from, to, back;
	struct flip_pkt q;
	enum flip_drop why = FLIP_DROP_MAX;
	u16 act = pkt->fh.act_hop, max = pkt->fh.max_hop;

	if (!rt.ent)
		flip_route_init(&rt, ents, ROUTES, ROUTE_TTL);
	byte_link(&from, buf[3] & 7);
	if (buf[3] & 0x80) {
		byte_link(&back, buf[3] >> 4 & 7);
		route_learn(&rt, pkt->fh.dst, &back, buf[3] & 8 ? 0 : act, now);
	}
	route_learn(&rt, pkt->fh.src, &from, act, now);

	memcpy(&q, pkt, sizeof(q));
	switch (flip_forward(&rt, &seen, &q, &from, now, &to, &why)) {
	case FLIP_FWD_DROP:
		assert(!memcmp(&q, pkt, sizeof(q)));
		if (act >= max) {
			assert(why == FLIP_DROP_HOPS);
		} else if (pkt->fh.dst == FLIP_ADDR_BROADCAST) {
			assert(why == FLIP_DROP_DUP);
		} else {
			assert(why == FLIP_DROP_NOROUTE);
			e = flip_route_lookup(&rt, pkt->fh.dst, now);
			assert(!e || link_eq(&e->link, &from));
		}
		return;
	case FLIP_FWD_FLOOD:
		assert(pkt->fh.dst == FLIP_ADDR_BROADCAST);
		break;
	case FLIP_FWD_ROUTE:
		assert(pkt->fh.dst != FLIP_ADDR_BROADCAST);
		e = flip_route_lookup(&rt, pkt->fh.dst, now);
		assert(e && link_eq(&e->link, &to) && !link_eq(&to, &from));
		break;
	default:
		assert(0);
	}
	assert(act < max && q.fh.act_hop == act + 1 && q.fh.act_hop <= max);
	q.fh.act_hop = act;
	assert(!memcmp(&q, pkt, sizeof(q)));
	q.fh.act_hop = act + 1;
	check_set_hops(buf, len, &q);

	/* What was passed on once and comes back round a loop stops here. */
	if (pkt->fh.dst == FLIP_ADDR_BROADCAST) {
		memcpy(&q, pkt, sizeof(q));
		why = FLIP_DROP_MAX;
		assert(flip_forward(&rt, &seen, &q, &from, now, &to, &why) ==
		       FLIP_FWD_DROP && why == FLIP_DROP_DUP);
		assert(!memcmp(&q, pkt, sizeof(q)));
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *buf, size_t len)
{
	static struct flip_dedup_ent ents[4 * FLIP_DEDUP_WAYS];
	static struct flip_dedup dedup;
	static u64 now;
	struct flip_dedup_ent *e;
	struct flip_pkt pkt;
	enum flip_drop why;
	u8 out[FLIP_RPC_DATA_OFF];
	const u8 *script, *end = buf + len;
	size_t hlen, rpc;

	if (!dedup.ent)
		flip_dedup_init(&dedup, ents, 4 * FLIP_DEDUP_WAYS, 1000,
				drop_reply);
	now += 7;

	why = flip_parse(buf, len, &pkt);
	assert(why < FLIP_DROP_MAX);
	if (why != FLIP_DROP_NONE)
		return 0;
	assert(pkt.data >= buf && pkt.data + pkt.datalen <= buf + len);
	assert(pkt.fh.total <= FLIP_MSG_MAX);
	assert(pkt.fh.offset <= pkt.fh.total &&
	       pkt.datalen <= pkt.fh.total - pkt.fh.offset);
	script = pkt.data + pkt.datalen;

	/* What was accepted re-encodes to the same header bytes (reserved
	 * fields are ignored on input and written as zero); the headers'
	 * length depends on the type and, for a message, on the offset.
	 */
	hlen = flip_write(out, &pkt);
	rpc = FLIP_HDR_LEN + FLIP_RPC_HDR_LEN;
	assert(hlen == flip_hdrs_len(pkt.rh.type, pkt.fh.offset));
	assert(hlen + pkt.datalen == FLIP_HDR_LEN + pkt.fh.length);
	assert(pkt.data == buf + hlen);
	if (pkt.rh.type == FLIP_RPC_RECEIVED)
		assert(hlen == rpc + FLIP_FLOW_LEN);
	else if ((pkt.rh.type == FLIP_RPC_REQUEST ||
		  pkt.rh.type == FLIP_RPC_REPLY) && !pkt.fh.offset)
		assert(hlen == FLIP_RPC_DATA_OFF);
	else
		assert(hlen == rpc);
	assert(!memcmp(out, buf, 3) && !memcmp(out + 4, buf + 4, 36));
	assert(!memcmp(out + FLIP_HDR_LEN, buf + FLIP_HDR_LEN,
		       hlen - FLIP_HDR_LEN));

	fuzz_trans(&pkt, script, end, now);
	if (pkt.rh.type == FLIP_RPC_REQUEST || pkt.rh.type == FLIP_RPC_REPLY)
		fuzz_rx(&pkt, script, end, now);
	if (pkt.rh.type == FLIP_RPC_RECEIVED)
		fuzz_tx(&pkt, script, end, now);
	fuzz_route(buf, len, &pkt, now);

	/* A request is never NEW twice while its record is kept. */
	if (pkt.rh.type == FLIP_RPC_REQUEST) {
		enum flip_verdict v = flip_dedup_request(&dedup, pkt.fh.src,
							 pkt.rh.tid, now, &e);

		if (v == FLIP_NEW) {
			flip_dedup_replied(e, malloc(1), now);
			assert(flip_dedup_request(&dedup, pkt.fh.src,
						  pkt.rh.tid, now, &e) ==
			       FLIP_DUP_REPLIED);
		}
	}
	return 0;
}
