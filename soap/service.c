// SPDX-License-Identifier: GPL-2.0
/*
 * The SOAP service: what each operation of soap.ail does.  soapd checks
 * capabilities itself (an encrypted directory's check is not known until
 * a capability unwraps it), so the generated stubs check nothing.
 *
 * Every change follows one path: check everything and allocate every new
 * row (plan), write the change as one log record and sync it, then apply
 * it to memory, where nothing can fail any more (commit).  So a change is
 * all or nothing, in memory as on disk, and durable before its reply.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include "soap.h"

struct soap soap;

/* What one row update of a change will do. */
struct change {
	struct sp_dir		*dir;
	const char		*name;
	struct sp_entry		*row;	/* the new row, or NULL: remove */
	bool			noop;	/* removing what is not there */
};

/*
 * The directory a capability of this server names (NULL for object 0,
 * the server itself) and its rights.  A locked directory is opened by
 * the first capability that unwraps its key.
 */
static errstat cap_dir(const struct am_priv *priv, struct sp_dir **dirp,
		       uint8_t *rights)
{
	uint32_t obj = am_priv_object(priv);
	uint8_t key[SP_KEY_LEN];
	struct am_port check;
	struct sp_dir *d;
	errstat err;
	int rc;

	*dirp = NULL;
	if (!obj)
		return am_priv_decode(priv, &soap.tab.supercheck, rights);
	d = sp_dir_of(&soap.tab, obj);
	if (!d)
		return STD_CAPBAD;
	/* Only these rights values have wraps; the same whether locked. */
	if (d->flags & SP_ENCRYPT && priv->prv_rights != AM_RIGHTS_ALL &&
	    priv->prv_rights & ~SP_RIGHTS_USED)
		return STD_CAPBAD;
	if (!d->locked) {
		err = am_priv_decode(priv, &d->check, rights);
		if (err == STD_OK)
			*dirp = d;
		return err;
	}
	err = sp_unwrap(obj, priv, d->wraps, key, &check);
	if (err != STD_OK)
		return err;
	if (d->damaged) {
		err = STD_SYSERR;
	} else {
		rc = sp_dir_unlock(&soap.tab, d, key, &check);
		err = rc == -ENOMEM ? STD_NOMEM : rc ? STD_SYSERR : STD_OK;
	}
	memset(key, 0, sizeof(key));
	*rights = priv->prv_rights;
	if (err == STD_OK)
		*dirp = d;
	return err;
}

/* The column bits of @rights that @d has. */
static uint8_t dir_cols(const struct sp_dir *d, uint8_t rights)
{
	return rights & ((1u << d->ncols) - 1);
}

/*
 * The directory the request is on, with at least one of its columns, and
 * the modify right if @modify.
 */
static errstat need_dir(const struct am_call *call, bool modify,
			struct sp_dir **d, uint8_t *rights)
{
	errstat err = cap_dir(&call->hdr->h_priv, d, rights);

	if (err != STD_OK)
		return err;
	if (!*d)
		return STD_COMBAD;
	if (!dir_cols(*d, *rights) || (modify && !(*rights & SP_MODRGT))) {
		soap.denied++;
		return STD_DENIED;
	}
	return STD_OK;
}

/* The rights a restricted capability of @d gets. */
static uint8_t dir_rights(const struct sp_dir *d, uint8_t rights)
{
	if (d && d->flags & SP_ENCRYPT && rights != AM_RIGHTS_ALL)
		rights &= SP_RIGHTS_USED;
	return rights;
}

static void own_cap(const struct sp_dir *d, uint32_t obj, uint8_t rights,
		    struct am_cap *cap)
{
	cap->cap_port = soap.tab.putport;
	am_priv_encode(&cap->cap_priv, obj, dir_rights(d, rights),
		       d ? &d->check : &soap.tab.supercheck);
}

/* When the lookup being served stops asking other servers. */
static uint64_t remote_deadline;

/* Servers that did not answer a std_restrict lately: not asked again. */
static struct {
	struct am_port	port;
	uint64_t	until;
} dead[SP_DEAD_PORTS];

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static bool port_dead(const struct am_port *port, uint64_t now)
{
	uint32_t i;

	for (i = 0; i < SP_DEAD_PORTS; i++)
		if (dead[i].until > now && am_port_eq(&dead[i].port, port))
			return true;
	return false;
}

