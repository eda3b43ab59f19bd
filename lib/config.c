/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The configuration: one setter per vb flag, building an ordered op list,
 * and the checks bwrap makes while and after reading the arguments.
 * Messages are bwrap's, word for word, because scripts match them.
 *
 * Order of checks in a setter, as in bwrap's parser: the option's own
 * arguments first, then option_end() (a pending --perms/--size the option
 * cannot take, an --overlay-src it does not continue), and only then is
 * anything changed: a refused call leaves the configuration as it was.
 */
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/capability.h>

#include "hooks.h"

#define CFG_ERR(err, ...) vb_err((err), VB_STAGE_CONFIG, -1, 0, __VA_ARGS__)
#define ENOMEM_ERR(err) vb_err((err), VB_STAGE_CONFIG, -1, ENOMEM, "Out of memory")

#define MSG_OVERLAY_SRC                                                                 \
	"--overlay-src must be followed by another --overlay-src or one of --overlay, " \
	"--tmp-overlay, or --ro-overlay"

VB_EXPORT const char *vb_version(void)
{
	return PACKAGE_VERSION;
}

VB_EXPORT vb_config *vb_config_new(void)
{
	vb_config *cfg = calloc(1, sizeof(*cfg));

	if (!cfg)
		return NULL;
	cfg->userns_fd = cfg->userns2_fd = cfg->pidns_fd = -1;
	cfg->sync_fd = cfg->block_fd = cfg->userns_block_fd = cfg->ready_fd = -1;
	cfg->info_fd = cfg->json_status_fd = -1;
	/* Known from the start: setters refuse some options in setuid mode
	 * while parsing, as bwrap does (--size, overlays). */
	cfg->real_uid = getuid();
	cfg->real_gid = getgid();
	/* bwrap's test: running setuid root on behalf of another user. */
	cfg->is_privileged = cfg->real_uid != 0 && geteuid() == 0;
	return cfg;
}

VB_EXPORT vb_config *vb_config_free(vb_config *cfg)
{
	if (!cfg)
		return NULL;
	for (size_t i = 0; i < cfg->n_ops; i++) {
		struct vb_op *op = &cfg->ops[i];

		free(op->src);
		free(op->dst);
		free(op->workdir);
		if (op->fd >= 0)
			(void)close(op->fd);
	}
	free(cfg->ops);
	for (size_t i = 0; i < cfg->n_env; i++) {
		free(cfg->env[i].name);
		free(cfg->env[i].value);
	}
	free(cfg->env);
	for (size_t i = 0; i < cfg->n_lock_files; i++)
		free(cfg->lock_files[i]);
	free(cfg->lock_files);
	for (size_t i = 0; i < cfg->n_seccomp_fds; i++)
		if (cfg->seccomp_fds[i] >= 0)
			(void)close(cfg->seccomp_fds[i]);
	if (cfg->info_fd >= 0)
		(void)close(cfg->info_fd);
	free(cfg->seccomp_fds);
	free(cfg->hostname);
	free(cfg->chdir_path);
	free(cfg->exec_label);
	free(cfg->file_label);
	free(cfg->argv0);
	vb_strv_free(cfg->argv);
	sec_config_free(cfg->sec);
	net_config_free(cfg->net);
	cg_config_free(cfg->cg);
	sup_config_free(cfg->sup);
	free(cfg);
	return NULL;
}

VB_EXPORT void vb_config_set_log_fn(vb_config *cfg, vb_log_fn fn, void *userdata)
{
	if (!cfg)
		return;
	cfg->log_fn = fn;
	cfg->log_userdata = userdata;
}

static void warn_only_last(const vb_config *cfg, const char *option)
{
	vb_log(cfg, VB_LOG_WARNING, "Only the last %s option will take effect", option);
}

/* ---- the checks at the end of every option ----------------------------------- */

/* How many --overlay-src ops directly precede the end of the list: the
 * sources the next overlay consumes. */
static unsigned trailing_overlay_srcs(const vb_config *cfg)
{
	unsigned n = 0;

	for (size_t i = cfg->n_ops; i > 0 && cfg->ops[i - 1].type == VB_OP_OVERLAY_SRC; i--)
		n++;
	return n;
}

enum {
	OPT_PLAIN = 0,
	OPT_MODIFIER = 1u << 0,    /* --perms, --size: bind to the next option */
	OPT_TAKES_PERMS = 1u << 1, /* consumes a pending --perms */
	OPT_TAKES_SIZE = 1u << 2,  /* consumes a pending --size (--tmpfs) */
	OPT_OVERLAY = 1u << 3,     /* --overlay-src and the overlays may follow --overlay-src */
};

/* bwrap checks these after each option, in this order; a modifier is
 * exempt from the first two, an overlay option from the third. */
