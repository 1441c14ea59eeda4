// SPDX-License-Identifier: GPL-2.0
/*
 * FLIP over Ethernet: frames of type ETH_P_FLIP in and out of every
 * Ethernet device of a namespace, and local delivery between sockets of
 * the same namespace, which never touches a device.  Packets are built
 * once, with room in front for the link header.  Received packets are
 * never linearized: only the headers are pulled, the data stays in pages.
 */
#include <linux/etherdevice.h>
#include <linux/if_arp.h>
#include <linux/netdevice.h>

#include "amoeba.h"

/* Local delivery carries 64 KiB of data a packet, in page fragments. */
#define AMOEBA_LOCAL_MTU	(65536 + FLIP_RPC_DATA_OFF)

/*
 * An skb holding @pkt's headers with room for pkt->datalen bytes of data
 * after them (already put: the caller fills skb_tail_pointer() - datalen).
 */
struct sk_buff *amoeba_alloc_skb(const struct flip_pkt *pkt, gfp_t gfp)
{
	size_t hlen = flip_hdrs_len(pkt->rh.type, pkt->fh.offset);
	struct sk_buff *skb = amoeba_alloc_raw(hlen + pkt->datalen, gfp);

	if (skb)
		flip_write(skb->data, pkt);
	return skb;
}

/* An skb of @len bytes (already put) with room in front for any link. */
struct sk_buff *amoeba_alloc_raw(size_t len, gfp_t gfp)
{
	struct sk_buff *skb = alloc_skb(LL_MAX_HEADER + len, gfp);

	if (!skb)
		return NULL;
	skb_reserve(skb, LL_MAX_HEADER);
	skb_reset_network_header(skb);
	skb_put(skb, len);
	return skb;
}

static void local_rcv(struct amoeba_net *an, struct sk_buff *skb)
{
	static const struct flip_link local;
	struct flip_pkt pkt;
	enum flip_drop why;

	local_bh_disable();
	amoeba_count(an, AMOEBA_STAT_RX);
	why = flip_parse(skb->data, skb->len, &pkt);
	if (why)
		amoeba_drop(an, why);
	else
		amoeba_rcv(an, &pkt, &local, skb);
	local_bh_enable();
	consume_skb(skb);
}

static bool link_usable(const struct net_device *dev)
{
	/* Bridge and bond ports are reached through their master. */
	return (dev->flags & IFF_UP) && dev->type == ARPHRD_ETHER &&
	       !(dev->flags & IFF_LOOPBACK) &&
	       !netdev_master_upper_dev_get_rcu((struct net_device *)dev);
}

static int dev_xmit(struct net_device *dev, const u8 *dst_mac,
		    struct sk_buff *skb)
{
	if (skb->len > dev->mtu) {
		kfree_skb(skb);
		return -EMSGSIZE;
	}
	if (skb_cow_head(skb, LL_RESERVED_SPACE(dev))) {
		kfree_skb(skb);
		return -ENOMEM;
	}
	skb->dev = dev;
	skb->protocol = htons(ETH_P_FLIP);
	if (dev_hard_header(skb, dev, ETH_P_FLIP, dst_mac, NULL,
			    skb->len) < 0) {
		kfree_skb(skb);
		return -EINVAL;
	}
	return dev_queue_xmit(skb);
}

/* Largest FLIP packet @link carries. */
int amoeba_link_mtu(struct amoeba_net *an, const struct flip_link *link)
{
	struct net_device *dev;
	int mtu = ETH_DATA_LEN;

	if (!link->ifindex)
		return AMOEBA_LOCAL_MTU;
	if (link->ifindex == AMOEBA_UDP_LINK)
		return AMOEBA_UDP_MTU;
	rcu_read_lock();
	dev = dev_get_by_index_rcu(an->net, link->ifindex);
	if (dev)
		mtu = READ_ONCE(dev->mtu);
	rcu_read_unlock();
	return mtu;
}

/* Send @skb (a FLIP packet) over @link; consumes @skb. */
int amoeba_xmit_skb(struct amoeba_net *an, const struct flip_link *link,
		    struct sk_buff *skb)
{
	struct net_device *dev;
	int err;

	amoeba_count(an, AMOEBA_STAT_TX);
	if (!link->ifindex) {
		local_rcv(an, skb);
		return 0;
	}
	if (link->ifindex == AMOEBA_UDP_LINK)
		return amoeba_udp_xmit(an, link, skb);
	rcu_read_lock();
	dev = dev_get_by_index_rcu(an->net, link->ifindex);
	if (dev && (dev->flags & IFF_UP)) {
		err = dev_xmit(dev, link->lladdr, skb);
	} else {
		kfree_skb(skb);
		err = -ENETUNREACH;
	}
	rcu_read_unlock();
	return err;
}

