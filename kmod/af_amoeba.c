// SPDX-License-Identifier: GPL-2.0
/*
 * AF_AMOEBA: the socket family of Amoeba RPC.  A socket is a FLIP endpoint
 * with its own random 64-bit address; a server binds a secret get-port and
 * serves the public put-port F(get-port); a client transacts with a
 * put-port, which broadcast locate turns into an address.  The RPC calls
 * are ioctls (AMIOC_TRANS, AMIOC_GETREQ, AMIOC_PUTREP) because a
 * transaction is one send and one receive that must not be split: one
 * system call each way.  This file holds the socket operations, the
 * per-namespace state and module set-up.
 */
#include <crypto/sha2.h>
#include <linux/module.h>
#include <linux/net.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/socket.h>
#include <linux/uio.h>
#include <net/netns/generic.h>

#include "amoeba.h"
#include "compat.h"

int amoeba_family = AF_AMOEBA;
AMOEBA_EXPORT_FOR_TESTS(amoeba_family);
module_param_named(family, amoeba_family, int, 0444);
MODULE_PARM_DESC(family, "address family number to register (default 22)");

unsigned int amoeba_trans_timeout_ms = 5000;
module_param_named(trans_timeout_ms, amoeba_trans_timeout_ms, uint, 0644);
MODULE_PARM_DESC(trans_timeout_ms,
		 "default transaction timeout in ms when neither the call nor SO_RCVTIMEO sets one");

unsigned int amoeba_sock_budget_kb = 4096;
AMOEBA_EXPORT_FOR_TESTS(amoeba_sock_budget_kb);
module_param_named(sock_budget_kb, amoeba_sock_budget_kb, uint, 0644);
MODULE_PARM_DESC(sock_budget_kb,
		 "KiB of request data a server socket holds while it arrives or waits for getreq");

unsigned int amoeba_net_budget_kb = 65536;
module_param_named(net_budget_kb, amoeba_net_budget_kb, uint, 0644);
MODULE_PARM_DESC(net_budget_kb,
		 "KiB of such request data all sockets of a namespace hold together");

unsigned int amoeba_net_id __read_mostly;
AMOEBA_EXPORT_FOR_TESTS(amoeba_net_id);

/*
 * No .owner: a socket's memory is freed an RCU grace period after close
 * (SOCK_RCU_FREE), and a module reference held until then would make
 * rmmod fail right after the last close.  The socket holds the module
 * through amoeba_ops.owner while it is open, and amoeba_exit() waits for
 * the pending frees with rcu_barrier().
 */
static struct proto amoeba_proto = {
	.name		= "AMOEBA",
	.obj_size	= sizeof(struct amoeba_sock),
};

/*
 * The F-box: put-port = the first 48 bits of SHA-256(get-port).  Whoever
 * knows only a put-port cannot find a get-port that serves it.  The null
 * port maps to itself, and no other port maps to it.
 */
void amoeba_fbox(const struct am_port *get, struct am_port *put)
{
	u8 digest[SHA256_DIGEST_SIZE];

	if (flip_port_null(get)) {
		memset(put, 0, sizeof(*put));
		return;
	}
	sha256(get->p, AM_PORTSIZE, digest);
	memcpy(put->p, digest, AM_PORTSIZE);
	if (flip_port_null(put))
		put->p[0] = 1;
}
EXPORT_SYMBOL_GPL(amoeba_fbox);

static bool sockaddr_ok(const struct sockaddr_amoeba *sam)
{
	return !sam->sam_zero && !memchr_inv(sam->sam_pad, 0,
					     sizeof(sam->sam_pad)) &&
	       !flip_port_null(&sam->sam_port);
}

static int amoeba_bind(struct socket *sock, struct sockaddr *addr, int len)
{
	struct sockaddr_amoeba *sam = (struct sockaddr_amoeba *)addr;
	struct amoeba_sock *as = amoeba_sk(sock->sk);
	struct amoeba_net *an = as->an;
	struct am_port put;
	int err;

	if (len < (int)sizeof(*sam))
		return -EINVAL;
	if (sam->sam_family != amoeba_family)
		return -EAFNOSUPPORT;
	if (!sockaddr_ok(sam))
		return -EINVAL;
	amoeba_fbox(&sam->sam_port, &put);

	lock_sock(sock->sk);
	err = -EINVAL;
	if (as->bound || as->dedup_ent)
		goto out;
	err = amoeba_sock_bind_rpc(as);
	if (err)
		goto out;
	spin_lock_bh(&an->lock);
	if (amoeba_lookup_port(an, &put)) {
		err = -EADDRINUSE;
	} else {
		as->putport = put;
		hash_add_rcu(an->by_port, &as->port_node, flip_port_hash(&put));
		WRITE_ONCE(as->bound, true);
	}
	spin_unlock_bh(&an->lock);
	if (err) {
		kfree(as->dedup_ent);
		as->dedup_ent = NULL;
	}
out:
	release_sock(sock->sk);
	return err;
}

