/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The event stream: one JSON object a line, each line one write(), so that
 * a reader never sees half an event even with other writers on the pipe.
 * The schema is in man/vb-events.7.
 */
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <time.h>

#include "supervise/supervise.h"

uint64_t sup_now_ns(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void j_put(struct jbuf *j, const char *s, size_t n)
{
	if (j->overflow || j->len + n + 2 >= sizeof(j->buf)) {
		j->overflow = true;
		return;
	}
	memcpy(j->buf + j->len, s, n);
	j->len += n;
	j->buf[j->len] = '\0';
}

static void j_puts(struct jbuf *j, const char *s)
{
	j_put(j, s, strlen(s));
}

/* A JSON string that is always UTF-8: well-formed UTF-8 as it is, each
 * other byte (paths are bytes) as \u00XX of its value, as are the control
 * characters and DEL (the rule is vb-events(7)'s, STRINGS). */
static void j_escaped(struct jbuf *j, const char *s)
{
	j_put(j, "\"", 1);
	for (const unsigned char *p = (const unsigned char *)s; *p;) {
		size_t n = vb_utf8_len((const char *)p);
		char esc[8];

		if (*p == '"' || *p == '\\') {
			esc[0] = '\\';
			esc[1] = (char)*p;
			j_put(j, esc, 2);
		} else if (n == 0 || *p < 0x20 || *p == 0x7f) {
			snprintf(esc, sizeof(esc), "\\u%04x", *p);
			j_put(j, esc, 6);
		} else {
			j_put(j, (const char *)p, n);
			p += n;
			continue;
		}
		p++;
	}
	j_put(j, "\"", 1);
}

void j_key(struct jbuf *j, const char *key)
{
	if (j->need_comma)
		j_put(j, ",", 1);
	j->need_comma = true;
	if (key) {
		j_escaped(j, key);
		j_put(j, ":", 1);
	}
}

void j_begin(struct jbuf *j, const char *event)
{
	char ts[32];

	j->len = 0;
	j->overflow = false;
	j->need_comma = false;
	j->buf[0] = '\0';
	j_puts(j, "{");
	j_raw(j, "\"v\":1");
	j_str(j, "event", event);
	snprintf(ts, sizeof(ts), "%" PRIu64, sup_now_ns() / 1000);
	j_key(j, "ts_us");
	j_puts(j, ts);
}

void j_raw(struct jbuf *j, const char *text)
{
	j_key(j, NULL);
	j_puts(j, text);
}

void j_str(struct jbuf *j, const char *key, const char *value)
{
	j_key(j, key);
	if (value)
		j_escaped(j, value);
	else
		j_puts(j, "null");
}

void j_int(struct jbuf *j, const char *key, int64_t value)
{
	char n[32];

	snprintf(n, sizeof(n), "%" PRId64, value);
	j_key(j, key);
	j_puts(j, n);
}

void j_uint(struct jbuf *j, const char *key, uint64_t value)
{
	char n[32];

	snprintf(n, sizeof(n), "%" PRIu64, value);
	j_key(j, key);
	j_puts(j, n);
}

void j_null(struct jbuf *j, const char *key)
{
	j_key(j, key);
	j_puts(j, "null");
}

void j_open(struct jbuf *j, const char *key, char bracket)
{
	j_key(j, key);
	j_put(j, &bracket, 1);
	j->need_comma = false;
}

void j_close(struct jbuf *j, char bracket)
{
	char c = bracket == '{' ? '}' : ']';

	j_put(j, &c, 1);
	j->need_comma = true;
}

void j_elem_str(struct jbuf *j, const char *value)
{
	j_str(j, NULL, value);
}

/* One write(); SIGPIPE is blocked around it and a pending one taken back,
 * so a reader that went away costs neither the process nor the caller's
 * signal disposition. */
static int write_line(struct vb_sandbox *sb, int fd, const char *buf, size_t len)
{
	struct pollfd p = { .fd = fd, .events = POLLOUT };
	sigset_t pipe_set, old, pending;
	bool was_pending;
	ssize_t n;
	int e = 0;

	/* A reader that does not read (a full pipe) holds vb only as long as
	 * the caller's signals and --timeout allow. */
	e = vb_sandbox_poll(sb, &p, 1);
	if (e < 0)
		return e;
	e = 0;

	sigemptyset(&pipe_set);
	sigaddset(&pipe_set, SIGPIPE);
	sigpending(&pending);
	was_pending = sigismember(&pending, SIGPIPE);
	(void)sigprocmask(SIG_BLOCK, &pipe_set, &old);
	do
		n = write(fd, buf, len);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		e = errno;
	if (e == EPIPE && !was_pending) {
		struct timespec zero = { 0, 0 };

		(void)sigtimedwait(&pipe_set, NULL, &zero);
	}
	(void)sigprocmask(SIG_SETMASK, &old, NULL);
	if (n < 0)
		return -e;
	/* A pipe takes up to PIPE_BUF bytes whole; a short write of a longer
	 * line would tear it, so say so. */
	return (size_t)n == len ? 0 : -EMSGSIZE;
}

void sup_emit(struct vb_sandbox *sb, struct jbuf *j, const char *event)
{
	vb_config *cfg = sb->cfg;
	struct vb_sup_config *sup = cfg->sup;
	struct vb_sup_state *s = sb->sup;
	int r;

	if (!sup)
		return;
	if (j->overflow) {
		/* Too big to send whole: a minimal line says so. */
		j_begin(j, event);
		j_raw(j, "\"truncated\":true");
	}
	j_put(j, "}", 1);
	if (sup->event_fn)
		sup->event_fn(sup->event_userdata, event, j->buf);
	if (sup->status_fd < 0 || (s && s->status_broken))
		return;
	j->buf[j->len++] = '\n';
	r = write_line(sb, sup->status_fd, j->buf, j->len);
	j->buf[--j->len] = '\0';
	if (r == -EINTR || r == -ETIME) {
		/* Cut short by a signal or --timeout: this event is lost,
		 * the stream goes on (the reader sees whole lines only). */
		return;
	}
	if (r < 0) {
		if (s)
			s->status_broken = true;
		vb_log(sb->cfg, VB_LOG_WARNING, "--status-fd %d: %s; no further events are written",
		       sup->status_fd, strerror(-r));
	}
}
