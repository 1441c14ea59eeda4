// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of path names (<amoeba/path.h>): normalisation, where the
 * root comes from, trying the members of a capability set in turn, and
 * resolution across two fake SOAP servers served by threads of this
 * process over the udp transport, one of whose replicas is a port nobody
 * serves.  The fake servers answer sp_lookup through the generated server
 * stub, as soapd does.  TAP output for prove.
 */
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include <amoeba.h>

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* --- Fake directory servers ------------------------------------------- */

/* Server A, server B, and a port that no server has. */
enum { SRV_A, SRV_B, SRV_DEAD, NSRV };

static struct am_port srv_get[NSRV], srv_put[NSRV];
static atomic_int srv_calls[NSRV];

/* What a name holds: up to three (server, object) capabilities. */
struct member {
	int		srv;
	uint32_t	obj;
};

struct entry {
	const char	*name;
	struct member	set[3];
	uint32_t	len;
};

/* Objects with sp_lookup misbehaving, to see the client notice. */
#define OBJ_USED_ZERO	5	/* answers STD_OK having used nothing */
#define OBJ_USED_MID	6	/* answers a count ending inside a name */

struct fake_dir {
	int		srv;
	uint32_t	obj;
	struct entry	entries[8];
};

/*
 * The tree: A:1 is the root.  A:3 and B:2 are not directories (their
 * server answers STD_COMBAD).  "r" is replicated, its first replica dead;
 * "loop" leads to a cycle A:4 <-> B:3 that crosses servers at each name.
 */
static const struct fake_dir dirs[] = {
	{ SRV_A, 1, {
		{ "a", { { SRV_A, 2 } }, 1 },
		{ "f", { { SRV_A, 3 } }, 1 },
		{ "r", { { SRV_DEAD, 1 }, { SRV_B, 1 } }, 2 },
		{ "loop", { { SRV_A, 4 } }, 1 },
		{ "zero", { { SRV_B, OBJ_USED_ZERO } }, 1 },
		{ "mid", { { SRV_B, OBJ_USED_MID } }, 1 },
		{ "empty", { { 0 } }, 0 },
	} },
	{ SRV_A, 2, {
		{ "b", { { SRV_A, 7 } }, 1 },
		{ "x", { { SRV_B, 1 } }, 1 },
	} },
	{ SRV_A, 7, {
		{ "c", { { SRV_A, 3 } }, 1 },
	} },
	{ SRV_B, 1, {
		{ "y", { { SRV_B, 2 } }, 1 },
		{ "back", { { SRV_A, 2 } }, 1 },
	} },
	{ SRV_A, 4, {
		{ "l", { { SRV_B, 3 } }, 1 },
	} },
	{ SRV_B, 3, {
		{ "l", { { SRV_A, 4 } }, 1 },
	} },
	{ SRV_B, OBJ_USED_ZERO, { { NULL } } },
	{ SRV_B, OBJ_USED_MID, { { NULL } } },
};

static const struct am_port test_check = {
	{ 0xa1, 0xb2, 0xc3, 0xd4, 0xe5, 0xf6 }
};

static struct am_cap make_cap(int srv, uint32_t obj)
{
	struct am_cap cap;

	memset(&cap, 0, sizeof(cap));
	cap.cap_port = srv_put[srv];
	if (am_priv_encode(&cap.cap_priv, obj, AM_RIGHTS_ALL, &test_check))
		abort();
	return cap;
}

static struct sp_capset make_set(const struct member *m, uint32_t len)
{
	struct sp_capset set;
	uint32_t i;

	memset(&set, 0, sizeof(set));
	for (i = 0; i < len; i++)
		set.caps[i] = make_cap(m[i].srv, m[i].obj);
	set.caps_len = len;
	return set;
}

static const struct fake_dir *find_dir(int srv, uint32_t obj)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(dirs); i++)
		if (dirs[i].srv == srv && dirs[i].obj == obj)
			return &dirs[i];
	return NULL;
}

static const struct entry *find_entry(const struct fake_dir *d,
				      const char *name, size_t len)
{
	const struct entry *e;

	for (e = d->entries; e->name; e++)
		if (strlen(e->name) == len && !memcmp(e->name, name, len))
			return e;
	return NULL;
}