static int option_end(vb_config *cfg, unsigned flags, vb_error *err)
{
	if (!(flags & OPT_MODIFIER)) {
		if (cfg->pending_perms && !(flags & OPT_TAKES_PERMS))
			return CFG_ERR(err,
				       "--perms must be followed by an option that creates a file");
		if (cfg->pending_size && !(flags & OPT_TAKES_SIZE))
			return CFG_ERR(err, "--size must be followed by --tmpfs");
	}
	if (!(flags & OPT_OVERLAY) && trailing_overlay_srcs(cfg) > 0)
		return CFG_ERR(err, MSG_OVERLAY_SRC);
	cfg->validated = false;
	return 0;
}

VB_EXPORT int vb_config_option_end(vb_config *cfg, vb_error *err)
{
	if (!cfg)
		return CFG_ERR(err, "invalid argument");
	return option_end(cfg, OPT_PLAIN, err);
}

#define OPTION_END(cfg, err)                                     \
	do {                                                     \
		int _r;                                          \
		if (!(cfg))                                      \
			return CFG_ERR(err, "invalid argument"); \
		_r = option_end((cfg), OPT_PLAIN, (err));        \
		if (_r < 0)                                      \
			return _r;                               \
	} while (0)

/* Replaces *field with a copy of value (bounded by VB_MAX_STRING, or
 * VB_MAX_PATH for a path or a label). */
static int set_string(char **field, const char *value, bool path, vb_error *err)
{
	size_t max = path ? VB_MAX_PATH : VB_MAX_STRING;
	char *copy;

	if (!value)
		return CFG_ERR(err, "invalid argument");
	copy = path ? vb_strdup_path(value) : vb_strdup_checked(value);
	if (!copy)
		return vb_err(err, VB_STAGE_CONFIG, -1,
			      strlen(value) >= max ? (path ? ENAMETOOLONG : E2BIG) : ENOMEM,
			      "Argument too long or out of memory");
	free(*field);
	*field = copy;
	return 0;
}

/* ---- namespaces ---------------------------------------------------------------- */

VB_EXPORT int vb_config_unshare(vb_config *cfg, unsigned ns, bool try_, vb_error *err)
{
	if (cfg && (ns & ~(unsigned)VB_NS_ALL))
		return CFG_ERR(err, "invalid namespace mask");
	OPTION_END(cfg, err);
	/* A namespace already required stays required: --unshare-user then
	 * --unshare-all still fails without a user namespace, as in bwrap
	 * where both flags are kept and the strict one wins. */
	if (try_)
		cfg->unshare_try |= ns & ~(cfg->unshare & ~cfg->unshare_try);
	else
		cfg->unshare_try &= ~ns;
	cfg->unshare |= ns;
	return 0;
}

VB_EXPORT int vb_config_share(vb_config *cfg, unsigned ns, vb_error *err)
{
	if (cfg && (ns & ~(unsigned)VB_NS_ALL))
		return CFG_ERR(err, "invalid namespace mask");
	OPTION_END(cfg, err);
	cfg->unshare &= ~ns;
	cfg->unshare_try &= ~ns;
	return 0;
}

/* fd setters: bwrap warns when one is given twice and keeps the last. */
static int set_fd(vb_config *cfg, int *field, const char *option, int fd, vb_error *err)
{
	if (fd < 0)
		return CFG_ERR(err, "Invalid fd: %d", fd);
	OPTION_END(cfg, err);
	if (*field != -1)
		warn_only_last(cfg, option);
	*field = fd;
	return 0;
}

VB_EXPORT int vb_config_set_userns_fd(vb_config *cfg, int fd, vb_error *err)
{
	return set_fd(cfg, cfg ? &cfg->userns_fd : NULL, "--userns", fd, err);
}
VB_EXPORT int vb_config_set_userns2_fd(vb_config *cfg, int fd, vb_error *err)
{
	return set_fd(cfg, cfg ? &cfg->userns2_fd : NULL, "--userns2", fd, err);
}
VB_EXPORT int vb_config_set_pidns_fd(vb_config *cfg, int fd, vb_error *err)
{
	return set_fd(cfg, cfg ? &cfg->pidns_fd : NULL, "--pidns", fd, err);
}
VB_EXPORT int vb_config_set_sync_fd(vb_config *cfg, int fd, vb_error *err)
{
	return set_fd(cfg, cfg ? &cfg->sync_fd : NULL, "--sync-fd", fd, err);
}
VB_EXPORT int vb_config_set_block_fd(vb_config *cfg, int fd, vb_error *err)
{
	return set_fd(cfg, cfg ? &cfg->block_fd : NULL, "--block-fd", fd, err);
}
VB_EXPORT int vb_config_set_userns_block_fd(vb_config *cfg, int fd, vb_error *err)
{
	return set_fd(cfg, cfg ? &cfg->userns_block_fd : NULL, "--userns-block-fd", fd, err);
}
VB_EXPORT int vb_config_set_info_fd(vb_config *cfg, int fd, vb_error *err)
{
	return set_fd(cfg, cfg ? &cfg->info_fd : NULL, "--info-fd", fd, err);
}
VB_EXPORT int vb_config_set_json_status_fd(vb_config *cfg, int fd, vb_error *err)
{
	return set_fd(cfg, cfg ? &cfg->json_status_fd : NULL, "--json-status-fd", fd, err);
}

