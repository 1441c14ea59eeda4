// SPDX-License-Identifier: GPL-2.0
/*
 * bulletd: the Bullet file server.  It formats a store (--init), or opens
 * one, refusing a damaged store, and serves bullet.ail from it with one
 * thread until killed.  Killing it at any moment is safe: see service.c.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include "bullet.h"

struct config {
	const char	*store;
	const char	*capfile;
	uint64_t	cache;
	unsigned long	lifetime;
	int		direct;
	bool		init;		/* --init given */
	uint64_t	init_size;
	unsigned long	files;
	int		force;
	int		verbose;
};

static const char help[] =
"usage: bulletd [-c FILE] [-s STORE] [-m BYTES] [-l CYCLES] [-D] [-w FILE]\n"
"       bulletd --init SIZE [-f FILES] [--force] -s STORE\n"
"Serve immutable files from STORE, a block device or a preallocated file,\n"
"with the Bullet interface (bullet.ail).  Prints the server's capability\n"
"on stdout, then answers requests until killed.  Refuses to start on a\n"
"damaged store, naming the damage; bfsck(8) repairs it.\n"
"  -c, --config FILE   read settings from FILE first (lines \"KEY VALUE\":\n"
"                      store, cache, lifetime, direct yes|no, capfile)\n"
"  -s, --store STORE   the store\n"
"  -m, --cache BYTES   bound of the whole-file cache (default 256M;\n"
"                      K, M, G suffixes; 0 turns it off)\n"
"  -l, --lifetime N    std_age cycles a file survives untouched, 1 to 255\n"
"                      (default 24)\n"
"  -D, --no-direct     all data through the page cache; by default files\n"
"                      of 64 KiB and more bypass it (O_DIRECT)\n"
"  -w, --capfile FILE  also write the capability to FILE (mode 0600)\n"
"  -v, --verbose       log every create and delete\n"
"  -i, --init SIZE     make a new store of SIZE bytes (K, M, G, T; 0 for\n"
"                      a whole device) and exit, printing its capability\n"
"  -f, --files N       with --init: room for N files (default one per\n"
"                      64 KiB)\n"
"      --force         with --init: overwrite an existing store\n"
"The transport is chosen by AMOEBA_TRANSPORT (see libamoeba(3)).  Logs go\n"
"to stderr, with <N> priorities when under systemd (JOURNAL_STREAM).\n"
"Exit status: 1 if the store cannot be served, 2 for a usage error.\n";

static unsigned long parse_num(const char *s, unsigned long max,
			       const char *what)
{
	unsigned long n;
	char *end;

	errno = 0;
	n = strtoul(s, &end, 10);
	if (errno || *end || *s < '0' || *s > '9' || !n || n > max)
		dm_usage(what, s);
	return n;
}

static void set(struct config *c, const char *key, const char *val)
{
	if (!strcmp(key, "store")) {
		c->store = val;
	} else if (!strcmp(key, "capfile")) {
		c->capfile = val;
	} else if (!strcmp(key, "cache")) {
		if (!dm_size(val, &c->cache))
			dm_usage("the cache needs a size such as 256M, not ", val);
	} else if (!strcmp(key, "lifetime")) {
		c->lifetime = parse_num(val, 255,
					"the lifetime is 1 to 255 cycles, not ");
	} else if (!strcmp(key, "direct")) {
		if (strcmp(val, "yes") && strcmp(val, "no"))
			dm_usage("direct is yes or no, not ", val);
		c->direct = !strcmp(val, "yes");
	} else {
		dm_usage("unknown setting ", key);
	}
}

/* KEY VALUE lines; # starts a comment.  Values live as long as we do. */
static void read_config(struct config *c, const char *path)
{
	char line[PATH_MAX + 64], key[64], val[PATH_MAX];
	unsigned int lineno = 0;
	FILE *f = fopen(path, "r");
	char *hash;
	int n;

	if (!f) {
		fprintf(stderr, "bulletd: %s: %s\n", path, strerror(errno));
		exit(2);
	}
	while (fgets(line, sizeof(line), f)) {
		lineno++;
		hash = strchr(line, '#');
		if (hash)
			*hash = '\0';
		n = sscanf(line, "%63s %4095s", key, val);
		if (n <= 0)
			continue;
		if (n != 2) {
			fprintf(stderr, "bulletd: %s:%u: \"%s\" needs a value\n",
				path, lineno, key);
			exit(2);
		}
		set(c, key, strdup(val));
	}
	fclose(f);
}

