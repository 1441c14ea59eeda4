// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suites of the AF_AMOEBA module, run inside the debug kernel:
 * the FLIP engine's unit tests (the same cases the host runs under cmocka)
 * and tests of the module itself.
 */
#include <kunit/test.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/net.h>
#include <linux/uio.h>
#include <linux/vmalloc.h>

#include "../amoeba.h"

#define FT_TEST(name)	static void name(struct kunit *test)
#define FT_EQ(a, b)	KUNIT_EXPECT_EQ(test, (u64)(a), (u64)(b))
#define FT_TRUE(x)	KUNIT_EXPECT_TRUE(test, (x))
#define FT_CASE(name)	KUNIT_CASE(name)
#define FT_CASE_END	{}
#define FT_CASE_TYPE	struct kunit_case

#include "../../flip/tests/engine_test.c"

static struct kunit_suite flip_engine_suite = {
	.name = "flip_engine",
	.test_cases = ft_cases,
};

static u64 drops(struct amoeba_net *an, enum flip_drop why)
{
	u64 sum = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		sum += per_cpu_ptr(an->cnt, cpu)->drop[why];
	return sum;
}

/* SHA-256 of the bytes 01 02 03 04 05 06 begins 7192385c3c06. */
static void fbox_known_answer(struct kunit *test)
{
	const struct am_port get = { { 1, 2, 3, 4, 5, 6 } };
	const struct am_port want = { { 0x71, 0x92, 0x38, 0x5c, 0x3c, 0x06 } };
	struct am_port put, null = { };

	amoeba_fbox(&get, &put);
	KUNIT_EXPECT_TRUE(test, flip_port_eq(&put, &want));
	amoeba_fbox(&null, &put);
	KUNIT_EXPECT_TRUE(test, flip_port_null(&put));
}

static struct socket *new_sock(struct kunit *test)
{
	struct socket *sock;

	KUNIT_ASSERT_EQ(test, sock_create_kern(&init_net, amoeba_family,
					       SOCK_DGRAM, 0, &sock), 0);
	return sock;
}

static int bind_port(struct socket *sock, u8 seed)
{
	struct sockaddr_amoeba sam = { .sam_family = amoeba_family };

	memset(sam.sam_port.p, seed, AM_PORTSIZE);
	return kernel_bind(sock, (struct sockaddr *)&sam, sizeof(sam));
}

static void bind_errors(struct kunit *test)
{
	struct socket *a = new_sock(test), *b = new_sock(test);
	struct sockaddr_amoeba sam = { .sam_family = amoeba_family };

	/* The null port and a short address are refused. */
	KUNIT_EXPECT_EQ(test, kernel_bind(a, (struct sockaddr *)&sam,
					  sizeof(sam)), -EINVAL);
	sam.sam_port.p[0] = 1;
	KUNIT_EXPECT_EQ(test, kernel_bind(a, (struct sockaddr *)&sam, 4),
			-EINVAL);
	sam.sam_family = AF_INET;
	KUNIT_EXPECT_EQ(test, kernel_bind(a, (struct sockaddr *)&sam,
					  sizeof(sam)), -EAFNOSUPPORT);
	KUNIT_EXPECT_EQ(test, bind_port(a, 0x42), 0);
	KUNIT_EXPECT_EQ(test, bind_port(a, 0x43), -EINVAL);
	KUNIT_EXPECT_EQ(test, bind_port(b, 0x42), -EADDRINUSE);
	sock_release(a);
	/* Released: the port is free again. */
	KUNIT_EXPECT_EQ(test, bind_port(b, 0x42), 0);
	sock_release(b);
}

struct echo_server {
	struct socket	*sock;
	int		count;
	int		served;
	struct completion done;
};