/* The name of a bound socket is its put-port, which clients need. */
static int amoeba_getname(struct socket *sock, struct sockaddr *addr, int peer)
{
	struct sockaddr_amoeba *sam = (struct sockaddr_amoeba *)addr;
	struct amoeba_sock *as = amoeba_sk(sock->sk);

	if (peer)
		return -EOPNOTSUPP;
	memset(sam, 0, sizeof(*sam));
	sam->sam_family = amoeba_family;
	lock_sock(sock->sk);
	if (as->bound)
		sam->sam_port = as->putport;
	release_sock(sock->sk);
	return sizeof(*sam);
}

/*
 * SHUT_RD stops getreq (the way to stop server threads), SHUT_WR stops
 * trans and putrep; (how + 1) maps them onto RCV_ and SEND_SHUTDOWN.
 */
static int amoeba_shutdown(struct socket *sock, int how)
{
	struct sock *sk = sock->sk;

	if (how < SHUT_RD || how > SHUT_RDWR)
		return -EINVAL;
	lock_sock(sk);
	WRITE_ONCE(sk->sk_shutdown, sk->sk_shutdown | (how + 1));
	release_sock(sk);
	sk->sk_state_change(sk);
	return 0;
}

/* Readable when a request waits for getreq; writable always. */
static __poll_t amoeba_poll(struct file *file, struct socket *sock,
			    poll_table *wait)
{
	struct amoeba_sock *as = amoeba_sk(sock->sk);
	u8 shutdown = READ_ONCE(sock->sk->sk_shutdown);
	__poll_t mask = 0;

	sock_poll_wait(file, sock, wait);
	if (READ_ONCE(as->npending))
		mask |= EPOLLIN | EPOLLRDNORM;
	if (shutdown & RCV_SHUTDOWN)
		mask |= EPOLLRDHUP | EPOLLIN | EPOLLRDNORM;
	if (!(shutdown & SEND_SHUTDOWN))
		mask |= EPOLLOUT | EPOLLWRNORM;
	return mask;
}

static u32 trans_timeout(const struct sock *sk, u32 asked)
{
	long rcvtimeo = READ_ONCE(sk->sk_rcvtimeo);

	if (asked)
		return asked;
	if (rcvtimeo != MAX_SCHEDULE_TIMEOUT && rcvtimeo)
		return jiffies_to_msecs(rcvtimeo);
	return READ_ONCE(amoeba_trans_timeout_ms);
}

/* Data to send may not exceed AM_MAXBUF; room to receive is cut to it. */
static int import_buf(int dir, u64 ubuf, u32 size, struct iov_iter *it)
{
	void __user *p = u64_to_user_ptr(ubuf);

	if (size > AM_MAXBUF) {
		if (dir == ITER_SOURCE)
			return -EMSGSIZE;
		size = AM_MAXBUF;
	}
	if (!access_ok(p, size))
		return -EFAULT;
	iov_iter_ubuf(it, dir, p, size);
	return 0;
}

static long ioctl_trans(struct amoeba_sock *as, struct am_trans __user *ut)
{
	struct iov_iter req, rep;
	struct am_trans t;
	long ret;

	if (copy_from_user(&t, ut, sizeof(t)))
		return -EFAULT;
	if (t.flags || t.req.id || t.rep.id)
		return -EINVAL;
	ret = import_buf(ITER_SOURCE, t.req.buf, t.req.size, &req);
	if (!ret)
		ret = import_buf(ITER_DEST, t.rep.buf, t.rep.size, &rep);
	if (ret)
		return ret;
	t.timeout_ms = trans_timeout(&as->sk, t.timeout_ms);
	ret = amoeba_trans(as, &t, &req, &rep);
	if (ret >= 0 && copy_to_user(&ut->rep.hdr, &t.rep.hdr,
				     sizeof(t.rep.hdr)))
		ret = -EFAULT;
	return ret;
}

