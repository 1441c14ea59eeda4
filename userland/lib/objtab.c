// SPDX-License-Identifier: GPL-2.0
/*
 * The server's object table: object numbers, their secret checks, their
 * lifetimes for garbage collection, and reference counts so that an object
 * destroyed while in use is released only when its last user is done.
 *
 * The table is an array of slots indexed by object number, grown by
 * doubling up to max + 1 slots, so that a table of AM_OBJ_MAX objects costs
 * memory only for the objects it has had.  A slot is free, live, or dead:
 * destroyed or aged away but still referenced.  A dead slot keeps its
 * object's data and check and is not reused until the last am_obj_put();
 * that way am_obj_put() finds the record by object number alone, with no
 * second structure to search, and a bogus priv cannot touch another
 * incarnation's count (its check would not match).  The price is that a
 * dead slot still occupies its number: while every free number is held by
 * a dead object, am_obj_create() answers STD_NOSPACE even with fewer than
 * max objects live.  References are held for the length of one request,
 * so that lasts no longer.
 *
 * The release callback always runs without the lock held, so that it may
 * take its time or call back into the table.
 */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <amoeba/objtab.h>

#define OBJ_FIRST_SLOTS	64u

enum obj_state {
	OBJ_FREE,
	OBJ_LIVE,
	OBJ_DEAD,
};

struct am_obj {
	void		*data;
	struct am_port	check;		/* kept when freed: see obj_init() */
	uint8_t		state;		/* enum obj_state */
	uint8_t		lifetime;
	uint32_t	refs;
	uint32_t	next_free;	/* free list link; 0 ends it */
};

struct am_objtab {
	pthread_mutex_t	lock;
	struct am_port	putport;
	void		(*release)(void *data);
	struct am_obj	*slots;
	uint32_t	nslots;		/* allocated */
	uint32_t	nused;		/* slots 0..nused - 1 ever handed out */
	uint32_t	max;		/* objects besides object 0 */
	uint32_t	live;		/* live objects besides object 0 */
	uint32_t	free_head;	/* slot 0 is never free: 0 is "none" */
	uint8_t		lifetime;	/* a new object's, and a touch's */
};

static void tab_lock(struct am_objtab *tab)
{
	pthread_mutex_lock(&tab->lock);
}

static void tab_unlock(struct am_objtab *tab)
{
	pthread_mutex_unlock(&tab->lock);
}

static void release_data(struct am_objtab *tab, void *data)
{
	if (tab->release)
		tab->release(data);
}

struct am_objtab *am_objtab_new(const struct am_port *putport, uint32_t max,
				void (*release)(void *data))
{
	struct am_objtab *tab;
	int err;

	if (!putport || max > AM_OBJ_MAX) {
		errno = EINVAL;
		return NULL;
	}
	tab = calloc(1, sizeof(*tab));
	if (!tab)
		return NULL;
	tab->nslots = max + 1 < OBJ_FIRST_SLOTS ? max + 1 : OBJ_FIRST_SLOTS;
	tab->slots = calloc(tab->nslots, sizeof(*tab->slots));
	if (!tab->slots)
		goto fail;
	err = am_port_random(&tab->slots[0].check);
	if (err) {
		errno = -err;
		goto fail;
	}
	err = pthread_mutex_init(&tab->lock, NULL);
	if (err) {
		errno = err;
		goto fail;
	}
	tab->slots[0].state = OBJ_LIVE;
	tab->nused = 1;
	tab->putport = *putport;
	tab->release = release;
	tab->max = max;
	tab->lifetime = AM_OBJ_LIFETIME;
	return tab;
fail:
	free(tab->slots);
	free(tab);
	return NULL;
}

void am_objtab_free(struct am_objtab *tab)
{
	uint32_t i;

	if (!tab)
		return;
	/* Nobody may use the table any more, so references do not count. */
	for (i = 1; i < tab->nused; i++)
		if (tab->slots[i].state != OBJ_FREE)
			release_data(tab, tab->slots[i].data);
	explicit_bzero(tab->slots, tab->nslots * sizeof(*tab->slots));
	free(tab->slots);
	pthread_mutex_destroy(&tab->lock);
	free(tab);
}

void am_objtab_supercap(struct am_objtab *tab, struct am_cap *cap)
{
	cap->cap_port = tab->putport;
	tab_lock(tab);
	am_priv_encode(&cap->cap_priv, 0, AM_RIGHTS_ALL, &tab->slots[0].check);
	tab_unlock(tab);
}

/* Double the slot array, up to max + 1 slots.  Called locked. */
static bool tab_grow(struct am_objtab *tab)
{
	uint32_t limit = tab->max + 1;
	uint32_t n = tab->nslots > limit / 2 ? limit : tab->nslots * 2;
	struct am_obj *slots;

	slots = realloc(tab->slots, n * sizeof(*slots));
	if (!slots)
		return false;
	memset(slots + tab->nslots, 0, (n - tab->nslots) * sizeof(*slots));
	tab->slots = slots;
	tab->nslots = n;
	return true;
}

