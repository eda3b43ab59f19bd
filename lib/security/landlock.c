/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * --landlock: a second layer under the mounts.  After setup, the command is
 * restricted to the paths the op list made visible, with the rights the ops
 * gave them, so that a path or fd that leaks in from outside the op list
 * stays out of reach even if a mount was misconfigured.
 *
 * The parent finds the kernel's ABI and warns about what it has to drop
 * (or fails with --landlock=strict); the child builds the ruleset from the
 * op list with syscalls only, right before the seccomp filters.
 */
#include <fcntl.h>
#include <linux/landlock.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "security/security.h"

#ifndef __NR_landlock_create_ruleset
#define __NR_landlock_create_ruleset 444
#define __NR_landlock_add_rule 445
#define __NR_landlock_restrict_self 446
#endif

/* Rights newer than Debian 12's header. */
#define LL_FS_REFER (1ULL << 13)           /* ABI 2 */
#define LL_FS_TRUNCATE (1ULL << 14)        /* ABI 3 */
#define LL_FS_IOCTL_DEV (1ULL << 15)       /* ABI 5 */
#define LL_SCOPE_ABSTRACT_UNIX (1ULL << 0) /* ABI 6 */
#define LL_SCOPE_SIGNAL (1ULL << 1)        /* ABI 6 */

/* The ruleset attribute as of ABI 6; older kernels get a shorter size. */
struct ll_ruleset_attr {
	uint64_t handled_access_fs;
	uint64_t handled_access_net;
	uint64_t scoped;
};

#define LL_FS_READ \
	(LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_READ_DIR)
#define LL_FS_FILE                                                    \
	(LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_WRITE_FILE | \
	 LANDLOCK_ACCESS_FS_READ_FILE | LL_FS_TRUNCATE | LL_FS_IOCTL_DEV)

static uint64_t fs_rights(int abi)
{
	uint64_t all = (1ULL << 13) - 1; /* ABI 1 */

	if (abi >= 2)
		all |= LL_FS_REFER;
	if (abi >= 3)
		all |= LL_FS_TRUNCATE;
	if (abi >= 5)
		all |= LL_FS_IOCTL_DEV;
	return all;
}

int ll_abi(void)
{
	long r = syscall(__NR_landlock_create_ruleset, NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);

	return r < 0 ? -errno : (int)r;
}

VB_EXPORT int vb_config_landlock(vb_config *cfg, bool strict, vb_error *err)
{
	struct vb_sec_config *sec;
	int r;

	r = sec_begin(cfg, true, err, &sec);
	if (r < 0)
		return r;
	sec->landlock = true;
	sec->landlock_strict = strict;
	return 0;
}

VB_EXPORT int vb_config_landlock_scope(vb_config *cfg, const char *scopes, vb_error *err)
{
	struct vb_sec_config *sec;
	struct sec_snap snap;
	unsigned mask = 0;
	const char *p;
	int r;

	sec_snap(cfg, &snap);
	r = sec_begin(cfg, !!scopes, err, &sec);
	if (r < 0)
		return sec_undo(cfg, &snap, r);
	for (p = scopes; *p;) {
		size_t l = strcspn(p, ",");

		if (l == 6 && strncmp(p, "signal", 6) == 0)
			mask |= SEC_LL_SCOPE_SIGNAL;
		else if (l == 13 && strncmp(p, "abstract-unix", 13) == 0)
			mask |= SEC_LL_SCOPE_ABSTRACT_UNIX;
		else
			return sec_undo(cfg, &snap,
					vb_err(err, VB_STAGE_CONFIG, -1, 0,
					       "--landlock-scope: unknown scope '%.*s' (signal, "
					       "abstract-unix)",
					       (int)l, p));
		p += l + (p[l] == ',');
	}
	if (!mask)
		return sec_undo(
			cfg, &snap,
			vb_err(err, VB_STAGE_CONFIG, -1, 0, "--landlock-scope: no scope named"));
	sec->landlock = true;
	sec->landlock_scope |= mask;
	return 0;
}

