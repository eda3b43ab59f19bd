/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libvoidbox: run one command inside namespaces, a fresh root and the
 * limits a flat list of bubblewrap-style operations describes.
 *
 * Conventions (see the house style):
 *  - Every function that can fail returns an int: >= 0 on success, -errno on
 *    failure.  Outputs are ret_* parameters, written only on success.
 *  - Error detail goes into a caller-owned vb_error; the library never
 *    prints, never exits and never allocates on an error path.
 *  - Destructors accept NULL and return NULL: cfg = vb_config_free(cfg);
 *  - Each command line flag of vb(1) is one call here: the CLI can do nothing
 *    the library cannot.
 */
#ifndef VOIDBOX_H
#define VOIDBOX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

#define VB_ERROR_MESSAGE_MAX 1024

/* Where a failure happened; lets the caller tell a usage error from a
 * setup error from a failure of the command itself. */
enum vb_stage {
	VB_STAGE_NONE = 0,
	VB_STAGE_CONFIG,  /* a setter or vb_config_validate() refused input */
	VB_STAGE_PREPARE, /* parent, before clone: fds, locks, cgroup, ... */
	VB_STAGE_CLONE,   /* creating the namespaces */
	VB_STAGE_IDMAP,   /* writing uid/gid maps */
	VB_STAGE_MOUNT,   /* applying the op list, pivot_root */
	VB_STAGE_NETWORK, /* --net setup */
	VB_STAGE_CGROUP,  /* cgroup creation and limits */
	VB_STAGE_PRIVS,   /* uid/gid switch, capabilities */
	VB_STAGE_SECCOMP, /* loading filters, landlock */
	VB_STAGE_EXEC,    /* execvp of the command */
	VB_STAGE_WAIT,    /* waiting for the sandbox */
};

/* Caller-owned error record.  message is the text bwrap prints for the same
 * failure, without the "prog: " prefix and without the errno text: the
 * caller appends ": strerror(error)" when error != 0. */
typedef struct vb_error {
	int error;    /* positive errno, 0 when the message says it all */
	int stage;    /* enum vb_stage */
	int op_index; /* index of the op in argv order, -1 when none */
	char message[VB_ERROR_MESSAGE_MAX];
} vb_error;

/* Namespaces, for vb_config_unshare(). */
enum {
	VB_NS_USER = 1u << 0,
	VB_NS_IPC = 1u << 1,
	VB_NS_PID = 1u << 2,
	VB_NS_NET = 1u << 3,
	VB_NS_UTS = 1u << 4,
	VB_NS_CGROUP = 1u << 5,
	VB_NS_ALL = 0x3f,
};

/* One filesystem operation per flag, applied in the order added. */
enum vb_op_type {
	VB_OP_BIND = 1,     /* --bind SRC DEST */
	VB_OP_BIND_TRY,     /* --bind-try SRC DEST */
	VB_OP_DEV_BIND,     /* --dev-bind SRC DEST */
	VB_OP_DEV_BIND_TRY, /* --dev-bind-try SRC DEST */
	VB_OP_RO_BIND,      /* --ro-bind SRC DEST */
	VB_OP_RO_BIND_TRY,  /* --ro-bind-try SRC DEST */
	VB_OP_BIND_FD,      /* --bind-fd FD DEST */
	VB_OP_RO_BIND_FD,   /* --ro-bind-fd FD DEST */
	VB_OP_REMOUNT_RO,   /* --remount-ro DEST */
	VB_OP_OVERLAY_SRC,  /* --overlay-src SRC */
	VB_OP_OVERLAY,      /* --overlay RWSRC WORKDIR DEST */
	VB_OP_TMP_OVERLAY,  /* --tmp-overlay DEST */
	VB_OP_RO_OVERLAY,   /* --ro-overlay DEST */
	VB_OP_PROC,         /* --proc DEST */
	VB_OP_DEV,          /* --dev DEST */
	VB_OP_TMPFS,        /* --tmpfs DEST */
	VB_OP_MQUEUE,       /* --mqueue DEST */
	VB_OP_DIR,          /* --dir DEST */
	VB_OP_FILE,         /* --file FD DEST */
	VB_OP_BIND_DATA,    /* --bind-data FD DEST */
	VB_OP_RO_BIND_DATA, /* --ro-bind-data FD DEST */
	VB_OP_SYMLINK,      /* --symlink SRC DEST */
	VB_OP_CHMOD,        /* --chmod OCTAL PATH */
	VB_OP_TYPE_MAX,
};

