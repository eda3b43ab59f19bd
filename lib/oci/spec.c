/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * config.json (OCI runtime spec 1.1 and 1.2) onto a vb_config.
 *
 * Each field goes through the libvoidbox setter a vb(1) flag would use, so
 * the bwrap rules and vb's refusals apply as they do on the command line.
 * What the engine has no setter for, the runtime does around vb_spawn()
 * (struct oci_spec: id maps, umask, groups, sysctls, hooks).  A field vb
 * cannot honour is refused with its name, never ignored: a limit the
 * caller asked for is a limit the container gets, or no container.
 * Unknown fields are ignored, as the spec asks of runtimes.
 */
#include <ctype.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <seccomp.h>
#include <sys/capability.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "configuration.h"
#include "oci.h"

#define OCI_ERR(err, ...) vb_err(err, VB_STAGE_CONFIG, -1, 0, __VA_ARGS__)

/* ---- typed access, with the field's path in the message --------------- */

static json_t *get(json_t *obj, const char *key, json_type type, const char *what, vb_error *err,
		   int *r)
{
	static const char *const names[] = { "an object", "an array", "a string", "an integer",
					     "a number",  "true",     "false",    "null" };
	json_t *v = json_object_get(obj, key);

	*r = 0;
	if (!v || json_is_null(v))
		return NULL;
	if (type == JSON_TRUE) { /* any boolean */
		if (!json_is_boolean(v))
			*r = OCI_ERR(err, "%s: expected a boolean", what);
	} else if (type == JSON_REAL) { /* any number */
		if (!json_is_number(v))
			*r = OCI_ERR(err, "%s: expected a number", what);
	} else if (json_typeof(v) != type) {
		*r = OCI_ERR(err, "%s: expected %s", what, names[type]);
	}
	if (*r == 0 && json_is_array(v) && json_array_size(v) > OCI_MAX_ARRAY)
		*r = OCI_ERR(err, "%s: more than %u entries", what, OCI_MAX_ARRAY);
	return *r ? NULL : v;
}

#define GET(obj, key, type, what)                                 \
	({                                                        \
		int r_;                                           \
		json_t *v_ = get(obj, key, type, what, err, &r_); \
		if (r_ < 0)                                       \
			return r_;                                \
		v_;                                               \
	})

static int get_str(json_t *obj, const char *key, const char *what, const char **ret, vb_error *err)
{
	json_t *v = GET(obj, key, JSON_STRING, what);

	*ret = v ? json_string_value(v) : NULL;
	if (v && strlen(*ret) != json_string_length(v))
		return OCI_ERR(err, "%s: contains a NUL byte", what);
	return 0;
}

static int get_int(json_t *obj, const char *key, const char *what, int64_t min, int64_t max,
		   bool *have, int64_t *ret, vb_error *err)
{
	json_t *v = GET(obj, key, JSON_INTEGER, what);

	*have = v != NULL;
	if (!v)
		return 0;
	*ret = json_integer_value(v);
	if (*ret < min || *ret > max)
		return OCI_ERR(err, "%s: %lld out of range", what, (long long)*ret);
	return 0;
}

/* A uint64 that JSON may carry beyond INT64_MAX as a real (jansson reads
 * integers as long long). */
static int get_u64(json_t *obj, const char *key, const char *what, bool *have, uint64_t *ret,
		   vb_error *err)
{
	json_t *v = GET(obj, key, JSON_REAL, what);

	*have = v != NULL;
	if (!v)
		return 0;
	if (json_is_integer(v)) {
		if (json_integer_value(v) < 0)
			return OCI_ERR(err, "%s: negative", what);
		*ret = (uint64_t)json_integer_value(v);
		return 0;
	}
	if (json_real_value(v) < 0 || json_real_value(v) >= 18446744073709551616.0)
		return OCI_ERR(err, "%s: out of range", what);
	*ret = (uint64_t)json_real_value(v);
	return 0;
}

static int get_bool(json_t *obj, const char *key, const char *what, bool *ret, vb_error *err)
{
	json_t *v = GET(obj, key, JSON_TRUE, what);

	*ret = v && json_is_true(v);
	return 0;
}

/* An array of strings as a NULL-terminated copy (NULL when absent). */
static int get_strv(json_t *obj, const char *key, const char *what, char ***ret, size_t *ret_n,
		    vb_error *err)
{
	json_t *v = GET(obj, key, JSON_ARRAY, what), *e;
	size_t i, n = v ? json_array_size(v) : 0;
	char **strv;

	*ret = NULL;
	if (ret_n)
		*ret_n = n;
	if (!v)
		return 0;
	json_array_foreach(
		v, i, e) if (!json_is_string(e) ||
			     strlen(json_string_value(e)) !=
				     json_string_length(
					     e)) return OCI_ERR(err, "%s[%zu]: expected a string",
								what, i);
	strv = calloc(n + 1, sizeof(*strv));
	if (!strv)
		return OCI_ERR(err, "Out of memory");
	json_array_foreach(v, i, e)
	{
		strv[i] = strdup(json_string_value(e));
		if (!strv[i]) {
			vb_strv_free(strv);
			return OCI_ERR(err, "Out of memory");
		}
	}
	*ret = strv;
	return 0;
}

static bool strv_has(char **strv, const char *s)
{
	for (; strv && *strv; strv++)
		if (strcmp(*strv, s) == 0)
			return true;
	return false;
}

/* ---- process -------------------------------------------------------------- */

static int parse_caps(json_t *caps, vb_config *cfg, vb_error *err)
{
	static const char *const sets[] = { "bounding", "effective", "permitted", "inheritable",
					    "ambient" };
	char **set[5] = { 0 };
	char what[64];
	int r = 0;

	/* vb gives the command one set: it stays bounding, permitted,
	 * effective, inheritable and ambient (lib/caps.c).  The bounding set
	 * is that set; a capability another set has beyond it would be
	 * granted nowhere by the kernel either, so it is refused. */
	for (size_t i = 0; i < 5 && r == 0; i++) {
		snprintf(what, sizeof(what), "process.capabilities.%s", sets[i]);
		r = get_strv(caps, sets[i], what, &set[i], NULL, err);
	}
	if (r == 0)
		r = vb_config_cap_drop(cfg, "ALL", err);
	for (size_t i = 1; i < 5 && r == 0; i++)
		for (char **c = set[i]; c && *c && r == 0; c++)
			if (set[0] && !strv_has(set[0], *c))
				r = OCI_ERR(
					err,
					"process.capabilities.%s: %s is not in the bounding set",
					sets[i], *c);
	for (char **c = set[0] ? set[0] : set[2]; c && *c && r == 0; c++) {
		vb_error e = { 0 };

		if (vb_config_cap_add(cfg, *c, &e) < 0)
			r = OCI_ERR(err, "process.capabilities: %s", e.message);
	}
	/* Inheritable and ambient as given; ambient needs inheritable. */
	for (size_t i = 3; i < 5 && r == 0; i++)
		for (char **c = set[i]; c && *c; c++) {
			cap_value_t v;

			if (cap_from_name(*c, &v) == 0 && v < 64) {
				cfg->caps_inheritable |= UINT64_C(1) << v;
				if (i == 4)
					cfg->caps_ambient |= UINT64_C(1) << v;
			}
		}
	cfg->caps_exact = true;
	for (size_t i = 0; i < 5; i++)
		vb_strv_free(set[i]);
	return r;
}

