/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The engine: clone into the namespaces, step the child through setup over
 * CLOEXEC pipes, wait, and undo.
 *
 * Parent                                Child (new namespaces)
 *   validate, prepare modules             |
 *   clone3 ------------------------------>| wait for "go"
 *   uid/gid maps, cgroup, network, info   |
 *   write "go" -------------------------->| mounts, pivot_root, locks,
 *                                         | [fork PID 1], credentials,
 *   read error pipe <---------------------| seccomp, exec (pipe closes)
 *   EOF = running; a record = failed: format bwrap's message, reap, unwind.
 *
 * Everything the child needs (environment, capability sets, cwd) is built
 * before clone, so the child allocates nothing.
 */
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <sys/file.h>
#include <sys/fsuid.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>

#include "fault.h"
#include "hooks.h"

#ifdef HAVE_SELINUX
#include <selinux/selinux.h>
#endif

extern char **environ;

static bool labels_supported(void)
{
#ifdef HAVE_SELINUX
	return is_selinux_enabled() > 0;
#else
	return false;
#endif
}

struct spawn_state {
	struct vb_child child;
	/* parent -> child, a socket pair: "g" once the maps are written (and
	 * the cgroup joined), "n" once the network is in place (with --net:
	 * the child builds its mounts meanwhile) */
	int go[2];
	int err[2]; /* child -> parent: a vb_child_error, or EOF at exec */
	int rep[2]; /* command -> parent: a vb_spawn_report (datagram socketpair) */
	char cwd[PATH_MAX];
	char *tty;
	char **envp;
	char **argv; /* the command with --argv0 applied (shares strings) */
};

/* ---- the child ------------------------------------------------------------ */

_Noreturn static void child_die(struct spawn_state *st)
{
	(void)vb_write_all(st->err[1], &st->child.ce, sizeof(st->child.ce));
	_exit(1);
}

/* The fds the caller handed to vb for vb's own use: none of them reaches
 * the command (bwrap closes --sync-fd before exec too).  Anything else the
 * caller passed stays open for the command, and everything vb opened
 * itself is CLOEXEC.  PID 1 keeps --sync-fd (it holds it for as long as
 * the sandbox runs); with --as-pid-1 there is no PID 1 and the command
 * keeps it, as in bwrap. */
static void close_config_fds(const vb_config *cfg, bool keep_sync)
{
	int fds[] = { cfg->info_fd,   cfg->json_status_fd,
		      cfg->block_fd,  cfg->userns_block_fd,
		      cfg->userns_fd, cfg->userns2_fd,
		      cfg->pidns_fd,  keep_sync ? -1 : cfg->sync_fd };

	for (size_t i = 0; i < ARRAY_SIZE(fds); i++)
		if (fds[i] > 2)
			(void)close(fds[i]);
	for (size_t i = 0; i < cfg->n_seccomp_fds; i++)
		if (cfg->seccomp_fds[i] > 2)
			(void)close(cfg->seccomp_fds[i]);
	for (size_t i = 0; i < cfg->n_ops; i++)
		if (cfg->ops[i].fd > 2)
			(void)close(cfg->ops[i].fd);
}

static int read_one_byte(int fd)
{
	char b;
	ssize_t n;

	do
		n = read(fd, &b, 1);
	while (n < 0 && errno == EINTR);
	return n == 1 ? 0 : (n < 0 ? -errno : -EPIPE);
}

/* --die-with-parent: (again) after every credential change, which clears
 * the parent-death signal.  The parent may already be gone, and then the
 * signal never comes: getppid() shows it outside a new PID namespace;
 * across one (where it is always 0) the parent's pidfd, taken before
 * clone, does.  Also PID 1's, from pid1_run(). */
int vb_child_pdeathsig(struct vb_child *c)
{
	struct pollfd p = { .fd = c->parent_pidfd, .events = POLLIN };

	if (!c->cfg->die_with_parent)
		return 0;
	if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0)
		return vb_child_fail(c, VB_STAGE_PRIVS, -1, errno, "prctl");
	if (getppid() != c->parent_pid || (p.fd >= 0 && poll(&p, 1, 0) > 0))
		_exit(1);
	return 0;
}

static int choose_cwd(struct spawn_state *st)
{
	struct vb_child *c = &st->child;
	const vb_config *cfg = c->cfg;
	const char *cwd = "/";

	if (cfg->chdir_path) {
		if (chdir(cfg->chdir_path) < 0)
			return vb_child_fail(c, VB_STAGE_EXEC, -1, errno, "Can't chdir to %s",
					     cfg->chdir_path);
		cwd = cfg->chdir_path;
	} else if (st->cwd[0] && chdir(st->cwd) == 0) {
		cwd = st->cwd;
	} else {
		const char *home = NULL;

		for (char **e = st->envp; *e; e++)
			if (strncmp(*e, "HOME=", 5) == 0)
				home = *e + 5;
		if (home && chdir(home) == 0)
			cwd = home;
		else if (chdir("/") < 0)
			return vb_child_fail(c, VB_STAGE_EXEC, -1, errno, "chdir /");
	}
	snprintf(c->pwd_buf, sizeof(c->pwd_buf), "PWD=%s", cwd);
	st->envp[c->pwd_index] = c->pwd_buf;
	return 0;
}

static int take_locks(struct vb_child *c)
{
	const vb_config *cfg = c->cfg;

	for (size_t i = 0; i < cfg->n_lock_files && i < ARRAY_SIZE(c->lock_fds); i++) {
		struct flock l = { .l_type = F_RDLCK, .l_whence = SEEK_SET };
		int fd = open(cfg->lock_files[i], O_RDONLY | O_CLOEXEC);

		if (fd < 0)
			return vb_child_fail(c, VB_STAGE_MOUNT, -1, errno,
					     "Unable to open lock file %s", cfg->lock_files[i]);
		if (fcntl(fd, F_SETLK, &l) < 0)
			return vb_child_fail(c, VB_STAGE_MOUNT, -1, errno, "Unable to lock file %s",
					     cfg->lock_files[i]);
		c->lock_fds[c->n_lock_fds++] = fd;
	}
	return 0;
}