static void port_failed(const struct am_port *port, uint64_t now)
{
	uint32_t i, old = 0;

	for (i = 1; i < SP_DEAD_PORTS; i++)
		if (dead[i].until < dead[old].until)
			old = i;
	dead[old].port = *port;
	dead[old].until = now + SP_DEAD_MS;
}

/*
 * @in with no rights beyond @mask: made here for this server's objects
 * and owner capabilities, else asked of the object's server.
 */
static bool restrict_cap(const struct am_cap *in, uint8_t mask,
			 struct am_cap *out)
{
	uint8_t r = in->cap_priv.prv_rights;
	struct sp_dir *d;
	uint8_t rights;
	uint64_t now;
	uint32_t ms;
	errstat err;

	if ((r & mask) == r) {
		*out = *in;
		return true;
	}
	if (am_port_eq(&in->cap_port, &soap.tab.putport)) {
		if (cap_dir(&in->cap_priv, &d, &rights) != STD_OK)
			return false;
		own_cap(d, am_priv_object(&in->cap_priv), rights & mask, out);
		return true;
	}
	if (r == AM_RIGHTS_ALL)
		return am_cap_restrict_owner(in, mask, out) == STD_OK;
	/*
	 * One thread serves everyone: a lookup waits at most SP_REMOTE_MS
	 * in all for other servers, and not for one that just failed.
	 */
	now = now_ms();
	if (now >= remote_deadline || port_dead(&in->cap_port, now))
		return false;
	ms = am_timeout((uint32_t)(remote_deadline - now));
	err = std_restrict(in, mask, out);
	am_timeout(ms);
	if (am_err_rpc(err))
		port_failed(&in->cap_port, now);
	return err == STD_OK;
}

/* What the columns of @rights see of row @e. */
static uint8_t row_mask(const struct sp_dir *d, const struct sp_entry *e,
			uint8_t rights)
{
	uint8_t mask = 0;
	uint32_t i;

	for (i = 0; i < d->ncols; i++)
		if (rights & 1u << i)
			mask |= e->masks[i];
	return mask;
}

static errstat restrict_set(const struct sp_dir *d, const struct sp_entry *e,
			    uint8_t rights, struct sp_capset *set)
{
	uint8_t mask = row_mask(d, e, rights);
	uint32_t i;

	set->caps_len = 0;
	for (i = 0; i < e->ncaps; i++)
		if (restrict_cap(&e->caps[i], mask, &set->caps[set->caps_len]))
			set->caps_len++;
	return set->caps_len ? STD_OK : SP_UNREACH;
}

static errstat std_err(int err)
{
	switch (err) {
	case -ENOSPC:
	case -EDQUOT:
	case -EFBIG:
		return STD_NOSPACE;
	case -ENOMEM:
		return STD_NOMEM;
	}
	return STD_SYSERR;
}

/* Whether @cur holds the object @old names (any rights of it). */
static bool holds(const struct sp_entry *cur, const struct am_cap *old)
{
	uint32_t i;

	for (i = 0; i < cur->ncaps; i++)
		if (am_port_eq(&cur->caps[i].cap_port, &old->cap_port) &&
		    am_priv_object(&cur->caps[i].cap_priv) ==
		    am_priv_object(&old->cap_priv))
			return true;
	return false;
}

static errstat set_ok(const struct sp_capset *set)
{
	uint32_t i;

	if (!set->caps_len || set->caps_len > SP_CAPSET_MAX)
		return STD_ARGBAD;
	for (i = 0; i < set->caps_len; i++)
		if (am_port_null(&set->caps[i].cap_port))
			return STD_ARGBAD;
	return STD_OK;
}

/*
 * Check one row update of @d and make its new row: @set NULL keeps the
 * row's set, @remove removes the row; @masks (@nmasks of them) replace
 * the first columns' masks.
 */
