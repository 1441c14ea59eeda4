// SPDX-License-Identifier: GPL-2.0
/*
 * Tests of libamoeba's udp transport on the host: trans, getreq and putrep
 * between threads of this process (found through its own loopback), and
 * with a server in a child process reached through a relay that loses,
 * duplicates and reorders datagrams.  Messages of every size class (one
 * datagram, fragments, the 1 MiB maximum) must arrive whole and be
 * executed at most once.  TAP output for prove.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>
#include <amoeba.h>

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* The test service's commands. */
enum {
	ECHO = 1,	/* reply: the request's data */
	SIZED,		/* reply: h_offset bytes of pattern */
	SLEEP,		/* reply nothing, after h_offset ms */
	COUNT,		/* reply: h_offset = ECHO and SIZED calls run */
};

#define SERVER_THREADS	4

static struct am_port local_get, local_put;	/* served in this process */
static struct am_port child_get, child_put;	/* served by the child */
static pid_t child;
static atomic_int executed;		/* ECHO and SIZED calls run here */
static atomic_int putrep_failed;

static uint8_t pattern(size_t i, unsigned int seed)
{
	return (uint8_t)(i * 131 + seed);
}

static void fill(uint8_t *buf, size_t len, unsigned int seed)
{
	size_t i;

	for (i = 0; i < len; i++)
		buf[i] = pattern(i, seed);
}

static int check(const uint8_t *buf, size_t len, unsigned int seed)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (buf[i] != pattern(i, seed))
			return -1;
	return 0;
}

/* One server thread: the test service on *arg, for the process's life. */
static void *serve(void *arg)
{
	const struct am_port *get = arg;
	uint8_t *buf = malloc(AM_MAXBUF);
	struct am_hdr hdr, rep;
	int32_t n;
	size_t len;

	for (;;) {
		memset(&hdr, 0, sizeof(hdr));
		hdr.h_port = *get;
		n = getreq(&hdr, buf, AM_MAXBUF);
		if (n < 0)
			continue;
		memset(&rep, 0, sizeof(rep));
		len = 0;
		switch (hdr.h_command) {
		case ECHO:
			atomic_fetch_add(&executed, 1);
			len = (size_t)n;
			rep.h_offset = n;
			break;
		case SIZED:
			atomic_fetch_add(&executed, 1);
			len = hdr.h_offset;
			fill(buf, len, hdr.h_extra);
			break;
		case SLEEP:
			usleep(hdr.h_offset * 1000);
			break;
		case COUNT:
			rep.h_offset = atomic_load(&executed);
			break;
		default:
			rep.h_status = STD_COMBAD;
		}
		if (putrep(&rep, buf, len) != STD_OK)
			atomic_fetch_add(&putrep_failed, 1);
	}
	return NULL;
}

static void start_server(struct am_port *get)
{
	pthread_t t;
	int i;

	for (i = 0; i < SERVER_THREADS; i++) {
		if (pthread_create(&t, NULL, serve, get))
			abort();
		pthread_detach(t);
	}
}

static int32_t call(const struct am_port *put, uint16_t cmd, int32_t offset,
		    const void *req, size_t reqlen, struct am_hdr *rep,
		    void *buf, size_t room, uint32_t ms)
{
	struct am_hdr hdr;

	memset(&hdr, 0, sizeof(hdr));
	hdr.h_port = *put;
	hdr.h_command = cmd;
	hdr.h_offset = offset;
	return trans_timeout(&hdr, req, reqlen, rep, buf, room, ms);
}

/* Echo @len bytes to the server of @put and check what comes back. */
static void echo(const struct am_port *put, size_t len, unsigned int seed)
{
	uint8_t *req = malloc(len + 1), *rep = malloc(len + 1);
	struct am_hdr hdr;
	int32_t n;

	assert_non_null(req);
	assert_non_null(rep);
	fill(req, len, seed);
	n = call(put, ECHO, 0, req, len, &hdr, rep, len, 30000);
	if (n != (int32_t)len)
		print_message("# %zu bytes there and back: %d (%s)\n", len, n,
			      am_rpc_error());
	assert_int_equal(n, len);
	assert_int_equal(hdr.h_status, STD_OK);
	assert_int_equal(hdr.h_offset, len);
	assert_int_equal(check(rep, len, seed), 0);
	free(req);
	free(rep);
}

static const size_t sizes[] = {
	0, 1, 100, 488, 489, 1000, 1384, 1385, 4096, 65536, 300001,
	AM_MAXBUF,
};

static void test_transport(void **state)
{
	(void)state;
	assert_string_equal(am_transport(), "udp");
}

/* Every size class, one datagram to the largest message, both ways. */
static void test_sizes(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(sizes); i++)
		echo(&local_put, sizes[i], (unsigned int)i);
}

