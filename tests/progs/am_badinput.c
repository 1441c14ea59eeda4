// SPDX-License-Identifier: GPL-2.0
/*
 * am_badinput: feeds the AF_AMOEBA socket calls every kind of wrong
 * argument the ABI names an error for, and checks each gets exactly that
 * error: socket types and protocols, bind addresses, getreq/putrep/trans
 * arguments, pointers the kernel must not follow, operations the family
 * does not support, timeouts, signals, and close() or shutdown() racing a
 * blocked call.
 * It also runs transactions between a client and a server in the same
 * namespace to check the size rules of getreq, putrep and trans (cut to
 * the buffer, full length reported, AM_MAXBUF the largest message, more
 * room than that no error), and what a client that gives up leaves behind:
 * a request not yet taken is withdrawn, a putrep to it fails with
 * ECONNRESET.  Output is TAP; run it as root inside the test VM with
 * amoeba.ko loaded.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "common.h"

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#endif

/* No call here may block longer than this; if one does, give up loudly. */
#define WATCHDOG_S	60
/* A kernel address access_ok() must refuse. */
#define KERNEL_PTR	0xffff888000000000ULL

static int fam;

/* Check that a call failed with errno @want; say what happened if not. */
static bool check_err(long ret, int err, int want, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static bool check_err(long ret, int err, int want, const char *fmt, ...)
{
	bool ok = ret == -1 && err == want;
	char what[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	tap_ok(ok, "%s fails with %s", what, errno_name(want));
	if (!ok && ret == -1)
		tap_diag("got %s (%s)", errno_name(err), strerror(err));
	else if (!ok)
		tap_diag("got success, returned %ld", ret);
	return ok;
}

#define CHECK_ERR(call, want, ...)					\
	do {								\
		long r_ = (call);					\
		int e_ = errno;						\
		check_err(r_, e_, want, __VA_ARGS__);			\
	} while (0)

static bool check_ok(long ret, int err, const char *what)
{
	if (!tap_ok(ret >= 0, "%s succeeds", what))
		tap_diag("got %s (%s)", errno_name(err), strerror(err));
	return ret >= 0;
}

#define CHECK_OK(call, what)						\
	({								\
		long r_ = (call);					\
		int e_ = errno;						\
		check_ok(r_, e_, what);					\
		r_;							\
	})

static void on_watchdog(int sig)
{
	static const char msg[] = "Bail out! watchdog: a call hung\n";

	(void)sig;
	if (write(STDOUT_FILENO, msg, sizeof(msg) - 1) < 0)
		_exit(2);
	_exit(1);
}

static void arm_watchdog(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_watchdog;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, NULL);
	alarm(WATCHDOG_S);
}

static void on_interrupt(int sig)
{
	(void)sig;
}

/* Install a do-nothing handler without SA_RESTART so calls see EINTR. */
static void catch_signal(int sig)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_interrupt;
	sigemptyset(&sa.sa_mask);
	sigaction(sig, &sa, NULL);
}

static void random_port(struct am_port *p)
{
	do {
		if (getrandom(p->p, sizeof(p->p), 0) != sizeof(p->p)) {
			printf("Bail out! getrandom: %s\n", strerror(errno));
			exit(1);
		}
	} while (am_port_null(p));
}

static double ms_since(uint64_t t0)
{
	return (double)(now_ns() - t0) / 1e6;
}

static int new_socket(void)
{
	int fd = am_socket(0);

	if (fd < 0) {
		printf("Bail out! socket(family %d, SOCK_DGRAM): %s (%s)\n",
		       fam, errno_name(errno), strerror(errno));
		exit(1);
	}
	return fd;
}

static int bind_len(int fd, const struct sockaddr_amoeba *sam, socklen_t len)
{
	return bind(fd, (const struct sockaddr *)sam, len);
}

static void set_rcvtimeo(int fd, long ms)
{
	struct timeval tv = { .tv_sec = ms / 1000, .tv_usec = ms % 1000 * 1000 };

	if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)))
		tap_diag("setsockopt SO_RCVTIMEO: %s", strerror(errno));
}

/* A trans to @put with no data and @timeout_ms; the rest zero. */
static void trans_init(struct am_trans *t, const struct am_port *put,
		       unsigned int timeout_ms)
{
	memset(t, 0, sizeof(*t));
	t->req.hdr.h_port = *put;
	t->timeout_ms = timeout_ms;
}

/* Wait at most @s seconds for @th; false if it is still running. */
static bool join_within(pthread_t th, int s)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += s;
	return pthread_timedjoin_np(th, NULL, &ts) == 0;
}