VB_EXPORT int vb_config_disable_userns(vb_config *cfg, vb_error *err)
{
	OPTION_END(cfg, err);
	cfg->disable_userns = true;
	return 0;
}

VB_EXPORT int vb_config_assert_userns_disabled(vb_config *cfg, vb_error *err)
{
	OPTION_END(cfg, err);
	cfg->assert_userns_disabled = true;
	return 0;
}

/* ---- identity, hostname, cwd, environment ------------------------------------ */

VB_EXPORT int vb_config_set_uid(vb_config *cfg, uid_t uid, vb_error *err)
{
	if (uid == (uid_t)-1)
		return CFG_ERR(err, "Invalid uid: %d", -1);
	OPTION_END(cfg, err);
	if (cfg->have_uid)
		warn_only_last(cfg, "--uid");
	cfg->uid = uid;
	cfg->have_uid = true;
	return 0;
}

VB_EXPORT int vb_config_set_gid(vb_config *cfg, gid_t gid, vb_error *err)
{
	if (gid == (gid_t)-1)
		return CFG_ERR(err, "Invalid gid: %d", -1);
	OPTION_END(cfg, err);
	if (cfg->have_gid)
		warn_only_last(cfg, "--gid");
	cfg->gid = gid;
	cfg->have_gid = true;
	return 0;
}

/* A string option that bwrap lets be repeated with a warning. */
static int set_last_string(vb_config *cfg, char **field, const char *option, const char *value,
			   bool path, vb_error *err)
{
	if (!value)
		return CFG_ERR(err, "%s takes an argument", option);
	OPTION_END(cfg, err);
	if (*field)
		warn_only_last(cfg, option);
	return set_string(field, value, path, err);
}

VB_EXPORT int vb_config_set_hostname(vb_config *cfg, const char *hostname, vb_error *err)
{
	return set_last_string(cfg, cfg ? &cfg->hostname : NULL, "--hostname", hostname, false,
			       err);
}

VB_EXPORT int vb_config_set_chdir(vb_config *cfg, const char *path, vb_error *err)
{
	return set_last_string(cfg, cfg ? &cfg->chdir_path : NULL, "--chdir", path, true, err);
}

VB_EXPORT int vb_config_set_exec_label(vb_config *cfg, const char *label, vb_error *err)
{
	return set_last_string(cfg, cfg ? &cfg->exec_label : NULL, "--exec-label", label, true,
			       err);
}

VB_EXPORT int vb_config_set_file_label(vb_config *cfg, const char *label, vb_error *err)
{
	return set_last_string(cfg, cfg ? &cfg->file_label : NULL, "--file-label", label, true,
			       err);
}

VB_EXPORT int vb_config_set_argv0(vb_config *cfg, const char *argv0, vb_error *err)
{
	if (!argv0)
		return CFG_ERR(err, "--argv0 takes one argument");
	if (cfg && cfg->argv0)
		return CFG_ERR(err, "--argv0 used multiple times");
	OPTION_END(cfg, err);
	return set_string(&cfg->argv0, argv0, false, err);
}

/* bwrap edits its own environment while parsing, so a name setenv(3)
 * refuses (empty, or with '=') fails there with "setenv failed". */
static int add_env(vb_config *cfg, int kind, const char *name, const char *value, vb_error *err)
{
	struct vb_env_edit *env, *e;

	if (kind != VB_ENV_CLEAR && (!name || !*name || strchr(name, '=')))
		return CFG_ERR(err, kind == VB_ENV_SET ? "setenv failed" : "unsetenv failed");
	OPTION_END(cfg, err);
	if (cfg->n_env >= VB_MAX_ARGS)
		return CFG_ERR(err, "Exceeded maximum number of arguments %u", VB_MAX_ARGS);
	env = realloc(cfg->env, (cfg->n_env + 1) * sizeof(*env));
	if (!env)
		return ENOMEM_ERR(err);
	cfg->env = env;
	e = &env[cfg->n_env];
	*e = (struct vb_env_edit){ .kind = kind };
	if ((name && !(e->name = vb_strdup_checked(name))) ||
	    (value && !(e->value = vb_strdup_checked(value)))) {
		free(e->name);
		return vb_err(err, VB_STAGE_CONFIG, -1, E2BIG,
			      "Argument too long or out of memory");
	}
	cfg->n_env++;
	return 0;
}

VB_EXPORT int vb_config_clearenv(vb_config *cfg, vb_error *err)
{
	return add_env(cfg, VB_ENV_CLEAR, NULL, NULL, err);
}
VB_EXPORT int vb_config_setenv(vb_config *cfg, const char *name, const char *value, vb_error *err)
{
	if (!value)
		return CFG_ERR(err, "--setenv takes two arguments");
	return add_env(cfg, VB_ENV_SET, name, value, err);
}
VB_EXPORT int vb_config_unsetenv(vb_config *cfg, const char *name, vb_error *err)
{
	return add_env(cfg, VB_ENV_UNSET, name, NULL, err);
}

