// SPDX-License-Identifier: GPL-2.0
/*
 * The server side of the standard commands (std_info, std_restrict, ...):
 * every service answers them the same way, from its object table, so that
 * a service's own code handles only its own commands.
 *
 * Default texts, when the service gives no callback: std_info says
 * "service" for object 0 and "object N" for the others (object 0 has no
 * data to describe, so it never goes to ops->info); std_status says
 * "objects: N", N the live objects besides object 0.
 */
#include <stdio.h>
#include <string.h>
#include <amoeba/std.h>

/* Room for the longest default text, "objects: 16777215". */
#define STD_DEFAULT_MAX	32

/* The reply buffer's room for a text of at most @max bytes. */
static size_t text_room(size_t size, size_t max)
{
	return size < max ? size : max;
}

/* A callback's length, trusted no further than the room it was given. */
static size_t text_clamp(size_t len, size_t room)
{
	return len < room ? len : room;
}

/* Copy the default text @text, without its NUL, into @room bytes. */
static size_t text_put(char *buf, size_t room, const char *text)
{
	size_t len = text_clamp(strlen(text), room);

	memcpy(buf, text, len);
	return len;
}

static size_t info_text(const struct am_std_ops *ops, uint32_t obj,
			void *data, char *buf, size_t room)
{
	char text[STD_DEFAULT_MAX];

	/* A callback need not cope with no room at all. */
	if (!room)
		return 0;
	if (obj == 0)
		return text_put(buf, room, "service");
	if (ops && ops->info)
		return text_clamp(ops->info(data, buf, room, ops->arg), room);
	snprintf(text, sizeof(text), "object %u", (unsigned int)obj);
	return text_put(buf, room, text);
}

static errstat serve_info(struct am_objtab *tab, const struct am_std_ops *ops,
			  const struct am_priv *priv, char *buf, size_t size,
			  size_t *len)
{
	void *data;
	errstat err;

	err = am_obj_get(tab, priv, AM_RGT_READ, &data, NULL);
	if (err != STD_OK)
		return err;
	*len = info_text(ops, am_priv_object(priv), data, buf,
			 text_room(size, AM_STD_INFO_MAX));
	am_obj_put(tab, priv);
	return STD_OK;
}

static size_t status_text(struct am_objtab *tab, const struct am_std_ops *ops,
			  char *buf, size_t room)
{
	char text[STD_DEFAULT_MAX];

	if (!room)
		return 0;
	if (ops && ops->status)
		return text_clamp(ops->status(buf, room, ops->arg), room);
	snprintf(text, sizeof(text), "objects: %u",
		 (unsigned int)am_objtab_count(tab));
	return text_put(buf, room, text);
}

static errstat serve_status(struct am_objtab *tab,
			    const struct am_std_ops *ops,
			    const struct am_priv *priv, char *buf, size_t size,
			    size_t *len)
{
	errstat err;

	err = am_obj_get(tab, priv, 0, NULL, NULL);
	if (err != STD_OK)
		return err;
	*len = status_text(tab, ops, buf, text_room(size, AM_STD_STATUS_MAX));
	am_obj_put(tab, priv);
	return STD_OK;
}

static errstat serve_restrict(struct am_objtab *tab, struct am_hdr *hdr)
{
	struct am_priv out;
	errstat err;

	err = am_obj_restrict(tab, &hdr->h_priv, (uint8_t)hdr->h_offset, &out);
	if (err == STD_OK)
		hdr->h_priv = out;
	return err;
}

/* One aging cycle, for the holder of the super capability only. */
static errstat serve_age(struct am_objtab *tab, const struct am_priv *priv,
			 uint32_t *reclaimed)
{
	errstat err;

	err = am_obj_get(tab, priv, AM_RIGHTS_ALL, NULL, NULL);
	if (err != STD_OK)
		return err;
	am_obj_put(tab, priv);
	if (am_priv_object(priv) != 0)
		return STD_DENIED;
	*reclaimed = am_objtab_age(tab);
	return STD_OK;
}

static errstat serve(struct am_objtab *tab, const struct am_std_ops *ops,
		     struct am_hdr *hdr, uint16_t command, char *buf,
		     size_t size, size_t *len, uint32_t *reclaimed)
{
	switch (command) {
	case STD_INFO:
		return serve_info(tab, ops, &hdr->h_priv, buf, size, len);
	case STD_STATUS:
		return serve_status(tab, ops, &hdr->h_priv, buf, size, len);
	case STD_RESTRICT:
		return serve_restrict(tab, hdr);
	case STD_DESTROY:
		return am_obj_destroy(tab, &hdr->h_priv, AM_RGT_DELETE);
	case STD_TOUCH:
		return am_obj_touch(tab, &hdr->h_priv);
	case STD_AGE:
		return serve_age(tab, &hdr->h_priv, reclaimed);
	default:
		/* STD_MONITOR, STD_COPY and the unassigned numbers. */
		return STD_COMBAD;
	}
}

int am_std_serve(struct am_objtab *tab, const struct am_std_ops *ops,
		 struct am_hdr *hdr, void *buf, size_t size, size_t *replen)
{
	uint16_t command = hdr->h_command;
	uint32_t reclaimed = 0;
	size_t len = 0;
	errstat err;

	if (command < STD_FIRST_COM || command > STD_LAST_COM)
		return 0;
	err = serve(tab, ops, hdr, command, buf, size, &len, &reclaimed);
	if (err != STD_OK)
		len = 0;
	/* h_status shares its place with the command read above. */
	hdr->h_status = (int16_t)err;
	hdr->h_offset = (int32_t)reclaimed;
	hdr->h_size = (uint16_t)len;
	hdr->h_extra = 0;
	*replen = len;
	return 1;
}
