/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Fault injection (lib/fault.c, test builds only). */
#ifndef VB_FAULT_H
#define VB_FAULT_H

#include "base.h"

/* ---- fault injection (test builds only) -------------------------------- */

/* In builds configured with --enable-fault-injection, VB_FAULT_STEP=N in the
 * environment makes the Nth call of vb_fault() fail with -EIO (the parent
 * counts from 1, the sandbox child from 1001); VB_FAULT_LOG=path appends
 * "N pid step" for each step reached, so a test can loop over them all.  In other builds it is a constant 0 the compiler drops. */
#ifdef VB_FAULT_INJECTION
int vb_fault(const char *step);
void vb_fault_child(void);
#else
static inline int vb_fault(const char *step _unused_)
{
	return 0;
}
static inline void vb_fault_child(void) {}
#endif

#endif
