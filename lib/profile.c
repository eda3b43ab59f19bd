/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Built-in profiles (--profile NAME) and the two argument-list formats:
 * --args data (NUL-separated, as bwrap) and profile text (one argument a
 * line, '#' comments).
 */
#include "base.h"

/* A shell that works on a merged-/usr Debian: read-only /usr, the usual
 * symlinks, the /etc a shell and the dynamic loader want, fresh /proc,
 * /dev and /tmp, every namespace but the network's. */
static const char profile_minimal[] =
	"# voidbox built-in profile: minimal\n"
	"--unshare-all\n"
	"--share-net\n"
	"--die-with-parent\n"
	"--new-session\n"
	"--ro-bind\n/usr\n/usr\n"
	"--symlink\nusr/bin\n/bin\n"
	"--symlink\nusr/sbin\n/sbin\n"
	"--symlink\nusr/lib\n/lib\n"
	"--symlink\nusr/lib64\n/lib64\n"
	"--ro-bind-try\n/usr/lib32\n/usr/lib32\n"
	"--ro-bind-try\n/etc/passwd\n/etc/passwd\n"
	"--ro-bind-try\n/etc/group\n/etc/group\n"
	"--ro-bind-try\n/etc/nsswitch.conf\n/etc/nsswitch.conf\n"
	"--ro-bind-try\n/etc/hosts\n/etc/hosts\n"
	"--ro-bind-try\n/etc/host.conf\n/etc/host.conf\n"
	"--ro-bind-try\n/etc/resolv.conf\n/etc/resolv.conf\n"
	"--ro-bind-try\n/etc/ld.so.cache\n/etc/ld.so.cache\n"
	"--ro-bind-try\n/etc/ld.so.conf\n/etc/ld.so.conf\n"
	"--ro-bind-try\n/etc/ld.so.conf.d\n/etc/ld.so.conf.d\n"
	"--ro-bind-try\n/etc/localtime\n/etc/localtime\n"
	"--ro-bind-try\n/etc/profile\n/etc/profile\n"
	"--ro-bind-try\n/etc/bash.bashrc\n/etc/bash.bashrc\n"
	"--ro-bind-try\n/etc/inputrc\n/etc/inputrc\n"
	"--ro-bind-try\n/etc/terminfo\n/etc/terminfo\n"
	"--ro-bind-try\n/etc/alternatives\n/etc/alternatives\n"
	"--ro-bind-try\n/etc/ssl\n/etc/ssl\n"
	"--ro-bind-try\n/etc/ca-certificates\n/etc/ca-certificates\n"
	"--proc\n/proc\n"
	"--dev\n/dev\n"
	"--tmpfs\n/tmp\n"
	"--dir\n/var/tmp\n"
	"--setenv\nPATH\n/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin\n";

/* The host, read-only, with its own /proc, /dev and /tmp. */
static const char profile_host_ro[] = "# voidbox built-in profile: host-ro\n"
				      "--ro-bind\n/\n/\n"
				      "--proc\n/proc\n"
				      "--dev\n/dev\n"
				      "--tmpfs\n/tmp\n";

VB_EXPORT const char *vb_profile_builtin(const char *name)
{
	if (!name)
		return NULL;
	if (strcmp(name, "minimal") == 0)
		return profile_minimal;
	if (strcmp(name, "host-ro") == 0)
		return profile_host_ro;
	return NULL;
}

static int strv_push(char ***v, int *n, int *cap, const char *s, size_t len)
{
	if (*n >= VB_MAX_ARGS)
		return -E2BIG;
	if (*n + 2 > *cap) {
		int ncap = *cap ? *cap * 2 : 16;
		char **nv = realloc(*v, (size_t)ncap * sizeof(char *));

		if (!nv)
			return -ENOMEM;
		*v = nv;
		*cap = ncap;
	}
	if (!((*v)[*n] = strndup(s, len)))
		return -ENOMEM;
	(*n)++;
	(*v)[*n] = NULL;
	return 0;
}

VB_EXPORT int vb_profile_parse(const char *text, char ***ret_argv, int *ret_argc)
{
	char **v = NULL;
	int n = 0, cap = 0, r = 0;

	if (!text || !ret_argv)
		return -EINVAL;
	for (const char *p = text; *p && r == 0;) {
		const char *eol = strchr(p, '\n');
		size_t len = eol ? (size_t)(eol - p) : strlen(p);

		/* A '#' starts a comment only at the start of a line, so that
		 * arguments may contain '#'; blank lines are skipped. */
		if (len > 0 && p[len - 1] == '\r')
			len--;
		if (len > 0 && p[0] != '#')
			r = strv_push(&v, &n, &cap, p, len);
		p = eol ? eol + 1 : p + strlen(p);
	}
	if (r == 0 && !v)
		v = calloc(1, sizeof(char *));
	if (r < 0 || !v) {
		vb_strv_free(v);
		return r < 0 ? r : -ENOMEM;
	}
	*ret_argv = v;
	if (ret_argc)
		*ret_argc = n;
	return 0;
}

VB_EXPORT int vb_args_parse(const char *data, size_t len, char ***ret_argv, int *ret_argc)
{
	char **v = NULL;
	int n = 0, cap = 0, r = 0;

	if (!ret_argv || (!data && len))
		return -EINVAL;
	/* NUL-separated; a trailing piece without its NUL counts too. */
	for (size_t i = 0; i < len && r == 0;) {
		const char *s = data + i;
		size_t l = strnlen(s, len - i);

		r = strv_push(&v, &n, &cap, s, l);
		i += l + 1;
	}
	if (r == 0 && !v)
		v = calloc(1, sizeof(char *));
	if (r < 0 || !v) {
		vb_strv_free(v);
		return r < 0 ? r : -ENOMEM;
	}
	*ret_argv = v;
	if (ret_argc)
		*ret_argc = n;
	return 0;
}
