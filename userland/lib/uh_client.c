// SPDX-License-Identifier: GPL-2.0
/*
 * The user-space host's client: trans.  The calling thread drives its own
 * transaction through the engine, sending its request straight from its
 * buffer and waiting until dispatch has news for it or the engine's next
 * deadline.  Reply data is copied by whichever thread dispatches the
 * packet into the caller's buffer, the one copy it needs.
 */
#include <inttypes.h>
#include <stdio.h>

#include "uh.h"

/* Calls whose reply came in fragments, for a server resending the end. */
static void recent_add(u32 tid)
{
	uh.recent[uh.nrecent++ % UH_RECENT] = tid;
}

static bool recent_has(u32 tid)
{
	u32 i, n = uh.nrecent < UH_RECENT ? uh.nrecent : UH_RECENT;

	for (i = 0; i < n; i++)
		if (uh.recent[i] == tid)
			return true;
	return false;
}

static void keep(struct uh_trans *tr, const struct flip_pkt *pkt)
{
	u32 off = pkt->fh.offset, len = pkt->datalen;

	if (off >= tr->room)
		return;
	if (len > tr->room - off)
		len = tr->room - off;
	memcpy(tr->rep + off, pkt->data, len);
}

/*
 * A packet for a transaction: HEREIS, REPLY, ACK, FAIL, RECEIVED for the
 * request, NOTHERE.  uh.lock held.
 */
void uh_rcv_client(const struct flip_pkt *pkt, const struct flip_link *from)
{
	struct flip_link to = *from;
	struct uh_trans *tr;
	struct flip_flow fl;
	unsigned int act = 0;
	bool flow = false;

	TAILQ_FOREACH(tr, &uh.trans, node)
		if (tr->ft.tid == pkt->rh.tid)
			break;
	if (!tr) {
		/* Our final RECEIVED for a finished call was lost: again. */
		if (pkt->rh.type == FLIP_RPC_REPLY && !flip_pkt_whole(pkt) &&
		    recent_has(pkt->rh.tid)) {
			fl.received = pkt->fh.total;
			fl.grant = pkt->fh.total;
			fl.answer = pkt->rh.flags & FLIP_RPC_F_ASK;
			uh_send_flow(pkt->fh.src, from, &pkt->rh.port,
				      pkt->rh.tid, 0, &fl);
			uh_drop(FLIP_DROP_DUP);
		} else {
			uh_drop(FLIP_DROP_STALE);
		}
		return;
	}
	act = flip_trans_input(&tr->ft, pkt, from, uh_now());
	if (act & FLIP_ACT_KEEP)
		keep(tr, pkt);
	if ((act & FLIP_ACT_DONE) && tr->ft.result == FLIP_RES_OK) {
		if (flip_pkt_whole(pkt)) {
			keep(tr, pkt);
			tr->replen = pkt->datalen;
		} else {
			tr->replen = tr->ft.rep.total;
			recent_add(tr->ft.tid);
		}
	}
	if (act & FLIP_ACT_RECEIVED) {
		flow = flip_rx_flow(&tr->ft.rep, &fl);
		to = tr->ft.link;
	}
	if (pkt->rh.type == FLIP_RPC_HEREIS && (act & FLIP_ACT_REQUEST))
		flip_pcache_enter(&uh.pcache, &pkt->rh.port, pkt->fh.src,
				  from, tr->ft.rtt_sample, uh_now());
	/* The caller sends: it owns the request's data. */
	tr->pending_act |= act & (FLIP_ACT_REQUEST | FLIP_ACT_LOCATE |
				  FLIP_ACT_FORGET);
	if (act & (FLIP_ACT_REQUEST | FLIP_ACT_LOCATE | FLIP_ACT_DONE))
		pthread_cond_signal(&tr->wait);
	if (flow)
		uh_send_flow(pkt->fh.src, &to, &pkt->rh.port, pkt->rh.tid, 0,
			      &fl);
	if (pkt->rh.type == FLIP_RPC_REPLY &&
	    !(act & (FLIP_ACT_KEEP | FLIP_ACT_DONE)))
		uh_drop(flip_pkt_whole(pkt) ? FLIP_DROP_STALE : FLIP_DROP_DUP);
}

/*
 * Send the request fragments the engine lets go now.  uh.lock held,
 * dropped around each packet.
 */
static void send_request(struct uh_trans *tr, const struct am_hdr *hdr,
			 const u8 *data)
{
	struct flip_link link;
	struct flip_pkt p;
	u32 off, len;
	bool more, last;

	if (!tr->ft.req.frag)
		flip_tx_size(&tr->ft.req,
			     uh_frag_size(FLIP_RPC_REQUEST, tr->ft.req.total));
	for (;;) {
		/* The server may have moved meanwhile: then stop. */
		more = tr->ft.state == FLIP_TRANS_REQUEST &&
		       flip_tx_next(&tr->ft.req, &off, &len);
		if (more) {
			uh_pkt_init(&p, FLIP_UNIDATA, tr->ft.server,
				     FLIP_RPC_REQUEST, &tr->ft.port,
				     tr->ft.tid);
			p.fh.messid = tr->messid;
			p.fh.offset = off;
			p.fh.total = tr->ft.req.total;
			p.rh.ack = uh.acked;
			if (off < tr->ft.req.high)
				p.rh.flags |= FLIP_RPC_F_RETRANS;
			if (flip_tx_asks(&tr->ft.req))
				p.rh.flags |= FLIP_RPC_F_ASK;
			p.ah = *hdr;
			p.datalen = len;
			link = tr->ft.link;
		}
		/* The last of the burst (most often the only one): time it. */
		last = !more || !flip_tx_more(&tr->ft.req);
		if (last)
			flip_trans_sent(&tr->ft, uh_now());
		if (!more)
			return;
		pthread_mutex_unlock(&uh.lock);
		uh_send(&link, &p, data + off);
		pthread_mutex_lock(&uh.lock);
		if (last)
			return;
	}
}

