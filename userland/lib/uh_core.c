// SPDX-License-Identifier: GPL-2.0
/*
 * The core of the user-space host: the process's FLIP address, building
 * packets and handing them to the link, and dispatching the packets the
 * link receives to the client and server halves.  Settings shared by
 * every link:
 *
 *   trans_timeout_ms  default trans and putrep timeout (default 5000)
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "uh.h"

struct uh_host uh = {
	.lock	= PTHREAD_MUTEX_INITIALIZER,
};

u64 uh_now(void)
{
	struct timespec ts;

	if (uh.link && uh.link->now)
		return uh.link->now();
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (u64)ts.tv_sec * 1000000000ULL + (u64)ts.tv_nsec;
}

void uh_drop(enum flip_drop why)
{
	uh.drops[why]++;
}

void uh_cond_init(pthread_cond_t *c)
{
	pthread_condattr_t attr;

	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(c, &attr);
	pthread_condattr_destroy(&attr);
}

void uh_cond_wait(pthread_cond_t *c, u64 until)
{
	struct timespec ts;

	if (!until) {
		pthread_cond_wait(c, &uh.lock);
		return;
	}
	ts.tv_sec = (time_t)(until / 1000000000ULL);
	ts.tv_nsec = (long)(until % 1000000000ULL);
	pthread_cond_timedwait(c, &uh.lock, &ts);
}

void uh_wait(pthread_cond_t *c, u64 until)
{
	uh.link->wait(c, until);
}

const char *uh_link_name(const struct flip_link *link, char *buf, size_t len)
{
	return uh.link->link_name(link, buf, len);
}

void uh_pkt_init(struct flip_pkt *p, u8 ftype, u64 dst, u8 rtype,
		 const struct am_port *port, u32 tid)
{
	memset(p, 0, sizeof(*p));
	p->fh.type = ftype;
	p->fh.max_hop = FLIP_HOPS_DEFAULT;
	p->fh.dst = dst;
	p->fh.src = uh.addr;
	p->fh.messid = __atomic_add_fetch(&uh.messid, 1, __ATOMIC_RELAXED);
	p->rh.type = rtype;
	p->rh.port = *port;
	p->rh.tid = tid;
}

/*
 * Send @p with its p->datalen bytes at @data, as one packet: 0, or
 * -errno.  The data goes from the caller's memory to the link, which
 * copies it at most once.  A full queue is a loss; retransmission mends
 * it.
 */
int uh_send(const struct flip_link *to, const struct flip_pkt *p,
	    const void *data)
{
	u8 hdrs[FLIP_RPC_DATA_OFF + FLIP_FLOW_LEN];
	size_t hlen = flip_write(hdrs, p);

	return uh.link->send(to, hdrs, hlen, data, p->datalen);
}

/* Send a packet built before, such as a kept reply. */
void uh_send_raw(const struct flip_link *to, const void *buf, size_t len)
{
	uh.link->send(to, buf, len, NULL, 0);
}

/* A header-only control packet back to where @pkt came from. */
void uh_answer(const struct flip_pkt *pkt, const struct flip_link *to,
	       u8 ftype, u8 rtype, u8 rflags)
{
	struct flip_pkt p;

	uh_pkt_init(&p, ftype, pkt->fh.src, rtype, &pkt->rh.port,
		    pkt->rh.tid);
	/* A NOTHERE comes from the address that is not there. */
	if (ftype == FLIP_NOTHERE)
		p.fh.src = pkt->fh.dst;
	p.rh.flags = rflags;
	uh_send(to, &p, NULL);
}

/* Tell the sender of a message how far it has got (RECEIVED). */
void uh_send_flow(u64 dst, const struct flip_link *to,
		  const struct am_port *port, u32 tid, u8 rflags,
		  const struct flip_flow *fl)
{
	struct flip_pkt p;

	uh_pkt_init(&p, FLIP_UNIDATA, dst, FLIP_RPC_RECEIVED, port, tid);
	p.rh.flags = rflags | (fl->answer ? FLIP_RPC_F_ASK : 0);
	p.fl = *fl;
	uh_send(to, &p, NULL);
}

void uh_broadcast(const struct flip_pkt *p)
{
	u8 hdrs[FLIP_RPC_DATA_OFF + FLIP_FLOW_LEN];

	uh.link->broadcast(hdrs, flip_write(hdrs, p));
}

/*
 * Data bytes per fragment of an @rpc_type message of @total bytes, as
 * amoeba.ko: a message that fits the link's smallest packet goes whole.
 */