static int parse_rlimits(json_t *arr, vb_config *cfg, vb_error *err)
{
	size_t i;
	json_t *e;

	json_array_foreach(arr, i, e)
	{
		char what[64], spec[128];
		const char *type;
		uint64_t soft, hard;
		bool have_soft, have_hard;
		int resource, r;

		snprintf(what, sizeof(what), "process.rlimits[%zu]", i);
		if (!json_is_object(e))
			return OCI_ERR(err, "%s: expected an object", what);
		if ((r = get_str(e, "type", what, &type, err)) < 0 ||
		    (r = get_u64(e, "soft", what, &have_soft, &soft, err)) < 0 ||
		    (r = get_u64(e, "hard", what, &have_hard, &hard, err)) < 0)
			return r;
		if (!type || !have_soft || !have_hard)
			return OCI_ERR(err, "%s: needs type, soft and hard", what);
		if (strncmp(type, "RLIMIT_", 7) != 0)
			return OCI_ERR(err, "%s: unknown type %s", what, type);
		snprintf(spec, sizeof(spec), "%s=1", type);
		if (vb_parse_rlimit(spec, &resource, &(uint64_t){ 0 }, &(uint64_t){ 0 }) < 0)
			return OCI_ERR(err, "%s: unknown type %s", what, type);
		if (soft > hard)
			return OCI_ERR(err, "%s: soft limit above the hard limit", what);
		if (soft == RLIM_INFINITY)
			soft = VB_UNLIMITED;
		if (hard == RLIM_INFINITY)
			hard = VB_UNLIMITED;
		if ((r = vb_config_rlimit(cfg, resource, soft, hard, err)) < 0)
			return r;
	}
	return 0;
}

static int parse_process(json_t *proc, struct oci_spec *spec, vb_config *cfg, vb_error *err)
{
	json_t *user, *caps, *rl, *v;
	char **args = NULL, **env = NULL;
	const char *cwd, *s;
	size_t n_args;
	bool b, have;
	int64_t i64;
	int r;

	if (!json_is_object(proc))
		return OCI_ERR(err, "process: expected an object");
	if ((r = get_bool(proc, "terminal", "process.terminal", &spec->terminal, err)) < 0)
		return r;
	if ((r = get_strv(proc, "args", "process.args", &args, &n_args, err)) < 0)
		return r;
	if (n_args == 0) {
		vb_strv_free(args);
		return OCI_ERR(err, "process.args: missing or empty");
	}
	r = vb_config_set_command(cfg, (int)n_args, args, err);
	args = vb_strv_free(args);
	if (r < 0)
		return r;
	if ((r = get_strv(proc, "env", "process.env", &env, NULL, err)) < 0)
		return r;
	r = vb_config_clearenv(cfg, err);
	for (char **e = env; e && *e && r == 0; e++) {
		char *eq = strchr(*e, '=');

		if (!eq || eq == *e) {
			r = OCI_ERR(err, "process.env: \"%s\" is not NAME=VALUE", *e);
			break;
		}
		*eq = '\0';
		r = vb_config_setenv(cfg, *e, eq + 1, err);
	}
	vb_strv_free(env);
	if (r < 0)
		return r;
	if ((r = get_str(proc, "cwd", "process.cwd", &cwd, err)) < 0)
		return r;
	if (!cwd || cwd[0] != '/')
		return OCI_ERR(err, "process.cwd: must be an absolute path");
	if ((r = vb_config_set_chdir(cfg, cwd, err)) < 0)
		return r;

	user = GET(proc, "user", JSON_OBJECT, "process.user");
	if (user) {
		json_t *groups;
		size_t i;

		if ((r = get_int(user, "uid", "process.user.uid", 0, UINT32_MAX - 1, &have, &i64,
				 err)) < 0)
			return r;
		spec->uid = have ? (uid_t)i64 : 0;
		if ((r = get_int(user, "gid", "process.user.gid", 0, UINT32_MAX - 1, &have, &i64,
				 err)) < 0)
			return r;
		spec->gid = have ? (gid_t)i64 : 0;
		if ((r = get_int(user, "umask", "process.user.umask", 0, 0777, &have, &i64, err)) <
		    0)
			return r;
		spec->have_umask = have;
		spec->umask = (mode_t)i64;
		if ((r = get_str(user, "username", "process.user.username", &s, err)) < 0)
			return r;
		groups = GET(user, "additionalGids", JSON_ARRAY, "process.user.additionalGids");
		if (groups && json_array_size(groups) > OCI_MAX_GROUPS)
			return OCI_ERR(err, "process.user.additionalGids: more than %u entries",
				       OCI_MAX_GROUPS);
		json_array_foreach(groups, i, v)
		{
			if (!json_is_integer(v) || json_integer_value(v) < 0 ||
			    json_integer_value(v) >= UINT32_MAX)
				return OCI_ERR(
					err, "process.user.additionalGids[%zu]: expected a gid", i);
			spec->groups[spec->n_groups++] = (gid_t)json_integer_value(v);
		}
	}
	if (spec->uid != 0 && (r = vb_config_set_uid(cfg, spec->uid, err)) < 0)
		return r;
	if (spec->gid != 0 && (r = vb_config_set_gid(cfg, spec->gid, err)) < 0)
		return r;

	caps = GET(proc, "capabilities", JSON_OBJECT, "process.capabilities");
	if (caps && (r = parse_caps(caps, cfg, err)) < 0)
		return r;
	rl = GET(proc, "rlimits", JSON_ARRAY, "process.rlimits");
	if (rl && (r = parse_rlimits(rl, cfg, err)) < 0)
		return r;
	/* vb sets no_new_privs for every command: false only asks less. */
	if ((r = get_bool(proc, "noNewPrivileges", "process.noNewPrivileges", &b, err)) < 0)
		return r;
	if ((r = get_int(proc, "oomScoreAdj", "process.oomScoreAdj", -1000, 1000, &have, &i64,
			 err)) < 0)
		return r;
	spec->have_oom_score_adj = have;
	spec->oom_score_adj = (int)i64;
	if ((r = get_str(proc, "apparmorProfile", "process.apparmorProfile", &s, err)) < 0)
		return r;
	if (s && *s)
		return OCI_ERR(err, "process.apparmorProfile: AppArmor is not supported");
	if ((r = get_str(proc, "selinuxLabel", "process.selinuxLabel", &s, err)) < 0)
		return r;
	if (s && *s && (r = vb_config_set_exec_label(cfg, s, err)) < 0)
		return r;
	if (GET(proc, "ioPriority", JSON_OBJECT, "process.ioPriority"))
		return OCI_ERR(err, "process.ioPriority: not supported");
	if (GET(proc, "scheduler", JSON_OBJECT, "process.scheduler"))
		return OCI_ERR(err, "process.scheduler: not supported");
	if (GET(proc, "execCPUAffinity", JSON_OBJECT, "process.execCPUAffinity"))
		return OCI_ERR(err, "process.execCPUAffinity: not supported");
	return 0;
}

/* ---- mounts ------------------------------------------------------------- */

static bool mount_dest_ok(const char *d)
{
	return d && d[0] == '/' && !strstr(d, "/../") &&
	       !(strlen(d) >= 3 && strcmp(d + strlen(d) - 3, "/..") == 0);
}

/* Options vb's mounts have anyway, or that only name propagation (vb's
 * mounts are private to the sandbox's namespace) or SELinux relabeling
 * (done by podman before the runtime runs). */