/*
 * soapd's walk, in small: names while the directories are this server's.
 * Server A reports the bytes used without the '/' after the last name,
 * server B with it, so that the client is seen to take both.
 */
static errstat fake_lookup(const struct am_call *call, const char *path,
			   uint32_t *used, struct sp_capset *set)
{
	int srv = *(const int *)call->svc->arg;
	const struct fake_dir *d;
	const struct entry *e;
	const char *p = path;
	size_t len;

	atomic_fetch_add(&srv_calls[srv], 1);
	d = find_dir(srv, am_priv_object(&call->hdr->h_priv));
	if (!d)
		return STD_COMBAD;
	if (d->obj == OBJ_USED_ZERO) {
		*used = 0;
		*set = make_set(&(struct member){ srv, 1 }, 1);
		return STD_OK;
	}
	if (d->obj == OBJ_USED_MID) {
		*used = 1;
		*set = make_set(&(struct member){ srv, 1 }, 1);
		return STD_OK;
	}
	*used = 0;
	*set = make_set(&(struct member){ srv, d->obj }, 1);
	while (*p) {
		len = strcspn(p, "/");
		e = find_entry(d, p, len);
		if (!e)
			return STD_NOTFOUND;
		*set = make_set(e->set, e->len);
		p += len;
		*used = (uint32_t)(p - path);
		if (!*p)
			break;
		d = e->len && e->set[0].srv == srv ?
		    find_dir(srv, e->set[0].obj) : NULL;
		if (!d) {
			if (srv == SRV_B)
				*used += 1;
			break;
		}
		p++;
	}
	return STD_OK;
}

static const struct soap_impl fake_impl = { .sp_lookup = fake_lookup };
static const int srv_index[NSRV] = { SRV_A, SRV_B, SRV_DEAD };
static struct am_service fake_svc[NSRV];

static void *serve(void *arg)
{
	int srv = *(const int *)arg;
	void *req = malloc(SOAP_REQ_MAX), *rep = malloc(SOAP_REP_MAX);
	struct am_hdr hdr;
	int32_t n;
	size_t len;

	if (!req || !rep)
		abort();
	for (;;) {
		memset(&hdr, 0, sizeof(hdr));
		hdr.h_port = srv_get[srv];
		n = getreq(&hdr, req, SOAP_REQ_MAX);
		if (n < 0)
			continue;
		len = soap_serve(&fake_impl, &fake_svc[srv], &hdr, req,
				 (size_t)n, rep, SOAP_REP_MAX);
		putrep(&hdr, rep, len);
	}
	return NULL;
}

static void start_servers(void)
{
	pthread_t t;
	int srv, i;

	for (srv = 0; srv < NSRV; srv++) {
		if (am_port_random(&srv_get[srv]))
			abort();
		am_fbox(&srv_get[srv], &srv_put[srv]);
		fake_svc[srv].arg = (void *)&srv_index[srv];
	}
	for (srv = SRV_A; srv <= SRV_B; srv++)
		for (i = 0; i < 2; i++) {
			if (pthread_create(&t, NULL, serve,
					   (void *)&srv_index[srv]))
				abort();
			pthread_detach(t);
		}
}

static int calls(void)
{
	return atomic_load(&srv_calls[SRV_A]) + atomic_load(&srv_calls[SRV_B]);
}

static void set_env_cap(const char *var, int srv, uint32_t obj)
{
	char text[AM_CAP_TEXTLEN + 1];
	struct am_cap cap = make_cap(srv, obj);

	am_cap_format(&cap, text, sizeof(text));
	setenv(var, text, 1);
}

/* The root is A:1, relative paths start there too. */
static int root_a(void **state)
{
	(void)state;
	set_env_cap("AMOEBA_ROOT", SRV_A, 1);
	unsetenv("AMOEBA_WORK");
	return 0;
}

static void assert_set(const struct sp_capset *set, const struct member *m,
		       uint32_t len)
{
	struct sp_capset want = make_set(m, len);

	assert_int_equal(set->caps_len, len);
	assert_memory_equal(set->caps, want.caps, len * sizeof(want.caps[0]));
}

static void assert_error_has(const char *text)
{
	if (!strstr(am_path_error(), text))
		fail_msg("am_path_error() \"%s\" lacks \"%s\"", am_path_error(),
			 text);
}

/* --- Normalisation ---------------------------------------------------- */

