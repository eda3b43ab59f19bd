/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Supervision: the --status-fd events, --rlimit, --timeout.  The parent
 * side runs from the engine's wait loop (a timerfd and the cgroup's OOM
 * notification are waiters); the child side only calls setrlimit().
 */
#include <ctype.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>

#include "supervise/cgroup.h"
#include "supervise/supervise.h"

#define CFG_ERR(err, ...) vb_err((err), VB_STAGE_CONFIG, -1, 0, __VA_ARGS__)

/* ---- setters -------------------------------------------------------------- */

static struct vb_sup_config *sup_get(vb_config *cfg)
{
	if (!cfg->sup) {
		cfg->sup = calloc(1, sizeof(*cfg->sup));
		if (!cfg->sup)
			return NULL;
		cfg->sup->status_fd = -1;
		cfg->sup->timeout_signal = SIGTERM;
	}
	cfg->validated = false;
	return cfg->sup;
}
/* How every setter starts (bwrap's per-option checks); the module state is
 * made (SUP_GET) only once the value is known good, so that a refused call
 * changes nothing. */
#define SUP_BEGIN(cfg, err)                                      \
	do {                                                     \
		if (!(cfg))                                      \
			return CFG_ERR(err, "invalid argument"); \
		if (vb_config_option_end(cfg, err) < 0)          \
			return -EINVAL;                          \
	} while (0)
#define SUP_GET(cfg, err, var)     \
	struct vb_sup_config *var; \
	if (!(var = sup_get(cfg))) \
		return vb_err(err, VB_STAGE_CONFIG, -1, ENOMEM, "Out of memory");

void sup_config_free(struct vb_sup_config *sup)
{
	free(sup);
}

VB_EXPORT int vb_config_status_fd(vb_config *cfg, int fd, vb_error *err)
{
	SUP_BEGIN(cfg, err);
	if (fd < 0)
		return CFG_ERR(err, "Invalid fd: %d", fd);
	SUP_GET(cfg, err, sup);
	sup->status_fd = fd;
	return 0;
}

VB_EXPORT int vb_config_set_event_fn(vb_config *cfg, vb_event_fn fn, void *userdata, vb_error *err)
{
	SUP_BEGIN(cfg, err);
	SUP_GET(cfg, err, sup);
	sup->event_fn = fn;
	sup->event_userdata = userdata;
	return 0;
}

VB_EXPORT int vb_config_rlimit(vb_config *cfg, int resource, uint64_t soft, uint64_t hard,
			       vb_error *err)
{
	size_t i;

	SUP_BEGIN(cfg, err);
	if (resource < 0 || resource >= RLIM_NLIMITS)
		return CFG_ERR(err, "--rlimit: unknown resource %d", resource);
	if (soft != VB_UNLIMITED && (hard == VB_UNLIMITED ? false : soft > hard))
		return CFG_ERR(err, "--rlimit %s: soft limit %" PRIu64 " above hard limit %" PRIu64,
			       vb_rlimit_name(resource), soft, hard);
	if (soft == VB_UNLIMITED && hard != VB_UNLIMITED)
		return CFG_ERR(err, "--rlimit %s: soft limit unlimited above hard limit %" PRIu64,
			       vb_rlimit_name(resource), hard);
	struct vb_sup_config *sup = cfg->sup;
	size_t n = sup ? sup->n_rlimits : 0;

	/* A later --rlimit for the same resource replaces the earlier one. */
	for (i = 0; i < n && sup->rlimits[i].resource != resource; i++)
		;
	if (i == SUP_MAX_RLIMITS)
		return CFG_ERR(err, "--rlimit: too many limits");
	if (!(sup = sup_get(cfg)))
		return vb_err(err, VB_STAGE_CONFIG, -1, ENOMEM, "Out of memory");
	sup->rlimits[i].resource = resource;
	sup->rlimits[i].rl.rlim_cur = soft == VB_UNLIMITED ? RLIM_INFINITY : (rlim_t)soft;
	sup->rlimits[i].rl.rlim_max = hard == VB_UNLIMITED ? RLIM_INFINITY : (rlim_t)hard;
	if (i == sup->n_rlimits)
		sup->n_rlimits++;
	return 0;
}

VB_EXPORT int vb_config_timeout(vb_config *cfg, uint64_t usec, vb_error *err)
{
	SUP_BEGIN(cfg, err);
	if (usec == 0 || usec > (uint64_t)INT32_MAX * 1000000)
		return CFG_ERR(err, "--timeout must be more than 0 and at most %d seconds",
			       INT32_MAX);
	SUP_GET(cfg, err, sup);
	sup->timeout_usec = usec;
	return 0;
}