typedef struct vb_config vb_config;
typedef struct vb_sandbox vb_sandbox;

/* Log levels for the embedder's log function (syslog priorities). */
enum { VB_LOG_ERR = 3, VB_LOG_WARNING = 4, VB_LOG_INFO = 6, VB_LOG_DEBUG = 7 };
typedef void (*vb_log_fn)(void *userdata, int level, const char *message);

/* ---- configuration ----------------------------------------------------- */

/* Returns a new empty configuration, or NULL on ENOMEM. */
vb_config *vb_config_new(void);
/* Frees cfg and every string it copied; closes no caller fd.  NULL is fine. */
vb_config *vb_config_free(vb_config *cfg);

/* Warnings (e.g. "Only the last --chdir option will take effect") go here;
 * without a log function they are dropped. */
void vb_config_set_log_fn(vb_config *cfg, vb_log_fn fn, void *userdata);

/* --unshare-*: ns is a mask of VB_NS_*.  With try, a namespace the host
 * cannot create is skipped instead of failing (--unshare-user-try,
 * --unshare-cgroup-try).  --share-net is vb_config_share(cfg, VB_NS_NET).
 * -EINVAL for bits outside VB_NS_ALL. */
int vb_config_unshare(vb_config *cfg, unsigned ns, bool try_, vb_error *err);
int vb_config_share(vb_config *cfg, unsigned ns, vb_error *err);

/* --userns FD, --userns2 FD, --pidns FD, --disable-userns,
 * --assert-userns-disabled.  fd 0 is a valid fd.  The fds stay the caller's;
 * they are used by vb_spawn().  -EINVAL for fd < 0. */
int vb_config_set_userns_fd(vb_config *cfg, int fd, vb_error *err);
int vb_config_set_userns2_fd(vb_config *cfg, int fd, vb_error *err);
int vb_config_set_pidns_fd(vb_config *cfg, int fd, vb_error *err);
int vb_config_disable_userns(vb_config *cfg, vb_error *err);
int vb_config_assert_userns_disabled(vb_config *cfg, vb_error *err);

/* --uid, --gid, --hostname, --chdir (a second --chdir logs a warning). */
int vb_config_set_uid(vb_config *cfg, uid_t uid, vb_error *err);
int vb_config_set_gid(vb_config *cfg, gid_t gid, vb_error *err);
int vb_config_set_hostname(vb_config *cfg, const char *hostname, vb_error *err);
int vb_config_set_chdir(vb_config *cfg, const char *path, vb_error *err);

/* --clearenv, --setenv VAR VALUE, --unsetenv VAR: applied in order to a copy
 * of the caller's environment (environ at vb_config_new() time). */
int vb_config_clearenv(vb_config *cfg, vb_error *err);
int vb_config_setenv(vb_config *cfg, const char *name, const char *value, vb_error *err);
int vb_config_unsetenv(vb_config *cfg, const char *name, vb_error *err);

/* Filesystem operations, in order.  src/dst are copied.
 * vb_config_add_op: every type that takes paths (SYMLINK: src is the target).
 * vb_config_add_op_fd: BIND_FD, RO_BIND_FD, FILE, BIND_DATA, RO_BIND_DATA;
 *   the fd becomes the config's (closed by vb_config_free()).
 * vb_config_add_overlay: OVERLAY (rwsrc, workdir), TMP_OVERLAY, RO_OVERLAY
 *   (rwsrc = workdir = NULL); consumes the preceding OVERLAY_SRC ops.
 * -EINVAL with err filled for a type that does not fit the call, an empty
 * path, or a rule bwrap enforces at parse time. */