static void test_normalize(void **state)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "", "" }, { "/", "" }, { "//", "" }, { ".", "" },
		{ "a", "a" }, { "/a/b/c", "a/b/c" }, { "a//b/", "a/b" },
		{ "./a/./b/.", "a/b" }, { "a/../b", "b" },
		{ "/../a", "a" }, { "..", "" }, { "../../x/y/..", "x" },
		{ "a/b/../../..", "" }, { "a/b/c/../../d", "a/d" },
		{ "...", "..." }, { ".a/..b/a.", ".a/..b/a." },
		{ "a/.../b", "a/.../b" }, { "a/b/c/..", "a/b" },
		{ "/a/./../b/./c//", "b/c" }, { "a b/ c ", "a b/ c " },
	};
	char out[SP_PATH_MAX + 1];
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		memset(out, 'X', sizeof(out));
		assert_int_equal(am_path_normalize(cases[i].in, out,
						   sizeof(out)), STD_OK);
		if (strcmp(out, cases[i].out))
			fail_msg("\"%s\" gave \"%s\", not \"%s\"", cases[i].in,
				 out, cases[i].out);
	}
}

static void test_normalize_limits(void **state)
{
	char *path = malloc(2 * SP_PATH_MAX), *out = malloc(SP_PATH_MAX + 1);
	char name[SP_NAME_MAX + 2];
	struct sp_capset set;
	int i;

	(void)state;
	assert_non_null(path);
	assert_non_null(out);
	memset(name, 'n', sizeof(name) - 1);
	name[SP_NAME_MAX] = '\0';
	/* 16 names of 255 bytes and 15 slashes: exactly SP_PATH_MAX. */
	path[0] = '\0';
	for (i = 0; i < 16; i++) {
		strcat(path, "/");
		strcat(path, name);
	}
	assert_int_equal(am_path_normalize(path, out, SP_PATH_MAX + 1),
			 STD_OK);
	assert_int_equal(strlen(out), SP_PATH_MAX);
	assert_int_equal(am_path_normalize(path, out, SP_PATH_MAX),
			 STD_OVERFLOW);
	assert_error_has("room for 4095");
	strcat(path, "/z");
	assert_int_equal(am_path_normalize(path, out, SP_PATH_MAX + 1),
			 STD_ARGBAD);
	assert_error_has("at most 4095");
	/* What ".." takes away does not count. */
	strcat(path, "/..");
	assert_int_equal(am_path_normalize(path, out, SP_PATH_MAX + 1),
			 STD_OK);

	assert_int_equal(am_path_normalize(name, out, SP_PATH_MAX + 1),
			 STD_OK);
	name[SP_NAME_MAX] = 'n';
	name[SP_NAME_MAX + 1] = '\0';
	assert_int_equal(am_path_normalize(name, out, SP_PATH_MAX + 1),
			 STD_ARGBAD);
	assert_error_has("256 bytes long: at most 255");
	/* Every name is checked, even one a ".." drops. */
	snprintf(path, 2 * SP_PATH_MAX, "a/%s/../b", name);
	assert_int_equal(am_path_normalize(path, out, SP_PATH_MAX + 1),
			 STD_ARGBAD);
	assert_int_equal(am_lookup(path, &set), STD_ARGBAD);

	assert_int_equal(am_path_normalize("a/b", out, 4), STD_OK);
	assert_string_equal(out, "a/b");
	assert_int_equal(am_path_normalize("a/b", out, 3), STD_OVERFLOW);
	assert_int_equal(am_path_normalize("", out, 1), STD_OK);
	assert_int_equal(am_path_normalize(NULL, out, 1), STD_ARGBAD);
	free(path);
	free(out);
}

/* --- The root --------------------------------------------------------- */

/* Files for the root tests, made by mkdtemp() in main(). */
static char tmpdir[32];

static const char *write_file(const char *name, const char *text)
{
	static char file[PATH_MAX];
	FILE *f;

	snprintf(file, sizeof(file), "%s/%s", tmpdir, name);
	f = fopen(file, "w");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
	return file;
}

static void no_root(void)
{
	unsetenv("AMOEBA_ROOT");
	unsetenv("AMOEBA_ROOTFILE");
	unsetenv("HOME");
}