static bool option_is_known(const char *o)
{
	static const char *const known[] = {
		"bind",        "rbind",  "rw",       "ro",         "nosuid",      "nodev",
		"dev",         "suid",   "exec",     "noexec",     "private",     "rprivate",
		"slave",       "rslave", "shared",   "rshared",    "unbindable",  "runbindable",
		"z",           "Z",      "relatime", "norelatime", "strictatime", "noatime",
		"nodiratime",  "atime",  "diratime", "async",      "sync",        "nosymfollow",
		"newinstance", "copy",   "nocopy",
	};

	for (size_t i = 0; i < ARRAY_SIZE(known); i++)
		if (strcmp(o, known[i]) == 0)
			return true;
	return strncmp(o, "mode=", 5) == 0 || strncmp(o, "size=", 5) == 0 ||
	       strncmp(o, "ptmxmode=", 9) == 0 || strncmp(o, "gid=", 4) == 0 ||
	       strncmp(o, "uid=", 4) == 0 || strncmp(o, "nr_inodes=", 10) == 0 ||
	       strncmp(o, "tmpcopyup", 9) == 0 || strncmp(o, "idmap", 5) == 0;
}

static int tmpfs_options(char **opts, const char *what, vb_config *cfg, vb_error *err)
{
	for (char **o = opts; o && *o; o++) {
		int r;

		if (strncmp(*o, "mode=", 5) == 0) {
			char *end;
			unsigned long m = strtoul(*o + 5, &end, 8);

			if (*end || end == *o + 5 || m > 07777)
				return OCI_ERR(err, "%s: bad option %s", what, *o);
			if ((r = vb_config_set_perms(cfg, (mode_t)m, err)) < 0)
				return r;
		} else if (strncmp(*o, "size=", 5) == 0) {
			uint64_t size;
			char buf[64];
			size_t n;

			/* mount(8)'s k, m, g suffixes are binary, as vb's are. */
			snprintf(buf, sizeof(buf), "%s", *o + 5);
			n = strlen(buf);
			if (n > 0 && strchr("kmg", buf[n - 1]))
				buf[n - 1] = (char)toupper((unsigned char)buf[n - 1]);
			if (vb_parse_size(buf, &size) < 0 || size == 0)
				return OCI_ERR(err, "%s: bad option %s", what, *o);
			if ((r = vb_config_set_size(cfg, size, err)) < 0)
				return r;
		}
	}
	return 0;
}

static int add_remount(struct oci_spec *spec, const char *dest, unsigned long flags, vb_error *err)
{
	struct oci_remount *n;

	if (spec->n_remounts >= OCI_MAX_ARRAY)
		return OCI_ERR(err, "mounts: more than %u remounts", OCI_MAX_ARRAY);
	n = realloc(spec->remounts, (spec->n_remounts + 1) * sizeof(*spec->remounts));
	if (!n)
		return OCI_ERR(err, "Out of memory");
	spec->remounts = n;
	n[spec->n_remounts].dest = strdup(dest);
	if (!n[spec->n_remounts].dest)
		return OCI_ERR(err, "Out of memory");
	n[spec->n_remounts++].flags = flags;
	return 0;
}

static int parse_mount(json_t *m, size_t i, const char *bundle, bool *have_sys,
		       struct oci_spec *spec, vb_config *cfg, vb_error *err)
{
	const char *dest, *type, *src;
	char what[64], srcbuf[PATH_MAX];
	char **opts = NULL;
	int r;

	snprintf(what, sizeof(what), "mounts[%zu]", i);
	if (!json_is_object(m))
		return OCI_ERR(err, "%s: expected an object", what);
	if ((r = get_str(m, "destination", what, &dest, err)) < 0 ||
	    (r = get_str(m, "type", what, &type, err)) < 0 ||
	    (r = get_str(m, "source", what, &src, err)) < 0 ||
	    (r = get_strv(m, "options", what, &opts, NULL, err)) < 0)
		return r;
	if (!mount_dest_ok(dest)) {
		r = OCI_ERR(err, "%s: destination must be an absolute path without ..", what);
		goto out;
	}
	for (char **o = opts; o && *o; o++)
		if (!option_is_known(*o)) {
			r = OCI_ERR(err, "%s (%s): option %s is not supported", what, dest, *o);
			goto out;
		}
	if (strv_has(opts, "suid") || strv_has(opts, "idmap") || strv_has(opts, "ridmap")) {
		r = OCI_ERR(err, "%s (%s): suid and idmapped mounts are not supported", what, dest);
		goto out;
	}
	if (strv_has(opts, "bind") || strv_has(opts, "rbind") ||
	    (type && strcmp(type, "bind") == 0)) {
		bool ro = strv_has(opts, "ro"), dev = !strv_has(opts, "nodev");
		enum vb_op_type t = ro ? VB_OP_RO_BIND : dev ? VB_OP_DEV_BIND : VB_OP_BIND;

		if (!src || !*src) {
			r = OCI_ERR(err, "%s (%s): a bind mount needs a source", what, dest);
			goto out;
		}
		if (src[0] != '/') {
			snprintf(srcbuf, sizeof(srcbuf), "%s/%s", bundle, src);
			src = srcbuf;
		}
		/* --ro-bind keeps device nodes usable; nodev with ro is the
		 * usual case (podman's volumes), and vb's --ro-bind is what
		 * bwrap's is. */
		r = vb_config_add_op(cfg, t, src, dest, err);
	} else if (!type) {
		r = OCI_ERR(err, "%s (%s): type missing", what, dest);
	} else if (strcmp(type, "proc") == 0) {
		r = vb_config_add_op(cfg, VB_OP_PROC, NULL, dest, err);
	} else if (strcmp(type, "tmpfs") == 0 && strcmp(dest, "/dev") == 0) {
		/* bwrap's --dev: a tmpfs with null, zero, full, random,
		 * urandom, tty, a devpts on pts, ptmx, shm and the fd links. */
		r = vb_config_add_op(cfg, VB_OP_DEV, NULL, dest, err);
	} else if (strcmp(type, "tmpfs") == 0) {
		if ((r = tmpfs_options(opts, what, cfg, err)) == 0)
			r = vb_config_add_op(cfg, VB_OP_TMPFS, NULL, dest, err);
		if (r == 0 && strv_has(opts, "ro"))
			r = vb_config_add_op(cfg, VB_OP_REMOUNT_RO, NULL, dest, err);
	} else if (strcmp(type, "mqueue") == 0) {
		r = vb_config_add_op(cfg, VB_OP_MQUEUE, NULL, dest, err);
	} else if (strcmp(type, "devpts") == 0) {
		/* --dev made /dev/pts a new devpts instance already. */
		if (strcmp(dest, "/dev/pts") != 0)
			r = OCI_ERR(err, "%s: devpts only on /dev/pts (with /dev a tmpfs)", what);
	} else if (strcmp(type, "sysfs") == 0) {
		/* A new sysfs needs a network namespace vb owns; the host's,
		 * read-only, shows the same devices. */
		*have_sys = true;
		r = vb_config_add_op(cfg, VB_OP_RO_BIND, "/sys", dest, err);
	} else if (strcmp(type, "cgroup") == 0 || strcmp(type, "cgroup2") == 0) {
		/* Inside the read-only /sys when there is one. */
		if (!*have_sys)
			r = vb_config_add_op(cfg, VB_OP_RO_BIND, "/sys/fs/cgroup", dest, err);
	} else {
		r = OCI_ERR(err, "%s (%s): mount type %s is not supported", what, dest, type);
	}
	/* nosuid, nodev, noexec as asked: vb's ops leave some mounts
	 * without them (--mqueue, binds are not noexec); create remounts
	 * these once the container's mounts are made. */
	if (r == 0 &&
	    (strv_has(opts, "noexec") || strv_has(opts, "nosuid") || strv_has(opts, "nodev")))
		r = add_remount(spec, dest,
				(strv_has(opts, "noexec") ? MS_NOEXEC : 0) |
					(strv_has(opts, "nosuid") ? MS_NOSUID : 0) |
					(strv_has(opts, "nodev") ? MS_NODEV : 0),
				err);
out:
	vb_strv_free(opts);
	return r;
}