/* A free slot number for a new object, or 0 with the error.  Locked. */
static uint32_t slot_take(struct am_objtab *tab, errstat *err)
{
	uint32_t obj = tab->free_head;

	if (obj) {
		tab->free_head = tab->slots[obj].next_free;
		return obj;
	}
	/* Every number is live, or dead and still referenced. */
	if (tab->nused > tab->max) {
		*err = STD_NOSPACE;
		return 0;
	}
	if (tab->nused == tab->nslots && !tab_grow(tab)) {
		*err = STD_NOMEM;
		return 0;
	}
	return tab->nused++;
}

/* Return @obj's slot to the free list, handing back its data.  Locked. */
static void *slot_free(struct am_objtab *tab, uint32_t obj)
{
	struct am_obj *o = &tab->slots[obj];
	void *data = o->data;

	o->data = NULL;
	o->state = OBJ_FREE;
	o->next_free = tab->free_head;
	tab->free_head = obj;
	return data;
}

/*
 * Take @obj out of the table.  True if nobody holds it, so that the
 * caller must release *data once unlocked.  Locked.
 */
static bool obj_kill(struct am_objtab *tab, uint32_t obj, void **data)
{
	struct am_obj *o = &tab->slots[obj];

	o->state = OBJ_DEAD;
	tab->live--;
	if (o->refs)
		return false;
	*data = slot_free(tab, obj);
	return true;
}

/*
 * The live object @priv names, if its check matches and it grants @need:
 * STD_OK with *obj and *rights, or STD_CAPBAD / STD_DENIED.  Locked.
 */
static errstat obj_find(struct am_objtab *tab, const struct am_priv *priv,
			uint8_t need, uint32_t *obj, uint8_t *rights)
{
	uint32_t n = am_priv_object(priv);

	if (n >= tab->nused || tab->slots[n].state != OBJ_LIVE)
		return STD_CAPBAD;
	if (am_priv_decode(priv, &tab->slots[n].check, rights) != STD_OK)
		return STD_CAPBAD;
	if ((*rights & need) != need)
		return STD_DENIED;
	*obj = n;
	return STD_OK;
}

/*
 * Fill @o as a new object under the fresh secret *check.  @o still holds
 * its previous incarnation's check, which the new one must not equal, or
 * the old capabilities would name the new object (once in 2^48).  Locked.
 */
static errstat obj_init(struct am_obj *o, void *data, struct am_port *check)
{
	while (am_port_eq(&o->check, check))
		if (am_port_random(check))
			return STD_SYSERR;
	o->check = *check;
	o->data = data;
	o->state = OBJ_LIVE;
	o->refs = 0;
	return STD_OK;
}

errstat am_objtab_lifetime(struct am_objtab *tab, unsigned int cycles)
{
	if (!cycles || cycles > UINT8_MAX)
		return STD_ARGBAD;
	tab_lock(tab);
	tab->lifetime = (uint8_t)cycles;
	tab_unlock(tab);
	return STD_OK;
}

errstat am_obj_create(struct am_objtab *tab, void *data, struct am_cap *owner)
{
	struct am_port check;
	errstat err = STD_OK;
	uint32_t obj;

	/* Outside the lock: a system call the other threads need not wait on. */
	if (am_port_random(&check))
		return STD_SYSERR;
	tab_lock(tab);
	obj = slot_take(tab, &err);
	if (!obj)
		goto out;
	err = obj_init(&tab->slots[obj], data, &check);
	if (err) {
		slot_free(tab, obj);
		goto out;
	}
	tab->slots[obj].lifetime = tab->lifetime;
	tab->live++;
	owner->cap_port = tab->putport;
	am_priv_encode(&owner->cap_priv, obj, AM_RIGHTS_ALL, &check);
out:
	tab_unlock(tab);
	explicit_bzero(&check, sizeof(check));
	return err;
}

/* Take free slot @obj off the free list, wherever it is on it.  Locked. */
static void slot_unlink(struct am_objtab *tab, uint32_t obj)
{
	uint32_t *link = &tab->free_head;

	while (*link != obj)
		link = &tab->slots[*link].next_free;
	*link = tab->slots[obj].next_free;
}

errstat am_obj_restore(struct am_objtab *tab, uint32_t obj,
		       const struct am_port *check, void *data)
{
	struct am_obj *o;
	uint32_t i;

	if (obj > tab->max || am_port_null(check))
		return STD_ARGBAD;
	tab_lock(tab);
	if (obj == 0) {
		tab->slots[0].check = *check;
		tab_unlock(tab);
		return STD_OK;
	}
	while (obj >= tab->nslots)
		if (!tab_grow(tab)) {
			tab_unlock(tab);
			return STD_NOMEM;
		}
	/* The numbers skipped are free; the newest first on the list. */
	for (i = tab->nused; i <= obj; i++) {
		tab->slots[i].state = OBJ_FREE;
		tab->slots[i].next_free = tab->free_head;
		tab->free_head = i;
	}
	if (tab->nused <= obj)
		tab->nused = obj + 1;
	o = &tab->slots[obj];
	if (o->state != OBJ_FREE) {
		tab_unlock(tab);
		return STD_ARGBAD;
	}
	slot_unlink(tab, obj);
	o->check = *check;
	o->data = data;
	o->state = OBJ_LIVE;
	o->lifetime = tab->lifetime;
	o->refs = 0;
	tab->live++;
	tab_unlock(tab);
	return STD_OK;
}