#define CAP1	"0123456789ab:000001:ff:a1b2c3d4e5f6"
#define CAP2	"0123456789ab:000002:03:0a0b0c0d0e0f"

static void assert_root(const char *text)
{
	struct sp_capset root;
	struct am_cap cap;

	assert_int_equal(am_root(&root), STD_OK);
	assert_int_equal(am_cap_parse(text, &cap, NULL), STD_OK);
	assert_int_equal(root.caps_len, 1);
	assert_memory_equal(&root.caps[0], &cap, sizeof(cap));
}

static void test_root_env(void **state)
{
	struct sp_capset root;

	(void)state;
	no_root();
	setenv("AMOEBA_ROOT", CAP1, 1);
	assert_root(CAP1);
	setenv("AMOEBA_ROOT", "0123456789AB:000001:FF:A1B2C3D4E5F6", 1);
	assert_root(CAP1);
	/* AMOEBA_ROOT wins over a file, even a broken one. */
	setenv("AMOEBA_ROOTFILE", "/nonexistent/root", 1);
	assert_root(CAP1);
	setenv("AMOEBA_ROOT", "0123456789ab:00001:ff:a1b2c3d4e5f6", 1);
	assert_int_equal(am_root(&root), STD_ARGBAD);
	assert_error_has("AMOEBA_ROOT");
	assert_error_has("at character 19");
	setenv("AMOEBA_ROOT", CAP1 " ", 1);
	assert_int_equal(am_root(&root), STD_ARGBAD);
	/* Empty is unset: on to the file. */
	setenv("AMOEBA_ROOT", "", 1);
	assert_int_equal(am_root(&root), STD_SYSERR);
	assert_error_has("AMOEBA_ROOTFILE /nonexistent/root");
	no_root();
}

static void test_root_file(void **state)
{
	struct sp_capset root;

	(void)state;
	no_root();
	setenv("AMOEBA_ROOTFILE",
	       write_file("root", " \t" CAP2 " \r\nsecond line\n"), 1);
	assert_root(CAP2);
	write_file("root", CAP1);
	assert_root(CAP1);
	write_file("root", "");
	assert_int_equal(am_root(&root), STD_ARGBAD);
	assert_error_has("is empty");
	write_file("root", "\n" CAP1 "\n");
	assert_int_equal(am_root(&root), STD_ARGBAD);
	assert_error_has("first line \"\"");
	write_file("root", CAP1 "x\n");
	assert_int_equal(am_root(&root), STD_ARGBAD);
	assert_error_has("at character 36");
	/* A file named by AMOEBA_ROOTFILE must be there. */
	setenv("AMOEBA_ROOTFILE", "/nonexistent/root", 1);
	assert_int_equal(am_root(&root), STD_SYSERR);
	setenv("AMOEBA_ROOTFILE", tmpdir, 1);
	assert_int_equal(am_root(&root), STD_SYSERR);
	assert_error_has("AMOEBA_ROOTFILE");
	unlink(write_file("root", ""));
	no_root();
}

static void test_root_home(void **state)
{
	char dir[64], file[80];
	struct sp_capset root;

	(void)state;
	no_root();
	assert_int_equal(am_root(&root), STD_NOTFOUND);
	assert_error_has("HOME is not set");
	setenv("HOME", tmpdir, 1);
	assert_int_equal(am_root(&root), STD_NOTFOUND);
	assert_error_has("AMOEBA_ROOT");
	assert_error_has("/.amoeba/root");
	snprintf(dir, sizeof(dir), "%s/.amoeba", tmpdir);
	assert_int_equal(mkdir(dir, 0700), 0);
	assert_int_equal(am_root(&root), STD_NOTFOUND);
	snprintf(file, sizeof(file), "%s/root", dir);
	write_file(".amoeba/root", CAP1 "\n");
	assert_root(CAP1);
	/* AMOEBA_ROOTFILE wins over HOME. */
	setenv("AMOEBA_ROOTFILE", write_file("other", CAP2 "\n"), 1);
	assert_root(CAP2);
	unlink(write_file("other", ""));
	unlink(file);
	rmdir(dir);
	no_root();
	/* Whatever the root's trouble, a lookup reports it. */
	assert_int_equal(am_lookup("/a", &root), STD_NOTFOUND);
	assert_error_has("no root directory");
}

/* --- Capability sets -------------------------------------------------- */