int ll_validate(vb_config *cfg, vb_error *err)
{
	struct vb_sec_config *sec = cfg->sec;
	int abi;

	if (!sec || !sec->landlock || sec->landlock_abi != -1)
		return 0;
	abi = ll_abi();
	sec->landlock_abi = abi;
	if (abi < 1) {
		if (sec->landlock_strict)
			return vb_err(
				err, VB_STAGE_SECCOMP, -1, -abi,
				"--landlock=strict: Landlock is not available (see vb --check-host)");
		vb_log(cfg, VB_LOG_WARNING,
		       "--landlock: Landlock is not available: %s; going on without it",
		       strerror(-abi));
		return 0;
	}
	if (abi < 5) {
		if (sec->landlock_strict)
			return vb_err(
				err, VB_STAGE_SECCOMP, -1, 0,
				"--landlock=strict: the kernel's Landlock ABI %d lacks %s%s%s", abi,
				abi < 2 ? "refer, " : "", abi < 3 ? "truncate, " : "",
				"ioctl_dev (ABI 5 needed)");
		vb_log(cfg, VB_LOG_WARNING,
		       "--landlock: Landlock ABI %d: not restricting%s%s ioctl on devices", abi,
		       abi < 2 ? " cross-directory renames," : "", abi < 3 ? " truncate," : "");
	}
	if (sec->landlock_scope && abi < 6) {
		if (sec->landlock_strict)
			return vb_err(
				err, VB_STAGE_SECCOMP, -1, 0,
				"--landlock=strict: --landlock-scope needs Landlock ABI 6, the "
				"kernel has %d",
				abi);
		vb_log(cfg, VB_LOG_WARNING,
		       "--landlock-scope: needs Landlock ABI 6, the kernel has %d; "
		       "dropped",
		       abi);
	}
	return 0;
}

/* Rights an op gives its destination (0: none of its own). */
static uint64_t op_rights(enum vb_op_type t, uint64_t all)
{
	switch (t) {
	case VB_OP_RO_BIND:
	case VB_OP_RO_BIND_TRY:
	case VB_OP_RO_BIND_FD:
	case VB_OP_RO_OVERLAY:
	case VB_OP_RO_BIND_DATA:
		return LL_FS_READ;
	case VB_OP_BIND:
	case VB_OP_BIND_TRY:
	case VB_OP_DEV_BIND:
	case VB_OP_DEV_BIND_TRY:
	case VB_OP_BIND_FD:
	case VB_OP_OVERLAY:
	case VB_OP_TMP_OVERLAY:
	case VB_OP_TMPFS:
	case VB_OP_MQUEUE:
	case VB_OP_DIR:
	case VB_OP_FILE:
	case VB_OP_BIND_DATA:
		return all;
	case VB_OP_PROC:
		return LL_FS_READ | LANDLOCK_ACCESS_FS_WRITE_FILE;
	case VB_OP_DEV:
		/* Device files, not new nodes. */
		return LL_FS_READ | LANDLOCK_ACCESS_FS_WRITE_FILE | LL_FS_TRUNCATE |
		       LL_FS_IOCTL_DEV;
	default:
		return 0;
	}
}

