/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The engine's second half: wait for the sandbox to end while the modules'
 * waiters (timers, cgroup events, the pty relay, --seccomp-learn) run from
 * one poll loop, forward the caller's signals, reap what the command left,
 * and report the end.  vb_run() is vb_spawn() + this + vb_sandbox_free().
 */
#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "hooks.h"

/* Signals the outer process passes on (see pid1.c for the inner side). */
static const int outer_forwarded[] = {
	SIGHUP,  SIGINT,  SIGQUIT,  SIGUSR1, SIGUSR2, SIGALRM,
	SIGTERM, SIGCONT, SIGWINCH, SIGURG,  SIGPWR,
};

static void exit_from_status(vb_exit *ex, int st)
{
	if (WIFEXITED(st)) {
		ex->exit_code = WEXITSTATUS(st);
		ex->signal = 0;
		ex->status = ex->exit_code;
		ex->reason = VB_EXIT_EXITED;
	} else {
		ex->exit_code = -1;
		ex->signal = WIFSIGNALED(st) ? WTERMSIG(st) : 0;
		ex->status = 128 + ex->signal;
		ex->reason = VB_EXIT_SIGNALED;
	}
}

/* read_children: the pids of this thread's children, from
 * /proc/thread-self/children (CONFIG_PROC_CHILDREN), else from a scan of
 * /proc for our pid as PPid.  Returns the count (at most max), or -1 when
 * neither could be read. */
static int read_children(pid_t *pids, int max)
{
	char buf[4096];
	int fd, n = 0;
	ssize_t len;

	fd = open("/proc/thread-self/children", O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		len = read(fd, buf, sizeof(buf) - 1);
		(void)close(fd);
		if (len < 0)
			return -1;
		buf[len] = '\0';
		for (char *p = buf, *end; n < max; p = end) {
			long v = strtol(p, &end, 10);

			if (end == p)
				break;
			pids[n++] = (pid_t)v;
		}
		return n;
	}
	DIR *d = opendir("/proc");
	struct dirent *de;
	pid_t self = getpid();

	if (!d)
		return -1;
	while (n < max && (de = readdir(d))) {
		char path[300], *q;
		long ppid;

		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/stat", de->d_name);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		len = read(fd, buf, sizeof(buf) - 1);
		(void)close(fd);
		if (len <= 0)
			continue;
		buf[len] = '\0';
		/* "pid (comm) state ppid ...": comm may hold spaces and ')'. */
		q = strrchr(buf, ')');
		if (!q || sscanf(q + 1, " %*c %ld", &ppid) != 1 || ppid != self)
			continue;
		pids[n++] = (pid_t)strtol(de->d_name, NULL, 10);
	}
	(void)closedir(d);
	return n;
}

/* kill_leftovers: SIGKILL to every process the command left behind (the
 * subreaper's children: orphans reparented to us), reaping them, until no
 * child is left.  A killed process's own children reparent to us in turn
 * and are found on the next round. */
static void kill_leftovers(void)
{
	pid_t pids[256];

	for (;;) {
		int n = read_children(pids, (int)ARRAY_SIZE(pids));
		pid_t p;

		for (int i = 0; i < n; i++)
			(void)kill(pids[i], SIGKILL);
		/* Unreadable /proc: reap what is already dead, never block on
		 * something we could not kill. */
		do
			p = waitpid(-1, NULL, n < 0 ? WNOHANG : 0);
		while (p < 0 && errno == EINTR);
		if (p <= 0)
			break;
	}
	(void)prctl(PR_SET_CHILD_SUBREAPER, 0, 0, 0, 0);
}

/* reap_orphans: while the command runs, orphans that exit become our
 * zombies; reap them, but leave the command itself to the pidfd path. */
