/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The caller-owned error record. */
#include <stdio.h>

#include "sandbox.h"

int vb_err(vb_error *err, int stage, int op_index, int error, const char *fmt, ...)
{
	if (err) {
		va_list ap;

		err->error = error;
		err->stage = stage;
		err->op_index = op_index;
		va_start(ap, fmt);
		(void)vsnprintf(err->message, sizeof(err->message), fmt, ap);
		va_end(ap);
	}
	return error > 0 ? -error : -EINVAL;
}

void vb_log(const vb_config *cfg, int level, const char *fmt, ...)
{
	char buf[VB_ERROR_MESSAGE_MAX];
	va_list ap;

	if (!cfg || !cfg->log_fn)
		return;
	va_start(ap, fmt);
	(void)vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	cfg->log_fn(cfg->log_userdata, level, buf);
}

const char *const vb_dev_nodes[6] = { "null", "zero", "full", "random", "urandom", "tty" };
const char *const vb_dev_links[5][2] = {
	{ "fd", "/proc/self/fd" },       { "stdin", "/proc/self/fd/0" },
	{ "stdout", "/proc/self/fd/1" }, { "stderr", "/proc/self/fd/2" },
	{ "core", "/proc/kcore" },
};

static const char *const fail_texts[VB_TXT_MAX] = {
	[VB_TXT_SLAVE_ROOT] = "Failed to make / slave",
	[VB_TXT_MOUNT_BASE] = "Failed to mount tmpfs",
	[VB_TXT_NEWROOT] = "Creating newroot failed",
	[VB_TXT_NEWROOT_BIND] = "setting up newroot bind",
	[VB_TXT_OLDROOT] = "Creating oldroot failed",
	[VB_TXT_PIVOT] = "pivot_root",
	[VB_TXT_UMOUNT_OLDROOT] = "unmount old root",
	[VB_TXT_PIVOT_NEWROOT] = "pivot_root(/newroot)",
	[VB_TXT_OLDROOT_PRIVATE] = "Failed to make old root rprivate",
	[VB_TXT_SETSID] = "setsid",
	[VB_TXT_FORK_PID1] = "Can't fork for pid 1",
	[VB_TXT_CAPS] = "capset failed",
	[VB_TXT_KEEPCAPS] = "prctl(PR_SET_KEEPCAPS) failed",
	[VB_TXT_NO_NEW_PRIVS] = "prctl(PR_SET_NO_NEW_PRIVS) failed",
	[VB_TXT_SETUID] = "unable to switch to uid",
	[VB_TXT_SETGID] = "unable to switch to gid",
	[VB_TXT_LOOPBACK] = "loopback: Failed RTM_NEWLINK",
	[VB_TXT_USERNS2] = "Setting userns2 failed",
	[VB_TXT_DISABLE_USERNS] = "sysctl user.max_user_namespaces = 1",
	[VB_TXT_USERNS_NOT_DISABLED] =
		"creation of new user namespaces was not disabled as requested",
	[VB_TXT_SECCOMP] = "prctl(PR_SET_SECCOMP)",
	[VB_TXT_PDEATHSIG] = "prctl",
	[VB_TXT_CHDIR_ROOT] = "chdir /",
	[VB_TXT_PROC] = "Can't open /proc",
	[VB_TXT_DROP_PRIVS] = "Privileges could be regained after dropping them",
	[VB_TXT_SETUP] = "setup failed",
	[VB_TXT_BIND_RACE] = "Race condition binding dirfd",
	[VB_TXT_HOSTNAME_HOST] = "Refusing to set hostname in original namespace",
};