static long ioctl_getreq(struct amoeba_sock *as, struct am_io __user *uio)
{
	struct iov_iter buf;
	struct am_io io;
	long ret;

	if (copy_from_user(&io, uio, sizeof(io)))
		return -EFAULT;
	ret = import_buf(ITER_DEST, io.buf, io.size, &buf);
	if (ret)
		return ret;
	ret = amoeba_getreq(as, &io, &buf,
			    sock_rcvtimeo(&as->sk,
					  as->sk.sk_socket->file->f_flags &
					  O_NONBLOCK));
	/*
	 * A request taken but not reported would never be answered: the
	 * header and id sit in memory that copy_from_user just read, so this
	 * only fails if another thread unmaps it meanwhile.
	 */
	if (ret >= 0 && (copy_to_user(&uio->hdr, &io.hdr, sizeof(io.hdr)) ||
			 put_user(io.id, &uio->id)))
		ret = -EFAULT;
	return ret;
}

static long ioctl_putrep(struct amoeba_sock *as, unsigned int cmd,
			 void __user *argp)
{
	struct am_putrep rep = { };
	struct iov_iter buf;
	long ret;

	if (cmd == AMIOC_PUTREP_TIMEO) {
		if (copy_from_user(&rep, argp, sizeof(rep)))
			return -EFAULT;
		if (rep.flags)
			return -EINVAL;
	} else if (copy_from_user(&rep.rep, argp, sizeof(rep.rep))) {
		return -EFAULT;
	}
	ret = import_buf(ITER_SOURCE, rep.rep.buf, rep.rep.size, &buf);
	if (ret)
		return ret;
	return amoeba_putrep(as, &rep.rep, &buf, rep.timeout_ms);
}

static int amoeba_ioctl(struct socket *sock, unsigned int cmd,
			unsigned long arg)
{
	struct amoeba_sock *as = amoeba_sk(sock->sk);
	void __user *argp = (void __user *)arg;

	switch (cmd) {
	case AMIOC_TRANS:
	case AMIOC_PUTREP:
	case AMIOC_PUTREP_TIMEO:
		if (READ_ONCE(sock->sk->sk_shutdown) & SEND_SHUTDOWN)
			return -EPIPE;
		return cmd == AMIOC_TRANS ? ioctl_trans(as, argp) :
					    ioctl_putrep(as, cmd, argp);
	case AMIOC_GETREQ:
		return ioctl_getreq(as, argp);
	}
	return -ENOIOCTLCMD;
}

static int amoeba_release(struct socket *sock)
{
	struct sock *sk = sock->sk;
	struct amoeba_sock *as;
	struct amoeba_net *an;

	if (!sk)
		return 0;
	as = amoeba_sk(sk);
	an = as->an;

	spin_lock_bh(&an->lock);
	hash_del_rcu(&as->addr_node);
	if (as->bound)
		hash_del_rcu(&as->port_node);
	spin_unlock_bh(&an->lock);
	amoeba_sock_purge(as);

	sock_orphan(sk);
	sock->sk = NULL;
	sock_put(sk);
	return 0;
}

/*
 * .family is informational: sockets are created through amoeba_family_ops,
 * whose family number comes from the module parameter.
 */
static const struct proto_ops amoeba_ops = {
	.family		= AF_AMOEBA,
	.owner		= THIS_MODULE,
	.release	= amoeba_release,
	.bind		= amoeba_bind,
	.connect	= sock_no_connect,
	.socketpair	= sock_no_socketpair,
	.accept		= sock_no_accept,
	.getname	= amoeba_getname,
	.poll		= amoeba_poll,
	.ioctl		= amoeba_ioctl,
	.gettstamp	= sock_gettstamp,
	.listen		= sock_no_listen,
	.shutdown	= amoeba_shutdown,
	.sendmsg	= sock_no_sendmsg,
	.recvmsg	= sock_no_recvmsg,
	.mmap		= sock_no_mmap,
	AMOEBA_OPS_NO_SENDPAGE
};

/* A fresh, unused, non-null FLIP address for a new socket. */
static void assign_addr(struct amoeba_net *an, struct amoeba_sock *as)
{
	struct amoeba_sock *other;
	bool clash;

	spin_lock_bh(&an->lock);
	do {
		as->addr = get_random_u64();
		clash = !as->addr;
		hash_for_each_possible(an->by_addr, other, addr_node, as->addr)
			clash |= other->addr == as->addr;
	} while (clash);
	hash_add_rcu(an->by_addr, &as->addr_node, as->addr);
	spin_unlock_bh(&an->lock);
}

