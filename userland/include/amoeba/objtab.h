/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The server's object table: every service keeps its objects here, so that
 * every service checks capabilities the same way.  Present a capability's
 * private part, get the object and the rights it grants, or STD_CAPBAD /
 * STD_DENIED.
 *
 * Object 0 is the service itself (its "super capability", as in Amoeba):
 * it has no data, is never aged away, and std_age needs it with all rights.
 * Objects hold a reference count, so one thread may destroy an object while
 * another still uses it: the data is released when the last user puts it.
 * All functions are thread-safe.
 */
#ifndef AMOEBA_OBJTAB_H
#define AMOEBA_OBJTAB_H

#include <stddef.h>
#include <stdint.h>
#include <amoeba/cap.h>
#include <amoeba/err.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Age cycles an object survives untouched (std_touch resets it). */
#define AM_OBJ_LIFETIME	24

struct am_objtab;

/*
 * A table for the service with put-port @putport, of at most @max objects
 * (besides object 0; at most AM_OBJ_MAX).  @release frees an object's data
 * once it is destroyed or aged away and no longer in use (may be NULL); it
 * is called exactly once per object, even if the data is NULL, and never
 * with the table locked.
 * NULL with errno set on failure.
 */
struct am_objtab *am_objtab_new(const struct am_port *putport, uint32_t max,
				void (*release)(void *data));
/* Releases every object's data. */
void am_objtab_free(struct am_objtab *tab);

/* The owner capability of object 0. */
void am_objtab_supercap(struct am_objtab *tab, struct am_cap *cap);

/*
 * Set the age cycles an object survives untouched, from now on: 1 to 255
 * (AM_OBJ_LIFETIME by default).  STD_OK or STD_ARGBAD.
 */
errstat am_objtab_lifetime(struct am_objtab *tab, unsigned int cycles);

/*
 * A new object with a fresh random check: STD_OK and its owner capability
 * in *owner, or STD_NOSPACE (table full) / STD_NOMEM / STD_SYSERR (no
 * randomness to be had).  The owner capability's check field is the
 * object's secret check itself, what a service that keeps its objects on
 * disk stores and gives back to am_obj_restore after a restart.
 */
errstat am_obj_create(struct am_objtab *tab, void *data, struct am_cap *owner);

/*
 * Put back object @obj with its secret @check and @data, as a service
 * that keeps its objects on disk does at start-up, so that the
 * capabilities it gave out before still work.  Object 0 takes @check for
 * the super capability (its data stays NULL).  STD_OK, STD_ARGBAD (@obj
 * past the table's size, a null check, or @obj already live), STD_NOMEM.
 * Restoring in increasing object order costs constant time each.
 */
errstat am_obj_restore(struct am_objtab *tab, uint32_t obj,
		       const struct am_port *check, void *data);

/*
 * Look up the object @priv names and check that it grants every right in
 * @need: STD_OK with *data (NULL for object 0) and *rights set and a
 * reference taken (give it back with am_obj_put), STD_CAPBAD (no such
 * object, or a check that does not match), or STD_DENIED (a right missing).
 */
errstat am_obj_get(struct am_objtab *tab, const struct am_priv *priv,
		   uint8_t need, void **data, uint8_t *rights);
/* A @priv that does not match a reference held is ignored. */
void am_obj_put(struct am_objtab *tab, const struct am_priv *priv);

/* STD_OK and *out with the rights @priv grants & @mask, or as am_obj_get. */
errstat am_obj_restrict(struct am_objtab *tab, const struct am_priv *priv,
			uint8_t mask, struct am_priv *out);

/*
 * Remove the object (needing @need rights): later lookups give STD_CAPBAD.
 * Object 0 cannot be destroyed (STD_DENIED).
 */
errstat am_obj_destroy(struct am_objtab *tab, const struct am_priv *priv,
		       uint8_t need);

/* Reset the object's lifetime to AM_OBJ_LIFETIME (any valid capability). */
errstat am_obj_touch(struct am_objtab *tab, const struct am_priv *priv);

/*
 * One garbage-collection cycle: every object's lifetime goes down by one,
 * and objects reaching 0 are removed as if destroyed.  Returns how many.
 */
uint32_t am_objtab_age(struct am_objtab *tab);

/* Objects in the table, object 0 not counted. */
uint32_t am_objtab_count(struct am_objtab *tab);

#ifdef __cplusplus
}
#endif

#endif /* AMOEBA_OBJTAB_H */