VB_EXPORT int vb_config_timeout_signal(vb_config *cfg, int sig, vb_error *err)
{
	SUP_BEGIN(cfg, err);
	if (sig < 1 || sig >= NSIG)
		return CFG_ERR(err, "--timeout-signal: invalid signal %d", sig);
	SUP_GET(cfg, err, sup);
	sup->timeout_signal = sig;
	return 0;
}

VB_EXPORT int vb_config_kill_after(vb_config *cfg, uint64_t usec, vb_error *err)
{
	SUP_BEGIN(cfg, err);
	if (usec == 0 || usec > (uint64_t)INT32_MAX * 1000000)
		return CFG_ERR(err, "--kill-after must be more than 0 and at most %d seconds",
			       INT32_MAX);
	SUP_GET(cfg, err, sup);
	sup->kill_after_usec = usec;
	return 0;
}

/* ---- per-sandbox state ---------------------------------------------------- */

static void sup_state_free(void *data)
{
	struct vb_sandbox *sb = data;
	struct vb_sup_state *s = sb->sup;

	if (!s)
		return;
	if (s->times)
		(void)munmap(s->times, sizeof(*s->times));
	if (s->timer_fd >= 0)
		(void)close(s->timer_fd);
	for (int i = 0; i < 2; i++)
		if (s->life[i] >= 0)
			(void)close(s->life[i]);
	free(s);
	sb->sup = NULL;
}

static struct vb_sup_state *sup_state(struct vb_sandbox *sb)
{
	struct vb_sup_state *s;

	if (sb->sup)
		return sb->sup;
	s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->timer_fd = s->oom_fd = -1;
	s->life[0] = s->life[1] = -1;
	sb->sup = s;
	if (vb_rollback_push(&sb->rb, sup_state_free, sb, false) < 0)
		return NULL; /* already freed by the push */
	return s;
}

bool sup_has_events(const struct vb_sandbox *sb)
{
	return sb && sb->sup && sb->sup->times;
}

void sup_mark(struct vb_sandbox *sb, enum vb_sup_stage stage)
{
	struct vb_sup_state *s = sb ? sb->sup : NULL;

	if (!s || !s->times || (unsigned)stage >= VB_SUP_STAGE_MAX)
		return;
	s->times->t[stage] = sup_now_ns();
	if (stage == VB_SUP_EXEC)
		sup_emit_running(sb); /* parent: the command runs */
}

/* ---- timers ---------------------------------------------------------------- */

static int arm(int fd, uint64_t usec)
{
	struct itimerspec its = { .it_value = { .tv_sec = (time_t)(usec / 1000000),
						.tv_nsec = (long)(usec % 1000000) * 1000 } };

	return timerfd_settime(fd, 0, &its, NULL) < 0 ? -errno : 0;
}

/* ---- the sandbox cannot out-wait vb ----------------------------------------
 * Without a pid namespace the command can name the outer vb ($PPID) and,
 * with the same uid, kill -STOP or kill -KILL it: the timeout then never
 * fires, and nothing is left to end the sandbox.  So with --timeout:
 *  - the sandbox gets a pid namespace of its own (as if --unshare-pid),
 *    unless one was asked for or joined: the command cannot name vb, and
 *    cannot stop or kill vb's PID 1 (the kernel ignores SIGSTOP and
 *    SIGKILL sent to a namespace's init from inside, process-group signals
 *    included), and the namespace ends, everything in it killed, when
 *    PID 1 does;
 *  - PID 1 holds a lifeline, a socket whose other end only the outer vb
 *    holds: EOF (vb died) and PID 1 ends the sandbox; and vb writes 'T' when it
 *    acted on the timeout and 'K' when it sent the kill after it, so that a
 *    vb stopped by anyone (kill(0, SIGSTOP) from inside reaches it through
 *    the process group) is caught by PID 1 at the deadline plus a grace
 *    period, and PID 1 ends the sandbox itself. */
#define SUP_LIFELINE_GRACE_NS (2ull * 1000000000)

bool sup_needs_pidns(const vb_config *cfg)
{
	return cfg->sup && cfg->sup->timeout_usec && cfg->pidns_fd < 0;
}