static errstat plan(struct change *c, struct sp_dir *d, const char *name,
		    uint8_t cond, const struct am_cap *old,
		    const struct sp_capset *set, bool remove,
		    const uint8_t *masks, uint32_t nmasks)
{
	const struct sp_entry *cur;
	struct sp_entry *row;
	long i;

	memset(c, 0, sizeof(*c));
	if (sp_name_ok(name) != STD_OK || nmasks > d->ncols ||
	    (set && set_ok(set) != STD_OK))
		return STD_ARGBAD;
	i = sp_dir_find(d, name);
	cur = i >= 0 ? d->rows[i] : NULL;
	switch (cond) {
	case SP_ANY:
		break;
	case SP_ABSENT:
		if (cur)
			return STD_EXISTS;
		break;
	case SP_PRESENT:
		if (!cur)
			return STD_NOTFOUND;
		break;
	case SP_MATCH:
		if (!cur || !holds(cur, old))
			return SP_CLASH;
		break;
	default:
		return STD_ARGBAD;
	}
	c->dir = d;
	c->name = name;
	if (remove) {
		c->noop = !cur;
		return STD_OK;
	}
	if (!cur && !set)
		return STD_NOTFOUND;
	row = sp_entry_new(name);
	if (!row || sp_dir_reserve(d, 1)) {
		free(row);
		return STD_NOMEM;
	}
	if (cur) {
		memcpy(row->masks, cur->masks, sizeof(row->masks));
		row->ncaps = cur->ncaps;
		memcpy(row->caps, cur->caps, sizeof(row->caps));
	} else {
		memset(row->masks, AM_RIGHTS_ALL, d->ncols);
	}
	if (set) {
		row->ncaps = (uint8_t)set->caps_len;
		memcpy(row->caps, set->caps, set->caps_len * sizeof(*set->caps));
	}
	if (nmasks)
		memcpy(row->masks, masks, nmasks);
	row->mtime = (int64_t)time(NULL);
	c->row = row;
	return STD_OK;
}

static void drop(struct change *c, uint32_t n)
{
	while (n--)
		free(c[n].row);
}

/* Make @n planned changes durable, then apply them. */
static errstat commit(struct change *c, uint32_t n)
{
	uint32_t i;
	int err;

	sp_log_begin(&soap.log);
	for (i = 0; i < n; i++)
		if (c[i].row)
			sp_log_put(&soap.log, c[i].dir, c[i].row);
		else if (!c[i].noop)
			sp_log_del(&soap.log, c[i].dir, c[i].name);
	if (!soap.log.nops && !soap.log.bad)
		return STD_OK;
	err = sp_log_commit(&soap.log);
	if (err) {
		drop(c, n);
		dm_log(LOG_ERR, "cannot log a change: %s", strerror(-err));
		return std_err(err);
	}
	for (i = 0; i < n; i++) {
		if (c[i].row)
			sp_dir_put(&soap.tab, c[i].dir, c[i].row);
		else if (!c[i].noop)
			sp_dir_del(&soap.tab, c[i].dir, c[i].name);
		if (!c[i].noop)
			c[i].dir->seq = soap.log.seq;
	}
	sp_log_maybe_compact(&soap.log, &soap.tab);
	return STD_OK;
}

/* One update of the directory the request is on. */
static errstat update(const struct am_call *call, const char *name,
		      uint8_t cond, const struct am_cap *old,
		      const struct sp_capset *set, bool remove,
		      const uint8_t *masks, uint32_t nmasks)
{
	struct change c;
	struct sp_dir *d;
	uint8_t rights;
	errstat err;

	err = need_dir(call, true, &d, &rights);
	if (err == STD_OK)
		err = plan(&c, d, name, cond, old, set, remove, masks, nmasks);
	if (err == STD_OK)
		err = commit(&c, 1);
	return err;
}

static errstat do_append(const struct am_call *call, const char *name,
			 const struct sp_capset *set, const uint8_t *masks,
			 uint32_t masks_len)
{
	return update(call, name, SP_ABSENT, NULL, set, false, masks,
		      masks_len);
}

static errstat do_chmod(const struct am_call *call, const char *name,
			const uint8_t *masks, uint32_t masks_len)
{
	if (!masks_len)
		return STD_ARGBAD;
	return update(call, name, SP_PRESENT, NULL, NULL, false, masks,
		      masks_len);
}

static errstat do_delete(const struct am_call *call, const char *name)
{
	return update(call, name, SP_PRESENT, NULL, NULL, true, NULL, 0);
}

static errstat do_replace(const struct am_call *call, const char *name,
			  const struct sp_capset *set,
			  const struct am_cap *old)
{
	static const struct am_cap none;

	if (!memcmp(old, &none, sizeof(none)))
		return update(call, name, SP_PRESENT, NULL, set, false, NULL,
			      0);
	return update(call, name, SP_MATCH, old, set, false, NULL, 0);
}

