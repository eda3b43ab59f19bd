/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Unit tests for engine pieces that need no namespaces: overlay escaping,
 * child error records, rollback order. TAP on stdout. */
#include <stdio.h>

#include "fault.h"
#include "hooks.h"
#include "sandbox.h"
#include "tap.h"

static int order[8], n_order;
static void undo_rec(void *data)
{
	order[n_order++] = *(int *)data;
}

static void test_escape(void)
{
	char buf[64];
	size_t len = 0;

	buf[0] = '\0';
	ok(mnt_escape_overlay(buf, sizeof(buf), &len, "/a,b:c\\d") == 0, "escape succeeds");
	is_str(buf, "/a\\,b\\:c\\\\d", "overlay escaping of , : and backslash");
	len = 0;
	ok(mnt_escape_overlay(buf, 4, &len, "/abcdef") == -ENAMETOOLONG,
	   "escape refuses to overflow its buffer");
}

static void test_child_errors(void)
{
	struct vb_op ops[1] = { { .type = VB_OP_BIND, .src = "/src", .dst = "/dst", .fd = -1 } };
	vb_config cfg = { .ops = ops, .n_ops = 1 };
	struct vb_child c = { .cfg = &cfg };
	vb_error module = { .error = 0, .stage = VB_STAGE_NETWORK, .op_index = -1 };
	vb_error err;
	char longpath[600];
	int r;

	/* The child formats the whole message into its record; the parent
	 * copies it as it is. */
	r = vb_child_fail(&c, VB_STAGE_MOUNT, 0, ENOENT, "Can't find source path %s", ops[0].src);
	ok(r == -ENOENT, "child failure returns -errno");
	r = vb_child_error_take(&c.ce, &err);
	is_str(err.message, "Can't find source path /src", "the record carries the message");
	ok(r == -ENOENT && err.error == ENOENT && err.op_index == 0 && err.stage == VB_STAGE_MOUNT,
	   "record carries errno, op index and stage");

	/* Longer than the 256 bytes the old record cut module text to. */
	memset(longpath, 'x', sizeof(longpath) - 1);
	longpath[sizeof(longpath) - 1] = '\0';
	(void)vb_child_fail(&c, VB_STAGE_MOUNT, 0, EACCES, "Can't mkdir %s", longpath);
	(void)vb_child_error_take(&c.ce, &err);
	ok(strlen(err.message) == strlen("Can't mkdir ") + strlen(longpath),
	   "a long message crosses whole");

	/* A module's message that says it all: no errno to print, and the
	 * spawn still fails. */
	snprintf(module.message, sizeof(module.message), "a module said no");
	r = vb_child_fail_err(&c, &module, EIO);
	ok(r == -EIO, "a module's failure without errno still fails");
	r = vb_child_error_take(&c.ce, &err);
	is_str(err.message, "a module said no", "module text passes through");
	ok(err.error == 0 && err.stage == VB_STAGE_NETWORK && r == -EIO,
	   "no errno text for a message that says it all");
}

static void test_rollback(void)
{
	struct vb_rollback rb = { 0 };
	int a = 1, b = 2, c = 3;

	vb_rollback_push(&rb, undo_rec, &a, false);
	vb_rollback_push(&rb, undo_rec, &b, false);
	vb_rollback_push(&rb, undo_rec, &c, false);
	vb_rollback_unwind(&rb);
	ok(n_order == 3 && order[0] == 3 && order[1] == 2 && order[2] == 1,
	   "rollback undoes in reverse order");
	ok(rb.n == 0, "an unwound rollback is empty");
}

int main(void)
{
	test_escape();
	test_child_errors();
	test_rollback();
	return tap_end();
}
