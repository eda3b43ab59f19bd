/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The running sandbox and the child during setup: the engine (lib/spawn.c,
 * lib/wait.c) and the concerns it calls (lib/mount.c, lib/ns.c, lib/caps.c,
 * lib/pid1.c, lib/status.c). */
#ifndef VB_SANDBOX_H
#define VB_SANDBOX_H

#include <poll.h>
#include <time.h>

#include "configuration.h"
#include "rollback.h"

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

/* What the command sends up the report socket just before its seccomp
 * filter and exec (lib/spawn.c): the inode numbers of its namespaces, in
 * vb_ns_names' order, read from its own /proc/self/ns; the kernel adds its
 * pid as the parent sees it (SCM_CREDENTIALS). */
#define VB_NS_REPORT_N 7
extern const char *const vb_ns_names[VB_NS_REPORT_N];
struct vb_spawn_report {
	uint64_t ino[VB_NS_REPORT_N]; /* 0: could not be read */
};

struct vb_sandbox {
	vb_config *cfg;
	struct vb_rollback rb; /* undone when the sandbox ends or setup fails */
	pid_t pid;             /* outermost child, in the caller's pid ns */
	int pidfd;
	pid_t pid1_ns_pid;             /* the command's pid as seen inside, if known */
	pid_t command_pid;             /* the command, in the caller's pid ns (0: unknown) */
	struct vb_spawn_report report; /* valid when command_pid > 0 */
	int cgroup_fd;                 /* for CLONE_INTO_CGROUP, -1 when none */
	unsigned ns;                   /* namespaces created (VB_NS_*) */
	struct vb_waiter waiters[VB_MAX_WAITERS];
	size_t n_waiters;
	bool exited;
	vb_exit exit;
	int timed_out, oom;    /* set by the modules that noticed */
	bool reap_tree;        /* subreaper: kill the command's leftovers at exit */
	bool has_init;         /* the outer child is vb's PID 1, the command its child */
	struct timespec start; /* CLOCK_MONOTONIC at vb_spawn() */
	/* The outer process's credentials during the run (setuid mode):
	 * privileged, root without a user namespace (vb drops it when only
	 * waiting is left); setuid_net, a user namespace and --net bridge,
	 * where the effective ids are the user's and root waits in the saved
	 * ones for lib/net/ alone (net_priv_enter). */
	bool privileged;
	bool setuid_net;
	bool nodump; /* setuid_net after setup: net_priv_leave leaves it non-dumpable */
	/* Set by vb_run(): the outer process forwards catchable signals and
	 * keeps them blocked until teardown; the sandbox gets child_sigmask. */
	bool forward_signals;
	bool have_child_sigmask;
	sigset_t child_sigmask;
	/* Setup's bounds (vb_sandbox_poll()): vb_run()'s signalfd of the
	 * caller's terminating signals (-1: none, a library caller), the
	 * --timeout deadline (CLOCK_MONOTONIC ns from the start, 0: none),
	 * whether the command runs yet, and what ended setup early. */
	int setup_sigfd;
	uint64_t deadline_ns;
	bool command_runs;
	int setup_signal;
	bool setup_timed_out;
	struct vb_net_state *net; /* lib/net/'s per-sandbox state, or NULL */
	struct vb_pty_state *pty; /* lib/pty.c's, or NULL */
	struct vb_cg_state *cg;   /* lib/supervise/cgroup.c's, or NULL */
	struct vb_sup_state *sup; /* lib/supervise/supervise.c's, or NULL */
	struct vb_learn *learn;   /* lib/security/learn.c's, or NULL */
	/* Warnings of setup that did not stop it, for the supervision
	 * stream's runtime_init_warnings (vb_sandbox_warn()). */
	char warnings[4][256];
	size_t n_warnings;
};

/* Records a warning of setup (lib/error.c): logged through the config's log
 * function when log is set, and kept for the runtime_init_warnings event. */