/* Serve @count requests: echo the data, h_offset + 1 in the reply. */
static int echo_server_fn(void *arg)
{
	struct echo_server *es = arg;
	struct amoeba_sock *as = amoeba_sk(es->sock->sk);
	u8 *buf = vmalloc(AM_MAXBUF);
	struct iov_iter it;
	struct am_io io;
	struct kvec kv;
	long n;

	while (buf && es->served < es->count) {
		memset(&io, 0, sizeof(io));
		io.size = AM_MAXBUF;
		kv.iov_base = buf;
		kv.iov_len = AM_MAXBUF;
		iov_iter_kvec(&it, ITER_DEST, &kv, 1, AM_MAXBUF);
		n = amoeba_getreq(as, &io, &it, 5 * HZ);
		if (n < 0)
			break;
		io.hdr.h_offset++;
		io.hdr.h_status = 0;
		io.size = n;
		kv.iov_len = n;
		iov_iter_kvec(&it, ITER_SOURCE, &kv, 1, n);
		if (amoeba_putrep(as, &io, &it, 0))
			break;
		es->served++;
	}
	vfree(buf);
	complete(&es->done);
	return 0;
}

static long do_trans(struct socket *sock, const struct am_port *put,
		     const void *req, u32 reqlen, void *rep, u32 replen,
		     u32 timeout_ms, struct am_hdr *rephdr)
{
	struct kvec kreq = { (void *)req, reqlen }, krep = { rep, replen };
	struct iov_iter ireq, irep;
	struct am_trans t = { };
	long n;

	t.req.hdr.h_port = *put;
	t.req.hdr.h_offset = 41;
	t.req.size = reqlen;
	t.rep.size = replen;
	t.timeout_ms = timeout_ms;
	iov_iter_kvec(&ireq, ITER_SOURCE, &kreq, 1, reqlen);
	iov_iter_kvec(&irep, ITER_DEST, &krep, 1, replen);
	n = amoeba_trans(amoeba_sk(sock->sk), &t, &ireq, &irep);
	*rephdr = t.rep.hdr;
	return n;
}

/*
 * Whole transactions through the module, both ends on this host: small
 * ones, and ones of several fragments each way (64 KiB a fragment locally)
 * up to the largest message, which needs the receiver's grants.
 */
static void local_rpc_round_trip(struct kunit *test)
{
	static const u32 sizes[] = { 0, 100, 200, 300001, AM_MAXBUF };
	struct socket *srv = new_sock(test), *cli = new_sock(test);
	struct echo_server es = { .sock = srv, .count = ARRAY_SIZE(sizes) };
	struct sockaddr_amoeba sam;
	struct task_struct *task;
	u8 *req = vmalloc(AM_MAXBUF), *rep = vmalloc(AM_MAXBUF);
	struct am_hdr hdr;
	u32 i;

	KUNIT_ASSERT_TRUE(test, req && rep);
	KUNIT_ASSERT_EQ(test, bind_port(srv, 0x51), 0);
	KUNIT_ASSERT_EQ(test, kernel_getsockname(srv, (struct sockaddr *)&sam),
			(int)sizeof(sam));
	init_completion(&es.done);
	task = kthread_run(echo_server_fn, &es, "amoeba-echo");
	KUNIT_ASSERT_FALSE(test, IS_ERR(task));

	for (i = 0; i < AM_MAXBUF; i++)
		req[i] = i * 7 + i / 4096;
	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		memset(rep, 0, AM_MAXBUF);
		KUNIT_EXPECT_EQ(test, do_trans(cli, &sam.sam_port, req,
					       sizes[i], rep, AM_MAXBUF, 5000,
					       &hdr), (long)sizes[i]);
		KUNIT_EXPECT_EQ(test, hdr.h_offset, 42);
		KUNIT_EXPECT_EQ(test, memcmp(req, rep, sizes[i]), 0);
	}
	wait_for_completion(&es.done);
	KUNIT_EXPECT_EQ(test, es.served, (int)ARRAY_SIZE(sizes));
	/* Everything reserved for reassembly was given back. */
	KUNIT_EXPECT_EQ(test, atomic_long_read(&amoeba_sk(srv->sk)->an->rx_reserved),
			0L);
	vfree(req);
	vfree(rep);
	sock_release(cli);
	sock_release(srv);
}

