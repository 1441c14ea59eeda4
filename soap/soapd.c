// SPDX-License-Identifier: GPL-2.0
/*
 * soapd: the SOAP directory server.  It makes a state directory (--init)
 * or loads one, refusing a damaged log, and serves soap.ail from memory
 * with one thread until killed.  Every change is in the log before its
 * reply leaves, so killing it at any moment loses nothing acknowledged.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include "soap.h"

struct config {
	const char	*dir;
	const char	*capfile;
	const char	*rootfile;
	uint64_t	compact_at;
	bool		init;
	int		force;
	int		verbose;
};

static const char help[] =
"usage: soapd -d DIR [-w FILE] [-r FILE] [-C BYTES] [-v]\n"
"       soapd --init -d DIR [--force] [-w FILE] [-r FILE]\n"
"Serve the directories kept in the state directory DIR with the SOAP\n"
"interface (soap.ail).  Prints the root directory's capability on stdout\n"
"(what AMOEBA_ROOT or ~/.amoeba/root should hold), then answers requests\n"
"until killed.  Every change is on disk before it is answered.  Refuses\n"
"to start on a damaged log, saying where the damage is.\n"
"  -d, --dir DIR        the state directory (its log is DIR/soap.log)\n"
"  -i, --init           make a new state in DIR, with an empty root\n"
"                       directory (columns owner, group, other), print\n"
"                       the root's capability and exit\n"
"      --force          with --init: replace an existing state\n"
"  -w, --capfile FILE   also write the server's super capability to FILE\n"
"                       (mode 0600); std_status and std_age take it\n"
"  -r, --rootfile FILE  also write the root's capability to FILE (0600)\n"
"  -C, --compact BYTES  rewrite the log once it has grown by BYTES and by\n"
"                       its own compacted size (default 4M; K, M, G)\n"
"  -v, --verbose        log every request that fails, with its error\n"
"The transport is chosen by AMOEBA_TRANSPORT (see libamoeba(3)).  Logs go\n"
"to stderr, with <N> priorities when under systemd (JOURNAL_STREAM).\n"
"Exit status: 1 if the state cannot be served, 2 for a usage error.\n";

static void parse_args(struct config *c, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "init", no_argument, NULL, 'i' },
		{ "force", no_argument, NULL, 'F' },
		{ "capfile", required_argument, NULL, 'w' },
		{ "rootfile", required_argument, NULL, 'r' },
		{ "compact", required_argument, NULL, 'C' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int ch;

	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":d:iw:r:C:vh", longopts,
				 NULL)) != -1) {
		switch (ch) {
		case 'd':
			c->dir = optarg;
			break;
		case 'i':
			c->init = true;
			break;
		case 'F':
			c->force = 1;
			break;
		case 'w':
			c->capfile = optarg;
			break;
		case 'r':
			c->rootfile = optarg;
			break;
		case 'C':
			if (!dm_size(optarg, &c->compact_at) ||
			    !c->compact_at || c->compact_at >> 40)
				dm_usage("bad size for --compact: ", optarg);
			break;
		case 'v':
			c->verbose = 1;
			break;
		case 'h':
			fputs(help, stdout);
			exit(0);
		case ':':
			dm_usage("option needs a value: ", argv[optind - 1]);
			break;
		default:
			dm_usage("unknown option: ", argv[optind - 1]);
		}
	}
	if (optind < argc)
		dm_usage("unexpected operand: ", argv[optind]);
	if (!c->dir)
		dm_usage("no state directory: ", "-d DIR");
	if (c->force && !c->init)
		dm_usage("--force goes with --init", "");
}

static void print_caps(const struct config *c, const struct sp_tab *t)
{
	char text[AM_CAP_TEXTLEN + 1];
	const struct sp_dir *root = sp_dir_of(t, 1);
	struct am_cap cap;

	cap.cap_port = t->putport;
	am_priv_encode(&cap.cap_priv, 0, AM_RIGHTS_ALL, &t->supercheck);
	am_cap_format(&cap, text, sizeof(text));
	if (c->capfile)
		dm_write_capfile(c->capfile, text);
	/* The root is object 1, made by --init; it may have been removed. */
	if (!root || root->locked) {
		dm_log(LOG_WARNING, "no root directory (object 1) to print");
		return;
	}
	am_priv_encode(&cap.cap_priv, 1, AM_RIGHTS_ALL, &root->check);
	am_cap_format(&cap, text, sizeof(text));
	printf("%s\n", text);
	fflush(stdout);
	if (c->rootfile)
		dm_write_capfile(c->rootfile, text);
}

static void load(const struct config *c)
{
	struct sp_load_err err;
	int rc;

	sp_tab_init(&soap.tab);
	rc = sp_log_open(&soap.log, &soap.tab, c->dir, &err);
	if (rc == -EUCLEAN)
		dm_fatal("%s/soap.log is damaged at offset %llu: %s; not serving it (Documentation/soap.rst says how to recover)",
		       c->dir, (unsigned long long)err.off, err.why);
	if (rc)
		dm_fatal("%s/soap.log: %s: %s", c->dir, err.why,
		       strerror(-rc));
	soap.log.compact_at = c->compact_at;
	if (!c->init)
		dm_log(LOG_INFO, "serving %s: %u directories, log %llu bytes",
		     c->dir, soap.tab.ndirs,
		     (unsigned long long)soap.log.size);
}

static void serve(void)
{
	static uint8_t req[SOAP_REQ_MAX], rep[SOAP_REP_MAX];
	struct am_hdr hdr;
	uint16_t command;
	size_t replen;
	int32_t n;

	for (;;) {
		memset(&hdr, 0, sizeof(hdr));
		hdr.h_port = soap.tab.getport;
		n = getreq(&hdr, req, sizeof(req));
		if (n < 0)
			dm_fatal("getreq: %s", am_rpc_error());
		command = hdr.h_command;
		replen = soap_serve(&soap_impl, &soap.svc, &hdr, req,
				    (size_t)n, rep, sizeof(rep));
		if (hdr.h_status != STD_OK)
			dm_log(LOG_DEBUG, "request %u: %s", command,
			     err_why(hdr.h_status));
		/* A client that went away is its own problem, not ours. */
		if (putrep(&hdr, rep, replen) != STD_OK)
			dm_log(LOG_WARNING, "putrep: %s", am_rpc_error());
	}
}

int main(int argc, char **argv)
{
	struct config c = { 0 };
	const char *why;
	int rc;

	dm_init("soapd", false);
	parse_args(&c, argc, argv);
	dm_init("soapd", c.verbose);
	if (c.init) {
		rc = sp_log_create(c.dir, c.force, &why);
		if (rc) {
			fprintf(stderr, "soapd: cannot make a state in %s: %s (%s)\n",
				c.dir, why, strerror(-rc));
			return 1;
		}
	}
	load(&c);
	print_caps(&c, &soap.tab);
	if (c.init)
		return 0;
	serve();
	return 0;
}