#define CHILD_TRY(st, expr)            \
	do {                           \
		if ((expr) < 0)        \
			child_die(st); \
	} while (0)

/* The command, before its seccomp filter: its namespaces as it sees them
 * and, through the kernel's credentials on the datagram, its pid as the
 * parent sees it.  Nothing here can race the command's exit: the parent
 * reads it after the exec.  Allocates nothing, and writes no memory it may
 * share with PID 1 (spawn_command()'s CLONE_VM). */
static void send_report(struct spawn_state *st)
{
	struct vb_child *c = &st->child;
	struct vb_spawn_report rep = { 0 };
	char path[32];
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct iovec iov = { .iov_base = &rep, .iov_len = sizeof(rep) };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1 };
	int master = pty_child_master(c->sb);

	for (size_t i = 0; i < VB_NS_REPORT_N; i++) {
		struct stat sb;

		snprintf(path, sizeof(path), "self/ns/%s", vb_ns_names[i]);
		if (c->proc_fd >= 0 && fstatat(c->proc_fd, path, &sb, 0) == 0)
			rep.ino[i] = (uint64_t)sb.st_ino;
	}
	if (master >= 0) {
		/* --pty: the master of the pty opened inside (lib/pty.c). */
		struct cmsghdr *h;

		memset(&u, 0, sizeof(u));
		m.msg_control = u.buf;
		m.msg_controllen = sizeof(u.buf);
		h = CMSG_FIRSTHDR(&m);
		h->cmsg_level = SOL_SOCKET;
		h->cmsg_type = SCM_RIGHTS;
		h->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(h), &master, sizeof(int));
	}
	(void)sendmsg(st->rep[1], &m, MSG_NOSIGNAL | MSG_DONTWAIT);
	(void)close(st->rep[1]);
	if (master >= 0)
		(void)close(master);
}

/* The command's side, from PID 1's fork (if any) to exec.  mask: the
 * signal mask to restore (PID 1 blocked everything around the fork), or
 * NULL without a PID 1. */
_Noreturn static void run_command(struct spawn_state *st, const sigset_t *mask)
{
	struct vb_child *c = &st->child;
	const vb_config *cfg = c->cfg;
	vb_error err = { 0 };

	if (mask) {
		(void)sigprocmask(SIG_SETMASK, mask, NULL);
		for (size_t i = 0; i < c->n_lock_fds; i++)
			(void)close(c->lock_fds[i]);
		c->parent_pid = getppid();
		CHILD_TRY(st, vb_child_pdeathsig(c));
	}

	if (cfg->new_session && setsid() < 0)
		CHILD_TRY(st, vb_child_fail(c, VB_STAGE_EXEC, -1, errno, "setsid"));
	if (vb_fault("child-caps") < 0)
		CHILD_TRY(st, vb_child_fail(c, VB_STAGE_PRIVS, -1, EIO, "capset failed"));
	CHILD_TRY(st, caps_drop_privileges(c, true));
	/* A credential change clears the parent-death signal. */
	CHILD_TRY(st, vb_child_pdeathsig(c));
	CHILD_TRY(st, choose_cwd(st));
	if (sup_apply_child(c->sb, &err) < 0 || pty_child(c->sb, &err) < 0)
		CHILD_TRY(st, vb_child_fail_err(c, &err, EIO));
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		CHILD_TRY(st, vb_child_fail(c, VB_STAGE_PRIVS, -1, errno,
					    "prctl(PR_SET_NO_NEW_PRIVS) failed"));
	/* Before anything of the command's runs (PID 1 is dumpable). */
	if (mask && c->pid1_enterable && sec_pid1_guard_child(&err) < 0)
		CHILD_TRY(st, vb_child_fail_err(c, &err, EIO));
	if (cfg->ready_fd >= 0)
		(void)vb_write_all(cfg->ready_fd, "r", 1);
	if (cfg->block_fd >= 0)
		(void)read_one_byte(cfg->block_fd);
	/* --exec-label: the kernel interface setexeccon() uses, without its
	 * allocation. */
	if (cfg->exec_label) {
		int r = vb_write_file_at(c->proc_fd, "thread-self/attr/exec", cfg->exec_label);

		/* bwrap's words for a label the kernel refused. */
		if (r < 0)
			CHILD_TRY(st, vb_child_fail(c, VB_STAGE_EXEC, -1, -r, "label_exec %s",
						    cfg->argv[0]));
	}
	close_config_fds(cfg, cfg->as_pid_1);
	send_report(st);
	if (c->proc_fd >= 0)
		(void)close(c->proc_fd);
	/* Last: once the filter is loaded, only exec is left to do. */
	if (sec_apply_child(c->sb, &err) < 0)
		CHILD_TRY(st, vb_child_fail_err(c, &err, EIO));
	sup_mark(c->sb, VB_SUP_SECCOMP);

	environ = st->envp;
	execvp(cfg->argv[0], st->argv);
	(void)vb_child_fail(c, VB_STAGE_EXEC, -1, errno, "execvp %s", cfg->argv[0]);
	child_die(st);
}

struct command_args {
	struct spawn_state *st;
	const sigset_t *mask;
};

static int command_main(void *arg)
{
	const struct command_args *a = arg;

	run_command(a->st, a->mask);
}