static errstat do_install(const struct am_call *call,
			  const struct sp_update *ups, uint32_t n)
{
	static struct change c[SP_INSTALL_MAX];
	const struct sp_update *u;
	struct sp_dir *d, *any;
	uint8_t rights;
	uint32_t i, j, more;
	errstat err;

	err = cap_dir(&call->hdr->h_priv, &any, &rights);
	if (err != STD_OK)
		return err;
	if (!n)
		return STD_ARGBAD;
	for (i = 0; i < n; i++) {
		u = &ups[i];
		memset(&c[i], 0, sizeof(c[i]));
		err = am_port_eq(&u->dir.cap_port, &soap.tab.putport) ?
		      cap_dir(&u->dir.cap_priv, &d, &rights) : STD_CAPBAD;
		if (err == STD_OK && !d)
			err = STD_COMBAD;
		if (err == STD_OK && (!dir_cols(d, rights) ||
				      !(rights & SP_MODRGT)))
			err = STD_DENIED;
		/* Two updates of one row would need an order to mean much. */
		for (j = 0, more = 1; err == STD_OK && j < i; j++) {
			if (c[j].dir != d)
				continue;
			if (!strcmp(ups[j].name, u->name))
				err = STD_ARGBAD;
			more++;
		}
		if (err == STD_OK)
			err = plan(&c[i], d, u->name, u->cond, &u->old,
				   u->set.caps_len ? &u->set : NULL,
				   !u->set.caps_len, u->masks, u->masks_len);
		if (err == STD_OK && sp_dir_reserve(d, more))
			err = STD_NOMEM;
		if (err != STD_OK) {
			if (err == STD_DENIED)
				soap.denied++;
			drop(c, i + 1);
			return err;
		}
	}
	soap.installs++;
	return commit(c, n);
}

static errstat do_lookup(const struct am_call *call, const char *path,
			 uint32_t *used, struct sp_capset *set)
{
	char name[SP_NAME_MAX + 1];
	const char *p = path, *slash;
	const struct sp_entry *e;
	struct sp_dir *d, *next;
	uint8_t rights, nrights;
	uint32_t i;
	size_t n;
	long at;
	errstat err;

	err = need_dir(call, false, &d, &rights);
	if (err != STD_OK)
		return err;
	soap.lookups++;
	remote_deadline = now_ms() + SP_REMOTE_MS;
	*used = 0;
	if (!*path) {
		set->caps_len = 1;
		own_cap(d, d->obj, rights, &set->caps[0]);
		return STD_OK;
	}
	for (;;) {
		slash = strchr(p, '/');
		n = slash ? (size_t)(slash - p) : strlen(p);
		if (!n || n > SP_NAME_MAX)
			return STD_ARGBAD;
		memcpy(name, p, n);
		name[n] = '\0';
		if (sp_name_ok(name) != STD_OK)
			return STD_ARGBAD;
		at = sp_dir_find(d, name);
		if (at < 0)
			return STD_NOTFOUND;
		e = d->rows[at];
		err = restrict_set(d, e, rights, set);
		if (err != STD_OK)
			return err;
		p += n;
		if (*p)
			p++;
		if (!*p)
			break;
		/* Walk on here while the set holds one of our directories. */
		next = NULL;
		for (i = 0; i < set->caps_len && !next; i++)
			if (am_port_eq(&set->caps[i].cap_port,
				       &soap.tab.putport) &&
			    cap_dir(&set->caps[i].cap_priv, &next,
				    &nrights) != STD_OK)
				next = NULL;
		if (!next || !dir_cols(next, nrights))
			break;
		d = next;
		rights = nrights;
	}
	*used = (uint32_t)(p - path);
	return STD_OK;
}

