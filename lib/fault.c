/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Fault injection for tests: compiled only into the test build. */
#include <fcntl.h>
#include <stdio.h>

#include "fault.h"

#ifdef VB_FAULT_INJECTION
/* Steps are counted per process: the parent's from 1, the sandbox child's
 * from 1001 (vb_fault_child()), so that each number names one step.  The
 * log stays open across pivot_root, where its path is out of reach. */
static long fault_count;
static int fault_log_fd = -1;

void vb_fault_child(void)
{
	fault_count = 1000;
}

int vb_fault(const char *step)
{
	const char *target = getenv("VB_FAULT_STEP");
	const char *log = getenv("VB_FAULT_LOG");
	long n = ++fault_count;

	if (log && fault_log_fd < 0)
		fault_log_fd = open(log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	if (fault_log_fd >= 0) {
		char line[256];
		int len = snprintf(line, sizeof(line), "%ld %d %s\n", n, (int)getpid(), step);

		if (len > 0)
			(void)!write(fault_log_fd, line, (size_t)len);
	}
	if (target && strtol(target, NULL, 10) == n)
		return -EIO;
	return 0;
}
#endif