/* A large reply to an empty request, and one cut to the room given. */
static void test_reply_room(void **state)
{
	uint8_t *rep = malloc(AM_MAXBUF);
	struct am_hdr hdr;

	(void)state;
	assert_int_equal(call(&local_put, SIZED, AM_MAXBUF, NULL, 0, &hdr,
			      rep, AM_MAXBUF, 30000), AM_MAXBUF);
	assert_int_equal(check(rep, AM_MAXBUF, 0), 0);
	memset(rep, 0, AM_MAXBUF);
	assert_int_equal(call(&local_put, SIZED, 100000, NULL, 0, &hdr, rep,
			      1000, 30000), 1000);
	assert_int_equal(check(rep, 1000, 0), 0);
	assert_int_equal(rep[1000], 0);
	free(rep);
}

struct worker {
	pthread_t	thread;
	unsigned int	id;
	int		bad;
};

static void *client(void *arg)
{
	struct worker *w = arg;
	uint8_t req[3000], rep[3000];
	struct am_hdr hdr;
	size_t len;
	int i;

	for (i = 0; i < 50; i++) {
		len = (w->id * 577 + (unsigned int)i * 97) % sizeof(req);
		fill(req, len, w->id + (unsigned int)i);
		if (call(&local_put, ECHO, 0, req, len, &hdr, rep, sizeof(rep),
			 30000) != (int32_t)len ||
		    check(rep, len, w->id + (unsigned int)i))
			w->bad++;
	}
	return NULL;
}

/* Many clients at once on the server's threads, each call in order. */
static void test_concurrent(void **state)
{
	struct worker w[8];
	int before = atomic_load(&executed);
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(w); i++) {
		w[i].id = (unsigned int)i;
		w[i].bad = 0;
		assert_int_equal(pthread_create(&w[i].thread, NULL, client,
						&w[i]), 0);
	}
	for (i = 0; i < ARRAY_SIZE(w); i++) {
		pthread_join(w[i].thread, NULL);
		assert_int_equal(w[i].bad, 0);
	}
	assert_int_equal(atomic_load(&executed) - before, 8 * 50);
}

static void test_notfound(void **state)
{
	struct am_port nobody;
	struct am_hdr hdr;

	(void)state;
	assert_int_equal(am_port_random(&nobody), 0);
	assert_int_equal(call(&nobody, ECHO, 0, NULL, 0, &hdr, NULL, 0, 300),
			 RPC_NOTFOUND);
	assert_non_null(strstr(am_rpc_error(), "answered LOCATE"));
}

/* A client that gives up makes the late putrep fail; nothing reruns. */
static void test_client_gives_up(void **state)
{
	int failed = atomic_load(&putrep_failed);
	struct am_hdr hdr;
	int i;

	(void)state;
	assert_int_equal(call(&local_put, SLEEP, 400, NULL, 0, &hdr, NULL, 0,
			      100), RPC_FAILURE);
	assert_non_null(strstr(am_rpc_error(), "no reply"));
	for (i = 0; i < 100 && atomic_load(&putrep_failed) == failed; i++)
		usleep(10000);
	assert_int_equal(atomic_load(&putrep_failed), failed + 1);
}

static void test_getreq_timeout(void **state)
{
	struct am_hdr hdr;
	uint8_t buf[16];

	(void)state;
	memset(&hdr, 0, sizeof(hdr));
	assert_int_equal(am_port_random(&hdr.h_port), 0);
	assert_int_equal(getreq_timeout(&hdr, buf, sizeof(buf), 50),
			 RPC_FAILURE);
	assert_non_null(strstr(am_rpc_error(), "no request"));
	assert_int_equal(putrep(&hdr, NULL, 0), RPC_BADADDRESS);
}

static void test_bad_calls(void **state)
{
	struct am_hdr hdr;

	(void)state;
	memset(&hdr, 0, sizeof(hdr));
	assert_int_equal(trans(&hdr, NULL, 0, &hdr, NULL, 0), RPC_BADPORT);
	assert_int_equal(getreq(&hdr, NULL, 0), RPC_BADPORT);
	hdr.h_port = local_put;
	assert_int_equal(trans(&hdr, NULL, AM_MAXBUF + 1, &hdr, NULL, 0),
			 RPC_BADADDRESS);
}

/*
 * The relay between this process and the child's server: it drops,
 * duplicates and delays datagrams, by a fixed pseudo-random sequence.
 */
static int relay_fd;
static struct sockaddr_in relay_server;
static atomic_int relay_stop;
static atomic_int relay_dropped, relay_duplicated;