static errstat do_list(const struct am_call *call, uint32_t start,
		       uint32_t *total, struct sp_col *cols,
		       uint32_t *cols_len, struct sp_row *rows,
		       uint32_t *rows_len)
{
	const struct sp_entry *e;
	struct sp_dir *d;
	uint8_t rights;
	uint32_t i, n;
	errstat err;

	err = need_dir(call, false, &d, &rights);
	if (err != STD_OK)
		return err;
	if (start > d->nrows)
		return STD_ARGBAD;
	*total = d->nrows;
	*cols_len = d->ncols;
	for (i = 0; i < d->ncols; i++)
		strcpy(cols[i].name, d->cols[i]);
	n = d->nrows - start;
	*rows_len = n < SP_LIST_MAX ? n : SP_LIST_MAX;
	for (i = 0; i < *rows_len; i++) {
		e = d->rows[start + i];
		strcpy(rows[i].name, e->name);
		rows[i].masks_len = d->ncols;
		memcpy(rows[i].masks, e->masks, d->ncols);
		rows[i].mtime = e->mtime;
		rows[i].ncaps = e->ncaps;
	}
	return STD_OK;
}

static errstat do_getmasks(const struct am_call *call, const char *name,
			   uint8_t *masks, uint32_t *masks_len)
{
	struct sp_dir *d;
	uint8_t rights;
	errstat err;
	long at;

	err = need_dir(call, false, &d, &rights);
	if (err != STD_OK)
		return err;
	if (sp_name_ok(name) != STD_OK)
		return STD_ARGBAD;
	at = sp_dir_find(d, name);
	if (at < 0)
		return STD_NOTFOUND;
	*masks_len = d->ncols;
	memcpy(masks, d->rows[at]->masks, d->ncols);
	return STD_OK;
}

static errstat do_getseqnr(const struct am_call *call, uint64_t *seq)
{
	struct sp_dir *d;
	uint8_t rights;
	errstat err;

	err = need_dir(call, false, &d, &rights);
	if (err == STD_OK)
		*seq = d->seq;
	return err;
}

static errstat cols_ok(const struct sp_col *cols, uint32_t n)
{
	const char *names[SP_COLS_MAX];
	uint32_t i;

	for (i = 0; i < n && i < SP_COLS_MAX; i++)
		names[i] = cols[i].name;
	return sp_cols_ok(names, n);
}

static errstat do_create(const struct am_call *call,
			 const struct sp_col *cols, uint32_t cols_len,
			 uint16_t flags, struct am_cap *cap)
{
	struct sp_dir *d, *any;
	uint8_t rights;
	uint32_t i, obj;
	errstat err;
	int rc;

	err = cap_dir(&call->hdr->h_priv, &any, &rights);
	if (err != STD_OK)
		return err;
	if (cols_ok(cols, cols_len) != STD_OK || flags & ~SP_ENCRYPT)
		return STD_ARGBAD;
	obj = sp_tab_free_obj(&soap.tab);
	if (!obj)
		return STD_NOSPACE;
	d = calloc(1, sizeof(*d));
	if (!d || sp_tab_reserve(&soap.tab, obj)) {
		free(d);
		return STD_NOMEM;
	}
	d->obj = obj;
	d->flags = flags;
	d->ncols = (uint8_t)cols_len;
	for (i = 0; i < cols_len; i++)
		strcpy(d->cols[i], cols[i].name);
	err = STD_SYSERR;
	if (am_port_random(&d->check))
		goto fail;
	if (flags & SP_ENCRYPT) {
		err = STD_NOMEM;
		d->wraps = malloc(SP_NWRAPS * SP_WRAP_LEN);
		if (!d->wraps)
			goto fail;
		err = STD_SYSERR;
		if (sp_random(d->key, SP_KEY_LEN) ||
		    sp_wrap_all(obj, &d->check, d->key, d->wraps))
			goto fail;
	}
	sp_log_begin(&soap.log);
	sp_log_mkdir(&soap.log, d);
	rc = sp_log_commit(&soap.log);
	if (rc) {
		err = std_err(rc);
		goto fail;
	}
	d->seq = soap.log.seq;
	sp_tab_insert(&soap.tab, d);
	soap.creates++;
	own_cap(d, obj, AM_RIGHTS_ALL, cap);
	sp_log_maybe_compact(&soap.log, &soap.tab);
	return STD_OK;
fail:
	sp_dir_free(d);
	return err;
}

