/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The modules the engine calls down into (net/, security/, supervise/,
 * lib/pty.c): one hook per stage, each a no-op when its module is unused. */
#ifndef VB_HOOKS_H
#define VB_HOOKS_H

#include "sandbox.h"

/* ---- module hooks -------------------------------------------------------
 * The engine (lib/spawn.c) calls these in this order; each returns 0 at once
 * when its module is unused (its cfg pointer is NULL).
 *   parent, before clone:   learn_prepare; pty_prepare, cg_prepare, net_prepare, sup_prepare
 *   parent, after clone:    cg_attach (when not cloned into the cgroup),
 *                           net_setup_parent (after the id maps), sup_spawned,
 *                           net_spawned
 *   child, after the ops, before pivot_root: net_setup_child
 *   child, just before exec: sup_apply_child (rlimits), pty_child, sec_apply_child
 *   parent, until the exec: learn_wait_exec; after it: learn_spawned
 *   parent, after the end:  learn_exited, sup_exited; then the rollback undoes the rest.
 * Undo steps go on sb->rb as they are created. */
/* lib/supervise/supervise.c, from vb_config_validate(): --status-fd is open. */
int sup_check_fds(vb_config *cfg, vb_error *err);
/* lib/security/bpf.c, from vb_config_validate(): reads bwrap's programs,
 * compiles the policy, finds the Landlock ABI (config-time, once). */
int sec_validate(vb_config *cfg, vb_error *err);
int sec_apply_child(struct vb_sandbox *sb, vb_error *err);
void sec_config_free(struct vb_sec_config *sec);
/* lib/security/landlock.c: whether the command can be kept from ptracing
 * a dumpable PID 1 (parent, before clone), and doing so (the command,
 * after no_new_privs). */
bool sec_pid1_guard_available(void);
int sec_pid1_guard_child(vb_error *err);
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
/* Child, first thing after the go: closes what of the parent's it must not
 * keep (the root-opened rtnetlink socket). */
void net_child_start(struct vb_sandbox *sb);
/* The "network" event, right after sup_spawned's runtime_init_warnings. */
void net_spawned(struct vb_sandbox *sb);
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
/* --timeout: the sandbox gets a pid namespace of its own (see
 * lib/supervise/supervise.c, "the sandbox cannot out-wait vb"). */
bool sup_needs_pidns(const vb_config *cfg);
/* The lifeline of vb's PID 1: its end of a socket pair whose other end
 * only the outer vb holds and writes ('T' when it acted on the timeout, 'K' on the kill after it) and
 * holds, so EOF means vb is gone; and the deadlines by which vb must have
 * acted, in ns from now (0: none).  -1 without one.  sup_after_clone()
 * closes the parent's copy of PID 1's end; in the child,
 * sup_pid1_lifeline() closes vb's. */
int sup_pid1_lifeline(struct vb_sandbox *sb, uint64_t *ret_t_ns, uint64_t *ret_k_ns);
void sup_after_clone(struct vb_sandbox *sb);
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
/* Whether the run reports events ("spawned" names the command's pid, which
 * the parent reads from /proc/PID1/task/PID1/children once it runs). */
bool sup_has_events(const struct vb_sandbox *sb);
/* vb_spawn() failed: "setup_failed" and "exited" (reason setup-failed).
 * Called before the rollback; sb->sup may be NULL. */
void sup_setup_failed(struct vb_sandbox *sb, const vb_error *err);
/* The outer vb forwarded sig to the command: a "signal" event. */
void sup_event_signal(struct vb_sandbox *sb, int sig);
/* The network module's "network" event. */
void sup_event_network(struct vb_sandbox *sb, const char *ifname, const char *const *addrs,
		       size_t n_addrs, const char *gateway);

int pty_child(struct vb_sandbox *sb, vb_error *err);
/* The master of the pty pty_child() opened inside the sandbox (-1: none),
 * which the child sends up with its report before exec; the parent hands
 * it to pty_take_master(), which relays from it instead of its own. */
int pty_child_master(const struct vb_sandbox *sb);
void pty_take_master(struct vb_sandbox *sb, int fd);
/* lib/pty.c, parent: opens the pty and registers the relay (before clone,
 * first of the modules); pty_spawned() drops the parent's slave after clone. */
int pty_prepare(struct vb_sandbox *sb, vb_error *err);
int pty_spawned(struct vb_sandbox *sb);
/* Parent, wait loop: the caller's terminal was resized (SIGWINCH).  With
 * --pty, copies its size to the pty and returns true: the signal is not
 * for the command (the kernel signals the pty's foreground group). */
bool pty_winch(struct vb_sandbox *sb);
/* vb's PID 1 (lib/pid1.c): closes its copies of the pty's fds. */
void pty_pid1(struct vb_sandbox *sb);

#endif
