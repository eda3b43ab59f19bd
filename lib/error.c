/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The caller-owned error record. */
#include <stdio.h>

#include "sandbox.h"

int vb_err(vb_error *err, int stage, int op_index, int error, const char *fmt, ...)
{
	if (err) {
		va_list ap;

		err->error = error;
		err->stage = stage;
		err->op_index = op_index;
		va_start(ap, fmt);
		(void)vsnprintf(err->message, sizeof(err->message), fmt, ap);
		va_end(ap);
	}
	return error > 0 ? -error : -EINVAL;
}

void vb_log(const vb_config *cfg, int level, const char *fmt, ...)
{
	char buf[VB_ERROR_MESSAGE_MAX];
	va_list ap;

	if (!cfg || !cfg->log_fn)
		return;
	va_start(ap, fmt);
	(void)vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	cfg->log_fn(cfg->log_userdata, level, buf);
}

const char *const vb_dev_nodes[6] = { "null", "zero", "full", "random", "urandom", "tty" };
const char *const vb_dev_links[5][2] = {
	{ "fd", "/proc/self/fd" },       { "stdin", "/proc/self/fd/0" },
	{ "stdout", "/proc/self/fd/1" }, { "stderr", "/proc/self/fd/2" },
	{ "core", "/proc/kcore" },
};

int vb_child_fail(struct vb_child *c, int stage, int op_index, int error, const char *fmt, ...)
{
	struct vb_child_error *ce = &c->ce;
	va_list ap;

	ce->error = error > 0 ? error : 0;
	ce->stage = stage;
	ce->op_index = op_index;
	va_start(ap, fmt);
	(void)vsnprintf(ce->message, sizeof(ce->message), fmt, ap);
	va_end(ap);
	return error > 0 ? -error : -EIO;
}

int vb_child_fail_err(struct vb_child *c, const vb_error *err, int error)
{
	int r = vb_child_fail(c, err->stage ? err->stage : VB_STAGE_NONE, err->op_index, err->error,
			      "%s", err->message);

	return err->error ? r : -(error > 0 ? error : EIO);
}

int vb_child_error_take(const struct vb_child_error *ce, vb_error *err)
{
	if (err) {
		err->error = ce->error;
		err->stage = ce->stage;
		err->op_index = ce->op_index;
		memcpy(err->message, ce->message, sizeof(err->message));
		err->message[sizeof(err->message) - 1] = '\0';
	}
	return ce->error > 0 ? -ce->error : -EIO;
}

void vb_sandbox_warn(struct vb_sandbox *sb, bool log, const char *fmt, ...)
{
	char text[sizeof(sb->warnings[0])];
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	if (log)
		vb_log(sb->cfg, VB_LOG_WARNING, "%s", text);
	if (sb->n_warnings < ARRAY_SIZE(sb->warnings))
		memcpy(sb->warnings[sb->n_warnings++], text, sizeof(text));
}