int vb_config_add_op(vb_config *cfg, enum vb_op_type type, const char *src, const char *dst,
		     vb_error *err);
int vb_config_add_op_fd(vb_config *cfg, enum vb_op_type type, int fd, const char *dst,
			vb_error *err);
int vb_config_add_overlay(vb_config *cfg, enum vb_op_type type, const char *rwsrc,
			  const char *workdir, const char *dst, vb_error *err);
/* --chmod OCTAL PATH. */
int vb_config_add_chmod(vb_config *cfg, mode_t mode, const char *path, vb_error *err);
/* --perms OCTAL and --size BYTES modify the next op; a second one before an
 * op, or one the next op cannot take, is -EINVAL with bwrap's message. */
int vb_config_set_perms(vb_config *cfg, mode_t mode, vb_error *err);
int vb_config_set_size(vb_config *cfg, uint64_t size, vb_error *err);

/* --lock-file DEST (taken inside the sandbox, held until it exits),
 * --sync-fd FD, --block-fd FD, --userns-block-fd FD, --info-fd FD,
 * --json-status-fd FD, --seccomp FD, --add-seccomp-fd FD.  The config takes
 * ownership of the seccomp fds and of the --info-fd fd: vb_spawn() writes
 * the sandbox's info to it and closes it, as bwrap does, so that a reader
 * sees EOF while the sandbox runs (a configuration spawned again writes no
 * second record); vb_config_free() closes what was not used.  The others
 * stay the caller's. */
int vb_config_add_lock_file(vb_config *cfg, const char *path, vb_error *err);
int vb_config_set_sync_fd(vb_config *cfg, int fd, vb_error *err);
int vb_config_set_block_fd(vb_config *cfg, int fd, vb_error *err);
int vb_config_set_userns_block_fd(vb_config *cfg, int fd, vb_error *err);
int vb_config_set_info_fd(vb_config *cfg, int fd, vb_error *err);
int vb_config_set_json_status_fd(vb_config *cfg, int fd, vb_error *err);
int vb_config_set_seccomp_fd(vb_config *cfg, int fd, vb_error *err);
int vb_config_add_seccomp_fd(vb_config *cfg, int fd, vb_error *err);

/* --new-session, --die-with-parent, --as-pid-1. */
int vb_config_set_new_session(vb_config *cfg, bool on, vb_error *err);
int vb_config_set_die_with_parent(vb_config *cfg, bool on, vb_error *err);
int vb_config_set_as_pid_1(vb_config *cfg, bool on, vb_error *err);

/* --cap-add NAME, --cap-drop NAME: any name libcap knows, with or without
 * "CAP_", any case, or "ALL".  -EINVAL with bwrap's message otherwise. */
int vb_config_cap_add(vb_config *cfg, const char *name, vb_error *err);
int vb_config_cap_drop(vb_config *cfg, const char *name, vb_error *err);

/* --exec-label, --file-label (SELinux). */
int vb_config_set_exec_label(vb_config *cfg, const char *label, vb_error *err);
int vb_config_set_file_label(vb_config *cfg, const char *label, vb_error *err);

/* --argv0 VALUE and the command.  argv is copied; argv[0] is the program
 * looked up in PATH inside the sandbox. */
int vb_config_set_argv0(vb_config *cfg, const char *argv0, vb_error *err);
int vb_config_set_command(vb_config *cfg, int argc, char *const argv[], vb_error *err);

/* bwrap's checks at the end of each option, for an option of the caller's
 * own that makes no other call here (vb's --args, --profile,
 * --level-prefix): no --perms or --size, and no --overlay-src, left waiting
 * for the op it belongs to.  Every setter above makes the same checks
 * first.  -EINVAL with bwrap's message. */
int vb_config_option_end(vb_config *cfg, vb_error *err);

/* Checks the whole configuration against the rules bwrap applies once all
 * arguments are read (and the setuid rules when running setuid).  Called by
 * vb_spawn(); exposed so a caller can reject input early.  Nothing is
 * created.  -EINVAL / -EPERM with err filled. */
int vb_config_validate(vb_config *cfg, vb_error *err);

