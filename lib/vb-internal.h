/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Struct layouts, cleanup helpers and the pieces every module of
 * libvoidbox shares.  Not installed. */
#ifndef VB_INTERNAL_H
#define VB_INTERNAL_H

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "voidbox.h"

#define VB_EXPORT __attribute__((visibility("default")))

#define _cleanup_(f) __attribute__((cleanup(f)))
static inline void freep(void *p) { free(*(void **)p); }
static inline void closep(int *fd)
{
	if (*fd >= 0)
		(void)close(*fd);
}
#define _cleanup_free_ _cleanup_(freep)
#define _cleanup_close_ _cleanup_(closep)
#define TAKE_PTR(p)                            \
	({                                     \
		__typeof__(p) _t = (p);        \
		(p) = NULL;                    \
		_t;                            \
	})
#define TAKE_FD(fd)                            \
	({                                     \
		int _t = (fd);                 \
		(fd) = -1;                     \
		_t;                            \
	})
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define _unused_ __attribute__((unused))

/* Caps that keep hostile input bounded (house style). */
#define VB_MAX_ARGS 9000
#define VB_MAX_OPS 8192
#define VB_MAX_STRING 4096

/* ---- errors (lib/error.c) ---------------------------------------------- */

/* Fills err (if non-NULL): message from fmt, error = positive errno (0 for
 * none).  Returns -error, or -EINVAL when error is 0, so a caller can write
 * return vb_err(err, VB_STAGE_CONFIG, -1, 0, "--foo takes an argument"); */
