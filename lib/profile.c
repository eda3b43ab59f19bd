/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Built-in profiles (--profile NAME) and the two argument-list formats:
 * --args data (NUL-separated, as bwrap) and profile text (one argument a
 * line, '#' comments).
 */
#include <fcntl.h>
#include <stdio.h>

#include "errors.h"

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

static const struct {
	const char *name, *text;
} builtins[] = {
	{ "minimal", profile_minimal },
	{ "host-ro", profile_host_ro },
};

VB_EXPORT const char *vb_profile_builtin(const char *name)
{
	for (size_t i = 0; name && i < ARRAY_SIZE(builtins); i++)
		if (strcmp(name, builtins[i].name) == 0)
			return builtins[i].text;
	return NULL;
}

VB_EXPORT const char *vb_profile_builtin_name(size_t i)
{
	return i < ARRAY_SIZE(builtins) ? builtins[i].name : NULL;
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

VB_EXPORT int vb_profile_load(const char *name, char ***ret_argv, int *ret_argc, vb_error *err)
{
	_cleanup_free_ char *buf = NULL;
	const char *text;
	size_t len = 0;
	int fd, r;

	if (!name || !ret_argv)
		return vb_err(err, VB_STAGE_CONFIG, -1, EINVAL, "invalid argument");
	text = vb_profile_builtin(name);
	if (!text) {
		fd = vb_open_as_caller(name, O_RDONLY);
		if (fd < 0 && fd != -ENOENT)
			return vb_err(err, VB_STAGE_CONFIG, -1, -fd, "Can't open profile %s", name);
		if (fd < 0) {
			char names[128] = "";
			size_t n = 0;

			for (size_t i = 0; i < ARRAY_SIZE(builtins) && n < sizeof(names); i++)
				n += (size_t)snprintf(names + n, sizeof(names) - n, "%s%s",
						      i ? ", " : "", builtins[i].name);
			return vb_err(
				err, VB_STAGE_CONFIG, -1, 0,
				"Can't open profile %s: No such file, nor a built-in profile (%s)",
				name, names);
		}
		r = vb_read_fd(fd, &buf, &len);
		(void)close(fd);
		if (r < 0)
			return vb_err(err, VB_STAGE_CONFIG, -1, -r, "Can't read profile %s", name);
		if (strlen(buf) != len)
			return vb_err(err, VB_STAGE_CONFIG, -1, EINVAL, "Can't parse profile %s",
				      name);
		text = buf;
	}
	r = vb_profile_parse(text, ret_argv, ret_argc);
	if (r < 0)
		return vb_err(err, VB_STAGE_CONFIG, -1, -r, "Can't parse profile %s", name);
	return 0;
}

VB_EXPORT int vb_args_read(int fd, char ***ret_argv, int *ret_argc, vb_error *err)
{
	_cleanup_free_ char *data = NULL;
	size_t len = 0;
	int r;

	r = vb_read_fd(fd, &data, &len);
	if (r < 0)
		return vb_err(err, VB_STAGE_CONFIG, -1, -r, "Can't read --args data");
	r = vb_args_parse(data, len, ret_argv, ret_argc);
	if (r < 0)
		return vb_err(err, VB_STAGE_CONFIG, -1, -r, "Can't read --args data");
	return 0;
}