static void test_socket(void)
{
	int fd;

	CHECK_ERR(fd = socket(fam, SOCK_STREAM, 0), ESOCKTNOSUPPORT,
		  "socket(SOCK_STREAM)");
	if (fd >= 0)
		close(fd);
	CHECK_ERR(fd = socket(fam, SOCK_SEQPACKET, 0), ESOCKTNOSUPPORT,
		  "socket(SOCK_SEQPACKET)");
	if (fd >= 0)
		close(fd);
	CHECK_ERR(fd = socket(fam, SOCK_RAW, 0), ESOCKTNOSUPPORT,
		  "socket(SOCK_RAW)");
	if (fd >= 0)
		close(fd);
	CHECK_ERR(fd = socket(fam, SOCK_DGRAM, 1), EPROTONOSUPPORT,
		  "socket(SOCK_DGRAM, protocol 1)");
	if (fd >= 0)
		close(fd);
	fd = CHECK_OK(socket(fam, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0),
		      "socket(SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC)");
	if (fd >= 0)
		close(fd);
}

/* Bind checks; returns a socket bound to @get. */
static int test_bind(const struct am_port *get, const struct am_port *put)
{
	struct sockaddr_amoeba sam, bad;
	struct am_port other;
	socklen_t len;
	int fd, fd2;
	struct am_io io;
	char a[PORT_STRLEN + 1], b[PORT_STRLEN + 1];

	fd = new_socket();
	sam_fill(&sam, get);

	memset(&io, 0, sizeof(io));
	CHECK_ERR(ioctl(fd, AMIOC_GETREQ, &io), EDESTADDRREQ,
		  "getreq on an unbound socket");

	CHECK_ERR(bind_len(fd, &sam, sizeof(sam) - 1), EINVAL,
		  "bind with length %zu", sizeof(sam) - 1);
	CHECK_ERR(bind_len(fd, &sam, sizeof(sa_family_t)), EINVAL,
		  "bind with length %zu", sizeof(sa_family_t));
	bad = sam;
	bad.sam_family = AF_INET;
	CHECK_ERR(bind_len(fd, &bad, sizeof(bad)), EAFNOSUPPORT,
		  "bind with family AF_INET");
	bad = sam;
	memset(&bad.sam_port, 0, sizeof(bad.sam_port));
	CHECK_ERR(bind_len(fd, &bad, sizeof(bad)), EINVAL,
		  "bind to the null port");
	bad = sam;
	bad.sam_zero = 1;
	CHECK_ERR(bind_len(fd, &bad, sizeof(bad)), EINVAL,
		  "bind with sam_zero = 1");
	bad = sam;
	bad.sam_pad[5] = 1;
	CHECK_ERR(bind_len(fd, &bad, sizeof(bad)), EINVAL,
		  "bind with sam_pad[5] = 1");

	CHECK_OK(bind_len(fd, &sam, sizeof(sam)), "bind to a fresh get-port");

	memset(&bad, 0xff, sizeof(bad));
	len = sizeof(bad);
	if (CHECK_OK(getsockname(fd, (struct sockaddr *)&bad, &len),
		     "getsockname on the bound socket") == 0) {
		if (!tap_ok(len == sizeof(bad) && bad.sam_family == fam &&
			    !memcmp(&bad.sam_port, put, sizeof(*put)),
			    "getsockname returns the put-port F(get-port)"))
			tap_diag("len %u family %u port %s, expected len %zu family %d port %s",
				 len, bad.sam_family,
				 port_format(&bad.sam_port, a), sizeof(bad),
				 fam, port_format(put, b));
	}

	random_port(&other);
	sam_fill(&bad, &other);
	CHECK_ERR(bind_len(fd, &bad, sizeof(bad)), EINVAL,
		  "second bind of a bound socket to another port");
	CHECK_ERR(bind_len(fd, &sam, sizeof(sam)), EINVAL,
		  "second bind of a bound socket to its own port");

	fd2 = new_socket();
	CHECK_ERR(bind_len(fd2, &sam, sizeof(sam)), EADDRINUSE,
		  "bind of a second socket to a get-port in use");
	CHECK_OK(bind_len(fd2, &bad, sizeof(bad)),
		 "bind of the second socket to another get-port");
	close(fd2);
	return fd;
}

