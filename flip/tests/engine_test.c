// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the FLIP engine: codec, port cache, client transaction and
 * duplicate filter, driven with a fake clock.  Included by a harness; see
 * engine_test.h.
 */
#include "../flip.h"
#include "engine_test.h"

static const struct am_port ft_port = { { 1, 2, 3, 4, 5, 6 } };
static const struct am_port ft_port2 = { { 9, 8, 7, 6, 5, 4 } };

static size_t ft_build_request(u8 *buf, const u8 *data, u32 len)
{
	struct flip_pkt p;
	size_t hlen;

	memset(&p, 0, sizeof(p));
	p.fh.type = FLIP_UNIDATA;
	p.fh.max_hop = 3;
	p.fh.dst = 0x1122334455667788ULL;
	p.fh.src = 0x0102030405060708ULL;
	p.fh.messid = 77;
	p.rh.type = FLIP_RPC_REQUEST;
	p.rh.flags = FLIP_RPC_F_RETRANS;
	p.rh.port = ft_port;
	p.rh.tid = 0xdeadbeef;
	p.rh.ack = 0xdeadbeee;
	p.ah.h_port = ft_port;
	p.ah.h_priv.prv_rights = 0xff;
	p.ah.h_command = 2006;
	p.ah.h_offset = -5;
	p.ah.h_size = 4321;
	p.ah.h_extra = 0xbeef;
	p.datalen = len;
	hlen = flip_write(buf, &p);
	memcpy(buf + hlen, data, len);
	return hlen + len;
}

FT_TEST(wire_request_round_trip)
{
	u8 buf[256];
	u8 data[5] = { 'h', 'e', 'l', 'l', 'o' };
	struct flip_pkt p;
	size_t len = ft_build_request(buf, data, sizeof(data));

	FT_EQ(len, FLIP_RPC_DATA_OFF + 5);
	FT_EQ(flip_parse(buf, len, &p), FLIP_DROP_NONE);
	FT_EQ(p.fh.type, FLIP_UNIDATA);
	FT_EQ(p.fh.dst, 0x1122334455667788ULL);
	FT_EQ(p.fh.src, 0x0102030405060708ULL);
	FT_EQ(p.fh.messid, 77);
	FT_EQ(p.fh.length, len - FLIP_HDR_LEN);
	FT_EQ(p.rh.type, FLIP_RPC_REQUEST);
	FT_EQ(p.rh.flags, FLIP_RPC_F_RETRANS);
	FT_EQ(p.rh.tid, 0xdeadbeef);
	FT_EQ(p.rh.ack, 0xdeadbeee);
	FT_TRUE(am_port_eq(&p.rh.port, &ft_port));
	FT_TRUE(am_port_eq(&p.ah.h_port, &ft_port));
	FT_EQ(p.ah.h_priv.prv_rights, 0xff);
	FT_EQ(p.ah.h_command, 2006);
	FT_EQ(p.ah.h_offset, -5);
	FT_EQ(p.ah.h_size, 4321);
	FT_EQ(p.ah.h_extra, 0xbeef);
	FT_EQ(p.datalen, 5);
	FT_TRUE(!memcmp(p.data, data, 5));
	/* Big-endian on the wire whatever the host: tid at 48, command at 78. */
	FT_EQ(buf[FLIP_HDR_LEN + 8], 0xde);
	FT_EQ(buf[FLIP_HDR_LEN + FLIP_RPC_HDR_LEN + 22], 2006 >> 8);
	/* Link padding after the packet is ignored. */
	FT_EQ(flip_parse(buf, len + 20, &p), FLIP_DROP_NONE);
	FT_EQ(p.datalen, 5);
}

FT_TEST(wire_control_round_trip)
{
	struct flip_pkt p, q;
	u8 buf[128];
	size_t len;

	memset(&p, 0, sizeof(p));
	p.fh.type = FLIP_MULTIDATA;
	p.fh.max_hop = 1;
	p.fh.src = 42;
	p.rh.type = FLIP_RPC_LOCATE;
	p.rh.port = ft_port2;
	len = flip_write(buf, &p);
	FT_EQ(len, FLIP_HDR_LEN + FLIP_RPC_HDR_LEN);
	FT_EQ(flip_hdrs_len(FLIP_RPC_LOCATE), len);
	FT_EQ(flip_parse(buf, len, &q), FLIP_DROP_NONE);
	FT_EQ(q.fh.dst, FLIP_ADDR_BROADCAST);
	FT_EQ(q.rh.type, FLIP_RPC_LOCATE);
	FT_TRUE(am_port_eq(&q.rh.port, &ft_port2));
	FT_EQ(q.datalen, 0);
	FT_EQ(q.ah.h_command, 0);
}

