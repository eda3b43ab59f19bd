/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The running sandbox as an object: what a caller (or a module, such as
 * supervision's timeout) may ask of it without knowing the engine. */
#include <signal.h>
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
