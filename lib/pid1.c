/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * vb's own PID 1: reaps every process of the sandbox, forwards the signals
 * it receives to the command, and exits with the command's status (128+N
 * for a signal) as soon as the command ends.  Leaving then is deliberate:
 * the kernel kills whatever the command left behind in the pid namespace.
 * It also holds the --lock-file locks and the --sync-fd open.
 *
 * With --timeout it also watches the outer vb through a lifeline (see
 * lib/supervise/supervise.c): if vb dies, or has not acted on the timeout
 * (and the kill after it) by the deadline plus a grace period, because
 * something stopped it, PID 1 kills the command and leaves, and the kernel
 * ends the rest of the namespace.
 */
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>

#include "fault.h"
#include "hooks.h"

static volatile pid_t forward_to;

/* A signal the terminal generated (SI_KERNEL) already reached the command
 * through its process group; forwarding it would deliver it twice. */
static void forward_signal(int sig, siginfo_t *si, void *uc _unused_)
{
	int saved = errno;

	if (forward_to > 0 && si->si_code != SI_KERNEL)
		(void)kill(forward_to, sig);
	errno = saved;
}

/* Catchable signals a supervisor may send; SIGCHLD stays default for
 * reaping, SIGKILL/SIGSTOP cannot be caught. */
static const int forwarded[] = {
	SIGHUP,  SIGINT,    SIGQUIT, SIGUSR1,  SIGUSR2, SIGPIPE, SIGALRM,
	SIGTERM, SIGCONT,   SIGTSTP, SIGTTIN,  SIGTTOU, SIGURG,  SIGXCPU,
	SIGXFSZ, SIGVTALRM, SIGPROF, SIGWINCH, SIGPOLL, SIGPWR,  SIGSYS,
};

static void nop(int sig _unused_) {}

static uint64_t now_ns(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

_Noreturn static void end_all(pid_t cmd)
{
	(void)kill(cmd, SIGKILL);
	_exit(128 + SIGKILL);
}

/* Waits for the command as pid1_run() does, watching the lifeline too.
 * SIGCHLD is blocked but in ppoll(), so that no exit goes unnoticed. */
_Noreturn static void watch(pid_t cmd, int life, uint64_t t_ns, uint64_t k_ns)
{
	uint64_t start = now_ns();
	struct sigaction sa = { .sa_handler = nop };
	sigset_t block, during;
	bool acted_t = false, acted_k = false;

	sigemptyset(&sa.sa_mask);
	(void)sigaction(SIGCHLD, &sa, NULL);
	sigemptyset(&block);
	sigaddset(&block, SIGCHLD);
	(void)sigprocmask(SIG_BLOCK, &block, &during);
	sigdelset(&during, SIGCHLD);
	for (;;) {
		struct pollfd p = { .fd = life, .events = POLLIN };
		uint64_t now, due = 0;
		struct timespec ts;
		int st, n;
		pid_t pid;

		while ((pid = waitpid(-1, &st, WNOHANG)) > 0)
			if (pid == cmd)
				_exit(WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
		if (pid < 0 && errno == ECHILD)
			_exit(1);
		now = now_ns() - start;
		if (!acted_t)
			due = t_ns;
		else if (k_ns && !acted_k)
			due = k_ns;
		if (due && now >= due)
			end_all(cmd); /* vb could not act: stopped */
		ts.tv_sec = due ? (time_t)((due - now) / 1000000000u) : 3600;
		ts.tv_nsec = due ? (long)((due - now) % 1000000000u) : 0;
		n = ppoll(&p, 1, &ts, &during);
		if (n > 0) {
			char b;
			ssize_t r = read(life, &b, 1);

			if (r == 0 || (r < 0 && errno != EINTR && errno != EAGAIN))
				end_all(cmd); /* vb is gone */
			if (r == 1 && b == 'T')
				acted_t = true;
			if (r == 1 && b == 'K')
				acted_k = true;
		}
	}
}

_Noreturn void pid1_run(struct vb_child *c, pid_t cmd, const sigset_t *mask)
{
	struct sigaction sa = { .sa_sigaction = forward_signal,
				.sa_flags = SA_RESTART | SA_SIGINFO };
	uint64_t t_ns = 0, k_ns = 0;
	int status = 1, life;

	forward_to = cmd;
	pty_pid1(c->sb);
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < ARRAY_SIZE(forwarded); i++)
		(void)sigaction(forwarded[i], &sa, NULL);
	(void)signal(SIGCHLD, SIG_DFL);
	/* Signals that came while the command was being started were held
	 * (see run_child()): they reach the handlers now. */
	(void)sigprocmask(SIG_SETMASK, mask, NULL);
	/* Without a pid namespace, orphans of the command still come here. */
	(void)prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
	/* Nothing privileged stays running while the command does. */
	(void)caps_drop_privileges(c, false);
	/* Dropping root (setuid mode) cleared the death signal: without it
	 * PID 1, and so the sandbox, would outlive vb. */
	(void)vb_child_pdeathsig(c);
	/* This process never execs: it is vb, forked before the command's
	 * seccomp filter, Landlock domain and no_new_privs.  Left dumpable, a
	 * command with the same uid could PTRACE_ATTACH it (or reach it with
	 * process_vm_writev, pidfd_getfd, /proc/1/mem) and make it run the
	 * syscalls its own filter denies, or open /proc/1/exe, vb's binary on
	 * the host.  Not dumpable, every such access needs CAP_SYS_PTRACE over
	 * the user namespace that owns this mm: the caller's, never the
	 * sandbox's.  After the drop, which may have reset the flag from
	 * fs.suid_dumpable.  An ordinary user's own sandbox is the exception
	 * (c->pid1_enterable): dumpable, with its credentials final, so that
	 * the user can enter it as bwrap's; the command is then kept off it by
	 * a Landlock domain (lib/security/landlock.c). */
	(void)prctl(PR_SET_DUMPABLE, c->pid1_enterable ? 1 : 0, 0, 0, 0);

	life = sup_pid1_lifeline(c->sb, &t_ns, &k_ns);
	if (life >= 0) {
		/* After the last credential change, which clears it. */
		(void)prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
		watch(cmd, life, t_ns, k_ns);
	}
	for (;;) {
		int st;
		pid_t pid = waitpid(-1, &st, 0);

		if (pid < 0) {
			if (errno == EINTR)
				continue;
			break; /* ECHILD: nothing left */
		}
		if (pid == cmd) {
			if (WIFEXITED(st))
				status = WEXITSTATUS(st);
			else if (WIFSIGNALED(st))
				status = 128 + WTERMSIG(st);
			break;
		}
	}
	_exit(status);
}
