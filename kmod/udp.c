// SPDX-License-Identifier: GPL-2.0
/*
 * FLIP over UDP: the second kind of link, which joins FLIP networks across
 * IP (the WAN gateway of the Amoeba papers).  A namespace listens on
 * net.amoeba.udp_port and exchanges FLIP packets, one per datagram, with
 * the peers listed in net.amoeba.udp_peers and no one else.  To the rest
 * of the module each peer is a neighbour on a link like an Ethernet one:
 * broadcasts go to every peer, routes name a peer, and a host that
 * forwards joins its Ethernet segments to its peers.
 *
 * Datagrams arrive through the UDP socket's encapsulation hook, in the
 * receive softirq, like VXLAN's.  They leave from a work item, because
 * packets are sent from the receive path too and a UDP send may sleep.
 */
#include <linux/inet.h>
#include <linux/slab.h>
#include <linux/workqueue.h>
#include <net/udp.h>
#include <net/udp_tunnel.h>

#include "amoeba.h"
#include "compat.h"

/* Datagrams waiting for the work item; beyond this they are dropped. */
#define AMOEBA_UDP_TXQ		1024

/* Where a queued datagram goes, in its skb's control block. */
struct amoeba_udp_cb {
	__be32	addr;
	__be16	port;
};

static void link_to_peer(const struct flip_link *link, __be32 *addr,
			 __be16 *port)
{
	memcpy(addr, link->lladdr, 4);
	memcpy(port, link->lladdr + 4, 2);
}

static void peer_to_link(__be32 addr, __be16 port, struct flip_link *link)
{
	memset(link, 0, sizeof(*link));
	link->ifindex = AMOEBA_UDP_LINK;
	memcpy(link->lladdr, &addr, 4);
	memcpy(link->lladdr + 4, &port, 2);
}

static bool peer_known(struct amoeba_net *an, const struct flip_link *link)
{
	bool known = false;
	int i;

	spin_lock_bh(&an->udp_lock);
	for (i = 0; i < an->udp_npeers; i++)
		known |= !memcmp(&an->udp_peers[i], link, sizeof(*link));
	spin_unlock_bh(&an->udp_lock);
	return known;
}

static int amoeba_udp_rcv(struct sock *sk, struct sk_buff *skb)
{
	struct amoeba_net *an = rcu_dereference_sk_user_data(sk);
	struct flip_link from;
	struct flip_pkt pkt;
	enum flip_drop why;

	if (!an) {
		kfree_skb(skb);
		return 0;
	}
	amoeba_count(an, AMOEBA_STAT_RX);
	peer_to_link(ip_hdr(skb)->saddr, udp_hdr(skb)->source, &from);
	if (!peer_known(an, &from)) {
		why = FLIP_DROP_NOTFORUS;
		goto drop;
	}
	__skb_pull(skb, sizeof(struct udphdr));
	if (!pskb_may_pull(skb, min_t(u32, skb->len, FLIP_RPC_DATA_OFF))) {
		why = FLIP_DROP_NOMEM;
		goto drop;
	}
	why = flip_parse(skb->data, skb->len, &pkt);
	if (why)
		goto drop;
	amoeba_rcv(an, &pkt, &from, skb);
	consume_skb(skb);
	return 0;

drop:
	amoeba_drop(an, why);
	kfree_skb(skb);
	return 0;
}

/* Queue @skb (a FLIP packet) for the peer @link names; consumes @skb. */
int amoeba_udp_xmit(struct amoeba_net *an, const struct flip_link *link,
		    struct sk_buff *skb)
{
	struct amoeba_udp_cb *cb = (struct amoeba_udp_cb *)skb->cb;

