/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * --seccomp-learn FILE: run the command under a filter that reports every
 * system call to vb, and write the calls it made as a policy file that
 * --seccomp-policy FILE accepts.
 *
 * SECCOMP_RET_LOG would need the audit log, which an ordinary user cannot
 * read; seccomp user notification needs nothing:
 *
 *   parent, before clone   learn_prepare(): the output's unnamed file
 *                          (O_TMPFILE, with the caller's rights), a
 *                          socketpair, and the filter (raw BPF, below)
 *   child, just before     learn_apply_child(): seccomp(NEW_LISTENER), then
 *   exec                   the listener fd goes to the parent (SCM_RIGHTS)
 *   parent, until exec     learn_wait_exec(): receives the listener and
 *                          answers (CONTINUE) without recording: those are
 *                          vb's own calls (loading a policy, execve)
 *   parent, the sandbox    a waiter in vb_sandbox_wait() answers and records
 *   runs                   (arch, nr) for the command and all its children
 *   parent, at the end     learn_exited(): names, sorted, de-duplicated, into
 *                          the unnamed file, linked under a temporary name
 *                          and renamed over FILE (atomic; a killed vb leaves
 *                          nothing behind, there is no name until the end)
 *
 * The filter's default is SECCOMP_RET_USER_NOTIF.  It allows without asking:
 * exit and exit_group (a process must be able to end even when vb is gone;
 * they are always written to FILE), and the one sendmsg() that hands the
 * listener over: the parent has no listener yet to answer it.  That rule is
 * pinned to the socket's fd number and the address of the msghdr, so the
 * command's own sendmsg() calls are still reported.
 *
 * Other filters still apply: the kernel runs them all and the most
 * restrictive answer wins, and ERRNO/KILL beat USER_NOTIF.  So with a policy,
 * what is learned is what the policy let through.
 */
#include <fcntl.h>
#include <limits.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/fsuid.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "security/security.h"

#define LEARN_MAX_INSNS 64
#define LEARN_MAX_RECORDS 8192

struct learn_rec {
	uint32_t arch; /* AUDIT_ARCH_* (== SCMP_ARCH_*); x32 as SCMP_ARCH_X32 */
	int32_t nr;
};

struct vb_learn {
	const struct vb_sec_config *sec;
	int sock[2];      /* [0] parent, [1] child: SOCK_SEQPACKET, for the listener */
	int listener;     /* parent, once received */
	int tmp_fd;       /* the output, unnamed (O_TMPFILE), or -1 (see learn_prepare) */
	int waiter;       /* index in sb->waiters, -1 before learn_spawned() */
	bool done;        /* learn_exited() ran */
	int failed;       /* a positive errno met while recording, reported at the end */
	bool no_continue; /* the kernel lacks SECCOMP_USER_NOTIF_FLAG_CONTINUE */

	/* What the child uses: built here, so the child only fills in an fd. */
	struct sock_filter insns[LEARN_MAX_INSNS];
	struct sock_fprog prog;
	struct msghdr msg;
	struct iovec iov;
	char byte;
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int))];
	} cmsg;

	struct seccomp_notif_sizes sizes;
	struct seccomp_notif *req;
	struct seccomp_notif_resp *resp;

	struct learn_rec *recs; /* sorted by (arch, nr) */
	size_t n_recs, cap_recs;
};

/* ---- file system access with the caller's rights ----------------------------- */

/* A setuid vb opens, creates and renames the user's files with the user's
 * filesystem ids (the kernel also drops the DAC-overriding capabilities
 * while they are not 0); the previous ids come back afterwards. */
struct fs_ids {
	int uid, gid; /* previous fsuid/fsgid, -1 when unchanged */
};

static struct fs_ids as_caller(void)
{
	struct fs_ids ids = { -1, -1 };
	uid_t ruid = getuid();
	gid_t rgid = getgid();

	if (ruid != geteuid() || rgid != getegid()) {
		ids.gid = setfsgid(rgid);
		ids.uid = setfsuid(ruid);
	}
	return ids;
}

static void as_before(struct fs_ids ids)
{
	if (ids.uid >= 0)
		(void)setfsuid((uid_t)ids.uid);
	if (ids.gid >= 0)
		(void)setfsgid((gid_t)ids.gid);
}

/* ---- the setter ---------------------------------------------------------------- */