int vb_err(vb_error *err, int stage, int op_index, int error, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/* The record a child sends over the error pipe: fixed size, no pointers. */
struct vb_child_error {
	int32_t error;    /* positive errno */
	int32_t stage;    /* enum vb_stage */
	int32_t op_index; /* -1 when none */
	int32_t what;     /* enum vb_failure: picks the message template */
	int32_t arg;      /* an int for the template (an fd), else 0 */
	int32_t quiet;    /* the message says it all: print no errno text */
	char text[256];   /* VB_TXT_SETUP: the module's own message */
};

/* The device nodes and symlinks --dev creates (lib/mount.c, lib/error.c). */
extern const char *const vb_dev_nodes[6];
extern const char *const vb_dev_links[5][2];

/* Which bwrap message a child-side failure maps to: the child sends only the
 * template number, the op index and an int; the parent formats the text
 * (lib/error.c: vb_child_error_format) from the op's paths. */
enum vb_failure {
	VB_FAIL_GENERIC = 0,      /* "setup failed" (no better text) */
	VB_FAIL_FIND_SOURCE,      /* Can't find source path %s */
	VB_FAIL_GET_TYPE,         /* Can't get type of source %s */
	VB_FAIL_MKDIR,            /* Can't mkdir %s */
	VB_FAIL_MKDIR_PARENTS,    /* Can't mkdir parents for %s */
	VB_FAIL_CREATE_FILE_AT,   /* Can't create file at %s */
	VB_FAIL_BIND,             /* Can't bind mount %s on %s */
	VB_FAIL_REMOUNT_RO,       /* Can't remount readonly on %s */
	VB_FAIL_MOUNT_PROC,       /* Can't mount proc on %s */
	VB_FAIL_MOUNT_TMPFS,      /* Can't mount tmpfs on %s */
	VB_FAIL_MOUNT_DEVPTS,     /* Can't mount devpts on %s */
	VB_FAIL_MOUNT_MQUEUE,     /* Can't mount mqueue on %s */
	VB_FAIL_MOUNT_OVERLAY,    /* Can't make overlay mount on %s */
	VB_FAIL_DEV_FILE,         /* Can't create file %s/%s (arg: device index) */
	VB_FAIL_DEV_SYMLINK,      /* Can't create symlink %s/%s (arg: link index) */
	VB_FAIL_DEV_SHM,          /* Can't create %s/shm */
	VB_FAIL_DEV_PTS,          /* Can't create %s/devpts */
	VB_FAIL_DEV_PTMX,         /* Can't make symlink at %s/ptmx */
	VB_FAIL_CHMOD,            /* Can't chmod %#o %s */
	VB_FAIL_CREATE_FILE,      /* Can't create file %s */
	VB_FAIL_WRITE_DATA,       /* Can't write data to file %s */
	VB_FAIL_TMPFILE,          /* Can't create tmpfile for %s */
	VB_FAIL_SYMLINK,          /* Can't make symlink at %s */
	VB_FAIL_STAT_FD,          /* Can't stat fd %d */
	VB_FAIL_HOSTNAME,         /* Can't set hostname to %s */
	VB_FAIL_CHDIR,            /* Can't chdir to %s */
	VB_FAIL_LOCK_OPEN,        /* Unable to open lock file %s (arg: index) */
	VB_FAIL_LOCK,             /* Unable to lock file %s (arg: index) */
	VB_FAIL_EXEC,             /* execvp %s */
	VB_FAIL_TEXT,             /* a fixed text: arg indexes vb_fail_texts[] */
};

/* Fixed texts for VB_FAIL_TEXT (bwrap's wording). */
enum vb_fail_text {
	VB_TXT_SLAVE_ROOT = 0,    /* Failed to make / slave */
	VB_TXT_MOUNT_BASE,        /* Failed to mount tmpfs */
	VB_TXT_NEWROOT,           /* Creating newroot failed */
	VB_TXT_NEWROOT_BIND,      /* setting up newroot bind */
	VB_TXT_OLDROOT,           /* Creating oldroot failed */
	VB_TXT_PIVOT,             /* pivot_root */
	VB_TXT_UMOUNT_OLDROOT,    /* unmount old root */
	VB_TXT_PIVOT_NEWROOT,     /* pivot_root(/newroot) */
	VB_TXT_OLDROOT_PRIVATE,   /* Failed to make old root rprivate */
	VB_TXT_SETSID,            /* setsid */
	VB_TXT_FORK_PID1,         /* Can't fork for pid 1 */
	VB_TXT_CAPS,              /* capset failed */
	VB_TXT_KEEPCAPS,          /* prctl(PR_SET_KEEPCAPS) failed */
	VB_TXT_NO_NEW_PRIVS,      /* prctl(PR_SET_NO_NEW_PRIVS) failed */
	VB_TXT_SETUID,            /* unable to switch to uid */
	VB_TXT_SETGID,            /* unable to switch to gid */
	VB_TXT_LOOPBACK,          /* loopback: Failed RTM_NEWLINK */
	VB_TXT_USERNS2,           /* Setting userns2 failed */
	VB_TXT_DISABLE_USERNS,    /* sysctl user.max_user_namespaces = 1 */
	VB_TXT_USERNS_NOT_DISABLED, /* creation of new user namespaces was not disabled as requested */
	VB_TXT_SECCOMP,           /* prctl(PR_SET_SECCOMP) */
	VB_TXT_PDEATHSIG,         /* prctl */
	VB_TXT_CHDIR_ROOT,        /* chdir / */
	VB_TXT_PROC,              /* Can't open /proc */
	VB_TXT_DROP_PRIVS,        /* privileges could be regained */
	VB_TXT_SETUP,             /* module setup failed (err from the module) */
	VB_TXT_BIND_RACE,         /* Race condition binding dirfd */
	VB_TXT_HOSTNAME_HOST,     /* Refusing to set hostname in original namespace */
	VB_TXT_MAX,
};

/* Formats a child's record into err (parent side). */
void vb_child_error_format(const vb_config *cfg, const struct vb_child_error *ce, vb_error *err);

/* ---- rollback ---------------------------------------------------------- */

/* Everything setup creates outside the child is pushed here next to the code
 * that creates it; vb_rollback_unwind() undoes in reverse order. */
typedef void (*vb_undo_fn)(void *data);
struct vb_undo {
	vb_undo_fn fn;
	void *data;     /* freed with free() after fn ran, when owned */
	bool owned;
};
struct vb_rollback {
	struct vb_undo *items;
	size_t n, cap;
};
/* Records an undo step.  On -ENOMEM the undo runs at once, so the caller
 * can treat the step as failed and rolled back. */
int vb_rollback_push(struct vb_rollback *rb, vb_undo_fn fn, void *data, bool owned);
void vb_rollback_unwind(struct vb_rollback *rb);
/* Forgets every record without running it (success path hand-over). */
void vb_rollback_clear(struct vb_rollback *rb);

/* ---- fault injection (test builds only) -------------------------------- */

/* In builds configured with --enable-fault-injection, VB_FAULT_STEP=N in the
 * environment makes the Nth call of vb_fault() fail with -EIO (the parent
 * counts from 1, the sandbox child from 1001); VB_FAULT_LOG=path appends
 * "N pid step" for each step reached, so a test can loop over them all.  In other builds it is a constant 0 the compiler drops. */
#ifdef VB_FAULT_INJECTION
int vb_fault(const char *step);
void vb_fault_child(void);
#else
static inline int vb_fault(const char *step _unused_) { return 0; }
static inline void vb_fault_child(void) {}
#endif

/* ---- the configuration -------------------------------------------------- */

struct vb_op {
	enum vb_op_type type;
	char *src;       /* source path, symlink target, overlay rwsrc */
	char *dst;       /* destination inside the sandbox */
	char *workdir;   /* --overlay WORKDIR */
	int fd;          /* BIND_FD/FILE/DATA fds, -1 otherwise */
	mode_t perms;    /* from --perms, or the type's default */
	bool have_perms;
	uint64_t size;   /* from --size (tmpfs), 0 = default */
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

	unsigned unshare;      /* VB_NS_* requested */
	unsigned unshare_try;  /* subset of unshare that may be skipped */
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
	int *seccomp_fds;
	size_t n_seccomp_fds;
	bool seccomp_fd_single; /* --seccomp was used (it may not mix with --add-seccomp-fd) */

	bool new_session, die_with_parent, as_pid_1;

	/* Capability sets as 64-bit masks by capability number, after applying
	 * --cap-add/--cap-drop in order: an add clears the bit in caps_drop, a
	 * drop clears it in caps_add.  The command keeps
	 * (root ? caller's effective set : 0) | caps_add, minus caps_drop. */
	uint64_t caps_add, caps_drop;
	bool caps_set; /* any --cap-add/--cap-drop given */

	char *exec_label, *file_label;
	char *argv0;
	char **argv; /* command, NULL-terminated */
	int argc;

	/* Module states (NULL when the module is unused). */
	struct vb_net_config *net;
	struct vb_cg_config *cg;
	struct vb_sec_config *sec;
	struct vb_sup_config *sup;

	/* Set by vb_run(): the outer process forwards catchable signals, and
	 * keeps them blocked until teardown; the sandbox gets child_sigmask. */
	bool forward_signals;
	bool have_child_sigmask;
	sigset_t child_sigmask;

	/* Derived by vb_config_validate(). */
	bool validated;
	bool is_privileged;   /* running setuid root: ruid != 0, euid == 0 */
	uid_t real_uid;
	gid_t real_gid;
	/* Setuid with a user namespace and --net bridge: the outer process
	 * runs as the user with root kept in its saved ids, which only the
	 * network module takes up again, for its own fixed operations (lib/spawn.c). */
	bool setuid_net;
};

/* Logs through the embedder's function, if any. */
void vb_log(const vb_config *cfg, int level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* bwrap's checks at the end of every option (lib/config.c): refuses a
 * pending --perms/--size or a dangling --overlay-src with bwrap's message.
 * A module's vb_config_* setter calls it first, so that e.g. "--perms 0700
 * --memory 1G" fails like "--perms 0700 --new-session". */
int vb_config_option(vb_config *cfg, vb_error *err);

/* Name of an op type as its flag ("--ro-bind"), for messages. */
const char *vb_op_flag(enum vb_op_type type);


/* ---- the running sandbox (lib/spawn.c) ---------------------------------- */

/* The parent's wait loop polls these fds and calls cb on readiness; modules
 * register theirs (signalfd, timerfd, cgroup events, pty relay, ...).  cb
 * returns < 0 to stop the loop with that error, 0 to go on. */
struct vb_waiter {
	int fd;
	short events;
	int (*cb)(struct vb_sandbox *sb, struct vb_waiter *w, short revents);
	void *data;
};
#define VB_MAX_WAITERS 16

struct vb_sandbox {
	vb_config *cfg;
	struct vb_rollback rb;  /* undone when the sandbox ends or setup fails */
	pid_t pid;              /* outermost child, in the caller's pid ns */
	int pidfd;
	pid_t pid1_ns_pid;      /* the command's pid as seen inside, if known */
	int cgroup_fd;          /* for CLONE_INTO_CGROUP, -1 when none */
	unsigned ns;            /* namespaces created (VB_NS_*) */
	struct vb_waiter waiters[VB_MAX_WAITERS];
	size_t n_waiters;
	bool exited;
	vb_exit exit;
	int timed_out, oom;     /* set by the modules that noticed */
	bool reap_tree;         /* subreaper: kill the command's leftovers at exit */
	bool has_init;          /* the outer child is vb's PID 1, the command its child */
	struct timespec start;  /* CLOCK_MONOTONIC at vb_spawn() */
	struct vb_cg_state *cg;   /* lib/cgroup.c's per-sandbox state, or NULL */
	struct vb_sup_state *sup; /* lib/supervise.c's per-sandbox state, or NULL */
	struct vb_learn *learn;   /* lib/seccomp-learn.c's, or NULL */
};

int vb_sandbox_add_waiter(struct vb_sandbox *sb, int fd, short events,
			  int (*cb)(struct vb_sandbox *, struct vb_waiter *, short), void *data);

/* ---- the child during setup (lib/spawn.c, lib/mount.c, lib/ns.c, lib/caps.c)
 * Everything the child needs is prepared by the parent before clone, so that
 * the child allocates nothing between clone and exec. */
struct vb_child {
	struct vb_sandbox *sb;
	const vb_config *cfg;
	struct vb_child_error ce;
	unsigned ns;            /* namespaces actually created (VB_NS_*) */
	bool userns;            /* running in a user namespace we made or joined */
	bool setuid_mode;       /* setuid root without a user namespace */
	uid_t sandbox_uid;
	gid_t sandbox_gid;
	int proc_fd;            /* the host's /proc, opened before pivot_root */
	const char *host_tty;   /* ttyname of stdout, for --dev's console */
	char **envp;            /* prepared environment, PWD slot at pwd_index */
	int pwd_index;
	const char *old_cwd;    /* caller's cwd, tried when no --chdir */
	char pwd_buf[4200];
	int lock_fds[64];
	size_t n_lock_fds;
	char tmp_path[64];      /* scratch for /bindfileXXXXXX */
	void *caps_keep;        /* cap_t of --cap-add, built by caps_prepare() */
	void *caps_none;        /* empty cap_t */
	uint64_t keep_mask;     /* the caps the command keeps */
	pid_t parent_pid;       /* for --die-with-parent's race check */
};

/* Records a failure in c->ce; returns -error (or -EIO when error is 0). */
int vb_child_fail(struct vb_child *c, int stage, int op_index, int what, int arg, int error);
/* Records a module's vb_error as the child's failure. */
int vb_child_fail_err(struct vb_child *c, const vb_error *err, int error);

/* lib/mount.c: prepare the base tmpfs and pivot into it (old root at
 * /oldroot, new root at /newroot), apply the ops, then make /newroot the
 * root and drop /oldroot. */
int mnt_enter_base(struct vb_child *c);
int mnt_apply_ops(struct vb_child *c);
int mnt_enter_newroot(struct vb_child *c);
/* Appends s to buf[*len] with overlayfs's escaping of '\\', ',' and ':'. */
int mnt_escape_overlay(char *buf, size_t size, size_t *len, const char *s);

/* lib/caps.c: the final credentials of the command (and of PID 1). */
int caps_drop_privileges(struct vb_child *c, bool keep_requested);
int caps_prepare(struct vb_child *c);
void caps_release(struct vb_child *c);
/* Parses nothing: returns the mask of caps libcap knows (for ALL). */
uint64_t caps_all_mask(void);

/* lib/pid1.c: runs PID 1 until cmd exits; never returns. */
_Noreturn void pid1_run(struct vb_child *c, pid_t cmd);

/* lib/ns.c */
unsigned long ns_clone_flags(unsigned ns);
/* clone3() into the namespaces (and cgroup_fd when >= 0); like fork(),
 * returns 0 in the child, the pid in the parent (with *ret_pidfd). */
pid_t ns_clone(unsigned long flags, int cgroup_fd, int *ret_pidfd);
int ns_write_id_maps(pid_t pid, uid_t sandbox_uid, uid_t real_uid, gid_t sandbox_gid,
		     gid_t real_gid, bool deny_setgroups);
int ns_loopback_up(void);
int ns_disable_userns(int proc_fd, uid_t uid, gid_t gid);

/* lib/status.c: --info-fd and --json-status-fd. */
int status_write_info(struct vb_sandbox *sb, vb_error *err);
void status_write_exit(struct vb_sandbox *sb, int exit_code);

/* ---- module hooks -------------------------------------------------------
 * The engine (lib/spawn.c) calls these in this order; each returns 0 at once
 * when its module is unused (its cfg pointer is NULL).
 *   parent, before clone:   learn_prepare; sec_prepare, cg_prepare, net_prepare, sup_prepare
 *   parent, after clone:    cg_attach (when not cloned into the cgroup),
 *                           net_setup_parent (after the id maps), sup_spawned
 *   child, after the ops, before pivot_root: net_setup_child
 *   child, just before exec: sup_apply_child (rlimits), pty_child, sec_apply_child
 *   parent, until the exec: learn_wait_exec; after it: learn_spawned
 *   parent, after the end:  learn_exited, sup_exited; then the rollback undoes the rest.
 * Undo steps go on sb->rb as they are created. */
int sec_prepare(struct vb_sandbox *sb, vb_error *err);
int sec_apply_child(struct vb_sandbox *sb, vb_error *err);
void sec_config_free(struct vb_sec_config *sec);
/* --seccomp-learn (lib/seccomp-learn.c).  learn_prepare: before clone (and
 * before joining a --userns), the output file and the filter.
 * learn_wait_exec: between "go"
 * and the exec, answers the filter's notifications until exec_fd (the error
 * pipe) is readable.  learn_spawned: the command runs; its calls are
 * answered by a waiter.  learn_exited: writes the policy file.  learn_pid1:
 * PID 1 closes what only the command needs. */
int learn_prepare(struct vb_sandbox *sb, vb_error *err);
int learn_wait_exec(struct vb_sandbox *sb, int exec_fd, vb_error *err);
int learn_spawned(struct vb_sandbox *sb, vb_error *err);
int learn_exited(struct vb_sandbox *sb, vb_error *err);
void learn_pid1(struct vb_sandbox *sb);

int cg_prepare(struct vb_sandbox *sb, vb_error *err);
int cg_attach(struct vb_sandbox *sb, vb_error *err);
void cg_config_free(struct vb_cg_config *cg);

int net_prepare(struct vb_sandbox *sb, vb_error *err);
int net_setup_parent(struct vb_sandbox *sb, vb_error *err);
int net_setup_child(struct vb_sandbox *sb, const char *newroot, vb_error *err);
/* Namespaces the module needs (e.g. VB_NS_NET for --net bridge). */
unsigned net_required_ns(const vb_config *cfg);
/* Whether the module needs root in the outer process (--net bridge). */
bool net_needs_root(const vb_config *cfg);
void net_config_free(struct vb_net_config *net);

int sup_prepare(struct vb_sandbox *sb, vb_error *err);
int sup_spawned(struct vb_sandbox *sb, vb_error *err);
int sup_apply_child(struct vb_sandbox *sb, vb_error *err);
void sup_exited(struct vb_sandbox *sb);
void sup_config_free(struct vb_sup_config *sup);
/* Setup timing for the setup_finished event: the engine marks the end of
 * each stage (parent or child: the record lives in shared memory and
 * sup_mark allocates nothing).  VB_SUP_EXEC (parent, once the command
 * runs) emits "spawned" and "setup_finished". */
enum vb_sup_stage {
	VB_SUP_PREPARE = 0, /* sup_prepare marks it */
	VB_SUP_CLONE,       /* parent, after clone */
	VB_SUP_IDMAP,       /* parent, after the id maps */
	VB_SUP_CGROUP,      /* cg_attach marks it */
	VB_SUP_NETWORK,     /* parent, after net_setup_parent */
	VB_SUP_MOUNTS,      /* child, after mnt_enter_newroot */
	VB_SUP_SECCOMP,     /* child, after sec_apply_child */
	VB_SUP_EXEC,        /* parent, after EOF on the error pipe */
	VB_SUP_STAGE_MAX,
};
void sup_mark(struct vb_sandbox *sb, enum vb_sup_stage stage);
/* vb_spawn() failed: "setup_failed" and "exited" (reason setup-failed).
 * Called before the rollback; sb->sup may be NULL. */
void sup_setup_failed(struct vb_sandbox *sb, const vb_error *err);
/* The outer vb forwarded sig to the command: a "signal" event. */
void sup_event_signal(struct vb_sandbox *sb, int sig);
/* The network module's "network" event. */
void sup_event_network(struct vb_sandbox *sb, const char *ifname, const char *const *addrs,
		       size_t n_addrs, const char *gateway);

int pty_child(struct vb_sandbox *sb, vb_error *err);
/* lib/pty.c, parent: opens the pty and registers the relay (before clone,
 * next to sec_prepare); pty_spawned() drops the parent's slave after clone. */
int pty_prepare(struct vb_sandbox *sb, vb_error *err);
int pty_spawned(struct vb_sandbox *sb);
/* Parent, wait loop: the caller's terminal was resized (SIGWINCH).  With
 * --pty, copies its size to the pty and returns true: the signal is not
 * for the command (the kernel signals the pty's foreground group). */
bool pty_winch(struct vb_sandbox *sb);
/* vb's PID 1 (lib/pid1.c): closes its copies of the pty's fds. */
void pty_pid1(void);

/* ---- small helpers (lib/util.c) ----------------------------------------- */

/* write()/read() the whole buffer, retrying on EINTR.  -errno or -EPIPE on
 * a short read at EOF. */
int vb_write_all(int fd, const void *buf, size_t len);
int vb_read_all(int fd, void *buf, size_t len);
/* Reads a whole fd into a NUL-terminated malloc'ed buffer. */
int vb_read_fd(int fd, char **ret_buf, size_t *ret_len);
/* Writes a string to a file (path relative to dirfd), O_CLOEXEC. */
int vb_write_file_at(int dirfd, const char *path, const char *data);
char *vb_strdup_checked(const char *s);

#endif