static void test_server_args(int fd)
{
	struct am_putrep rep;
	struct am_io io;
	uint64_t t0;
	double ms;
	int flags;

	memset(&io, 0, sizeof(io));
	io.id = 0x7fffffff;
	CHECK_ERR(ioctl(fd, AMIOC_PUTREP, &io), ENOENT,
		  "putrep with an id no getreq returned");
	CHECK_ERR(ioctl(fd, AMIOC_GETREQ, (void *)1), EFAULT,
		  "getreq with argument pointer 1");
	CHECK_ERR(ioctl(fd, AMIOC_GETREQ, NULL), EFAULT,
		  "getreq with a NULL argument");
	CHECK_ERR(ioctl(fd, AMIOC_PUTREP, (void *)1), EFAULT,
		  "putrep with argument pointer 1");
	memset(&rep, 0, sizeof(rep));
	rep.rep.id = 0x7fffffff;
	rep.timeout_ms = 100;
	CHECK_ERR(ioctl(fd, AMIOC_PUTREP_TIMEO, &rep), ENOENT,
		  "putrep with a timeout and an id no getreq returned");
	rep.flags = 1;
	CHECK_ERR(ioctl(fd, AMIOC_PUTREP_TIMEO, &rep), EINVAL,
		  "putrep with a timeout and flags 1");
	CHECK_ERR(ioctl(fd, AMIOC_PUTREP_TIMEO, (void *)1), EFAULT,
		  "putrep with a timeout and argument pointer 1");

	set_rcvtimeo(fd, 100);
	memset(&io, 0, sizeof(io));
	t0 = now_ns();
	CHECK_ERR(ioctl(fd, AMIOC_GETREQ, &io), EAGAIN,
		  "getreq with SO_RCVTIMEO 100 ms and no request");
	ms = ms_since(t0);
	if (!tap_ok(ms >= 80 && ms < 2000,
		    "getreq with SO_RCVTIMEO 100 ms returns after about 100 ms"))
		tap_diag("returned after %.1f ms", ms);
	set_rcvtimeo(fd, 0);

	flags = fcntl(fd, F_GETFL);
	fcntl(fd, F_SETFL, flags | O_NONBLOCK);
	t0 = now_ns();
	CHECK_ERR(ioctl(fd, AMIOC_GETREQ, &io), EAGAIN,
		  "getreq on a nonblocking socket with no request");
	ms = ms_since(t0);
	if (!tap_ok(ms < 50, "nonblocking getreq returns at once"))
		tap_diag("returned after %.1f ms", ms);
	fcntl(fd, F_SETFL, flags);
}

static void test_trans_args(int fd, const struct am_port *nobody)
{
	static unsigned char big[AM_MAXBUF + 1];
	struct am_port null_port = { { 0 } };
	struct sigaction old;
	struct itimerval it;
	struct am_trans t;
	uint64_t t0;
	double ms;

	trans_init(&t, nobody, 300);
	t.flags = 1;
	CHECK_ERR(ioctl(fd, AMIOC_TRANS, &t), EINVAL, "trans with flags 1");
	trans_init(&t, nobody, 300);
	t.req.id = 1;
	CHECK_ERR(ioctl(fd, AMIOC_TRANS, &t), EINVAL, "trans with req.id 1");
	trans_init(&t, nobody, 300);
	t.rep.id = 1;
	CHECK_ERR(ioctl(fd, AMIOC_TRANS, &t), EINVAL, "trans with rep.id 1");
	trans_init(&t, &null_port, 300);
	CHECK_ERR(ioctl(fd, AMIOC_TRANS, &t), EDESTADDRREQ,
		  "trans to the null port");
	trans_init(&t, nobody, 300);
	t.req.buf = (uintptr_t)big;
	t.req.size = sizeof(big);
	CHECK_ERR(ioctl(fd, AMIOC_TRANS, &t), EMSGSIZE,
		  "trans with req.size %zu", sizeof(big));
	/* More room than any reply needs is cut, not refused. */
	trans_init(&t, nobody, 300);
	t.req.buf = (uintptr_t)big;
	t.req.size = AM_MAXBUF;
	t.rep.buf = (uintptr_t)big;
	t.rep.size = sizeof(big);
	CHECK_ERR(ioctl(fd, AMIOC_TRANS, &t), EHOSTUNREACH,
		  "trans with req.size %u and rep.size %zu (accepted) to a port nobody serves",
		  AM_MAXBUF, sizeof(big));
	trans_init(&t, nobody, 300);
	t.rep.buf = (uintptr_t)big;
	t.rep.size = UINT32_MAX;
	CHECK_ERR(ioctl(fd, AMIOC_TRANS, &t), EHOSTUNREACH,
		  "trans with rep.size 0xffffffff (cut to AM_MAXBUF) to a port nobody serves");

	CHECK_ERR(ioctl(fd, AMIOC_TRANS, (void *)1), EFAULT,
		  "trans with argument pointer 1");
	CHECK_ERR(ioctl(fd, AMIOC_TRANS, NULL), EFAULT,
		  "trans with a NULL argument");
	/*
	 * req.buf pointer 1 passes access_ok() and faults only when the data
	 * are sent, which a port nobody serves never gets to: see
	 * test_local_fault().
	 */
	trans_init(&t, nobody, 300);
	t.req.buf = KERNEL_PTR;
	t.req.size = 16;
	CHECK_ERR(ioctl(fd, AMIOC_TRANS, &t), EFAULT,
		  "trans with req.buf a kernel address");

	trans_init(&t, nobody, 300);
	t0 = now_ns();
	CHECK_ERR(ioctl(fd, AMIOC_TRANS, &t), EHOSTUNREACH,
		  "trans with timeout 300 ms to a port nobody serves");
	ms = ms_since(t0);
	if (!tap_ok(ms < 2300, "the unserved trans returns within its timeout"))
		tap_diag("returned after %.1f ms", ms);

	/* SIGALRM without SA_RESTART: trans must stop, not restart. */
	alarm(0);
	sigaction(SIGALRM, NULL, &old);
	catch_signal(SIGALRM);
	memset(&it, 0, sizeof(it));
	it.it_value.tv_usec = 300000;
	trans_init(&t, nobody, 10000);
	t0 = now_ns();
	setitimer(ITIMER_REAL, &it, NULL);
	CHECK_ERR(ioctl(fd, AMIOC_TRANS, &t), EINTR,
		  "trans with timeout 10 s interrupted by SIGALRM after 300 ms");
	ms = ms_since(t0);
	if (!tap_ok(ms < 2000, "the interrupted trans returns soon after the signal"))
		tap_diag("returned after %.1f ms", ms);
	sigaction(SIGALRM, &old, NULL);
	arm_watchdog();
}