static errstat do_destroy(const struct am_call *call)
{
	struct sp_dir *d;
	uint8_t rights;
	errstat err;
	int rc;

	err = cap_dir(&call->hdr->h_priv, &d, &rights);
	if (err != STD_OK)
		return err;
	/* Everyone's paths start at the root: it stays. */
	if (!d || !(rights & SP_DELRGT) || d->obj == 1)
		return STD_DENIED;
	if (d->nrows)
		return SP_NOTEMPTY;
	sp_log_begin(&soap.log);
	sp_log_rmdir(&soap.log, d->obj);
	rc = sp_log_commit(&soap.log);
	if (rc)
		return std_err(rc);
	sp_tab_remove(&soap.tab, d->obj);
	sp_log_maybe_compact(&soap.log, &soap.tab);
	return STD_OK;
}

static errstat do_restrict(const struct am_call *call, uint8_t mask,
			   struct am_cap *restricted)
{
	struct sp_dir *d;
	uint8_t rights;
	errstat err;

	err = cap_dir(&call->hdr->h_priv, &d, &rights);
	if (err == STD_OK)
		own_cap(d, am_priv_object(&call->hdr->h_priv), rights & mask,
			restricted);
	return err;
}

static errstat do_touch(const struct am_call *call)
{
	struct sp_dir *d;
	uint8_t rights;

	return cap_dir(&call->hdr->h_priv, &d, &rights);
}

/* Directories live until destroyed: an age cycle removes nothing. */
static errstat do_age(const struct am_call *call)
{
	struct sp_dir *d;
	uint8_t rights;
	errstat err;

	err = cap_dir(&call->hdr->h_priv, &d, &rights);
	if (err == STD_OK && (d || rights != AM_RIGHTS_ALL))
		err = STD_DENIED;
	return err;
}

static size_t text_end(int n, size_t max)
{
	return n < 0 ? 0 : (size_t)n < max ? (size_t)n : max;
}

static errstat do_info(const struct am_call *call, char *info)
{
	struct sp_dir *d;
	uint8_t rights;
	errstat err;
	size_t n;
	uint32_t i;

	err = cap_dir(&call->hdr->h_priv, &d, &rights);
	if (err != STD_OK)
		return err;
	if (!d) {
		snprintf(info, AM_STD_INFO_MAX + 1, "/ SOAP server, %u directories",
			 soap.tab.ndirs);
		return STD_OK;
	}
	n = text_end(snprintf(info, AM_STD_INFO_MAX + 1, "/ directory, %u row%s, columns",
			      d->nrows, d->nrows == 1 ? "" : "s"), AM_STD_INFO_MAX);
	for (i = 0; i < d->ncols; i++)
		n += text_end(snprintf(info + n, AM_STD_INFO_MAX + 1 - n,
				       "%c%s", i ? ':' : ' ', d->cols[i]),
			      AM_STD_INFO_MAX - n);
	if (d->flags & SP_ENCRYPT)
		snprintf(info + n, AM_STD_INFO_MAX + 1 - n, ", encrypted");
	return STD_OK;
}

static errstat do_status(const struct am_call *call, char *status)
{
	const struct sp_log *l = &soap.log;
	struct sp_dir *d;
	uint8_t rights;
	errstat err;

	err = cap_dir(&call->hdr->h_priv, &d, &rights);
	if (err != STD_OK)
		return err;
	snprintf(status, AM_STD_STATUS_MAX + 1,
		 "soapd: %u directories, %llu rows in open ones; log %llu bytes, %llu records since start, %llu compactions; %llu lookups, %llu installs, %llu directories made, %llu denied",
		 soap.tab.ndirs, (unsigned long long)soap.tab.nrows,
		 (unsigned long long)l->size,
		 (unsigned long long)l->records,
		 (unsigned long long)l->compactions,
		 (unsigned long long)soap.lookups,
		 (unsigned long long)soap.installs,
		 (unsigned long long)soap.creates,
		 (unsigned long long)soap.denied);
	return STD_OK;
}

const struct soap_impl soap_impl = {
	.std_age = do_age,
	.std_destroy = do_destroy,
	.std_info = do_info,
	.std_restrict = do_restrict,
	.std_status = do_status,
	.std_touch = do_touch,
	.sp_create = do_create,
	.sp_list = do_list,
	.sp_append = do_append,
	.sp_chmod = do_chmod,
	.sp_delete = do_delete,
	.sp_lookup = do_lookup,
	.sp_install = do_install,
	.sp_replace = do_replace,
	.sp_getmasks = do_getmasks,
	.sp_getseqnr = do_getseqnr,
};