/* ---- linux ---------------------------------------------------------------- */

static int parse_namespaces(json_t *arr, struct oci_spec *spec, vb_config *cfg, vb_error *err)
{
	static const struct {
		const char *name;
		unsigned vb;
	} types[] = {
		[OCI_NS_PID] = { "pid", VB_NS_PID },
		[OCI_NS_NET] = { "network", VB_NS_NET },
		[OCI_NS_MOUNT] = { "mount", 0 },
		[OCI_NS_IPC] = { "ipc", VB_NS_IPC },
		[OCI_NS_UTS] = { "uts", VB_NS_UTS },
		[OCI_NS_USER] = { "user", VB_NS_USER },
		[OCI_NS_CGROUP] = { "cgroup", VB_NS_CGROUP },
		[OCI_NS_TIME] = { "time", 0 },
	};
	bool seen[ARRAY_SIZE(types)] = { 0 };
	size_t i;
	json_t *e;
	int r;

	json_array_foreach(arr, i, e)
	{
		char what[64];
		const char *type, *path;
		size_t t;

		snprintf(what, sizeof(what), "linux.namespaces[%zu]", i);
		if (!json_is_object(e))
			return OCI_ERR(err, "%s: expected an object", what);
		if ((r = get_str(e, "type", what, &type, err)) < 0 ||
		    (r = get_str(e, "path", what, &path, err)) < 0)
			return r;
		if (!type)
			return OCI_ERR(err, "%s: type missing", what);
		for (t = 0; t < ARRAY_SIZE(types); t++)
			if (strcmp(type, types[t].name) == 0)
				break;
		if (t == ARRAY_SIZE(types))
			return OCI_ERR(err, "%s: unknown namespace type %s", what, type);
		if (seen[t])
			return OCI_ERR(err, "%s: namespace %s given twice", what, type);
		seen[t] = true;
		if (path && path[0] != '/')
			return OCI_ERR(err, "%s: path must be absolute", what);
		if (t == OCI_NS_TIME)
			return OCI_ERR(err, "%s: time namespaces are not supported", what);
		if (path && *path) {
			if (t != OCI_NS_NET && t != OCI_NS_USER && t != OCI_NS_PID)
				return OCI_ERR(err, "%s: joining a %s namespace is not supported",
					       what, type);
			spec->ns_path[t] = strdup(path);
			if (!spec->ns_path[t])
				return OCI_ERR(err, "Out of memory");
			continue;
		}
		if (t == OCI_NS_USER)
			spec->userns = true;
		if (types[t].vb && (r = vb_config_unshare(cfg, types[t].vb, false, err)) < 0)
			return r;
	}
	if (!seen[OCI_NS_MOUNT] || spec->ns_path[OCI_NS_MOUNT])
		return OCI_ERR(err, "linux.namespaces: vb needs a new mount namespace");
	return 0;
}

static int parse_idmaps(json_t *arr, const char *what, struct oci_idmap *maps, size_t *n,
			vb_error *err)
{
	size_t i;
	json_t *e;

	if (json_array_size(arr) > OCI_MAX_IDMAPS)
		return OCI_ERR(err, "%s: more than %u entries", what, OCI_MAX_IDMAPS);
	json_array_foreach(arr, i, e)
	{
		int64_t c, h, s;
		bool hc, hh, hs;
		int r;

		if (!json_is_object(e))
			return OCI_ERR(err, "%s[%zu]: expected an object", what, i);
		if ((r = get_int(e, "containerID", what, 0, UINT32_MAX - 1, &hc, &c, err)) < 0 ||
		    (r = get_int(e, "hostID", what, 0, UINT32_MAX - 1, &hh, &h, err)) < 0 ||
		    (r = get_int(e, "size", what, 1, UINT32_MAX, &hs, &s, err)) < 0)
			return r;
		if (!hc || !hh || !hs)
			return OCI_ERR(err, "%s[%zu]: needs containerID, hostID and size", what, i);
		maps[i] = (struct oci_idmap){ (uint32_t)c, (uint32_t)h, (uint32_t)s };
	}
	*n = json_array_size(arr);
	return 0;
}

static int parse_resources(json_t *res, vb_config *cfg, vb_error *err)
{
	json_t *mem, *cpu, *pids, *bio, *devs;
	uint64_t limit = 0, swap = 0, v;
	bool have, have_limit = false;
	int64_t i64;
	size_t i;
	json_t *e;
	int r;

	if ((mem = GET(res, "memory", JSON_OBJECT, "linux.resources.memory"))) {
		if ((r = get_int(mem, "limit", "linux.resources.memory.limit", -1, INT64_MAX,
				 &have_limit, &i64, err)) < 0)
			return r;
		limit = have_limit && i64 >= 0 ? (uint64_t)i64 : VB_UNLIMITED;
		if (have_limit && i64 > 0 && (r = vb_config_memory(cfg, limit, err)) < 0)
			return r;
		if ((r = get_int(mem, "swap", "linux.resources.memory.swap", -1, INT64_MAX, &have,
				 &i64, err)) < 0)
			return r;
		/* The spec's swap is memory plus swap; vb's is swap on top. */
		if (have && i64 >= 0) {
			if (!have_limit || limit == VB_UNLIMITED || (uint64_t)i64 < limit)
				return OCI_ERR(
					err, "linux.resources.memory.swap: below the memory limit");
			swap = (uint64_t)i64 - limit;
			if ((r = vb_config_memory_swap(cfg, swap, err)) < 0)
				return r;
		}
		if (GET(mem, "reservation", JSON_INTEGER, "linux.resources.memory.reservation") ||
		    GET(mem, "kernel", JSON_INTEGER, "linux.resources.memory.kernel") ||
		    GET(mem, "kernelTCP", JSON_INTEGER, "linux.resources.memory.kernelTCP"))
			return OCI_ERR(err,
				       "linux.resources.memory: only limit and swap are supported");
	}
	if ((cpu = GET(res, "cpu", JSON_OBJECT, "linux.resources.cpu"))) {
		bool have_period;
		uint64_t period = 100000;
		int64_t quota;

		if ((r = get_u64(cpu, "period", "linux.resources.cpu.period", &have_period, &v,
				 err)) < 0)
			return r;
		if (have_period && v > 0)
			period = v;
		if ((r = get_int(cpu, "quota", "linux.resources.cpu.quota", -1, INT64_MAX, &have,
				 &quota, err)) < 0)
			return r;
		if (have && quota > 0 &&
		    (r = vb_config_cpus(cfg, (double)quota / (double)period, err)) < 0)
			return r;
		if ((r = get_u64(cpu, "shares", "linux.resources.cpu.shares", &have, &v, err)) < 0)
			return r;
		/* crun's and systemd's conversion of v1 shares to v2 weight. */
		if (have && v > 0) {
			if (v < 2 || v > 262144)
				return OCI_ERR(err, "linux.resources.cpu.shares: %llu out of range",
					       (unsigned long long)v);
			if ((r = vb_config_cpu_weight(
				     cfg, (unsigned)(1 + ((v - 2) * 9999) / 262142), err)) < 0)
				return r;
		}
		if (GET(cpu, "cpus", JSON_STRING, "linux.resources.cpu.cpus") ||
		    GET(cpu, "mems", JSON_STRING, "linux.resources.cpu.mems") ||
		    GET(cpu, "realtimeRuntime", JSON_INTEGER,
			"linux.resources.cpu.realtimeRuntime"))
			return OCI_ERR(
				err,
				"linux.resources.cpu: cpus, mems and realtime are not supported");
	}
	if ((pids = GET(res, "pids", JSON_OBJECT, "linux.resources.pids"))) {
		if ((r = get_int(pids, "limit", "linux.resources.pids.limit", -1, INT64_MAX, &have,
				 &i64, err)) < 0)
			return r;
		if (have && i64 > 0 && (r = vb_config_pids_max(cfg, (uint64_t)i64, err)) < 0)
			return r;
	}
	if ((bio = GET(res, "blockIO", JSON_OBJECT, "linux.resources.blockIO"))) {
		if ((r = get_int(bio, "weight", "linux.resources.blockIO.weight", 0, 1000, &have,
				 &i64, err)) < 0)
			return r;
		/* v1's 10..1000 onto vb's 1..10000 (scaled back for v1). */
		if (have && i64 > 0 && (r = vb_config_io_weight(cfg, (unsigned)i64 * 10, err)) < 0)
			return r;
	}
	/* Device rules: vb's /dev holds its own nodes and what linux.devices
	 * binds, and the command may not mknod (no CAP_MKNOD unless given),
	 * so "deny all, allow some" is what it has.  Other rules are refused. */
	devs = GET(res, "devices", JSON_ARRAY, "linux.resources.devices");
	json_array_foreach(devs, i, e)
	{
		bool allow;

		if (!json_is_object(e))
			return OCI_ERR(err, "linux.resources.devices[%zu]: expected an object", i);
		if ((r = get_bool(e, "allow", "linux.resources.devices[].allow", &allow, err)) < 0)
			return r;
		if (i == 0 && allow)
			return OCI_ERR(
				err,
				"linux.resources.devices[0]: allowing all devices is not supported");
	}
	if (GET(res, "hugepageLimits", JSON_ARRAY, "linux.resources.hugepageLimits") &&
	    json_array_size(json_object_get(res, "hugepageLimits")) > 0)
		return OCI_ERR(err, "linux.resources.hugepageLimits: not supported");
	if (GET(res, "network", JSON_OBJECT, "linux.resources.network") ||
	    GET(res, "rdma", JSON_OBJECT, "linux.resources.rdma"))
		return OCI_ERR(err, "linux.resources: network and rdma limits are not supported");
	return 0;
}