/* Build and send @pkt with pkt->datalen bytes of @data. */
int amoeba_xmit(struct amoeba_net *an, const struct flip_link *link,
		const struct flip_pkt *pkt, const void *data, gfp_t gfp)
{
	struct sk_buff *skb = amoeba_alloc_skb(pkt, gfp);

	if (!skb) {
		amoeba_drop(an, FLIP_DROP_NOMEM);
		return -ENOMEM;
	}
	if (pkt->datalen)
		memcpy(skb_tail_pointer(skb) - pkt->datalen, data,
		       pkt->datalen);
	return amoeba_xmit_skb(an, link, skb);
}
AMOEBA_EXPORT_FOR_TESTS(amoeba_xmit);

/*
 * Send @pkt (header only) to every host on every link, UDP peers
 * included, and to this one.
 */
void amoeba_broadcast(struct amoeba_net *an, const struct flip_pkt *pkt)
{
	static const struct flip_link local;
	struct net_device *dev;
	struct sk_buff *skb;

	rcu_read_lock();
	for_each_netdev_rcu(an->net, dev) {
		if (!link_usable(dev))
			continue;
		skb = amoeba_alloc_skb(pkt, GFP_ATOMIC);
		if (!skb)
			break;
		amoeba_count(an, AMOEBA_STAT_TX);
		dev_xmit(dev, dev->broadcast, skb);
	}
	rcu_read_unlock();

	skb = amoeba_alloc_skb(pkt, GFP_ATOMIC);
	if (!skb)
		return;
	amoeba_udp_flood(an, skb, NULL);
	amoeba_xmit_skb(an, &local, skb);
}

/*
 * Pass a broadcast @skb on over every link but the one it came over (UDP
 * peers included); consumes @skb.
 */
void amoeba_flood(struct amoeba_net *an, struct sk_buff *skb,
		  const struct flip_link *from)
{
	struct net_device *dev;
	struct sk_buff *copy;

	rcu_read_lock();
	for_each_netdev_rcu(an->net, dev) {
		if (!link_usable(dev) || dev->ifindex == from->ifindex)
			continue;
		/* dev_xmit() unshares the head before writing a header. */
		copy = skb_clone(skb, GFP_ATOMIC);
		if (!copy)
			break;
		amoeba_count(an, AMOEBA_STAT_TX);
		dev_xmit(dev, dev->broadcast, copy);
	}
	rcu_read_unlock();
	amoeba_udp_flood(an, skb, from);
	consume_skb(skb);
}

static int flip_eth_rcv(struct sk_buff *skb, struct net_device *dev,
			struct packet_type *pt, struct net_device *orig_dev)
{
	struct amoeba_net *an = amoeba_net(dev_net(dev));
	struct flip_link from = { .ifindex = dev->ifindex };
	struct flip_pkt pkt;
	enum flip_drop why;

	amoeba_count(an, AMOEBA_STAT_RX);
	if (skb->pkt_type == PACKET_OTHERHOST ||
	    skb->pkt_type == PACKET_LOOPBACK) {
		why = FLIP_DROP_NOTFORUS;
		goto drop;
	}
	skb = skb_share_check(skb, GFP_ATOMIC);
	if (!skb || !pskb_may_pull(skb, min_t(u32, skb->len,
					      FLIP_RPC_DATA_OFF))) {
		why = FLIP_DROP_NOMEM;
		goto drop;
	}
	/* Reads headers only, which are in the head now. */
	why = flip_parse(skb->data, skb->len, &pkt);
	if (why)
		goto drop;
	memcpy(from.lladdr, eth_hdr(skb)->h_source, ETH_ALEN);
	amoeba_rcv(an, &pkt, &from, skb);
	consume_skb(skb);
	return NET_RX_SUCCESS;

drop:
	amoeba_drop(an, why);
	kfree_skb(skb);
	return NET_RX_DROP;
}

static struct packet_type flip_packet_type __read_mostly = {
	.type = cpu_to_be16(ETH_P_FLIP),
	.func = flip_eth_rcv,
};

int amoeba_link_init(void)
{
	dev_add_pack(&flip_packet_type);
	return 0;
}

void amoeba_link_exit(void)
{
	/* Waits for receive handlers still running on other CPUs. */
	dev_remove_pack(&flip_packet_type);
}
