// SPDX-License-Identifier: GPL-2.0
/*
 * The udp transport's link: its socket, its peers, sending packets and
 * the receiver thread that dispatches them.  Settings:
 *
 *   udp_port          the UDP port to listen on (default 0: any free one;
 *                     a server others must reach needs a fixed one)
 *   udp_peers         "ADDR:PORT ..." (IPv4): where LOCATE broadcasts go
 *   udp_mtu           largest datagram sent, 576 to 65507 (default 1472)
 *   trans_timeout_ms  default trans and putrep timeout (default 5000)
 *
 * Unlike amoeba.ko's UDP link, which takes packets only from its peers,
 * a process takes them from any address, as any UDP server does: its
 * clients are commands on ports nobody listed.  Broadcasts still go to
 * the peers only.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "udp.h"

/* flip_link.ifindex of a UDP peer, as in amoeba.ko. */
#define UDP_LINK	0xffffffffU
/* Socket buffers: room for a window in flight from several peers. */
#define UDP_SOCKBUF	(4 << 20)

struct udp_host udp = {
	.lock	= PTHREAD_MUTEX_INITIALIZER,
	.fd	= -1,
};

u64 udp_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (u64)ts.tv_sec * 1000000000ULL + (u64)ts.tv_nsec;
}

void udp_drop(enum flip_drop why)
{
	udp.drops[why]++;
}

void udp_cond_init(pthread_cond_t *c)
{
	pthread_condattr_t attr;

	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(c, &attr);
	pthread_condattr_destroy(&attr);
}

void udp_wait(pthread_cond_t *c, u64 until)
{
	struct timespec ts;

	if (!until) {
		pthread_cond_wait(c, &udp.lock);
		return;
	}
	ts.tv_sec = (time_t)(until / 1000000000ULL);
	ts.tv_nsec = (long)(until % 1000000000ULL);
	pthread_cond_timedwait(c, &udp.lock, &ts);
}

/* Same layout as amoeba.ko: address, then port, in network order. */
static void peer_to_link(const struct sockaddr_in *sin, struct flip_link *link)
{
	memset(link, 0, sizeof(*link));
	link->ifindex = UDP_LINK;
	memcpy(link->lladdr, &sin->sin_addr.s_addr, 4);
	memcpy(link->lladdr + 4, &sin->sin_port, 2);
}

static void link_to_peer(const struct flip_link *link, struct sockaddr_in *sin)
{
	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	memcpy(&sin->sin_addr.s_addr, link->lladdr, 4);
	memcpy(&sin->sin_port, link->lladdr + 4, 2);
}

const char *udp_link_name(const struct flip_link *link, char *buf, size_t len)
{
	struct sockaddr_in sin;
	char a[INET_ADDRSTRLEN];

	link_to_peer(link, &sin);
	inet_ntop(AF_INET, &sin.sin_addr, a, sizeof(a));
	snprintf(buf, len, "%s:%u", a, ntohs(sin.sin_port));
	return buf;
}

void udp_pkt_init(struct flip_pkt *p, u8 ftype, u64 dst, u8 rtype,
		  const struct am_port *port, u32 tid)
{
	memset(p, 0, sizeof(*p));
	p->fh.type = ftype;
	p->fh.max_hop = FLIP_HOPS_DEFAULT;
	p->fh.dst = dst;
	p->fh.src = udp.addr;
	p->fh.messid = __atomic_add_fetch(&udp.messid, 1, __ATOMIC_RELAXED);
	p->rh.type = rtype;
	p->rh.port = *port;
	p->rh.tid = tid;
}

/*
 * Send @p with its p->datalen bytes at @data, in one datagram: 0, or
 * -errno.  The data goes from the caller's memory to the socket without
 * a copy of ours.  A full socket buffer is a loss; retransmission mends
 * it.
 */
int udp_send(const struct flip_link *to, const struct flip_pkt *p,
	     const void *data)
{
	u8 hdrs[FLIP_RPC_DATA_OFF + FLIP_FLOW_LEN];
	struct sockaddr_in sin;
	struct iovec iov[2] = {
		{ .iov_base = hdrs },
		{ .iov_base = (void *)data, .iov_len = p->datalen },
	};
	struct msghdr msg = {
		.msg_name = &sin,
		.msg_namelen = sizeof(sin),
		.msg_iov = iov,
		.msg_iovlen = p->datalen ? 2 : 1,
	};

	iov[0].iov_len = flip_write(hdrs, p);
	link_to_peer(to, &sin);
	if (sendmsg(udp.fd, &msg, MSG_DONTWAIT) < 0)
		return -errno;
	return 0;
}

/* Send a datagram built before, such as a kept reply. */
void udp_send_raw(const struct flip_link *to, const void *buf, size_t len)
{
	struct sockaddr_in sin;

	link_to_peer(to, &sin);
	sendto(udp.fd, buf, len, MSG_DONTWAIT, (struct sockaddr *)&sin,
	       sizeof(sin));
}