static void test_unsupported(int fd)
{
	struct sockaddr_amoeba sam;
	struct am_port p;
	char byte = 0;
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
	int s;

	random_port(&p);
	sam_fill(&sam, &p);
	CHECK_ERR(sendmsg(fd, &msg, MSG_DONTWAIT), EOPNOTSUPP, "sendmsg");
	CHECK_ERR(sendto(fd, &byte, 1, MSG_DONTWAIT,
			 (struct sockaddr *)&sam, sizeof(sam)),
		  EOPNOTSUPP, "sendto");
	CHECK_ERR(recvmsg(fd, &msg, MSG_DONTWAIT), EOPNOTSUPP, "recvmsg");
	CHECK_ERR(connect(fd, (struct sockaddr *)&sam, sizeof(sam)),
		  EOPNOTSUPP, "connect");
	s = new_socket();
	CHECK_ERR(listen(s, 1), EOPNOTSUPP, "listen");
	CHECK_ERR(accept(s, NULL, NULL), EOPNOTSUPP, "accept");
	close(s);
	CHECK_ERR(ioctl(fd, _IO(AMIOC_MAGIC, 99)), ENOTTY,
		  "ioctl with an unknown command");
	CHECK_ERR(ioctl(fd, _IOWR(AMIOC_MAGIC, 1, int), &s), ENOTTY,
		  "ioctl AMIOC_TRANS number with the wrong size");
}

struct local_client {
	int fd;
	struct am_port put;
	unsigned char req[100];
	unsigned char rep[50];
	struct am_trans t;
	long ret;
	int err;
};

static void *local_client_run(void *arg)
{
	struct local_client *c = arg;

	trans_init(&c->t, &c->put, 3000);
	c->t.req.hdr.h_command = 7;
	c->t.req.buf = (uintptr_t)c->req;
	c->t.req.size = sizeof(c->req);
	c->t.rep.buf = (uintptr_t)c->rep;
	c->t.rep.size = sizeof(c->rep);
	c->ret = ioctl(c->fd, AMIOC_TRANS, &c->t);
	c->err = errno;
	return NULL;
}

/*
 * One transaction between two sockets of this process: checks that
 * getreq and trans truncate to the buffer but report the full length, and
 * that putrep checks its size and id.
 */
