// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the FLIP engine: codec, port cache, client transaction,
 * message transfer in fragments, duplicate filter and forwarding, driven
 * with a fake clock.  Included by a harness; see engine_test.h.
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
	FT_TRUE(flip_port_eq(&p.rh.port, &ft_port));
	FT_TRUE(flip_port_eq(&p.ah.h_port, &ft_port));
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
	FT_EQ(flip_hdrs_len(FLIP_RPC_LOCATE, 0), len);
	FT_EQ(flip_parse(buf, len, &q), FLIP_DROP_NONE);
	FT_EQ(q.fh.dst, FLIP_ADDR_BROADCAST);
	FT_EQ(q.rh.type, FLIP_RPC_LOCATE);
	FT_TRUE(flip_port_eq(&q.rh.port, &ft_port2));
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

/*
 * A fragment of @len bytes at @off of a @total-byte message of @rtype; its
 * data bytes are their offset in the message, mod 251.
 */
static size_t ft_build_frag(u8 *buf, u8 rtype, u32 off, u32 len, u32 total)
{
	struct flip_pkt p;
	size_t hlen;
	u32 i;

	memset(&p, 0, sizeof(p));
	p.fh.type = FLIP_UNIDATA;
	p.fh.max_hop = 2;
	p.fh.dst = 2;
	p.fh.src = 5;
	p.fh.offset = off;
	p.fh.total = total;
	p.rh.type = rtype;
	p.rh.port = ft_port;
	p.rh.tid = 9;
	p.ah.h_command = 1234;
	p.datalen = len;
	hlen = flip_write(buf, &p);
	for (i = 0; i < len; i++)
		buf[hlen + i] = (off + i) % 251;
	return hlen + len;
}

FT_TEST(wire_fragment_round_trip)
{
	static u8 buf[FLIP_RPC_DATA_OFF + 1000];
	struct flip_pkt p;
	size_t len;

	/* Beyond offset 0: no Amoeba header, data right after the RPC one. */
	len = ft_build_frag(buf, FLIP_RPC_REPLY, 4000, 1000, 10000);
	FT_EQ(len, FLIP_HDR_LEN + FLIP_RPC_HDR_LEN + 1000);
	FT_EQ(flip_hdrs_len(FLIP_RPC_REPLY, 4000), FLIP_HDR_LEN + FLIP_RPC_HDR_LEN);
	FT_EQ(flip_parse(buf, len, &p), FLIP_DROP_NONE);
	FT_EQ(p.fh.offset, 4000);
	FT_EQ(p.fh.total, 10000);
	FT_EQ(p.fh.length, FLIP_RPC_HDR_LEN + 1000);
	FT_EQ(p.datalen, 1000);
	FT_TRUE(p.data == buf + FLIP_HDR_LEN + FLIP_RPC_HDR_LEN);
	FT_EQ(p.data[0], 4000 % 251);
	FT_EQ(p.data[999], 4999 % 251);
	FT_EQ(p.ah.h_command, 0);
	FT_EQ(p.rh.tid, 9);
	FT_TRUE(!flip_pkt_whole(&p));
	/* On the wire, big-endian: offset at 32, total at 36. */
	FT_EQ(buf[34], 4000 >> 8);
	FT_EQ(buf[35], 4000 & 0xff);
	FT_EQ(buf[38], 10000 >> 8);

	/* The first fragment carries the Amoeba header. */
	len = ft_build_frag(buf, FLIP_RPC_REQUEST, 0, 1000, 10000);
	FT_EQ(len, FLIP_RPC_DATA_OFF + 1000);
	FT_EQ(flip_parse(buf, len, &p), FLIP_DROP_NONE);
	FT_EQ(p.fh.offset, 0);
	FT_EQ(p.fh.total, 10000);
	FT_EQ(p.datalen, 1000);
	FT_EQ(p.ah.h_command, 1234);
	FT_TRUE(!flip_pkt_whole(&p));

	/* The last fragment of the largest message. */
	len = ft_build_frag(buf, FLIP_RPC_REPLY, FLIP_MSG_MAX - 10, 10,
			    FLIP_MSG_MAX);
	FT_EQ(flip_parse(buf, len, &p), FLIP_DROP_NONE);
	FT_EQ(p.fh.offset, FLIP_MSG_MAX - 10);
	FT_EQ(p.datalen, 10);

	/* A whole message written with offset and total 0 has total = len. */
	len = ft_build_frag(buf, FLIP_RPC_REPLY, 0, 7, 0);
	FT_EQ(flip_parse(buf, len, &p), FLIP_DROP_NONE);
	FT_EQ(p.fh.total, 7);
	FT_TRUE(flip_pkt_whole(&p));
}

FT_TEST(wire_received_round_trip)
{
	struct flip_pkt p, q;
	u8 buf[128];
	size_t len;

	memset(&p, 0, sizeof(p));
	p.fh.type = FLIP_UNIDATA;
	p.fh.src = 3;
	p.rh.type = FLIP_RPC_RECEIVED;
	p.rh.flags = FLIP_RPC_F_REQUEST;
	p.rh.tid = 11;
	p.fl.received = 0x12345;
	p.fl.grant = 0x10a0b0c;
	len = flip_write(buf, &p);
	FT_EQ(len, FLIP_HDR_LEN + FLIP_RPC_HDR_LEN + FLIP_FLOW_LEN);
	FT_EQ(flip_hdrs_len(FLIP_RPC_RECEIVED, 0), len);
	/* Big-endian after the RPC header: received, then grant. */
	FT_EQ(buf[FLIP_HDR_LEN + FLIP_RPC_HDR_LEN + 1], 0x01);
	FT_EQ(buf[FLIP_HDR_LEN + FLIP_RPC_HDR_LEN + 3], 0x45);
	FT_EQ(buf[FLIP_HDR_LEN + FLIP_RPC_HDR_LEN + 7], 0x0c);
	FT_EQ(flip_parse(buf, len, &q), FLIP_DROP_NONE);
	FT_EQ(q.rh.type, FLIP_RPC_RECEIVED);
	FT_EQ(q.rh.flags, FLIP_RPC_F_REQUEST);
	FT_EQ(q.fl.received, 0x12345);
	FT_EQ(q.fl.grant, 0x10a0b0c);
	FT_EQ(q.datalen, 0);
	FT_EQ(q.fh.total, 0);
	/* Without its body it is short. */
	FT_EQ(flip_parse(buf, len - 1, &q), FLIP_DROP_LENGTH);
	buf[31] -= 1;		/* length */
	FT_EQ(flip_parse(buf, len - 1, &q), FLIP_DROP_SHORT);
}

FT_TEST(wire_rejects_bad_fragments)
{
	static u8 good[FLIP_RPC_DATA_OFF + 1000], buf[FLIP_RPC_DATA_OFF + 1000];
	struct flip_pkt p;
	size_t len = ft_build_frag(good, FLIP_RPC_REQUEST, 5000, 1000, 10000);

	FT_EQ(flip_parse(good, len, &p), FLIP_DROP_NONE);
	/* total beyond the largest message: 0x00100001 */
	memcpy(buf, good, len);
	buf[36] = 0x00;
	buf[37] = 0x10;
	buf[38] = 0x00;
	buf[39] = 0x01;
	FT_EQ(flip_parse(buf, len, &p), FLIP_DROP_LENGTH);
	buf[39] = 0x00;		/* exactly FLIP_MSG_MAX: fine */
	FT_EQ(flip_parse(buf, len, &p), FLIP_DROP_NONE);
	/* offset beyond total */
	memcpy(buf, good, len);
	buf[33] = 0x01;		/* offset 0x11388 = 70536 > 10000 */
	FT_EQ(flip_parse(buf, len, &p), FLIP_DROP_FRAGMENT);
	/* data running past the end of the message: offset 9500 */
	memcpy(buf, good, len);
	buf[34] = 9500 >> 8;
	buf[35] = 9500 & 0xff;
	FT_EQ(flip_parse(buf, len, &p), FLIP_DROP_FRAGMENT);
	/* ... but ending exactly at it is fine: offset 9000 */
	buf[34] = 9000 >> 8;
	buf[35] = 9000 & 0xff;
	FT_EQ(flip_parse(buf, len, &p), FLIP_DROP_NONE);
	/* offset == total with data */
	memcpy(buf, good, len);
	buf[34] = 10000 >> 8;
	buf[35] = 10000 & 0xff;
	FT_EQ(flip_parse(buf, len, &p), FLIP_DROP_FRAGMENT);

	/* An empty fragment of a message that is not empty. */
	len = ft_build_frag(buf, FLIP_RPC_REPLY, 1000, 0, 10000);
	FT_EQ(flip_parse(buf, len, &p), FLIP_DROP_FRAGMENT);
	len = ft_build_frag(buf, FLIP_RPC_REPLY, 0, 0, 10000);
	FT_EQ(flip_parse(buf, len, &p), FLIP_DROP_FRAGMENT);
	/* The empty message is one empty fragment, and fine. */
	len = ft_build_frag(buf, FLIP_RPC_REPLY, 0, 0, 0);
	FT_EQ(flip_parse(buf, len, &p), FLIP_DROP_NONE);
	FT_TRUE(flip_pkt_whole(&p));

	/* Other packets are never fragments. */
	len = ft_build_frag(buf, FLIP_RPC_ACK, 0, 4, 0);
	FT_EQ(flip_parse(buf, len, &p), FLIP_DROP_NONE);
	buf[35] = 8;		/* offset 8 */
	FT_EQ(flip_parse(buf, len, &p), FLIP_DROP_FRAGMENT);
	buf[35] = 0;
	buf[39] = 100;		/* total 100 */
	FT_EQ(flip_parse(buf, len, &p), FLIP_DROP_FRAGMENT);
	len = ft_build_frag(buf, FLIP_RPC_RECEIVED, 0, 0, 0);
	FT_EQ(flip_parse(buf, len, &p), FLIP_DROP_NONE);
	buf[35] = 1;		/* offset 1 */
	FT_EQ(flip_parse(buf, len, &p), FLIP_DROP_FRAGMENT);
	len = ft_build_frag(buf, FLIP_RPC_LOCATE, 0, 0, 0);
	buf[39] = 1;		/* total 1 */
	FT_EQ(flip_parse(buf, len, &p), FLIP_DROP_FRAGMENT);
}

