// SPDX-License-Identifier: GPL-2.0
/*
 * Path names, resolved through SOAP directories with sp_lookup, one
 * server at a time: each server walks as much of the path as it holds
 * and says how far it got, so a path costs one call per server crossed,
 * not one per name.  See <amoeba/path.h>.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <amoeba/path.h>
#include "am.h"

/* Long enough for a message naming a path, cut short if it is longer. */
static __thread char why[1024];

static __printf(2, 3) errstat path_fail(errstat err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	return err;
}

const char *am_path_error(void)
{
	return why[0] ? why : "no error";
}

static const char *code_name(errstat err)
{
	const char *name = err_name(err);

	return name ? name : err_why(err);
}

static void one_member(struct sp_capset *set, const struct am_cap *cap)
{
	memset(set, 0, sizeof(*set));
	set->caps[0] = *cap;
	set->caps_len = 1;
}

/*
 * An environment variable's capability.  Unset and empty are the same, as
 * for the other AMOEBA_* variables.
 */
static errstat env_cap(const char *var, struct am_cap *cap, bool *found)
{
	const char *text = getenv(var);
	struct am_parse_err perr;

	*found = text && *text;
	if (!*found)
		return STD_OK;
	if (am_cap_parse(text, cap, &perr) != STD_OK)
		return path_fail(STD_ARGBAD, "%s \"%.100s\" is not a capability: at character %zu: %s",
				 var, text, perr.pos + 1, perr.msg);
	return STD_OK;
}

/*
 * The capability on the first line of @file.  @var: the variable that
 * named it, whose file must exist; NULL for the default file, whose
 * absence means no root is configured.
 */
static errstat file_cap(const char *file, const char *var, struct am_cap *cap)
{
	const char *what = var ? var : "root file";
	struct am_parse_err perr;
	char *line = NULL, *text;
	size_t room = 0;
	errstat err;
	FILE *f;
	int e;

	f = fopen(file, "re");
	if (!f) {
		e = errno;
		if (!var && (e == ENOENT || e == ENOTDIR))
			return path_fail(STD_NOTFOUND, "no root directory: set AMOEBA_ROOT to its capability, or AMOEBA_ROOTFILE to a file holding it, or write it into %s",
					 file);
		return path_fail(STD_SYSERR, "%s %s: %s", what, file,
				 strerror(e));
	}
	if (getline(&line, &room, f) < 0) {
		e = ferror(f) ? errno : 0;
		fclose(f);
		free(line);
		if (e)
			return path_fail(STD_SYSERR, "%s %s: %s", what, file,
					 strerror(e));
		return path_fail(STD_ARGBAD, "%s %s is empty: its first line should be a capability",
				 what, file);
	}
	fclose(f);
	text = am_trim(line);
	err = am_cap_parse(text, cap, &perr);
	if (err != STD_OK)
		err = path_fail(STD_ARGBAD, "%s %s: first line \"%.100s\" is not a capability: at character %zu: %s",
				what, file, text, perr.pos + 1, perr.msg);
	free(line);
	return err;
}

/* The first source of the root that is set: see <amoeba/path.h>. */
static errstat root_cap(struct am_cap *cap)
{
	const char *file, *home;
	char buf[4096];
	bool found;
	errstat err;

	err = env_cap("AMOEBA_ROOT", cap, &found);
	if (err != STD_OK || found)
		return err;
	file = getenv("AMOEBA_ROOTFILE");
	if (file && *file)
		return file_cap(file, "AMOEBA_ROOTFILE", cap);
	home = getenv("HOME");
	if (!home || !*home)
		return path_fail(STD_NOTFOUND, "no root directory: set AMOEBA_ROOT to its capability, or AMOEBA_ROOTFILE to a file holding it (HOME is not set, so there is no ~/.amoeba/root)");
	if ((size_t)snprintf(buf, sizeof(buf), "%s/.amoeba/root", home) >=
	    sizeof(buf))
		return path_fail(STD_ARGBAD, "HOME \"%.100s...\" is too long",
				 home);
	return file_cap(buf, NULL, cap);
}

errstat am_root(struct sp_capset *root)
{
	struct am_cap cap;
	errstat err;

	if (!root)
		return path_fail(STD_ARGBAD, "%s: no set to fill in", __func__);
	err = root_cap(&cap);
	if (err == STD_OK)
		one_member(root, &cap);
	return err;
}

/*
 * Where a relative path starts, and its name in messages: AMOEBA_WORK,
 * else the root.
 */