static void lifeline_say(struct vb_sandbox *sb, char what)
{
	struct vb_sup_state *s = sb->sup;

	/* A socket, not a pipe: once PID 1 is gone, no SIGPIPE for vb. */
	if (s && s->life[1] >= 0)
		(void)send(s->life[1], &what, 1, MSG_NOSIGNAL | MSG_DONTWAIT);
}

int sup_pid1_lifeline(struct vb_sandbox *sb, uint64_t *ret_t_ns, uint64_t *ret_k_ns)
{
	struct vb_sup_state *s = sb->sup;
	const struct vb_sup_config *sup = sb->cfg->sup;

	if (!s || s->life[0] < 0 || !sup)
		return -1;
	(void)close(s->life[1]);
	s->life[1] = -1;
	*ret_t_ns = sup->timeout_usec * 1000 + SUP_LIFELINE_GRACE_NS;
	*ret_k_ns =
		sup->kill_after_usec && sup->timeout_signal != SIGKILL
			? (sup->timeout_usec + sup->kill_after_usec) * 1000 + SUP_LIFELINE_GRACE_NS
			: 0;
	return s->life[0];
}

void sup_after_clone(struct vb_sandbox *sb)
{
	struct vb_sup_state *s = sb->sup;

	if (s && s->life[0] >= 0) {
		(void)close(s->life[0]);
		s->life[0] = -1;
	}
}

static int arm_at(int fd, uint64_t ns)
{
	struct itimerspec its = { .it_value = { .tv_sec = (time_t)(ns / 1000000000u),
						.tv_nsec = (long)(ns % 1000000000u) } };

	return timerfd_settime(fd, TFD_TIMER_ABSTIME, &its, NULL) < 0 ? -errno : 0;
}

static void kill_everything(struct vb_sandbox *sb)
{
	(void)vb_sandbox_kill(sb, SIGKILL);
	if (sb->cg)
		(void)cg_kill_all(sb);
}

static int on_timer(struct vb_sandbox *sb, struct vb_waiter *w, short revents)
{
	struct vb_sup_state *s = sb->sup;
	struct vb_sup_config *sup = sb->cfg->sup;
	uint64_t ticks;
	struct jbuf j;

	if (read(w->fd, &ticks, sizeof(ticks)) != (ssize_t)sizeof(ticks))
		return 0;
	if (!s->timeout_fired) {
		s->timeout_fired = true;
		sb->timed_out = 1;
		j_begin(&j, "timeout");
		j_uint(&j, "timeout_us", sup->timeout_usec);
		j_int(&j, "signal", sup->timeout_signal);
		j_str(&j, "signal_name", sigabbrev_np(sup->timeout_signal));
		sup_emit(sb, &j, "timeout");
		lifeline_say(sb, 'T');
		if (sup->timeout_signal == SIGKILL) {
			s->killed = true;
			kill_everything(sb);
		} else {
			(void)vb_sandbox_kill(sb, sup->timeout_signal);
			if (sup->kill_after_usec)
				(void)arm(w->fd, sup->kill_after_usec);
		}
		return 0;
	}
	if (!s->killed) {
		s->killed = true;
		j_begin(&j, "timeout");
		j_uint(&j, "kill_after_us", sup->kill_after_usec);
		j_int(&j, "signal", SIGKILL);
		j_str(&j, "signal_name", "KILL");
		sup_emit(sb, &j, "timeout");
		lifeline_say(sb, 'K');
		kill_everything(sb);
	}
	return 0;
}

static void emit_oom(struct vb_sandbox *sb, uint64_t kills)
{
	struct vb_sup_state *s = sb->sup;
	struct jbuf j;

	sb->oom = 1;
	if (!s || s->oom_sent)
		return;
	s->oom_sent = true;
	j_begin(&j, "oom");
	j_uint(&j, "oom_kills", kills);
	j_str(&j, "cgroup", cg_v2_path(sb));
	sup_emit(sb, &j, "oom");
}

static int on_oom(struct vb_sandbox *sb, struct vb_waiter *w, short revents)
{
	struct cg_stats st = { 0 };
	uint64_t v;

	/* An eventfd (v1) must be drained; memory.events (v2) re-arms by
	 * itself. */
	(void)!read(w->fd, &v, sizeof(v));
	if (cg_read_stats(sb, &st) == 0 && st.have_oom && st.oom_kills > 0)
		emit_oom(sb, st.oom_kills);
	return 0;
}

/* ---- hooks ---------------------------------------------------------------- */