/* linux.seccomp, compiled with libseccomp into one BPF program that vb
 * loads as an --add-seccomp-fd program. */
static int seccomp_action(const char *name, json_t *rule, int64_t default_errno, uint32_t *ret,
			  const char *what, vb_error *err)
{
	bool have;
	int64_t e = default_errno;
	int r;

	if ((r = get_int(rule, "errnoRet", what, 0, 4095, &have, &e, err)) < 0)
		return r;
	if (!have)
		e = default_errno;
	if (strcmp(name, "SCMP_ACT_ALLOW") == 0)
		*ret = SCMP_ACT_ALLOW;
	else if (strcmp(name, "SCMP_ACT_ERRNO") == 0)
		*ret = SCMP_ACT_ERRNO((uint16_t)e);
	else if (strcmp(name, "SCMP_ACT_KILL") == 0 || strcmp(name, "SCMP_ACT_KILL_THREAD") == 0)
		*ret = SCMP_ACT_KILL;
	else if (strcmp(name, "SCMP_ACT_KILL_PROCESS") == 0)
		*ret = SCMP_ACT_KILL_PROCESS;
	else if (strcmp(name, "SCMP_ACT_TRAP") == 0)
		*ret = SCMP_ACT_TRAP;
	else if (strcmp(name, "SCMP_ACT_LOG") == 0)
		*ret = SCMP_ACT_LOG;
	else if (strcmp(name, "SCMP_ACT_TRACE") == 0)
		*ret = SCMP_ACT_TRACE((uint16_t)e);
	else if (strcmp(name, "SCMP_ACT_NOTIFY") == 0)
		return OCI_ERR(err, "%s: SCMP_ACT_NOTIFY is not supported (no listenerPath agent)",
			       what);
	else
		return OCI_ERR(err, "%s: unknown action %s", what, name);
	return 0;
}