void vb_sandbox_warn(struct vb_sandbox *sb, bool log, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Waits as poll(2) does on p[0..n) (n <= 7), bounded by the caller's
 * signals and the deadline: returns the count of ready fds, -EINTR when a
 * signal came (before the command runs it is taken and sb->setup_signal
 * set), -ETIME when the deadline passed (sb->setup_timed_out, idem). */
int vb_sandbox_poll(struct vb_sandbox *sb, struct pollfd *p, nfds_t n);
/* Writes all of buf to fd, waiting for room within the same bounds (sb
 * NULL: plain writes); -EINTR/-ETIME as vb_sandbox_poll(). */
int vb_sandbox_write(struct vb_sandbox *sb, int fd, const void *buf, size_t len);

/* The error for a wait that failed with r while doing what. */
int vb_sandbox_cut(struct vb_sandbox *sb, int r, vb_error *err, const char *what);

/* vb_spawn() for vb_run(), which acts for the whole process (lib/wait.c). */
struct spawn_opts {
	bool forward_signals;
	bool have_child_sigmask;
	sigset_t child_sigmask;
	int setup_sigfd;         /* vb_run()'s, -1 when none */
	int *ret_setup_signal;   /* the signal that ended setup, or 0 */
	bool *ret_setup_timeout; /* --timeout passed during setup */
};
int spawn_sandbox(vb_config *cfg, const struct spawn_opts *opts, vb_sandbox **ret, vb_error *err);

/* Registers a waiter for the wait loop (lib/wait.c); -ENOSPC when full. */
static inline int vb_sandbox_add_waiter(struct vb_sandbox *sb, int fd, short events,
					int (*cb)(struct vb_sandbox *, struct vb_waiter *, short),
					void *data)
{
	if (sb->n_waiters >= VB_MAX_WAITERS)
		return -ENOSPC;
	sb->waiters[sb->n_waiters++] =
		(struct vb_waiter){ .fd = fd, .events = events, .cb = cb, .data = data };
	return 0;
}

/* ---- the child during setup (lib/spawn.c, lib/mount.c, lib/ns.c, lib/caps.c)
 * Everything the child needs is prepared by the parent before clone, so that
 * the child allocates nothing between clone and exec. */
struct vb_child {
	struct vb_sandbox *sb;
	const vb_config *cfg;
	struct vb_child_error ce;
	unsigned ns;      /* namespaces actually created (VB_NS_*) */
	bool userns;      /* running in a user namespace we made or joined */
	bool setuid_mode; /* setuid root without a user namespace */
	uid_t sandbox_uid;
	gid_t sandbox_gid;
	int proc_fd;          /* the host's /proc, opened before pivot_root */
	const char *host_tty; /* ttyname of stdout, for --dev's console */
	char **envp;          /* prepared environment, PWD slot at pwd_index */
	int pwd_index;
	const char *old_cwd; /* caller's cwd, tried when no --chdir */
	char pwd_buf[4200];
	int lock_fds[64];
	size_t n_lock_fds;
	char tmp_path[64];   /* scratch for /bindfileXXXXXX */
	void *caps_keep;     /* cap_t of --cap-add, built by caps_prepare() */
	void *caps_none;     /* empty cap_t */
	uint64_t keep_mask;  /* the caps the command keeps */
	pid_t parent_pid;    /* for --die-with-parent's race check */
	bool pid1_enterable; /* PID 1 dumpable, the command guarded (landlock.c) */
	int parent_pidfd;    /* the parent's pidfd (or -1), for the same across a pid ns */
	/* Sources resolved before clone (mnt_resolve_sources()), by op
	 * index: NULL where an op has none or a -try source is missing. */
	char **srcs;
	char **workdirs;
};

/* lib/mount.c: prepare the base tmpfs and pivot into it (old root at
 * /oldroot, new root at /newroot), apply the ops, then make /newroot the
 * root and drop /oldroot. */
int mnt_enter_base(struct vb_child *c);
int mnt_apply_ops(struct vb_child *c);
int mnt_enter_newroot(struct vb_child *c);
/* lib/mount.c, in the parent before clone: realpath() of every source
 * bwrap resolves (binds and their -try forms, overlay sources, --overlay's
 * RWSRC and WORKDIR) against the caller's cwd, with the caller's rights
 * (fsuid); mnt_release_sources() frees them. */
int mnt_resolve_sources(struct vb_child *c, vb_error *err);
void mnt_release_sources(struct vb_child *c);
/* Appends s to buf[*len] with overlayfs's escaping of '\\', ',' and ':'. */
int mnt_escape_overlay(char *buf, size_t size, size_t *len, const char *s);

/* lib/caps.c: the final credentials of the command (and of PID 1). */
int caps_drop_privileges(struct vb_child *c, bool keep_requested);
int caps_prepare(struct vb_child *c);
void caps_release(struct vb_child *c);
/* Parses nothing: returns the mask of caps libcap knows (for ALL). */
uint64_t caps_all_mask(void);

/* lib/spawn.c: sets --die-with-parent's signal again after a credential
 * change; exits if the parent is already gone. */
int vb_child_pdeathsig(struct vb_child *c);

/* lib/pid1.c: runs PID 1 until cmd exits; never returns.  mask: the signal
 * mask to restore once its handlers are in place. */
_Noreturn void pid1_run(struct vb_child *c, pid_t cmd, const sigset_t *mask);

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

#endif
