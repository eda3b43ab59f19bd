/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The configuration (lib/config.c): what the setters fill and
 * vb_config_validate() checks.  Read-only while a sandbox runs. */
#ifndef VB_CONFIGURATION_H
#define VB_CONFIGURATION_H

#include <signal.h>
#include <sys/types.h>

#include "base.h"
#include "errors.h"

/* ---- the configuration -------------------------------------------------- */

struct vb_op {
	enum vb_op_type type;
	char *src;     /* source path, symlink target, overlay rwsrc */
	char *dst;     /* destination inside the sandbox */
	char *workdir; /* --overlay WORKDIR */
	int fd;        /* BIND_FD/FILE/DATA fds, -1 otherwise */
	mode_t perms;  /* from --perms, or the type's default */
	bool have_perms;
	uint64_t size; /* from --size (tmpfs), 0 = default */
	bool have_size;
	mode_t chmod_mode;
	unsigned n_overlay_src; /* OVERLAY*: how many OVERLAY_SRC ops precede */
};

struct vb_env_edit {
	enum { VB_ENV_CLEAR, VB_ENV_SET, VB_ENV_UNSET } kind;
	char *name, *value;
};

/* Opaque module states, defined by their own files. */
struct vb_net_config;
struct vb_cg_config;
struct vb_sec_config;
struct vb_sup_config;

struct vb_config {
	vb_log_fn log_fn;
	void *log_userdata;

	unsigned unshare;     /* VB_NS_* requested */
	unsigned unshare_try; /* subset of unshare that may be skipped */
	int userns_fd, userns2_fd, pidns_fd;
	bool disable_userns, assert_userns_disabled;

	bool have_uid, have_gid;
	uid_t uid;
	gid_t gid;
	char *hostname;
	char *chdir_path;

	struct vb_env_edit *env;
	size_t n_env;

	struct vb_op *ops;
	size_t n_ops, cap_ops;
	bool pending_perms, pending_size;
	mode_t next_perms;
	uint64_t next_size;

	char **lock_files;
	size_t n_lock_files;

	int sync_fd, block_fd, userns_block_fd, info_fd, json_status_fd;
	/* vb oci (lib/oci/): the child writes one byte here when setup is
	 * done, just before it waits on block_fd; the caller's, not closed. */
	int ready_fd;
	int *seccomp_fds;
	size_t n_seccomp_fds;
	bool seccomp_fd_single; /* --seccomp was used (it may not mix with --add-seccomp-fd) */

	bool new_session, die_with_parent, as_pid_1;
	bool pty; /* --pty (lib/pty.c) */

	/* Capability sets as 64-bit masks by capability number, after applying
	 * --cap-add/--cap-drop in order: an add clears the bit in caps_drop, a
	 * drop clears it in caps_add.  The command keeps
	 * (root ? caller's effective set : 0) | caps_add, minus caps_drop. */
	uint64_t caps_add, caps_drop;
	bool caps_set; /* any --cap-add/--cap-drop given */
	/* vb oci (lib/oci/): the inheritable and ambient sets as config.json
	 * gives them (subsets of the one set), instead of the whole set. */
	bool caps_exact;
	uint64_t caps_inheritable, caps_ambient;

	char *exec_label, *file_label;
	char *argv0;
	char **argv; /* command, NULL-terminated */
	int argc;

	/* Module states (NULL when the module is unused). */
	struct vb_net_config *net;
	struct vb_cg_config *cg;
	struct vb_sec_config *sec;
	struct vb_sup_config *sup;

	/* Derived by vb_config_validate(). */
	bool validated;
	bool is_privileged; /* running setuid root: ruid != 0, euid == 0 */
	uid_t real_uid;
	gid_t real_gid;
};

/* Logs through the embedder's function, if any. */
void vb_log(const vb_config *cfg, int level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* vb_config_option_end() (voidbox.h): a module's vb_config_* setter calls
 * it first, so that e.g. "--perms 0700 --memory 1G" fails like "--perms
 * 0700 --new-session". */

/* Name of an op type as its flag ("--ro-bind"), for messages. */
const char *vb_op_flag(enum vb_op_type type);

#endif