/* ---- the op list ------------------------------------------------------------------ */

const char *vb_op_flag(enum vb_op_type type)
{
	static const char *const flags[VB_OP_TYPE_MAX] = {
		[VB_OP_BIND] = "--bind",
		[VB_OP_BIND_TRY] = "--bind-try",
		[VB_OP_DEV_BIND] = "--dev-bind",
		[VB_OP_DEV_BIND_TRY] = "--dev-bind-try",
		[VB_OP_RO_BIND] = "--ro-bind",
		[VB_OP_RO_BIND_TRY] = "--ro-bind-try",
		[VB_OP_BIND_FD] = "--bind-fd",
		[VB_OP_RO_BIND_FD] = "--ro-bind-fd",
		[VB_OP_REMOUNT_RO] = "--remount-ro",
		[VB_OP_OVERLAY_SRC] = "--overlay-src",
		[VB_OP_OVERLAY] = "--overlay",
		[VB_OP_TMP_OVERLAY] = "--tmp-overlay",
		[VB_OP_RO_OVERLAY] = "--ro-overlay",
		[VB_OP_PROC] = "--proc",
		[VB_OP_DEV] = "--dev",
		[VB_OP_TMPFS] = "--tmpfs",
		[VB_OP_MQUEUE] = "--mqueue",
		[VB_OP_DIR] = "--dir",
		[VB_OP_FILE] = "--file",
		[VB_OP_BIND_DATA] = "--bind-data",
		[VB_OP_RO_BIND_DATA] = "--ro-bind-data",
		[VB_OP_SYMLINK] = "--symlink",
		[VB_OP_CHMOD] = "--chmod",
	};

	if ((int)type <= 0 || type >= VB_OP_TYPE_MAX)
		return "?";
	return flags[type];
}

/* The option_end() flags of an op: which modifiers it takes (bwrap: --perms
 * for what creates a file or a tmpfs, --size for --tmpfs only). */
static unsigned op_flags(enum vb_op_type t)
{
	switch (t) {
	case VB_OP_TMPFS:
		return OPT_TAKES_PERMS | OPT_TAKES_SIZE;
	case VB_OP_DIR:
	case VB_OP_FILE:
	case VB_OP_BIND_DATA:
	case VB_OP_RO_BIND_DATA:
		return OPT_TAKES_PERMS;
	case VB_OP_OVERLAY_SRC:
	case VB_OP_OVERLAY:
	case VB_OP_TMP_OVERLAY:
	case VB_OP_RO_OVERLAY:
		return OPT_OVERLAY;
	default:
		return OPT_PLAIN;
	}
}

/* Appends an op of type with copies of the strings, attaching a pending
 * --perms/--size.  All checks are done first: on failure nothing changed. */
static int op_append(vb_config *cfg, enum vb_op_type type, const char *src, const char *dst,
		     const char *workdir, int fd, vb_error *err)
{
	_cleanup_free_ char *s = NULL, *d = NULL, *w = NULL;
	struct vb_op *op;
	int r;

	r = option_end(cfg, op_flags(type), err);
	if (r < 0)
		return r;
	if (cfg->n_ops >= VB_MAX_OPS)
		return CFG_ERR(err, "Exceeded maximum number of arguments %u", VB_MAX_OPS);
	/* --symlink's target is a path too: the kernel's cap for both. */
	if ((src && !(s = vb_strdup_path(src))) || (dst && !(d = vb_strdup_path(dst))) ||
	    (workdir && !(w = vb_strdup_path(workdir))))
		return vb_err(err, VB_STAGE_CONFIG, -1,
			      (src && strlen(src) >= VB_MAX_PATH) ||
					      (dst && strlen(dst) >= VB_MAX_PATH) ||
					      (workdir && strlen(workdir) >= VB_MAX_PATH)
				      ? ENAMETOOLONG
				      : ENOMEM,
			      "Argument too long or out of memory");
	if (cfg->n_ops == cfg->cap_ops) {
		size_t cap = cfg->cap_ops ? cfg->cap_ops * 2 : 32;
		struct vb_op *ops = realloc(cfg->ops, cap * sizeof(*ops));

		if (!ops)
			return ENOMEM_ERR(err);
		cfg->ops = ops;
		cfg->cap_ops = cap;
	}
	op = &cfg->ops[cfg->n_ops];
	*op = (struct vb_op){
		.type = type,
		.src = TAKE_PTR(s),
		.dst = TAKE_PTR(d),
		.workdir = TAKE_PTR(w),
		.fd = fd,
	};
	if (cfg->pending_perms) {
		op->perms = cfg->next_perms;
		op->have_perms = true;
		cfg->pending_perms = false;
	}
	if (cfg->pending_size) {
		op->size = cfg->next_size;
		op->have_size = true;
		cfg->pending_size = false;
	}
	cfg->n_ops++;
	return 0;
}