u32 uh_frag_size(u8 rpc_type, u32 total)
{
	u32 room = uh.mtu_min - (u32)flip_hdrs_len(rpc_type, 0);

	if (total <= room)
		return room;
	return uh.mtu - (u32)flip_hdrs_len(rpc_type, 0);
}

/* One valid packet, uh.lock held. */
static void uh_rcv(const struct flip_pkt *pkt, const struct flip_link *from)
{
	if (pkt->fh.dst == FLIP_ADDR_BROADCAST) {
		if (pkt->fh.type != FLIP_MULTIDATA)
			uh_drop(FLIP_DROP_TYPE);
		else if (pkt->rh.type == FLIP_RPC_LOCATE)
			uh_rcv_locate(pkt, from);
		else
			uh_drop(FLIP_DROP_RPCTYPE);
		return;
	}
	if (pkt->fh.type != FLIP_UNIDATA && pkt->fh.type != FLIP_NOTHERE) {
		uh_drop(FLIP_DROP_TYPE);
		return;
	}
	if (pkt->fh.dst != uh.addr) {
		/* An earlier process on this link address, or a stray. */
		uh_drop(FLIP_DROP_NOSOCK);
		if (flip_tell_nothere(pkt))
			uh_answer(pkt, from, FLIP_NOTHERE, pkt->rh.type, 0);
		return;
	}
	if (pkt->fh.type == FLIP_NOTHERE) {
		if (pkt->rh.type == FLIP_RPC_REPLY)
			uh_rcv_reply_flow(pkt);
		else
			uh_rcv_client(pkt, from);
		return;
	}
	switch (pkt->rh.type) {
	case FLIP_RPC_REQUEST:
		uh_rcv_request(pkt, from);
		break;
	case FLIP_RPC_ABORT:
		uh_rcv_abort(pkt);
		break;
	case FLIP_RPC_RECEIVED:
		if (pkt->rh.flags & FLIP_RPC_F_REQUEST)
			uh_rcv_client(pkt, from);
		else
			uh_rcv_reply_flow(pkt);
		break;
	case FLIP_RPC_ACK:
		if (pkt->rh.flags & FLIP_RPC_F_REQUEST)
			uh_rcv_client(pkt, from);
		else
			uh_drop(FLIP_DROP_RPCTYPE);
		break;
	case FLIP_RPC_HEREIS:
	case FLIP_RPC_REPLY:
	case FLIP_RPC_FAIL:
		uh_rcv_client(pkt, from);
		break;
	default:
		uh_drop(FLIP_DROP_RPCTYPE);
		break;
	}
}

void uh_input(const void *buf, size_t len, const struct flip_link *from)
{
	struct flip_pkt pkt;
	enum flip_drop why;

	why = flip_parse(buf, len, &pkt);
	if (why)
		uh_drop(why);
	else
		uh_rcv(&pkt, from);
}

int32_t uh_setting(const char *tp, const char *key, unsigned long lo,
		   unsigned long hi, unsigned long def, unsigned long *v)
{
	const char *s = am_config(key);
	char *end;

	*v = def;
	if (!s)
		return 0;
	errno = 0;
	*v = strtoul(s, &end, 10);
	if (errno || end == s || *end || *s == '-' || *v < lo || *v > hi)
		return am_fail(RPC_FAILURE,
			       "%s transport: %s \"%s\": expected a number from %lu to %lu",
			       tp, key, s, lo, hi);
	return 0;
}

/*
 * The address, the caches and the default timeout, once the link is
 * ready to send; packets may be dispatched from then on.
 */
int32_t uh_init(const struct uh_link *link, u32 mtu, u32 mtu_min)
{
	unsigned long ms;
	int32_t err;

	err = uh_setting(link->name, "trans_timeout_ms", 1, UINT_MAX,
			 UH_TIMEOUT_MS, &ms);
	if (err)
		return err;
	uh.timeout_ns = ms * 1000000ULL;
	uh.mtu = mtu;
	uh.mtu_min = mtu_min;
	do {
		if (getrandom(&uh.addr, sizeof(uh.addr), 0) !=
		    sizeof(uh.addr))
			return am_fail(RPC_FAILURE,
				       "%s transport: getrandom: %s",
				       link->name, strerror(errno));
	} while (uh.addr == FLIP_ADDR_BROADCAST);
	uh.next_tid = (u32)(uh.addr >> 32);
	TAILQ_INIT(&uh.trans);
	flip_pcache_init(&uh.pcache, uh.pcache_ent, UH_PCACHE_SIZE,
			 60ULL * 1000000000ULL);
	uh_server_init();
	uh.link = link;
	return 0;
}