static void trans_unserved_port(struct kunit *test)
{
	struct socket *cli = new_sock(test);
	const struct am_port nobody = { { 0xde, 0xad, 0, 0, 0, 1 } };
	const struct am_port null = { };
	struct am_hdr hdr;

	KUNIT_EXPECT_EQ(test, do_trans(cli, &nobody, NULL, 0, NULL, 0, 300,
				       &hdr), -EHOSTUNREACH);
	KUNIT_EXPECT_EQ(test, do_trans(cli, &null, NULL, 0, NULL, 0, 300,
				       &hdr), -EDESTADDRREQ);
	sock_release(cli);
}

/* getreq and putrep one request on @as, echoing its (empty) data. */
static long serve_one(struct kunit *test, struct amoeba_sock *as)
{
	struct iov_iter it;
	struct am_io io = { };
	long n;

	iov_iter_kvec(&it, ITER_DEST, NULL, 0, 0);
	n = amoeba_getreq(as, &io, &it, HZ);
	if (n < 0)
		return n;
	iov_iter_kvec(&it, ITER_SOURCE, NULL, 0, 0);
	return amoeba_putrep(as, &io, &it, 0);
}

/*
 * The same request delivered twice is queued once and counted as dup, and
 * a reply copy lasts until the client's next request acknowledges it.
 */
static void duplicate_request_runs_once(struct kunit *test)
{
	struct socket *srv = new_sock(test);
	struct amoeba_sock *as = amoeba_sk(srv->sk);
	static const struct flip_link local;
	u64 dup0 = drops(as->an, FLIP_DROP_DUP);
	struct sockaddr_amoeba sam;
	struct flip_pkt p = { };

	KUNIT_ASSERT_EQ(test, bind_port(srv, 0x61), 0);
	kernel_getsockname(srv, (struct sockaddr *)&sam);
	p.fh.type = FLIP_UNIDATA;
	p.fh.max_hop = 1;
	p.fh.dst = as->addr;
	p.fh.src = 0x5eed;		/* a client with no socket here */
	p.rh.type = FLIP_RPC_REQUEST;
	p.rh.port = sam.sam_port;
	p.rh.tid = 9;
	p.ah.h_port = sam.sam_port;

	amoeba_xmit(as->an, &local, &p, NULL, GFP_KERNEL);
	amoeba_xmit(as->an, &local, &p, NULL, GFP_KERNEL);
	KUNIT_EXPECT_EQ(test, READ_ONCE(as->npending), 1U);
	KUNIT_EXPECT_EQ(test, drops(as->an, FLIP_DROP_DUP), dup0 + 1);
	p.rh.tid = 10;
	amoeba_xmit(as->an, &local, &p, NULL, GFP_KERNEL);
	KUNIT_EXPECT_EQ(test, READ_ONCE(as->npending), 2U);

	/* Answer tid 9: the server keeps a copy of the reply... */
	KUNIT_ASSERT_EQ(test, serve_one(test, as), 0L);
	spin_lock_bh(&as->lock);
	KUNIT_EXPECT_TRUE(test, flip_dedup_find(&as->dedup, 0x5eed, 9)->reply);
	spin_unlock_bh(&as->lock);
	/* ...until a later request of the client acknowledges it. */
	p.rh.tid = 11;
	p.rh.ack = 9;
	amoeba_xmit(as->an, &local, &p, NULL, GFP_KERNEL);
	spin_lock_bh(&as->lock);
	KUNIT_EXPECT_FALSE(test, flip_dedup_find(&as->dedup, 0x5eed, 9)->reply);
	spin_unlock_bh(&as->lock);
	/* The record stays: a late copy of tid 9 still does not run. */
	p.rh.tid = 9;
	p.rh.ack = 0;
	amoeba_xmit(as->an, &local, &p, NULL, GFP_KERNEL);
	KUNIT_EXPECT_EQ(test, READ_ONCE(as->npending), 2U);
	KUNIT_EXPECT_EQ(test, drops(as->an, FLIP_DROP_DUP), dup0 + 2);
	/* Closing with requests queued frees them (kmemleak watches). */
	sock_release(srv);
}