static void parse_args(struct config *c, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "store", required_argument, NULL, 's' },
		{ "cache", required_argument, NULL, 'm' },
		{ "lifetime", required_argument, NULL, 'l' },
		{ "no-direct", no_argument, NULL, 'D' },
		{ "capfile", required_argument, NULL, 'w' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "init", required_argument, NULL, 'i' },
		{ "files", required_argument, NULL, 'f' },
		{ "force", no_argument, NULL, 'F' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static const char opts[] = "c:s:m:l:Dw:vi:f:h";
	int ch;

	/* The config file first, so that flags override it. */
	opterr = 0;
	while ((ch = getopt_long(argc, argv, opts, longopts, NULL)) != -1)
		if (ch == 'c')
			read_config(c, optarg);
	opterr = 1;
	optind = 1;
	while ((ch = getopt_long(argc, argv, opts, longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			break;
		case 's':
			set(c, "store", optarg);
			break;
		case 'm':
			set(c, "cache", optarg);
			break;
		case 'l':
			set(c, "lifetime", optarg);
			break;
		case 'D':
			c->direct = 0;
			break;
		case 'w':
			c->capfile = optarg;
			break;
		case 'v':
			c->verbose = 1;
			break;
		case 'i':
			if (!dm_size(optarg, &c->init_size))
				dm_usage("--init needs a size such as 1G, not ",
				      optarg);
			c->init = true;
			break;
		case 'f':
			c->files = parse_num(optarg, BS_SLOTS_MAX,
					     "--files needs 1 to 16777215, not ");
			break;
		case 'F':
			c->force = 1;
			break;
		case 'h':
			fputs(help, stdout);
			exit(0);
		default:
			dm_usage("unknown option", "");
		}
	}
	if (optind < argc)
		dm_usage("unexpected operand ", argv[optind]);
	if (!c->store)
		dm_usage("no store: give -s STORE or \"store\" in a config file",
		      "");
}

static void print_cap(const struct config *c, const struct am_port *getport,
		      const struct am_port *check)
{
	char text[AM_CAP_TEXTLEN + 1];
	struct am_cap cap;

	am_fbox(getport, &cap.cap_port);
	am_priv_encode(&cap.cap_priv, 0, AM_RIGHTS_ALL, check);
	am_cap_format(&cap, text, sizeof(text));
	printf("%s\n", text);
	fflush(stdout);
	if (c->capfile)
		dm_write_capfile(c->capfile, text);
}

static void damage(void *arg, uint32_t slot, const char *what)
{
	(void)arg;
	if (slot == UINT32_MAX)
		dm_log(LOG_ERR, "store: %s", what);
	else
		dm_log(LOG_ERR, "store: slot %u (file %u): %s", slot, slot + 1,
		     what);
}

static int init_store(const struct config *c)
{
	uint64_t size = c->init_size;
	struct bs_store st;
	const char *why;
	int err;

	err = bs_format(c->store, size, (uint32_t)c->files, c->force, &why);
	if (err) {
		fprintf(stderr, "bulletd: cannot make a store at %s: %s (%s)\n",
			c->store, why, strerror(-err));
		return 1;
	}
	err = bs_open(&st, c->store, BS_RDONLY, damage, NULL);
	if (err)
		return 1;
	dm_log(LOG_INFO, "made %s: %llu data blocks of %u bytes, %u files",
	     c->store, (unsigned long long)st.alloc.free, BS_BLOCK,
	     st.sb.nslots);
	print_cap(c, &st.sb.getport, &st.sb.supercheck);
	bs_close(&st);
	return 0;
}

static size_t file_info(void *data, char *buf, size_t len, void *arg)
{
	struct bfile *f = data;
	int n;

	(void)arg;
	if (f->kind == BF_FILE)
		n = snprintf(buf, len, "bullet file, %llu bytes",
			     (unsigned long long)f->size);
	else
		n = snprintf(buf, len, "bullet upload, %llu of %llu bytes",
			     (unsigned long long)f->filled,
			     (unsigned long long)f->size);
	return n < 0 ? 0 : (size_t)n < len ? (size_t)n : len ? len - 1 : 0;
}

static size_t status(char *buf, size_t len, void *arg)
{
	struct bullet_stats s;
	int n;

	(void)arg;
	bullet_stat(&s);
	n = snprintf(buf, len,
		     "bulletd: %llu files, %llu bytes; %llu of %llu blocks free, largest free extent %llu; cache %llu of %llu bytes, %llu hits, %llu misses",
		     (unsigned long long)s.files,
		     (unsigned long long)s.file_bytes,
		     (unsigned long long)s.free_blocks,
		     (unsigned long long)s.blocks,
		     (unsigned long long)s.largest_free,
		     (unsigned long long)s.cache_bytes,
		     (unsigned long long)s.cache_max,
		     (unsigned long long)s.cache_hits,
		     (unsigned long long)s.cache_misses);
	return n < 0 ? 0 : (size_t)n < len ? (size_t)n : len ? len - 1 : 0;
}

static void open_store(const struct config *c)
{
	int err;

	err = bs_open(&bullet.st, c->store, c->direct ? BS_DIRECT : 0,
		      damage, NULL);
	if (err == -EUCLEAN)
		dm_fatal("%s is damaged (%u problems above): not serving it; bfsck -r %s repairs it",
		       c->store, bullet.st.damage ? bullet.st.damage : 1,
		       c->store);
	if (err)
		dm_fatal("cannot open %s: %s", c->store, strerror(-err));
	am_fbox(&bullet.st.sb.getport, &bullet.putport);
	bullet.svc.tab = am_objtab_new(&bullet.putport, bullet.st.sb.nslots,
				       bullet_release);
	if (!bullet.svc.tab ||
	    am_objtab_lifetime(bullet.svc.tab, (unsigned int)c->lifetime) ||
	    bc_init(&bullet.cache, bullet.st.sb.nslots, c->cache) ||
	    bullet_restore())
		dm_fatal("no memory for a table of %u files",
		       bullet.st.sb.nslots);
	bullet.svc.info = file_info;
	bullet.svc.status = status;
	dm_log(LOG_INFO, "serving %s: %llu files, %llu of %llu blocks free%s",
	     c->store, (unsigned long long)bullet.st.files,
	     (unsigned long long)bullet.st.alloc.free,
	     (unsigned long long)(bs_data_end(&bullet.st.sb) -
				  bullet.st.sb.data_start),
	     bullet.st.dfd != bullet.st.fd ? ", O_DIRECT from 64 KiB" : "");
}

static void serve(void)
{
	struct am_hdr hdr;
	void *req, *rep;
	size_t replen;
	int32_t n;

	/* Aligned, so that a b_create's bytes go to disk with O_DIRECT. */
	if (posix_memalign(&req, BS_BLOCK, BULLET_REQ_MAX) ||
	    posix_memalign(&rep, BS_BLOCK, BULLET_REP_MAX))
		dm_fatal("no memory for the request buffers");
	for (;;) {
		memset(&hdr, 0, sizeof(hdr));
		hdr.h_port = bullet.st.sb.getport;
		n = getreq(&hdr, req, BULLET_REQ_MAX);
		if (n < 0)
			dm_fatal("getreq: %s", am_rpc_error());
		replen = bullet_serve(&bullet_impl, &bullet.svc, &hdr, req,
				      (size_t)n, rep, BULLET_REP_MAX);
		/* A client that went away is its own problem, not ours. */
		if (putrep(&hdr, rep, replen) != STD_OK)
			dm_log(LOG_WARNING, "putrep: %s", am_rpc_error());
	}
}

int main(int argc, char **argv)
{
	struct config c = {
		.cache = 256ULL << 20,
		.lifetime = AM_OBJ_LIFETIME,
		.direct = 1,
	};

	dm_init("bulletd", false);
	parse_args(&c, argc, argv);
	dm_init("bulletd", c.verbose);
	if (c.init)
		return init_store(&c);
	open_store(&c);
	print_cap(&c, &bullet.st.sb.getport, &bullet.st.sb.supercheck);
	serve();
	return 0;
}