static errstat start_dir(const char *path, struct sp_capset *dir,
			 const char **from)
{
	struct am_cap cap;
	bool found = false;
	errstat err;

	*from = "/";
	if (path[0] != '/') {
		err = env_cap("AMOEBA_WORK", &cap, &found);
		if (err != STD_OK)
			return err;
	}
	if (!found)
		return am_root(dir);
	*from = "$AMOEBA_WORK";
	one_member(dir, &cap);
	return STD_OK;
}

/*
 * One pass of normalisation, from the last component to the first, so that
 * a ".." knows how many components before it to drop by counting, with no
 * stack.  Without @out it measures (*@len) and checks; with it, it writes
 * the *@len bytes measured before, back to front.
 */
static errstat norm_pass(const char *path, char *out, size_t *len)
{
	const char *end = path + strlen(path), *start;
	size_t n = 0, drop = 0, at = *len, clen;

	while (end > path) {
		start = end;
		while (start > path && start[-1] != '/')
			start--;
		clen = (size_t)(end - start);
		if (clen > SP_NAME_MAX)
			return path_fail(STD_ARGBAD, "path component \"%.40s...\" is %zu bytes long: at most %d",
					 start, clen, SP_NAME_MAX);
		if (clen == 0 || (clen == 1 && start[0] == '.')) {
			/* nothing: "a//b" and "a/./b" are "a/b" */
		} else if (clen == 2 && start[0] == '.' && start[1] == '.') {
			drop++;
		} else if (drop) {
			drop--;
		} else if (out) {
			at -= clen;
			memcpy(out + at, start, clen);
			if (at)
				out[--at] = '/';
		} else {
			n += clen + (n ? 1 : 0);
		}
		end = start > path ? start - 1 : path;
	}
	if (!out)
		*len = n;
	return STD_OK;
}

errstat am_path_normalize(const char *path, char *out, size_t len)
{
	size_t n;
	errstat err;

	if (!path || !out)
		return path_fail(STD_ARGBAD, "%s: no path or no room", __func__);
	err = norm_pass(path, NULL, &n);
	if (err != STD_OK)
		return err;
	if (n > SP_PATH_MAX)
		return path_fail(STD_ARGBAD, "path \"%.40s...\" is %zu bytes long without its leading '/': at most %d",
				 path, n, SP_PATH_MAX);
	if (n >= len)
		return path_fail(STD_OVERFLOW, "path \"%.40s\" needs %zu bytes: room for %zu",
				 path, n + 1, len);
	norm_pass(path, out, &n);
	out[n] = '\0';
	return STD_OK;
}

errstat am_capset_try(const struct sp_capset *set,
		      errstat (*op)(const struct am_cap *cap, void *arg),
		      void *arg)
{
	errstat err = STD_ARGBAD;
	uint32_t i;

	if (!set || !op)
		return path_fail(STD_ARGBAD, "%s: no set or no operation", __func__);
	if (set->caps_len == 0)
		return path_fail(STD_ARGBAD, "an empty capability set");
	if (set->caps_len > SP_CAPSET_MAX)
		return path_fail(STD_ARGBAD, "a set of %u capabilities: at most %d",
				 set->caps_len, SP_CAPSET_MAX);
	for (i = 0; i < set->caps_len; i++) {
		err = op(&set->caps[i], arg);
		if (!am_err_rpc(err))
			return err;
	}
	return path_fail(err, "no server answered (capabilities tried: %u); the last: %s",
			 set->caps_len, am_rpc_error());
}

struct lookup_step {
	const char		*path;
	uint32_t		used;
	struct sp_capset	set;
};

static errstat lookup_one(const struct am_cap *cap, void *arg)
{
	struct lookup_step *s = arg;

	return sp_lookup(cap, s->path, &s->used, &s->set);
}

/* A server's @used that ends inside a component, or past the end. */
static bool used_bad(const char *rest, uint32_t used)
{
	size_t left = strlen(rest);

	if (used == 0 || used > left)
		return true;
	return rest[used - 1] != '/' && rest[used] != '/' &&
	       rest[used] != '\0';
}

/*
 * Walk the normalised @norm from @start (named @from in messages) to the
 * set its last name holds, one server per step.
 */