FT_TEST(wire_rejects_bad_packets)
{
	u8 good[256], buf[256];
	struct flip_pkt p;
	size_t len = ft_build_request(good, (const u8 *)"abc", 3);

#define FT_MUTATE(off, val, why) do {				\
		memcpy(buf, good, len);				\
		buf[off] = (val);				\
		FT_EQ(flip_parse(buf, len, &p), why);		\
	} while (0)
	FT_MUTATE(0, 2, FLIP_DROP_VERSION);
	FT_MUTATE(1, 0, FLIP_DROP_TYPE);
	FT_MUTATE(1, 7, FLIP_DROP_TYPE);
	FT_MUTATE(31, 0xff, FLIP_DROP_LENGTH);		/* length > frame */
	FT_MUTATE(35, 1, FLIP_DROP_FRAGMENT);		/* offset != 0 */
	FT_MUTATE(39, 0, FLIP_DROP_FRAGMENT);		/* total != length */
	FT_MUTATE(5, 4, FLIP_DROP_HOPS);		/* act_hop > max_hop */
	FT_MUTATE(7, 99, FLIP_DROP_HOPS);		/* max_hop > limit */
	FT_MUTATE(FLIP_HDR_LEN, 0, FLIP_DROP_RPCTYPE);
	FT_MUTATE(FLIP_HDR_LEN, 99, FLIP_DROP_RPCTYPE);
#undef FT_MUTATE
	/* A broadcast address is never a source. */
	memcpy(buf, good, len);
	memset(buf + 16, 0, 8);
	FT_EQ(flip_parse(buf, len, &p), FLIP_DROP_NOTFORUS);
}

/* Every prefix of a valid packet, and every shorter length field, fails. */
FT_TEST(wire_truncations_all_rejected)
{
	u8 good[256], buf[256];
	struct flip_pkt p;
	size_t len = ft_build_request(good, (const u8 *)"", 0);
	size_t i;

	for (i = 0; i < len; i++)
		FT_TRUE(flip_parse(good, i, &p) != FLIP_DROP_NONE);
	for (i = 0; i < len - FLIP_HDR_LEN; i++) {
		memcpy(buf, good, len);
		buf[31] = i;	/* length */
		buf[39] = i;	/* total */
		FT_EQ(flip_parse(buf, len, &p), FLIP_DROP_SHORT);
	}
}

FT_TEST(pcache_enter_lookup_expire)
{
	struct flip_pcache_ent ents[8];
	struct flip_pcache pc;
	struct flip_link l = { .ifindex = 3, .lladdr = { 0xaa } };
	const struct flip_pcache_ent *e;

	flip_pcache_init(&pc, ents, 8, 1000);
	FT_TRUE(!flip_pcache_lookup(&pc, &ft_port, 0));
	flip_pcache_enter(&pc, &ft_port, 55, &l, 0, 100);
	e = flip_pcache_lookup(&pc, &ft_port, 600);
	FT_TRUE(e != NULL);
	if (e) {
		FT_EQ(e->addr, 55);
		FT_EQ(e->link.ifindex, 3);
		FT_EQ(e->link.lladdr[0], 0xaa);
	}
	FT_TRUE(!flip_pcache_lookup(&pc, &ft_port2, 600));
	/* Re-entering refreshes the same slot rather than adding one. */
	flip_pcache_enter(&pc, &ft_port, 56, &l, 0, 1000);
	e = flip_pcache_lookup(&pc, &ft_port, 1900);
	FT_TRUE(e && e->addr == 56);
	FT_TRUE(!flip_pcache_lookup(&pc, &ft_port, 2001));
	/* Expired stays expired. */
	FT_TRUE(!flip_pcache_lookup(&pc, &ft_port, 1500));
}

