/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The running sandbox as an object: what a caller (or a module, such as
 * supervision's timeout) may ask of it without knowing the engine. */
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>

#include "sandbox.h"

VB_EXPORT pid_t vb_sandbox_pid(const vb_sandbox *sb)
{
	return sb ? sb->pid : -1;
}

VB_EXPORT int vb_sandbox_pidfd(const vb_sandbox *sb)
{
	if (!sb)
		return -EINVAL;
	return sb->pidfd >= 0 ? sb->pidfd : -EOPNOTSUPP;
}

VB_EXPORT int vb_sandbox_kill(vb_sandbox *sb, int sig)
{
	if (!sb || sb->exited)
		return -ESRCH;
	if (sb->pidfd >= 0) {
		if (syscall(SYS_pidfd_send_signal, sb->pidfd, sig, NULL, 0) < 0)
			return -errno;
		return 0;
	}
	return kill(sb->pid, sig) < 0 ? -errno : 0;
}

/* ---- setup's bounds --------------------------------------------------------
 * While vb waits during setup (the child's error pipe, a full --info-fd or
 * --status-fd pipe), the caller's terminating signals and --timeout's
 * deadline still hold.  Before the command runs, a signal ends setup (it is
 * taken here, the engine unwinds and vb_run() exits 128+N); once it runs, a
 * signal only cuts a wait short and is left pending for the wait loop, which
 * forwards it. */

static uint64_t now_ns(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

int vb_sandbox_poll(struct vb_sandbox *sb, struct pollfd *p, nfds_t n)
{
	struct pollfd all[8];
	nfds_t k;

	if (n + 1 > ARRAY_SIZE(all))
		return -EINVAL;
	for (;;) {
		int ms = -1, r;

		memcpy(all, p, n * sizeof(*p));
		k = n;
		if (sb->setup_sigfd >= 0)
			all[k++] = (struct pollfd){ .fd = sb->setup_sigfd, .events = POLLIN };
		if (sb->deadline_ns) {
			uint64_t now = now_ns();

			if (now >= sb->deadline_ns)
				ms = 0;
			else
				ms = (int)((sb->deadline_ns - now + 999999) / 1000000);
		}
		/* Setup already cut short: what is left (the setup_failed
		 * event) is written if there is room, never waited for. */
		if (sb->setup_signal || sb->setup_timed_out)
			ms = 0;
		r = poll(all, k, ms);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		for (nfds_t i = 0; i < n; i++)
			p[i].revents = all[i].revents;
		for (nfds_t i = 0; i < n; i++)
			if (all[i].revents)
				return r; /* what was waited for comes first */
		if (k > n && all[n].revents) {
			struct signalfd_siginfo si;

			if (sb->command_runs)
				return -EINTR;
			if (read(sb->setup_sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
				sb->setup_signal = (int)si.ssi_signo;
				return -EINTR;
			}
			continue;
		}
		if (r == 0 && sb->setup_signal)
			return -EINTR;
		if (r == 0 && sb->setup_timed_out)
			return -ETIME;
		if (sb->deadline_ns && now_ns() >= sb->deadline_ns) {
			if (!sb->command_runs)
				sb->setup_timed_out = true;
			return -ETIME;
		}
	}
}

int vb_sandbox_write(struct vb_sandbox *sb, int fd, const void *buf, size_t len)
{
	const char *b = buf;

	while (len > 0) {
		struct pollfd p = { .fd = fd, .events = POLLOUT };
		size_t chunk = len < PIPE_BUF ? len : PIPE_BUF;
		ssize_t w;
		int r;

		if (sb) {
			r = vb_sandbox_poll(sb, &p, 1);
			if (r < 0)
				return r;
			if (p.revents & (POLLERR | POLLNVAL))
				return p.revents & POLLNVAL ? -EBADF : -EPIPE;
		}
		w = write(fd, b, chunk);
		if (w < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (w < 0)
			return -errno;
		b += w;
		len -= (size_t)w;
	}
	return 0;
}

int vb_sandbox_cut(struct vb_sandbox *sb, int r, vb_error *err, const char *what)
{
	if (r == -EINTR && sb->setup_signal)
		return vb_err(err, VB_STAGE_PREPARE, -1, 0, "Signal %s during setup (%s)",
			      sigabbrev_np(sb->setup_signal), what);
	if (r == -ETIME)
		return vb_err(err, VB_STAGE_PREPARE, -1, 0, "--timeout passed during setup (%s)",
			      what);
	return vb_err(err, VB_STAGE_PREPARE, -1, -r, "%s", what);
}