int sup_check_fds(vb_config *cfg, vb_error *err)
{
	struct vb_sup_config *sup = cfg->sup;

	/* No sandbox yet, so no event either. */
	if (sup && sup->status_fd >= 0 && fcntl(sup->status_fd, F_GETFD) < 0)
		return vb_err(err, VB_STAGE_CONFIG, -1, errno, "Invalid --status-fd %d",
			      sup->status_fd);
	return 0;
}

int sup_prepare(struct vb_sandbox *sb, vb_error *err)
{
	struct vb_sup_config *sup = sb->cfg->sup;
	struct vb_sup_state *s;
	short ev;
	int r, fd;

	if (!sup && !sb->cg)
		return 0;
	if (vb_fault("sup-prepare") < 0)
		return vb_err(err, VB_STAGE_PREPARE, -1, EIO, "supervision setup");
	s = sup_state(sb);
	if (!s)
		return vb_err(err, VB_STAGE_PREPARE, -1, ENOMEM, "Out of memory");
	if (sup && sup->status_fd >= 0 && fcntl(sup->status_fd, F_GETFD) < 0) {
		s->status_broken = true; /* no events to it, no second message */
		return vb_err(err, VB_STAGE_PREPARE, -1, errno, "Invalid --status-fd %d",
			      sup->status_fd);
	}
	(void)getrusage(RUSAGE_CHILDREN, &s->ru_start);
	if (sup && (sup->status_fd >= 0 || sup->event_fn)) {
		void *m = mmap(NULL, sizeof(*s->times), PROT_READ | PROT_WRITE,
			       MAP_SHARED | MAP_ANONYMOUS, -1, 0);

		if (m == MAP_FAILED)
			return vb_err(err, VB_STAGE_PREPARE, -1, errno, "mmap for setup times");
		s->times = m;
		s->times->t[VB_SUP_PREPARE] = sup_now_ns();
	}
	if (sup && sup->timeout_usec) {
		if (vb_fault("sup-timerfd") < 0)
			return vb_err(err, VB_STAGE_PREPARE, -1, EIO, "timerfd_create");
		s->timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
		if (s->timer_fd < 0)
			return vb_err(err, VB_STAGE_PREPARE, -1, errno, "timerfd_create");
		/* PID 1's lifeline, when it runs in a pid namespace we made
		 * (see above); CLOEXEC: the command never holds it. */
		if (sup_needs_pidns(sb->cfg) &&
		    socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, s->life) < 0)
			return vb_err(err, VB_STAGE_PREPARE, -1, errno, "socketpair()");
		/* From the start, setup included: setup's waits end at the
		 * same deadline (vb_sandbox_poll()). */
		sb->deadline_ns = (uint64_t)sb->start.tv_sec * 1000000000u +
				  (uint64_t)sb->start.tv_nsec + sup->timeout_usec * 1000u;
		r = arm_at(s->timer_fd, sb->deadline_ns);
		if (r == 0)
			r = vb_sandbox_add_waiter(sb, s->timer_fd, POLLIN, on_timer, NULL);
		if (r < 0)
			return vb_err(err, VB_STAGE_PREPARE, -1, -r, "--timeout timer");
	}
	fd = sb->cg ? cg_oom_watch(sb, &ev) : -ENOENT;
	if (fd >= 0) {
		r = vb_sandbox_add_waiter(sb, fd, ev, on_oom, NULL);
		if (r < 0)
			return vb_err(err, VB_STAGE_PREPARE, -1, -r, "OOM watch");
		s->oom_fd = fd;
	}
	return 0;
}

/* The command's namespaces as it saw them, from its report before exec
 * (lib/spawn.c): never a race with a short command's exit. */
static void emit_namespaces(struct jbuf *j, const struct vb_sandbox *sb)
{
	j_open(j, "namespaces", '{');
	for (size_t i = 0; sb->command_pid > 0 && i < VB_NS_REPORT_N; i++)
		if (sb->report.ino[i])
			j_uint(j, vb_ns_names[i], sb->report.ino[i]);
	j_close(j, '{');
}

int sup_spawned(struct vb_sandbox *sb, vb_error *err)
{
	struct vb_sup_state *s = sb->sup;
	struct jbuf j;

	if (!sb->cfg->sup || !s)
		return 0;
	if (vb_fault("sup-spawned") < 0)
		return vb_err(err, VB_STAGE_PREPARE, -1, EIO, "supervision events");
	j_begin(&j, "runtime_init_warnings");
	j_open(&j, "warnings", '[');
	for (size_t i = 0; i < sb->n_warnings; i++)
		j_elem_str(&j, sb->warnings[i]);
	j_close(&j, '[');
	sup_emit(sb, &j, "runtime_init_warnings");
	return 0;
}

