/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Supervision (lib/supervise.c, lib/events.c): events, rlimits, timeouts. */
#ifndef VB_SUP_INTERNAL_H
#define VB_SUP_INTERNAL_H
#include <sys/resource.h>

#include "fault.h"
#include "hooks.h"

#define SUP_MAX_RLIMITS 16

struct vb_sup_config {
	int status_fd; /* -1 when none */
	vb_event_fn event_fn;
	void *event_userdata;
	struct {
		int resource;
		struct rlimit rl;
	} rlimits[SUP_MAX_RLIMITS];
	size_t n_rlimits;
	uint64_t timeout_usec, kill_after_usec; /* 0: none */
	int timeout_signal;
};

/* Setup times, shared with the child (a MAP_SHARED page): nanoseconds of
 * CLOCK_MONOTONIC at the end of each stage, 0 when not reached. */
struct vb_sup_times {
	uint64_t t[VB_SUP_STAGE_MAX];
};

struct vb_sup_state {
	struct vb_sup_times *times; /* shared mapping */
	int timer_fd;
	int oom_fd;
	int life[2]; /* PID 1's lifeline (see sup_pid1_lifeline), -1 */
	bool timeout_fired, killed;
	bool spawned_sent, exited_sent, oom_sent;
	bool status_broken;     /* the --status-fd reader went away: warned once */
	struct rusage ru_start; /* RUSAGE_CHILDREN at sup_prepare */
};

/* ---- events (lib/events.c) ---------------------------------------------- */
/* A JSON object under construction; once too long, it is dropped whole. */
struct jbuf {
	char buf[8192];
	size_t len;
	bool overflow;
	bool need_comma;
};
void j_begin(struct jbuf *j, const char *event);
void j_key(struct jbuf *j, const char *key);
void j_str(struct jbuf *j, const char *key, const char *value); /* NULL -> null */
void j_int(struct jbuf *j, const char *key, int64_t value);
void j_uint(struct jbuf *j, const char *key, uint64_t value);
void j_null(struct jbuf *j, const char *key);
void j_raw(struct jbuf *j, const char *text);
void j_open(struct jbuf *j, const char *key, char bracket); /* '{' or '[' */
void j_close(struct jbuf *j, char bracket);
void j_elem_str(struct jbuf *j, const char *value); /* inside an array */
/* Finishes the object and hands it to the status fd and the callback. */
void sup_emit(struct vb_sandbox *sb, struct jbuf *j, const char *event);
uint64_t sup_now_ns(void);
/* "spawned" and "setup_finished", once the command runs. */
void sup_emit_running(struct vb_sandbox *sb);
#endif