FT_TEST(pcache_lru_and_forget)
{
	struct flip_pcache_ent ents[FLIP_PCACHE_WAYS];
	struct flip_link l = { 0 };
	struct flip_pcache pc;
	struct am_port ports[FLIP_PCACHE_WAYS + 1];
	int i;

	/* One set: the fifth port must push out the oldest. */
	flip_pcache_init(&pc, ents, FLIP_PCACHE_WAYS, 1000000);
	for (i = 0; i <= FLIP_PCACHE_WAYS; i++) {
		memset(&ports[i], 0, sizeof(ports[i]));
		ports[i].p[0] = i + 1;
	}
	for (i = 0; i < FLIP_PCACHE_WAYS; i++)
		flip_pcache_enter(&pc, &ports[i], 100 + i, &l, 0, 10 + i);
	flip_pcache_enter(&pc, &ports[0], 100, &l, 0, 50);	/* refresh port 0 */
	flip_pcache_enter(&pc, &ports[FLIP_PCACHE_WAYS], 200, &l, 0, 60);
	FT_TRUE(flip_pcache_lookup(&pc, &ports[0], 70) != NULL);
	FT_TRUE(!flip_pcache_lookup(&pc, &ports[1], 70));
	FT_TRUE(flip_pcache_lookup(&pc, &ports[FLIP_PCACHE_WAYS], 70) != NULL);

	flip_pcache_forget(&pc, &ports[2], 999);	/* other address: kept */
	FT_TRUE(flip_pcache_lookup(&pc, &ports[2], 70) != NULL);
	flip_pcache_forget(&pc, &ports[2], 102);
	FT_TRUE(!flip_pcache_lookup(&pc, &ports[2], 70));
	FT_TRUE(flip_pcache_lookup(&pc, &ports[0], 70) != NULL);
}

static void ft_pkt(struct flip_pkt *p, u8 ftype, u8 rtype, u64 src, u32 tid,
		   const struct am_port *port)
{
	memset(p, 0, sizeof(*p));
	p->fh.type = ftype;
	p->fh.src = src;
	p->rh.type = rtype;
	p->rh.tid = tid;
	p->rh.port = *port;
}

FT_TEST(trans_locate_then_reply)
{
	const struct flip_timing *tm = &flip_timing_default;
	struct flip_link from = { .ifindex = 2 };
	struct flip_trans t;
	struct flip_pkt p;

	FT_EQ(flip_trans_start(&t, &ft_port, 7, NULL, 0, 1000 * FT_MS, tm),
	      FLIP_ACT_LOCATE);
	FT_EQ(flip_trans_expiry(&t), tm->locate_interval);
	FT_EQ(flip_trans_expire(&t, tm->locate_interval - 1), 0);
	FT_EQ(flip_trans_expire(&t, tm->locate_interval), FLIP_ACT_LOCATE);

	ft_pkt(&p, FLIP_UNIDATA, FLIP_RPC_HEREIS, 99, 0, &ft_port);
	FT_EQ(flip_trans_input(&t, &p, &from, 150 * FT_MS), FLIP_ACT_REQUEST);
	FT_EQ(t.server, 99);
	FT_EQ(t.link.ifindex, 2);
	FT_EQ(t.sends, 1);
	/* A second HEREIS (another server) changes nothing. */
	ft_pkt(&p, FLIP_UNIDATA, FLIP_RPC_HEREIS, 98, 0, &ft_port);
	FT_EQ(flip_trans_input(&t, &p, &from, 151 * FT_MS), 0);
	FT_EQ(t.server, 99);

	ft_pkt(&p, FLIP_UNIDATA, FLIP_RPC_REPLY, 99, 7, &ft_port);
	FT_EQ(flip_trans_input(&t, &p, &from, 152 * FT_MS), FLIP_ACT_DONE);
	FT_EQ(t.result, FLIP_RES_OK);
	FT_EQ(flip_trans_expiry(&t), 0);
	/* Done is final: duplicates and timers are ignored. */
	FT_EQ(flip_trans_input(&t, &p, &from, 153 * FT_MS), 0);
	FT_EQ(flip_trans_expire(&t, 5000 * FT_MS), 0);
}