VB_EXPORT int vb_config_add_op(vb_config *cfg, enum vb_op_type type, const char *src,
			       const char *dst, vb_error *err)
{
	bool needs_src;

	if (!cfg)
		return CFG_ERR(err, "invalid argument");
	switch (type) {
	case VB_OP_BIND:
	case VB_OP_BIND_TRY:
	case VB_OP_DEV_BIND:
	case VB_OP_DEV_BIND_TRY:
	case VB_OP_RO_BIND:
	case VB_OP_RO_BIND_TRY:
	case VB_OP_SYMLINK:
		needs_src = true;
		break;
	case VB_OP_REMOUNT_RO:
	case VB_OP_PROC:
	case VB_OP_DEV:
	case VB_OP_TMPFS:
	case VB_OP_MQUEUE:
	case VB_OP_DIR:
		needs_src = false;
		break;
	case VB_OP_OVERLAY_SRC:
		/* The source is the only path, given either way. */
		if (!src)
			src = dst;
		dst = NULL;
		if (cfg->is_privileged)
			return CFG_ERR(err,
				       "The --overlay-src option is not permitted in setuid mode");
		if (!src || !*src)
			return CFG_ERR(err, "--overlay-src takes an argument");
		return op_append(cfg, type, src, NULL, NULL, -1, err);
	default:
		return CFG_ERR(err, "%s does not take paths", vb_op_flag(type));
	}
	if (needs_src && !src)
		return CFG_ERR(err, "%s takes two arguments", vb_op_flag(type));
	if (!dst)
		return CFG_ERR(err, needs_src ? "%s takes two arguments" : "%s takes an argument",
			       vb_op_flag(type));
	return op_append(cfg, type, needs_src ? src : NULL, dst, NULL, -1, err);
}

VB_EXPORT int vb_config_add_op_fd(vb_config *cfg, enum vb_op_type type, int fd, const char *dst,
				  vb_error *err)
{
	if (!cfg)
		return CFG_ERR(err, "invalid argument");
	if (type != VB_OP_BIND_FD && type != VB_OP_RO_BIND_FD && type != VB_OP_FILE &&
	    type != VB_OP_BIND_DATA && type != VB_OP_RO_BIND_DATA)
		return CFG_ERR(err, "%s does not take an fd", vb_op_flag(type));
	if (!dst)
		/* bwrap names --bind-fd for --ro-bind-fd too. */
		return CFG_ERR(err, "%s takes two arguments",
			       type == VB_OP_RO_BIND_FD ? "--bind-fd" : vb_op_flag(type));
	if (fd < 0)
		return CFG_ERR(err, "Invalid fd: %d", fd);
	return op_append(cfg, type, NULL, dst, NULL, fd, err);
}

VB_EXPORT int vb_config_add_overlay(vb_config *cfg, enum vb_op_type type, const char *rwsrc,
				    const char *workdir, const char *dst, vb_error *err)
{
	unsigned n;
	int r;

	if (!cfg)
		return CFG_ERR(err, "invalid argument");
	if (type != VB_OP_OVERLAY && type != VB_OP_TMP_OVERLAY && type != VB_OP_RO_OVERLAY)
		return CFG_ERR(err, "%s is not an overlay", vb_op_flag(type));
	if (cfg->is_privileged)
		return CFG_ERR(err, "The %s option is not permitted in setuid mode",
			       vb_op_flag(type));
	if (!dst || (type == VB_OP_OVERLAY && (!rwsrc || !workdir)))
		return CFG_ERR(err,
			       type == VB_OP_OVERLAY ? "--overlay takes three arguments"
						     : "%s takes an argument",
			       vb_op_flag(type));
	n = trailing_overlay_srcs(cfg);
	if (type == VB_OP_RO_OVERLAY && n < 2)
		return CFG_ERR(err, "--ro-overlay requires at least two --overlay-src");
	if (n < 1)
		return CFG_ERR(err, "%s requires at least one --overlay-src", vb_op_flag(type));
	r = op_append(cfg, type, type == VB_OP_OVERLAY ? rwsrc : NULL, dst,
		      type == VB_OP_OVERLAY ? workdir : NULL, -1, err);
	if (r < 0)
		return r;
	cfg->ops[cfg->n_ops - 1].n_overlay_src = n;
	return 0;
}

VB_EXPORT int vb_config_add_chmod(vb_config *cfg, mode_t mode, const char *path, vb_error *err)
{
	int r;

	if (!cfg)
		return CFG_ERR(err, "invalid argument");
	if (!path)
		return CFG_ERR(err, "--chmod takes two arguments");
	if (mode > 07777)
		return CFG_ERR(err, "--chmod takes an octal argument <= 07777");
	r = op_append(cfg, VB_OP_CHMOD, NULL, path, NULL, -1, err);
	if (r < 0)
		return r;
	cfg->ops[cfg->n_ops - 1].chmod_mode = mode;
	return 0;
}

VB_EXPORT int vb_config_set_perms(vb_config *cfg, mode_t mode, vb_error *err)
{
	int r;

	if (!cfg)
		return CFG_ERR(err, "invalid argument");
	if (cfg->pending_perms)
		return CFG_ERR(err, "--perms given twice for the same action");
	if (mode > 07777)
		return CFG_ERR(err, "--perms takes an octal argument <= 07777");
	r = option_end(cfg, OPT_MODIFIER, err);
	if (r < 0)
		return r;
	cfg->next_perms = mode;
	cfg->pending_perms = true;
	return 0;
}

