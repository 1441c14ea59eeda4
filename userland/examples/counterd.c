// SPDX-License-Identifier: GPL-2.0
/*
 * counterd: the model of an Amoeba service written against libamoeba, as
 * Documentation/userland/porting.rst walks through it.  It keeps counters:
 * clients create them with the service's super capability, then add to
 * and read them with the counter's own capability; the standard
 * operations (std_info, std_restrict, std_destroy, std_touch, std_age,
 * std_status) come from the object table.
 */
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <amoeba.h>

#include "counter.h"

#define MAX_THREADS	64

struct counter {
	int32_t		value;
};

static struct am_objtab *tab;
static struct am_port getport;
static unsigned long served;

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
		     am_objtab_count(tab),
		     __atomic_load_n(&served, __ATOMIC_RELAXED));
	return n < 0 ? 0 : (size_t)n < len ? (size_t)n : len ? len - 1 : 0;
}

static const struct am_std_ops std_ops = {
	.info	= counter_info,
	.status	= counter_status,
};

/* COUNTER_CREATE: only the super capability may create. */
static errstat create(struct am_hdr *hdr, void *data)
{
	struct counter *c;
	struct am_cap cap;
	errstat err;

	if (data)
		return STD_DENIED;
	c = calloc(1, sizeof(*c));
	if (!c)
		return STD_NOMEM;
	err = am_obj_create(tab, c, &cap);
	if (err != STD_OK) {
		free(c);
		return err;
	}
	hdr->h_priv = cap.cap_priv;
	return STD_OK;
}

/* COUNTER_ADD: refuse to wrap around rather than lie about the value. */
static errstat add(struct am_hdr *hdr, struct counter *c)
{
	int32_t old = __atomic_load_n(&c->value, __ATOMIC_RELAXED), sum;

	do {
		if (__builtin_add_overflow(old, hdr->h_offset, &sum))
			return STD_ARGBAD;
	} while (!__atomic_compare_exchange_n(&c->value, &old, sum, false,
					      __ATOMIC_RELAXED,
					      __ATOMIC_RELAXED));
	hdr->h_offset = sum;
	return STD_OK;
}

/* The service's own commands: check the capability, then act. */
static errstat serve_counter(struct am_hdr *hdr)
{
	struct am_priv priv = hdr->h_priv;
	uint8_t need;
	void *data;
	errstat err;

	switch (hdr->h_command) {
	case COUNTER_CREATE:
		need = COUNTER_RGT_CREATE;
		break;
	case COUNTER_ADD:
		need = COUNTER_RGT_ADD;
		break;
	case COUNTER_READ:
		need = COUNTER_RGT_READ;
		break;
	default:
		return STD_COMBAD;
	}
	err = am_obj_get(tab, &priv, need, &data, NULL);
	if (err != STD_OK)
		return err;
	if (hdr->h_command == COUNTER_CREATE)
		err = create(hdr, data);
	else if (!data)
		err = STD_COMBAD;	/* object 0 is the service, no counter */
	else if (hdr->h_command == COUNTER_ADD)
		err = add(hdr, data);
	else
		hdr->h_offset = __atomic_load_n(&((struct counter *)data)->value,
						__ATOMIC_RELAXED);
	am_obj_put(tab, &priv);
	return err;
}

static void *serve(void *arg)
{
	char buf[AM_STD_STATUS_MAX];
	struct am_hdr hdr;
	size_t replen;
	int32_t n;

	(void)arg;
	for (;;) {
		memset(&hdr, 0, sizeof(hdr));
		hdr.h_port = getport;
		n = getreq(&hdr, buf, sizeof(buf));
		if (n < 0) {
			fprintf(stderr, "counterd: getreq: %s\n",
				am_rpc_error());
			exit(1);
		}
		replen = 0;
		if (!am_std_serve(tab, &std_ops, &hdr, buf, sizeof(buf),
				  &replen)) {
			hdr.h_status = serve_counter(&hdr);
			hdr.h_size = 0;
		}
		__atomic_add_fetch(&served, 1, __ATOMIC_RELAXED);
		/* A client that went away is its own problem, not ours. */
		if (putrep(&hdr, buf, replen) != STD_OK)
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
	tab = am_objtab_new(&putport, 100000, free);
	if (!tab) {
		fprintf(stderr, "counterd: %s\n", strerror(errno));
		return 1;
	}
	am_objtab_supercap(tab, &super);
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