FT_TEST(trans_cached_retransmit_backoff)
{
	const struct flip_timing *tm = &flip_timing_default;
	struct flip_pcache_ent c = { .addr = 5 };
	struct flip_trans t;
	u64 now = 0, prev_wait = 0;
	int i;

	FT_EQ(flip_trans_start(&t, &ft_port, 1, &c, now, 60000 * FT_MS, tm),
	      FLIP_ACT_REQUEST);
	FT_EQ(t.server, 5);
	for (i = 0; i < 12; i++) {
		u64 wait = t.timer - now;

		FT_TRUE(wait >= prev_wait);
		FT_TRUE(wait <= tm->rto_max);
		prev_wait = wait;
		now = t.timer;
		FT_EQ(flip_trans_expire(&t, now), FLIP_ACT_REQUEST);
	}
	FT_EQ(t.sends, 13);
	FT_EQ(t.timer - now, tm->rto_max);
}

FT_TEST(trans_deadlines)
{
	const struct flip_timing *tm = &flip_timing_default;
	struct flip_pcache_ent c = { .addr = 5 };
	struct flip_trans t;

	flip_trans_start(&t, &ft_port, 1, NULL, 0, 250 * FT_MS, tm);
	FT_EQ(flip_trans_expire(&t, 250 * FT_MS), FLIP_ACT_DONE);
	FT_EQ(t.result, FLIP_RES_NOTFOUND);

	flip_trans_start(&t, &ft_port, 1, &c, 0, 250 * FT_MS, tm);
	FT_EQ(flip_trans_expiry(&t), tm->rto_initial);
	FT_EQ(flip_trans_expire(&t, 300 * FT_MS), FLIP_ACT_DONE);
	FT_EQ(t.result, FLIP_RES_TIMEOUT);

	flip_trans_start(&t, &ft_port, 1, &c, 0, 250 * FT_MS, tm);
	flip_trans_abort(&t);
	FT_EQ(t.state, FLIP_TRANS_DONE);
	FT_EQ(t.result, FLIP_RES_ABORTED);
}

FT_TEST(trans_ignores_strangers)
{
	const struct flip_timing *tm = &flip_timing_default;
	struct flip_pcache_ent c = { .addr = 5 };
	struct flip_link from = { 0 };
	struct flip_trans t;
	struct flip_pkt p;

	flip_trans_start(&t, &ft_port, 1, NULL, 0, 1000 * FT_MS, tm);
	ft_pkt(&p, FLIP_UNIDATA, FLIP_RPC_HEREIS, 9, 0, &ft_port2);
	FT_EQ(flip_trans_input(&t, &p, &from, 1), 0);	/* other port */
	ft_pkt(&p, FLIP_UNIDATA, FLIP_RPC_REPLY, 9, 1, &ft_port);
	FT_EQ(flip_trans_input(&t, &p, &from, 1), 0);	/* reply unasked */

	flip_trans_start(&t, &ft_port, 1, &c, 0, 1000 * FT_MS, tm);
	ft_pkt(&p, FLIP_UNIDATA, FLIP_RPC_REPLY, 6, 1, &ft_port);
	FT_EQ(flip_trans_input(&t, &p, &from, 1), 0);	/* other server */
	ft_pkt(&p, FLIP_UNIDATA, FLIP_RPC_REPLY, 5, 2, &ft_port);
	FT_EQ(flip_trans_input(&t, &p, &from, 1), 0);	/* other tid */
	ft_pkt(&p, FLIP_NOTHERE, FLIP_RPC_REQUEST, 5, 2, &ft_port);
	FT_EQ(flip_trans_input(&t, &p, &from, 1), 0);	/* other tid */
	FT_EQ(t.state, FLIP_TRANS_REQUEST);
}