/* A fragment of a request from a client with no socket here. */
static void send_fragment(struct amoeba_sock *as, const struct am_port *port,
			  u32 tid, u32 off, u32 len, u32 total, const u8 *msg)
{
	static const struct flip_link local;
	struct flip_pkt p = { };

	p.fh.type = FLIP_UNIDATA;
	p.fh.max_hop = 1;
	p.fh.dst = as->addr;
	p.fh.src = 0xf7a6;
	p.fh.offset = off;
	p.fh.total = total;
	p.rh.type = FLIP_RPC_REQUEST;
	p.rh.port = *port;
	p.rh.tid = tid;
	p.ah.h_port = *port;
	p.ah.h_command = 77;
	p.datalen = len;
	amoeba_xmit(as->an, &local, &p, msg + off, GFP_KERNEL);
}

/*
 * Reassembly in the module: fragments out of order, a duplicate and an
 * overlapping one make one request with the right data; a message larger
 * than the socket's budget is refused; closing frees a half-arrived one.
 */
static void request_reassembly(struct kunit *test)
{
	struct socket *srv = new_sock(test);
	struct amoeba_sock *as = amoeba_sk(srv->sk);
	unsigned int budget = amoeba_sock_budget_kb;
	u64 dup0 = drops(as->an, FLIP_DROP_DUP);
	u64 frag0 = drops(as->an, FLIP_DROP_FRAGMENT);
	u64 budget0 = drops(as->an, FLIP_DROP_BUDGET);
	static u8 msg[5000], got[5000];
	struct sockaddr_amoeba sam;
	struct iov_iter it;
	struct am_io io = { };
	struct kvec kv = { got, sizeof(got) };
	int i;

	KUNIT_ASSERT_EQ(test, bind_port(srv, 0x71), 0);
	kernel_getsockname(srv, (struct sockaddr *)&sam);
	for (i = 0; i < sizeof(msg); i++)
		msg[i] = i * 13;

	send_fragment(as, &sam.sam_port, 5, 2000, 1000, 5000, msg);
	send_fragment(as, &sam.sam_port, 5, 4000, 1000, 5000, msg);
	send_fragment(as, &sam.sam_port, 5, 2000, 1000, 5000, msg);
	KUNIT_EXPECT_EQ(test, drops(as->an, FLIP_DROP_DUP), dup0 + 1);
	send_fragment(as, &sam.sam_port, 5, 2500, 1000, 5000, msg);
	KUNIT_EXPECT_EQ(test, drops(as->an, FLIP_DROP_FRAGMENT), frag0 + 1);
	send_fragment(as, &sam.sam_port, 5, 0, 1000, 5000, msg);
	send_fragment(as, &sam.sam_port, 5, 1000, 1000, 5000, msg);
	KUNIT_EXPECT_EQ(test, READ_ONCE(as->npending), 0U);
	KUNIT_EXPECT_EQ(test, READ_ONCE(as->rx_reserved), 5000U);
	send_fragment(as, &sam.sam_port, 5, 3000, 1000, 5000, msg);
	KUNIT_EXPECT_EQ(test, READ_ONCE(as->npending), 1U);

	iov_iter_kvec(&it, ITER_DEST, &kv, 1, sizeof(got));
	KUNIT_EXPECT_EQ(test, amoeba_getreq(as, &io, &it, HZ), 5000L);
	KUNIT_EXPECT_EQ(test, io.hdr.h_command, 77);
	KUNIT_EXPECT_EQ(test, memcmp(msg, got, sizeof(msg)), 0);
	KUNIT_EXPECT_EQ(test, READ_ONCE(as->rx_reserved), 0U);

	/* Over the budget: refused before anything is held. */
	amoeba_sock_budget_kb = 4;
	send_fragment(as, &sam.sam_port, 6, 0, 1000, 5000, msg);
	amoeba_sock_budget_kb = budget;
	KUNIT_EXPECT_EQ(test, drops(as->an, FLIP_DROP_BUDGET), budget0 + 1);
	KUNIT_EXPECT_EQ(test, READ_ONCE(as->rx_reserved), 0U);

	/* Half a message, then close: kmemleak checks it is all freed. */
	send_fragment(as, &sam.sam_port, 7, 0, 1000, 5000, msg);
	KUNIT_EXPECT_EQ(test, READ_ONCE(as->rx_reserved), 5000U);
	sock_release(srv);
}

