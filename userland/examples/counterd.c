// SPDX-License-Identifier: GPL-2.0
/*
 * counterd: the model of an Amoeba service written against libamoeba, as
 * Documentation/userland/porting.rst walks through it.  It keeps counters:
 * clients create them with the service's super capability, then add to
 * and read them with the counter's own capability; the standard
 * operations (std_info, std_restrict, std_destroy, std_touch, std_age,
 * std_status) come from the object table.  Its interface is counter.ail,
 * whose stubs do all the checking and marshalling.
 */
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <amoeba.h>

#include "counter_ail.h"

#define MAX_THREADS	64

struct counter {
	int32_t		value;
};

static struct am_port getport;
static unsigned long served;
/* What the stub serves from: main adds the table once it exists. */
static struct am_service svc;

static const char help[] =
"usage: counterd [-g GETPORT] [-t THREADS]\n"
"Serve counters.  Prints the service's super capability on stdout, then\n"
"answers requests until killed.\n"
"  -g GETPORT  the secret get-port, 12 hexadecimal digits (default: a new\n"
"              random one; its put-port F(GETPORT) is in the capability)\n"
"  -t THREADS  serve with THREADS threads (default 1, at most 64)\n"
"The transport is chosen by AMOEBA_TRANSPORT (see libamoeba(3)).\n"
"Exit status: 1 if serving fails, 2 for a usage error.\n";

static size_t counter_info(void *data, char *buf, size_t len, void *arg)
{
	struct counter *c = data;
	int n;

	(void)arg;
	n = snprintf(buf, len, "counter = %d",
		     __atomic_load_n(&c->value, __ATOMIC_RELAXED));
	return n < 0 ? 0 : (size_t)n < len ? (size_t)n : len ? len - 1 : 0;
}

static size_t counter_status(char *buf, size_t len, void *arg)
{
	int n;

	(void)arg;
	n = snprintf(buf, len, "counterd: %u counters, %lu requests served",
		     am_objtab_count(svc.tab),
		     __atomic_load_n(&served, __ATOMIC_RELAXED));
	return n < 0 ? 0 : (size_t)n < len ? (size_t)n : len ? len - 1 : 0;
}

/*
 * The stub has checked the create right; the super capability alone has
 * it on object 0, which has no data.  A counter's owner capability could
 * carry the right too, but a counter makes no counters.
 */
static errstat create(const struct am_call *call, struct am_cap *made)
{
	struct counter *c;
	errstat err;

	if (call->obj)
		return STD_DENIED;
	c = calloc(1, sizeof(*c));
	if (!c)
		return STD_NOMEM;
	err = am_obj_create(call->svc->tab, c, made);
	if (err != STD_OK)
		free(c);
	return err;
}

/* Refuse to wrap around rather than lie about the value. */
static errstat add(const struct am_call *call, int32_t amount, int32_t *value)
{
	struct counter *c = call->obj;
	int32_t old, sum;

	if (!c)
		return STD_COMBAD;	/* object 0 is the service, no counter */
	old = __atomic_load_n(&c->value, __ATOMIC_RELAXED);
	do {
		if (__builtin_add_overflow(old, amount, &sum))
			return STD_ARGBAD;
	} while (!__atomic_compare_exchange_n(&c->value, &old, sum, false,
					      __ATOMIC_RELAXED,
					      __ATOMIC_RELAXED));
	*value = sum;
	return STD_OK;
}

static errstat read_value(const struct am_call *call, int32_t *value)
{
	struct counter *c = call->obj;

	if (!c)
		return STD_COMBAD;	/* object 0 is the service, no counter */
	*value = __atomic_load_n(&c->value, __ATOMIC_RELAXED);
	return STD_OK;
}

/* The standard operations behave as in every other service. */
static const struct counter_impl impl = {
	AM_STD_IMPL,
	.counter_create	= create,
	.counter_add	= add,
	.counter_read	= read_value,
};

static void *serve(void *arg)
{
	/* + 1: C has no empty arrays, and no request here carries data. */
	char reqbuf[COUNTER_REQ_MAX + 1], rep[COUNTER_REP_MAX];
	void *req = COUNTER_REQ_MAX ? reqbuf : NULL;
	struct am_hdr hdr;
	size_t replen;
	int32_t n;

	(void)arg;
	for (;;) {
		memset(&hdr, 0, sizeof(hdr));
		hdr.h_port = getport;
		n = getreq(&hdr, req, COUNTER_REQ_MAX);
		if (n < 0) {
			fprintf(stderr, "counterd: getreq: %s\n",
				am_rpc_error());
			exit(1);
		}
		replen = counter_serve(&impl, &svc, &hdr, req, (size_t)n,
				       rep, sizeof(rep));
		__atomic_add_fetch(&served, 1, __ATOMIC_RELAXED);
		/* A client that went away is its own problem, not ours. */
		if (putrep(&hdr, rep, replen) != STD_OK)
			fprintf(stderr, "counterd: putrep: %s\n",
				am_rpc_error());
	}
	return NULL;
}

static void usage(const char *msg, const char *arg)
{
	fprintf(stderr, "counterd: %s%s\nTry 'counterd --help'.\n", msg, arg);
	exit(2);
}

static unsigned long parse_args(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct am_parse_err perr;
	unsigned long threads = 1;
	char *end;
	int ch;

	while ((ch = getopt_long(argc, argv, "g:t:h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'g':
			if (am_port_parse(optarg, &getport, &perr) ||
			    am_port_null(&getport))
				usage("-g needs 12 hexadecimal digits, not null: ",
				      optarg);
			break;
		case 't':
			errno = 0;
			threads = strtoul(optarg, &end, 10);
			if (errno || *end || !threads || threads > MAX_THREADS)
				usage("-t needs 1 to 64 threads, not ", optarg);
			break;
		case 'h':
			fputs(help, stdout);
			exit(0);
		default:
			usage("unknown option", "");
		}
	}
	if (optind < argc)
		usage("unexpected operand ", argv[optind]);
	return threads;
}

int main(int argc, char **argv)
{
	char text[AM_CAP_TEXTLEN + 1];
	pthread_t tids[MAX_THREADS];
	unsigned long threads, i;
	struct am_port putport;
	struct am_cap super;

	threads = parse_args(argc, argv);
	if (am_port_null(&getport) && am_port_random(&getport)) {
		fprintf(stderr, "counterd: no random get-port: %s\n",
			strerror(errno));
		return 1;
	}
	am_fbox(&getport, &putport);
	svc.tab = am_objtab_new(&putport, 100000, free);
	if (!svc.tab) {
		fprintf(stderr, "counterd: %s\n", strerror(errno));
		return 1;
	}
	svc.info = counter_info;
	svc.status = counter_status;
	am_objtab_supercap(svc.tab, &super);
	am_cap_format(&super, text, sizeof(text));
	printf("%s\n", text);
	fflush(stdout);
	for (i = 1; i < threads; i++)
		if (pthread_create(&tids[i], NULL, serve, NULL)) {
			fprintf(stderr, "counterd: no thread %lu\n", i);
			return 1;
		}
	serve(NULL);
	return 0;
}