static void test_local(int srv, const struct am_port *put)
{
	static unsigned char reply[200], big[AM_MAXBUF + 1];
	static struct local_client c;
	unsigned char got[16];
	struct am_io io, rep;
	struct pollfd pfd;
	pthread_t th;
	size_t i;
	int n;

	c.fd = new_socket();
	c.put = *put;
	for (i = 0; i < sizeof(c.req); i++)
		c.req[i] = (unsigned char)(i + 1);
	pfd.fd = srv;
	pfd.events = POLLIN | POLLOUT;
	n = poll(&pfd, 1, 0);
	if (!tap_ok(n == 1 && pfd.revents == POLLOUT,
		    "poll: a server with no request is writable, not readable"))
		tap_diag("poll returned %d, revents 0x%x", n, pfd.revents);
	if (pthread_create(&th, NULL, local_client_run, &c)) {
		tap_ok(false, "start a local client thread");
		return;
	}
	pfd.events = POLLIN;
	n = poll(&pfd, 1, 3000);
	if (!tap_ok(n == 1 && (pfd.revents & POLLIN),
		    "poll: a queued request makes the server readable"))
		tap_diag("poll returned %d, revents 0x%x", n, pfd.revents);

	set_rcvtimeo(srv, 3000);
	memset(&io, 0, sizeof(io));
	memset(got, 0xee, sizeof(got));
	io.buf = (uintptr_t)got;
	io.size = 10;
	n = CHECK_OK(ioctl(srv, AMIOC_GETREQ, &io),
		     "getreq of a request from a client in the same namespace");
	set_rcvtimeo(srv, 0);
	if (n >= 0) {
		if (!tap_ok(n == (int)sizeof(c.req),
			    "getreq with a 10-byte buffer returns the full length 100"))
			tap_diag("returned %d", n);
		tap_ok(!memcmp(got, c.req, 10) && got[10] == 0xee,
		       "getreq copies exactly 10 bytes");
		if (!tap_ok(io.hdr.h_command == 7 &&
			    !memcmp(&io.hdr.h_port, put, sizeof(*put)),
			    "getreq returns the client's header"))
			tap_diag("h_command %u", io.hdr.h_command);

		memset(&rep, 0, sizeof(rep));
		rep.id = io.id;
		rep.buf = (uintptr_t)big;
		rep.size = sizeof(big);
		CHECK_ERR(ioctl(srv, AMIOC_PUTREP, &rep), EMSGSIZE,
			  "putrep with size %zu", sizeof(big));
		for (i = 0; i < sizeof(reply); i++)
			reply[i] = (unsigned char)(200 - i);
		rep.hdr.h_status = STD_OK;
		rep.hdr.h_size = sizeof(reply);
		rep.hdr.h_extra = 0xbeef;
		rep.buf = (uintptr_t)reply;
		rep.size = sizeof(reply);
		CHECK_OK(ioctl(srv, AMIOC_PUTREP, &rep),
			 "putrep of 200 bytes to the local client");
		CHECK_ERR(ioctl(srv, AMIOC_PUTREP, &rep), ENOENT,
			  "second putrep with the same id");
	}

	if (!tap_ok(join_within(th, 5), "local client's trans returns")) {
		printf("Bail out! trans hung past its timeout\n");
		exit(1);
	}
	if (!tap_ok(c.ret == (long)sizeof(c.rep),
		    "trans with a 50-byte reply buffer returns 50"))
		tap_diag("returned %ld, %s", c.ret,
			 c.ret < 0 ? errno_name(c.err) : "no error");
	if (c.ret >= 0)
		tap_ok(!memcmp(c.rep, reply, sizeof(c.rep)) &&
		       c.t.rep.hdr.h_extra == 0xbeef,
		       "trans copies the reply header and the first 50 bytes");
	close(c.fd);
}

/* A client thread's call, for the local tests of large and abandoned calls. */
struct call_thread {
	int		fd;
	struct am_trans	t;
	pthread_t	thread;
	long		ret;
	int		err;
};

static void *call_thread_run(void *arg)
{
	struct call_thread *c = arg;

	c->ret = ioctl(c->fd, AMIOC_TRANS, &c->t);
	c->err = errno;
	return NULL;
}

/* Start @c->t on a fresh socket in a thread; false after a test point. */
static bool call_thread_start(struct call_thread *c, const char *what)
{
	c->fd = new_socket();
	if (pthread_create(&c->thread, NULL, call_thread_run, c)) {
		tap_ok(false, "start a client thread for %s", what);
		close(c->fd);
		return false;
	}
	return true;
}

