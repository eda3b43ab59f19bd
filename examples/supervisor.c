/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * supervisor: follows a sandbox's events through the library's callback
 * and stops it on a deadline of its own, the way a job runner would:
 * poll the sandbox's pidfd with a timeout, then vb_sandbox_kill(SIGTERM),
 * then SIGKILL if it does not go.  Prints each event it received and the
 * exit record.
 *
 *   cc supervisor.c $(pkg-config --cflags --libs voidbox) -o supervisor
 *   ./supervisor 500 sleep 30        # stops sleep after 500 ms
 */
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <voidbox.h>

static void on_event(void *userdata, const char *event, const char *json)
{
	int *n = userdata;

	(*n)++;
	printf("event %s %s\n", event, json);
	fflush(stdout);
}

static int fail(const char *what, const vb_error *err)
{
	fprintf(stderr, "supervisor: %s: %s%s%s\n", what, err->message, err->error ? ": " : "",
		err->error ? strerror(err->error) : "");
	return 1;
}

int main(int argc, char **argv)
{
	vb_config *cfg = vb_config_new();
	vb_sandbox *sb = NULL;
	vb_error err = { 0 };
	vb_exit ex;
	struct pollfd pfd;
	int n_events = 0, deadline_ms, r;

	if (argc < 3) {
		fprintf(stderr, "usage: supervisor DEADLINE_MS COMMAND [ARGS...]\n");
		return 2;
	}
	deadline_ms = atoi(argv[1]);
	if (!cfg)
		return 1;
	if (vb_config_add_op(cfg, VB_OP_RO_BIND, "/usr", "/usr", &err) < 0 ||
	    vb_config_add_op(cfg, VB_OP_SYMLINK, "usr/bin", "/bin", &err) < 0 ||
	    vb_config_add_op(cfg, VB_OP_SYMLINK, "usr/lib", "/lib", &err) < 0 ||
	    vb_config_add_op(cfg, VB_OP_SYMLINK, "usr/lib64", "/lib64", &err) < 0 ||
	    vb_config_unshare(cfg, VB_NS_PID, false, &err) < 0 ||
	    vb_config_set_event_fn(cfg, on_event, &n_events, &err) < 0 ||
	    vb_config_set_command(cfg, argc - 2, argv + 2, &err) < 0)
		return fail("config", &err);
	if (vb_spawn(cfg, &sb, &err) < 0)
		return fail("spawn", &err);

	pfd.fd = vb_sandbox_pidfd(sb);
	pfd.events = POLLIN;
	do
		r = poll(&pfd, 1, deadline_ms);
	while (r < 0);
	if (r == 0) {
		printf("deadline: stopping the sandbox\n");
		fflush(stdout);
		(void)vb_sandbox_kill(sb, SIGTERM);
		if (poll(&pfd, 1, 2000) == 0)
			(void)vb_sandbox_kill(sb, SIGKILL);
	}
	if (vb_sandbox_wait(sb, &ex, &err) < 0)
		return fail("wait", &err);
	printf("exit_code %d signal %d status %d reason %d events %d\n", ex.exit_code, ex.signal,
	       ex.status, ex.reason, n_events);
	sb = vb_sandbox_free(sb);
	cfg = vb_config_free(cfg);
	return 0;
}