errstat am_obj_get(struct am_objtab *tab, const struct am_priv *priv,
		   uint8_t need, void **data, uint8_t *rights)
{
	uint8_t granted;
	uint32_t obj;
	errstat err;

	tab_lock(tab);
	err = obj_find(tab, priv, need, &obj, &granted);
	if (err == STD_OK) {
		tab->slots[obj].refs++;
		if (data)
			*data = tab->slots[obj].data;
		if (rights)
			*rights = granted;
	}
	tab_unlock(tab);
	return err;
}

/*
 * Drop one reference to the object @priv names, dead or alive.  True if
 * it was the last reference to a dead object, whose data the caller must
 * then release.  Locked.
 */
static bool obj_unref(struct am_objtab *tab, const struct am_priv *priv,
		      void **data)
{
	uint32_t obj = am_priv_object(priv);
	struct am_obj *o;
	uint8_t rights;

	if (obj >= tab->nused)
		return false;
	o = &tab->slots[obj];
	if (o->state == OBJ_FREE || !o->refs)
		return false;
	if (am_priv_decode(priv, &o->check, &rights) != STD_OK)
		return false;
	if (--o->refs || o->state != OBJ_DEAD)
		return false;
	*data = slot_free(tab, obj);
	return true;
}

void am_obj_put(struct am_objtab *tab, const struct am_priv *priv)
{
	void *data = NULL;
	bool dead;

	tab_lock(tab);
	dead = obj_unref(tab, priv, &data);
	tab_unlock(tab);
	if (dead)
		release_data(tab, data);
}

errstat am_obj_restrict(struct am_objtab *tab, const struct am_priv *priv,
			uint8_t mask, struct am_priv *out)
{
	struct am_port check;
	uint8_t rights;
	uint32_t obj;
	errstat err;

	tab_lock(tab);
	err = obj_find(tab, priv, 0, &obj, &rights);
	if (err == STD_OK)
		check = tab->slots[obj].check;
	tab_unlock(tab);
	if (err != STD_OK)
		return err;
	am_priv_encode(out, obj, rights & mask, &check);
	explicit_bzero(&check, sizeof(check));
	return STD_OK;
}

errstat am_obj_destroy(struct am_objtab *tab, const struct am_priv *priv,
		       uint8_t need)
{
	void *data = NULL;
	bool dead = false;
	uint8_t rights;
	uint32_t obj;
	errstat err;

	tab_lock(tab);
	err = obj_find(tab, priv, need, &obj, &rights);
	if (err == STD_OK && obj == 0)
		err = STD_DENIED;
	if (err == STD_OK)
		dead = obj_kill(tab, obj, &data);
	tab_unlock(tab);
	if (dead)
		release_data(tab, data);
	return err;
}

errstat am_obj_touch(struct am_objtab *tab, const struct am_priv *priv)
{
	uint8_t rights;
	uint32_t obj;
	errstat err;

	tab_lock(tab);
	err = obj_find(tab, priv, 0, &obj, &rights);
	if (err == STD_OK)
		tab->slots[obj].lifetime = tab->lifetime;
	tab_unlock(tab);
	return err;
}

/*
 * Age the objects from *next on, stopping after the first one to release
 * (true, with its data in *data) so that the caller can release it
 * unlocked and go on.  *removed counts the objects taken out.
 */
static bool age_some(struct am_objtab *tab, uint32_t *next,
		     uint32_t *removed, void **data)
{
	bool dead = false;
	struct am_obj *o;

	tab_lock(tab);
	while (!dead && *next < tab->nused) {
		o = &tab->slots[*next];
		if (o->state == OBJ_LIVE && --o->lifetime == 0) {
			dead = obj_kill(tab, *next, data);
			(*removed)++;
		}
		(*next)++;
	}
	tab_unlock(tab);
	return dead;
}

uint32_t am_objtab_age(struct am_objtab *tab)
{
	uint32_t next = 1;		/* object 0 is never aged */
	uint32_t removed = 0;
	void *data = NULL;

	while (age_some(tab, &next, &removed, &data))
		release_data(tab, data);
	return removed;
}

uint32_t am_objtab_count(struct am_objtab *tab)
{
	uint32_t n;

	tab_lock(tab);
	n = tab->live;
	tab_unlock(tab);
	return n;
}