/* ---- built-in profiles ------------------------------------------------- */

/* Returns the text of the built-in profile NAME (one argument a line, '#'
 * comments), or NULL when there is none. */
const char *vb_profile_builtin(const char *name);
/* The name of the i-th built-in profile, NULL past the last. */
const char *vb_profile_builtin_name(size_t i);
/* --profile NAME|FILE: the built-in profile NAME, else the file NAME read
 * with the rights of the caller's real uid (also when vb runs setuid),
 * split into arguments as vb_profile_parse() does.  *ret_argv is the
 * caller's (vb_strv_free()).  -errno with err filled: a NAME that is
 * neither lists the built-in profiles; a file that is not text is -EINVAL. */
int vb_profile_load(const char *name, char ***ret_argv, int *ret_argc, vb_error *err);
/* Splits profile text into arguments.  *ret_argv is a NULL-terminated array
 * the caller frees with vb_strv_free().  -EINVAL on a malformed line. */
int vb_profile_parse(const char *text, char ***ret_argv, int *ret_argc);
/* Splits --args data (NUL-separated) into arguments, as bwrap does.
 * -E2BIG beyond 9000 arguments (bwrap's cap), -ENOMEM. */
int vb_args_parse(const char *data, size_t len, char ***ret_argv, int *ret_argc);
/* --args FD: reads fd to its end (the fd stays the caller's) and splits it
 * with vb_args_parse().  -errno with err filled ("Can't read --args data"). */
int vb_args_read(int fd, char ***ret_argv, int *ret_argc, vb_error *err);
char **vb_strv_free(char **strv);

/* ---- running ----------------------------------------------------------- */

/* How the sandbox ended. */
typedef struct vb_exit {
	int status;    /* what vb exits with: the code, or 128+signal */
	int exit_code; /* when exited normally, else -1 */
	int signal;    /* when killed by a signal, else 0 */
	int reason;    /* enum vb_exit_reason */
} vb_exit;

enum vb_exit_reason {
	VB_EXIT_EXITED = 0,
	VB_EXIT_SIGNALED,
	VB_EXIT_OOM,
	VB_EXIT_TIMEOUT,
	VB_EXIT_SETUP_FAILED,
};

/* Starts the sandbox and returns once the command is running (or setup
 * failed: then err says where, the op index and errno, and nothing that
 * setup created is left).  The caller owns *ret and frees it with
 * vb_sandbox_free(). */
int vb_spawn(vb_config *cfg, vb_sandbox **ret, vb_error *err);
/* The pid of the sandbox's outermost process as seen by the caller. */
pid_t vb_sandbox_pid(const vb_sandbox *sb);
/* A pidfd for that process (owned by sb), or -EOPNOTSUPP. */
int vb_sandbox_pidfd(const vb_sandbox *sb);
/* Waits for the sandbox to end; writes info/json-status exit records. */
int vb_sandbox_wait(vb_sandbox *sb, vb_exit *ret, vb_error *err);
/* Sends sig to the sandbox's command (through its PID 1 when there is one). */
int vb_sandbox_kill(vb_sandbox *sb, int sig);
/* Frees sb; a sandbox still running is killed and reaped first. */
vb_sandbox *vb_sandbox_free(vb_sandbox *sb);

/* vb_spawn() + vb_sandbox_wait() + vb_sandbox_free().  *ret_status is the
 * status vb exits with.  Acts for the whole process, as the vb command does:
 * forwards catchable signals to the sandbox, and, when the sandbox has
 * neither a pid namespace nor a cgroup, makes the caller the subreaper of
 * the command's tree (PR_SET_CHILD_SUBREAPER) and kills what the command
 * left running when it exits.  Supervisors that want none of this use
 * vb_spawn() and vb_sandbox_wait(). */
int vb_run(vb_config *cfg, int *ret_status, vb_error *err);

/* ---- security depth: seccomp policies, landlock, pty (lib/seccomp.c,
 * lib/pty.c) --------------------------------------------------------------- */

