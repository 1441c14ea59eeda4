// SPDX-License-Identifier: GPL-2.0
/*
 * del: delete Bullet files, named by capability or by path.  For a path
 * the objects go first and the name last, and the name only if every
 * object is gone: a name whose file still exists can be deleted again,
 * a file whose name is gone is lost to everyone but the garbage
 * collector.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "bcmd.h"

static const char help[] =
"usage: del [-n | -d] PATH|CAPABILITY...\n"
"Delete each object an operand names (std_destroy), which needs the delete\n"
"right.  Deletion is permanent: the object's space is freed and every\n"
"capability for it becomes invalid (STD_CAPBAD).\n"
"A capability operand is the object itself.  A path operand names an entry\n"
"of a SOAP directory, which holds one capability or several (replicas):\n"
"each of them is destroyed, one already gone (STD_CAPBAD) counting as\n"
"destroyed, and then, only if all of them are gone, the name is removed\n"
"from its directory (sp_delete), which needs the modify right (40) on it:\n"
"a directory capability without it is refused before anything goes.\n"
"  -n  only remove the names: the objects are left alone (they live on\n"
"      under other names, or go when they are not touched for the\n"
"      server's lifetime)\n"
"  -d  remove directories: each must be a SOAP directory, and empty (else\n"
"      SP_NOTEMPTY); it is destroyed, then its name removed\n"
"A failure is reported and the other operands are still deleted; all\n"
"capability operands are checked first.\n"
"A capability is PPPPPPPPPPPP:OOOOOO:RR:CCCCCCCCCCCC in hexadecimal.\n"
"Exit status: 0 if every operand was deleted, 1 if one was not, 2 for a\n"
"usage error.\n"
"Environment: AMOEBA_ROOT (the root directory's capability; else the file\n"
"AMOEBA_ROOTFILE or ~/.amoeba/root holds it), AMOEBA_WORK (the working\n"
"directory's capability, for a path not starting with '/'; default the\n"
"root), AMOEBA_TRANSPORT (see libamoeba(3)).\n";

static bool names_only, dirs;

static void option(int ch, char *arg)
{
	(void)arg;
	if (ch == 'n')
		names_only = true;
	else
		dirs = true;
}

/* Destroy every member of @set: true if each is gone now. */
static bool destroy_all(const char *path, const struct sp_capset *set)
{
	char text[AM_CAP_TEXTLEN + 1], what[SP_PATH_MAX + AM_CAP_TEXTLEN + 8];
	bool gone = true;
	errstat err;
	uint32_t i;

	for (i = 0; i < set->caps_len; i++) {
		err = std_destroy(&set->caps[i]);
		if (err == STD_OK || err == STD_CAPBAD)
			continue;
		am_cap_format(&set->caps[i], text, sizeof(text));
		snprintf(what, sizeof(what), "%s: %s", path, text);
		cmd_error(what, err);
		gone = false;
	}
	return gone;
}

/* Only a directory server answers sp_getseqnr: a cheap probe. */
static errstat try_is_dir(const struct am_cap *cap, void *arg)
{
	uint64_t seq;

	(void)arg;
	return sp_getseqnr(cap, &seq);
}

/*
 * The directory @path names, if it is one and empty: destroyed through
 * the first member that answers, as the members of a directory's set are
 * one directory, replicated.
 */
static bool destroy_dir(const char *path, const struct sp_capset *set)
{
	errstat err;

	err = am_capset_try(set, try_is_dir, NULL);
	if (err == STD_COMBAD) {
		fprintf(stderr, "%s: %s: not a directory\n", progname, path);
		return false;
	}
	/* Denied: a directory, seen through no column; destroying may do. */
	if (err != STD_OK && err != STD_DENIED) {
		cmd_error(path, err);
		return false;
	}
	err = am_capset_try(set, cmd_try_destroy, NULL);
	if (err != STD_OK && err != STD_CAPBAD) {
		cmd_error(path, err);
		return false;
	}
	return true;
}

static int del_path(const char *path)
{
	char name[SP_NAME_MAX + 1];
	struct cmd_name_op op;
	struct sp_capset dir;
	errstat err;

	if (cmd_parent(path, &dir, name) != STD_OK)
		return EXIT_FAIL;
	memset(&op, 0, sizeof(op));
	op.name = name;
	if (!names_only && !bcmd_may_modify(&dir)) {
		fprintf(stderr, "%s: %s: the directory capability has no modify right, so the name could not be removed: nothing deleted (STD_DENIED)\n",
			progname, path);
		return EXIT_FAIL;
	}
	if (!names_only) {
		err = am_capset_try(&dir, cmd_try_lookup, &op);
		if (err != STD_OK) {
			cmd_error(path, err);
			return EXIT_FAIL;
		}
		if (dirs ? !destroy_dir(path, &op.found) :
		    !destroy_all(path, &op.found))
			return EXIT_FAIL;
	}
	err = am_capset_try(&dir, cmd_try_delete, &op);
	if (err != STD_OK) {
		cmd_error(path, err);
		return EXIT_FAIL;
	}
	return EXIT_OK;
}

int main(int argc, char **argv)
{
	int first = cmd_getopt(argc, argv, help, "nd", option, 1, -1);
	int i, status = EXIT_OK;
	struct am_cap cap;
	errstat err;

	if (names_only && dirs)
		cmd_usage("%s", "-n and -d exclude each other");
	/* Check every capability first: a typo should not half-run a list. */
	for (i = first; i < argc; i++) {
		if (cmd_is_path(argv[i]))
			continue;
		if (names_only)
			cmd_usage("-n needs a path, not the capability '%s'",
				  argv[i]);
	}
	for (i = first; i < argc; i++) {
		if (cmd_is_path(argv[i])) {
			if (del_path(argv[i]) != EXIT_OK)
				status = EXIT_FAIL;
			continue;
		}
		cmd_cap(argv[i], &cap);
		err = std_destroy(&cap);
		if (err != STD_OK) {
			cmd_error(argv[i], err);
			status = EXIT_FAIL;
		}
	}
	return status;
}