static const char *const stage_names[VB_SUP_STAGE_MAX] = {
	[VB_SUP_PREPARE] = "prepare", [VB_SUP_CLONE] = "clone",     [VB_SUP_IDMAP] = "idmap",
	[VB_SUP_CGROUP] = "cgroup",   [VB_SUP_NETWORK] = "network", [VB_SUP_MOUNTS] = "mounts",
	[VB_SUP_SECCOMP] = "seccomp", [VB_SUP_EXEC] = "exec",
};

void sup_emit_running(struct vb_sandbox *sb)
{
	struct vb_sup_state *s = sb->sup;
	uint64_t start, prev;
	pid_t cmd;
	struct jbuf j;

	if (!s || s->spawned_sent)
		return;
	s->spawned_sent = true;
	cmd = sb->command_pid;
	j_begin(&j, "spawned");
	j_int(&j, "vb_pid", getpid());
	j_int(&j, "sandbox_pid", sb->pid);
	if (sb->has_init)
		j_int(&j, "pid1_pid", sb->pid);
	else
		j_null(&j, "pid1_pid");
	if (cmd)
		j_int(&j, "command_pid", cmd);
	else
		j_null(&j, "command_pid");
	emit_namespaces(&j, sb);
	j_str(&j, "cgroup", cg_v2_path(sb));
	sup_emit(sb, &j, "spawned");

	/* Each stage's time is from the end of the stage before it that was
	 * reached; one that was not reached counts 0. */
	start = (uint64_t)sb->start.tv_sec * 1000000000u + (uint64_t)sb->start.tv_nsec;
	prev = start;
	j_begin(&j, "setup_finished");
	j_open(&j, "stages_us", '{');
	for (int i = 0; i < VB_SUP_STAGE_MAX; i++) {
		uint64_t t = s->times->t[i];

		if (t && t >= prev) {
			j_uint(&j, stage_names[i], (t - prev) / 1000);
			prev = t;
		} else {
			j_uint(&j, stage_names[i], 0);
		}
	}
	j_close(&j, '{');
	j_uint(&j, "total_us", (prev - start) / 1000);
	sup_emit(sb, &j, "setup_finished");
}

int sup_apply_child(struct vb_sandbox *sb, vb_error *err)
{
	struct vb_sup_config *sup = sb->cfg->sup;

	if (!sup)
		return 0;
	/* The command must not hold the event stream open. */
	if (sup->status_fd > 2)
		(void)close(sup->status_fd);
	for (size_t i = 0; i < sup->n_rlimits; i++) {
		int e = vb_fault("sup-rlimit") < 0 ? EIO : 0;

		if (!e && setrlimit(sup->rlimits[i].resource, &sup->rlimits[i].rl) < 0)
			e = errno;
		if (e)
			return vb_err(err, VB_STAGE_EXEC, -1, e, "--rlimit %s: setrlimit",
				      vb_rlimit_name(sup->rlimits[i].resource));
	}
	return 0;
}

static const char *const reason_names[] = {
	[VB_EXIT_EXITED] = "exited",
	[VB_EXIT_SIGNALED] = "signaled",
	[VB_EXIT_OOM] = "oom",
	[VB_EXIT_TIMEOUT] = "timeout",
	[VB_EXIT_SETUP_FAILED] = "setup-failed",
};

static uint64_t tv_usec(struct timeval tv)
{
	return (uint64_t)tv.tv_sec * 1000000u + (uint64_t)tv.tv_usec;
}