static int add_path(int ruleset, const char *path, uint64_t rights, uint64_t handled)
{
	struct landlock_path_beneath_attr pb;
	struct stat st;
	int fd, r;

	rights &= handled;
	if (!rights)
		return 0;
	fd = open(path, O_PATH | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? 0 : -errno; /* a --*-try that was skipped */
	if (fstat(fd, &st) == 0 && !S_ISDIR(st.st_mode))
		rights &= LL_FS_FILE;
	pb.allowed_access = rights;
	pb.parent_fd = fd;
	r = (int)syscall(__NR_landlock_add_rule, ruleset, LANDLOCK_RULE_PATH_BENEATH, &pb, 0);
	r = r < 0 ? -errno : 0;
	(void)close(fd);
	return r;
}

int ll_apply_child(struct vb_sandbox *sb, vb_error *err)
{
	const vb_config *cfg = sb->cfg;
	const struct vb_sec_config *sec = cfg->sec;
	struct ll_ruleset_attr attr = { 0 };
	size_t attr_size = sizeof(uint64_t);
	char path[VB_MAX_PATH + 8];
	int ruleset, r = 0, abi;

	if (!sec || !sec->landlock || sec->landlock_abi < 1)
		return 0;
	abi = sec->landlock_abi;
	attr.handled_access_fs = fs_rights(abi);
	if (abi >= 6 && sec->landlock_scope) {
		if (sec->landlock_scope & SEC_LL_SCOPE_SIGNAL)
			attr.scoped |= LL_SCOPE_SIGNAL;
		if (sec->landlock_scope & SEC_LL_SCOPE_ABSTRACT_UNIX)
			attr.scoped |= LL_SCOPE_ABSTRACT_UNIX;
		attr_size = sizeof(attr);
	}
	ruleset = (int)syscall(__NR_landlock_create_ruleset, &attr, attr_size, 0);
	if (ruleset < 0)
		return vb_err(err, VB_STAGE_SECCOMP, -1, errno, "landlock_create_ruleset");
	/* The base tmpfs: directories can be listed, nothing else. */
	r = add_path(ruleset, "/", LANDLOCK_ACCESS_FS_READ_DIR, attr.handled_access_fs);
	for (size_t i = 0; i < cfg->n_ops && r >= 0; i++) {
		const struct vb_op *op = &cfg->ops[i];
		uint64_t rights = op_rights(op->type, attr.handled_access_fs);

		if (!rights || !op->dst)
			continue;
		snprintf(path, sizeof(path), "%s%s", op->dst[0] == '/' ? "" : "/", op->dst);
		r = add_path(ruleset, path, rights, attr.handled_access_fs);
		if (r >= 0 && op->type == VB_OP_DEV) {
			/* --dev's shm is a tmpfs the command may fill. */
			snprintf(path, sizeof(path), "%s%s/shm", op->dst[0] == '/' ? "" : "/",
				 op->dst);
			r = add_path(ruleset, path, attr.handled_access_fs, attr.handled_access_fs);
		}
		if (r < 0) {
			(void)close(ruleset);
			return vb_err(err, VB_STAGE_SECCOMP, (int)i, -r,
				      "Can't add Landlock rule for %s", path);
		}
	}
	if (syscall(__NR_landlock_restrict_self, ruleset, 0) < 0) {
		r = errno;
		(void)close(ruleset);
		return vb_err(err, VB_STAGE_SECCOMP, -1, r, "landlock_restrict_self");
	}
	(void)close(ruleset);
	return 0;
}

/* ---- an enterable PID 1 -------------------------------------------------------
 * bwrap's PID 1 is dumpable with the sandbox's credentials, so its caller
 * can open /proc/PID/{root,environ,ns/...} and enter the sandbox (flatpak
 * enter, nsenter, --userns/--pidns); but then the command, with the same
 * uid in the same user namespace, can ptrace it too, and vb's PID 1 is not
 * under the command's seccomp filter, Landlock domain or no_new_privs.  So
 * when vb's PID 1 is made dumpable (lib/pid1.c), the command is put in a
 * Landlock domain of its own first: a process in a domain can ptrace (and
 * open those /proc files of) only processes in the same domain or one
 * nested in it, whatever its credentials, and PID 1 is in none.  The
 * domain only scopes signals (ABI 6): no filesystem right is handled, so
 * mounts (a nested sandbox) and every path stay as they were; inside its
 * own PID namespace the command only loses signalling PID 1 and processes
 * that entered from outside. */
bool sec_pid1_guard_available(void)
{
	return ll_abi() >= 6;
}

int sec_pid1_guard_child(vb_error *err)
{
	struct ll_ruleset_attr attr = { .scoped = LL_SCOPE_SIGNAL };
	int ruleset, e;

	ruleset = (int)syscall(__NR_landlock_create_ruleset, &attr, sizeof(attr), 0);
	if (ruleset < 0)
		return vb_err(err, VB_STAGE_SECCOMP, -1, errno, "landlock_create_ruleset");
	if (syscall(__NR_landlock_restrict_self, ruleset, 0) < 0) {
		e = errno;
		(void)close(ruleset);
		return vb_err(err, VB_STAGE_SECCOMP, -1, e, "landlock_restrict_self");
	}
	(void)close(ruleset);
	return 0;
}