/* A header-only control packet back to where @pkt came from. */
void udp_answer(const struct flip_pkt *pkt, const struct flip_link *to,
		u8 ftype, u8 rtype, u8 rflags)
{
	struct flip_pkt p;

	udp_pkt_init(&p, ftype, pkt->fh.src, rtype, &pkt->rh.port,
		     pkt->rh.tid);
	/* A NOTHERE comes from the address that is not there. */
	if (ftype == FLIP_NOTHERE)
		p.fh.src = pkt->fh.dst;
	p.rh.flags = rflags;
	udp_send(to, &p, NULL);
}

/* Tell the sender of a message how far it has got (RECEIVED). */
void udp_send_flow(u64 dst, const struct flip_link *to,
		   const struct am_port *port, u32 tid, u8 rflags,
		   const struct flip_flow *fl)
{
	struct flip_pkt p;

	udp_pkt_init(&p, FLIP_UNIDATA, dst, FLIP_RPC_RECEIVED, port, tid);
	p.rh.flags = rflags | (fl->answer ? FLIP_RPC_F_ASK : 0);
	p.fl = *fl;
	udp_send(to, &p, NULL);
}

/*
 * To every peer, and to this process itself when it serves ports, so a
 * client finds a server in its own process as amoeba.ko finds a socket
 * of its own namespace.
 */
void udp_broadcast(const struct flip_pkt *p)
{
	int i;

	for (i = 0; i < udp.npeers; i++)
		udp_send(&udp.peers[i], p, NULL);
	if (__atomic_load_n(&udp.nports, __ATOMIC_RELAXED))
		udp_send(&udp.self, p, NULL);
}

/*
 * Data bytes per fragment of an @rpc_type message of @total bytes, as
 * amoeba.ko: a message that fits the smallest IPv4 packet goes whole.
 */
u32 udp_frag_size(u8 rpc_type, u32 total)
{
	u32 room = UDP_MTU_MIN - (u32)flip_hdrs_len(rpc_type, 0);

	if (total <= room)
		return room;
	return udp.mtu - (u32)flip_hdrs_len(rpc_type, 0);
}

/* One valid packet, udp.lock held. */
static void udp_rcv(const struct flip_pkt *pkt, const struct flip_link *from)
{
	if (pkt->fh.dst == FLIP_ADDR_BROADCAST) {
		if (pkt->fh.type != FLIP_MULTIDATA)
			udp_drop(FLIP_DROP_TYPE);
		else if (pkt->rh.type == FLIP_RPC_LOCATE)
			udp_rcv_locate(pkt, from);
		else
			udp_drop(FLIP_DROP_RPCTYPE);
		return;
	}
	if (pkt->fh.type != FLIP_UNIDATA && pkt->fh.type != FLIP_NOTHERE) {
		udp_drop(FLIP_DROP_TYPE);
		return;
	}
	if (pkt->fh.dst != udp.addr) {
		/* An earlier process on this port, or a stray: say so. */
		udp_drop(FLIP_DROP_NOSOCK);
		if (flip_tell_nothere(pkt))
			udp_answer(pkt, from, FLIP_NOTHERE, pkt->rh.type, 0);
		return;
	}
	if (pkt->fh.type == FLIP_NOTHERE) {
		if (pkt->rh.type == FLIP_RPC_REPLY)
			udp_rcv_reply_flow(pkt);
		else
			udp_rcv_client(pkt, from);
		return;
	}
	switch (pkt->rh.type) {
	case FLIP_RPC_REQUEST:
		udp_rcv_request(pkt, from);
		break;
	case FLIP_RPC_ABORT:
		udp_rcv_abort(pkt);
		break;
	case FLIP_RPC_RECEIVED:
		if (pkt->rh.flags & FLIP_RPC_F_REQUEST)
			udp_rcv_client(pkt, from);
		else
			udp_rcv_reply_flow(pkt);
		break;
	case FLIP_RPC_ACK:
		if (pkt->rh.flags & FLIP_RPC_F_REQUEST)
			udp_rcv_client(pkt, from);
		else
			udp_drop(FLIP_DROP_RPCTYPE);
		break;
	case FLIP_RPC_HEREIS:
	case FLIP_RPC_REPLY:
	case FLIP_RPC_FAIL:
		udp_rcv_client(pkt, from);
		break;
	default:
		udp_drop(FLIP_DROP_RPCTYPE);
		break;
	}
}

/* The receiver: every datagram, for the life of the process. */
static void *udp_receiver(void *arg)
{
	static u8 buf[65536];
	struct sockaddr_in sin;
	struct flip_link from;
	struct flip_pkt pkt;
	enum flip_drop why;
	socklen_t slen;
	ssize_t n;

	(void)arg;
	for (;;) {
		slen = sizeof(sin);
		n = recvfrom(udp.fd, buf, sizeof(buf), 0,
			     (struct sockaddr *)&sin, &slen);
		if (n < 0 || slen != sizeof(sin) || sin.sin_family != AF_INET)
			continue;
		peer_to_link(&sin, &from);
		why = flip_parse(buf, (size_t)n, &pkt);
		pthread_mutex_lock(&udp.lock);
		if (why)
			udp_drop(why);
		else
			udp_rcv(&pkt, &from);
		pthread_mutex_unlock(&udp.lock);
	}
	return NULL;
}

