// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel transport: the AF_AMOEBA socket of amoeba.ko.  One socket
 * for all of a process's transactions (the module runs many at once on
 * one socket), and one bound socket per get-port served, shared by every
 * thread serving it.  Bound sockets are non-blocking, and a getreq waits
 * in poll(), so that a timeout of one thread never changes another's.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "am.h"

#define FAMILY_PARAM	"/sys/module/amoeba/parameters/family"
#define MAX_PORTS	64

struct kport {
	struct am_port	get;
	int		fd;
};

static int family = AF_AMOEBA;
static int client_fd = -1;
static struct kport ports[MAX_PORTS];
static int nports;
static pthread_mutex_t ports_lock = PTHREAD_MUTEX_INITIALIZER;

/* The module may register another family number (its "family" option). */
static void read_family(void)
{
	char line[32], *end;
	FILE *f = fopen(FAMILY_PARAM, "re");
	long v;

	if (!f)
		return;
	if (fgets(line, sizeof(line), f)) {
		v = strtol(line, &end, 10);
		if (end != line && v > 0 && v < 256)
			family = (int)v;
	}
	fclose(f);
}

/* The module's errno for a failed call, as Amoeba's status codes. */
static int32_t errno_rpc(int err, const char *call)
{
	int32_t rpc;

	switch (err) {
	case EHOSTUNREACH:
		rpc = RPC_NOTFOUND;
		break;
	case EDESTADDRREQ:
		rpc = RPC_BADPORT;
		break;
	case EINTR:
		rpc = RPC_ABORTED;
		break;
	case EMSGSIZE:
	case EFAULT:
	case ENOENT:
		rpc = RPC_BADADDRESS;
		break;
	default:
		rpc = RPC_FAILURE;
	}
	return am_fail(rpc, "%s: %s", call, strerror(err));
}

static int32_t kernel_open(void)
{
	read_family();
	client_fd = socket(family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (client_fd < 0)
		return am_fail(RPC_FAILURE,
			       "kernel transport: socket(family %d): %s (is the amoeba module loaded? AMOEBA_TRANSPORT=udp needs none)",
			       family, strerror(errno));
	return 0;
}

static int32_t kernel_trans(const struct am_hdr *reqhdr, const void *req,
			    size_t reqlen, struct am_hdr *rephdr, void *rep,
			    size_t replen, uint32_t ms)
{
	struct am_trans t;
	int n;

	memset(&t, 0, sizeof(t));
	t.req.hdr = *reqhdr;
	t.req.buf = (uintptr_t)req;
	t.req.size = (uint32_t)reqlen;
	t.rep.buf = (uintptr_t)rep;
	t.rep.size = (uint32_t)replen;
	t.timeout_ms = ms;
	n = ioctl(client_fd, AMIOC_TRANS, &t);
	if (n < 0)
		return errno_rpc(errno, "trans");
	*rephdr = t.rep.hdr;
	return n;
}

/* The socket serving @get, bound on first use; -1 with am_fail text. */
static int port_fd(const struct am_port *get, struct kport **kp)
{
	struct sockaddr_amoeba sam;
	int i, fd;

	pthread_mutex_lock(&ports_lock);
	for (i = 0; i < nports; i++) {
		if (!memcmp(&ports[i].get, get, sizeof(*get))) {
			*kp = &ports[i];
			pthread_mutex_unlock(&ports_lock);
			return ports[i].fd;
		}
	}
	if (nports == MAX_PORTS) {
		pthread_mutex_unlock(&ports_lock);
		return am_fail(-1, "getreq: more than %d get-ports served",
			       MAX_PORTS);
	}
	fd = socket(family, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	memset(&sam, 0, sizeof(sam));
	sam.sam_family = (__kernel_sa_family_t)family;
	sam.sam_port = *get;
	if (fd < 0 || bind(fd, (struct sockaddr *)&sam, sizeof(sam))) {
		am_fail(-1, "getreq: %s: %s", fd < 0 ? "socket" : "bind",
			strerror(errno));
		if (fd >= 0)
			close(fd);
		pthread_mutex_unlock(&ports_lock);
		return -1;
	}
	ports[nports].get = *get;
	ports[nports].fd = fd;
	*kp = &ports[nports++];
	pthread_mutex_unlock(&ports_lock);
	return fd;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static int32_t kernel_getreq(const struct am_port *getport,
			     struct am_hdr *hdr, void *buf, size_t len,
			     uint32_t ms, struct am_serving *s)
{
	long long deadline = now_ms() + ms;
	struct kport *kp = NULL;
	struct pollfd pfd;
	struct am_io io;
	int fd, n, wait;

	fd = port_fd(getport, &kp);
	if (fd < 0)
		return RPC_FAILURE;
	for (;;) {
		memset(&io, 0, sizeof(io));
		io.buf = (uintptr_t)buf;
		io.size = (uint32_t)len;
		n = ioctl(fd, AMIOC_GETREQ, &io);
		if (n >= 0)
			break;
		if (errno != EAGAIN)
			return errno_rpc(errno, "getreq");
		/* Another thread may take the request poll saw: loop. */
		wait = -1;
		if (ms) {
			wait = (int)(deadline - now_ms());
			if (wait <= 0)
				return am_fail(RPC_FAILURE,
					       "getreq: no request in %u ms",
					       ms);
		}
		pfd.fd = fd;
		pfd.events = POLLIN;
		if (poll(&pfd, 1, wait) < 0 && errno == EINTR)
			return am_fail(RPC_ABORTED, "getreq: interrupted");
	}
	*hdr = io.hdr;
	s->port = kp;
	s->id = io.id;
	return n;
}

static int32_t kernel_putrep(struct am_serving *s, const struct am_hdr *hdr,
			     const void *buf, size_t len, uint32_t ms)
{
	struct kport *kp = s->port;
	struct am_putrep p;
	int err;

	memset(&p, 0, sizeof(p));
	p.rep.hdr = *hdr;
	p.rep.buf = (uintptr_t)buf;
	p.rep.size = (uint32_t)len;
	p.rep.id = s->id;
	p.timeout_ms = ms;
	if (!ioctl(kp->fd, ms ? AMIOC_PUTREP_TIMEO : AMIOC_PUTREP,
		   ms ? (void *)&p : (void *)&p.rep)) {
		s->busy = false;
		return STD_OK;
	}
	err = errno;
	/* Nothing was sent: the request stays open for another putrep. */
	if (err != EFAULT && err != ENOMEM)
		s->busy = false;
	return errno_rpc(err, "putrep");
}

const struct am_tp am_tp_kernel = {
	.name	= "kernel",
	.open	= kernel_open,
	.trans	= kernel_trans,
	.getreq	= kernel_getreq,
	.putrep	= kernel_putrep,
};
