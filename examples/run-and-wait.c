/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * run-and-wait: the smallest libvoidbox program.  Runs ARGS in a sandbox
 * that sees /usr read-only and nothing else of the host, waits, and exits
 * with the command's status, as vb would.
 *
 *   cc run-and-wait.c $(pkg-config --cflags --libs voidbox) -o run-and-wait
 *   ./run-and-wait sh -c 'echo hello from $(hostname)'
 */
#include <stdio.h>
#include <string.h>
#include <voidbox.h>

static int fail(const char *what, const vb_error *err)
{
	fprintf(stderr, "run-and-wait: %s: %s%s%s\n", what, err->message, err->error ? ": " : "",
		err->error ? strerror(err->error) : "");
	return 1;
}

int main(int argc, char **argv)
{
	vb_config *cfg = vb_config_new();
	vb_sandbox *sb = NULL;
	vb_error err = { 0 };
	vb_exit ex;

	if (argc < 2) {
		fprintf(stderr, "usage: run-and-wait COMMAND [ARGS...]\n");
		return 2;
	}
	if (!cfg)
		return 1;
	/* The same calls vb makes for --ro-bind /usr /usr --symlink usr/bin /bin
	 * ... --unshare-pid --unshare-uts --hostname sandbox. */
	if (vb_config_add_op(cfg, VB_OP_RO_BIND, "/usr", "/usr", &err) < 0 ||
	    vb_config_add_op(cfg, VB_OP_SYMLINK, "usr/bin", "/bin", &err) < 0 ||
	    vb_config_add_op(cfg, VB_OP_SYMLINK, "usr/lib", "/lib", &err) < 0 ||
	    vb_config_add_op(cfg, VB_OP_SYMLINK, "usr/lib64", "/lib64", &err) < 0 ||
	    vb_config_add_op(cfg, VB_OP_PROC, NULL, "/proc", &err) < 0 ||
	    vb_config_unshare(cfg, VB_NS_PID | VB_NS_UTS, false, &err) < 0 ||
	    vb_config_set_hostname(cfg, "sandbox", &err) < 0 ||
	    vb_config_set_command(cfg, argc - 1, argv + 1, &err) < 0)
		return fail("config", &err);

	/* Spawn without waiting: the caller could poll the pidfd along with
	 * its own work; here it just waits. */
	if (vb_spawn(cfg, &sb, &err) < 0)
		return fail("spawn", &err);
	printf("sandbox pid %d, pidfd %s\n", (int)vb_sandbox_pid(sb),
	       vb_sandbox_pidfd(sb) >= 0 ? "yes" : "no");
	fflush(stdout);
	if (vb_sandbox_wait(sb, &ex, &err) < 0)
		return fail("wait", &err);
	printf("exit_code %d signal %d status %d\n", ex.exit_code, ex.signal, ex.status);
	sb = vb_sandbox_free(sb);
	cfg = vb_config_free(cfg);
	return ex.status;
}