/* A set a server may answer: one to SP_CAPSET_MAX members, no null port. */
static bool set_ok(const struct sp_capset *set)
{
	uint32_t i;

	if (!set->caps_len || set->caps_len > SP_CAPSET_MAX)
		return false;
	for (i = 0; i < set->caps_len; i++)
		if (am_port_null(&set->caps[i].cap_port))
			return false;
	return true;
}

static errstat walk(const struct sp_capset *start, const char *from,
		    const char *norm, struct sp_capset *set)
{
	struct sp_capset cur = *start;
	const char *rest = norm, *sep;
	struct lookup_step step;
	int hops, done;
	errstat err;

	for (hops = 0; *rest; hops++) {
		done = rest > norm ? (int)(rest - norm - 1) : 0;
		sep = done && strcmp(from, "/") ? "/" : "";
		if (hops == AM_PATH_HOPS)
			return path_fail(STD_ARGBAD, "\"%.100s\" still left in %s%s%.*s after %d lookups: a cycle of directories?",
					 rest, from, sep, done, norm,
					 AM_PATH_HOPS);
		if (cur.caps_len == 0)
			return path_fail(STD_ARGBAD, "%s%s%.*s holds no capability, so \"%.100s\" cannot be looked up in it",
					 from, sep, done, norm, rest);
		step.path = rest;
		step.used = 0;
		err = am_capset_try(&cur, lookup_one, &step);
		if (am_err_rpc(err))
			return path_fail(err, "sp_lookup(\"%.100s\") in %s%s%.*s: %s (capabilities tried: %u); the last: %s",
					 rest, from, sep, done, norm,
					 code_name(err), cur.caps_len,
					 am_rpc_error());
		if (err == STD_COMBAD)
			return path_fail(err, "sp_lookup(\"%.100s\") in %s%s%.*s: STD_COMBAD: not a directory",
					 rest, from, sep, done, norm);
		if (err != STD_OK)
			return path_fail(err, "sp_lookup(\"%.100s\") in %s%s%.*s: %s",
					 rest, from, sep, done, norm,
					 code_name(err));
		if (used_bad(rest, step.used))
			return path_fail(STD_SYSERR, "sp_lookup(\"%.100s\") in %s%s%.*s: the server says it used %u bytes, not a whole number of names",
					 rest, from, sep, done, norm,
					 step.used);
		if (!set_ok(&step.set))
			return path_fail(STD_SYSERR, "sp_lookup(\"%.100s\") in %s%s%.*s: the server answers an empty set or a null port",
					 rest, from, sep, done, norm);
		rest += step.used;
		if (*rest == '/')
			rest++;
		cur = step.set;
	}
	*set = cur;
	return STD_OK;
}

errstat am_lookup(const char *path, struct sp_capset *set)
{
	char norm[SP_PATH_MAX + 1];
	struct sp_capset start;
	const char *from;
	errstat err;

	if (!path || !set)
		return path_fail(STD_ARGBAD, "%s: no path or no set", __func__);
	err = am_path_normalize(path, norm, sizeof(norm));
	if (err == STD_OK)
		err = start_dir(path, &start, &from);
	if (err == STD_OK)
		err = walk(&start, from, norm, set);
	return err;
}

errstat am_lookup_parent(const char *path, struct sp_capset *dir,
			 char *name)
{
	char norm[SP_PATH_MAX + 1], *last;
	struct sp_capset start;
	const char *from;
	errstat err;

	if (!path || !dir || !name)
		return path_fail(STD_ARGBAD, "%s: no path, set or name", __func__);
	err = am_path_normalize(path, norm, sizeof(norm));
	if (err != STD_OK)
		return err;
	if (!norm[0])
		return path_fail(STD_ARGBAD, "\"%.100s\" names a start directory, which is in no directory of its own",
				 path);
	last = strrchr(norm, '/');
	strcpy(name, last ? last + 1 : norm);
	if (last)
		*last = '\0';
	else
		norm[0] = '\0';
	err = start_dir(path, &start, &from);
	if (err == STD_OK)
		err = walk(&start, from, norm, dir);
	return err;
}

bool am_name_is_cap(const char *name)
{
	struct am_cap cap;

	return name && am_cap_parse(name, &cap, NULL) == STD_OK;
}

errstat am_name_lookup(const char *name, struct sp_capset *set)
{
	struct am_cap cap;

	if (!name || !set)
		return path_fail(STD_ARGBAD, "%s: no name or no set", __func__);
	if (am_cap_parse(name, &cap, NULL) != STD_OK)
		return am_lookup(name, set);
	one_member(set, &cap);
	return STD_OK;
}
