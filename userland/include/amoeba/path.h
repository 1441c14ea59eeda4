/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Path names: "/home/ann/notes" resolved through SOAP directories
 * (soap/soap.ail, whose client stubs and types come with libamoeba in
 * <amoeba/soap_ail.h>) from a root directory taken from the environment,
 * as Amoeba took it from the capability environment.
 *
 * The root is the capability in AMOEBA_ROOT (text form), else the first
 * line of the file named by AMOEBA_ROOTFILE, else of ~/.amoeba/root.  A
 * path starting with '/' starts there; any other path starts at
 * AMOEBA_WORK (a capability, like AMOEBA_ROOT) if it is set, else at the
 * root too.  Empty components and "." are skipped; ".." drops the
 * component before it (directories form a graph, so there is no parent
 * to ask).
 *
 * A name resolves to a capability set (replicas of one object).  Every
 * call that uses a set tries its members in order and goes to the next
 * only when one cannot be reached (an RPC_* error), so a lookup or an
 * operation survives all but one replica being down.
 */
#ifndef AMOEBA_PATH_H
#define AMOEBA_PATH_H

#include <stdbool.h>
#include <amoeba/cap.h>
#include <amoeba/err.h>
#include <amoeba/soap_ail.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The most directories one resolution walks through, cycles included. */
#define AM_PATH_HOPS	64

/*
 * The root directory as a one-member set: STD_OK, STD_NOTFOUND (no root
 * configured), STD_ARGBAD (a root that is not a capability), STD_SYSERR
 * (the root file could not be read).  am_path_error() says which source
 * was used and what was wrong with it.
 */
errstat am_root(struct sp_capset *root);

/*
 * @path as sp_lookup takes it, into @out (room for @len bytes; SP_PATH_MAX
 * + 1 is always enough): no leading '/', no empty, "." or ".." components,
 * ".." having dropped the component before it, or nothing if it was the
 * first.  Whether the path starts at the root is @path[0] == '/'.
 * STD_OK, STD_ARGBAD (a component longer than SP_NAME_MAX, even one a
 * ".." drops, or a result longer than SP_PATH_MAX) or STD_OVERFLOW (@len
 * too small), with am_path_error() saying which.
 */
errstat am_path_normalize(const char *path, char *out, size_t len);

/*
 * Resolve @path to the set its last name holds: STD_OK, or STD_NOTFOUND
 * (a name missing), STD_ARGBAD (a component longer than SP_NAME_MAX, a
 * path longer than SP_PATH_MAX, more than AM_PATH_HOPS lookups), the
 * errors of am_root(), STD_DENIED, STD_COMBAD (a name on the way is not a
 * directory), STD_SYSERR (a server's answer made no sense), or the RPC_*
 * error of the last replica tried.  "/" is the root itself, and an empty
 * path the directory a relative path starts at: neither asks a server.
 */
errstat am_lookup(const char *path, struct sp_capset *set);

/*
 * The directory that holds @path's last name, and that name (room for
 * SP_NAME_MAX + 1 bytes): as am_lookup, and STD_ARGBAD for a path with
 * no last name ("/", "", "..").
 */
errstat am_lookup_parent(const char *path, struct sp_capset *dir,
			 char *name);

/*
 * An operand that is either a capability in text form (as am_cap_parse
 * takes it) or a path: a one-member set, or the path's set.
 */
errstat am_name_lookup(const char *name, struct sp_capset *set);
/* Whether @name is a capability's text form rather than a path. */
bool am_name_is_cap(const char *name);

/*
 * Call @op on each member of @set in turn until one answers: the first
 * status that is not an RPC_* error (a server answered, yes or no), or
 * the last member's RPC_* error.  STD_ARGBAD for an empty set.
 */
errstat am_capset_try(const struct sp_capset *set,
		      errstat (*op)(const struct am_cap *cap, void *arg),
		      void *arg);

/* Why the last failed call of this thread failed, in words (never NULL). */
const char *am_path_error(void);

#ifdef __cplusplus
}
#endif

#endif /* AMOEBA_PATH_H */