/* --seccomp-policy NAME|FILE: a built-in policy ("default", "minimal",
 * "build", "network") or, when NAME contains a '/', a policy file (read at
 * once with the caller's real uid's rights).  Repeatable; rules apply in
 * order, the last rule naming a syscall wins.  File syntax, one per line:
 *   default enosys|eperm|kill|log|allow
 *   allow NAME|@GROUP...
 *   deny NAME|@GROUP[:ERRNO]...        (ERRNO: EPERM, ENOSYS, ... or a number)
 * -EINVAL with err filled (unknown names list the nearest ones), -errno when
 * the file can't be read. */
int vb_config_seccomp_policy(vb_config *cfg, const char *name, vb_error *err);
/* --seccomp-allow SYSCALL|@GROUP, --seccomp-deny SYSCALL|@GROUP[:ERRNO]
 * (ERRNO: a name such as EPERM, the default, a number, or "kill" or "log"):
 * applied after the policies, in order.  Filters cover the native arch and
 * its compat arches (x86_64: i386, x32), loaded before any raw --seccomp
 * program.  Whenever any policy, allow/deny rule or default action is
 * given, io_uring_setup, io_uring_enter and io_uring_register are denied
 * (EPERM) unless a rule allows them by name (or as @io-uring; @aio does
 * not count): io_uring would run socket(), connect(), openat()... inside
 * the kernel, out of the filter's sight.  -EINVAL for an
 * unknown name (err lists the nearest names). */
int vb_config_seccomp_allow(vb_config *cfg, const char *what, vb_error *err);
int vb_config_seccomp_deny(vb_config *cfg, const char *what, vb_error *err);
/* --seccomp-default-action enosys|eperm|kill|log|allow: for syscalls no rule
 * names (default: the last policy's, else allow).  Syscalls newer than the
 * linked libseccomp get ENOSYS whatever the errno default. */
int vb_config_seccomp_default_action(vb_config *cfg, const char *action, vb_error *err);
/* --seccomp-learn FILE: run the command under a filter that reports each
 * system call to the caller (seccomp user notification; Linux 5.5 or
 * later), and when the sandbox has exited write the calls the command and
 * its children made as a policy file for vb_config_seccomp_policy():
 * "default eperm" and one "allow NAME" per call, sorted, plus execve, exit
 * and exit_group, which every command needs.  Other seccomp options still
 * apply: what they deny is not recorded.
 *
 * The calls are answered while vb_sandbox_wait() runs (the command waits
 * in each call until then), which also writes FILE; processes left behind
 * after that get ENOSYS for every call.  FILE's directory is opened now,
 * FILE is made by vb_spawn() (unnamed until the end: nothing is left if the
 * caller dies), all with the caller's real uid's rights, and renamed over
 * FILE atomically (a symlink at FILE is replaced, not followed).  The path
 * is copied; calling again replaces the earlier FILE.  -EINVAL for an empty
 * name or one naming a directory, -errno when the directory can't be
 * opened; vb_spawn() fails with -errno when FILE can't be created,
 * vb_sandbox_wait() when it can't be written. */
int vb_config_seccomp_learn(vb_config *cfg, const char *path, vb_error *err);
/* --seccomp-policy-dump NAME: writes the policy's text (the file syntax),
 * or a @group's members as one "allow" line, into buf; a policy file that
 * does not allow io_uring by name gets the implicit "deny @io-uring" line
 * after its text.  Returns its length, -ENOBUFS when it does not fit,
 * -EINVAL for an unknown name. */
int vb_seccomp_policy_dump(const char *name, char *buf, size_t size, vb_error *err);
/* --allow-tiocsti: without it every sandbox runs under a filter that
 * refuses ioctl(TIOCSTI) and ioctl(TIOCLINUX) with EPERM (the command could
 * otherwise push input into, or take over, a terminal it inherited; flatpak
 * refuses the same two).  on = true lifts that filter, as does a policy
 * rule "allow @tiocsti".  Job control is not affected. */
int vb_config_allow_tiocsti(vb_config *cfg, bool on, vb_error *err);
/* --landlock[=strict]: restrict the command to the paths the op list made
 * visible, with the rights the ops gave them.  Without strict, what the
 * kernel's Landlock ABI lacks is dropped with a warning through the log
 * function; with strict vb_spawn() fails instead. */