static int seccomp_learn(vb_config *cfg, const char *path, vb_error *err)
{
	struct vb_sec_config *sec;
	const char *slash, *base;
	char dir[PATH_MAX];
	struct stat st;
	struct fs_ids ids;
	int r, e;

	r = sec_begin(cfg, !!path, err, &sec);
	if (r < 0)
		return r;
	if (!*path || strlen(path) >= sizeof(dir))
		return vb_err(err, VB_STAGE_CONFIG, -1, 0,
			      "--seccomp-learn: invalid file name '%s'", path);
	slash = strrchr(path, '/');
	base = slash ? slash + 1 : path;
	if (!*base || strcmp(base, ".") == 0 || strcmp(base, "..") == 0)
		return vb_err(err, VB_STAGE_CONFIG, -1, 0,
			      "--seccomp-learn: '%s' names a directory, not a file", path);
	if (strlen(base) > NAME_MAX)
		return vb_err(err, VB_STAGE_CONFIG, -1, ENAMETOOLONG,
			      "Can't create seccomp-learn file %s", path);
	if (!slash)
		snprintf(dir, sizeof(dir), ".");
	else if (slash == path)
		snprintf(dir, sizeof(dir), "/");
	else
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);

	/* Checked now, as the caller; opened (pinned) by learn_validate(). */
	ids = as_caller();
	e = stat(dir, &st) < 0 ? errno : !S_ISDIR(st.st_mode) ? ENOTDIR : 0;
	if (!e && lstat(path, &st) == 0 && S_ISDIR(st.st_mode))
		e = EISDIR;
	as_before(ids);
	if (e)
		return vb_err(err, VB_STAGE_CONFIG, -1, e, "Can't create seccomp-learn file %s",
			      path);

	free(sec->learn_path);
	free(sec->learn_dir);
	sec->learn_dir = strdup(dir);
	if (sec->learn_dirfd >= 0)
		(void)close(sec->learn_dirfd);
	sec->learn_dirfd = -1;
	sec->learn_path = strdup(path);
	if (!sec->learn_path || !sec->learn_dir)
		return vb_err(err, VB_STAGE_CONFIG, -1, ENOMEM, "Out of memory");
	snprintf(sec->learn_name, sizeof(sec->learn_name), "%s", base);
	return 0;
}

int learn_validate(vb_config *cfg, vb_error *err)
{
	struct vb_sec_config *sec = cfg->sec;
	struct fs_ids ids;
	struct stat st;
	int fd, e;

	if (!sec || !sec->learn_path || sec->learn_dirfd >= 0)
		return 0;
	/* The directory is pinned now, as the caller: the file is made in
	 * it at the end, whatever happens to the path meanwhile. */
	ids = as_caller();
	fd = open(sec->learn_dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	e = errno;
	if (fd >= 0 && fstatat(fd, sec->learn_name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	    S_ISDIR(st.st_mode)) {
		(void)close(fd);
		fd = -1;
		e = EISDIR;
	}
	as_before(ids);
	if (fd < 0)
		return vb_err(err, VB_STAGE_CONFIG, -1, e, "Can't create seccomp-learn file %s",
			      sec->learn_path);
	sec->learn_dirfd = fd;
	return 0;
}

VB_EXPORT int vb_config_seccomp_learn(vb_config *cfg, const char *path, vb_error *err)
{
	struct sec_snap snap;

	sec_snap(cfg, &snap);
	return sec_undo(cfg, &snap, seccomp_learn(cfg, path, err));
}

/* ---- the filter ------------------------------------------------------------------ */

/* Jump targets while the program is built, resolved by emit_end(): the
 * next insn, the two returns, or a label (>= 0) placed with place(). */
enum { L_NEXT = -1, L_ALLOW = -2, L_NOTIFY = -3 };
#define LEARN_MAX_LABELS 8

struct emitter {
	struct sock_filter *f;
	int jt[LEARN_MAX_INSNS], jf[LEARN_MAX_INSNS];
	int labels[LEARN_MAX_LABELS];
	unsigned n;
	bool overflow;
};

static void emit(struct emitter *e, uint16_t code, uint32_t k, int jt, int jf)
{
	if (e->n >= LEARN_MAX_INSNS - 2) {
		e->overflow = true;
		return;
	}
	e->f[e->n] = (struct sock_filter){ .code = code, .k = k };
	e->jt[e->n] = jt;
	e->jf[e->n] = jf;
	e->n++;
}

static void emit_ld(struct emitter *e, uint32_t off)
{
	emit(e, BPF_LD | BPF_W | BPF_ABS, off, L_NEXT, L_NEXT);
}
/* if (A == k) goto jt; else goto jf */
static void emit_jeq(struct emitter *e, uint32_t k, int jt, int jf)
{
	emit(e, BPF_JMP | BPF_JEQ | BPF_K, k, jt, jf);
}
static void emit_ret(struct emitter *e, uint32_t action)
{
	emit(e, BPF_RET | BPF_K, action, L_NEXT, L_NEXT);
}
static void place(struct emitter *e, int label)
{
	e->labels[label] = (int)e->n;
}

/* Offsets of the low and high halves of a syscall argument. */
static uint32_t arg_lo(unsigned i)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	return (uint32_t)(offsetof(struct seccomp_data, args) + 8 * i);
#else
	return (uint32_t)(offsetof(struct seccomp_data, args) + 8 * i + 4);
#endif
}
static uint32_t arg_hi(unsigned i)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	return (uint32_t)(offsetof(struct seccomp_data, args) + 8 * i + 4);
#else
	return (uint32_t)(offsetof(struct seccomp_data, args) + 8 * i);
#endif
}