static void *relay(void *arg)
{
	static uint8_t buf[65536];
	struct sockaddr_in from, client = { 0 }, held_to = { 0 };
	static uint8_t held[65536];
	struct pollfd pfd = { .fd = relay_fd, .events = POLLIN };
	uint32_t rnd = 12345;
	size_t held_len = 0;
	socklen_t slen;
	ssize_t n;
	const struct sockaddr_in *to;

	(void)arg;
	while (!atomic_load(&relay_stop)) {
		if (poll(&pfd, 1, 50) <= 0)
			continue;
		slen = sizeof(from);
		n = recvfrom(relay_fd, buf, sizeof(buf), 0,
			     (struct sockaddr *)&from, &slen);
		if (n < 0)
			continue;
		if (from.sin_port == relay_server.sin_port) {
			to = &client;
		} else {
			client = from;
			to = &relay_server;
		}
		rnd = rnd * 1103515245 + 12345;
		if ((rnd >> 16) % 100 < 5) {
			atomic_fetch_add(&relay_dropped, 1);
			continue;
		}
		if ((rnd >> 16) % 100 < 10) {
			/* Held back, to go after the next one. */
			if (held_len)
				sendto(relay_fd, held, held_len, 0,
				       (struct sockaddr *)&held_to,
				       sizeof(held_to));
			memcpy(held, buf, (size_t)n);
			held_len = (size_t)n;
			held_to = *to;
			continue;
		}
		sendto(relay_fd, buf, (size_t)n, 0,
		       (const struct sockaddr *)to, sizeof(*to));
		if ((rnd >> 16) % 100 < 15) {
			atomic_fetch_add(&relay_duplicated, 1);
			sendto(relay_fd, buf, (size_t)n, 0,
			       (const struct sockaddr *)to, sizeof(*to));
		}
		if (held_len) {
			sendto(relay_fd, held, held_len, 0,
			       (struct sockaddr *)&held_to, sizeof(held_to));
			held_len = 0;
		}
	}
	return NULL;
}

static int32_t child_count(void)
{
	struct am_hdr hdr;
	int32_t n = call(&child_put, COUNT, 0, NULL, 0, &hdr, NULL, 0, 30000);

	return n < 0 ? n : hdr.h_offset;
}

/*
 * Through the relay: every size class arrives whole, each call runs
 * exactly once although 5% of the datagrams are lost, 5% held back behind
 * the next one and 5% duplicated.
 */
static void test_lossy(void **state)
{
	int32_t before, after;
	size_t i;

	(void)state;
	before = child_count();
	assert_true(before >= 0);
	for (i = 0; i < ARRAY_SIZE(sizes); i++)
		echo(&child_put, sizes[i], (unsigned int)i + 100);
	for (i = 0; i < 40; i++)
		echo(&child_put, i * 37, (unsigned int)i);
	after = child_count();
	assert_int_equal(after - before, ARRAY_SIZE(sizes) + 40);
	print_message("# relay: %d datagrams dropped, %d duplicated\n",
		      atomic_load(&relay_dropped),
		      atomic_load(&relay_duplicated));
	assert_true(atomic_load(&relay_dropped) > 0);
}

/* A free UDP port on loopback, for the child to listen on. */
static int free_port(void)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	socklen_t slen = sizeof(sin);
	int fd = socket(AF_INET, SOCK_DGRAM, 0), port;

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sin, sizeof(sin)) ||
	    getsockname(fd, (struct sockaddr *)&sin, &slen))
		abort();
	port = ntohs(sin.sin_port);
	close(fd);
	return port;
}

/* The child's server and the relay to it; this process's peer is the relay. */
static void start_remote(void)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	socklen_t slen = sizeof(sin);
	char env[64];
	pthread_t t;

	relay_server.sin_family = AF_INET;
	relay_server.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	relay_server.sin_port = htons((uint16_t)free_port());
	child = fork();
	if (child < 0)
		abort();
	if (!child) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		snprintf(env, sizeof(env), "%u", ntohs(relay_server.sin_port));
		setenv("AMOEBA_UDP_PORT", env, 1);
		unsetenv("AMOEBA_UDP_PEERS");
		start_server(&child_get);
		pause();
		_exit(0);
	}
	relay_fd = socket(AF_INET, SOCK_DGRAM, 0);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (relay_fd < 0 || bind(relay_fd, (struct sockaddr *)&sin, sizeof(sin)) ||
	    getsockname(relay_fd, (struct sockaddr *)&sin, &slen))
		abort();
	snprintf(env, sizeof(env), "127.0.0.1:%u", ntohs(sin.sin_port));
	setenv("AMOEBA_UDP_PEERS", env, 1);
	if (pthread_create(&t, NULL, relay, NULL))
		abort();
	pthread_detach(t);
}

int main(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_transport),
		cmocka_unit_test(test_sizes),
		cmocka_unit_test(test_reply_room),
		cmocka_unit_test(test_concurrent),
		cmocka_unit_test(test_notfound),
		cmocka_unit_test(test_client_gives_up),
		cmocka_unit_test(test_getreq_timeout),
		cmocka_unit_test(test_bad_calls),
		cmocka_unit_test(test_lossy),
	};
	int status;

	setenv("AMOEBA_TRANSPORT", "udp", 1);
	unsetenv("AMOEBA_UDP_PORT");
	if (am_port_random(&local_get) || am_port_random(&child_get))
		abort();
	am_fbox(&local_get, &local_put);
	am_fbox(&child_get, &child_put);
	/* Before this process opens the transport, so the child opens its own. */
	start_remote();
	start_server(&local_get);

	cmocka_set_message_output(CM_OUTPUT_TAP);
	status = cmocka_run_group_tests_name("udp", tests, NULL, NULL);
	atomic_store(&relay_stop, 1);
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	return status;
}