FT_TEST(trans_busy_server_and_gone)
{
	const struct flip_timing *tm = &flip_timing_default;
	struct flip_pcache_ent c = { .addr = 5 };
	struct flip_link from = { 0 };
	struct flip_trans t;
	struct flip_pkt p;
	int i;

	flip_trans_start(&t, &ft_port, 3, &c, 0, 100000 * FT_MS, tm);
	ft_pkt(&p, FLIP_UNIDATA, FLIP_RPC_ACK, 5, 3, &ft_port);
	FT_EQ(flip_trans_input(&t, &p, &from, 10 * FT_MS), 0);
	FT_TRUE(t.busy);
	FT_EQ(t.timer, tm->rto_initial);	/* the schedule is kept */
	/* Polls back off to the enquire interval, and no further. */
	for (i = 0; i < 20; i++)
		FT_EQ(flip_trans_expire(&t, t.timer), FLIP_ACT_REQUEST);
	FT_EQ(t.timer - t.sent_at, tm->enquire_interval);

	/* It said it was executing: a NOTHERE now means it died. */
	ft_pkt(&p, FLIP_NOTHERE, FLIP_RPC_REQUEST, 5, 3, &ft_port);
	FT_EQ(flip_trans_input(&t, &p, &from, 2000 * FT_MS), FLIP_ACT_DONE);
	FT_EQ(t.result, FLIP_RES_GONE);

	flip_trans_start(&t, &ft_port, 4, &c, 0, 10000 * FT_MS, tm);
	ft_pkt(&p, FLIP_UNIDATA, FLIP_RPC_FAIL, 5, 4, &ft_port);
	FT_EQ(flip_trans_input(&t, &p, &from, 1), FLIP_ACT_DONE);
	FT_EQ(t.result, FLIP_RES_GONE);
}

/* A server that moved is located again, unless the request may have run. */
FT_TEST(trans_relocates_a_moved_server)
{
	const struct flip_timing *tm = &flip_timing_default;
	struct flip_pcache_ent c = { .addr = 5, .rtt = { 4 * FT_MS, FT_MS } };
	struct flip_link from = { 0 };
	struct flip_trans t;
	struct flip_pkt p;

	flip_trans_start(&t, &ft_port, 3, &c, 0, 10000 * FT_MS, tm);
	ft_pkt(&p, FLIP_NOTHERE, FLIP_RPC_REQUEST, 5, 3, &ft_port);
	FT_EQ(flip_trans_input(&t, &p, &from, FT_MS),
	      FLIP_ACT_FORGET | FLIP_ACT_LOCATE);
	FT_EQ(t.state, FLIP_TRANS_LOCATE);
	FT_EQ(t.moved, 5);
	FT_EQ(t.rtt.srtt, 0);
	ft_pkt(&p, FLIP_UNIDATA, FLIP_RPC_HEREIS, 6, 3, &ft_port);
	FT_EQ(flip_trans_input(&t, &p, &from, 2 * FT_MS), FLIP_ACT_REQUEST);
	FT_EQ(t.server, 6);
	FT_EQ(t.sends, 1);
	/* The new address vanishes too, but after a retransmission. */
	FT_EQ(flip_trans_expire(&t, t.timer), FLIP_ACT_REQUEST);
	ft_pkt(&p, FLIP_NOTHERE, FLIP_RPC_REQUEST, 6, 3, &ft_port);
	FT_EQ(flip_trans_input(&t, &p, &from, t.timer), FLIP_ACT_DONE);
	FT_EQ(t.result, FLIP_RES_GONE);
}

FT_TEST(rtt_estimate_and_rto)
{
	const struct flip_timing *tm = &flip_timing_default;
	struct flip_rtt r = { 0 };
	int i;

	FT_EQ(flip_rto(&r, tm), tm->rto_initial);
	flip_rtt_sample(&r, 8 * FT_MS);
	FT_EQ(r.srtt, 8 * FT_MS);
	FT_EQ(r.rttvar, 4 * FT_MS);
	FT_EQ(flip_rto(&r, tm), 24 * FT_MS);
	/* Steady samples pull the deviation, and so the rto, down. */
	for (i = 0; i < 50; i++)
		flip_rtt_sample(&r, 8 * FT_MS);
	FT_EQ(r.srtt, 8 * FT_MS);
	FT_TRUE(r.rttvar < FT_MS / 100);
	FT_TRUE(flip_rto(&r, tm) < 9 * FT_MS);
	/* Clamped at both ends. */
	r.srtt = 1000;
	r.rttvar = 0;
	FT_EQ(flip_rto(&r, tm), tm->rto_min);
	r.srtt = 10000 * FT_MS;
	FT_EQ(flip_rto(&r, tm), tm->rto_max);
}

