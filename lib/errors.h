/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Errors (lib/error.c).  One way for a failure to travel: the caller-owned
 * vb_error, filled where the failure happens.  In the sandbox's child,
 * before exec, the same text goes into one fixed-size record that crosses
 * the error pipe (as crun's sync message does): the parent copies it into
 * the caller's vb_error.  The message is bwrap's wording for the same
 * failure; the errno, when there is one, is printed after it by vb.c.
 */
#ifndef VB_ERRORS_H
#define VB_ERRORS_H

#include <stdint.h>

#include "base.h"

/* Fills err (if non-NULL): message from fmt, error = positive errno (0 for
 * none).  Returns -error, or -EINVAL when error is 0, so a caller can write
 * return vb_err(err, VB_STAGE_CONFIG, -1, 0, "--foo takes an argument"); */
int vb_err(vb_error *err, int stage, int op_index, int error, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/* The record a child sends over the error pipe: fixed size, no pointers,
 * formatted with snprintf into the record (the child allocates nothing). */
struct vb_child_error {
	int32_t error;    /* positive errno printed after the message, 0: none */
	int32_t stage;    /* enum vb_stage */
	int32_t op_index; /* -1 when none */
	char message[VB_ERROR_MESSAGE_MAX];
};

struct vb_child;
/* Child: records a failure in c's record.  error is the errno to print
 * (0 when the message says it all).  Returns -error, or -EIO when error
 * is 0, for the child's CHILD_TRY. */
int vb_child_fail(struct vb_child *c, int stage, int op_index, int error, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
/* Child: records a module's vb_error as the failure (error when the module
 * gave none). */
int vb_child_fail_err(struct vb_child *c, const vb_error *err, int error);
/* Parent: the record read from the pipe, into the caller's err.  Returns
 * -errno for the caller to return (-EIO when the message has none). */
int vb_child_error_take(const struct vb_child_error *ce, vb_error *err);

/* The device nodes and symlinks --dev creates (lib/mount.c). */
extern const char *const vb_dev_nodes[6];
extern const char *const vb_dev_links[5][2];

#endif