static int emit_end(struct emitter *e, unsigned short *ret_len)
{
	unsigned allow, notify;

	/* The two shared returns go last. */
	allow = e->n;
	e->f[e->n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	notify = e->n;
	e->f[e->n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_USER_NOTIF);
	if (e->overflow)
		return -E2BIG;
	for (unsigned i = 0; i + 2 < e->n; i++) {
		const int tgt[2] = { e->jt[i], e->jf[i] };
		uint8_t *out[2] = { &e->f[i].jt, &e->f[i].jf };

		if (BPF_CLASS(e->f[i].code) != BPF_JMP)
			continue;
		for (int k = 0; k < 2; k++) {
			long to = tgt[k] == L_NEXT     ? (long)i + 1
				  : tgt[k] == L_ALLOW  ? (long)allow
				  : tgt[k] == L_NOTIFY ? (long)notify
						       : (long)e->labels[tgt[k]];

			if (to <= (long)i || to - (long)i - 1 > 255)
				return -E2BIG;
			*out[k] = (uint8_t)(to - (long)i - 1);
		}
	}
	*ret_len = (unsigned short)e->n;
	return 0;
}

/* exit and exit_group of arch are allowed (nr already in A). */
static void emit_exits(struct emitter *e, uint32_t arch)
{
	static const char *const names[] = { "exit", "exit_group" };

	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		int nr = seccomp_syscall_resolve_name_arch(arch, names[i]);

		if (nr >= 0)
			emit_jeq(e, (uint32_t)nr, L_ALLOW, L_NEXT);
	}
}

/* Per arch: exit/exit_group allowed; on the native arch the handover's
 * sendmsg allowed; everything else, and every other arch, reported. */
static int build_filter(struct vb_learn *l)
{
	struct emitter e = { .f = l->insns };
	uint32_t native = seccomp_arch_native();
	uint32_t compat[2];
	size_t n_compat = 0;
	uint64_t msg = (uint64_t)(uintptr_t)&l->msg;

	if (native == SCMP_ARCH_X86_64)
		compat[n_compat++] = SCMP_ARCH_X86; /* x32 reports x86_64's audit arch */
	else if (native == SCMP_ARCH_AARCH64)
		compat[n_compat++] = SCMP_ARCH_ARM;

	emit_ld(&e, offsetof(struct seccomp_data, arch));
	emit_jeq(&e, native, 0, L_NEXT);
	for (size_t i = 0; i < n_compat; i++)
		emit_jeq(&e, compat[i], (int)i + 1, L_NEXT);
	emit_ret(&e, SECCOMP_RET_USER_NOTIF);

	place(&e, 0);
	emit_ld(&e, offsetof(struct seccomp_data, nr));
	emit_exits(&e, native);
	if (native == SCMP_ARCH_X86_64)
		emit_exits(&e, SCMP_ARCH_X32);
	/* sendmsg(sock[1], &l->msg, ...): the fd number alone could be the
	 * command's own socket's, the pair of fd and address is vb's. */
	emit_jeq(&e, (uint32_t)SYS_sendmsg, L_NEXT, L_NOTIFY);
	emit_ld(&e, arg_lo(0));
	emit_jeq(&e, (uint32_t)l->sock[1], L_NEXT, L_NOTIFY);
	emit_ld(&e, arg_hi(0));
	emit_jeq(&e, 0, L_NEXT, L_NOTIFY);
	emit_ld(&e, arg_lo(1));
	emit_jeq(&e, (uint32_t)msg, L_NEXT, L_NOTIFY);
	emit_ld(&e, arg_hi(1));
	emit_jeq(&e, (uint32_t)(msg >> 32), L_ALLOW, L_NOTIFY);

	for (size_t i = 0; i < n_compat; i++) {
		place(&e, (int)i + 1);
		emit_ld(&e, offsetof(struct seccomp_data, nr));
		emit_exits(&e, compat[i]);
		emit_ret(&e, SECCOMP_RET_USER_NOTIF);
	}
	l->prog.filter = l->insns;
	return emit_end(&e, &l->prog.len);
}

/* ---- parent, before clone ------------------------------------------------------ */

static void learn_free(struct vb_learn *l)
{
	if (!l)
		return;
	for (int i = 0; i < 2; i++)
		if (l->sock[i] >= 0)
			(void)close(l->sock[i]);
	if (l->listener >= 0)
		(void)close(l->listener);
	if (l->tmp_fd >= 0)
		(void)close(l->tmp_fd); /* unnamed: the file goes with it */
	free(l->req);
	free(l->resp);
	free(l->recs);
	free(l);
}

