/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Unit tests for engine pieces that need no namespaces: overlay escaping,
 * child error records, rollback order. TAP on stdout. */
#include <stdio.h>

#include "fault.h"
#include "hooks.h"

static int n_test, n_fail;

static void ok(int cond, const char *desc)
{
	n_test++;
	if (!cond)
		n_fail++;
	printf("%sok %d - %s\n", cond ? "" : "not ", n_test, desc);
}

static void is_str(const char *got, const char *want, const char *desc)
{
	ok(strcmp(got, want) == 0, desc);
	if (strcmp(got, want) != 0)
		printf("#   got:  '%s'\n#   want: '%s'\n", got, want);
}

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
	struct vb_op ops[2] = {
		{ .type = VB_OP_BIND, .src = "/src", .dst = "/dst", .fd = -1 },
		{ .type = VB_OP_DEV, .dst = "/dev", .fd = -1 },
	};
	vb_config cfg = { .ops = ops, .n_ops = 2 };
	struct vb_child_error ce = {
		.error = ENOENT, .stage = VB_STAGE_MOUNT, .op_index = 0, .what = VB_FAIL_FIND_SOURCE
	};
	vb_error err;

	vb_child_error_format(&cfg, &ce, &err);
	is_str(err.message, "Can't find source path /src", "find-source message names the source");
	ok(err.error == ENOENT && err.op_index == 0 && err.stage == VB_STAGE_MOUNT,
	   "record carries errno, op index and stage");
	ce.what = VB_FAIL_DEV_FILE;
	ce.op_index = 1;
	ce.arg = 2;
	vb_child_error_format(&cfg, &ce, &err);
	is_str(err.message, "Can't create file /dev/full", "device message names the node");
	ce.what = VB_FAIL_TEXT;
	ce.arg = VB_TXT_SETUP;
	snprintf(ce.text, sizeof(ce.text), "a module said no");
	vb_child_error_format(&cfg, &ce, &err);
	is_str(err.message, "a module said no", "module text passes through");
	ce.op_index = 99;
	ce.what = VB_FAIL_MKDIR;
	vb_child_error_format(&cfg, &ce, &err);
	is_str(err.message, "Can't mkdir ", "out-of-range op index does not crash");
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
	n_order = 0;
	vb_rollback_push(&rb, undo_rec, &a, false);
	vb_rollback_clear(&rb);
	ok(n_order == 0 && rb.n == 0, "clear forgets without undoing");
}

int main(void)
{
	test_escape();
	test_child_errors();
	test_rollback();
	printf("1..%d\n", n_test);
	return n_fail ? 1 : 0;
}