struct script {
	errstat		answers[SP_CAPSET_MAX];
	int		called;
	uint32_t	objs[SP_CAPSET_MAX];
};

static errstat scripted(const struct am_cap *cap, void *arg)
{
	struct script *s = arg;

	s->objs[s->called] = am_priv_object(&cap->cap_priv);
	return s->answers[s->called++];
}

static struct sp_capset numbered_set(uint32_t len)
{
	struct member m[SP_CAPSET_MAX];
	struct sp_capset set;
	uint32_t i;

	for (i = 0; i < SP_CAPSET_MAX; i++)
		m[i] = (struct member){ SRV_A, 10 + i };
	set = make_set(m, SP_CAPSET_MAX);
	set.caps_len = len;
	return set;
}

static void test_capset_try(void **state)
{
	static const struct {
		uint32_t	len;
		errstat		answers[4];
		errstat		want;
		int		called;
	} cases[] = {
		/* The first server to answer decides, yes or no. */
		{ 1, { STD_OK }, STD_OK, 1 },
		{ 3, { RPC_NOTFOUND, STD_OK }, STD_OK, 2 },
		{ 3, { RPC_FAILURE, RPC_NOTFOUND, STD_CAPBAD }, STD_CAPBAD, 3 },
		{ 3, { STD_NOTFOUND }, STD_NOTFOUND, 1 },
		{ 2, { STD_CAPBAD, STD_OK }, STD_CAPBAD, 1 },
		{ 3, { STD_DENIED }, STD_DENIED, 1 },
		{ 2, { -999, SP_CLASH }, SP_CLASH, 2 },
		/* Otherwise the last one's failure. */
		{ 3, { RPC_FAILURE, RPC_BADPORT, RPC_NOTFOUND }, RPC_NOTFOUND,
		  3 },
		{ 1, { RPC_TRYAGAIN }, RPC_TRYAGAIN, 1 },
	};
	struct sp_capset set;
	struct script s;
	size_t i;
	int k;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		memset(&s, 0, sizeof(s));
		memcpy(s.answers, cases[i].answers, sizeof(cases[i].answers));
		set = numbered_set(cases[i].len);
		assert_int_equal(am_capset_try(&set, scripted, &s),
				 cases[i].want);
		assert_int_equal(s.called, cases[i].called);
		for (k = 0; k < s.called; k++)
			assert_int_equal(s.objs[k], 10 + k);
	}
	memset(&s, 0, sizeof(s));
	set = numbered_set(3);
	s.answers[0] = RPC_NOTFOUND;
	s.answers[1] = RPC_NOTFOUND;
	s.answers[2] = RPC_NOTFOUND;
	assert_int_equal(am_capset_try(&set, scripted, &s), RPC_NOTFOUND);
	assert_error_has("capabilities tried: 3");
}

static void test_capset_bad(void **state)
{
	struct sp_capset set = numbered_set(0);
	struct script s;

	(void)state;
	memset(&s, 0, sizeof(s));
	assert_int_equal(am_capset_try(&set, scripted, &s), STD_ARGBAD);
	assert_error_has("empty");
	set.caps_len = SP_CAPSET_MAX + 1;
	assert_int_equal(am_capset_try(&set, scripted, &s), STD_ARGBAD);
	assert_int_equal(am_capset_try(NULL, scripted, &s), STD_ARGBAD);
	set.caps_len = 1;
	assert_int_equal(am_capset_try(&set, NULL, &s), STD_ARGBAD);
	assert_int_equal(s.called, 0);
}

/* --- Names ------------------------------------------------------------ */

static void test_name_is_cap(void **state)
{
	static const char *const caps[] = {
		CAP1, CAP2, "0123456789AB:000001:FF:A1B2C3D4E5F6",
		"000000000000:000000:00:000000000000",
	};
	static const char *const paths[] = {
		"", "/", "x", "/a/b", "a:b", CAP1 "/", "/" CAP1, CAP1 " ",
		" " CAP1, "0123456789ab:00001:ff:a1b2c3d4e5f6",
		"0123456789ab:000001:ff:a1b2c3d4e5f", "0123456789ab",
		"0123456789ab:000001:fg:a1b2c3d4e5f6",
	};
	struct sp_capset set;
	struct am_cap cap;
	int before = calls();
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(caps); i++) {
		assert_true(am_name_is_cap(caps[i]));
		assert_int_equal(am_name_lookup(caps[i], &set), STD_OK);
		assert_int_equal(set.caps_len, 1);
		assert_int_equal(am_cap_parse(caps[i], &cap, NULL), STD_OK);
		assert_memory_equal(&set.caps[0], &cap, sizeof(cap));
	}
	for (i = 0; i < ARRAY_SIZE(paths); i++)
		if (am_name_is_cap(paths[i]))
			fail_msg("\"%s\" taken for a capability", paths[i]);
	assert_false(am_name_is_cap(NULL));
	assert_int_equal(calls(), before);
}