/* bwrap's limit: what fits the size_t of its mount options, halved. */
#define MAX_TMPFS_BYTES ((uint64_t)(SIZE_MAX >> 1))

VB_EXPORT int vb_config_set_size(vb_config *cfg, uint64_t size, vb_error *err)
{
	int r;

	if (!cfg)
		return CFG_ERR(err, "invalid argument");
	if (cfg->is_privileged)
		return CFG_ERR(err, "The --size option is not permitted in setuid mode");
	if (cfg->pending_size)
		return CFG_ERR(err, "--size given twice for the same action");
	if (size == 0)
		return CFG_ERR(err, "--size takes a non-zero number of bytes");
	if (size > MAX_TMPFS_BYTES)
		return CFG_ERR(err, "--size (for tmpfs) is limited to %zu",
			       (size_t)MAX_TMPFS_BYTES);
	r = option_end(cfg, OPT_MODIFIER, err);
	if (r < 0)
		return r;
	cfg->next_size = size;
	cfg->pending_size = true;
	return 0;
}

/* ---- fds, locks, seccomp --------------------------------------------------------- */

/* The engine holds one fd per lock in a fixed array (struct vb_child). */
#define VB_MAX_LOCK_FILES 64

VB_EXPORT int vb_config_add_lock_file(vb_config *cfg, const char *path, vb_error *err)
{
	_cleanup_free_ char *copy = NULL;
	char **l;

	if (!path)
		return CFG_ERR(err, "--lock-file takes an argument");
	OPTION_END(cfg, err);
	if (cfg->n_lock_files >= VB_MAX_LOCK_FILES)
		return CFG_ERR(err, "Too many --lock-file options (at most %d)", VB_MAX_LOCK_FILES);
	if (!(copy = vb_strdup_path(path)))
		return vb_err(err, VB_STAGE_CONFIG, -1, ENAMETOOLONG,
			      "Argument too long or out of memory");
	l = realloc(cfg->lock_files, (cfg->n_lock_files + 1) * sizeof(*l));
	if (!l)
		return ENOMEM_ERR(err);
	cfg->lock_files = l;
	l[cfg->n_lock_files++] = TAKE_PTR(copy);
	return 0;
}

#define VB_MAX_SECCOMP_PROGRAMS 64

static int add_seccomp(vb_config *cfg, int fd, vb_error *err)
{
	int *fds;

	if (cfg->n_seccomp_fds >= VB_MAX_SECCOMP_PROGRAMS)
		return CFG_ERR(err, "Too many seccomp programs (at most %d)",
			       VB_MAX_SECCOMP_PROGRAMS);
	fds = realloc(cfg->seccomp_fds, (cfg->n_seccomp_fds + 1) * sizeof(*fds));
	if (!fds)
		return ENOMEM_ERR(err);
	cfg->seccomp_fds = fds;
	fds[cfg->n_seccomp_fds++] = fd;
	return 0;
}

VB_EXPORT int vb_config_set_seccomp_fd(vb_config *cfg, int fd, vb_error *err)
{
	if (fd < 0)
		return CFG_ERR(err, "Invalid fd: %d", fd);
	if (cfg && cfg->n_seccomp_fds > 0 && !cfg->seccomp_fd_single)
		return CFG_ERR(err, "--seccomp cannot be combined with --add-seccomp-fd");
	OPTION_END(cfg, err);
	if (cfg->seccomp_fd_single) {
		warn_only_last(cfg, "--seccomp");
		/* The earlier fd is the configuration's too (voidbox.h): closed
		 * here, not forgotten (it would have reached the command). */
		if (cfg->seccomp_fds[0] != fd && cfg->seccomp_fds[0] > 2)
			(void)close(cfg->seccomp_fds[0]);
		cfg->n_seccomp_fds = 0;
	}
	cfg->seccomp_fd_single = true;
	return add_seccomp(cfg, fd, err);
}

VB_EXPORT int vb_config_add_seccomp_fd(vb_config *cfg, int fd, vb_error *err)
{
	if (fd < 0)
		return CFG_ERR(err, "Invalid fd: %d", fd);
	if (cfg && cfg->seccomp_fd_single)
		return CFG_ERR(err, "--add-seccomp-fd cannot be combined with --seccomp");
	/* bwrap reads each --add-seccomp-fd program while parsing, so a bad
	 * fd fails here and not later. */
	if (fcntl(fd, F_GETFD) < 0)
		return vb_err(err, VB_STAGE_CONFIG, -1, errno, "Can't read seccomp data");
	OPTION_END(cfg, err);
	return add_seccomp(cfg, fd, err);
}

/* ---- process ------------------------------------------------------------------- */