static void reap_orphans(const struct vb_sandbox *sb)
{
	for (;;) {
		siginfo_t si = { 0 };

		if (waitid(P_ALL, 0, &si, WEXITED | WNOHANG | WNOWAIT) < 0 || si.si_pid == 0 ||
		    si.si_pid == sb->pid)
			return;
		(void)waitpid(si.si_pid, NULL, WNOHANG);
	}
}

VB_EXPORT int vb_sandbox_wait(vb_sandbox *sb, vb_exit *ret, vb_error *err)
{
	vb_config *cfg;
	sigset_t mask, old;
	int sfd = -1, r = 0, lr;
	bool blocked = false;

	if (!sb)
		return vb_err(err, VB_STAGE_WAIT, -1, EINVAL, "invalid argument");
	cfg = sb->cfg;
	if (sb->exited) {
		if (ret)
			*ret = sb->exit;
		return 0;
	}
	if (sb->forward_signals) {
		sigemptyset(&mask);
		for (size_t i = 0; i < ARRAY_SIZE(outer_forwarded); i++)
			sigaddset(&mask, outer_forwarded[i]);
		if (sb->reap_tree)
			sigaddset(&mask, SIGCHLD);
		if (sigprocmask(SIG_BLOCK, &mask, &old) == 0) {
			blocked = true;
			sfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
		}
	}

	while (!sb->exited) {
		struct pollfd pfd[VB_MAX_WAITERS + 2];
		size_t np = 0;
		int st;

		pfd[np++] = (struct pollfd){ .fd = sb->pidfd, .events = POLLIN };
		if (sfd >= 0)
			pfd[np++] = (struct pollfd){ .fd = sfd, .events = POLLIN };
		for (size_t i = 0; i < sb->n_waiters; i++)
			pfd[np++] = (struct pollfd){ .fd = sb->waiters[i].fd,
						     .events = sb->waiters[i].events };
		if (sb->pidfd < 0) {
			/* No pidfd (old kernel): block in waitpid. */
			pid_t p = waitpid(sb->pid, &st, 0);

			if (p < 0 && errno == EINTR)
				continue;
			if (p < 0) {
				r = vb_err(err, VB_STAGE_WAIT, -1, errno, "waitpid");
				break;
			}
			exit_from_status(&sb->exit, st);
			sb->exited = true;
			break;
		}
		if (poll(pfd, np, -1) < 0) {
			if (errno == EINTR)
				continue;
			r = vb_err(err, VB_STAGE_WAIT, -1, errno, "poll");
			break;
		}
		if (pfd[0].revents) {
			pid_t p;

			do
				p = waitpid(sb->pid, &st, 0);
			while (p < 0 && errno == EINTR);
			if (p < 0) {
				r = vb_err(err, VB_STAGE_WAIT, -1, errno, "waitpid");
				break;
			}
			exit_from_status(&sb->exit, st);
			sb->exited = true;
			break;
		}
		if (sfd >= 0 && pfd[1].revents) {
			struct signalfd_siginfo si;

			while (read(sfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
				if (si.ssi_signo == SIGCHLD) {
					reap_orphans(sb);
					continue;
				}
				/* sec: --pty takes a resize to its pty, and the kernel
				 * signals whoever is in the foreground in there. */
				if (si.ssi_signo == SIGWINCH && pty_winch(sb))
					continue;
				/* A terminal's signal already reached the command
				 * through the process group, unless it has a
				 * session of its own. */
				if (si.ssi_code == SI_KERNEL && !cfg->new_session)
					continue;
				if (vb_sandbox_kill(sb, (int)si.ssi_signo) == 0)
					sup_event_signal(sb, (int)si.ssi_signo);
			}
		}
		for (size_t i = 0, k = sfd >= 0 ? 2 : 1; i < sb->n_waiters; i++, k++) {
			struct vb_waiter *w = &sb->waiters[i];

			if (pfd[k].revents && w->cb && (r = w->cb(sb, w, pfd[k].revents)) < 0)
				break;
		}
		if (r < 0) {
			(void)vb_err(err, VB_STAGE_WAIT, -1, -r, "wait");
			break;
		}
	}
	if (sb->reap_tree && sb->exited) {
		kill_leftovers();
		sb->reap_tree = true;
	}
	if (sfd >= 0)
		(void)close(sfd);
	if (blocked)
		(void)sigprocmask(SIG_SETMASK, &old, NULL);
	if (r < 0)
		return r;
	if (sb->timed_out) {
		sb->exit.reason = VB_EXIT_TIMEOUT;
		sb->exit.status = 124;
	} else if (sb->oom) {
		sb->exit.reason = VB_EXIT_OOM;
	}
	/* The sandbox's end is reported even when the policy file could
	 * not be written; vb_sandbox_wait() then fails with that error. */
	lr = learn_exited(sb, err);
	sup_exited(sb);
	status_write_exit(sb, sb->exit.status);
	if (ret)
		*ret = sb->exit;
	return lr < 0 ? lr : 0;
}

VB_EXPORT int vb_run(vb_config *cfg, int *ret_status, vb_error *err)
{
	vb_sandbox *sb = NULL;
	int setup_signal = 0;
	bool setup_timeout = false;
	struct spawn_opts opts = { .forward_signals = true,
				   .setup_sigfd = -1,
				   .ret_setup_signal = &setup_signal,
				   .ret_setup_timeout = &setup_timeout };
	vb_exit ex = { 0 };
	sigset_t mask, old, term;
	bool blocked;
	int r;

	if (!cfg)
		return vb_err(err, VB_STAGE_CONFIG, -1, EINVAL, "invalid argument");
	/* A parent that ignored SIGCHLD must not break reaping (bwrap 0.10). */
	(void)signal(SIGCHLD, SIG_DFL);
	if (cfg->die_with_parent)
		(void)prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	/* The forwarded signals stay blocked from spawn to the end of the
	 * teardown: a second SIGTERM (timeout(1) signals both vb and its
	 * group) must not kill vb between the command's end and the removal
	 * of what setup made.  Pending ones are for a sandbox that is gone. */
	sigemptyset(&mask);
	for (size_t i = 0; i < ARRAY_SIZE(outer_forwarded); i++)
		sigaddset(&mask, outer_forwarded[i]);
	blocked = sigprocmask(SIG_BLOCK, &mask, &old) == 0;
	if (blocked) {
		/* The sandbox starts with the caller's mask, not this one. */
		opts.child_sigmask = old;
		opts.have_child_sigmask = true;
		/* Those of them that end a process (not SIGCONT, SIGWINCH,
		 * SIGURG) end setup too, wherever it waits: the engine polls
		 * this with what it waits for (vb_sandbox_poll()). */
		sigemptyset(&term);
		for (size_t i = 0; i < ARRAY_SIZE(outer_forwarded); i++)
			if (outer_forwarded[i] != SIGCONT && outer_forwarded[i] != SIGWINCH &&
			    outer_forwarded[i] != SIGURG)
				sigaddset(&term, outer_forwarded[i]);
		opts.setup_sigfd = signalfd(-1, &term, SFD_CLOEXEC | SFD_NONBLOCK);
	}
	r = spawn_sandbox(cfg, &opts, &sb, err);
	if (r == 0) {
		r = vb_sandbox_wait(sb, &ex, err);
		sb = vb_sandbox_free(sb);
	} else if (setup_signal || setup_timeout) {
		/* What was made is gone; end as the signal or timeout(1) would. */
		ex.status = setup_signal ? 128 + setup_signal : 124;
		r = 0;
	}
	if (opts.setup_sigfd >= 0)
		(void)close(opts.setup_sigfd);
	if (blocked) {
		struct timespec zero = { 0, 0 };

		while (sigtimedwait(&mask, NULL, &zero) > 0)
			;
		(void)sigprocmask(SIG_SETMASK, &old, NULL);
	}
	if (r < 0)
		return r;
	if (ret_status)
		*ret_status = ex.status;
	return 0;
}