static void test_err_names(void **state)
{
	(void)state;
	assert_string_equal(err_name(SP_NOTEMPTY), "SP_NOTEMPTY");
	assert_string_equal(err_name(SP_UNREACH), "SP_UNREACH");
	assert_string_equal(err_name(SP_CLASH), "SP_CLASH");
	assert_string_equal(err_why(SP_NOTEMPTY), "directory not empty");
	assert_string_equal(err_why(SP_UNREACH), "no replica reachable");
	assert_string_equal(err_why(SP_CLASH),
			    "entry changed since it was read");
}

/* --- Resolution through the fake servers ------------------------------ */

static void test_lookup_one_server(void **state)
{
	struct sp_capset set;
	int before = calls();

	(void)state;
	assert_int_equal(am_lookup("/a/b/c", &set), STD_OK);
	assert_set(&set, &(struct member){ SRV_A, 3 }, 1);
	assert_int_equal(calls(), before + 1);
	/* A relative path starts at the root without AMOEBA_WORK. */
	assert_int_equal(am_lookup("a/./b//c/", &set), STD_OK);
	assert_set(&set, &(struct member){ SRV_A, 3 }, 1);
	assert_int_equal(calls(), before + 2);
}

static void test_lookup_across(void **state)
{
	struct sp_capset set;
	int a = atomic_load(&srv_calls[SRV_A]);
	int b = atomic_load(&srv_calls[SRV_B]);

	(void)state;
	assert_int_equal(am_lookup("/a/x/y", &set), STD_OK);
	assert_set(&set, &(struct member){ SRV_B, 2 }, 1);
	assert_int_equal(atomic_load(&srv_calls[SRV_A]), a + 1);
	assert_int_equal(atomic_load(&srv_calls[SRV_B]), b + 1);
	assert_int_equal(am_lookup("/a/x/back/b/c", &set), STD_OK);
	assert_set(&set, &(struct member){ SRV_A, 3 }, 1);
	assert_int_equal(atomic_load(&srv_calls[SRV_A]), a + 3);
	assert_int_equal(atomic_load(&srv_calls[SRV_B]), b + 2);
	assert_int_equal(am_lookup("/a/b/../x/./y", &set), STD_OK);
	assert_set(&set, &(struct member){ SRV_B, 2 }, 1);
	/* The set of a name, replicas and all. */
	assert_int_equal(am_lookup("/r", &set), STD_OK);
	assert_set(&set, (struct member[]){ { SRV_DEAD, 1 }, { SRV_B, 1 } },
		   2);
}

static void test_lookup_work(void **state)
{
	struct sp_capset set;

	(void)state;
	set_env_cap("AMOEBA_WORK", SRV_A, 2);
	assert_int_equal(am_lookup("x/y", &set), STD_OK);
	assert_set(&set, &(struct member){ SRV_B, 2 }, 1);
	/* ".." cannot climb above where it starts. */
	assert_int_equal(am_lookup("../../x/y", &set), STD_OK);
	assert_set(&set, &(struct member){ SRV_B, 2 }, 1);
	assert_int_equal(am_lookup("/a/x/y", &set), STD_OK);
	assert_int_equal(am_lookup("nope", &set), STD_NOTFOUND);
	assert_error_has("sp_lookup(\"nope\") in $AMOEBA_WORK: STD_NOTFOUND");
	assert_int_equal(am_lookup("x/nope", &set), STD_NOTFOUND);
	assert_error_has("in $AMOEBA_WORK/x: STD_NOTFOUND");
	assert_int_equal(am_lookup("", &set), STD_OK);
	assert_set(&set, &(struct member){ SRV_A, 2 }, 1);
	setenv("AMOEBA_WORK", "nonsense", 1);
	assert_int_equal(am_lookup("x", &set), STD_ARGBAD);
	assert_error_has("AMOEBA_WORK \"nonsense\"");
	/* An absolute path does not care. */
	assert_int_equal(am_lookup("/a", &set), STD_OK);
}