static int amoeba_create(struct net *net, struct socket *sock, int protocol,
			 int kern)
{
	struct amoeba_sock *as;
	struct sock *sk;

	if (sock->type != SOCK_DGRAM)
		return -ESOCKTNOSUPPORT;
	if (protocol)
		return -EPROTONOSUPPORT;
	sk = sk_alloc(net, amoeba_family, GFP_KERNEL, &amoeba_proto, kern);
	if (!sk)
		return -ENOMEM;
	sock->ops = &amoeba_ops;
	sock_init_data(sock, sk);
	/* The receive path looks sockets up under RCU alone. */
	sock_set_flag(sk, SOCK_RCU_FREE);

	as = amoeba_sk(sk);
	as->an = amoeba_net(net);
	amoeba_sock_init_rpc(as);
	assign_addr(as->an, as);
	return 0;
}

static struct net_proto_family amoeba_family_ops = {
	.create	= amoeba_create,
	.owner	= THIS_MODULE,
};

static int __net_init amoeba_net_init(struct net *net)
{
	struct amoeba_net *an = amoeba_net(net);
	int err;

	an->net = net;
	spin_lock_init(&an->lock);
	seqlock_init(&an->pcache_lock);
	hash_init(an->by_addr);
	hash_init(an->by_port);
	flip_pcache_init(&an->pcache, an->pcache_ent, AMOEBA_PCACHE_SIZE,
			 60ULL * NSEC_PER_SEC);
	an->cnt = alloc_percpu(struct amoeba_counters);
	if (!an->cnt)
		return -ENOMEM;
	amoeba_forward_init(an);
	amoeba_udp_init(an);
	err = amoeba_sysctl_init(net);
	if (err)
		goto out_cnt;
	err = amoeba_proc_init(net);
	if (err)
		goto out_sysctl;
	return 0;

out_sysctl:
	amoeba_sysctl_exit(net);
out_cnt:
	free_percpu(an->cnt);
	return err;
}

static void __net_exit amoeba_net_exit(struct net *net)
{
	struct amoeba_net *an = amoeba_net(net);

	amoeba_proc_exit(net);
	/* No switch is turned while the link goes. */
	amoeba_sysctl_exit(net);
	amoeba_udp_exit(an);
	free_percpu(an->cnt);
}

static struct pernet_operations amoeba_net_ops = {
	.init	= amoeba_net_init,
	.exit	= amoeba_net_exit,
	.id	= &amoeba_net_id,
	.size	= sizeof(struct amoeba_net),
};

static int __init amoeba_init(void)
{
	int err;

	if (amoeba_family <= 0 || amoeba_family >= AF_MAX) {
		pr_err("amoeba: family %d out of range 1..%d\n",
		       amoeba_family, AF_MAX - 1);
		return -EINVAL;
	}
	amoeba_family_ops.family = amoeba_family;

	err = proto_register(&amoeba_proto, 0);
	if (err)
		return err;
	err = register_pernet_subsys(&amoeba_net_ops);
	if (err)
		goto out_proto;
	err = sock_register(&amoeba_family_ops);
	if (err) {
		pr_err("amoeba: family %d is taken (%d); load with family=N\n",
		       amoeba_family, err);
		goto out_pernet;
	}
	amoeba_link_init();
	pr_info("amoeba: AF_AMOEBA registered as family %d, FLIP ethertype 0x%04x\n",
		amoeba_family, ETH_P_FLIP);
	return 0;

out_pernet:
	unregister_pernet_subsys(&amoeba_net_ops);
out_proto:
	proto_unregister(&amoeba_proto);
	return err;
}

static void __exit amoeba_exit(void)
{
	amoeba_link_exit();
	sock_unregister(amoeba_family);
	/* Sockets closed just before still have their memory to free. */
	rcu_barrier();
	unregister_pernet_subsys(&amoeba_net_ops);
	proto_unregister(&amoeba_proto);
}

module_init(amoeba_init);
module_exit(amoeba_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("AF_AMOEBA: Amoeba RPC over FLIP");
MODULE_ALIAS_NETPROTO(AF_AMOEBA);