static int seccomp_rules(scmp_filter_ctx ctx, json_t *syscalls, uint32_t def, int64_t def_errno,
			 vb_error *err)
{
	static const struct {
		const char *name;
		enum scmp_compare op;
	} ops[] = {
		{ "SCMP_CMP_NE", SCMP_CMP_NE },
		{ "SCMP_CMP_LT", SCMP_CMP_LT },
		{ "SCMP_CMP_LE", SCMP_CMP_LE },
		{ "SCMP_CMP_EQ", SCMP_CMP_EQ },
		{ "SCMP_CMP_GE", SCMP_CMP_GE },
		{ "SCMP_CMP_GT", SCMP_CMP_GT },
		{ "SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ },
	};
	size_t i, j;
	json_t *rule, *v;
	int r;

	json_array_foreach(syscalls, i, rule)
	{
		struct scmp_arg_cmp cmp[6];
		unsigned n_cmp = 0;
		char what[64];
		const char *act;
		json_t *names, *args;
		uint32_t action;

		snprintf(what, sizeof(what), "linux.seccomp.syscalls[%zu]", i);
		if (!json_is_object(rule))
			return OCI_ERR(err, "%s: expected an object", what);
		if ((r = get_str(rule, "action", what, &act, err)) < 0)
			return r;
		if (!act)
			return OCI_ERR(err, "%s: action missing", what);
		if ((r = seccomp_action(act, rule, def_errno, &action, what, err)) < 0)
			return r;
		names = GET(rule, "names", JSON_ARRAY, what);
		args = GET(rule, "args", JSON_ARRAY, what);
		if (json_array_size(args) > 6)
			return OCI_ERR(err, "%s: more than 6 args", what);
		json_array_foreach(args, j, v)
		{
			int64_t index, value = 0, two = 0;
			bool hi, hv, ht;
			const char *op;
			size_t k;

			if (!json_is_object(v))
				return OCI_ERR(err, "%s.args[%zu]: expected an object", what, j);
			if ((r = get_int(v, "index", what, 0, 5, &hi, &index, err)) < 0 ||
			    (r = get_u64(v, "value", what, &hv, (uint64_t *)&value, err)) < 0 ||
			    (r = get_u64(v, "valueTwo", what, &ht, (uint64_t *)&two, err)) < 0 ||
			    (r = get_str(v, "op", what, &op, err)) < 0)
				return r;
			if (!hi || !op)
				return OCI_ERR(err, "%s.args[%zu]: needs index and op", what, j);
			for (k = 0; k < ARRAY_SIZE(ops); k++)
				if (strcmp(op, ops[k].name) == 0)
					break;
			if (k == ARRAY_SIZE(ops))
				return OCI_ERR(err, "%s.args[%zu]: unknown op %s", what, j, op);
			cmp[n_cmp++] =
				(struct scmp_arg_cmp){ (unsigned)index, ops[k].op,
						       (scmp_datum_t)value, (scmp_datum_t)two };
		}
		if (action == def)
			continue; /* libseccomp refuses a rule that does what the default does */
		json_array_foreach(names, j, v)
		{
			int nr;

			if (!json_is_string(v))
				return OCI_ERR(err, "%s.names[%zu]: expected a string", what, j);
			/* A name this libseccomp does not know: runc and crun
			 * skip it too (profiles list syscalls of newer kernels). */
			nr = seccomp_syscall_resolve_name(json_string_value(v));
			if (nr == __NR_SCMP_ERROR)
				continue;
			r = seccomp_rule_add_array(ctx, action, nr, n_cmp, cmp);
			if (r < 0 && r != -EEXIST)
				return vb_err(err, VB_STAGE_CONFIG, -1, -r, "%s: %s", what,
					      json_string_value(v));
		}
	}
	return 0;
}

static int parse_seccomp(json_t *sec, vb_config *cfg, vb_error *err)
{
	const char *def_name, *s;
	json_t *arches, *syscalls, *flags, *v;
	scmp_filter_ctx ctx;
	int64_t def_errno = 1;
	uint32_t def;
	bool have;
	size_t i;
	int r, fd;

	if ((r = get_str(sec, "defaultAction", "linux.seccomp.defaultAction", &def_name, err)) < 0)
		return r;
	if (!def_name)
		return OCI_ERR(err, "linux.seccomp.defaultAction: missing");
	if ((r = get_int(sec, "defaultErrnoRet", "linux.seccomp.defaultErrnoRet", 0, 4095, &have,
			 &def_errno, err)) < 0)
		return r;
	if (!have)
		def_errno = EPERM;
	if ((r = get_str(sec, "listenerPath", "linux.seccomp.listenerPath", &s, err)) < 0)
		return r;
	if (s && *s)
		return OCI_ERR(err, "linux.seccomp.listenerPath: seccomp notify is not supported");
	if ((r = seccomp_action(def_name, sec, def_errno, &def, "linux.seccomp.defaultAction",
				err)) < 0)
		return r;
	arches = GET(sec, "architectures", JSON_ARRAY, "linux.seccomp.architectures");
	syscalls = GET(sec, "syscalls", JSON_ARRAY, "linux.seccomp.syscalls");
	flags = GET(sec, "flags", JSON_ARRAY, "linux.seccomp.flags");
	json_array_foreach(flags, i, v)
	{
		const char *f = json_is_string(v) ? json_string_value(v) : "";

		if (strcmp(f, "SECCOMP_FILTER_FLAG_SPEC_ALLOW") != 0 &&
		    strcmp(f, "SECCOMP_FILTER_FLAG_LOG") != 0)
			return OCI_ERR(err, "linux.seccomp.flags[%zu]: %s is not supported", i,
				       json_is_string(v) ? f : "(not a string)");
	}
	ctx = seccomp_init(def);
	if (!ctx)
		return OCI_ERR(err, "linux.seccomp: seccomp_init failed");
	/* Not vb's own no_new_privs: vb sets it before loading. */
	(void)seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0);
	json_array_foreach(arches, i, v)
	{
		char name[32];
		uint32_t arch;
		const char *a = json_is_string(v) ? json_string_value(v) : NULL;
		size_t k;

		if (!a || strncmp(a, "SCMP_ARCH_", 10) != 0 || strlen(a + 10) >= sizeof(name)) {
			r = OCI_ERR(err, "linux.seccomp.architectures[%zu]: unknown architecture",
				    i);
			goto out;
		}
		for (k = 0; a[10 + k]; k++)
			name[k] = (char)tolower((unsigned char)a[10 + k]);
		name[k] = '\0';
		arch = seccomp_arch_resolve_name(name);
		if (arch == 0) {
			r = OCI_ERR(err,
				    "linux.seccomp.architectures[%zu]: unknown architecture %s", i,
				    a);
			goto out;
		}
		r = seccomp_arch_add(ctx, arch);
		if (r < 0 && r != -EEXIST) {
			r = vb_err(err, VB_STAGE_CONFIG, -1, -r, "linux.seccomp.architectures: %s",
				   a);
			goto out;
		}
	}
	if ((r = seccomp_rules(ctx, syscalls, def, def_errno, err)) < 0)
		goto out;
	fd = memfd_create("vb-oci-seccomp", MFD_CLOEXEC);
	if (fd < 0) {
		r = vb_err(err, VB_STAGE_CONFIG, -1, errno, "linux.seccomp: memfd_create");
		goto out;
	}
	r = seccomp_export_bpf(ctx, fd);
	if (r < 0 || lseek(fd, 0, SEEK_SET) < 0) {
		(void)close(fd);
		r = vb_err(err, VB_STAGE_CONFIG, -1, r < 0 ? -r : errno, "linux.seccomp: export");
		goto out;
	}
	r = vb_config_add_seccomp_fd(cfg, fd, err);
	if (r < 0)
		(void)close(fd);
out:
	seccomp_release(ctx);
	return r;
}

/* maskedPaths: a directory gets an empty read-only tmpfs, anything else
 * /dev/null; a path that is not there is skipped (runc's rule). */
static int parse_masked(char **paths, const char *root, vb_config *cfg, vb_error *err)
{
	for (char **p = paths; p && *p; p++) {
		char host[PATH_MAX];
		struct stat st;
		int r;

		if (!mount_dest_ok(*p))
			return OCI_ERR(err, "linux.maskedPaths: %s is not an absolute path", *p);
		/* /proc and /sys are mounted from the kernel: look there. */
		if (strncmp(*p, "/proc/", 6) == 0 || strncmp(*p, "/sys/", 5) == 0)
			snprintf(host, sizeof(host), "%s", *p);
		else
			snprintf(host, sizeof(host), "%s%s", root, *p);
		if (lstat(host, &st) < 0)
			continue;
		if (S_ISDIR(st.st_mode)) {
			if ((r = vb_config_set_perms(cfg, 0555, err)) < 0 ||
			    (r = vb_config_add_op(cfg, VB_OP_TMPFS, NULL, *p, err)) < 0 ||
			    (r = vb_config_add_op(cfg, VB_OP_REMOUNT_RO, NULL, *p, err)) < 0)
				return r;
		} else if ((r = vb_config_add_op(cfg, VB_OP_RO_BIND, "/dev/null", *p, err)) < 0) {
			return r;
		}
	}
	return 0;
}

/* readonlyPaths: bound onto themselves read-only.  The source is the
 * host's for /proc and /sys (the kernel's files), the root's otherwise. */
static int parse_readonly(char **paths, const char *root, struct oci_spec *spec, vb_config *cfg,
			  vb_error *err)
{
	for (char **p = paths; p && *p; p++) {
		char host[PATH_MAX];
		int r;

		if (!mount_dest_ok(*p))
			return OCI_ERR(err, "linux.readonlyPaths: %s is not an absolute path", *p);
		if (strncmp(*p, "/proc/", 6) == 0 || strncmp(*p, "/sys/", 5) == 0)
			snprintf(host, sizeof(host), "%s", *p);
		else
			snprintf(host, sizeof(host), "%s%s", root, *p);
		if (access(host, F_OK) < 0)
			continue;
		/* runc's flags for them. */
		if ((r = vb_config_add_op(cfg, VB_OP_RO_BIND, host, *p, err)) < 0 ||
		    (r = add_remount(spec, *p, MS_NOSUID | MS_NODEV | MS_NOEXEC, err)) < 0)
			return r;
	}
	return 0;
}