VB_EXPORT int vb_config_set_new_session(vb_config *cfg, bool on, vb_error *err)
{
	OPTION_END(cfg, err);
	cfg->new_session = on;
	return 0;
}
VB_EXPORT int vb_config_set_die_with_parent(vb_config *cfg, bool on, vb_error *err)
{
	OPTION_END(cfg, err);
	cfg->die_with_parent = on;
	return 0;
}
VB_EXPORT int vb_config_set_as_pid_1(vb_config *cfg, bool on, vb_error *err)
{
	OPTION_END(cfg, err);
	cfg->as_pid_1 = on;
	return 0;
}

/* "ALL" (any case), or a capability libcap knows and the kernel has:
 * cap_from_name() takes "cap_sys_admin" in any case and numbers; we also
 * take the name without "CAP_". */
static int cap_mask(const char *name, uint64_t *ret)
{
	char buf[64];
	cap_value_t v;

	if (!name || !*name)
		return -EINVAL;
	if (strcasecmp(name, "ALL") == 0) {
		*ret = caps_all_mask();
		return 0;
	}
	if (cap_from_name(name, &v) < 0) {
		if (strncasecmp(name, "cap_", 4) == 0 || strlen(name) + 5 > sizeof(buf))
			return -EINVAL;
		snprintf(buf, sizeof(buf), "cap_%s", name);
		if (cap_from_name(buf, &v) < 0)
			return -EINVAL;
	}
	if (v < 0 || v >= 64 || !(caps_all_mask() & (UINT64_C(1) << v)))
		return -EINVAL;
	*ret = UINT64_C(1) << v;
	return 0;
}

VB_EXPORT int vb_config_cap_add(vb_config *cfg, const char *name, vb_error *err)
{
	uint64_t m;

	if (cap_mask(name, &m) < 0)
		return CFG_ERR(err, "unknown cap: %s", name ? name : "");
	OPTION_END(cfg, err);
	cfg->caps_add |= m;
	cfg->caps_drop &= ~m;
	cfg->caps_set = true;
	return 0;
}

VB_EXPORT int vb_config_cap_drop(vb_config *cfg, const char *name, vb_error *err)
{
	uint64_t m;

	if (cap_mask(name, &m) < 0)
		return CFG_ERR(err, "unknown cap: %s", name ? name : "");
	OPTION_END(cfg, err);
	cfg->caps_drop |= m;
	cfg->caps_add &= ~m;
	cfg->caps_set = true;
	return 0;
}

VB_EXPORT int vb_config_set_command(vb_config *cfg, int argc, char *const argv[], vb_error *err)
{
	char **copy;

	if (!cfg)
		return CFG_ERR(err, "invalid argument");
	if (argc <= 0 || !argv || !argv[0])
		return CFG_ERR(err, "No command given");
	if (argc > VB_MAX_ARGS)
		return CFG_ERR(err, "Exceeded maximum number of arguments %u", VB_MAX_ARGS);
	copy = calloc((size_t)argc + 1, sizeof(char *));
	if (!copy)
		return ENOMEM_ERR(err);
	for (int i = 0; i < argc; i++) {
		/* Command arguments may be long (e.g. sh -c scripts): no
		 * VB_MAX_STRING here, the kernel's ARG_MAX decides. */
		if (!argv[i] || !(copy[i] = strdup(argv[i]))) {
			vb_strv_free(copy);
			return argv[i] ? ENOMEM_ERR(err) : CFG_ERR(err, "invalid argument");
		}
	}
	vb_strv_free(cfg->argv);
	cfg->argv = copy;
	cfg->argc = argc;
	cfg->validated = false;
	return 0;
}

VB_EXPORT char **vb_strv_free(char **strv)
{
	if (strv) {
		for (char **s = strv; *s; s++)
			free(*s);
		free(strv);
	}
	return NULL;
}

/* ---- validation ------------------------------------------------------------------ */

/* bwrap's checks once every argument is read, in bwrap's order (its
 * main() after parse_args()).  bwrap keeps --unshare-user and
 * --unshare-user-try apart and tests them before it implies a user
 * namespace for an ordinary user: "strict" and "try" below are those two
 * flags, the implied one is not counted. */
static bool fd_closed(int fd)
{
	return fd >= 0 && fcntl(fd, F_GETFD) < 0 && errno == EBADF;
}

/* Every fd named on the command line is open, checked before vb opens any
 * fd of its own: a closed one would otherwise be the number of vb's next
 * socket or pipe (--seccomp-learn's socketpair, the setup signalfd), and vb
 * would read or write its own fd.  Each says what its later use would say
 * (bwrap's words).  The block fds only make a read that bwrap lets fail
 * silently: a closed one is none. */