FT_TEST(trans_measures_round_trips)
{
	const struct flip_timing *tm = &flip_timing_default;
	struct flip_pcache_ent c = { .addr = 5 };
	struct flip_link from = { 0 };
	struct flip_trans t;
	struct flip_pkt p;

	/* Located: the HEREIS times the round trip from the first LOCATE. */
	flip_trans_start(&t, &ft_port, 1, NULL, 0, 10000 * FT_MS, tm);
	FT_EQ(flip_trans_expire(&t, 100 * FT_MS), FLIP_ACT_LOCATE);
	ft_pkt(&p, FLIP_UNIDATA, FLIP_RPC_HEREIS, 5, 1, &ft_port);
	FT_EQ(flip_trans_input(&t, &p, &from, 103 * FT_MS), FLIP_ACT_REQUEST);
	FT_EQ(t.rtt_sample, 103 * FT_MS);
	FT_EQ(t.timer, 103 * FT_MS + 309 * FT_MS);	/* 103 + 4 * 51.5 */
	ft_pkt(&p, FLIP_UNIDATA, FLIP_RPC_REPLY, 5, 1, &ft_port);
	flip_trans_input(&t, &p, &from, 105 * FT_MS);
	FT_EQ(t.rtt_sample, 2 * FT_MS);

	/* A cached estimate sets the first retransmission... */
	c.rtt.srtt = 4 * FT_MS;
	c.rtt.rttvar = FT_MS;
	flip_trans_start(&t, &ft_port, 2, &c, 0, 10000 * FT_MS, tm);
	FT_EQ(t.timer, 8 * FT_MS);
	FT_EQ(flip_trans_expire(&t, 8 * FT_MS), FLIP_ACT_REQUEST);
	FT_EQ(t.timer, 24 * FT_MS);		/* doubled */
	/* ...and a reply to a retransmitted request measures nothing. */
	ft_pkt(&p, FLIP_UNIDATA, FLIP_RPC_REPLY, 5, 2, &ft_port);
	flip_trans_input(&t, &p, &from, 9 * FT_MS);
	FT_EQ(t.result, FLIP_RES_OK);
	FT_EQ(t.rtt_sample, 0);
}

FT_TEST(pcache_keeps_rtt_per_server)
{
	struct flip_pcache_ent ents[8];
	struct flip_link l = { 0 };
	struct flip_pcache pc;
	const struct flip_pcache_ent *e;

	flip_pcache_init(&pc, ents, 8, 1000000);
	flip_pcache_enter(&pc, &ft_port, 7, &l, 4000, 0);
	flip_pcache_confirm(&pc, &ft_port, 7, 4000, 0);
	flip_pcache_confirm(&pc, &ft_port, 8, 999999, 0);	/* other server */
	e = flip_pcache_lookup(&pc, &ft_port, 1);
	FT_TRUE(e && e->rtt.srtt == 4000 && e->rtt.rttvar == 1500);
	/* Same server again: the estimate continues. */
	flip_pcache_enter(&pc, &ft_port, 7, &l, 0, 2);
	e = flip_pcache_lookup(&pc, &ft_port, 3);
	FT_TRUE(e && e->rtt.srtt == 4000);
	/* Confirmation keeps an entry alive past its ttl from entry. */
	flip_pcache_confirm(&pc, &ft_port, 7, 0, 900000);
	FT_TRUE(flip_pcache_lookup(&pc, &ft_port, 1500000) != NULL);
	/* The port moved: its estimate starts over. */
	flip_pcache_enter(&pc, &ft_port, 9, &l, 0, 4);
	e = flip_pcache_lookup(&pc, &ft_port, 5);
	FT_TRUE(e && e->addr == 9 && e->rtt.srtt == 0);
}

static int ft_dropped;

static void ft_drop_reply(void *reply)
{
	ft_dropped++;
}