static void undo_learn(void *data)
{
	struct vb_sandbox *sb = data;

	learn_free(sb->learn);
	sb->learn = NULL;
}

int learn_prepare(struct vb_sandbox *sb, vb_error *err)
{
	const struct vb_sec_config *sec = sb->cfg->sec;
	struct vb_learn *l;
	struct fs_ids ids;
	size_t sz;
	int r, e;

	if (!sec || !sec->learn_path)
		return 0;
	if (vb_fault("learn-prepare") < 0)
		return vb_err(err, VB_STAGE_SECCOMP, -1, EIO, "Can't create seccomp-learn file %s",
			      sec->learn_path);
	l = calloc(1, sizeof(*l));
	if (!l)
		return vb_err(err, VB_STAGE_SECCOMP, -1, ENOMEM, "Out of memory");
	l->sec = sec;
	l->sock[0] = l->sock[1] = l->listener = l->tmp_fd = l->waiter = -1;
	sb->learn = l;
	r = vb_rollback_push(&sb->rb, undo_learn, sb, false);
	if (r < 0)
		return vb_err(err, VB_STAGE_SECCOMP, -1, -r, "Out of memory");

	if (syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &l->sizes) < 0)
		return vb_err(
			err, VB_STAGE_SECCOMP, -1, errno,
			"--seccomp-learn needs seccomp user notification (Linux 5.5 or later)");
	sz = l->sizes.seccomp_notif > sizeof(*l->req) ? l->sizes.seccomp_notif : sizeof(*l->req);
	l->sizes.seccomp_notif = (uint16_t)sz;
	l->req = calloc(1, sz);
	sz = l->sizes.seccomp_notif_resp > sizeof(*l->resp) ? l->sizes.seccomp_notif_resp
							    : sizeof(*l->resp);
	l->sizes.seccomp_notif_resp = (uint16_t)sz;
	l->resp = calloc(1, sz);
	if (!l->req || !l->resp)
		return vb_err(err, VB_STAGE_SECCOMP, -1, ENOMEM, "Out of memory");

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, l->sock) < 0)
		return vb_err(err, VB_STAGE_SECCOMP, -1, errno, "socketpair");
	l->iov = (struct iovec){ .iov_base = &l->byte, .iov_len = 1 };
	l->msg = (struct msghdr){ .msg_iov = &l->iov,
				  .msg_iovlen = 1,
				  .msg_control = l->cmsg.buf,
				  .msg_controllen = sizeof(l->cmsg.buf) };
	l->cmsg.h.cmsg_level = SOL_SOCKET;
	l->cmsg.h.cmsg_type = SCM_RIGHTS;
	l->cmsg.h.cmsg_len = CMSG_LEN(sizeof(int));
	r = build_filter(l);
	if (r < 0)
		return vb_err(err, VB_STAGE_SECCOMP, -1, -r,
			      "Can't build the seccomp-learn filter");

	/* The output, now and as the caller, so that a bad FILE fails before
	 * anything starts.  Unnamed until the end: a vb killed meanwhile
	 * leaves nothing behind.  Without O_TMPFILE (some file systems), the
	 * file is created at the end; check what can be checked now. */
	ids = as_caller();
	l->tmp_fd = openat(sec->learn_dirfd, ".", O_TMPFILE | O_WRONLY | O_CLOEXEC, 0666);
	e = errno;
	if (l->tmp_fd < 0 && (e == EOPNOTSUPP || e == EISDIR || e == EINVAL))
		e = faccessat(sec->learn_dirfd, ".", W_OK | X_OK, 0) < 0 ? errno : 0;
	as_before(ids);
	if (l->tmp_fd < 0 && e != 0)
		return vb_err(err, VB_STAGE_SECCOMP, -1, e, "Can't create seccomp-learn file %s",
			      sec->learn_path);
	return 0;
}

/* ---- child, just before exec ------------------------------------------------------ */

int learn_apply_child(struct vb_sandbox *sb, vb_error *err)
{
	struct vb_learn *l = sb->learn;
	int fd;

	if (!l)
		return 0;
	fd = (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER,
			  &l->prog);
	if (fd < 0) {
		if (errno == EBUSY)
			return vb_err(err, VB_STAGE_SECCOMP, -1, errno,
				      "--seccomp-learn: another seccomp supervisor already watches "
				      "this process");
		return vb_err(err, VB_STAGE_SECCOMP, -1, errno,
			      "seccomp(SECCOMP_FILTER_FLAG_NEW_LISTENER)");
	}
	/* From here on every call but exit and this sendmsg waits for the
	 * parent's answer: until it has the listener, nothing else (not even
	 * reporting an error) is possible. */
	memcpy(CMSG_DATA(&l->cmsg.h), &fd, sizeof(fd));
	if (syscall(SYS_sendmsg, l->sock[1], &l->msg, MSG_NOSIGNAL) != 1)
		_exit(1); /* the parent sees exec's EOF without a listener */
	return 0;
}