FT_TEST(pcache_enter_lookup_expire)
{
	static struct flip_pcache_ent ents[8], snap[8];
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
	/* Expired is absent, and looking it up writes nothing. */
	memcpy(snap, ents, sizeof(ents));
	FT_TRUE(!flip_pcache_lookup(&pc, &ft_port, 2001));
	FT_TRUE(!memcmp(snap, ents, sizeof(ents)));
	/* Entering it again brings it back. */
	flip_pcache_enter(&pc, &ft_port, 57, &l, 0, 2100);
	e = flip_pcache_lookup(&pc, &ft_port, 2200);
	FT_TRUE(e && e->addr == 57);
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

	FT_EQ(flip_trans_start(&t, &ft_port, 7, 0, NULL, 0, 1000 * FT_MS, tm),
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

	FT_EQ(flip_trans_start(&t, &ft_port, 1, 0, &c, now, 60000 * FT_MS, tm),
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

	flip_trans_start(&t, &ft_port, 1, 0, NULL, 0, 250 * FT_MS, tm);
	FT_EQ(flip_trans_expire(&t, 250 * FT_MS), FLIP_ACT_DONE);
	FT_EQ(t.result, FLIP_RES_NOTFOUND);

	flip_trans_start(&t, &ft_port, 1, 0, &c, 0, 250 * FT_MS, tm);
	FT_EQ(flip_trans_expiry(&t), tm->rto_initial);
	FT_EQ(flip_trans_expire(&t, 300 * FT_MS), FLIP_ACT_DONE);
	FT_EQ(t.result, FLIP_RES_TIMEOUT);

	flip_trans_start(&t, &ft_port, 1, 0, &c, 0, 250 * FT_MS, tm);
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

	flip_trans_start(&t, &ft_port, 1, 0, NULL, 0, 1000 * FT_MS, tm);
	ft_pkt(&p, FLIP_UNIDATA, FLIP_RPC_HEREIS, 9, 0, &ft_port2);
	FT_EQ(flip_trans_input(&t, &p, &from, 1), 0);	/* other port */
	ft_pkt(&p, FLIP_UNIDATA, FLIP_RPC_REPLY, 9, 1, &ft_port);
	FT_EQ(flip_trans_input(&t, &p, &from, 1), 0);	/* reply unasked */

	flip_trans_start(&t, &ft_port, 1, 0, &c, 0, 1000 * FT_MS, tm);
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

	flip_trans_start(&t, &ft_port, 3, 0, &c, 0, 100000 * FT_MS, tm);
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

	flip_trans_start(&t, &ft_port, 4, 0, &c, 0, 10000 * FT_MS, tm);
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

	flip_trans_start(&t, &ft_port, 3, 0, &c, 0, 10000 * FT_MS, tm);
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
	flip_trans_start(&t, &ft_port, 1, 0, NULL, 0, 10000 * FT_MS, tm);
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
	flip_trans_start(&t, &ft_port, 2, 0, &c, 0, 10000 * FT_MS, tm);
	FT_EQ(t.timer, 8 * FT_MS);
	FT_EQ(flip_trans_expire(&t, 8 * FT_MS), FLIP_ACT_REQUEST);
	FT_EQ(t.timer, 24 * FT_MS);		/* doubled */
	/* ...and a reply to a retransmitted request measures nothing. */
	ft_pkt(&p, FLIP_UNIDATA, FLIP_RPC_REPLY, 5, 2, &ft_port);
	flip_trans_input(&t, &p, &from, 9 * FT_MS);
	FT_EQ(t.result, FLIP_RES_OK);
	FT_EQ(t.rtt_sample, 0);
}

/*
 * Pull every fragment @tx offers now: returns how many, with the offset of
 * the first and the end of the last; 0xffffffff in *@end if they were not
 * contiguous or one was larger than the fragment size.
 */
static u32 ft_drain(struct flip_tx *tx, u32 *first, u32 *end)
{
	u32 off, len, n = 0;

	*first = 0;
	*end = 0;
	while (n < 100000 && flip_tx_next(tx, &off, &len)) {
		if (!n)
			*first = off;
		else if (off != *end)
			*end = 0xffffffff;
		if (len > tx->frag)
			*end = 0xffffffff;
		if (*end != 0xffffffff)
			*end = off + len;
		n++;
	}
	return n;
}

FT_TEST(msg_tx_window_and_grant)
{
	struct flip_flow fl = { 0 };
	struct flip_tx tx;
	u32 first, end, off, len;

	flip_tx_init(&tx, 300000);
	FT_EQ(tx.grant, FLIP_WINDOW);
	/* Not sized for a link: nothing to send yet. */
	FT_TRUE(!flip_tx_next(&tx, &off, &len));
	FT_TRUE(!flip_tx_multi(&tx));
	flip_tx_size(&tx, 65536);
	FT_TRUE(flip_tx_multi(&tx));
	/* 0, 64K, 128K, 192K: the next would start at the grant. */
	FT_EQ(ft_drain(&tx, &first, &end), 4);
	FT_EQ(first, 0);
	FT_EQ(end, FLIP_WINDOW);
	FT_EQ(ft_drain(&tx, &first, &end), 0);
	/* Progress without more grant sends nothing more. */
	fl.received = 131072;
	fl.grant = FLIP_WINDOW;
	FT_TRUE(flip_tx_received(&tx, &fl, 0));
	FT_EQ(tx.acked, 131072);
	FT_EQ(ft_drain(&tx, &first, &end), 0);
	/* The same report again is no progress. */
	FT_TRUE(!flip_tx_received(&tx, &fl, 0));
	/* A grant lets the rest out: one short last fragment. */
	fl.grant = 131072 + FLIP_WINDOW;
	FT_TRUE(flip_tx_received(&tx, &fl, 0));
	FT_EQ(ft_drain(&tx, &first, &end), 1);
	FT_EQ(first, FLIP_WINDOW);
	FT_EQ(end, 300000);
	FT_TRUE(!flip_tx_done(&tx));
	/* Nonsense beyond the message changes nothing, grant included. */
	fl.received = 300001;
	fl.grant = 900000;
	FT_TRUE(!flip_tx_received(&tx, &fl, 0));
	FT_EQ(tx.acked, 131072);
	FT_EQ(tx.grant, 131072 + FLIP_WINDOW);
	fl.received = 300000;
	FT_TRUE(flip_tx_received(&tx, &fl, 0));
	FT_TRUE(flip_tx_done(&tx));
	FT_EQ(tx.grant, 900000);
}

FT_TEST(msg_tx_goback_and_backoff)
{
	struct flip_flow fl = { 0 };
	struct flip_tx tx;
	u32 first, end;

	flip_tx_init(&tx, 10000);
	flip_tx_size(&tx, 1000);
	FT_EQ(ft_drain(&tx, &first, &end), 10);
	FT_EQ(end, 10000);
	/* Not armed: never expires. */
	FT_TRUE(!flip_tx_expire(&tx, 1000000));
	flip_tx_arm(&tx, 100, 10, 100);
	FT_EQ(tx.timer, 110);
	FT_TRUE(!flip_tx_expire(&tx, 109));
	FT_TRUE(flip_tx_expire(&tx, 110));
	FT_EQ(tx.backoff, 1);
	FT_EQ(tx.timer, 0);
	FT_TRUE(!flip_tx_expire(&tx, 200));
	/* Nothing acknowledged: the first fragment asks where things stand. */
	FT_EQ(ft_drain(&tx, &first, &end), 1);
	FT_EQ(first, 0);
	FT_TRUE(flip_tx_asks(&tx));
	/* Each expiry without progress doubles the wait, up to rto_max. */
	flip_tx_arm(&tx, 110, 10, 100);
	FT_EQ(tx.timer, 130);
	FT_TRUE(flip_tx_expire(&tx, 130));
	flip_tx_arm(&tx, 130, 10, 100);
	FT_EQ(tx.timer, 170);
	FT_TRUE(flip_tx_expire(&tx, 170));
	flip_tx_arm(&tx, 170, 10, 100);
	FT_EQ(tx.timer, 250);
	FT_TRUE(flip_tx_expire(&tx, 250));
	FT_EQ(tx.backoff, 4);
	flip_tx_arm(&tx, 250, 10, 100);
	FT_EQ(tx.timer, 350);
	/* Progress resets the backoff; going back starts at what is missing. */
	fl.received = 4000;
	fl.grant = FLIP_WINDOW;
	FT_TRUE(flip_tx_received(&tx, &fl, 0));
	FT_EQ(tx.backoff, 0);
	flip_tx_arm(&tx, 300, 10, 100);
	FT_EQ(tx.timer, 310);
	FT_TRUE(flip_tx_expire(&tx, 310));
	FT_EQ(ft_drain(&tx, &first, &end), 1);
	FT_EQ(first, 4000);
	/* The answer: what is missing of what was sent goes again. */
	fl.answer = true;
	FT_TRUE(flip_tx_received(&tx, &fl, 0));
	FT_EQ(ft_drain(&tx, &first, &end), 6);
	FT_EQ(first, 4000);
	FT_EQ(end, 10000);
	FT_TRUE(flip_tx_asks(&tx));
	fl.answer = false;
	/* Done: the timer has nothing left to do. */
	fl.received = 10000;
	FT_TRUE(flip_tx_received(&tx, &fl, 0));
	flip_tx_arm(&tx, 400, 10, 100);
	FT_TRUE(!flip_tx_expire(&tx, 1000));
	flip_tx_goback(&tx);
	FT_EQ(ft_drain(&tx, &first, &end), 0);
}

FT_TEST(msg_tx_wait_follows_progress)
{
	struct flip_flow fl = { .grant = FLIP_WINDOW };
	struct flip_tx tx;
	u32 first, end;

	flip_tx_init(&tx, 1000000);
	flip_tx_size(&tx, 1000);
	FT_EQ(ft_drain(&tx, &first, &end), FLIP_WINDOW / 1000 + 1);
	/* Nothing measured: the round-trip timeout alone. */
	FT_EQ(flip_tx_wait(&tx, 10), 10);
	/* Reports every 500 on a slow path: wait well beyond 500. */
	for (fl.received = 1000; fl.received <= 5000; fl.received += 1000)
		FT_TRUE(flip_tx_received(&tx, &fl, fl.received / 2));
	FT_EQ(tx.gap.srtt, 500);
	FT_TRUE(flip_tx_wait(&tx, 10) >= 500);
	/* ...also past rto_max, and doubling from there on each go-back. */
	flip_tx_arm(&tx, 3000, 10, 100);
	FT_EQ(tx.timer, 3000 + flip_tx_wait(&tx, 10));
	FT_TRUE(flip_tx_expire(&tx, tx.timer));
	/* Progress after a go-back may answer either copy: not timed. */
	fl.received = 6000;
	FT_TRUE(flip_tx_received(&tx, &fl, 100000));
	FT_EQ(tx.gap.srtt, 500);
	fl.received = 7000;
	FT_TRUE(flip_tx_received(&tx, &fl, 100500));
	FT_EQ(tx.gap.srtt, 500);
	/* A fast path measures small gaps and keeps the round-trip rto. */
	flip_tx_init(&tx, 1000000);
	flip_tx_size(&tx, 1000);
	for (fl.received = 1000; fl.received <= 5000; fl.received += 1000)
		FT_TRUE(flip_tx_received(&tx, &fl, fl.received / 1000));
	FT_EQ(flip_tx_wait(&tx, 10), 10);
}

/*
 * Repair after silence: a question, then only what the answer says is
 * missing of what was sent before it, then new data again.
 */
FT_TEST(msg_tx_repair)
{
	struct flip_flow fl = { .grant = FLIP_WINDOW };
	struct flip_tx tx;
	u32 first, end, off, len;

	flip_tx_init(&tx, 1000000);
	flip_tx_size(&tx, 1000);
	FT_EQ(ft_drain(&tx, &first, &end), FLIP_WINDOW / 1000 + 1);
	FT_TRUE(!flip_tx_asks(&tx));
	/* A grant arrives with the timer: the repair still holds back. */
	flip_tx_arm(&tx, 0, 10, 100);
	FT_TRUE(flip_tx_expire(&tx, 10));
	FT_EQ(tx.repair, FLIP_WINDOW / 1000 * 1000 + 1000);
	fl.received = 50000;
	fl.grant = 50000 + FLIP_WINDOW;
	FT_TRUE(flip_tx_received(&tx, &fl, 20));
	FT_TRUE(flip_tx_next(&tx, &off, &len));
	FT_EQ(off, 50000);
	FT_TRUE(flip_tx_asks(&tx));
	FT_TRUE(!flip_tx_next(&tx, &off, &len));
	/* An answer without progress: all of [50000, repair) again. */
	fl.answer = true;
	FT_TRUE(flip_tx_received(&tx, &fl, 30));
	FT_EQ(ft_drain(&tx, &first, &end), (tx.repair - 50000) / 1000);
	FT_EQ(first, 50000);
	FT_EQ(end, tx.repair);
	FT_TRUE(flip_tx_asks(&tx));
	/* An answer that everything sent has arrived ends the repair. */
	fl.received = tx.repair;
	FT_TRUE(flip_tx_received(&tx, &fl, 40));
	FT_EQ(tx.repair, 0);
	FT_TRUE(flip_tx_next(&tx, &off, &len));
	FT_EQ(off, fl.received);
	FT_TRUE(!flip_tx_asks(&tx));

	/* A spurious timeout on a slow path costs one fragment. */
	flip_tx_init(&tx, 1000000);
	flip_tx_size(&tx, 1000);
	FT_EQ(ft_drain(&tx, &first, &end), FLIP_WINDOW / 1000 + 1);
	flip_tx_arm(&tx, 0, 10, 100);
	FT_TRUE(flip_tx_expire(&tx, 10));
	FT_EQ(ft_drain(&tx, &first, &end), 1);
	/* ...and plain progress reaching what was sent ends it too. */
	fl.answer = false;
	fl.received = tx.repair;
	fl.grant = 2 * FLIP_WINDOW;
	FT_TRUE(flip_tx_received(&tx, &fl, 500));
	FT_EQ(tx.repair, 0);
	FT_TRUE(ft_drain(&tx, &first, &end) > 1);
	FT_EQ(first, fl.received);
	FT_TRUE(end > 2 * FLIP_WINDOW);

	/* One fragment is its own question: resent whole. */
	flip_tx_init(&tx, 700);
	flip_tx_size(&tx, 1000);
	FT_EQ(ft_drain(&tx, &first, &end), 1);
	flip_tx_repair(&tx);
	FT_EQ(tx.repair, 0);
	FT_EQ(ft_drain(&tx, &first, &end), 1);
	FT_EQ(end, 700);
}

FT_TEST(msg_tx_probe_and_empty)
{
	struct flip_flow fl = { .received = 10000, .grant = 10000 };
	struct flip_tx tx;
	u32 first, end, off, len;

	flip_tx_init(&tx, 10000);
	flip_tx_size(&tx, 1000);
	FT_EQ(ft_drain(&tx, &first, &end), 10);
	FT_TRUE(flip_tx_received(&tx, &fl, 0));
	/* A probe is the first fragment alone, even of a message received. */
	flip_tx_probe(&tx);
	FT_TRUE(flip_tx_next(&tx, &off, &len));
	FT_EQ(off, 0);
	FT_EQ(len, 1000);
	FT_TRUE(!flip_tx_next(&tx, &off, &len));

	/* The empty message is one empty fragment, each time. */
	flip_tx_init(&tx, 0);
	flip_tx_size(&tx, 1000);
	FT_TRUE(!flip_tx_multi(&tx));
	FT_TRUE(flip_tx_next(&tx, &off, &len));
	FT_EQ(off, 0);
	FT_EQ(len, 0);
	FT_TRUE(!flip_tx_next(&tx, &off, &len));
	FT_TRUE(!flip_tx_done(&tx));
	flip_tx_arm(&tx, 0, 10, 100);
	FT_TRUE(flip_tx_expire(&tx, 10));
	FT_EQ(ft_drain(&tx, &first, &end), 1);
	flip_tx_probe(&tx);
	FT_EQ(ft_drain(&tx, &first, &end), 1);

	/* A message of one fragment is sent whole, once per burst. */
	flip_tx_init(&tx, 700);
	flip_tx_size(&tx, 1000);
	FT_TRUE(!flip_tx_multi(&tx));
	FT_EQ(ft_drain(&tx, &first, &end), 1);
	FT_EQ(end, 700);
	flip_tx_goback(&tx);
	FT_EQ(ft_drain(&tx, &first, &end), 1);
}

/* Byte ranges of a flip_rx, as one number per range for FT_EQ. */
#define FT_RANGE(rx, i)	((u64)(rx)->r[i].start << 32 | (rx)->r[i].end)
#define FT_R(s, e)	((u64)(s) << 32 | (e))

FT_TEST(msg_rx_in_order)
{
	struct flip_flow fl;
	struct flip_rx rx;
	u32 off;

	flip_rx_init(&rx, 5000, 7);
	FT_EQ(rx.granted, 5000);
	FT_TRUE(!flip_rx_complete(&rx));
	for (off = 0; off < 4000; off += 1000) {
		FT_EQ(flip_rx_add(&rx, off, 1000, 10 + off), FLIP_RX_NEW);
		FT_EQ(rx.prefix, off + 1000);
		FT_EQ(rx.nr, 0);
		FT_TRUE(!flip_rx_flow(&rx, &fl));
	}
	FT_EQ(rx.stamp, 3010);
	/* The last fragment completes it: a RECEIVED is due, once. */
	FT_EQ(flip_rx_add(&rx, 4000, 1000, 5000), FLIP_RX_NEW);
	FT_TRUE(flip_rx_complete(&rx));
	FT_TRUE(flip_rx_flow(&rx, &fl));
	FT_EQ(fl.received, 5000);
	FT_EQ(fl.grant, 5000);
	FT_TRUE(!flip_rx_flow(&rx, &fl));
	/* A duplicate of the last one (the sender missed it) asks again. */
	FT_EQ(flip_rx_add(&rx, 4000, 1000, 6000), FLIP_RX_DUP);
	FT_TRUE(flip_rx_flow(&rx, &fl));
	FT_EQ(fl.received, 5000);
	FT_EQ(rx.stamp, 5000);
}

FT_TEST(msg_rx_out_of_order)
{
	struct flip_flow fl;
	struct flip_rx rx;

	flip_rx_init(&rx, 5000, 0);
	FT_EQ(flip_rx_add(&rx, 2000, 1000, 1), FLIP_RX_NEW);
	FT_EQ(flip_rx_add(&rx, 4000, 1000, 2), FLIP_RX_NEW);
	FT_EQ(rx.nr, 2);
	FT_EQ(FT_RANGE(&rx, 0), FT_R(2000, 3000));
	FT_EQ(FT_RANGE(&rx, 1), FT_R(4000, 5000));
	/* Joins the front of a range. */
	FT_EQ(flip_rx_add(&rx, 1000, 1000, 3), FLIP_RX_NEW);
	FT_EQ(rx.nr, 2);
	FT_EQ(FT_RANGE(&rx, 0), FT_R(1000, 3000));
	/* Fills the gap between two: they merge. */
	FT_EQ(flip_rx_add(&rx, 3000, 1000, 4), FLIP_RX_NEW);
	FT_EQ(rx.nr, 1);
	FT_EQ(FT_RANGE(&rx, 0), FT_R(1000, 5000));
	FT_EQ(rx.prefix, 0);
	FT_TRUE(!flip_rx_flow(&rx, &fl));
	/* The first fragment reaches everything. */
	FT_EQ(flip_rx_add(&rx, 0, 1000, 5), FLIP_RX_NEW);
	FT_EQ(rx.nr, 0);
	FT_EQ(rx.prefix, 5000);
	FT_TRUE(flip_rx_complete(&rx));
	FT_TRUE(flip_rx_flow(&rx, &fl));
	FT_EQ(fl.received, 5000);
}

FT_TEST(msg_rx_duplicates_and_overlaps)
{
	static struct flip_rx saved;
	struct flip_flow fl;
	struct flip_rx rx;

	flip_rx_init(&rx, 10000, 0);
	FT_EQ(flip_rx_add(&rx, 0, 1000, 1), FLIP_RX_NEW);
	FT_EQ(flip_rx_add(&rx, 3000, 1000, 2), FLIP_RX_NEW);
	FT_EQ(flip_rx_add(&rx, 4000, 1000, 3), FLIP_RX_NEW);
	FT_EQ(flip_rx_add(&rx, 7000, 1000, 4), FLIP_RX_NEW);
	FT_EQ(rx.nr, 2);
	FT_EQ(FT_RANGE(&rx, 0), FT_R(3000, 5000));
	FT_EQ(FT_RANGE(&rx, 1), FT_R(7000, 8000));
	memcpy(&saved, &rx, sizeof(rx));

	/* Exact duplicates, and duplicates inside a merged range. */
	FT_EQ(flip_rx_add(&rx, 7000, 1000, 50), FLIP_RX_DUP);
	FT_EQ(flip_rx_add(&rx, 3000, 1000, 51), FLIP_RX_DUP);
	FT_EQ(flip_rx_add(&rx, 4000, 1000, 52), FLIP_RX_DUP);
	FT_EQ(flip_rx_add(&rx, 3500, 1000, 53), FLIP_RX_DUP);
	FT_EQ(flip_rx_add(&rx, 3000, 2000, 54), FLIP_RX_DUP);
	/* Below the prefix, not ending at it: nothing to say. */
	FT_EQ(flip_rx_add(&rx, 0, 500, 55), FLIP_RX_DUP);
	FT_TRUE(!memcmp(&saved, &rx, sizeof(rx)));

	/* Partial overlaps are refused and change nothing. */
	FT_EQ(flip_rx_add(&rx, 2500, 1000, 60), FLIP_RX_BAD);	/* front */
	FT_EQ(flip_rx_add(&rx, 4500, 1000, 61), FLIP_RX_BAD);	/* back */
	FT_EQ(flip_rx_add(&rx, 2000, 4000, 62), FLIP_RX_BAD);	/* around */
	FT_EQ(flip_rx_add(&rx, 5000, 2500, 63), FLIP_RX_BAD);	/* next */
	FT_EQ(flip_rx_add(&rx, 4500, 3000, 64), FLIP_RX_BAD);	/* two */
	FT_EQ(flip_rx_add(&rx, 500, 1000, 65), FLIP_RX_BAD);	/* prefix */
	FT_EQ(flip_rx_add(&rx, 9000, 2000, 66), FLIP_RX_BAD);	/* total */
	FT_TRUE(!memcmp(&saved, &rx, sizeof(rx)));
	FT_TRUE(!flip_rx_flow(&rx, &fl));

	/* A duplicate ending at the prefix makes a RECEIVED due again. */
	FT_EQ(flip_rx_add(&rx, 0, 1000, 70), FLIP_RX_DUP);
	FT_TRUE(flip_rx_flow(&rx, &fl));
	FT_EQ(fl.received, 1000);
	FT_EQ(fl.grant, 10000);
	FT_TRUE(!flip_rx_flow(&rx, &fl));
	/* Exactly between two ranges: all three become one. */
	FT_EQ(flip_rx_add(&rx, 5000, 2000, 71), FLIP_RX_NEW);
	FT_EQ(rx.nr, 1);
	FT_EQ(FT_RANGE(&rx, 0), FT_R(3000, 8000));
	FT_EQ(rx.stamp, 71);
}

FT_TEST(msg_rx_too_many_holes)
{
	static struct flip_rx saved;
	struct flip_rx rx;
	u32 i;

	flip_rx_init(&rx, 100000, 0);
	/* Ranges at 2000, 4000, ... 16000 leave FLIP_RX_HOLES gaps. */
	for (i = 1; i <= FLIP_RX_HOLES; i++)
		FT_EQ(flip_rx_add(&rx, 2000 * i, 1000, i), FLIP_RX_NEW);
	FT_EQ(rx.nr, FLIP_RX_HOLES);
	FT_EQ(FT_RANGE(&rx, 0), FT_R(2000, 3000));
	FT_EQ(FT_RANGE(&rx, FLIP_RX_HOLES - 1),
	      FT_R(2000 * FLIP_RX_HOLES, 2000 * FLIP_RX_HOLES + 1000));
	memcpy(&saved, &rx, sizeof(rx));
	/* One more gap, after, between or before them: refused. */
	FT_EQ(flip_rx_add(&rx, 50000, 1000, 100), FLIP_RX_BAD);
	FT_EQ(flip_rx_add(&rx, 5000 + 200, 500, 101), FLIP_RX_BAD);
	FT_EQ(flip_rx_add(&rx, 500, 1000, 102), FLIP_RX_BAD);
	FT_TRUE(!memcmp(&saved, &rx, sizeof(rx)));
	/* Next to a range, or at the prefix, adds no gap. */
	FT_EQ(flip_rx_add(&rx, 3000, 1000, 103), FLIP_RX_NEW);	/* merges */
	FT_EQ(rx.nr, FLIP_RX_HOLES - 1);
	FT_EQ(flip_rx_add(&rx, 50000, 1000, 104), FLIP_RX_NEW);
	FT_EQ(rx.nr, FLIP_RX_HOLES);
	FT_EQ(flip_rx_add(&rx, 17000, 1000, 105), FLIP_RX_NEW);	/* after */
	FT_EQ(flip_rx_add(&rx, 1500, 500, 106), FLIP_RX_NEW);	/* before */
	FT_EQ(rx.nr, FLIP_RX_HOLES);
	FT_EQ(flip_rx_add(&rx, 0, 1500, 107), FLIP_RX_NEW);	/* prefix */
	FT_EQ(rx.prefix, 5000);
	FT_EQ(rx.nr, FLIP_RX_HOLES - 1);
}

FT_TEST(msg_rx_grants)
{
	struct flip_flow fl;
	struct flip_rx rx;
	u32 off;

	flip_rx_init(&rx, FLIP_MSG_MAX, 0);
	FT_EQ(rx.granted, FLIP_WINDOW);
	/* At or beyond the grant: refused. */
	FT_EQ(flip_rx_add(&rx, FLIP_WINDOW, 65536, 1), FLIP_RX_BAD);
	FT_EQ(flip_rx_add(&rx, FLIP_WINDOW + 65536, 65536, 1), FLIP_RX_BAD);
	FT_EQ(rx.nr, 0);
	FT_EQ(flip_rx_add(&rx, 0, 65536, 2), FLIP_RX_NEW);
	FT_TRUE(!flip_rx_flow(&rx, &fl));
	/* Out of order, as far as the grant goes: no grant for that. */
	FT_EQ(flip_rx_add(&rx, 196608, 65536, 3), FLIP_RX_NEW);
	FT_TRUE(!flip_rx_flow(&rx, &fl));
	/* Half the window has arrived in order: a window more. */
	FT_EQ(flip_rx_add(&rx, 65536, 65536, 4), FLIP_RX_NEW);
	FT_TRUE(flip_rx_flow(&rx, &fl));
	FT_EQ(fl.received, 131072);
	FT_EQ(fl.grant, 131072 + FLIP_WINDOW);
	FT_EQ(rx.granted, 131072 + FLIP_WINDOW);
	FT_EQ(flip_rx_add(&rx, FLIP_WINDOW + 65536, 65536, 5), FLIP_RX_NEW);
	/* The missed RECEIVED is asked for by the duplicate ending at it. */
	FT_EQ(flip_rx_add(&rx, 0, 65536, 6), FLIP_RX_DUP);
	FT_TRUE(!flip_rx_flow(&rx, &fl));
	FT_EQ(flip_rx_add(&rx, 65536, 65536, 7), FLIP_RX_DUP);
	FT_TRUE(flip_rx_flow(&rx, &fl));
	FT_EQ(fl.received, 131072);
	FT_EQ(fl.grant, 131072 + FLIP_WINDOW);
	/* Filling the gap: prefix 384K, grant 640K. */
	FT_EQ(flip_rx_add(&rx, 131072, 65536, 8), FLIP_RX_NEW);
	FT_EQ(flip_rx_add(&rx, 262144, 65536, 9), FLIP_RX_NEW);
	FT_EQ(rx.prefix, 393216);
	FT_TRUE(flip_rx_flow(&rx, &fl));
	FT_EQ(fl.grant, 393216 + FLIP_WINDOW);
	/* The grant never passes the end of the message. */
	for (off = 393216; off < FLIP_MSG_MAX; off += 65536)
		FT_EQ(flip_rx_add(&rx, off, 65536, 10), FLIP_RX_NEW);
	FT_TRUE(flip_rx_complete(&rx));
	FT_TRUE(flip_rx_flow(&rx, &fl));
	FT_EQ(fl.received, FLIP_MSG_MAX);
	FT_EQ(fl.grant, FLIP_MSG_MAX);

	/* A fragment larger than half the window still earns a grant. */
	flip_rx_init(&rx, FLIP_MSG_MAX, 0);
	FT_EQ(flip_rx_add(&rx, 0, 300000, 1), FLIP_RX_NEW);
	FT_TRUE(flip_rx_flow(&rx, &fl));
	FT_EQ(fl.received, 300000);
	FT_EQ(fl.grant, 300000 + FLIP_WINDOW);
}

static u32 ft_rand(u32 *seed)
{
	*seed = *seed * 1103515245 + 12345;
	return *seed >> 16;
}

/*
 * A sender and a receiver, with an eighth of fragments and of RECEIVED
 * packets lost and a quarter of fragments overtaken by the next: the
 * message arrives whole, and nothing the receiver refuses is anything but
 * a fragment that would leave too many gaps.
 */
FT_TEST(msg_transfer_survives_loss)
{
	u32 seed = 1, rounds = 0, odd = 0, off, len, hoff = 0, hlen = 0;
	bool held = false, ask, hask = false;
	struct flip_flow fl;
	struct flip_tx tx;
	struct flip_rx rx;
	u64 now = 0;

	flip_tx_init(&tx, 600000);
	flip_tx_size(&tx, 1400);
	flip_rx_init(&rx, 600000, 0);
	while (!flip_tx_done(&tx) && rounds++ < 1000) {
		while (flip_tx_next(&tx, &off, &len)) {
			enum flip_rx_verdict v;

			ask = flip_tx_asks(&tx);
			if (ft_rand(&seed) % 8 == 0)
				continue;
			if (!held && ft_rand(&seed) % 4 == 0) {
				held = true;
				hoff = off;
				hlen = len;
				hask = ask;
				continue;
			}
			v = flip_rx_add(&rx, off, len, now);
			if (v == FLIP_RX_BAD && rx.nr != FLIP_RX_HOLES)
				odd++;
			if (ask)
				flip_rx_ask(&rx);
			if (held) {
				held = false;
				v = flip_rx_add(&rx, hoff, hlen, now);
				if (v == FLIP_RX_BAD && rx.nr != FLIP_RX_HOLES)
					odd++;
				if (hask)
					flip_rx_ask(&rx);
			}
			if (flip_rx_flow(&rx, &fl) && ft_rand(&seed) % 8)
				flip_tx_received(&tx, &fl, now);
		}
		held = false;
		flip_tx_arm(&tx, now, 10, 1000);
		now = tx.timer;
		flip_tx_expire(&tx, now);
	}
	FT_EQ(odd, 0);
	FT_TRUE(flip_tx_done(&tx));
	FT_TRUE(flip_rx_complete(&rx));
	FT_TRUE(rounds <= 10);
}

/* A fragment of the reply to tid @tid from @src, without its data. */
static void ft_frag(struct flip_pkt *p, u64 src, u32 tid, u32 off, u32 len,
		    u32 total)
{
	ft_pkt(p, FLIP_UNIDATA, FLIP_RPC_REPLY, src, tid, &ft_port);
	p->fh.offset = off;
	p->fh.total = total;
	p->datalen = len;
	/* Only the first fragment carries the Amoeba header. */
	p->ah.h_command = off ? 0 : 3000 + tid;
}

static void ft_received(struct flip_pkt *p, u64 src, u32 tid, u32 received,
			u32 grant)
{
	ft_pkt(p, FLIP_UNIDATA, FLIP_RPC_RECEIVED, src, tid, &ft_port);
	p->rh.flags = FLIP_RPC_F_REQUEST;
	p->fl.received = received;
	p->fl.grant = grant;
}

/* A request of several fragments, paced by the server's RECEIVED. */
FT_TEST(trans_request_in_fragments)
{
	const struct flip_timing *tm = &flip_timing_default;
	struct flip_pcache_ent c = { .addr = 5 };
	struct flip_link from = { 0 };
	static struct flip_trans t;
	struct flip_pkt p;
	u32 first, end, off, len;

	FT_EQ(flip_trans_start(&t, &ft_port, 8, 300000, &c, 0,
			       100000 * FT_MS, tm), FLIP_ACT_REQUEST);
	FT_EQ(t.req.total, 300000);
	FT_EQ(t.req.frag, 0);
	flip_tx_size(&t.req, 1000);
	/* The first burst stops at the first window. */
	FT_EQ(ft_drain(&t.req, &first, &end), 263);
	FT_EQ(first, 0);
	FT_EQ(end, 263000);
	flip_trans_sent(&t, FT_MS);
	FT_EQ(t.timer, FT_MS + tm->rto_initial);

	/* A RECEIVED about the reply, or from a stranger, is not progress. */
	ft_received(&p, 5, 8, 131000, 131000 + FLIP_WINDOW);
	p.rh.flags = 0;
	FT_EQ(flip_trans_input(&t, &p, &from, 2 * FT_MS), 0);
	ft_received(&p, 6, 8, 131000, 131000 + FLIP_WINDOW);
	FT_EQ(flip_trans_input(&t, &p, &from, 2 * FT_MS), 0);
	ft_received(&p, 5, 9, 131000, 131000 + FLIP_WINDOW);
	FT_EQ(flip_trans_input(&t, &p, &from, 2 * FT_MS), 0);
	FT_EQ(t.req.acked, 0);

	/* Progress: more granted, the rest goes, the timer moves on. */
	ft_received(&p, 5, 8, 131000, 131000 + FLIP_WINDOW);
	FT_EQ(flip_trans_input(&t, &p, &from, 3 * FT_MS), FLIP_ACT_REQUEST);
	FT_EQ(t.req.acked, 131000);
	FT_EQ(t.timer, 3 * FT_MS + tm->rto_initial);
	FT_EQ(ft_drain(&t.req, &first, &end), 37);
	FT_EQ(first, 263000);
	FT_EQ(end, 300000);
	FT_TRUE(!t.busy);
	/* No news is no progress. */
	FT_EQ(flip_trans_input(&t, &p, &from, 4 * FT_MS), 0);

	/*
	 * A retransmission asks with the first fragment the server lacks;
	 * the answer has the rest go again.
	 */
	FT_EQ(flip_trans_expire(&t, t.timer), FLIP_ACT_REQUEST);
	FT_EQ(t.sends, 2);
	FT_EQ(ft_drain(&t.req, &first, &end), 1);
	FT_EQ(first, 131000);
	FT_TRUE(flip_tx_asks(&t.req));
	ft_received(&p, 5, 8, 131000, 131000 + FLIP_WINDOW);
	p.rh.flags |= FLIP_RPC_F_ASK;
	p.fl.answer = true;
	FT_EQ(flip_trans_input(&t, &p, &from, 5 * FT_MS), FLIP_ACT_REQUEST);
	FT_EQ(ft_drain(&t.req, &first, &end), 169);
	FT_EQ(first, 131000);
	FT_EQ(end, 300000);

	/* All received: the server has it, no more data is due. */
	ft_received(&p, 5, 8, 300000, 300000);
	FT_EQ(flip_trans_input(&t, &p, &from, 200 * FT_MS), 0);
	FT_TRUE(t.busy);
	FT_TRUE(flip_tx_done(&t.req));
	FT_EQ(t.timer, 200 * FT_MS + tm->enquire_interval);
	FT_EQ(ft_drain(&t.req, &first, &end), 0);
	/* From now on a retransmission is a probe: the first fragment. */
	FT_EQ(flip_trans_expire(&t, t.timer), FLIP_ACT_REQUEST);
	FT_TRUE(flip_tx_next(&t.req, &off, &len));
	FT_EQ(off, 0);
	FT_EQ(len, 1000);
	FT_TRUE(!flip_tx_next(&t.req, &off, &len));
	FT_EQ(t.state, FLIP_TRANS_REQUEST);
	/* A reply to a request this large measures no round trip. */
	ft_pkt(&p, FLIP_UNIDATA, FLIP_RPC_REPLY, 5, 8, &ft_port);
	FT_EQ(flip_trans_input(&t, &p, &from, 2000 * FT_MS), FLIP_ACT_DONE);
	FT_EQ(t.result, FLIP_RES_OK);
	FT_EQ(t.rtt_sample, 0);
}

/* The empty request and one of a single fragment go in one packet. */
FT_TEST(trans_request_in_one_packet)
{
	const struct flip_timing *tm = &flip_timing_default;
	struct flip_pcache_ent c = { .addr = 5 };
	static struct flip_trans t;
	u32 first, end;

	FT_EQ(flip_trans_start(&t, &ft_port, 8, 0, &c, 0, 1000 * FT_MS, tm),
	      FLIP_ACT_REQUEST);
	flip_tx_size(&t.req, 1000);
	FT_EQ(ft_drain(&t.req, &first, &end), 1);
	FT_EQ(end, 0);
	FT_EQ(flip_trans_expire(&t, t.timer), FLIP_ACT_REQUEST);
	FT_EQ(ft_drain(&t.req, &first, &end), 1);

	FT_EQ(flip_trans_start(&t, &ft_port, 8, 1000, &c, 0, 1000 * FT_MS, tm),
	      FLIP_ACT_REQUEST);
	flip_tx_size(&t.req, 1000);
	FT_EQ(ft_drain(&t.req, &first, &end), 1);
	FT_EQ(end, 1000);
	FT_EQ(flip_trans_expire(&t, t.timer), FLIP_ACT_REQUEST);
	FT_EQ(ft_drain(&t.req, &first, &end), 1);
}

/* A reply of several fragments, reassembled in t->rep. */
FT_TEST(trans_reply_in_fragments)
{
	const struct flip_timing *tm = &flip_timing_default;
	struct flip_pcache_ent c = { .addr = 5 };
	struct flip_link from = { 0 };
	struct flip_flow fl;
	static struct flip_trans t;
	struct flip_pkt p;
	u32 first, end;

	flip_trans_start(&t, &ft_port, 4, 100, &c, 0, 100000 * FT_MS, tm);
	flip_tx_size(&t.req, 1000);
	FT_EQ(ft_drain(&t.req, &first, &end), 1);
	flip_trans_sent(&t, FT_MS);

	/* Out of order: keep it, the transfer shows the server is busy. */
	ft_frag(&p, 5, 4, 100000, 50000, 400000);
	FT_EQ(flip_trans_input(&t, &p, &from, 10 * FT_MS), FLIP_ACT_KEEP);
	FT_TRUE(t.busy);
	FT_EQ(t.rep.total, 400000);
	FT_EQ(t.timer, 10 * FT_MS + tm->enquire_interval);
	/* Again: already here. */
	FT_EQ(flip_trans_input(&t, &p, &from, 11 * FT_MS), 0);
	/* Another tid's, another server's, another total's: ignored. */
	ft_frag(&p, 5, 3, 0, 50000, 400000);
	FT_EQ(flip_trans_input(&t, &p, &from, 12 * FT_MS), 0);
	ft_frag(&p, 6, 4, 0, 50000, 400000);
	FT_EQ(flip_trans_input(&t, &p, &from, 12 * FT_MS), 0);
	ft_frag(&p, 5, 4, 0, 50000, 300000);
	FT_EQ(flip_trans_input(&t, &p, &from, 12 * FT_MS), 0);
	FT_EQ(t.rephdr.h_command, 0);
	/* Beyond the grant: refused. */
	ft_frag(&p, 5, 4, 300000, 50000, 400000);
	FT_EQ(flip_trans_input(&t, &p, &from, 13 * FT_MS), 0);

	/* The first fragment brings the header. */
	ft_frag(&p, 5, 4, 0, 50000, 400000);
	FT_EQ(flip_trans_input(&t, &p, &from, 14 * FT_MS), FLIP_ACT_KEEP);
	FT_EQ(t.rephdr.h_command, 3004);
	/* 150000 in order: half the window used, a grant is due. */
	ft_frag(&p, 5, 4, 50000, 50000, 400000);
	FT_EQ(flip_trans_input(&t, &p, &from, 15 * FT_MS),
	      FLIP_ACT_KEEP | FLIP_ACT_RECEIVED);
	FT_TRUE(flip_rx_flow(&t.rep, &fl));
	FT_EQ(fl.received, 150000);
	FT_EQ(fl.grant, 400000);
	FT_EQ(t.state, FLIP_TRANS_REQUEST);
	/* A lost RECEIVED: the fragment ending at 150000 asks for it again. */
	ft_frag(&p, 5, 4, 100000, 50000, 400000);
	FT_EQ(flip_trans_input(&t, &p, &from, 16 * FT_MS), FLIP_ACT_RECEIVED);
	FT_TRUE(flip_rx_flow(&t.rep, &fl));
	FT_EQ(fl.received, 150000);

	ft_frag(&p, 5, 4, 150000, 50000, 400000);
	FT_EQ(flip_trans_input(&t, &p, &from, 17 * FT_MS), FLIP_ACT_KEEP);
	ft_frag(&p, 5, 4, 250000, 50000, 400000);
	FT_EQ(flip_trans_input(&t, &p, &from, 17 * FT_MS), FLIP_ACT_KEEP);
	ft_frag(&p, 5, 4, 350000, 50000, 400000);
	FT_EQ(flip_trans_input(&t, &p, &from, 17 * FT_MS), FLIP_ACT_KEEP);
	/* Half a window more since the last report: another, all granted. */
	ft_frag(&p, 5, 4, 200000, 50000, 400000);
	FT_EQ(flip_trans_input(&t, &p, &from, 17 * FT_MS),
	      FLIP_ACT_KEEP | FLIP_ACT_RECEIVED);
	FT_EQ(t.rep.prefix, 300000);
	FT_TRUE(flip_rx_flow(&t.rep, &fl));
	FT_EQ(fl.received, 300000);
	FT_EQ(fl.grant, 400000);
	/* The last gap completes it: keep, tell the server, done. */
	ft_frag(&p, 5, 4, 300000, 50000, 400000);
	FT_EQ(flip_trans_input(&t, &p, &from, 18 * FT_MS),
	      FLIP_ACT_KEEP | FLIP_ACT_RECEIVED | FLIP_ACT_DONE);
	FT_EQ(t.state, FLIP_TRANS_DONE);
	FT_EQ(t.result, FLIP_RES_OK);
	FT_EQ(t.rtt_sample, 0);
	FT_EQ(t.rephdr.h_command, 3004);
	FT_TRUE(flip_rx_flow(&t.rep, &fl));
	FT_EQ(fl.received, 400000);
	FT_EQ(fl.grant, 400000);
	FT_EQ(flip_trans_input(&t, &p, &from, 19 * FT_MS), 0);
}

/* A NOTHERE to the first burst of a large request starts it over. */
FT_TEST(trans_relocation_resets_request)
{
	const struct flip_timing *tm = &flip_timing_default;
	struct flip_pcache_ent c = { .addr = 5 };
	struct flip_link from = { 0 };
	static struct flip_trans t;
	struct flip_pkt p;
	u32 first, end;

	flip_trans_start(&t, &ft_port, 3, 10000, &c, 0, 10000 * FT_MS, tm);
	flip_tx_size(&t.req, 1000);
	FT_EQ(ft_drain(&t.req, &first, &end), 10);
	ft_received(&p, 5, 3, 4000, 4000 + FLIP_WINDOW);
	FT_EQ(flip_trans_input(&t, &p, &from, FT_MS), FLIP_ACT_REQUEST);
	FT_EQ(t.req.acked, 4000);
	ft_pkt(&p, FLIP_NOTHERE, FLIP_RPC_REQUEST, 5, 3, &ft_port);
	FT_EQ(flip_trans_input(&t, &p, &from, 2 * FT_MS),
	      FLIP_ACT_FORGET | FLIP_ACT_LOCATE);
	FT_EQ(t.moved, 5);
	/* Nothing of it is known to have arrived at the next server. */
	FT_EQ(t.req.total, 10000);
	FT_EQ(t.req.frag, 0);
	FT_EQ(t.req.acked, 0);
	FT_EQ(t.req.next, 0);
	FT_EQ(t.req.grant, FLIP_WINDOW);
	FT_TRUE(!flip_tx_next(&t.req, &first, &end));
	ft_pkt(&p, FLIP_UNIDATA, FLIP_RPC_HEREIS, 6, 0, &ft_port);
	FT_EQ(flip_trans_input(&t, &p, &from, 3 * FT_MS), FLIP_ACT_REQUEST);
	FT_EQ(t.server, 6);
	FT_EQ(t.req.frag, 0);
	flip_tx_size(&t.req, 1400);
	FT_EQ(ft_drain(&t.req, &first, &end), 8);
	FT_EQ(first, 0);
	FT_EQ(end, 10000);
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

static const struct flip_link ft_link_a = { .ifindex = 1, .lladdr = { 0xa } };
static const struct flip_link ft_link_b = { .ifindex = 2, .lladdr = { 0xb } };
/* Another neighbour on link A's interface: a link of its own. */
static const struct flip_link ft_link_a2 = { .ifindex = 1, .lladdr = { 0xc } };

static bool ft_link_eq(const struct flip_link *a, const struct flip_link *b)
{
	return !memcmp(a, b, sizeof(*a));
}

static int ft_route_count(const struct flip_route_ent *ents, int n, u64 addr)
{
	int i, c = 0;

	for (i = 0; i < n; i++)
		c += ents[i].addr == addr;
	return c;
}

FT_TEST(route_learn_and_replace)
{
	static struct flip_route_ent ents[FLIP_ROUTE_WAYS];
	const struct flip_route_ent *e;
	struct flip_route rt;

	flip_route_init(&rt, ents, FLIP_ROUTE_WAYS, 1000);
	FT_TRUE(!flip_route_lookup(&rt, 5, 0));
	flip_route_learn(&rt, 5, &ft_link_a, 3, 100);
	e = flip_route_lookup(&rt, 5, 100);
	FT_TRUE(e && ft_link_eq(&e->link, &ft_link_a));
	FT_TRUE(e && e->addr == 5 && e->hops == 3 && e->stamp == 100);
	/* A longer way over another link keeps the route, and its age. */
	flip_route_learn(&rt, 5, &ft_link_b, 4, 200);
	e = flip_route_lookup(&rt, 5, 200);
	FT_TRUE(e && ft_link_eq(&e->link, &ft_link_a));
	FT_TRUE(e && e->hops == 3 && e->stamp == 100);
	/* As short a way over another link wins. */
	flip_route_learn(&rt, 5, &ft_link_b, 3, 300);
	e = flip_route_lookup(&rt, 5, 300);
	FT_TRUE(e && ft_link_eq(&e->link, &ft_link_b));
	FT_TRUE(e && e->hops == 3 && e->stamp == 300);
	/* A shorter one too. */
	flip_route_learn(&rt, 5, &ft_link_a, 2, 400);
	e = flip_route_lookup(&rt, 5, 400);
	FT_TRUE(e && ft_link_eq(&e->link, &ft_link_a) && e->hops == 2);
	/* News over the route's own link is taken, even of more hops. */
	flip_route_learn(&rt, 5, &ft_link_a, 6, 500);
	e = flip_route_lookup(&rt, 5, 500);
	FT_TRUE(e && ft_link_eq(&e->link, &ft_link_a));
	FT_TRUE(e && e->hops == 6 && e->stamp == 500);
	/* Another neighbour on the same interface is another link. */
	flip_route_learn(&rt, 5, &ft_link_a2, 7, 600);
	e = flip_route_lookup(&rt, 5, 600);
	FT_TRUE(e && ft_link_eq(&e->link, &ft_link_a) && e->hops == 6);
	/* Live up to ttl, a longer way still loses; past it, it wins. */
	flip_route_learn(&rt, 5, &ft_link_b, 9, 1500);
	e = flip_route_lookup(&rt, 5, 1500);
	FT_TRUE(e && ft_link_eq(&e->link, &ft_link_a) && e->hops == 6);
	FT_TRUE(!flip_route_lookup(&rt, 5, 1501));
	flip_route_learn(&rt, 5, &ft_link_b, 9, 1501);
	e = flip_route_lookup(&rt, 5, 1501);
	FT_TRUE(e && ft_link_eq(&e->link, &ft_link_b));
	FT_TRUE(e && e->hops == 9 && e->stamp == 1501);
	/* All of that in one slot. */
	FT_EQ(ft_route_count(ents, FLIP_ROUTE_WAYS, 5), 1);
}

FT_TEST(route_lru_and_broadcast)
{
	static struct flip_route_ent ents[FLIP_ROUTE_WAYS];
	static struct flip_route_ent snap[FLIP_ROUTE_WAYS];
	struct flip_route rt;
	u64 a;

	/* One set: no address is ever 0, even in an empty slot. */
	flip_route_init(&rt, ents, FLIP_ROUTE_WAYS, 1000000);
	FT_TRUE(!flip_route_lookup(&rt, FLIP_ADDR_BROADCAST, 0));
	for (a = 1; a <= FLIP_ROUTE_WAYS; a++)
		flip_route_learn(&rt, a, &ft_link_a, 1, 10 + a);
	for (a = 1; a <= FLIP_ROUTE_WAYS; a++)
		FT_TRUE(flip_route_lookup(&rt, a, 20) != NULL);
	/* The set is full: the least recently learnt (2) gives way. */
	flip_route_learn(&rt, 1, &ft_link_a, 1, 50);
	flip_route_learn(&rt, 100, &ft_link_b, 1, 60);
	FT_TRUE(!flip_route_lookup(&rt, 2, 70));
	FT_TRUE(flip_route_lookup(&rt, 1, 70) != NULL);
	FT_TRUE(flip_route_lookup(&rt, 3, 70) != NULL);
	FT_TRUE(flip_route_lookup(&rt, 4, 70) != NULL);
	FT_TRUE(flip_route_lookup(&rt, 100, 70) != NULL);
	/* News refused does not refresh a route: 3 is still the oldest. */
	flip_route_learn(&rt, 3, &ft_link_b, 5, 80);
	flip_route_learn(&rt, 101, &ft_link_b, 1, 90);
	FT_TRUE(!flip_route_lookup(&rt, 3, 100));
	FT_TRUE(flip_route_lookup(&rt, 101, 100) != NULL);
	/* The broadcast address is never learnt, nor pushes out a route. */
	memcpy(snap, ents, sizeof(ents));
	flip_route_learn(&rt, FLIP_ADDR_BROADCAST, &ft_link_a, 0, 200);
	FT_TRUE(!memcmp(snap, ents, sizeof(ents)));
	FT_TRUE(!flip_route_lookup(&rt, FLIP_ADDR_BROADCAST, 200));
}

#define FT_ROUTES	(16 * FLIP_ROUTE_WAYS)
#define FT_ADDR(a)	((u64)(a) << 40 | (a))

FT_TEST(route_lookup_expiry)
{
	static struct flip_route_ent ents[FT_ROUTES], snap[FT_ROUTES];
	const struct flip_route_ent *e;
	struct flip_route rt;
	u64 a;

	/* Several sets, each route live for ttl after it was learnt. */
	flip_route_init(&rt, ents, FT_ROUTES, 1000);
	for (a = 1; a <= 8; a++)
		flip_route_learn(&rt, FT_ADDR(a),
				 a & 1 ? &ft_link_a : &ft_link_b, a, 100 + a);
	for (a = 1; a <= 8; a++) {
		e = flip_route_lookup(&rt, FT_ADDR(a), 1100 + a);
		FT_TRUE(e && e->addr == FT_ADDR(a) && e->hops == a);
		FT_TRUE(e && e->link.ifindex == (a & 1 ? 1 : 2));
		FT_EQ(ft_route_count(ents, FT_ROUTES, FT_ADDR(a)), 1);
	}
	FT_TRUE(!flip_route_lookup(&rt, 9, 200));
	/* Stale is absent, and looking it up writes nothing. */
	memcpy(snap, ents, sizeof(ents));
	for (a = 1; a <= 8; a++)
		FT_TRUE(!flip_route_lookup(&rt, FT_ADDR(a), 1101 + a));
	FT_TRUE(!memcmp(snap, ents, sizeof(ents)));
}

FT_TEST(seen_ring)
{
	static struct flip_seen s;
	u32 i;

	memset(&s, 0, sizeof(s));
	FT_TRUE(!flip_seen(&s, 100, 1));
	FT_TRUE(flip_seen(&s, 100, 1));
	/* Same source or same messid is not the same broadcast. */
	FT_TRUE(!flip_seen(&s, 100, 2));
	FT_TRUE(!flip_seen(&s, 101, 1));
	for (i = 3; i < FLIP_SEEN_SIZE; i++)
		FT_TRUE(!flip_seen(&s, 200, i));
	/* Full, and everything still there; a hit takes no room. */
	FT_TRUE(flip_seen(&s, 100, 1));
	FT_TRUE(flip_seen(&s, 101, 1));
	FT_TRUE(flip_seen(&s, 200, FLIP_SEEN_SIZE - 1));
	/* The next one pushes out the oldest, and only that. */
	FT_TRUE(!flip_seen(&s, 300, 1));
	FT_TRUE(flip_seen(&s, 100, 2));
	FT_TRUE(!flip_seen(&s, 100, 1));	/* gone, and back in */
	FT_TRUE(flip_seen(&s, 100, 1));
	FT_TRUE(!flip_seen(&s, 100, 2));	/* pushed out by 100/1 */
}

static void ft_fwd_pkt(struct flip_pkt *p, u64 dst, u16 act, u16 max)
{
	memset(p, 0, sizeof(*p));
	p->fh.type = dst ? FLIP_UNIDATA : FLIP_MULTIDATA;
	p->fh.act_hop = act;
	p->fh.max_hop = max;
	p->fh.dst = dst;
	p->fh.src = 0x42;
	p->fh.messid = 9;
	p->rh.type = dst ? FLIP_RPC_REQUEST : FLIP_RPC_LOCATE;
}

FT_TEST(forward_hop_limit)
{
	static struct flip_route_ent ents[FLIP_ROUTE_WAYS];
	static struct flip_seen seen, snap;
	struct flip_link to = { 0 };
	struct flip_route rt;
	struct flip_pkt p, q;
	enum flip_drop why = FLIP_DROP_NONE;
	int i;

	flip_route_init(&rt, ents, FLIP_ROUTE_WAYS, 1000);
	flip_route_learn(&rt, 0x55, &ft_link_b, 1, 0);
	memset(&seen, 0, sizeof(seen));
	memcpy(&snap, &seen, sizeof(seen));

	/* At the limit, either kind goes no further, and is not recorded. */
	ft_fwd_pkt(&p, 0x55, 3, 3);
	q = p;
	FT_EQ(flip_forward(&rt, &seen, &p, &ft_link_a, 10, &to, &why),
	      FLIP_FWD_DROP);
	FT_EQ(why, FLIP_DROP_HOPS);
	FT_EQ(p.fh.act_hop, 3);
	FT_TRUE(!memcmp(&p.fh, &q.fh, sizeof(p.fh)));
	FT_EQ(to.ifindex, 0);
	ft_fwd_pkt(&p, 0, 3, 3);
	why = FLIP_DROP_NONE;
	FT_EQ(flip_forward(&rt, &seen, &p, &ft_link_a, 10, &to, &why),
	      FLIP_FWD_DROP);
	FT_EQ(why, FLIP_DROP_HOPS);
	FT_EQ(p.fh.act_hop, 3);
	ft_fwd_pkt(&p, 0, 5, 3);		/* beyond: the parser's job */
	why = FLIP_DROP_NONE;
	FT_EQ(flip_forward(&rt, &seen, &p, &ft_link_a, 10, &to, &why),
	      FLIP_FWD_DROP);
	FT_EQ(why, FLIP_DROP_HOPS);
	ft_fwd_pkt(&p, 0, 0, 0);
	why = FLIP_DROP_NONE;
	FT_EQ(flip_forward(&rt, &seen, &p, &ft_link_a, 10, &to, &why),
	      FLIP_FWD_DROP);
	FT_EQ(why, FLIP_DROP_HOPS);
	FT_TRUE(!memcmp(&snap, &seen, sizeof(seen)));
	/* So the same broadcast by a shorter way is still passed on. */
	ft_fwd_pkt(&p, 0, 2, 3);
	FT_EQ(flip_forward(&rt, &seen, &p, &ft_link_a, 10, &to, &why),
	      FLIP_FWD_FLOOD);
	FT_EQ(p.fh.act_hop, 3);

	/* A unicast with the default limit crosses that many routers. */
	ft_fwd_pkt(&p, 0x55, 0, FLIP_HOPS_DEFAULT);
	FT_TRUE(FLIP_HOPS_DEFAULT <= FLIP_MAX_HOPS);
	for (i = 0; i <= FLIP_HOPS_DEFAULT; i++)
		if (flip_forward(&rt, &seen, &p, &ft_link_a, 10, &to, &why) !=
		    FLIP_FWD_ROUTE)
			break;
	FT_EQ(i, FLIP_HOPS_DEFAULT);
	FT_EQ(p.fh.act_hop, FLIP_HOPS_DEFAULT);
	FT_EQ(why, FLIP_DROP_HOPS);
}

FT_TEST(forward_broadcast_once)
{
	static struct flip_route_ent ents[FLIP_ROUTE_WAYS];
	static struct flip_seen seen;
	struct flip_link to = { 0 };
	struct flip_route rt;
	struct flip_pkt p;
	enum flip_drop why = FLIP_DROP_NONE;

	/* No routes needed, nor any link but where it came from. */
	flip_route_init(&rt, ents, FLIP_ROUTE_WAYS, 1000);
	memset(&seen, 0, sizeof(seen));
	ft_fwd_pkt(&p, 0, 0, 3);
	FT_EQ(flip_forward(&rt, &seen, &p, &ft_link_a, 10, &to, &why),
	      FLIP_FWD_FLOOD);
	FT_EQ(p.fh.act_hop, 1);
	FT_EQ(p.fh.max_hop, 3);
	FT_EQ(p.fh.dst, FLIP_ADDR_BROADCAST);
	FT_TRUE(flip_seen(&seen, 0x42, 9));
	/* Back round a loop, over another link: not again. */
	ft_fwd_pkt(&p, 0, 2, 3);
	FT_EQ(flip_forward(&rt, &seen, &p, &ft_link_b, 20, &to, &why),
	      FLIP_FWD_DROP);
	FT_EQ(why, FLIP_DROP_DUP);
	FT_EQ(p.fh.act_hop, 2);
	/* The next broadcast of that source is another. */
	ft_fwd_pkt(&p, 0, 0, 3);
	p.fh.messid = 10;
	FT_EQ(flip_forward(&rt, &seen, &p, &ft_link_a, 30, &to, &why),
	      FLIP_FWD_FLOOD);
	FT_EQ(p.fh.act_hop, 1);
}

FT_TEST(forward_unicast_routes)
{
	static struct flip_route_ent ents[4 * FLIP_ROUTE_WAYS];
	static struct flip_seen seen, snap;
	struct flip_link to;
	struct flip_route rt;
	struct flip_pkt p, q;
	enum flip_drop why;

	flip_route_init(&rt, ents, 4 * FLIP_ROUTE_WAYS, 1000);
	flip_route_learn(&rt, 0x55, &ft_link_b, 1, 0);
	memset(&seen, 0, sizeof(seen));
	memcpy(&snap, &seen, sizeof(seen));

	ft_fwd_pkt(&p, 0x55, 1, 3);
	memset(&to, 0, sizeof(to));
	FT_EQ(flip_forward(&rt, &seen, &p, &ft_link_a, 10, &to, &why),
	      FLIP_FWD_ROUTE);
	FT_TRUE(ft_link_eq(&to, &ft_link_b));
	FT_EQ(p.fh.act_hop, 2);
	FT_EQ(p.fh.dst, 0x55);
	/* To another neighbour on the interface it came in on. */
	ft_fwd_pkt(&p, 0x55, 1, 3);
	memset(&to, 0, sizeof(to));
	flip_route_learn(&rt, 0x55, &ft_link_a2, 1, 10);
	FT_EQ(flip_forward(&rt, &seen, &p, &ft_link_a, 10, &to, &why),
	      FLIP_FWD_ROUTE);
	FT_TRUE(ft_link_eq(&to, &ft_link_a2));
	FT_EQ(p.fh.act_hop, 2);

	/* Never back the way it came. */
	ft_fwd_pkt(&p, 0x55, 1, 3);
	q = p;
	memset(&to, 0, sizeof(to));
	why = FLIP_DROP_NONE;
	FT_EQ(flip_forward(&rt, &seen, &p, &ft_link_a2, 10, &to, &why),
	      FLIP_FWD_DROP);
	FT_EQ(why, FLIP_DROP_NOROUTE);
	FT_TRUE(!memcmp(&p.fh, &q.fh, sizeof(p.fh)));
	FT_EQ(to.ifindex, 0);
	/* Nowhere to go: unknown, or known too long ago. */
	ft_fwd_pkt(&p, 0x56, 1, 3);
	why = FLIP_DROP_NONE;
	FT_EQ(flip_forward(&rt, &seen, &p, &ft_link_a, 10, &to, &why),
	      FLIP_FWD_DROP);
	FT_EQ(why, FLIP_DROP_NOROUTE);
	FT_EQ(p.fh.act_hop, 1);
	ft_fwd_pkt(&p, 0x55, 1, 3);
	FT_EQ(flip_forward(&rt, &seen, &p, &ft_link_b, 1010, &to, &why),
	      FLIP_FWD_ROUTE);
	ft_fwd_pkt(&p, 0x55, 1, 3);
	why = FLIP_DROP_NONE;
	FT_EQ(flip_forward(&rt, &seen, &p, &ft_link_b, 1011, &to, &why),
	      FLIP_FWD_DROP);
	FT_EQ(why, FLIP_DROP_NOROUTE);
	FT_EQ(p.fh.act_hop, 1);
	/* Unicasts leave the broadcast filter alone. */
	FT_TRUE(!memcmp(&snap, &seen, sizeof(seen)));
	FT_TRUE(!strcmp(flip_drop_names[FLIP_DROP_NOROUTE], "noroute"));
}

FT_TEST(forward_set_hops_round_trip)
{
	static struct flip_route_ent ents[FLIP_ROUTE_WAYS];
	static struct flip_seen seen;
	u8 buf[256], orig[256];
	struct flip_link to;
	struct flip_route rt;
	struct flip_pkt p, q;
	enum flip_drop why;
	size_t len = ft_build_request(buf, (const u8 *)"abc", 3);

	flip_route_init(&rt, ents, FLIP_ROUTE_WAYS, 1000);
	flip_route_learn(&rt, 0x1122334455667788ULL, &ft_link_b, 0, 0);
	memset(&seen, 0, sizeof(seen));
	memcpy(orig, buf, len);

	/* Big-endian in bytes 4 and 5, and nothing else written. */
	memset(&p, 0, sizeof(p));
	p.fh.act_hop = 0x0102;
	flip_set_hops(buf, &p.fh);
	FT_EQ(buf[4], 1);
	FT_EQ(buf[5], 2);
	FT_TRUE(!memcmp(buf, orig, 4));
	FT_TRUE(!memcmp(buf + 6, orig + 6, len - 6));

	/* Forwarded twice, written back each time: still the same packet. */
	memcpy(buf, orig, len);
	FT_EQ(flip_parse(buf, len, &p), FLIP_DROP_NONE);
	FT_EQ(p.fh.act_hop, 0);
	FT_EQ(flip_forward(&rt, &seen, &p, &ft_link_a, 1, &to, &why),
	      FLIP_FWD_ROUTE);
	flip_set_hops(buf, &p.fh);
	FT_EQ(flip_forward(&rt, &seen, &p, &ft_link_a, 1, &to, &why),
	      FLIP_FWD_ROUTE);
	flip_set_hops(buf, &p.fh);
	FT_EQ(flip_parse(buf, len, &q), FLIP_DROP_NONE);
	FT_EQ(q.fh.act_hop, 2);
	FT_EQ(q.fh.max_hop, 3);
	FT_EQ(q.fh.dst, p.fh.dst);
	FT_EQ(q.fh.src, p.fh.src);
	FT_EQ(q.fh.messid, p.fh.messid);
	FT_EQ(q.fh.length, p.fh.length);
	FT_EQ(q.rh.tid, p.rh.tid);
	FT_EQ(q.datalen, 3);
	FT_EQ(buf[5], 2);
	FT_TRUE(!memcmp(buf + 6, orig + 6, len - 6));
}

static FT_CASE_TYPE ft_cases[] = {
	FT_CASE(wire_request_round_trip),
	FT_CASE(wire_control_round_trip),
	FT_CASE(wire_rejects_bad_packets),
	FT_CASE(wire_truncations_all_rejected),
	FT_CASE(wire_fragment_round_trip),
	FT_CASE(wire_received_round_trip),
	FT_CASE(wire_rejects_bad_fragments),
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
	FT_CASE(msg_tx_window_and_grant),
	FT_CASE(msg_tx_goback_and_backoff),
	FT_CASE(msg_tx_wait_follows_progress),
	FT_CASE(msg_tx_repair),
	FT_CASE(msg_tx_probe_and_empty),
	FT_CASE(msg_rx_in_order),
	FT_CASE(msg_rx_out_of_order),
	FT_CASE(msg_rx_duplicates_and_overlaps),
	FT_CASE(msg_rx_too_many_holes),
	FT_CASE(msg_rx_grants),
	FT_CASE(msg_transfer_survives_loss),
	FT_CASE(trans_request_in_fragments),
	FT_CASE(trans_request_in_one_packet),
	FT_CASE(trans_reply_in_fragments),
	FT_CASE(trans_relocation_resets_request),
	FT_CASE(pcache_keeps_rtt_per_server),
	FT_CASE(dedup_at_most_once),
	FT_CASE(dedup_full_and_eviction),
	FT_CASE(route_learn_and_replace),
	FT_CASE(route_lru_and_broadcast),
	FT_CASE(route_lookup_expiry),
	FT_CASE(seen_ring),
	FT_CASE(forward_hop_limit),
	FT_CASE(forward_broadcast_once),
	FT_CASE(forward_unicast_routes),
	FT_CASE(forward_set_hops_round_trip),
	FT_CASE_END
};