static int parse_devices(json_t *arr, vb_config *cfg, vb_error *err)
{
	size_t i;
	json_t *e;

	/* Nodes vb cannot make (no mknod in a user namespace) come from the
	 * host: the same node, bound, as runc does rootless. */
	json_array_foreach(arr, i, e)
	{
		const char *path, *type;
		char what[64];
		struct stat st;
		int r;

		snprintf(what, sizeof(what), "linux.devices[%zu]", i);
		if (!json_is_object(e))
			return OCI_ERR(err, "%s: expected an object", what);
		if ((r = get_str(e, "path", what, &path, err)) < 0 ||
		    (r = get_str(e, "type", what, &type, err)) < 0)
			return r;
		if (!path || !mount_dest_ok(path) || !type)
			return OCI_ERR(err, "%s: needs an absolute path and a type", what);
		if (strcmp(type, "c") != 0 && strcmp(type, "b") != 0 && strcmp(type, "u") != 0 &&
		    strcmp(type, "p") != 0)
			return OCI_ERR(err, "%s: unknown type %s", what, type);
		if (stat(path, &st) < 0 ||
		    !(S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode) || S_ISFIFO(st.st_mode)))
			return OCI_ERR(err, "%s: %s is not a device of the host", what, path);
		if ((r = vb_config_add_op(cfg, VB_OP_DEV_BIND, path, path, err)) < 0)
			return r;
	}
	return 0;
}

static int parse_hooks(json_t *hooks, struct oci_spec *spec, vb_error *err)
{
	static const char *const names[] = {
		[OCI_HOOK_PRESTART] = "prestart",
		[OCI_HOOK_CREATE_RUNTIME] = "createRuntime",
		[OCI_HOOK_CREATE_CONTAINER] = "createContainer",
		[OCI_HOOK_START_CONTAINER] = "startContainer",
		[OCI_HOOK_POSTSTART] = "poststart",
		[OCI_HOOK_POSTSTOP] = "poststop",
	};

	for (int k = 0; k < OCI_HOOK_MAX; k++) {
		char what[64];
		json_t *arr, *e;
		size_t i;
		int r;

		snprintf(what, sizeof(what), "hooks.%s", names[k]);
		arr = GET(hooks, names[k], JSON_ARRAY, what);
		if (!arr || json_array_size(arr) == 0)
			continue;
		/* These two run inside the container's namespaces, before
		 * its command: vb has no step there. */
		if (k == OCI_HOOK_CREATE_CONTAINER || k == OCI_HOOK_START_CONTAINER)
			return OCI_ERR(err, "%s: not supported", what);
		spec->hooks[k] = calloc(json_array_size(arr), sizeof(struct oci_hook));
		if (!spec->hooks[k])
			return OCI_ERR(err, "Out of memory");
		json_array_foreach(arr, i, e)
		{
			struct oci_hook *h = &spec->hooks[k][i];
			const char *path;
			bool have;
			int64_t t;

			snprintf(what, sizeof(what), "hooks.%s[%zu]", names[k], i);
			if (!json_is_object(e))
				return OCI_ERR(err, "%s: expected an object", what);
			if ((r = get_str(e, "path", what, &path, err)) < 0)
				return r;
			if (!path || path[0] != '/')
				return OCI_ERR(err, "%s: path must be absolute", what);
			spec->n_hooks[k]++;
			h->path = strdup(path);
			if (!h->path)
				return OCI_ERR(err, "Out of memory");
			if ((r = get_strv(e, "args", what, &h->args, NULL, err)) < 0 ||
			    (r = get_strv(e, "env", what, &h->env, NULL, err)) < 0 ||
			    (r = get_int(e, "timeout", what, 1, 3600, &have, &t, err)) < 0)
				return r;
			h->timeout = have ? (int)t : 0;
		}
	}
	return 0;
}

static int parse_linux(json_t *lx, struct oci_spec *spec, vb_config *cfg, bool *have_sys,
		       vb_error *err)
{
	json_t *v;
	char **paths;
	const char *s;
	int r;

	if ((v = GET(lx, "namespaces", JSON_ARRAY, "linux.namespaces")) &&
	    (r = parse_namespaces(v, spec, cfg, err)) < 0)
		return r;
	if (!v)
		return OCI_ERR(err, "linux.namespaces: vb needs a new mount namespace");
	if ((v = GET(lx, "uidMappings", JSON_ARRAY, "linux.uidMappings")) &&
	    (r = parse_idmaps(v, "linux.uidMappings", spec->uid_maps, &spec->n_uid_maps, err)) < 0)
		return r;
	if ((v = GET(lx, "gidMappings", JSON_ARRAY, "linux.gidMappings")) &&
	    (r = parse_idmaps(v, "linux.gidMappings", spec->gid_maps, &spec->n_gid_maps, err)) < 0)
		return r;
	if ((spec->n_uid_maps || spec->n_gid_maps) && !spec->userns)
		return OCI_ERR(err, "linux.uidMappings: given without a new user namespace");
	if ((v = GET(lx, "resources", JSON_OBJECT, "linux.resources")) &&
	    (r = parse_resources(v, cfg, err)) < 0)
		return r;
	if ((r = get_str(lx, "cgroupsPath", "linux.cgroupsPath", &s, err)) < 0)
		return r;
	if (s && !(spec->cgroups_path = strdup(s)))
		return OCI_ERR(err, "Out of memory");
	if ((v = GET(lx, "seccomp", JSON_OBJECT, "linux.seccomp")) &&
	    (r = parse_seccomp(v, cfg, err)) < 0)
		return r;
	if ((v = GET(lx, "devices", JSON_ARRAY, "linux.devices")) &&
	    (r = parse_devices(v, cfg, err)) < 0)
		return r;
	if ((v = GET(lx, "sysctl", JSON_OBJECT, "linux.sysctl"))) {
		const char *key;
		json_t *val;
		size_t n = 0;

		if (json_object_size(v) > OCI_MAX_ARRAY)
			return OCI_ERR(err, "linux.sysctl: more than %u entries", OCI_MAX_ARRAY);
		spec->sysctl = calloc(2 * json_object_size(v) + 1, sizeof(char *));
		if (!spec->sysctl)
			return OCI_ERR(err, "Out of memory");
		json_object_foreach(v, key, val)
		{
			if (!json_is_string(val))
				return OCI_ERR(err, "linux.sysctl.%s: expected a string", key);
			if (!*key || strstr(key, "..") || strchr(key, '/') || key[0] == '.')
				return OCI_ERR(err, "linux.sysctl: bad name %s", key);
			spec->sysctl[n++] = strdup(key);
			spec->sysctl[n++] = strdup(json_string_value(val));
			if (!spec->sysctl[n - 1] || !spec->sysctl[n - 2])
				return OCI_ERR(err, "Out of memory");
		}
		spec->n_sysctl = n / 2;
	}
	if ((r = get_strv(lx, "maskedPaths", "linux.maskedPaths", &paths, NULL, err)) < 0)
		return r;
	r = parse_masked(paths, spec->root, cfg, err);
	vb_strv_free(paths);
	if (r < 0)
		return r;
	if ((r = get_strv(lx, "readonlyPaths", "linux.readonlyPaths", &paths, NULL, err)) < 0)
		return r;
	r = parse_readonly(paths, spec->root, spec, cfg, err);
	vb_strv_free(paths);
	if (r < 0)
		return r;
	if ((r = get_str(lx, "mountLabel", "linux.mountLabel", &s, err)) < 0)
		return r;
	if (s && *s && (r = vb_config_set_file_label(cfg, s, err)) < 0)
		return r;
	if ((r = get_str(lx, "rootfsPropagation", "linux.rootfsPropagation", &s, err)) < 0)
		return r;
	if (s && *s && strcmp(s, "private") != 0 && strcmp(s, "rprivate") != 0 &&
	    strcmp(s, "slave") != 0 && strcmp(s, "rslave") != 0)
		return OCI_ERR(err, "linux.rootfsPropagation: %s is not supported", s);
	if (GET(lx, "intelRdt", JSON_OBJECT, "linux.intelRdt") ||
	    GET(lx, "personality", JSON_OBJECT, "linux.personality") ||
	    GET(lx, "timeOffsets", JSON_OBJECT, "linux.timeOffsets"))
		return OCI_ERR(err,
			       "linux: intelRdt, personality and timeOffsets are not supported");
	return 0;
}