/* AddressSanitizer tracks one stack per thread: a clone onto another stack
 * makes it warn on stderr ("ignoring requested __asan_handle_no_return")
 * and it may report false positives after, so its builds fork. */
#if defined(__SANITIZE_ADDRESS__)
#define VB_SAN_STACKS 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define VB_SAN_STACKS 1
#endif
#endif
#ifndef VB_SAN_STACKS
#define VB_SAN_STACKS 0
#endif

/* PID 1's child, the command.  A clone that shares PID 1's memory until its
 * exec (CLONE_VM | CLONE_VFORK, as posix_spawn() does): no page tables
 * copied, no copy-on-write faults on either side, and PID 1 sleeps until
 * the exec, so the command has the CPU at once and PID 1's own setup waits
 * until the command runs.  Nothing the command's side writes to memory
 * matters to PID 1 (its errno, its copy of the environment pointer); the
 * dumpable flag belongs to the memory, so it stays 0 until the exec, which
 * sets it from the command's credentials whatever it was.  A plain fork
 * with --block-fd, where the command may wait a long time before its exec
 * (PID 1 forwards signals meanwhile), and with events (kept from when
 * "spawned" read the command's pid from PID 1's children, which a PID 1
 * resuming at the exec could reap first; the command now reports its pid
 * itself before the exec, send_report()). */
static pid_t spawn_command(struct spawn_state *st, const sigset_t *mask, int dumpable)
{
	static char stack[256 * 1024] __attribute__((aligned(16)));
	struct command_args a = { .st = st, .mask = mask };
	pid_t pid;

	if (!VB_SAN_STACKS && st->child.cfg->block_fd < 0 && !sup_has_events(st->child.sb))
		return clone(command_main, stack + sizeof(stack), CLONE_VM | CLONE_VFORK | SIGCHLD,
			     &a);
	pid = fork();
	if (pid == 0) {
		/* The flag as it was (0 in setuid mode). */
		if (dumpable > 0)
			(void)prctl(PR_SET_DUMPABLE, dumpable, 0, 0, 0);
		run_command(st, mask);
	}
	return pid;
}