static int check_fds(vb_config *cfg, vb_error *err)
{
	static const struct {
		size_t off;
		const char *msg;
	} simple[] = {
		{ offsetof(vb_config, info_fd), "Write to info_fd" },
		{ offsetof(vb_config, json_status_fd), "Write to json_status_fd" },
		{ offsetof(vb_config, userns_fd), "Joining specified user namespace failed" },
		{ offsetof(vb_config, userns2_fd), "Setting userns2 failed" },
		{ offsetof(vb_config, pidns_fd), "Setting pidns failed" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(simple); i++)
		if (fd_closed(*(int *)((char *)cfg + simple[i].off)))
			return vb_err(err, VB_STAGE_CONFIG, -1, EBADF, "%s", simple[i].msg);
	for (size_t i = 0; i < cfg->n_seccomp_fds; i++)
		if (fd_closed(cfg->seccomp_fds[i]))
			return vb_err(err, VB_STAGE_CONFIG, -1, EBADF, "Can't read seccomp data");
	for (size_t i = 0; i < cfg->n_ops; i++) {
		const struct vb_op *op = &cfg->ops[i];

		if (!fd_closed(op->fd))
			continue;
		if (op->type == VB_OP_BIND_FD || op->type == VB_OP_RO_BIND_FD)
			return vb_err(err, VB_STAGE_MOUNT, (int)i, EBADF, "Can't stat fd %d",
				      op->fd);
		return vb_err(err, VB_STAGE_MOUNT, (int)i, EBADF, "Can't write data to file %s",
			      op->dst);
	}
	if (fd_closed(cfg->block_fd))
		cfg->block_fd = -1;
	if (fd_closed(cfg->userns_block_fd))
		cfg->userns_block_fd = -1;
	return sup_check_fds(cfg, err);
}

VB_EXPORT int vb_config_validate(vb_config *cfg, vb_error *err)
{
	bool user_strict, user_try, have_userns;
	int r;

	if (!cfg)
		return CFG_ERR(err, "invalid argument");
	user_strict = (cfg->unshare & VB_NS_USER) && !(cfg->unshare_try & VB_NS_USER);
	user_try = (cfg->unshare & VB_NS_USER) && (cfg->unshare_try & VB_NS_USER);

	/* Parse-time in bwrap 0.11: a source left at the end. */
	if (trailing_overlay_srcs(cfg) > 0)
		return CFG_ERR(err, MSG_OVERLAY_SRC);
	if (cfg->caps_add != 0 && cfg->is_privileged)
		return CFG_ERR(err, "--cap-add in setuid mode can be used only by root");
	if (cfg->userns_block_fd >= 0 && !user_strict)
		return CFG_ERR(err, "--userns-block-fd requires --unshare-user");
	if (cfg->userns_block_fd >= 0 && cfg->info_fd < 0)
		return CFG_ERR(err, "--userns-block-fd requires --info-fd");
	if (cfg->userns_fd >= 0 && user_strict)
		return CFG_ERR(err, "--userns not compatible --unshare-user");
	if (cfg->userns_fd >= 0 && user_try)
		return CFG_ERR(err, "--userns not compatible --unshare-user-try");
	if (cfg->disable_userns && !user_strict)
		return CFG_ERR(err, "--disable-userns requires --unshare-user");
	if (cfg->disable_userns && cfg->userns_block_fd >= 0)
		return CFG_ERR(err, "--disable-userns is not compatible with  --userns-block-fd");
	if (cfg->userns_fd >= 0 && cfg->is_privileged)
		return CFG_ERR(err, "--userns doesn't work in setuid mode");
	if (cfg->userns2_fd >= 0 && cfg->is_privileged)
		return CFG_ERR(err, "--userns2 doesn't work in setuid mode");
	if (!cfg->argv || cfg->argc <= 0) {
		/* Distinct from the rule violations: bwrap prints its usage
		 * here, and vb does the same. */
		(void)CFG_ERR(err, "No command given");
		return -ENOEXEC;
	}
	/* An ordinary user always gets a user namespace (bwrap implies
	 * --unshare-user), so --uid/--gid are fine there; as root or setuid
	 * without one, only the caller's own ids are. */
	have_userns = (cfg->unshare & VB_NS_USER) || cfg->userns_fd >= 0 ||
		      (!cfg->is_privileged && cfg->real_uid != 0);
	if (!have_userns && cfg->have_uid && cfg->uid != cfg->real_uid)
		return CFG_ERR(err, "Specifying --uid requires --unshare-user or --userns");
	if (!have_userns && cfg->have_gid && cfg->gid != cfg->real_gid)
		return CFG_ERR(err, "Specifying --gid requires --unshare-user or --userns");
	if (cfg->hostname && !(cfg->unshare & VB_NS_UTS))
		return CFG_ERR(err, "Specifying --hostname requires --unshare-uts");
	if (cfg->as_pid_1 && !(cfg->unshare & VB_NS_PID))
		return CFG_ERR(err, "Specifying --as-pid-1 requires --unshare-pid");
	if (cfg->as_pid_1 && cfg->n_lock_files > 0)
		return CFG_ERR(err, "Specifying --as-pid-1 and --lock-file is not permitted");
	r = check_fds(cfg, err);
	if (r < 0)
		return r;
	/* What a run needs that follows from the configuration alone, made
	 * once here: a configuration is read-only while sandboxes run. */
	r = sec_validate(cfg, err);
	if (r < 0)
		return r;
	cfg->validated = true;
	return 0;
}