static void test_lookup_root_offline(void **state)
{
	struct sp_capset set;
	int before = calls();

	(void)state;
	assert_int_equal(am_lookup("/", &set), STD_OK);
	assert_set(&set, &(struct member){ SRV_A, 1 }, 1);
	assert_int_equal(am_lookup("/a/..", &set), STD_OK);
	assert_set(&set, &(struct member){ SRV_A, 1 }, 1);
	assert_int_equal(calls(), before);
}

static void test_lookup_errors(void **state)
{
	struct sp_capset set;

	(void)state;
	assert_int_equal(am_lookup("/a/nope/c", &set), STD_NOTFOUND);
	assert_error_has("sp_lookup(\"a/nope/c\") in /: STD_NOTFOUND");
	assert_int_equal(am_lookup("/a/x/nope", &set), STD_NOTFOUND);
	assert_error_has("sp_lookup(\"nope\") in /a/x: STD_NOTFOUND");
	/* A name on the way that is not a directory. */
	assert_int_equal(am_lookup("/f/z", &set), STD_COMBAD);
	assert_error_has("in /f: STD_COMBAD: not a directory");
	/* A set a server cannot hold: an answer that makes no sense. */
	assert_int_equal(am_lookup("/empty", &set), STD_SYSERR);
	assert_error_has("empty set or a null port");
	assert_int_equal(am_lookup("/empty/z", &set), STD_SYSERR);
	assert_error_has("empty set or a null port");
	/* Servers that answer nonsense. */
	assert_int_equal(am_lookup("/zero/q", &set), STD_SYSERR);
	assert_error_has("used 0 bytes");
	assert_int_equal(am_lookup("/mid/qq/r", &set), STD_SYSERR);
	assert_error_has("in /mid: the server says it used 1 bytes");
}

static void test_lookup_hops(void **state)
{
	char path[16 + 2 * (AM_PATH_HOPS + 1)];
	struct sp_capset set;
	int i, before;

	(void)state;
	/* A walks "loop/l" in one call, then each "l" crosses a server. */
	strcpy(path, "/loop");
	for (i = 0; i < AM_PATH_HOPS; i++)
		strcat(path, "/l");
	before = calls();
	assert_int_equal(am_lookup(path, &set), STD_OK);
	assert_int_equal(calls(), before + AM_PATH_HOPS);
	assert_set(&set, &(struct member){ SRV_A, 4 }, 1);
	strcat(path, "/l");
	before = calls();
	assert_int_equal(am_lookup(path, &set), STD_ARGBAD);
	assert_int_equal(calls(), before + AM_PATH_HOPS);
	assert_error_has("after 64 lookups");
}

static void test_lookup_replicas(void **state)
{
	struct sp_capset set;

	(void)state;
	/* "r"'s first replica is a port nobody serves: the second answers. */
	assert_int_equal(am_lookup("/r/y", &set), STD_OK);
	assert_set(&set, &(struct member){ SRV_B, 2 }, 1);
	/* A dead root has no second replica. */
	set_env_cap("AMOEBA_ROOT", SRV_DEAD, 1);
	assert_int_equal(am_lookup("/a", &set), RPC_NOTFOUND);
	assert_error_has("sp_lookup(\"a\") in /: RPC_NOTFOUND (capabilities tried: 1)");
}

static void test_lookup_parent(void **state)
{
	static const char *const no_last[] = { "/", "", ".", "..", "/a/..",
					       "a/b/../.." };
	char name[SP_NAME_MAX + 1];
	struct sp_capset dir;
	int before;
	size_t i;

	(void)state;
	assert_int_equal(am_lookup_parent("/a/x/y", &dir, name), STD_OK);
	assert_set(&dir, &(struct member){ SRV_B, 1 }, 1);
	assert_string_equal(name, "y");
	assert_int_equal(am_lookup_parent("a/x/new/", &dir, name), STD_OK);
	assert_set(&dir, &(struct member){ SRV_B, 1 }, 1);
	assert_string_equal(name, "new");
	before = calls();
	assert_int_equal(am_lookup_parent("/new", &dir, name), STD_OK);
	assert_set(&dir, &(struct member){ SRV_A, 1 }, 1);
	assert_string_equal(name, "new");
	assert_int_equal(calls(), before);
	for (i = 0; i < ARRAY_SIZE(no_last); i++) {
		assert_int_equal(am_lookup_parent(no_last[i], &dir, name),
				 STD_ARGBAD);
		assert_error_has("in no directory");
	}
	assert_int_equal(am_lookup_parent("/a/nope/new", &dir, name),
			 STD_NOTFOUND);
	assert_string_equal(name, "new");
}