FT_TEST(dedup_at_most_once)
{
	struct flip_dedup_ent ents[2 * FLIP_DEDUP_WAYS];
	struct flip_dedup d;
	struct flip_dedup_ent *e, *e2;
	static int reply;

	ft_dropped = 0;
	flip_dedup_init(&d, ents, 2 * FLIP_DEDUP_WAYS, 1000, ft_drop_reply);
	FT_EQ(flip_dedup_request(&d, 10, 1, 0, &e), FLIP_NEW);
	FT_TRUE(e != NULL);
	FT_EQ(flip_dedup_request(&d, 10, 1, 5, &e2), FLIP_DUP_BUSY);
	FT_TRUE(e2 == e);
	FT_EQ(flip_dedup_request(&d, 10, 2, 5, &e2), FLIP_NEW);
	FT_EQ(flip_dedup_request(&d, 11, 1, 5, &e2), FLIP_NEW);
	FT_TRUE(flip_dedup_find(&d, 10, 1) == e);
	FT_TRUE(!flip_dedup_find(&d, 12, 1));

	flip_dedup_replied(e, &reply, 100);
	FT_EQ(flip_dedup_request(&d, 10, 1, 200, &e2), FLIP_DUP_REPLIED);
	FT_TRUE(e2 && e2->reply == &reply);
	/* Acknowledged: the reply goes, the record stays. */
	flip_dedup_acked(&d, e);
	FT_EQ(ft_dropped, 1);
	FT_TRUE(!e->reply);
	FT_EQ(flip_dedup_request(&d, 10, 1, 300, &e2), FLIP_DUP_REPLIED);
	flip_dedup_replied(e, &reply, 100);
	/* Lingered too long: forgotten, its reply handed back. */
	FT_EQ(flip_dedup_request(&d, 10, 1, 1101, &e2), FLIP_NEW);
	FT_EQ(ft_dropped, 2);
	flip_dedup_replied(e2, &reply, 1200);
	flip_dedup_release(&d, e2);
	FT_EQ(ft_dropped, 3);
	FT_TRUE(!flip_dedup_find(&d, 10, 1));
	flip_dedup_replied(flip_dedup_find(&d, 10, 2), &reply, 1300);
	flip_dedup_clear(&d);
	FT_EQ(ft_dropped, 4);
	FT_TRUE(!flip_dedup_find(&d, 11, 1));
}

FT_TEST(dedup_full_and_eviction)
{
	struct flip_dedup_ent ents[FLIP_DEDUP_WAYS];
	struct flip_dedup d;
	struct flip_dedup_ent *e;
	static int reply;
	int i;

	ft_dropped = 0;
	flip_dedup_init(&d, ents, FLIP_DEDUP_WAYS, 1000000, ft_drop_reply);
	for (i = 0; i < FLIP_DEDUP_WAYS; i++)
		FT_EQ(flip_dedup_request(&d, 1, i, i, &e), FLIP_NEW);
	/* All executing: refuse rather than forget one of them. */
	FT_EQ(flip_dedup_request(&d, 1, 100, 50, &e), FLIP_FULL);
	FT_TRUE(!e);
	flip_dedup_replied(flip_dedup_find(&d, 1, 5), &reply, 60);
	flip_dedup_replied(flip_dedup_find(&d, 1, 3), &reply, 70);
	/* Room now: the oldest replied entry (tid 5) gives way. */
	FT_EQ(flip_dedup_request(&d, 1, 100, 80, &e), FLIP_NEW);
	FT_EQ(ft_dropped, 1);
	FT_TRUE(!flip_dedup_find(&d, 1, 5));
	FT_TRUE(flip_dedup_find(&d, 1, 3) != NULL);
	FT_EQ(flip_dedup_request(&d, 1, 3, 90, &e), FLIP_DUP_REPLIED);
}

static FT_CASE_TYPE ft_cases[] = {
	FT_CASE(wire_request_round_trip),
	FT_CASE(wire_control_round_trip),
	FT_CASE(wire_rejects_bad_packets),
	FT_CASE(wire_truncations_all_rejected),
	FT_CASE(pcache_enter_lookup_expire),
	FT_CASE(pcache_lru_and_forget),
	FT_CASE(trans_locate_then_reply),
	FT_CASE(trans_cached_retransmit_backoff),
	FT_CASE(trans_deadlines),
	FT_CASE(trans_ignores_strangers),
	FT_CASE(trans_busy_server_and_gone),
	FT_CASE(trans_relocates_a_moved_server),
	FT_CASE(rtt_estimate_and_rto),
	FT_CASE(trans_measures_round_trips),
	FT_CASE(pcache_keeps_rtt_per_server),
	FT_CASE(dedup_at_most_once),
	FT_CASE(dedup_full_and_eviction),
	FT_CASE_END
};