void learn_pid1(struct vb_sandbox *sb)
{
	const struct vb_learn *l = sb->learn;

	/* Only the command and the parent need them. */
	if (!l)
		return;
	if (l->sock[1] >= 0)
		(void)close(l->sock[1]);
	if (l->tmp_fd >= 0)
		(void)close(l->tmp_fd);
	(void)close(l->sec->learn_dirfd);
}

/* ---- parent: answering, recording ------------------------------------------------ */

static bool readable(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	return poll(&p, 1, 0) > 0 && p.revents;
}

static int learn_record(struct vb_learn *l, uint32_t arch, int32_t nr)
{
	size_t lo = 0, hi = l->n_recs;

	/* x32 reports x86_64's audit arch, with its bit in nr. */
	if (arch == AUDIT_ARCH_X86_64 && (nr & 0x40000000))
		arch = SCMP_ARCH_X32;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		const struct learn_rec *m = &l->recs[mid];

		if (m->arch == arch && m->nr == nr)
			return 0;
		if (m->arch < arch || (m->arch == arch && m->nr < nr))
			lo = mid + 1;
		else
			hi = mid;
	}
	if (l->n_recs >= LEARN_MAX_RECORDS)
		return -E2BIG;
	if (l->n_recs == l->cap_recs) {
		size_t cap = l->cap_recs ? l->cap_recs * 2 : 256;
		struct learn_rec *v = realloc(l->recs, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		l->recs = v;
		l->cap_recs = cap;
	}
	memmove(&l->recs[lo + 1], &l->recs[lo], (l->n_recs - lo) * sizeof(*l->recs));
	l->recs[lo] = (struct learn_rec){ arch, nr };
	l->n_recs++;
	return 0;
}

/* Takes one notification (call only when the listener is readable: RECV
 * blocks when none is pending) and lets the call go on.  Before the exec
 * (exec_fd >= 0 and still open in the child) the calls are vb's own and
 * are not recorded: a notified call is blocked, so the pipe cannot close
 * under us while we look. */
static int learn_answer(struct vb_learn *l, int exec_fd)
{
	struct seccomp_notif *req = l->req;
	struct seccomp_notif_resp *resp = l->resp;
	int r;

	memset(req, 0, l->sizes.seccomp_notif);
	if (ioctl(l->listener, SECCOMP_IOCTL_NOTIF_RECV, req) < 0)
		/* ENOENT: the caller died or was interrupted meanwhile. */
		return errno == ENOENT || errno == EINTR ? 0 : -errno;
	if (exec_fd < 0 || readable(exec_fd)) {
		r = learn_record(l, req->data.arch, req->data.nr);
		if (r < 0 && !l->failed)
			l->failed = -r;
	}
	memset(resp, 0, l->sizes.seccomp_notif_resp);
	resp->id = req->id;
	resp->flags = l->no_continue ? 0 : SECCOMP_USER_NOTIF_FLAG_CONTINUE;
	resp->error = l->no_continue ? -ENOSYS : 0;
	for (;;) {
		if (ioctl(l->listener, SECCOMP_IOCTL_NOTIF_SEND, resp) == 0 || errno == ENOENT)
			return 0;
		if (errno == EINTR)
			continue;
		if (errno != EINVAL || l->no_continue)
			return -errno;
		/* Linux < 5.5: the call can't go on; fail it, and say why
		 * when the sandbox fails. */
		l->no_continue = true;
		resp->flags = 0;
		resp->error = -ENOSYS;
	}
}

/* Takes the listener the child sent, if it is there (or EOF). */
static int learn_receive(struct vb_learn *l)
{
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int))];
	} c;
	char b;
	struct iovec iov = { .iov_base = &b, .iov_len = 1 };
	struct msghdr m = { .msg_iov = &iov,
			    .msg_iovlen = 1,
			    .msg_control = c.buf,
			    .msg_controllen = sizeof(c.buf) };
	struct cmsghdr *h;
	ssize_t n;

	do
		n = recvmsg(l->sock[0], &m, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return errno == EAGAIN ? 0 : -errno;
	(void)close(l->sock[0]);
	l->sock[0] = -1;
	h = CMSG_FIRSTHDR(&m);
	if (n == 1 && h && h->cmsg_level == SOL_SOCKET && h->cmsg_type == SCM_RIGHTS &&
	    h->cmsg_len == CMSG_LEN(sizeof(int)))
		memcpy(&l->listener, CMSG_DATA(h), sizeof(int));
	return 0;
}