/* Wait for @c's call to return; bail out if it outlives its timeout. */
static void call_thread_join(struct call_thread *c, int s, const char *what)
{
	if (!join_within(c->thread, s)) {
		printf("Bail out! %s: trans hung past its timeout\n", what);
		exit(1);
	}
	close(c->fd);
}

/* getreq into @size bytes at @buf, waiting at most @ms; errno kept. */
static long getreq_within(int srv, struct am_io *io, void *buf, __u32 size,
			  long ms)
{
	long n;
	int err;

	memset(io, 0, sizeof(*io));
	io->buf = (uintptr_t)buf;
	io->size = size;
	set_rcvtimeo(srv, ms);
	n = ioctl(srv, AMIOC_GETREQ, io);
	err = errno;
	set_rcvtimeo(srv, 0);
	errno = err;
	return n;
}

/*
 * The largest message both ways between two sockets of this process,
 * AM_MAXBUF bytes out and back, with more room than that given to getreq
 * and trans: room is cut to AM_MAXBUF, not refused.
 */
static void test_local_max(int srv, const struct am_port *put)
{
	static unsigned char req[AM_MAXBUF], got[AM_MAXBUF];
	static unsigned char rep[AM_MAXBUF], back[AM_MAXBUF];
	static struct call_thread c;
	struct am_io io, rio;
	long n;

	fill_random(req, sizeof(req), 1);
	fill_random(rep, sizeof(rep), 2);
	memset(&c, 0, sizeof(c));
	trans_init(&c.t, put, 10000);
	c.t.req.buf = (uintptr_t)req;
	c.t.req.size = AM_MAXBUF;
	c.t.rep.buf = (uintptr_t)back;
	c.t.rep.size = UINT32_MAX;
	if (!call_thread_start(&c, "an AM_MAXBUF call"))
		return;

	n = getreq_within(srv, &io, got, UINT32_MAX, 5000);
	if (check_ok(n, errno,
		     "getreq with io.size 0xffffffff (cut to AM_MAXBUF) of an AM_MAXBUF request")) {
		if (!tap_ok(n == AM_MAXBUF, "getreq returns the length %u",
			    AM_MAXBUF))
			tap_diag("returned %ld", n);
		tap_ok(!memcmp(got, req, sizeof(req)),
		       "getreq copies the %u bytes as sent", AM_MAXBUF);
		memset(&rio, 0, sizeof(rio));
		rio.id = io.id;
		rio.buf = (uintptr_t)rep;
		rio.size = AM_MAXBUF;
		CHECK_OK(ioctl(srv, AMIOC_PUTREP, &rio),
			 "putrep of AM_MAXBUF bytes to the local client");
	}
	call_thread_join(&c, 15, "AM_MAXBUF call");
	if (!tap_ok(c.ret == AM_MAXBUF,
		    "trans with rep.size 0xffffffff returns the reply length %u",
		    AM_MAXBUF))
		tap_diag("returned %ld, %s", c.ret,
			 c.ret < 0 ? errno_name(c.err) : "no error");
	if (c.ret == AM_MAXBUF)
		tap_ok(!memcmp(back, rep, sizeof(rep)),
		       "trans copies the %u reply bytes as sent", AM_MAXBUF);
}

/*
 * A client that gives up.  A request not yet taken is withdrawn: getreq
 * never sees it.  A request taken makes its putrep fail with ECONNRESET,
 * whether the reply fits one frame or would be streamed.  Each for a
 * request of one frame and one in fragments.
 */