/* net.amoeba.udp_peers: what is taken, and everything else refused. */
static void udp_peer_lists(struct kunit *test)
{
	static const char *const bad[] = {
		"10.0.0.1", "10.0.0.1:", ":3366", "10.0.0.1:0",
		"10.0.0.1:65536", "10.0.0.1:70000", "10.0.0.1:33x",
		"10.0.0.256:1", "10.0.0:1", "10.0.0.1.2:1", "host:1",
		"10.0.0.1:1:2", "10.0.0.1:-1", "1.1.1.1:1 2.2.2.2",
		"1.1.1.1:1 1.1.1.2:1 1.1.1.3:1 1.1.1.4:1 1.1.1.5:1 1.1.1.6:1 1.1.1.7:1 1.1.1.8:1 1.1.1.9:1",
		"1111111111111111111111111:1",
	};
	struct flip_link peers[AMOEBA_UDP_PEERS];
	int i;

	KUNIT_EXPECT_EQ(test, amoeba_parse_peers("", peers), 0);
	KUNIT_EXPECT_EQ(test, amoeba_parse_peers("\t \t", peers), 0);
	KUNIT_EXPECT_EQ(test, amoeba_parse_peers(
			" 10.1.2.3:3366\t192.168.0.1:65535\n", peers), 2);
	KUNIT_EXPECT_EQ(test, peers[0].ifindex, AMOEBA_UDP_LINK);
	KUNIT_EXPECT_EQ(test, peers[0].lladdr[0], 10);
	KUNIT_EXPECT_EQ(test, peers[0].lladdr[3], 3);
	KUNIT_EXPECT_EQ(test, peers[0].lladdr[4] << 8 | peers[0].lladdr[5],
			3366);
	KUNIT_EXPECT_EQ(test, peers[1].lladdr[4] << 8 | peers[1].lladdr[5],
			65535);
	for (i = 0; i < ARRAY_SIZE(bad); i++)
		KUNIT_EXPECT_EQ_MSG(test, amoeba_parse_peers(bad[i], peers),
				    -EINVAL, "accepted \"%s\"", bad[i]);
}

static struct kunit_case amoeba_sock_cases[] = {
	KUNIT_CASE(fbox_known_answer),
	KUNIT_CASE(bind_errors),
	KUNIT_CASE(local_rpc_round_trip),
	KUNIT_CASE(trans_unserved_port),
	KUNIT_CASE(duplicate_request_runs_once),
	KUNIT_CASE(request_reassembly),
	KUNIT_CASE(udp_peer_lists),
	{}
};

static struct kunit_suite amoeba_sock_suite = {
	.name = "amoeba_sock",
	.test_cases = amoeba_sock_cases,
};

kunit_test_suites(&flip_engine_suite, &amoeba_sock_suite);
MODULE_LICENSE("GPL");