_Noreturn static void run_child(struct spawn_state *st)
{
	struct vb_child *c = &st->child;
	const vb_config *cfg = c->cfg;
	vb_error err = { 0 };
	sigset_t all, prev;
	bool need_init;
	int dumpable;
	pid_t pid, parent;

	vb_fault_child();
	if (c->sb->have_child_sigmask)
		(void)sigprocmask(SIG_SETMASK, &c->sb->child_sigmask, NULL);
	(void)close(st->go[1]);
	(void)close(st->err[0]);
	(void)close(st->rep[0]);
	/* The parent as this process sees it (0 across a new pid namespace).
	 * A parent that died before this point closes the go pipe. */
	c->parent_pid = getppid();
	CHILD_TRY(st, vb_child_pdeathsig(c));

	/* The parent writes the id maps, sets up cgroup and network, then
	 * says go.  EOF means it gave up: leave quietly. */
	if (read_one_byte(st->go[0]) < 0)
		_exit(1);
	if (!c->sb->net)
		(void)close(st->go[0]);
	if (vb_fault("child-go") < 0)
		CHILD_TRY(st, vb_child_fail(c, VB_STAGE_MOUNT, -1, EIO, "setup failed"));
	if (cfg->userns_block_fd >= 0) {
		(void)read_one_byte(cfg->userns_block_fd);
		(void)close(cfg->userns_block_fd);
	}
	/* Cloned by a setuid vb that kept root in its saved ids (setuid_net):
	 * not here.  Our ids are mapped now, so they can be named. */
	if (c->sb->setuid_net && (setresgid((gid_t)-1, (gid_t)-1, getegid()) < 0 ||
				  setresuid((uid_t)-1, (uid_t)-1, geteuid()) < 0))
		CHILD_TRY(st,
			  vb_child_fail(c, VB_STAGE_PRIVS, -1, errno, "unable to switch to uid"));
	net_child_start(c->sb);

	if ((c->ns & VB_NS_NET) && !cfg->net && ns_loopback_up() < 0)
		CHILD_TRY(st, vb_child_fail(c, VB_STAGE_NETWORK, -1, errno,
					    "loopback: Failed RTM_NEWLINK"));
	c->proc_fd = open("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (c->proc_fd < 0)
		CHILD_TRY(st, vb_child_fail(c, VB_STAGE_MOUNT, -1, errno, "Can't open /proc"));

	CHILD_TRY(st, mnt_enter_base(c));
	CHILD_TRY(st, mnt_apply_ops(c));
	/* The parent made the veth (or started pasta) while the mounts
	 * above were built. */
	if (c->sb->net) {
		if (read_one_byte(st->go[0]) < 0)
			_exit(1);
		(void)close(st->go[0]);
	}
	if (net_setup_child(c->sb, "/newroot", &err) < 0)
		CHILD_TRY(st, vb_child_fail_err(c, &err, EIO));
	/* Never the host's name, whatever the config says (bwrap's guard). */
	if (cfg->hostname && !(c->ns & VB_NS_UTS))
		CHILD_TRY(st, vb_child_fail(c, VB_STAGE_MOUNT, -1, EPERM,
					    "Refusing to set hostname in original namespace"));
	if (cfg->hostname && sethostname(cfg->hostname, strlen(cfg->hostname)) < 0)
		CHILD_TRY(st, vb_child_fail(c, VB_STAGE_MOUNT, -1, errno,
					    "Can't set hostname to %s", cfg->hostname));
	CHILD_TRY(st, mnt_enter_newroot(c));
	sup_mark(c->sb, VB_SUP_MOUNTS);
	if (vb_fault("child-newroot") < 0)
		CHILD_TRY(st, vb_child_fail(c, VB_STAGE_MOUNT, -1, EIO, "pivot_root"));
	CHILD_TRY(st, take_locks(c));

	if (cfg->userns2_fd >= 0 && setns(cfg->userns2_fd, CLONE_NEWUSER) < 0)
		CHILD_TRY(st,
			  vb_child_fail(c, VB_STAGE_PRIVS, -1, errno, "Setting userns2 failed"));
	if (cfg->disable_userns &&
	    ns_disable_userns(c->proc_fd, c->sandbox_uid, c->sandbox_gid) < 0)
		CHILD_TRY(st, vb_child_fail(c, VB_STAGE_PRIVS, -1, errno,
					    "sysctl user.max_user_namespaces = 1"));
	if (cfg->assert_userns_disabled && unshare(CLONE_NEWUSER) == 0)
		CHILD_TRY(st,
			  vb_child_fail(
				  c, VB_STAGE_PRIVS, -1, 0,
				  "creation of new user namespaces was not disabled as requested"));

	/* bwrap's rule for when an init process is needed. */
	need_init = !cfg->as_pid_1 &&
		    ((c->ns & VB_NS_PID) || cfg->n_lock_files > 0 || cfg->sync_fd >= 0);
	if (!need_init)
		run_command(st, NULL);

	/* PID 1 is born non-dumpable (see pid1_run()): set after the fork,
	 * the command could race it and attach first.  Every signal stays
	 * blocked until pid1_run() has its handlers in place: blocked, a
	 * signal for PID 1 is queued, where an init's default disposition
	 * would drop it. */
	dumpable = prctl(PR_GET_DUMPABLE, 0, 0, 0, 0);
	(void)prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	sigfillset(&all);
	(void)sigprocmask(SIG_BLOCK, &all, &prev);
	parent = c->parent_pid;
	pid = spawn_command(st, &prev, dumpable);
	if (pid < 0)
		CHILD_TRY(st, vb_child_fail(c, VB_STAGE_EXEC, -1, errno, "Can't fork for pid 1"));
	/* Sharing this memory, the command set its own parent (this process)
	 * there; PID 1's --die-with-parent check needs vb. */
	c->parent_pid = parent;
	/* Only the command reports; its exec closes the pipe. */
	(void)close(st->err[1]);
	(void)close(st->rep[1]);
	close_config_fds(cfg, true);
	learn_pid1(c->sb);
	pid1_run(c, pid, &prev);
}

/* ---- the parent ----------------------------------------------------------- */

static void spawn_state_free(struct spawn_state *st)
{
	if (!st)
		return;
	for (int i = 0; i < 2; i++) {
		if (st->go[i] >= 0)
			(void)close(st->go[i]);
		if (st->err[i] >= 0)
			(void)close(st->err[i]);
		if (st->rep[i] >= 0)
			(void)close(st->rep[i]);
	}
	if (st->envp) {
		for (char **e = st->envp; *e; e++)
			if (*e != st->child.pwd_buf)
				free(*e);
		free(st->envp);
	}
	free(st->argv);
	free(st->tty);
	caps_release(&st->child);
	mnt_release_sources(&st->child);
	if (st->child.parent_pidfd >= 0)
		(void)close(st->child.parent_pidfd);
	free(st);
}

static bool env_name_is(const char *entry, const char *name)
{
	size_t n = strlen(name);

	return strncmp(entry, name, n) == 0 && entry[n] == '=';
}

/* environ + --clearenv/--setenv/--unsetenv in order, and a slot for PWD. */
static int build_env(struct spawn_state *st, const vb_config *cfg)
{
	size_t n = 0, cap;
	char **env;

	for (char **e = environ; e && *e; e++)
		n++;
	cap = n + cfg->n_env + 2;
	env = calloc(cap, sizeof(char *));
	if (!env)
		return -ENOMEM;
	n = 0;
	for (char **e = environ; e && *e; e++) {
		if (!(env[n] = strdup(*e)))
			goto oom;
		n++;
	}
	for (size_t i = 0; i < cfg->n_env; i++) {
		const struct vb_env_edit *ed = &cfg->env[i];
		size_t w = 0;

		if (ed->kind == VB_ENV_CLEAR) {
			for (size_t k = 0; k < n; k++)
				free(env[k]);
			n = 0;
			continue;
		}
		if (ed->kind == VB_ENV_SET) {
			/* setenv(3) semantics, as bwrap edits its own
			 * environment: a variable keeps its place. */
			size_t len = strlen(ed->name) + strlen(ed->value) + 2, k;
			char *entry = malloc(len);

			if (!entry)
				goto oom;
			snprintf(entry, len, "%s=%s", ed->name, ed->value);
			for (k = 0; k < n && !env_name_is(env[k], ed->name); k++)
				;
			if (k < n)
				free(env[k]);
			else
				n++;
			env[k] = entry;
			continue;
		}
		for (size_t k = 0; k < n; k++) {
			if (env_name_is(env[k], ed->name))
				free(env[k]);
			else
				env[w++] = env[k];
		}
		n = w;
	}
	/* PWD is the directory the command really starts in (set in the
	 * child); any inherited value is replaced. */
	{
		size_t w = 0;

		for (size_t k = 0; k < n; k++) {
			if (env_name_is(env[k], "PWD"))
				free(env[k]);
			else
				env[w++] = env[k];
		}
		n = w;
	}
	st->child.pwd_index = (int)n;
	env[n] = NULL; /* filled by the child; until then the list ends here */
	env[n + 1] = NULL;
	st->envp = env;
	return 0;
oom:
	for (size_t k = 0; k < n; k++)
		free(env[k]);
	free(env);
	return -ENOMEM;
}

static void undo_kill_child(void *data)
{
	struct vb_sandbox *sb = data;

	if (sb->exited || sb->pid <= 0)
		return;
	if (sb->pidfd >= 0)
		(void)syscall(SYS_pidfd_send_signal, sb->pidfd, SIGKILL, NULL, 0);
	else
		(void)kill(sb->pid, SIGKILL);
	while (waitpid(sb->pid, NULL, 0) < 0 && errno == EINTR)
		;
	sb->exited = true;
}

static void undo_close_fd(void *data)
{
	int *fd = data;

	if (*fd >= 0)
		(void)close(*fd);
	*fd = -1;
}

/* The command's report, queued before its exec (so before the EOF just
 * seen): the command's pid from the datagram's credentials, which the
 * kernel gives in this process's pid namespace. */
static void receive_report(struct vb_sandbox *sb, int fd)
{
	struct vb_spawn_report rep;
	union {
		char buf[CMSG_SPACE(sizeof(struct ucred)) + CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct iovec iov = { .iov_base = &rep, .iov_len = sizeof(rep) };
	struct msghdr m = { .msg_iov = &iov,
			    .msg_iovlen = 1,
			    .msg_control = u.buf,
			    .msg_controllen = sizeof(u.buf) };
	ssize_t n;

	do
		n = recvmsg(fd, &m, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return;
	for (struct cmsghdr *h = CMSG_FIRSTHDR(&m); h; h = CMSG_NXTHDR(&m, h)) {
		struct ucred cred;
		int mfd;

		if (h->cmsg_level != SOL_SOCKET)
			continue;
		if (h->cmsg_type == SCM_RIGHTS && h->cmsg_len == CMSG_LEN(sizeof(int))) {
			memcpy(&mfd, CMSG_DATA(h), sizeof(int));
			pty_take_master(sb, mfd);
		} else if (h->cmsg_type == SCM_CREDENTIALS && n == (ssize_t)sizeof(rep)) {
			memcpy(&cred, CMSG_DATA(h), sizeof(cred));
			if (cred.pid > 0) {
				sb->command_pid = cred.pid;
				sb->report = rep;
			}
		}
	}
}

static bool host_is_root(void)
{
	return getuid() == 0;
}

static int spawn_start(struct vb_sandbox *sb, struct spawn_state *st, vb_error *err)
{
	vb_config *cfg = sb->cfg;
	struct vb_child *c = &st->child;
	struct vb_child_error ce;
	unsigned long flags;
	ssize_t n;
	int r;

	c->sb = sb;
	c->cfg = cfg;
	c->proc_fd = -1;
	c->parent_pidfd = -1;
	c->ce.op_index = -1;

	/* Which namespaces.  An ordinary user needs a user namespace for
	 * any of this, as in bwrap. */
	c->ns = cfg->unshare | net_required_ns(cfg);
	/* --timeout: a pid namespace, so that the command cannot stop or kill
	 * what enforces it (lib/supervise/supervise.c). */
	if (sup_needs_pidns(cfg))
		c->ns |= VB_NS_PID;
	if (!host_is_root() && !cfg->is_privileged && cfg->userns_fd < 0)
		c->ns |= VB_NS_USER;
	if ((c->ns & VB_NS_CGROUP) && (cfg->unshare_try & VB_NS_CGROUP) &&
	    access("/proc/self/ns/cgroup", F_OK) < 0)
		c->ns &= ~(unsigned)VB_NS_CGROUP;

	sb->privileged = cfg->is_privileged;
	if (cfg->is_privileged && (c->ns & VB_NS_USER) && net_needs_root(cfg)) {
		/* Setuid with a user namespace and --net bridge: everything
		 * runs as the user could run it, the sandbox included, but the
		 * bridge, its veth and nft rules need root in this process, at
		 * setup and at teardown.  So only the effective ids become the
		 * user's; root stays in the saved ones, for lib/net.c alone
		 * (net_priv_enter).  The user cannot ptrace a process whose
		 * saved uid and permitted capabilities are not theirs. */
		if (cfg->userns_block_fd >= 0)
			/* The caller would write the maps of a child that is
			 * not dumpable (below): its /proc files are root's. */
			return vb_err(err, VB_STAGE_CONFIG, -1, 0,
				      "--userns-block-fd is not supported with --net bridge in "
				      "setuid mode");
		if (setresgid((gid_t)-1, cfg->real_gid, (gid_t)-1) < 0 ||
		    setresuid((uid_t)-1, cfg->real_uid, (uid_t)-1) < 0)
			return vb_err(err, VB_STAGE_PRIVS, -1, errno, "unable to drop privileges");
		/* Not dumpable, and the child is born so: until it has given
		 * up the saved root and closed the root-opened rtnetlink
		 * socket (net_child_start), its mm is the one it shares with
		 * this process, outside its user namespace, and only that
		 * keeps the user's ptrace, /proc/PID/mem and pidfd_getfd off
		 * it.  Its id maps are then written with root (below). */
		(void)prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
		sb->privileged = false;
		sb->setuid_net = true;
		sb->nodump = true;
	} else if (cfg->is_privileged && (c->ns & VB_NS_USER)) {
		/* Setuid with a user namespace: nothing needs root, so give it
		 * up now; the rest runs exactly as the user could run it. */
		if (setresgid(cfg->real_gid, cfg->real_gid, cfg->real_gid) < 0 ||
		    setresuid(cfg->real_uid, cfg->real_uid, cfg->real_uid) < 0)
			return vb_err(err, VB_STAGE_PRIVS, -1, errno, "unable to drop privileges");
		/* Stay ptrace/proc-writable for our own id-map writes. */
		(void)prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
		sb->privileged = false;
	}
	c->setuid_mode = sb->privileged;
	if (c->setuid_mode) {
		/* User-supplied paths are resolved with the user's rights:
		 * the kernel checks fsuid/fsgid, and drops the DAC-overriding
		 * capabilities from the effective set while they are not 0. */
		(void)setfsgid(cfg->real_gid);
		(void)setfsuid(cfg->real_uid);
	}
	/* Any credential change (fsuid included) cleared the death signal
	 * vb_run() asked for; ask again. */
	if (cfg->die_with_parent && sb->forward_signals)
		(void)prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	c->userns = (c->ns & VB_NS_USER) || cfg->userns_fd >= 0;
	c->sandbox_uid = cfg->have_uid ? cfg->uid : cfg->real_uid;
	c->sandbox_gid = cfg->have_gid ? cfg->gid : cfg->real_gid;

	if ((cfg->exec_label || cfg->file_label) && !labels_supported())
		return vb_err(err, VB_STAGE_PREPARE, -1, 0,
			      "labeling not supported on this system");

	/* What the child needs, built now: it must not allocate. */
	if (!getcwd(st->cwd, sizeof(st->cwd)))
		st->cwd[0] = '\0';
	if (isatty(1)) {
		const char *t = ttyname(1);

		if (t && !(st->tty = strdup(t)))
			return vb_err(err, VB_STAGE_PREPARE, -1, ENOMEM, "Out of memory");
	}
	c->host_tty = st->tty;
	r = build_env(st, cfg);
	if (r < 0)
		return vb_err(err, VB_STAGE_PREPARE, -1, -r, "Out of memory");
	st->argv = calloc((size_t)cfg->argc + 1, sizeof(char *));
	if (!st->argv)
		return vb_err(err, VB_STAGE_PREPARE, -1, ENOMEM, "Out of memory");
	for (int i = 0; i < cfg->argc; i++)
		st->argv[i] = cfg->argv[i];
	if (cfg->argv0)
		st->argv[0] = cfg->argv0;
	r = caps_prepare(c);
	if (r < 0)
		return vb_err(err, VB_STAGE_PREPARE, -1, -r, "Out of memory");
	/* Relative sources are the caller's cwd's, as in bwrap; resolved with
	 * the caller's rights (the fsuid above in setuid mode). */
	if ((r = mnt_resolve_sources(c, err)) < 0)
		return r;

	/* --seccomp-learn's FILE is created before joining a user namespace
	 * in which the caller's ids may not exist. */
	if ((r = learn_prepare(sb, err)) < 0)
		return r;

	/* Joining namespaces given as fds happens in the caller, before the
	 * clone, as bwrap does: the child is created inside them. */
	if (cfg->userns_fd >= 0 && setns(cfg->userns_fd, CLONE_NEWUSER) < 0)
		return vb_err(err, VB_STAGE_CLONE, -1, errno,
			      "Joining specified user namespace failed");
	if (cfg->pidns_fd >= 0 && setns(cfg->pidns_fd, CLONE_NEWPID) < 0)
		return vb_err(err, VB_STAGE_CLONE, -1, errno, "Setting pidns failed");

	/* Modules that work before the clone. */
	if ((r = pty_prepare(sb, err)) < 0 || (r = cg_prepare(sb, err)) < 0 ||
	    (r = net_prepare(sb, err)) < 0 || (r = sup_prepare(sb, err)) < 0)
		return r;

	/* An ordinary user's own sandbox (bwrap's: PID 1 lives in the user
	 * namespace the user owns) can be entered through its PID 1, which
	 * is then dumpable; the command is kept off it by Landlock
	 * (sec_pid1_guard_child()), which needs a PID namespace of its own to
	 * cost the command nothing.  Without Landlock's signal scope (ABI 6)
	 * PID 1 stays non-dumpable: safe, not enterable.  Not in setuid mode
	 * (bwrap refuses --userns there) nor for root, which needs none of it. */
	c->pid1_enterable = !cfg->as_pid_1 && (c->ns & VB_NS_PID) && c->userns &&
			    !cfg->is_privileged && cfg->real_uid != 0 && sec_pid1_guard_available();

	/* For the child's --die-with-parent check across a PID namespace. */
	if (cfg->die_with_parent)
		c->parent_pidfd = (int)syscall(SYS_pidfd_open, getpid(), 0);

	if (vb_fault("spawn-pipes") < 0)
		return vb_err(err, VB_STAGE_PREPARE, -1, EIO, "pipe2()");
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, st->go) < 0 ||
	    pipe2(st->err, O_CLOEXEC) < 0)
		return vb_err(err, VB_STAGE_PREPARE, -1, errno, "pipe2()");
	if (socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, st->rep) < 0 ||
	    setsockopt(st->rep[0], SOL_SOCKET, SO_PASSCRED, &(int){ 1 }, sizeof(int)) < 0)
		return vb_err(err, VB_STAGE_PREPARE, -1, errno, "socketpair()");

	if (vb_fault("spawn-clone") < 0)
		return vb_err(err, VB_STAGE_CLONE, -1, EIO, "Creating new namespace failed");
	flags = ns_clone_flags(c->ns);
	sb->pid = ns_clone(flags, sb->cgroup_fd, &sb->pidfd);
	if (sb->cgroup_fd >= 0 && (sb->pid == -EINVAL || sb->pid == -EOPNOTSUPP ||
				   sb->pid == -EACCES || sb->pid == -EBUSY)) {
		/* CLONE_INTO_CGROUP refused (older kernel, a delegation that
		 * does not allow it): clone plainly, cg_attach() moves it. */
		(void)close(sb->cgroup_fd);
		sb->cgroup_fd = -1;
		sb->pid = ns_clone(flags, -1, &sb->pidfd);
	}
	if (sb->pid == -EPERM || sb->pid == -EINVAL || sb->pid == -ENOSPC || sb->pid == -EUSERS) {
		if ((c->ns & VB_NS_USER) && (cfg->unshare_try & VB_NS_USER) &&
		    (host_is_root() || sb->privileged)) {
			/* --unshare-user-try: go on without one. */
			c->ns &= ~(unsigned)VB_NS_USER;
			c->userns = cfg->userns_fd >= 0;
			sb->pid = ns_clone(ns_clone_flags(c->ns), sb->cgroup_fd, &sb->pidfd);
		}
	}
	if (sb->pid < 0) {
		int e = -sb->pid;

		sb->pid = 0;
		if (e == ENOSPC)
			return vb_err(err, VB_STAGE_CLONE, -1, 0,
				      "Creating new namespace failed: nesting depth or "
				      "/proc/sys/user/max_*_namespaces exceeded (ENOSPC)");
		if (e == EPERM && (c->ns & VB_NS_USER) && !host_is_root())
			return vb_err(err, VB_STAGE_CLONE, -1, 0,
				      "No permissions to create new namespace, likely because the "
				      "kernel does not allow non-privileged user namespaces. "
				      "Run 'vb --check-host' for the cause and a fix.");
		return vb_err(err, VB_STAGE_CLONE, -1, e, "Creating new namespace failed");
	}
	if (sb->pid == 0)
		run_child(st);

	/* Parent.  From here on a failure kills and reaps the child. */
	sb->ns = c->ns;
	sup_after_clone(sb);
	/* run_child()'s rule for an init process. */
	sb->has_init = !cfg->as_pid_1 &&
		       ((c->ns & VB_NS_PID) || cfg->n_lock_files > 0 || cfg->sync_fd >= 0);
	sup_mark(sb, VB_SUP_CLONE);
	(void)pty_spawned(sb); /* sec: the slave is the child's now */
	r = vb_rollback_push(&sb->rb, undo_kill_child, sb, false);
	if (r < 0)
		return vb_err(err, VB_STAGE_CLONE, -1, -r, "Out of memory");
	r = vb_rollback_push(&sb->rb, undo_close_fd, &sb->pidfd, false);
	if (r < 0)
		return vb_err(err, VB_STAGE_CLONE, -1, -r, "Out of memory");
	(void)close(st->go[0]);
	st->go[0] = -1;
	(void)close(st->err[1]);
	st->err[1] = -1;
	(void)close(st->rep[1]);
	st->rep[1] = -1;

	if ((c->ns & VB_NS_USER) && cfg->userns_block_fd < 0) {
		r = vb_fault("spawn-idmap");
		/* setuid_net: the child is not dumpable, its /proc files are
		 * root's: root writes the maps (the ids of the user only). */
		if (r == 0 && sb->setuid_net && setresuid((uid_t)-1, 0, (uid_t)-1) < 0)
			r = -errno;
		if (r == 0)
			r = ns_write_id_maps(sb->pid, c->sandbox_uid, cfg->real_uid, c->sandbox_gid,
					     cfg->real_gid, cfg->real_uid != 0);
		if (sb->setuid_net && geteuid() == 0) {
			if (setresuid((uid_t)-1, cfg->real_uid, (uid_t)-1) < 0)
				abort(); /* cannot fail with euid 0; never go on as root */
			(void)prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
			if (cfg->die_with_parent && sb->forward_signals)
				(void)prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
		}
		if (r < 0)
			return vb_err(err, VB_STAGE_IDMAP, -1, -r, "setting up uid map");
	}
	sup_mark(sb, VB_SUP_IDMAP);
	if ((r = cg_attach(sb, err)) < 0)
		return r;
	sup_mark(sb, VB_SUP_CGROUP);
	/* With --net, the child goes on with its mounts while the network is
	 * set up here (a veth is a millisecond of the kernel's time), and
	 * waits for the second byte before it configures its interfaces. */
	if (sb->net) {
		if (vb_fault("spawn-go") < 0)
			return vb_err(err, VB_STAGE_PREPARE, -1, EIO, "Can't write to child");
		r = vb_write_all(st->go[1], "g", 1);
		if (r < 0)
			return vb_err(err, VB_STAGE_PREPARE, -1, -r, "Can't write to child");
	}
	if ((r = net_setup_parent(sb, err)) < 0)
		return r;
	sup_mark(sb, VB_SUP_NETWORK);
	if (vb_fault("spawn-info") < 0)
		return vb_err(err, VB_STAGE_PREPARE, -1, EIO, "Write to info_fd");
	if ((r = status_write_info(sb, err)) < 0)
		return r;
	if ((r = sup_spawned(sb, err)) < 0)
		return r;
	net_spawned(sb);

	/* Without a pid namespace (whose end takes everything in it down) or
	 * a cgroup (killed at teardown), nothing else bounds what the command
	 * leaves running: vb_run() makes vb the subreaper of the command's
	 * tree, so that orphans and daemons reparent to vb and are killed when
	 * the command ends.  Only now: pasta and other helpers that net setup
	 * started have already detached to init, and the command has not run
	 * yet, so nothing could have been orphaned before. */
	if (sb->forward_signals && !(c->ns & VB_NS_PID) && cfg->pidns_fd < 0 && !sb->cg &&
	    prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0)
		sb->reap_tree = true;

	if (!sb->net) {
		if (vb_fault("spawn-go") < 0)
			return vb_err(err, VB_STAGE_PREPARE, -1, EIO, "Can't write to child");
		r = vb_write_all(st->go[1], "g", 1);
		if (r < 0)
			return vb_err(err, VB_STAGE_PREPARE, -1, -r, "Can't write to child");
	} else {
		ssize_t w;

		/* A child whose mounts failed is gone: its error record is
		 * read below. */
		do
			w = send(st->go[1], "n", 1, MSG_NOSIGNAL);
		while (w < 0 && errno == EINTR);
		if (w < 0 && errno != EPIPE && errno != ECONNRESET)
			return vb_err(err, VB_STAGE_PREPARE, -1, errno, "Can't write to child");
	}
	(void)close(st->go[1]);
	st->go[1] = -1;

	/* EOF: the command's exec closed the last copy of the pipe.  The
	 * child may wait long before that (--block-fd, --userns-block-fd, a
	 * lock file): the caller's signals and --timeout still hold. */
	r = learn_wait_exec(sb, st->err[0], err);
	if (r < 0)
		return r;
	{
		struct pollfd p = { .fd = st->err[0], .events = POLLIN };

		r = vb_sandbox_poll(sb, &p, 1);
		if (r < 0)
			return vb_sandbox_cut(sb, r, err, "waiting for the sandbox to start");
	}
	do
		n = read(st->err[0], &ce, sizeof(ce));
	while (n < 0 && errno == EINTR);
	if (n == (ssize_t)sizeof(ce))
		return vb_child_error_take(&ce, err);
	if (n != 0) {
		/* A short record: the child died mid-write. */
		return vb_err(err, VB_STAGE_EXEC, -1, EPIPE, "Can't read from child");
	}
	receive_report(sb, st->rep[0]);
	sb->command_runs = true;
	r = learn_spawned(sb, err);
	if (r < 0)
		return r;
	sup_mark(sb, VB_SUP_EXEC);

	if (c->setuid_mode && net_needs_root(cfg) && !cfg->cg) {
		/* --net bridge without a user namespace: teardown removes the
		 * veth, the rules and the lease as root, so root waits in the
		 * saved ids (as with setuid_net); the effective ones, and with
		 * them every capability, are the user's from here on. */
		if (setresgid((gid_t)-1, cfg->real_gid, (gid_t)-1) < 0 ||
		    setresuid((uid_t)-1, cfg->real_uid, (uid_t)-1) < 0)
			return vb_err(err, VB_STAGE_PRIVS, -1, errno, "unable to drop privileges");
		(void)setfsgid(cfg->real_gid);
		(void)setfsuid(cfg->real_uid);
		sb->privileged = false;
		sb->setuid_net = true;
	}
	if (sb->setuid_net) {
		/* Setup is done: nothing needs our id maps written any more. */
		sb->nodump = true;
		(void)prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
		if (cfg->die_with_parent && sb->forward_signals)
			(void)prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	}
	if (c->setuid_mode && !net_needs_root(cfg) && !cfg->cg) {
		/* Nothing left that needs root: wait as the user. */
		(void)setresgid(cfg->real_gid, cfg->real_gid, cfg->real_gid);
		(void)setresuid(cfg->real_uid, cfg->real_uid, cfg->real_uid);
		/* The command has the same uid and user namespace as this
		 * process now: dumpable (fs.suid_dumpable=1 makes the drop
		 * leave it so), /proc/<vb>/root would be the host's root and
		 * ptrace would take over a process outside the sandbox. */
		(void)prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
		sb->privileged = false;
		if (cfg->die_with_parent && sb->forward_signals)
			(void)prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	}
	return 0;
}

int spawn_sandbox(vb_config *cfg, const struct spawn_opts *opts, vb_sandbox **ret, vb_error *err)
{
	struct vb_sandbox *sb;
	struct spawn_state *st;
	int r;

	if (!cfg || !ret)
		return vb_err(err, VB_STAGE_CONFIG, -1, EINVAL, "invalid argument");
	if (!cfg->validated) {
		r = vb_config_validate(cfg, err);
		if (r < 0)
			return r;
	}
	sb = calloc(1, sizeof(*sb));
	st = calloc(1, sizeof(*st));
	if (!sb || !st) {
		free(sb);
		free(st);
		return vb_err(err, VB_STAGE_PREPARE, -1, ENOMEM, "Out of memory");
	}
	st->go[0] = st->go[1] = st->err[0] = st->err[1] = st->rep[0] = st->rep[1] = -1;
	sb->cfg = cfg;
	sb->pidfd = -1;
	sb->cgroup_fd = -1;
	sb->setup_sigfd = -1;
	if (opts) {
		sb->forward_signals = opts->forward_signals;
		sb->have_child_sigmask = opts->have_child_sigmask;
		sb->child_sigmask = opts->child_sigmask;
		sb->setup_sigfd = opts->setup_sigfd;
	}
	(void)clock_gettime(CLOCK_MONOTONIC, &sb->start);

	r = spawn_start(sb, st, err);
	spawn_state_free(st);
	if (r < 0) {
		if (opts && opts->ret_setup_signal)
			*opts->ret_setup_signal = sb->setup_signal;
		if (opts && opts->ret_setup_timeout)
			*opts->ret_setup_timeout = sb->setup_timed_out;
		sup_setup_failed(sb, err);
		vb_rollback_unwind(&sb->rb);
		if (sb->cgroup_fd >= 0)
			(void)close(sb->cgroup_fd);
		free(sb);
		return r;
	}
	*ret = sb;
	return 0;
}

VB_EXPORT int vb_spawn(vb_config *cfg, vb_sandbox **ret, vb_error *err)
{
	return spawn_sandbox(cfg, NULL, ret, err);
}

VB_EXPORT vb_sandbox *vb_sandbox_free(vb_sandbox *sb)
{
	if (!sb)
		return NULL;
	/* Kills and reaps a sandbox still running, then removes what setup
	 * created (cgroup, network, ...), newest first. */
	vb_rollback_unwind(&sb->rb);
	if (sb->cgroup_fd >= 0)
		(void)close(sb->cgroup_fd);
	free(sb);
	return NULL;
}