int learn_wait_exec(struct vb_sandbox *sb, int exec_fd, vb_error *err)
{
	struct vb_learn *l = sb->learn;
	int r;

	if (!l)
		return 0;
	/* The child's end is the child's: EOF once it is gone. */
	if (l->sock[1] >= 0) {
		(void)close(l->sock[1]);
		l->sock[1] = -1;
	}
	for (;;) {
		struct pollfd p[3] = {
			{ .fd = l->sock[0], .events = POLLIN },
			{ .fd = l->listener, .events = POLLIN },
			{ .fd = exec_fd, .events = POLLIN },
		};

		/* The child may wait here for long (--block-fd): the
		 * caller's signals and --timeout still hold. */
		r = vb_sandbox_poll(sb, p, 3);
		if (r < 0)
			return vb_sandbox_cut(sb, r, err, "waiting for the sandbox to start");
		if (p[0].revents && (r = learn_receive(l)) < 0)
			return vb_err(err, VB_STAGE_EXEC, -1, -r,
				      "Can't receive the seccomp listener");
		if ((p[1].revents & POLLIN) && (r = learn_answer(l, exec_fd)) < 0)
			return vb_err(err, VB_STAGE_EXEC, -1, -r, "seccomp notification");
		if (p[2].revents) {
			/* Sent just before the exec: still queued. */
			if (l->listener < 0 && l->sock[0] >= 0 && (r = learn_receive(l)) < 0)
				return vb_err(err, VB_STAGE_EXEC, -1, -r,
					      "Can't receive the seccomp listener");
			return 0;
		}
	}
}

static int learn_waiter(struct vb_sandbox *sb, struct vb_waiter *w, short revents)
{
	struct vb_learn *l = w->data;
	int r;

	(void)sb;
	if (!(revents & POLLIN)) {
		/* POLLHUP: nothing runs under the filter any more. */
		w->fd = -1;
		return 0;
	}
	/* A few at a time, so that the other waiters get their turn. */
	for (int i = 0; i < 64; i++) {
		r = learn_answer(l, -1);
		if (r < 0)
			return r;
		if (!readable(l->listener))
			break;
	}
	return 0;
}

int learn_spawned(struct vb_sandbox *sb, vb_error *err)
{
	struct vb_learn *l = sb->learn;
	int r;

	if (!l)
		return 0;
	if (l->no_continue)
		return vb_err(err, VB_STAGE_SECCOMP, -1, 0,
			      "--seccomp-learn needs SECCOMP_USER_NOTIF_FLAG_CONTINUE (Linux 5.5 "
			      "or later)");
	if (l->listener < 0)
		return vb_err(
			err, VB_STAGE_SECCOMP, -1, 0,
			"--seccomp-learn: the sandbox did not hand over its seccomp listener");
	/* Without a pidfd the wait blocks in waitpid(), and nobody would
	 * answer the command's calls. */
	if (sb->pidfd < 0)
		return vb_err(err, VB_STAGE_SECCOMP, -1, ENOSYS, "--seccomp-learn needs a pidfd");
	r = vb_sandbox_add_waiter(sb, l->listener, POLLIN, learn_waiter, l);
	if (r < 0)
		return vb_err(err, VB_STAGE_SECCOMP, -1, -r, "Too many waiters");
	l->waiter = (int)sb->n_waiters - 1;
	return 0;
}

/* ---- parent, at the end: the policy file ------------------------------------------- */

static const char *arch_name(uint32_t arch)
{
	switch (arch) {
	case SCMP_ARCH_X86_64:
		return "x86_64";
	case SCMP_ARCH_X86:
		return "i386";
	case SCMP_ARCH_X32:
		return "x32";
	case SCMP_ARCH_AARCH64:
		return "aarch64";
	case SCMP_ARCH_ARM:
		return "arm";
	default:
		return NULL;
	}
}