void vb_child_error_format(const vb_config *cfg, const struct vb_child_error *ce, vb_error *err)
{
	const struct vb_op *op = NULL;
	const char *src = "", *dst = "";
	int e = ce->error;

	if (ce->op_index >= 0 && (size_t)ce->op_index < cfg->n_ops) {
		op = &cfg->ops[ce->op_index];
		src = op->src ? op->src : "";
		dst = op->dst ? op->dst : "";
	}
#define F(...) (void)vb_err(err, ce->stage, ce->op_index, e, __VA_ARGS__)
	switch (ce->what) {
	case VB_FAIL_FIND_SOURCE:
		F("Can't find source path %s", src);
		break;
	case VB_FAIL_GET_TYPE:
		F("Can't get type of source %s", src);
		break;
	case VB_FAIL_MKDIR:
		F("Can't mkdir %s", dst);
		break;
	case VB_FAIL_MKDIR_PARENTS:
		F("Can't mkdir parents for %s", dst);
		break;
	case VB_FAIL_CREATE_FILE_AT:
		F("Can't create file at %s", dst);
		break;
	case VB_FAIL_BIND:
		if (op && (op->type == VB_OP_BIND_FD || op->type == VB_OP_RO_BIND_FD))
			F("Can't bind mount /proc/self/fd/%d on %s", op->fd, dst);
		else
			F("Can't bind mount %s on %s", src, dst);
		break;
	case VB_FAIL_REMOUNT_RO:
		/* bwrap names the path as it sees it during setup, and the
		 * step that failed to find it. */
		while (*dst == '/')
			dst++;
		if (e == ENOENT)
			F("Can't remount readonly on /newroot/%s: realpath(destination)", dst);
		else
			F("Can't remount readonly on /newroot/%s", dst);
		break;
	case VB_FAIL_MOUNT_PROC:
		F("Can't mount proc on %s", dst);
		break;
	case VB_FAIL_MOUNT_TMPFS:
		F("Can't mount tmpfs on %s", dst);
		break;
	case VB_FAIL_MOUNT_DEVPTS:
		F("Can't mount devpts on %s", dst);
		break;
	case VB_FAIL_MOUNT_MQUEUE:
		F("Can't mount mqueue on %s", dst);
		break;
	case VB_FAIL_MOUNT_OVERLAY:
		F("Can't make overlay mount on %s", dst);
		break;
	case VB_FAIL_DEV_FILE:
		F("Can't create file %s/%s", dst,
		  ce->arg >= 0 && ce->arg < 6 ? vb_dev_nodes[ce->arg] : "?");
		break;
	case VB_FAIL_DEV_SYMLINK:
		F("Can't create symlink %s/%s", dst,
		  ce->arg >= 0 && ce->arg < 5 ? vb_dev_links[ce->arg][0] : "?");
		break;
	case VB_FAIL_DEV_SHM:
		F("Can't create %s/shm", dst);
		break;
	case VB_FAIL_DEV_PTS:
		F("Can't create %s/devpts", dst);
		break;
	case VB_FAIL_DEV_PTMX:
		F("Can't make symlink at %s/ptmx", dst);
		break;
	case VB_FAIL_CHMOD:
		F("Can't chmod %#o %s", op ? (unsigned)op->chmod_mode : 0u, dst);
		break;
	case VB_FAIL_CREATE_FILE:
		F("Can't create file %s", dst);
		break;
	case VB_FAIL_WRITE_DATA:
		F("Can't write data to file %s", dst);
		break;
	case VB_FAIL_TMPFILE:
		F("Can't create tmpfile for %s", dst);
		break;
	case VB_FAIL_SYMLINK:
		F("Can't make symlink at %s", dst);
		break;
	case VB_FAIL_STAT_FD:
		F("Can't stat fd %d", ce->arg);
		break;
	case VB_FAIL_HOSTNAME:
		F("Can't set hostname to %s", cfg->hostname ? cfg->hostname : "");
		break;
	case VB_FAIL_CHDIR:
		F("Can't chdir to %s", cfg->chdir_path ? cfg->chdir_path : "");
		break;
	case VB_FAIL_LOCK_OPEN:
	case VB_FAIL_LOCK: {
		const char *path = ce->arg >= 0 && (size_t)ce->arg < cfg->n_lock_files
					   ? cfg->lock_files[ce->arg]
					   : "";
		if (ce->what == VB_FAIL_LOCK_OPEN)
			F("Unable to open lock file %s", path);
		else
			F("Unable to lock file %s", path);
		break;
	}
	case VB_FAIL_EXEC:
		F("execvp %s", cfg->argv && cfg->argv[0] ? cfg->argv[0] : "");
		break;
	case VB_FAIL_TEXT:
		if (ce->arg == VB_TXT_SETUP && ce->text[0])
			F("%.*s", (int)sizeof(ce->text), ce->text);
		else
			F("%s", ce->arg >= 0 && ce->arg < VB_TXT_MAX && fail_texts[ce->arg]
					? fail_texts[ce->arg]
					: "setup failed");
		break;
	default:
		F("setup failed");
		break;
	}
#undef F
	if (ce->quiet && err)
		err->error = 0;
}

void vb_sandbox_warn(struct vb_sandbox *sb, bool log, const char *fmt, ...)
{
	char text[sizeof(sb->warnings[0])];
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	if (log)
		vb_log(sb->cfg, VB_LOG_WARNING, "%s", text);
	if (sb->n_warnings < ARRAY_SIZE(sb->warnings))
		memcpy(sb->warnings[sb->n_warnings++], text, sizeof(text));
}
