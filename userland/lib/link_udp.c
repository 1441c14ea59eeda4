// SPDX-License-Identifier: GPL-2.0
/*
 * The udp transport's link: its socket, its peers, sending packets and
 * the receiver thread that dispatches them to the user-space host
 * (uh.h).  Settings:
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
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "uh.h"

/* flip_link.ifindex of a UDP peer, as in amoeba.ko. */
#define UDP_LINK	0xffffffffU
/* Socket buffers: room for a window in flight from several peers. */
#define UDP_SOCKBUF	(4 << 20)
#define UDP_PEERS_MAX	32
#define UDP_MTU_DEFAULT	1472	/* one IPv4 packet of 1500, as amoeba.ko */
#define UDP_MTU_MIN	576
#define UDP_MTU_MAX	65507

/* The link's own state; the lock is uh.lock, where one is needed. */
static struct {
	int			fd;
	struct flip_link	self;		/* its own socket, on loopback */
	struct flip_link	peers[UDP_PEERS_MAX];
	int			npeers;
} udp = {
	.fd	= -1,
};

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

static const char *udp_link_name(const struct flip_link *link, char *buf, size_t len)
{
	struct sockaddr_in sin;
	char a[INET_ADDRSTRLEN];

	link_to_peer(link, &sin);
	inet_ntop(AF_INET, &sin.sin_addr, a, sizeof(a));
	snprintf(buf, len, "%s:%u", a, ntohs(sin.sin_port));
	return buf;
}

/*
 * One datagram of headers and data: the data goes from the caller's
 * memory to the socket without a copy of ours.
 */
static int udp_send(const struct flip_link *to, const void *hdrs,
		    size_t hlen, const void *data, size_t len)
{
	struct sockaddr_in sin;
	struct iovec iov[2] = {
		{ .iov_base = (void *)hdrs, .iov_len = hlen },
		{ .iov_base = (void *)data, .iov_len = len },
	};
	struct msghdr msg = {
		.msg_name = &sin,
		.msg_namelen = sizeof(sin),
		.msg_iov = iov,
		.msg_iovlen = len ? 2 : 1,
	};

	link_to_peer(to, &sin);
	if (sendmsg(udp.fd, &msg, MSG_DONTWAIT) < 0)
		return -errno;
	return 0;
}

/*
 * To every peer, and to this process itself when it serves ports, so a
 * client finds a server in its own process as amoeba.ko finds a socket
 * of its own namespace.
 */
static void udp_broadcast(const void *hdrs, size_t hlen)
{
	int i;

	for (i = 0; i < udp.npeers; i++)
		udp_send(&udp.peers[i], hdrs, hlen, NULL, 0);
	if (__atomic_load_n(&uh.nports, __ATOMIC_RELAXED))
		udp_send(&udp.self, hdrs, hlen, NULL, 0);
}

static const char *udp_locate_hint(char *buf, size_t len)
{
	snprintf(buf, len, ", %d peer%s%s", udp.npeers,
		 udp.npeers == 1 ? "" : "s",
		 udp.npeers ? "" : ": set AMOEBA_UDP_PEERS");
	return buf;
}

/* The receiver: every datagram, for the life of the process. */
static void *udp_receiver(void *arg)
{
	static u8 buf[65536];
	struct sockaddr_in sin;
	struct flip_link from;
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
		pthread_mutex_lock(&uh.lock);
		uh_input(buf, (size_t)n, &from);
		pthread_mutex_unlock(&uh.lock);
	}
	return NULL;
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

static int32_t udp_settings(unsigned long *port, unsigned long *mtu)
{
	const char *peers = am_config("udp_peers");
	int32_t err;

	err = uh_setting("udp", "udp_port", 0, 65535, 0, port);
	if (!err)
		err = uh_setting("udp", "udp_mtu", UDP_MTU_MIN, UDP_MTU_MAX,
				 UDP_MTU_DEFAULT, mtu);
	if (!err && peers)
		err = parse_peers(peers);
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

static const struct uh_link udp_link = {
	.name		= "udp",
	.send		= udp_send,
	.broadcast	= udp_broadcast,
	.wait		= uh_cond_wait,
	.link_name	= udp_link_name,
	.locate_hint	= udp_locate_hint,
};

static int32_t udp_open(void)
{
	unsigned long port, mtu;
	pthread_attr_t attr;
	sigset_t all, old;
	pthread_t thread;
	int32_t err;
	int e;

	err = udp_settings(&port, &mtu);
	if (!err)
		err = udp_socket(port);
	if (!err)
		err = uh_init(&udp_link, (u32)mtu, UDP_MTU_MIN);
	if (err)
		return err;

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
	.trans	= uh_trans,
	.getreq	= uh_getreq,
	.putrep	= uh_putrep,
};