/* s, printable and at most size - 1 bytes, for a comment line. */
static void printable(char *buf, size_t size, const char *s)
{
	snprintf(buf, size, "%s", s);
	for (char *p = buf; *p; p++)
		if ((unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7f)
			*p = '?';
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every command needs these: vb answers execve for itself (it is the
 * exec), and exit/exit_group are never reported. */
static const char *const always[] = { "execve", "exit", "exit_group" };

/* Calls that stand for one operation, where which of them a run makes
 * depends on timing: a shell's `wait` reaps a child that already exited
 * with wait4 alone, and sleeps in rt_sigsuspend when it has not; a blocking
 * call interrupted by a signal comes back through restart_syscall.  One run
 * sees one branch, a loaded machine takes the other, and a replay that gets
 * EPERM there can spin forever.  So a learned policy that holds one member
 * of a family allows all of it (vb(1), --seccomp-learn, says so). */
static const char *const *const families[] = {
	/* waiting for a child */
	(const char *const[]){ "wait4", "waitid", "rt_sigsuspend", "pause", NULL },
	/* signal delivery and masks */
	(const char *const[]){ "rt_sigaction", "rt_sigprocmask", "rt_sigreturn", "rt_sigsuspend",
			       "rt_sigtimedwait", "rt_sigpending", "sigaltstack", "restart_syscall",
			       NULL },
	/* sleeping */
	(const char *const[]){ "nanosleep", "clock_nanosleep", "restart_syscall", NULL },
	/* waiting on fds */
	(const char *const[]){ "poll", "ppoll", "select", "pselect6", "epoll_wait", "epoll_pwait",
			       "epoll_pwait2", "restart_syscall", NULL },
	/* waiting on a futex (threads, locks) */
	(const char *const[]){ "futex", "futex_waitv", "sched_yield", NULL },
};

static bool in_names(char *const *names, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(names[i], name) == 0)
			return true;
	return false;
}

/* Adds the rest of every family one of names[0..*n) belongs to; names has
 * room for learn_family_room() more. */
static int add_families(char **names, size_t *n)
{
	for (size_t f = 0; f < ARRAY_SIZE(families); f++) {
		bool seen = false;

		for (const char *const *m = families[f]; *m && !seen; m++)
			seen = in_names(names, *n, *m);
		if (!seen)
			continue;
		for (const char *const *m = families[f]; *m; m++) {
			if (in_names(names, *n, *m) || !sec_syscall_known(*m) ||
			    seccomp_syscall_resolve_name(*m) == __NR_SCMP_ERROR)
				continue;
			if (!(names[(*n)++] = strdup(*m)))
				return -ENOMEM;
		}
	}
	return 0;
}

static size_t learn_family_room(void)
{
	size_t room = 0;

	for (size_t f = 0; f < ARRAY_SIZE(families); f++)
		for (const char *const *m = families[f]; *m; m++)
			room++;
	return room;
}

/* The policy text: header, "default eperm", one "allow NAME" per line,
 * sorted and de-duplicated (an arch's number and its compat arches' are one
 * name), then the numbers no name is known for, as comments. */
static int learn_format(const struct vb_learn *l, const vb_config *cfg, char **ret, size_t *ret_len)
{
	size_t n = 0, cap = l->n_recs + ARRAY_SIZE(always) + learn_family_room();
	char **names = calloc(cap, sizeof(char *));
	char *text = NULL, cmd[81], path[256];
	size_t len = 0;
	FILE *f;
	int r = -ENOMEM;

	if (!names)
		return -ENOMEM;
	for (size_t i = 0; i < ARRAY_SIZE(always); i++)
		if (!(names[n++] = strdup(always[i])))
			goto out;
	for (size_t i = 0; i < l->n_recs; i++) {
		char *s = arch_name(l->recs[i].arch)
				  ? seccomp_syscall_resolve_num_arch(l->recs[i].arch, l->recs[i].nr)
				  : NULL;

		if (s)
			names[n++] = s;
	}
	if (add_families(names, &n) < 0)
		goto out;
	qsort(names, n, sizeof(*names), cmp_str);

	/* For the header, printable: a newline would end the comment. */
	printable(cmd, sizeof(cmd), cfg->argv && cfg->argv[0] ? cfg->argv[0] : "?");
	printable(path, sizeof(path), l->sec->learn_path);

	f = open_memstream(&text, &len);
	if (!f)
		goto out;
	fprintf(f,
		"# Learned by vb --seccomp-learn: the system calls that %s and its\n"
		"# children made (what other seccomp options let through), plus execve,\n"
		"# exit and exit_group, which every command needs.  Anything else gets\n"
		"# EPERM: edit the default line, or use --seccomp-default-action.\n"
		"# Use: vb --seccomp-policy %s%s ...\n"
		"default eperm\n",
		cmd, strchr(path, '/') ? "" : "./", path);
	for (size_t i = 0; i < n; i++) {
		if (i > 0 && strcmp(names[i], names[i - 1]) == 0)
			continue;
		if (sec_syscall_known(names[i]))
			fprintf(f, "allow %s\n", names[i]);
		else
			fprintf(f, "# not a name this vb accepts: %s\n", names[i]);
	}
	for (size_t i = 0; i < l->n_recs; i++) {
		const char *a = arch_name(l->recs[i].arch);
		char *s =
			a ? seccomp_syscall_resolve_num_arch(l->recs[i].arch, l->recs[i].nr) : NULL;

		if (!s && a)
			fprintf(f, "# unknown system call: %s %d\n", a, (int)l->recs[i].nr);
		else if (!s)
			fprintf(f, "# unknown system call: arch 0x%x %d\n",
				(unsigned)l->recs[i].arch, (int)l->recs[i].nr);
		free(s);
	}
	if (fclose(f) != 0 || !text) {
		free(text);
		goto out;
	}
	*ret = text;
	*ret_len = len;
	r = 0;
out:
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return r;
}

/* Gives the unnamed file the name tmp.  AT_EMPTY_PATH needs
 * CAP_DAC_READ_SEARCH before Linux 6.10; /proc/self/fd works for anyone
 * who can see /proc. */
static int link_tmpfile(const struct vb_learn *l, const char *tmp)
{
	char proc[64];

	if (linkat(l->tmp_fd, "", l->sec->learn_dirfd, tmp, AT_EMPTY_PATH) == 0)
		return 0;
	if (errno == EEXIST)
		return -EEXIST;
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", l->tmp_fd);
	if (linkat(AT_FDCWD, proc, l->sec->learn_dirfd, tmp, AT_SYMLINK_FOLLOW) == 0)
		return 0;
	return -errno;
}

static int write_sync(int fd, const char *text, size_t len)
{
	int r = vb_write_all(fd, text, len);

	if (r == 0 && fsync(fd) < 0)
		r = -errno;
	return r;
}

/* Writes text to FILE atomically: the unnamed file gets a temporary name in
 * FILE's directory (or, when it can't be linked, a new file is made there),
 * then is renamed over FILE, which replaces a symlink, never follows it.
 * The temporary name is removed on every failure.  Runs with the caller's
 * fs ids. */
static int learn_write(struct vb_learn *l, const char *text, size_t len, const char **ret_what)
{
	const struct vb_sec_config *sec = l->sec;
	bool unnamed = l->tmp_fd >= 0;
	char tmp[64];
	int fd = -1, r;

	if (unnamed) {
		*ret_what = "Can't write";
		r = write_sync(l->tmp_fd, text, len);
		if (r < 0)
			return r;
	}
	*ret_what = "Can't create";
	r = -EEXIST;
	for (int tries = 0; tries < 16 && r == -EEXIST; tries++) {
		uint64_t rnd = 0;

		if (getrandom(&rnd, sizeof(rnd), GRND_NONBLOCK) != sizeof(rnd))
			rnd ^= (uint64_t)getpid() << 20 ^ (uint64_t)tries;
		snprintf(tmp, sizeof(tmp), ".vb-learn.%016llx", (unsigned long long)rnd);
		if (unnamed) {
			r = link_tmpfile(l, tmp);
			if (r == 0 || r == -EEXIST)
				continue;
			unnamed = false; /* and make a named one */
		}
		fd = openat(sec->learn_dirfd, tmp,
			    O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
		r = fd < 0 ? -errno : 0;
	}
	if (r < 0)
		return r;
	if (fd >= 0) {
		*ret_what = "Can't write";
		r = write_sync(fd, text, len);
		if (close(fd) < 0 && r == 0)
			r = -errno;
	}
	if (r == 0) {
		*ret_what = "Can't create";
		r = vb_fault("learn-rename");
		if (r == 0 &&
		    renameat(sec->learn_dirfd, tmp, sec->learn_dirfd, sec->learn_name) < 0)
			r = -errno;
	}
	if (r < 0)
		(void)unlinkat(sec->learn_dirfd, tmp, 0);
	return r;
}

int learn_exited(struct vb_sandbox *sb, vb_error *err)
{
	struct vb_learn *l = sb->learn;
	_cleanup_free_ char *text = NULL;
	const char *what = "Can't write";
	struct fs_ids ids;
	size_t len = 0;
	int r;

	if (!l || l->done)
		return 0;
	l->done = true;
	/* What is still queued (processes the sandbox left behind); then
	 * stop: their calls get ENOSYS from now on, as when vb is gone. */
	for (int i = 0; i < 4096 && l->listener >= 0 && readable(l->listener); i++)
		if (learn_answer(l, -1) < 0)
			break;
	if (l->waiter >= 0)
		sb->waiters[l->waiter].fd = -1;
	if (l->listener >= 0) {
		(void)close(l->listener);
		l->listener = -1;
	}
	if (l->failed)
		return vb_err(err, VB_STAGE_WAIT, -1, l->failed,
			      "Can't record the system calls for seccomp-learn file %s",
			      l->sec->learn_path);
	r = learn_format(l, sb->cfg, &text, &len);
	if (r < 0)
		return vb_err(err, VB_STAGE_WAIT, -1, -r, "Can't write seccomp-learn file %s",
			      l->sec->learn_path);
	ids = as_caller();
	r = learn_write(l, text, len, &what);
	as_before(ids);
	if (r < 0)
		return vb_err(err, VB_STAGE_WAIT, -1, -r, "%s seccomp-learn file %s", what,
			      l->sec->learn_path);
	return 0;
}
