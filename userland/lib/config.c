// SPDX-License-Identifier: GPL-2.0
/*
 * Settings: environment first, so that one run can override the machine's
 * file without editing it, then the configuration file, read once.
 */
#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "am.h"

#define CONFIG_DEFAULT	"/etc/amoeba/amoeba.conf"
#define CONFIG_MAX	32

struct setting {
	char	*key;
	char	*value;
};

static struct setting settings[CONFIG_MAX];
static int nsettings;
static pthread_once_t config_once = PTHREAD_ONCE_INIT;

char *am_trim(char *s)
{
	char *end;

	while (isspace((unsigned char)*s))
		s++;
	end = s + strlen(s);
	while (end > s && isspace((unsigned char)end[-1]))
		*--end = '\0';
	return s;
}

/* One "KEY VALUE" line; '#' starts a comment.  Later lines do not win. */
static void config_line(char *line)
{
	char *key, *value;
	int i;

	line[strcspn(line, "#\n")] = '\0';
	key = am_trim(line);
	if (!*key)
		return;
	value = key + strcspn(key, " \t");
	if (*value)
		*value++ = '\0';
	value = am_trim(value);
	for (i = 0; i < nsettings; i++)
		if (!strcmp(settings[i].key, key))
			return;
	if (nsettings == CONFIG_MAX)
		return;
	settings[nsettings].key = strdup(key);
	settings[nsettings].value = strdup(value);
	if (settings[nsettings].key && settings[nsettings].value)
		nsettings++;
}

static void config_read(void)
{
	const char *path = getenv("AMOEBA_CONFIG");
	char line[512];
	FILE *f;

	f = fopen(path && *path ? path : CONFIG_DEFAULT, "re");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f))
		config_line(line);
	fclose(f);
}

const char *am_config(const char *key)
{
	char env[64] = "AMOEBA_";
	const char *v;
	size_t i;
	int k;

	for (i = 0; key[i] && i + 8 < sizeof(env); i++)
		env[7 + i] = (char)toupper((unsigned char)key[i]);
	env[7 + i] = '\0';
	v = getenv(env);
	if (v && *v)
		return v;
	pthread_once(&config_once, config_read);
	for (k = 0; k < nsettings; k++)
		if (!strcmp(settings[k].key, key))
			return settings[k].value;
	return NULL;
}