	if (skb->len > AMOEBA_UDP_MAX) {
		kfree_skb(skb);
		return -EMSGSIZE;
	}
	/* A route or cache entry may outlive its peer's removal. */
	if (!peer_known(an, link)) {
		amoeba_drop(an, FLIP_DROP_NOROUTE);
		kfree_skb(skb);
		return -ENETUNREACH;
	}
	if (skb_queue_len(&an->udp_txq) >= AMOEBA_UDP_TXQ ||
	    !READ_ONCE(an->udp_sock)) {
		amoeba_drop(an, FLIP_DROP_FULL);
		kfree_skb(skb);
		return -ENOBUFS;
	}
	link_to_peer(link, &cb->addr, &cb->port);
	skb_queue_tail(&an->udp_txq, skb);
	schedule_work(&an->udp_work);
	return 0;
}

static void udp_tx_work(struct work_struct *work)
{
	struct amoeba_net *an = container_of(work, struct amoeba_net,
					     udp_work);
	struct sockaddr_in sin = { .sin_family = AF_INET };
	struct msghdr msg = {
		.msg_name = &sin,
		.msg_namelen = sizeof(sin),
		.msg_flags = MSG_DONTWAIT,
	};
	struct amoeba_udp_cb *cb;
	struct sk_buff *skb;
	struct kvec kv;

	mutex_lock(&an->udp_mutex);
	while ((skb = skb_dequeue(&an->udp_txq))) {
		cb = (struct amoeba_udp_cb *)skb->cb;
		sin.sin_addr.s_addr = cb->addr;
		sin.sin_port = cb->port;
		if (an->udp_sock && !skb_linearize(skb)) {
			kv.iov_base = skb->data;
			kv.iov_len = skb->len;
			kernel_sendmsg(an->udp_sock, &msg, &kv, 1, skb->len);
		}
		consume_skb(skb);
	}
	mutex_unlock(&an->udp_mutex);
}

/* Send a copy of broadcast @skb to every peer but @except (may be NULL). */
void amoeba_udp_flood(struct amoeba_net *an, struct sk_buff *skb,
		      const struct flip_link *except)
{
	struct flip_link peers[AMOEBA_UDP_PEERS];
	struct sk_buff *copy;
	int i, n;

	spin_lock_bh(&an->udp_lock);
	n = an->udp_npeers;
	memcpy(peers, an->udp_peers, sizeof(peers[0]) * n);
	spin_unlock_bh(&an->udp_lock);
	for (i = 0; i < n; i++) {
		if (except && !memcmp(&peers[i], except, sizeof(*except)))
			continue;
		copy = skb_copy(skb, GFP_ATOMIC);
		if (!copy)
			break;
		amoeba_count(an, AMOEBA_STAT_TX);
		amoeba_udp_xmit(an, &peers[i], copy);
	}
}

static void udp_close(struct amoeba_net *an)
{
	struct socket *sock;

	mutex_lock(&an->udp_mutex);
	sock = an->udp_sock;
	WRITE_ONCE(an->udp_sock, NULL);
	mutex_unlock(&an->udp_mutex);
	if (!sock)
		return;
	rcu_assign_sk_user_data(sock->sk, NULL);
	kernel_sock_shutdown(sock, SHUT_RDWR);
	sock_release(sock);
}

static int udp_open(struct amoeba_net *an, u16 port)
{
	struct sockaddr_in sin = {
		.sin_family = AF_INET,
		.sin_addr.s_addr = htonl(INADDR_ANY),
		.sin_port = htons(port),
	};
	struct socket *sock;
	int err;

	err = sock_create_kern(an->net, AF_INET, SOCK_DGRAM, IPPROTO_UDP,
			       &sock);
	if (err)
		return err;
	err = kernel_bind(sock, (struct sockaddr *)&sin, sizeof(sin));
	if (err) {
		sock_release(sock);
		return err;
	}
	rcu_assign_sk_user_data(sock->sk, an);
	udp_sk(sock->sk)->encap_type = 1;
	udp_sk(sock->sk)->encap_rcv = amoeba_udp_rcv;
	udp_tunnel_encap_enable(sock->sk);
	mutex_lock(&an->udp_mutex);
	WRITE_ONCE(an->udp_sock, sock);
	mutex_unlock(&an->udp_mutex);
	return 0;
}