/* ---- the whole document ------------------------------------------------ */

struct oci_spec *oci_spec_free(struct oci_spec *spec)
{
	if (!spec)
		return NULL;
	free(spec->oci_version);
	free(spec->root);
	for (size_t i = 0; i < ARRAY_SIZE(spec->ns_path); i++)
		free(spec->ns_path[i]);
	vb_strv_free(spec->sysctl);
	for (int k = 0; k < OCI_HOOK_MAX; k++) {
		for (size_t i = 0; i < spec->n_hooks[k]; i++) {
			free(spec->hooks[k][i].path);
			vb_strv_free(spec->hooks[k][i].args);
			vb_strv_free(spec->hooks[k][i].env);
		}
		free(spec->hooks[k]);
	}
	free(spec->cgroups_path);
	for (size_t i = 0; i < spec->n_remounts; i++)
		free(spec->remounts[i].dest);
	free(spec->remounts);
	free(spec);
	return NULL;
}

static int parse_doc(json_t *doc, const char *bundle, bool process_only, struct oci_spec *spec,
		     vb_config *cfg, vb_error *err)
{
	json_t *root, *mounts, *lx, *proc, *hooks, *e;
	const char *s, *path;
	bool have_sys = false;
	size_t i;
	int r;

	if (!json_is_object(doc))
		return OCI_ERR(err, "%s: expected an object", process_only ? "process" : "config");
	if (process_only)
		return parse_process(doc, spec, cfg, err);

	if ((r = get_str(doc, "ociVersion", "ociVersion", &s, err)) < 0)
		return r;
	if (!s)
		return OCI_ERR(err, "ociVersion: missing");
	if (strncmp(s, "1.", 2) != 0)
		return OCI_ERR(err, "ociVersion: %s is not supported (1.x)", s);
	if (!(spec->oci_version = strdup(s)))
		return OCI_ERR(err, "Out of memory");
	root = GET(doc, "root", JSON_OBJECT, "root");
	if (!root)
		return OCI_ERR(err, "root: missing");
	if ((r = get_str(root, "path", "root.path", &path, err)) < 0)
		return r;
	if (!path || !*path)
		return OCI_ERR(err, "root.path: missing");
	if ((r = get_bool(root, "readonly", "root.readonly", &spec->root_readonly, err)) < 0)
		return r;
	if (path[0] == '/')
		spec->root = strdup(path);
	else if (asprintf(&spec->root, "%s/%s", bundle, path) < 0)
		spec->root = NULL;
	if (!spec->root)
		return OCI_ERR(err, "Out of memory");
	if (strstr(spec->root, "/../") || strstr(spec->root, "/./"))
		return OCI_ERR(err, "root.path: %s has . or .. components", path);

	lx = GET(doc, "linux", JSON_OBJECT, "linux");
	if (!lx)
		return OCI_ERR(err, "linux: missing (vb runs Linux containers)");
	/* The root first: everything else is mounted inside it. */
	if ((r = vb_config_add_op(cfg, VB_OP_BIND, spec->root, "/", err)) < 0)
		return r;
	mounts = GET(doc, "mounts", JSON_ARRAY, "mounts");
	json_array_foreach(mounts, i, e)
	{
		if ((r = parse_mount(e, i, bundle, &have_sys, spec, cfg, err)) < 0)
			return r;
	}
	if ((r = parse_linux(lx, spec, cfg, &have_sys, err)) < 0)
		return r;
	if (spec->root_readonly &&
	    (r = vb_config_add_op(cfg, VB_OP_REMOUNT_RO, NULL, "/", err)) < 0)
		return r;
	if ((r = get_str(doc, "hostname", "hostname", &s, err)) < 0)
		return r;
	if (s && *s && (r = vb_config_set_hostname(cfg, s, err)) < 0)
		return r;
	if ((r = get_str(doc, "domainname", "domainname", &s, err)) < 0)
		return r;
	if (s && *s)
		return OCI_ERR(err, "domainname: not supported");
	proc = GET(doc, "process", JSON_OBJECT, "process");
	if (!proc)
		return OCI_ERR(err, "process: missing");
	if ((r = parse_process(proc, spec, cfg, err)) < 0)
		return r;
	hooks = GET(doc, "hooks", JSON_OBJECT, "hooks");
	if (hooks && (r = parse_hooks(hooks, spec, err)) < 0)
		return r;
	/* "annotations": nothing vb defines; ignored. */
	(void)GET(doc, "annotations", JSON_OBJECT, "annotations");
	return 0;
}

int oci_spec_parse(const char *text, size_t len, const char *bundle, bool process_only,
		   vb_config *cfg, struct oci_spec **ret, vb_error *err)
{
	struct oci_spec *spec;
	json_error_t jerr;
	json_t *doc;
	int r;

	if (!bundle || bundle[0] != '/')
		return OCI_ERR(err, "the bundle path must be absolute");
	if (len > OCI_MAX_CONFIG)
		return OCI_ERR(err, "config.json: larger than %u bytes", OCI_MAX_CONFIG);
	doc = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!doc)
		return OCI_ERR(err, "%s:%d:%d: %s", process_only ? "process.json" : "config.json",
			       jerr.line, jerr.column, jerr.text);
	spec = calloc(1, sizeof(*spec));
	if (!spec) {
		json_decref(doc);
		return OCI_ERR(err, "Out of memory");
	}
	r = parse_doc(doc, bundle, process_only, spec, cfg, err);
	json_decref(doc);
	if (r < 0) {
		oci_spec_free(spec);
		return r;
	}
	*ret = spec;
	return 0;
}

int oci_spec_load(const char *bundle, vb_config *cfg, struct oci_spec **ret, vb_error *err)
{
	char path[PATH_MAX];
	_cleanup_free_ char *buf = NULL;
	_cleanup_close_ int fd = -1;
	size_t len = 0;
	ssize_t n;

	if ((size_t)snprintf(path, sizeof(path), "%s/config.json", bundle) >= sizeof(path))
		return OCI_ERR(err, "bundle path too long");
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return vb_err(err, VB_STAGE_CONFIG, -1, errno, "Can't open %s", path);
	buf = malloc(OCI_MAX_CONFIG + 1);
	if (!buf)
		return OCI_ERR(err, "Out of memory");
	while (len <= OCI_MAX_CONFIG && (n = read(fd, buf + len, OCI_MAX_CONFIG + 1 - len)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return vb_err(err, VB_STAGE_CONFIG, -1, errno, "Can't read %s", path);
		len += (size_t)n;
	}
	return oci_spec_parse(buf, len, bundle, false, cfg, ret, err);
}