int vb_config_landlock(vb_config *cfg, bool strict, vb_error *err);
/* --landlock-scope LIST: comma-separated "signal", "abstract-unix" (Landlock
 * ABI 6 scoping; implies --landlock). */
int vb_config_landlock_scope(vb_config *cfg, const char *scopes, vb_error *err);
/* --pty: the command gets a new pseudo-terminal, relayed to the caller's
 * terminal (stdin must be a tty: vb_spawn() fails with -ENOTTY otherwise). */
int vb_config_pty(vb_config *cfg, vb_error *err);
/* vb --check-host [--json]: what this host can run.  Writes a report (text,
 * or one JSON object with VB_CHECK_JSON) into buf; returns the number of
 * checks that failed (>= 0), -ENOBUFS when buf is too small.  vb_path is the
 * installed vb (for the setuid check), or NULL. */
enum { VB_CHECK_JSON = 1u << 0 };
int vb_check_host(unsigned flags, const char *vb_path, char *buf, size_t size, vb_error *err);

/* ---- networking (lib/net.c) ---------------------------------------------- */

/* --net SPEC: "none" (a new namespace, loopback only, as --unshare-net),
 * "bridge" or "bridge:NAME" (default bridge vb0: a veth on the bridge as
 * eth0, an address leased from the subnet, default route and NAT through
 * the host; needs root, or setuid with a grant in /etc/voidbox/network.conf),
 * "pasta" (pasta(1) attached to the sandbox: works unprivileged), or
 * "ns:PATH" (join an existing network namespace).  -EINVAL otherwise. */
int vb_config_net(vb_config *cfg, const char *spec, vb_error *err);
/* --subnet CIDR (IPv4, default 10.88.0.0/16, gateway .1), --ip ADDR (taken
 * only if free), --mac ADDR, --mtu N (576..65535), --no-nat (the upstream
 * sees the sandbox's own address), --ipv6 and --subnet6 CIDR (default
 * fd56:6f69:6462::/64), --publish [HOSTIP:]HOSTPORT:PORT[/tcp|/udp]
 * (repeatable: DNAT from the host's addresses to the sandbox), --dns ADDR
 * (repeatable: the sandbox's resolv.conf; default the host's resolvers with
 * loopback ones replaced by their upstreams).  Strings are copied; -EINVAL
 * with err filled on malformed input.  They apply to --net given before or
 * after; without any --net, vb_spawn() fails. */
int vb_config_net_subnet(vb_config *cfg, const char *cidr, vb_error *err);
int vb_config_net_ip(vb_config *cfg, const char *addr, vb_error *err);
int vb_config_net_mac(vb_config *cfg, const char *mac, vb_error *err);
int vb_config_net_mtu(vb_config *cfg, unsigned mtu, vb_error *err);
int vb_config_net_no_nat(vb_config *cfg, vb_error *err);
int vb_config_net_ipv6(vb_config *cfg, vb_error *err);
int vb_config_net_subnet6(vb_config *cfg, const char *cidr, vb_error *err);
int vb_config_net_publish(vb_config *cfg, const char *spec, vb_error *err);
int vb_config_net_dns(vb_config *cfg, const char *addr, vb_error *err);
/* vb --net-prune: removes each bridge voidbox made, and its NAT rules (and
 * the nft table once empty), when no live sandbox holds a lease on it;
 * stale leases are swept first.  -errno with err filled. */
int vb_net_prune(vb_error *err);

/* ---- supervision: cgroups, rlimits, timeouts, events (lib/cgroup.c,
 * lib/supervise.c) ---------------------------------------------------------- */