void sup_exited(struct vb_sandbox *sb)
{
	struct vb_sup_state *s = sb->sup;
	struct cg_stats st = { 0 };
	struct rusage ru;
	struct jbuf j;
	uint64_t now = sup_now_ns(), start;
	bool have_cg;

	if (!s)
		return;
	have_cg = sb->cg && cg_read_stats(sb, &st) == 0;
	/* An OOM kill the wait loop did not see before the exit. */
	if (have_cg && st.have_oom && st.oom_kills > 0 && !sb->timed_out) {
		emit_oom(sb, st.oom_kills);
		if (sb->exit.reason == VB_EXIT_SIGNALED || sb->exit.reason == VB_EXIT_EXITED)
			sb->exit.reason = VB_EXIT_OOM;
	}
	if (s->timeout_fired && s->killed && sb->exit.reason == VB_EXIT_TIMEOUT)
		sb->exit.status = 128 + SIGKILL; /* coreutils: KILL ends with 137 */
	if (!sb->cfg->sup || s->exited_sent)
		return;
	s->exited_sent = true;
	j_begin(&j, "exited");
	j_str(&j, "reason", reason_names[sb->exit.reason]);
	if (sb->exit.signal) {
		j_int(&j, "signal", sb->exit.signal);
		j_str(&j, "signal_name", sigabbrev_np(sb->exit.signal));
	} else {
		j_int(&j, "exit_code", sb->exit.exit_code);
	}
	j_int(&j, "status", sb->exit.status);
	start = (uint64_t)sb->start.tv_sec * 1000000000u + (uint64_t)sb->start.tv_nsec;
	j_uint(&j, "wall_us", (now - start) / 1000);
	if (have_cg && st.have_cpu) {
		j_uint(&j, "cpu_user_us", st.cpu_user_usec);
		j_uint(&j, "cpu_system_us", st.cpu_system_usec);
	} else if (getrusage(RUSAGE_CHILDREN, &ru) == 0) {
		j_uint(&j, "cpu_user_us", tv_usec(ru.ru_utime) - tv_usec(s->ru_start.ru_utime));
		j_uint(&j, "cpu_system_us", tv_usec(ru.ru_stime) - tv_usec(s->ru_start.ru_stime));
	}
	if (have_cg && st.have_peak) {
		j_uint(&j, "peak_memory_bytes", st.peak_bytes);
	} else if (getrusage(RUSAGE_CHILDREN, &ru) == 0) {
		/* The largest single process, not the sum: the best there is
		 * without a memory cgroup. */
		j_uint(&j, "peak_memory_bytes", (uint64_t)ru.ru_maxrss * 1024);
	}
	sup_emit(sb, &j, "exited");
}

static const char *const vb_stage_names[] = {
	"none",    "config", "prepare", "clone",   "idmap", "mount",
	"network", "cgroup", "privs",   "seccomp", "exec",  "wait",
};

void sup_setup_failed(struct vb_sandbox *sb, const vb_error *err)
{
	struct vb_sup_state *s = sb->sup;
	struct jbuf j;
	uint64_t start;
	int status;

	if (!sb->cfg->sup || (s && s->exited_sent))
		return;
	if (s)
		s->exited_sent = true;
	j_begin(&j, "setup_failed");
	if (err) {
		j_str(&j, "stage",
		      (unsigned)err->stage < ARRAY_SIZE(vb_stage_names) ? vb_stage_names[err->stage]
									: "none");
		j_int(&j, "errno", err->error);
		if (err->error)
			j_str(&j, "errno_name", strerrorname_np(err->error));
		if (err->op_index >= 0)
			j_int(&j, "op_index", err->op_index);
		else
			j_null(&j, "op_index");
		j_str(&j, "message", err->message);
	}
	sup_emit(sb, &j, "setup_failed");
	j_begin(&j, "exited");
	j_str(&j, "reason", "setup-failed");
	/* vb_run()'s status: 128+N for a signal, 124 for --timeout. */
	status = sb->setup_signal ? 128 + sb->setup_signal : sb->setup_timed_out ? 124 : 1;
	j_int(&j, "exit_code", status);
	j_int(&j, "status", status);
	start = (uint64_t)sb->start.tv_sec * 1000000000u + (uint64_t)sb->start.tv_nsec;
	j_uint(&j, "wall_us", (sup_now_ns() - start) / 1000);
	sup_emit(sb, &j, "exited");
}

void sup_event_signal(struct vb_sandbox *sb, int sig)
{
	struct jbuf j;

	if (!sb || !sb->cfg->sup)
		return;
	j_begin(&j, "signal");
	j_int(&j, "signal", sig);
	j_str(&j, "signal_name", sigabbrev_np(sig));
	j_int(&j, "to_pid", sb->pid);
	sup_emit(sb, &j, "signal");
}

void sup_event_network(struct vb_sandbox *sb, const char *ifname, const char *const *addrs,
		       size_t n_addrs, const char *gateway)
{
	struct jbuf j;

	if (!sb || !sb->cfg->sup)
		return;
	j_begin(&j, "network");
	j_str(&j, "interface", ifname);
	j_open(&j, "addresses", '[');
	for (size_t i = 0; i < n_addrs; i++)
		j_elem_str(&j, addrs[i]);
	j_close(&j, '[');
	j_str(&j, "gateway", gateway);
	sup_emit(sb, &j, "network");
}