static void test_local_abort(int srv, const struct am_port *put)
{
	static const __u32 sizes[] = { 100, 100000 };
	static unsigned char data[100000], got[100000], back[100000];
	static struct call_thread c;
	struct am_io io, rio;
	uint64_t t0;
	size_t k;
	double ms;
	long n;

	for (k = 0; k < ARRAY_SIZE(sizes); k++) {
		memset(&c, 0, sizeof(c));
		trans_init(&c.t, put, 300);
		c.t.req.buf = (uintptr_t)data;
		c.t.req.size = sizes[k];
		if (!call_thread_start(&c, "a call nobody takes"))
			return;
		call_thread_join(&c, 5, "call nobody takes");
		if (!tap_ok(c.ret == -1 && c.err == ETIMEDOUT,
			    "a %u-byte call nobody takes fails after 300 ms with ETIMEDOUT",
			    sizes[k]))
			tap_diag("returned %ld, %s", c.ret,
				 c.ret < 0 ? errno_name(c.err) : "no error");
		n = getreq_within(srv, &io, got, sizeof(got), 300);
		check_err(n, errno, EAGAIN,
			  "getreq after that caller gave up (request withdrawn)");
		if (n >= 0) {
			/* Answer it anyway, so that it leaves no state. */
			memset(&rio, 0, sizeof(rio));
			rio.id = io.id;
			ioctl(srv, AMIOC_PUTREP, &rio);
		}
	}

	for (k = 0; k < ARRAY_SIZE(sizes); k++) {
		memset(&c, 0, sizeof(c));
		trans_init(&c.t, put, 10000);
		c.t.req.buf = (uintptr_t)data;
		c.t.req.size = sizes[k];
		c.t.rep.buf = (uintptr_t)back;
		c.t.rep.size = sizeof(back);
		if (!call_thread_start(&c, "a call to interrupt"))
			return;
		n = getreq_within(srv, &io, got, sizeof(got), 5000);
		check_ok(n, errno, "getreq of the call to be interrupted");
		pthread_kill(c.thread, SIGUSR1);
		call_thread_join(&c, 3, "interrupted call");
		if (!tap_ok(c.ret == -1 && c.err == EINTR,
			    "the caller's trans ends with EINTR on SIGUSR1"))
			tap_diag("returned %ld, %s", c.ret,
				 c.ret < 0 ? errno_name(c.err) : "no error");
		if (n < 0)
			continue;
		/* Its ABORT is one packet on its way: give it time to land. */
		usleep(200000);
		memset(&rio, 0, sizeof(rio));
		rio.id = io.id;
		rio.buf = (uintptr_t)data;
		rio.size = sizes[k];
		t0 = now_ns();
		CHECK_ERR(ioctl(srv, AMIOC_PUTREP, &rio), ECONNRESET,
			  "putrep of %u bytes to a caller interrupted after getreq",
			  sizes[k]);
		ms = ms_since(t0);
		if (!tap_ok(ms < 1000, "that putrep returns at once"))
			tap_diag("returned after %.1f ms", ms);
	}
}

/*
 * Request data the kernel cannot read, to a port that is served so that it
 * must read them: EFAULT, in one frame or in fragments, and nothing of the
 * request reaches the server.
 */
static void test_local_fault(int srv, const struct am_port *put)
{
	static const __u32 sizes[] = { 16, 100000 };
	unsigned char got[64];
	struct am_trans t;
	struct am_io io;
	size_t k;
	long n;
	int fd = new_socket();

	for (k = 0; k < ARRAY_SIZE(sizes); k++) {
		trans_init(&t, put, 300);
		t.req.buf = 1;
		t.req.size = sizes[k];
		CHECK_ERR(ioctl(fd, AMIOC_TRANS, &t), EFAULT,
			  "trans of %u bytes from req.buf pointer 1 to a served port",
			  sizes[k]);
		n = getreq_within(srv, &io, got, sizeof(got), 300);
		check_err(n, errno, EAGAIN,
			  "getreq after it: nothing of that request arrived");
		if (n >= 0) {
			io.buf = 0;
			io.size = 0;
			ioctl(srv, AMIOC_PUTREP, &io);
		}
	}
	close(fd);
}

struct blocked_call {
	int fd;
	bool trans;
	struct am_port put;
	long ret;
	int err;
};

static void *blocked_run(void *arg)
{
	struct blocked_call *b = arg;
	struct am_trans t;
	struct am_io io;

	if (b->trans) {
		trans_init(&t, &b->put, 10000);
		b->ret = ioctl(b->fd, AMIOC_TRANS, &t);
	} else {
		memset(&io, 0, sizeof(io));
		b->ret = ioctl(b->fd, AMIOC_GETREQ, &io);
	}
	b->err = errno;
	return NULL;
}

/*
 * close() while another thread sleeps in getreq or trans.  On Linux the
 * sleeping call keeps the file alive, so close() only drops the descriptor;
 * the call must still end cleanly when signalled, and only then may the
 * socket (and its port) go away.
 */