static void test_name_lookup(void **state)
{
	struct sp_capset set;

	(void)state;
	assert_int_equal(am_name_lookup("/a/x", &set), STD_OK);
	assert_set(&set, &(struct member){ SRV_B, 1 }, 1);
	assert_int_equal(am_name_lookup("a/x/y", &set), STD_OK);
	assert_set(&set, &(struct member){ SRV_B, 2 }, 1);
	/* Not a capability, so a (missing) name. */
	assert_int_equal(am_name_lookup("0123456789ab:00001:ff:a1b2c3d4e5f6",
					&set), STD_NOTFOUND);
}

/* Each thread's error text is its own. */
static void *lookup_thread(void *arg)
{
	char path[32], want[64];
	struct sp_capset set;
	long id = (long)arg;
	int i;

	if (strcmp(am_path_error(), "no error"))
		return "a new thread's error text is not \"no error\"";
	snprintf(path, sizeof(path), "/a/x/nope%ld", id);
	snprintf(want, sizeof(want), "\"nope%ld\"", id);
	for (i = 0; i < 20; i++) {
		if (am_lookup(i % 2 ? "/a/x/y" : path, &set) !=
		    (i % 2 ? STD_OK : STD_NOTFOUND))
			return "a lookup went wrong";
		if (!strstr(am_path_error(), want))
			return "another thread's error text";
	}
	return NULL;
}

static void test_threads(void **state)
{
	pthread_t t[4];
	void *ret;
	long i;

	(void)state;
	for (i = 0; i < 4; i++)
		assert_int_equal(pthread_create(&t[i], NULL, lookup_thread,
						(void *)i), 0);
	for (i = 0; i < 4; i++) {
		assert_int_equal(pthread_join(t[i], &ret), 0);
		if (ret)
			fail_msg("thread %ld: %s", i, (const char *)ret);
	}
}

int main(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_normalize),
		cmocka_unit_test(test_normalize_limits),
		cmocka_unit_test(test_root_env),
		cmocka_unit_test(test_root_file),
		cmocka_unit_test(test_root_home),
		cmocka_unit_test(test_capset_try),
		cmocka_unit_test(test_capset_bad),
		cmocka_unit_test(test_name_is_cap),
		cmocka_unit_test(test_err_names),
		cmocka_unit_test_setup(test_lookup_one_server, root_a),
		cmocka_unit_test_setup(test_lookup_across, root_a),
		cmocka_unit_test_setup(test_lookup_work, root_a),
		cmocka_unit_test_setup(test_lookup_root_offline, root_a),
		cmocka_unit_test_setup(test_lookup_errors, root_a),
		cmocka_unit_test_setup(test_lookup_hops, root_a),
		cmocka_unit_test_setup(test_lookup_replicas, root_a),
		cmocka_unit_test_setup(test_lookup_parent, root_a),
		cmocka_unit_test_setup(test_name_lookup, root_a),
		cmocka_unit_test_setup(test_threads, root_a),
	};
	int status;

	setenv("AMOEBA_TRANSPORT", "udp", 1);
	unsetenv("AMOEBA_UDP_PORT");
	unsetenv("AMOEBA_UDP_PEERS");
	/* The dead replica costs one timeout. */
	setenv("AMOEBA_TRANS_TIMEOUT_MS", "300", 1);
	strcpy(tmpdir, "/tmp/path_test.XXXXXX");
	if (!mkdtemp(tmpdir))
		abort();
	start_servers();
	cmocka_set_message_output(CM_OUTPUT_TAP);
	status = cmocka_run_group_tests_name("path", tests, NULL, NULL);
	rmdir(tmpdir);
	return status;
}
