// SPDX-License-Identifier: GPL-2.0
/*
 * The directories in memory: a table by object number, and each
 * directory's rows sorted by name, so that a lookup is a binary search
 * and sp_list pages through them in a stable order.  Nothing here can
 * fail once its room is reserved, which is what lets a change be
 * applied whole after its log record is durable.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "soap.h"

void sp_tab_init(struct sp_tab *t)
{
	memset(t, 0, sizeof(*t));
}

void sp_dir_free(struct sp_dir *d)
{
	uint32_t i;

	if (!d)
		return;
	for (i = 0; i < d->nrows; i++)
		free(d->rows[i]);
	free(d->rows);
	sp_dir_drop_sealed(d);
	free(d->sealed);
	free(d->wraps);
	/* Plaintext keys do not outlive the directory in freed memory. */
	memset(d->key, 0, sizeof(d->key));
	memset(&d->check, 0, sizeof(d->check));
	free(d);
}

void sp_tab_free(struct sp_tab *t)
{
	uint32_t i;

	for (i = 0; i < t->room; i++)
		sp_dir_free(t->dirs[i]);
	free(t->dirs);
	sp_tab_init(t);
}

struct sp_dir *sp_dir_of(const struct sp_tab *t, uint32_t obj)
{
	return obj && obj < t->room ? t->dirs[obj] : NULL;
}

uint32_t sp_tab_free_obj(const struct sp_tab *t)
{
	uint32_t obj;

	for (obj = 1; obj < t->room; obj++)
		if (!t->dirs[obj])
			return obj;
	return t->room > AM_OBJ_MAX ? 0 : (t->room ? t->room : 1);
}

int sp_tab_reserve(struct sp_tab *t, uint32_t obj)
{
	struct sp_dir **p;
	uint32_t room;

	if (obj > AM_OBJ_MAX)
		return -ENOSPC;
	if (obj < t->room)
		return 0;
	room = t->room ? t->room : 64;
	while (room <= obj)
		room *= 2;
	if (room > AM_OBJ_MAX + 1)
		room = AM_OBJ_MAX + 1;
	p = realloc(t->dirs, room * sizeof(*p));
	if (!p)
		return -ENOMEM;
	memset(p + t->room, 0, (room - t->room) * sizeof(*p));
	t->dirs = p;
	t->room = room;
	return 0;
}

void sp_tab_insert(struct sp_tab *t, struct sp_dir *d)
{
	t->dirs[d->obj] = d;
	t->ndirs++;
	t->nrows += d->nrows;
}

void sp_tab_remove(struct sp_tab *t, uint32_t obj)
{
	struct sp_dir *d = sp_dir_of(t, obj);

	if (!d)
		return;
	t->nrows -= d->nrows;
	t->ndirs--;
	t->dirs[obj] = NULL;
	sp_dir_free(d);
}

long sp_dir_find(const struct sp_dir *d, const char *name)
{
	long lo = 0, hi = (long)d->nrows - 1, mid;
	int c;

	while (lo <= hi) {
		mid = lo + (hi - lo) / 2;
		c = strcmp(d->rows[mid]->name, name);
		if (!c)
			return mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return -lo - 1;
}

int sp_dir_reserve(struct sp_dir *d, uint32_t more)
{
	struct sp_entry **p;
	uint64_t need = (uint64_t)d->nrows + more;
	uint32_t room;

	if (need <= d->rows_room)
		return 0;
	if (need > UINT32_MAX / 2)
		return -ENOMEM;
	room = d->rows_room ? d->rows_room : 8;
	while (room < need)
		room *= 2;
	p = realloc(d->rows, room * sizeof(*p));
	if (!p)
		return -ENOMEM;
	d->rows = p;
	d->rows_room = room;
	return 0;
}

void sp_dir_put(struct sp_tab *t, struct sp_dir *d, struct sp_entry *e)
{
	long i = sp_dir_find(d, e->name);

	if (i >= 0) {
		free(d->rows[i]);
		d->rows[i] = e;
		return;
	}
	i = -i - 1;
	memmove(d->rows + i + 1, d->rows + i,
		(d->nrows - (uint32_t)i) * sizeof(*d->rows));
	d->rows[i] = e;
	d->nrows++;
	t->nrows++;
}

void sp_dir_del(struct sp_tab *t, struct sp_dir *d, const char *name)
{
	long i = sp_dir_find(d, name);

	if (i < 0)
		return;
	free(d->rows[i]);
	memmove(d->rows + i, d->rows + i + 1,
		(d->nrows - (uint32_t)i - 1) * sizeof(*d->rows));
	d->nrows--;
	t->nrows--;
}

struct sp_entry *sp_entry_new(const char *name)
{
	size_t n = strlen(name) + 1;
	struct sp_entry *e = calloc(1, sizeof(*e) + n);

	if (e)
		memcpy(e->name, name, n);
	return e;
}

int sp_dir_add_sealed(struct sp_dir *d, const uint8_t *bytes, uint32_t len)
{
	struct sp_sealed **p, *s;
	uint32_t room;

	if (d->nsealed == d->sealed_room) {
		room = d->sealed_room ? 2 * d->sealed_room : 8;
		p = realloc(d->sealed, room * sizeof(*p));
		if (!p)
			return -ENOMEM;
		d->sealed = p;
		d->sealed_room = room;
	}
	s = malloc(sizeof(*s) + len);
	if (!s)
		return -ENOMEM;
	s->len = len;
	memcpy(s->bytes, bytes, len);
	d->sealed[d->nsealed++] = s;
	return 0;
}

void sp_dir_drop_sealed(struct sp_dir *d)
{
	uint32_t i;

	for (i = 0; i < d->nsealed; i++)
		free(d->sealed[i]);
	d->nsealed = 0;
}

errstat sp_name_ok(const char *name)
{
	const unsigned char *p;

	if (!name[0] || !strcmp(name, ".") || !strcmp(name, ".."))
		return STD_ARGBAD;
	/* Control characters would make listings lie about names. */
	for (p = (const unsigned char *)name; *p; p++)
		if (*p == '/' || *p < 0x20 || *p == 0x7f)
			return STD_ARGBAD;
	return p - (const unsigned char *)name > SP_NAME_MAX ?
	       STD_ARGBAD : STD_OK;
}

errstat sp_cols_ok(const char *const *names, uint32_t n)
{
	uint32_t i, j;

	if (!n || n > SP_COLS_MAX)
		return STD_ARGBAD;
	for (i = 0; i < n; i++) {
		if (sp_name_ok(names[i]) != STD_OK ||
		    strlen(names[i]) > SP_COLNAME_MAX)
			return STD_ARGBAD;
		for (j = 0; j < i; j++)
			if (!strcmp(names[i], names[j]))
				return STD_ARGBAD;
	}
	return STD_OK;
}