/* Parsers for the values below, shared with vb(1) so that both accept the
 * same text.  All return 0, or -EINVAL (-ERANGE for an overflow).
 * vb_parse_size: bytes with an optional binary suffix K, M, G, T (also KB,
 *   KiB, ...; "64M" is 64 MiB), or "max"/"infinity" (UINT64_MAX).
 * vb_parse_duration: seconds with an optional fraction and a suffix
 *   ms, s, m, h, d ("1.5", "500ms", "2m"); *ret_usec in microseconds.
 * vb_parse_signal: a number, or a name with or without "SIG" (any case).
 * vb_parse_rlimit: "NAME=SOFT[:HARD]", NAME an RLIMIT_* name with or
 *   without "RLIMIT_" (any case), values numbers, sizes or "unlimited";
 *   HARD defaults to SOFT; -ERANGE when SOFT is above HARD, -EOVERFLOW
 *   for a value beyond 64 bits. */
#define VB_UNLIMITED UINT64_MAX
int vb_parse_size(const char *s, uint64_t *ret);
int vb_parse_duration(const char *s, uint64_t *ret_usec);
int vb_parse_signal(const char *s, int *ret);
int vb_parse_rlimit(const char *spec, int *ret_resource, uint64_t *ret_soft, uint64_t *ret_hard);

/* --status-fd FD: the event stream (newline-delimited JSON, see
 * vb-events(7)).  The fd stays the caller's.  A reader that goes away costs
 * one warning through the log function, never the sandbox. */
int vb_config_status_fd(vb_config *cfg, int fd, vb_error *err);
/* The same events to a callback: event is the name ("exited"), json the
 * whole object without the newline.  Called from vb_spawn() and
 * vb_sandbox_wait() in the calling thread. */
typedef void (*vb_event_fn)(void *userdata, const char *event, const char *json);
int vb_config_set_event_fn(vb_config *cfg, vb_event_fn fn, void *userdata, vb_error *err);

/* cgroup limits: the sandbox gets a cgroup of its own beneath the cgroup
 * the caller runs in (or vb_config_cgroup_parent()'s, a path as
 * /proc/self/cgroup shows it), cgroup v2 where the controller is delegated
 * there, else the host's v1 hierarchy.  A limit that cannot be applied
 * fails vb_spawn() with the file and the cause; the cgroup is removed when
 * the sandbox is freed.
 * --memory SIZE (bytes, memory.max), --memory-swap SIZE (swap on top of
 * --memory, memory.swap.max; v1: memory.memsw.limit_in_bytes = both),
 * --cpus N.N (cpu.max quota over a 100ms period), --cpu-weight 1..10000,
 * --pids-max N, --io-weight 1..10000 (v1: blkio.weight, scaled).
 * -EINVAL with err filled for a value out of range. */
int vb_config_memory(vb_config *cfg, uint64_t bytes, vb_error *err);
int vb_config_memory_swap(vb_config *cfg, uint64_t bytes, vb_error *err);
int vb_config_cpus(vb_config *cfg, double cpus, vb_error *err);
int vb_config_cpu_weight(vb_config *cfg, unsigned weight, vb_error *err);
int vb_config_pids_max(vb_config *cfg, uint64_t max, vb_error *err);
int vb_config_io_weight(vb_config *cfg, unsigned weight, vb_error *err);
int vb_config_cgroup_parent(vb_config *cfg, const char *path, vb_error *err);

/* --rlimit: resource is an RLIMIT_* number, soft/hard VB_UNLIMITED for
 * none; applied to the command after the credentials are dropped, so a
 * hard limit is never raised beyond the caller's. */
int vb_config_rlimit(vb_config *cfg, int resource, uint64_t soft, uint64_t hard, vb_error *err);

/* --timeout DURATION (usec > 0): then the command gets --timeout-signal
 * (default SIGTERM), the exit reason is VB_EXIT_TIMEOUT and the status 124
 * (as coreutils timeout(1)); --kill-after DURATION later, SIGKILL to
 * everything in the sandbox (status 137 when that is what ended it). */
int vb_config_timeout(vb_config *cfg, uint64_t usec, vb_error *err);
int vb_config_timeout_signal(vb_config *cfg, int sig, vb_error *err);
int vb_config_kill_after(vb_config *cfg, uint64_t usec, vb_error *err);

/* "X.Y.Z" */
const char *vb_version(void);

#ifdef __cplusplus
}
#endif
#endif