/* An unsigned setting within [lo, hi], or @def when unset. */
static int32_t setting(const char *key, unsigned long lo, unsigned long hi,
		       unsigned long def, unsigned long *v)
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
			       "udp transport: %s \"%s\": expected a number from %lu to %lu",
			       key, s, lo, hi);
	return 0;
}

/* "ADDR:PORT ..." into udp.peers. */
static int32_t parse_peers(const char *s)
{
	char word[sizeof("255.255.255.255:65535")];
	struct sockaddr_in sin = { .sin_family = AF_INET };
	unsigned long port;
	char *colon, *end;
	size_t len;

	for (;;) {
		s += strspn(s, " \t,");
		if (!*s)
			return 0;
		len = strcspn(s, " \t,");
		if (len >= sizeof(word))
			goto bad;
		memcpy(word, s, len);
		word[len] = '\0';
		colon = strchr(word, ':');
		if (!colon)
			goto bad;
		*colon = '\0';
		port = strtoul(colon + 1, &end, 10);
		if (inet_pton(AF_INET, word, &sin.sin_addr) != 1 ||
		    end == colon + 1 || *end || !port || port > 65535)
			goto bad;
		if (udp.npeers == UDP_PEERS_MAX)
			return am_fail(RPC_FAILURE,
				       "udp transport: udp_peers: more than %d peers",
				       UDP_PEERS_MAX);
		sin.sin_port = htons((u16)port);
		peer_to_link(&sin, &udp.peers[udp.npeers++]);
		s += len;
	}
bad:
	return am_fail(RPC_FAILURE,
		       "udp transport: udp_peers: \"%.*s\" is not IPV4ADDRESS:PORT",
		       (int)len, s);
}

static int32_t udp_settings(unsigned long *port)
{
	const char *peers = am_config("udp_peers");
	unsigned long mtu = UDP_MTU_DEFAULT, ms = UDP_TIMEOUT_MS;
	int32_t err;

	err = setting("udp_port", 0, 65535, 0, port);
	if (!err)
		err = setting("udp_mtu", UDP_MTU_MIN, UDP_MTU_MAX,
			      UDP_MTU_DEFAULT, &mtu);
	if (!err)
		err = setting("trans_timeout_ms", 1, UINT_MAX, UDP_TIMEOUT_MS,
			      &ms);
	if (!err && peers)
		err = parse_peers(peers);
	udp.mtu = (u32)mtu;
	udp.timeout_ns = ms * 1000000ULL;
	return err;
}

static int32_t udp_socket(unsigned long port)
{
	struct sockaddr_in sin = {
		.sin_family = AF_INET,
		.sin_addr.s_addr = htonl(INADDR_ANY),
		.sin_port = htons((u16)port),
	};
	socklen_t slen = sizeof(sin);
	int size = UDP_SOCKBUF;

	udp.fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (udp.fd < 0)
		return am_fail(RPC_FAILURE, "udp transport: socket: %s",
			       strerror(errno));
	if (bind(udp.fd, (struct sockaddr *)&sin, sizeof(sin)) ||
	    getsockname(udp.fd, (struct sockaddr *)&sin, &slen))
		return am_fail(RPC_FAILURE, "udp transport: udp_port %lu: %s",
			       port, strerror(errno));
	/* As root past net.core.[rw]mem_max; else as far as it allows. */
	if (setsockopt(udp.fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)))
		setsockopt(udp.fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	if (setsockopt(udp.fd, SOL_SOCKET, SO_SNDBUFFORCE, &size, sizeof(size)))
		setsockopt(udp.fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof(size));
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	peer_to_link(&sin, &udp.self);
	return 0;
}

static int32_t udp_open(void)
{
	unsigned long port;
	pthread_attr_t attr;
	sigset_t all, old;
	pthread_t thread;
	int32_t err;
	int e;

	err = udp_settings(&port);
	if (!err)
		err = udp_socket(port);
	if (err)
		return err;
	do {
		if (getrandom(&udp.addr, sizeof(udp.addr), 0) !=
		    sizeof(udp.addr))
			return am_fail(RPC_FAILURE,
				       "udp transport: getrandom: %s",
				       strerror(errno));
	} while (udp.addr == FLIP_ADDR_BROADCAST);
	udp.next_tid = (u32)(udp.addr >> 32);
	TAILQ_INIT(&udp.trans);
	flip_pcache_init(&udp.pcache, udp.pcache_ent, UDP_PCACHE_SIZE,
			 60ULL * 1000000000ULL);
	udp_server_init();

	/* Signals are for the application's threads, not this one. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	e = pthread_create(&thread, &attr, udp_receiver, NULL);
	pthread_attr_destroy(&attr);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (e)
		return am_fail(RPC_FAILURE,
			       "udp transport: receiver thread: %s",
			       strerror(e));
	return 0;
}

const struct am_tp am_tp_udp = {
	.name	= "udp",
	.open	= udp_open,
	.trans	= udp_trans,
	.getreq	= udp_getreq,
	.putrep	= udp_putrep,
};