/* net.amoeba.udp_port: 0 closes the link, a port (re)opens it there. */
int amoeba_udp_port_sysctl(AMOEBA_CTL_CONST struct ctl_table *ctl, int write,
			   void *buffer, size_t *lenp, loff_t *ppos)
{
	struct amoeba_net *an = ctl->data;
	struct ctl_table tmp = *ctl;
	int port, err;

	/* One writer at a time, or two could each open a socket. */
	mutex_lock(&an->udp_cfg);
	port = an->udp_port;
	tmp.data = &port;
	err = proc_dointvec_minmax(&tmp, write, buffer, lenp, ppos);
	if (err || !write || port == an->udp_port)
		goto out;
	udp_close(an);
	an->udp_port = 0;
	if (port) {
		err = udp_open(an, port);
		if (!err)
			an->udp_port = port;
	}
out:
	mutex_unlock(&an->udp_cfg);
	return err;
}

/*
 * Parse "ADDR:PORT ADDR:PORT ..." (IPv4, ports 1..65535, at most
 * AMOEBA_UDP_PEERS) into @peers: the count, or -EINVAL.
 */
int amoeba_parse_peers(const char *s, struct flip_link *peers)
{
	char word[sizeof("255.255.255.255:65535")];
	const char *colon;
	__be32 addr;
	size_t len;
	int n = 0;
	u16 port;

	while (*(s = skip_spaces(s))) {
		len = strcspn(s, " \t\n");
		if (len >= sizeof(word) || n == AMOEBA_UDP_PEERS)
			return -EINVAL;
		memcpy(word, s, len);
		word[len] = '\0';
		s += len;
		colon = strchr(word, ':');
		if (!colon || colon == word ||
		    !in4_pton(word, colon - word, (u8 *)&addr, -1, NULL) ||
		    kstrtou16(colon + 1, 10, &port) || !port)
			return -EINVAL;
		peer_to_link(addr, htons(port), &peers[n++]);
	}
	return n;
}
AMOEBA_EXPORT_FOR_TESTS(amoeba_parse_peers);

/* net.amoeba.udp_peers: whom the link talks to, replaced as a whole. */
int amoeba_udp_peers_sysctl(AMOEBA_CTL_CONST struct ctl_table *ctl, int write,
			    void *buffer, size_t *lenp, loff_t *ppos)
{
	struct flip_link peers[AMOEBA_UDP_PEERS];
	struct amoeba_net *an = ctl->data;
	struct ctl_table tmp = *ctl;
	char text[AMOEBA_UDP_PEERS_LEN];
	int err, n;

	mutex_lock(&an->udp_mutex);
	memcpy(text, an->udp_peers_text, sizeof(text));
	mutex_unlock(&an->udp_mutex);
	tmp.data = text;
	err = proc_dostring(&tmp, write, buffer, lenp, ppos);
	if (err || !write)
		return err;
	n = amoeba_parse_peers(text, peers);
	if (n < 0)
		return n;
	mutex_lock(&an->udp_mutex);
	memcpy(an->udp_peers_text, text, sizeof(text));
	spin_lock_bh(&an->udp_lock);
	memcpy(an->udp_peers, peers, sizeof(peers[0]) * n);
	an->udp_npeers = n;
	spin_unlock_bh(&an->udp_lock);
	mutex_unlock(&an->udp_mutex);
	return 0;
}

void amoeba_udp_init(struct amoeba_net *an)
{
	mutex_init(&an->udp_cfg);
	mutex_init(&an->udp_mutex);
	spin_lock_init(&an->udp_lock);
	skb_queue_head_init(&an->udp_txq);
	INIT_WORK(&an->udp_work, udp_tx_work);
}

/* The namespace goes: no datagram may arrive or leave after this. */
void amoeba_udp_exit(struct amoeba_net *an)
{
	udp_close(an);
	/* A datagram being received may still queue one to send. */
	synchronize_net();
	cancel_work_sync(&an->udp_work);
	skb_queue_purge(&an->udp_txq);
}