static void test_close_blocked(bool trans, const struct am_port *nobody)
{
	const char *call = trans ? "trans" : "getreq";
	static struct blocked_call b;
	struct am_port get;
	pthread_t th;
	uint64_t t0;
	double ms;
	int fd;

	memset(&b, 0, sizeof(b));
	b.fd = new_socket();
	b.trans = trans;
	b.put = *nobody;
	random_port(&get);
	if (!trans && am_bind(b.fd, &get)) {
		tap_ok(false, "bind for the blocked getreq");
		return;
	}
	if (pthread_create(&th, NULL, blocked_run, &b)) {
		tap_ok(false, "start a thread for the blocked %s", call);
		return;
	}
	usleep(200000);
	t0 = now_ns();
	CHECK_OK(close(b.fd), trans ? "close() while a thread is in trans"
				    : "close() while a thread is in getreq");
	ms = ms_since(t0);
	if (!tap_ok(ms < 500, "close() during a blocked %s returns at once", call))
		tap_diag("close took %.1f ms", ms);
	usleep(100000);
	/* Harmless if the call already returned: the thread is not joined yet. */
	pthread_kill(th, SIGUSR1);
	if (!tap_ok(join_within(th, 3),
		    "blocked %s returns after close() and a signal", call)) {
		printf("Bail out! %s hung after close()\n", call);
		exit(1);
	}
	if (!tap_ok(b.ret == -1, "blocked %s reports an error (%s)", call,
		    b.ret == -1 ? errno_name(b.err) : "none"))
		tap_diag("returned %ld", b.ret);
	if (!trans) {
		fd = new_socket();
		CHECK_OK(am_bind(fd, &get),
			 "get-port is free once the closed socket's getreq returned");
		close(fd);
	}
}

/* shutdown() is the way to wake a sleeping getreq without a signal. */
static void test_shutdown_blocked(void)
{
	static struct blocked_call b;
	struct am_port get;
	pthread_t th;
	bool woke;

	memset(&b, 0, sizeof(b));
	b.fd = new_socket();
	random_port(&get);
	if (am_bind(b.fd, &get) || pthread_create(&th, NULL, blocked_run, &b)) {
		tap_ok(false, "set up a thread blocked in getreq");
		close(b.fd);
		return;
	}
	usleep(200000);
	CHECK_OK(shutdown(b.fd, SHUT_RD),
		 "shutdown(SHUT_RD) while a thread is in getreq");
	woke = join_within(th, 3);
	tap_ok(woke, "shutdown() wakes the thread blocked in getreq");
	if (!woke) {
		pthread_kill(th, SIGUSR1);
		if (!join_within(th, 3)) {
			printf("Bail out! getreq hung after shutdown()\n");
			exit(1);
		}
	}
	if (!tap_ok(b.ret == -1 && b.err == ESHUTDOWN,
		    "the woken getreq fails with ESHUTDOWN (%s)",
		    b.ret == -1 ? errno_name(b.err) : "no error"))
		tap_diag("returned %ld", b.ret);
	close(b.fd);
}

/* SHUT_WR stops the calls that send: trans and putrep. */
static void test_shutdown_write(const struct am_port *nobody)
{
	struct am_trans t;
	struct am_io io;
	int fd = new_socket();

	CHECK_OK(shutdown(fd, SHUT_WR), "shutdown(SHUT_WR)");
	trans_init(&t, nobody, 200);
	CHECK_ERR(ioctl(fd, AMIOC_TRANS, &t), EPIPE,
		  "trans after shutdown(SHUT_WR)");
	memset(&io, 0, sizeof(io));
	io.id = 1;
	CHECK_ERR(ioctl(fd, AMIOC_PUTREP, &io), EPIPE,
		  "putrep after shutdown(SHUT_WR)");
	close(fd);
}

static void usage(FILE *f, int status)
{
	fprintf(f,
		"usage: %s\n"
		"Checks that AF_AMOEBA calls reject bad arguments with the\n"
		"documented errors; prints TAP.  Needs amoeba.ko loaded.\n",
		progname);
	exit(status);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct am_port get, put, nobody_get, nobody;
	int ch, srv, cli;

	set_progname(argv[0]);
	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		if (ch == 'h')
			usage(stdout, 0);
		usage(stderr, EXIT_USAGE);
	}
	opt_no_operands(argc, argv, usage);

	setvbuf(stdout, NULL, _IOLBF, 0);
	fam = am_family();
	tap_diag("address family %d", fam);
	cli = new_socket();
	arm_watchdog();
	catch_signal(SIGUSR1);

	random_port(&get);
	am_fbox(&get, &put);
	random_port(&nobody_get);
	am_fbox(&nobody_get, &nobody);

	test_socket();
	srv = test_bind(&get, &put);
	test_server_args(srv);
	test_trans_args(cli, &nobody);
	test_unsupported(cli);
	test_local(srv, &put);
	test_local_max(srv, &put);
	test_local_abort(srv, &put);
	test_local_fault(srv, &put);
	test_close_blocked(false, &nobody);
	test_close_blocked(true, &nobody);
	test_shutdown_blocked();
	test_shutdown_write(&nobody);

	close(srv);
	close(cli);
	return tap_done();
}