static void send_locate(struct uh_trans *tr)
{
	struct flip_pkt p;

	uh_pkt_init(&p, FLIP_MULTIDATA, FLIP_ADDR_BROADCAST, FLIP_RPC_LOCATE,
		     &tr->ft.port, tr->ft.tid);
	uh_broadcast(&p);
}

/* The client gives up on a call the server may hold: say so. */
static void send_abort(struct uh_trans *tr)
{
	struct flip_pkt p;

	uh_pkt_init(&p, FLIP_UNIDATA, tr->ft.server, FLIP_RPC_ABORT,
		     &tr->ft.port, tr->ft.tid);
	uh_send(&tr->ft.link, &p, NULL);
}

static int32_t trans_fail(const struct uh_trans *tr, u64 ms)
{
	char port[AM_PORT_TEXTLEN + 1], peer[32], hint[64];

	am_port_format(&tr->ft.port, port, sizeof(port));
	switch (tr->ft.result) {
	case FLIP_RES_NOTFOUND:
		return am_fail(RPC_NOTFOUND,
			       "no server for port %s answered LOCATE in %" PRIu64 " ms (%s transport%s)",
			       port, ms, uh.link->name,
			       uh.link->locate_hint(hint, sizeof(hint)));
	case FLIP_RES_TIMEOUT:
		return am_fail(RPC_FAILURE,
			       "no reply from the server of port %s at %s in %" PRIu64 " ms",
			       port, uh_link_name(&tr->ft.link, peer,
						   sizeof(peer)), ms);
	case FLIP_RES_GONE:
		return am_fail(RPC_FAILURE,
			       "the server of port %s at %s is gone or refused the call",
			       port, uh_link_name(&tr->ft.link, peer,
						   sizeof(peer)));
	default:
		return am_fail(RPC_ABORTED, "trans aborted");
	}
}

int32_t uh_trans(const struct am_hdr *reqhdr, const void *req,
		  size_t reqlen, struct am_hdr *rephdr, void *rep,
		  size_t replen, uint32_t ms)
{
	u64 timeout = ms ? ms * 1000000ULL : uh.timeout_ns;
	struct uh_trans tr = {
		.rep = rep,
		.room = (u32)replen,
	};
	const struct flip_pcache_ent *e;
	struct flip_pcache_ent cached;
	unsigned int act;
	u64 now;

	if (flip_port_null(&reqhdr->h_port))
		return am_fail(RPC_BADPORT, "trans: null port");
	uh_cond_init(&tr.wait);
	tr.messid = __atomic_add_fetch(&uh.messid, 1, __ATOMIC_RELAXED);

	pthread_mutex_lock(&uh.lock);
	now = uh_now();
	e = flip_pcache_lookup(&uh.pcache, &reqhdr->h_port, now);
	if (e)
		cached = *e;
	act = flip_trans_start(&tr.ft, &reqhdr->h_port, uh.next_tid++,
			       (u32)reqlen, e ? &cached : NULL, now, timeout,
			       &flip_timing_default);
	TAILQ_INSERT_TAIL(&uh.trans, &tr, node);
	for (;;) {
		if (act & FLIP_ACT_FORGET)
			flip_pcache_forget(&uh.pcache, &tr.ft.port,
					   tr.ft.moved);
		if (act & FLIP_ACT_LOCATE)
			send_locate(&tr);
		if (act & FLIP_ACT_REQUEST)
			send_request(&tr, reqhdr, req);
		if (tr.ft.state == FLIP_TRANS_DONE)
			break;
		if (!tr.pending_act)
			uh_wait(&tr.wait, flip_trans_expiry(&tr.ft));
		act = flip_trans_expire(&tr.ft, uh_now()) | tr.pending_act;
		tr.pending_act = 0;
	}
	TAILQ_REMOVE(&uh.trans, &tr, node);
	/* Over, whatever the outcome: the next request says so. */
	uh.acked = tr.ft.tid;
	if (tr.ft.result == FLIP_RES_OK)
		flip_pcache_confirm(&uh.pcache, &tr.ft.port, tr.ft.server,
				    tr.ft.rtt_sample, uh_now());
	else if (tr.ft.result == FLIP_RES_GONE ||
		 tr.ft.result == FLIP_RES_TIMEOUT)
		flip_pcache_forget(&uh.pcache, &tr.ft.port, tr.ft.server);
	pthread_mutex_unlock(&uh.lock);
	pthread_cond_destroy(&tr.wait);

	if (tr.ft.result != FLIP_RES_OK) {
		if (tr.ft.server && tr.ft.result != FLIP_RES_GONE)
			send_abort(&tr);
		return trans_fail(&tr, timeout / 1000000ULL);
	}
	*rephdr = tr.ft.rephdr;
	return (int32_t)(tr.replen < tr.room ? tr.replen : tr.room);
}
