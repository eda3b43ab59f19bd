/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Seccomp filters: readable policies (security/policy.c) compiled with
 * libseccomp, and bwrap's raw BPF programs (--seccomp FD, --add-seccomp-fd FD).
 *
 * Everything is read and compiled in the parent before clone, so that the
 * child only calls prctl().  Filters are loaded as the last step before
 * exec, after the capabilities were dropped and no_new_privs was set:
 * first the policy's filters, then bwrap's raw programs in order.
 *
 * A policy is two filters, because the kernel runs every filter and keeps
 * the most restrictive answer:
 *   1. argument checks (ioctl TIOCSTI/TIOCLINUX, clone/unshare with
 *      CLONE_NEWUSER, socket/socketpair of a rare address family), default
 *      allow, so they hold whatever 2. allows;
 *   2. the syscall table: one action per syscall name, a default for the
 *      rest, behind a prefix that gives syscalls newer than this libseccomp
 *      ENOSYS (so that a newer libc falls back) instead of the default's
 *      EPERM or kill.
 * Every policy denies io_uring unless a rule allows it by name (see
 * compile_policy()).
 *
 * Without any policy, filter 1 alone is loaded, with the terminal checks
 * only: by default nothing in the sandbox may push input into a terminal
 * it inherited (TIOCSTI) or take over a console (TIOCLINUX), in every mode
 * and with or without --new-session (flatpak filters the same two ioctls,
 * comparing the low 32 bits of the request).  Job control (TIOCSPGRP...)
 * is untouched.  --allow-tiocsti, or a rule allowing @tiocsti by name,
 * turns this off.
 * Load order: 1., bwrap's raw programs, --seccomp-learn's filter
 * (security/learn.c), then 2. last, because a policy may deny prctl()
 * itself (minimal, or a kill default) and nothing could be loaded after it.
 * On a tie between two errnos the newest filter wins, so the policy's errno
 * is the one the command sees.
 */
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/fsuid.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>

#include "security/security.h"

/* ---- compiling ------------------------------------------------------------------ */

struct resolved {
	const char *name; /* into rules or groups */
	size_t len;
	enum sec_action action;
	int error;
};

struct resolve_state {
	struct resolved *v;
	size_t n, cap;
	bool deny_userns, deny_tiocsti, deny_rare_af;
	int userns_errno, tiocsti_errno, rare_af_errno;
};

/* add_rare_af_rules: action for socket() and socketpair() with a family
 * other than AF_UNIX (1), AF_INET (2), AF_INET6 (10) and AF_NETLINK (16).
 * One comparison per rule (libseccomp allows one per argument): each
 * value in the gaps, and everything from 17 up.  Where socket() is
 * multiplexed through socketcall() (i386 without the direct calls) the
 * family is behind a pointer and cannot be checked. */
static int add_rare_af_rules(scmp_filter_ctx ctx, uint32_t action)
{
	static const int sys[2] = { SCMP_SYS(socket), SCMP_SYS(socketpair) };
	static const unsigned gaps[] = { 0, 3, 4, 5, 6, 7, 8, 9, 11, 12, 13, 14, 15 };

	for (size_t k = 0; k < 2; k++) {
		int r;

		for (size_t i = 0; i < ARRAY_SIZE(gaps); i++) {
			r = seccomp_rule_add(ctx, action, sys[k], 1,
					     SCMP_A0(SCMP_CMP_MASKED_EQ, 0xffffffffu, gaps[i]));
			if (r < 0)
				return r;
		}
		/* The whole 64-bit value: a negative int, or garbage in the
		 * upper half, is refused too (the kernel would refuse the
		 * former and read the latter as a small family). */
		r = seccomp_rule_add(ctx, action, sys[k], 1,
				     SCMP_A0(SCMP_CMP_GE, (scmp_datum_t)AF_NETLINK + 1));
		if (r < 0)
			return r;
	}
	return 0;
}

static int set_name(struct resolve_state *st, const char *name, size_t len, enum sec_action a,
		    int e, unsigned depth)
{
	if (name[0] == '@') {
		char g[40];
		const struct sec_group *grp;
		const char *p;

		if (len >= sizeof(g) || depth > 4)
			return 0;
		memcpy(g, name, len);
		g[len] = 0;
		grp = sec_find_group(g);
		if (!grp)
			return 0;
		if (strcmp(g, "@userns") == 0) {
			st->deny_userns = a != SEC_ALLOW;
			st->userns_errno = e;
		} else if (strcmp(g, "@tiocsti") == 0) {
			st->deny_tiocsti = a != SEC_ALLOW;
			st->tiocsti_errno = e;
		} else if (strcmp(g, "@rare-sockets") == 0) {
			st->deny_rare_af = a != SEC_ALLOW;
			st->rare_af_errno = e;
		}
		for (p = grp->members; *p;) {
			size_t l = strcspn(p, " ");
			int r = set_name(st, p, l, a, e, depth + 1);

			if (r < 0)
				return r;
			p += l;
			p += strspn(p, " ");
		}
		return 0;
	}
	for (size_t i = 0; i < st->n; i++)
		if (st->v[i].len == len && memcmp(st->v[i].name, name, len) == 0) {
			st->v[i].action = a;
			st->v[i].error = e;
			return 0;
		}
	if (st->n == st->cap) {
		size_t cap = st->cap ? st->cap * 2 : 256;
		struct resolved *v = realloc(st->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		st->v = v;
		st->cap = cap;
	}
	st->v[st->n++] = (struct resolved){ name, len, a, e };
	return 0;
}

static uint32_t scmp_action(enum sec_action a, int e)
{
	switch (a) {
	case SEC_ALLOW:
		return SCMP_ACT_ALLOW;
	case SEC_KILL:
		return SCMP_ACT_KILL_PROCESS;
	case SEC_LOG:
		return SCMP_ACT_LOG;
	default:
		return SCMP_ACT_ERRNO((unsigned)e);
	}
}

/* The native arch and its compat arches. */
static int add_arches(scmp_filter_ctx ctx)
{
	uint32_t native = seccomp_arch_native();
	int r = 0;

	if (native == SCMP_ARCH_X86_64) {
		r = seccomp_arch_add(ctx, SCMP_ARCH_X86);
		if (r == 0)
			r = seccomp_arch_add(ctx, SCMP_ARCH_X32);
	} else if (native == SCMP_ARCH_AARCH64) {
		r = seccomp_arch_add(ctx, SCMP_ARCH_ARM);
	}
	return r == -EEXIST ? 0 : r;
}

static int export_prog(scmp_filter_ctx ctx, struct vb_bpf_prog *ret)
{
	_cleanup_close_ int fd = memfd_create("vb-seccomp", MFD_CLOEXEC);
	char *data = NULL;
	size_t len = 0;
	int r;

	if (fd < 0)
		return -errno;
	r = seccomp_export_bpf(ctx, fd);
	if (r < 0)
		return r;
	if (lseek(fd, 0, SEEK_SET) < 0)
		return -errno;
	r = vb_read_fd(fd, &data, &len);
	if (r < 0)
		return r;
	if (len == 0 || len % 8 || len / 8 > 0xffff) {
		free(data);
		return -E2BIG;
	}
	ret->insns = (struct sock_filter *)(void *)data;
	ret->len = (unsigned short)(len / 8);
	return 0;
}

/* Largest syscall number libseccomp can name on arch (numbers above it are
 * newer than this libseccomp). */
static int max_known_nr(uint32_t arch, int base)
{
	int max = -1;

	for (int n = 0; n < 1024; n++) {
		char *s = seccomp_syscall_resolve_num_arch(arch, base + n);

		if (s) {
			max = n;
			free(s);
		}
	}
	return max;
}

/* The prefix of the syscall table, in raw BPF: per arch, nr > the largest
 * known -> ENOSYS, else on to the table (prepended to prog). */
static int prepend_unknown_check(struct vb_bpf_prog *prog)
{
	struct sock_filter f[32];
	unsigned n = 0;
	uint32_t native = seccomp_arch_native();

#define STMT(c, k) (f[n++] = (struct sock_filter)BPF_STMT((c), (k)))
#define JUMP(c, k, t, e) (f[n++] = (struct sock_filter)BPF_JUMP((c), (k), (t), (e)))
	STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch));
	if (native == SCMP_ARCH_X86_64) {
		int m64 = max_known_nr(SCMP_ARCH_X86_64, 0);
		int mx32 = max_known_nr(SCMP_ARCH_X32, 0x40000000);
		int m32 = max_known_nr(SCMP_ARCH_X86, 0);

		if (m64 < 0 || m32 < 0)
			return -ENOSYS;
		if (mx32 < 0)
			mx32 = m64;
		/* 1 */ JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 0, 4);
		/* 2 */ STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr));
		/* 3 */ JUMP(BPF_JMP | BPF_JGE | BPF_K, 0x40000000, 0, 1);
		/* 4 */ JUMP(BPF_JMP | BPF_JGT | BPF_K, 0x40000000u + (unsigned)mx32, 5, 4);
		/* 5 */ JUMP(BPF_JMP | BPF_JGT | BPF_K, (unsigned)m64, 4, 3);
		/* 6 */ JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_I386, 0, 2);
		/* 7 */ STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr));
		/* 8 */ JUMP(BPF_JMP | BPF_JGT | BPF_K, (unsigned)m32, 1, 0);
		/* 9 */ STMT(BPF_JMP | BPF_JA, 1); /* on to the table */
		/* 10 */ STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS);
	} else {
		int m = max_known_nr(SCMP_ARCH_NATIVE, 0);

		if (m < 0)
			return -ENOSYS;
		STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr));
		JUMP(BPF_JMP | BPF_JGT | BPF_K, (unsigned)m, 1, 0);
		STMT(BPF_JMP | BPF_JA, 1);
		STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS);
	}
#undef STMT
#undef JUMP
	if ((size_t)prog->len + n > 0xffff)
		return -E2BIG;
	struct sock_filter *insns = malloc((prog->len + n) * sizeof(*f));

	if (!insns)
		return -ENOMEM;
	memcpy(insns, f, n * sizeof(*f));
	memcpy(insns + n, prog->insns, prog->len * sizeof(*f));
	free(prog->insns);
	prog->insns = insns;
	prog->len = (unsigned short)(prog->len + n);
	return 0;
}

static void free_progs(struct vb_bpf_prog *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(p[i].insns);
	free(p);
}

static bool tiocsti_allowed_by_name(const struct vb_sec_config *sec)
{
	for (size_t i = 0; i < sec->n_rules; i++)
		if (sec->rules[i].action == SEC_ALLOW &&
		    strcmp(sec->rules[i].name, "@tiocsti") == 0)
			return true;
	return false;
}

/* Whether the resolved rules (def for a name without one) let name run. */
static bool st_allows(const struct resolve_state *st, const char *name, enum sec_action def)
{
	size_t len = strlen(name);

	for (size_t i = st->n; i-- > 0;)
		if (st->v[i].len == len && memcmp(st->v[i].name, name, len) == 0)
			return st->v[i].action == SEC_ALLOW || st->v[i].action == SEC_LOG;
	return def == SEC_ALLOW || def == SEC_LOG;
}

/* Compiles the rules into up to three programs (see the top of the file). */
static int compile_policy(struct vb_sec_config *sec, struct vb_bpf_prog *out, size_t *ret_n,
			  vb_error *err)
{
	struct resolve_state st = { 0 };
	enum sec_action def = SEC_ALLOW;
	int def_errno = 0, r = 0;
	scmp_filter_ctx ctx = NULL;
	size_t n = 0;

	if (!sec->have_policy)
		goto args;
	if (sec->policy_default != SEC_UNSET)
		def = sec->policy_default, def_errno = sec->policy_default_errno;
	if (sec->default_action != SEC_UNSET)
		def = sec->default_action, def_errno = sec->default_errno;

	for (size_t i = 0; i < sec->n_rules && r >= 0; i++)
		r = set_name(&st, sec->rules[i].name, strlen(sec->rules[i].name),
			     sec->rules[i].action, sec->rules[i].error, 0);
	/* io_uring does in the kernel what the filter would refuse as
	 * syscalls (socket, connect, openat...): any policy or deny list
	 * denies it, unless a rule allows it by name (not through @aio). */
	for (size_t k = 0; k < ARRAY_SIZE(sec_io_uring_names) && r >= 0; k++)
		if (!sec_allowed_by_name(sec, sec_io_uring_names[k]))
			r = set_name(&st, sec_io_uring_names[k], strlen(sec_io_uring_names[k]),
				     SEC_ERRNO, EPERM, 0);
	if (r < 0)
		goto fail;
	/* The filter is loaded before the exec: a policy that does not let
	 * the command be exec'd, or a process end, can start nothing (the
	 * exec fails, the child cannot even exit: SIGSEGV in _exit()).
	 * Refused here, naming what set the default. */
	{
		static const char *const needed[] = { "execve", "exit_group", "exit" };

		for (size_t k = 0; k < ARRAY_SIZE(needed); k++) {
			if (st_allows(&st, needed[k], def))
				continue;
			free(st.v);
			return vb_err(
				err, VB_STAGE_SECCOMP, -1, 0,
				"%s: the seccomp policy does not allow %s, so no command could "
				"start (allow execve, exit and exit_group)",
				sec->default_action != SEC_UNSET ? "--seccomp-default-action"
								 : "the seccomp policy's default",
				needed[k]);
		}
	}

	/* The syscall table (out[0], loaded last). */
	r = -ENOMEM;
	ctx = seccomp_init(scmp_action(def, def_errno));
	if (!ctx)
		goto fail;
	r = add_arches(ctx);
	if (r < 0)
		goto fail;
	for (size_t i = 0; i < st.n; i++) {
		char name[40];
		int nr;

		if (st.v[i].action == def && (def != SEC_ERRNO || st.v[i].error == def_errno))
			continue;
		memcpy(name, st.v[i].name, st.v[i].len);
		name[st.v[i].len] = 0;
		nr = seccomp_syscall_resolve_name(name);
		if (nr == __NR_SCMP_ERROR)
			continue; /* not on these arches */
		r = seccomp_rule_add(ctx, scmp_action(st.v[i].action, st.v[i].error), nr, 0);
		/* -EDOM etc: a name some arch lacks (or multiplexes). */
		if (r == -ENOMEM)
			goto fail;
	}
	r = export_prog(ctx, &out[n]);
	if (r < 0)
		goto fail;
	n++;
	seccomp_release(ctx);
	ctx = NULL;
	/* Newer syscalls get ENOSYS, not the default's EPERM. */
	if (def == SEC_ERRNO && def_errno != ENOSYS) {
		r = prepend_unknown_check(&out[0]);
		if (r < 0)
			goto fail;
	}

args:
	/* The default terminal checks, unless turned off (see the top). */
	if (!st.deny_tiocsti && !sec->allow_tiocsti && !tiocsti_allowed_by_name(sec)) {
		st.deny_tiocsti = true;
		st.tiocsti_errno = EPERM;
	}
	/* 2: argument checks (out[1], loaded first; out[0] without a table). */
	if (st.deny_userns || st.deny_tiocsti || st.deny_rare_af) {
		r = -ENOMEM;
		ctx = seccomp_init(SCMP_ACT_ALLOW);
		if (!ctx)
			goto fail;
		r = add_arches(ctx);
		if (r < 0)
			goto fail;
		if (st.deny_userns) {
			uint32_t a = SCMP_ACT_ERRNO((unsigned)st.userns_errno);

			r = seccomp_rule_add(
				ctx, a, SCMP_SYS(unshare), 1,
				SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_NEWUSER, CLONE_NEWUSER));
			if (r == 0)
				r = seccomp_rule_add(
					ctx, a, SCMP_SYS(clone), 1,
					SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_NEWUSER, CLONE_NEWUSER));
			/* clone3's flags are behind a pointer: ENOSYS makes
			 * glibc fall back to clone. */
			if (r == 0)
				r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3),
						     0);
			if (r < 0)
				goto fail;
		}
		if (st.deny_tiocsti) {
			uint32_t a = SCMP_ACT_ERRNO((unsigned)st.tiocsti_errno);

			r = seccomp_rule_add(ctx, a, SCMP_SYS(ioctl), 1,
					     SCMP_A1(SCMP_CMP_MASKED_EQ, 0xffffffffu, TIOCSTI));
			if (r == 0)
				r = seccomp_rule_add(
					ctx, a, SCMP_SYS(ioctl), 1,
					SCMP_A1(SCMP_CMP_MASKED_EQ, 0xffffffffu, TIOCLINUX));
			if (r < 0)
				goto fail;
		}
		if (st.deny_rare_af) {
			r = add_rare_af_rules(ctx, SCMP_ACT_ERRNO((unsigned)st.rare_af_errno));
			if (r < 0)
				goto fail;
		}
		r = export_prog(ctx, &out[n]);
		if (r < 0)
			goto fail;
		n++;
		seccomp_release(ctx);
		ctx = NULL;
	}

	free(st.v);
	*ret_n = n;
	return 0;
fail:
	if (ctx)
		seccomp_release(ctx);
	free(st.v);
	for (size_t i = 0; i < n; i++)
		free(out[i].insns);
	return vb_err(err, VB_STAGE_SECCOMP, -1, -r, "Can't compile seccomp policy");
}

/* Reads one raw program; bwrap's messages. */
static int read_prog(int fd, struct vb_bpf_prog *ret, vb_error *err)
{
	char *data = NULL;
	size_t len = 0;
	int r;

	r = vb_read_fd(fd, &data, &len);
	if (r < 0)
		return vb_err(err, VB_STAGE_SECCOMP, -1, -r, "Can't read seccomp data");
	if (len == 0) {
		/* bwrap hands the kernel an empty program, and says what its
		 * refusal means. */
		free(data);
		return vb_err(
			err, VB_STAGE_SECCOMP, -1, 0,
			"Unable to set up system call filtering as requested: "
			"prctl(PR_SET_SECCOMP) reported EINVAL. (Hint: this requires a kernel "
			"configured with CONFIG_SECCOMP and CONFIG_SECCOMP_FILTER.)");
	}
	if (len % 8 != 0) {
		free(data);
		return vb_err(err, VB_STAGE_SECCOMP, -1, 0,
			      "Invalid seccomp data, must be multiple of 8");
	}
	if (len / 8 > 0xffff) {
		free(data);
		return vb_err(err, VB_STAGE_SECCOMP, -1, E2BIG, "Can't read seccomp data");
	}
	ret->insns = (struct sock_filter *)(void *)data;
	ret->len = (unsigned short)(len / 8);
	return 0;
}

/* Test hook (tests/unit-seccomp.c): compiles cfg's policy into progs. */
int sec_compile(vb_config *cfg, struct vb_bpf_prog **ret, size_t *ret_n, vb_error *err);
VB_EXPORT int sec_compile(vb_config *cfg, struct vb_bpf_prog **ret, size_t *ret_n, vb_error *err)
{
	struct vb_bpf_prog *p = calloc(3, sizeof(*p));
	size_t n = 0;
	int r;

	if (!p)
		return -ENOMEM;
	r = compile_policy(sec_get(cfg), p, &n, err);
	if (r < 0) {
		free(p);
		return r;
	}
	*ret = p;
	*ret_n = n;
	return 0;
}

/* From vb_config_validate(): bwrap's programs read, the policy compiled and
 * the Landlock ABI found, once per configuration, so that a run only reads
 * them (and a second vb_spawn() of the same configuration reuses them). */
int sec_validate(vb_config *cfg, vb_error *err)
{
	struct vb_sec_config *sec;
	bool asked = cfg->n_seccomp_fds > 0 || cfg->sec;
	int r;

	/* Every sandbox gets the terminal checks (see the top). */
	sec = sec_get(cfg);
	if (!sec)
		return vb_err(err, VB_STAGE_SECCOMP, -1, ENOMEM, "Out of memory");
	r = learn_validate(cfg, err);
	if (r < 0)
		return r;
	if (asked && vb_fault("sec-read") < 0)
		return vb_err(err, VB_STAGE_SECCOMP, -1, EIO, "Can't read seccomp data");
	if (sec->n_progs == 0 && cfg->n_seccomp_fds > 0) {
		sec->progs = calloc(cfg->n_seccomp_fds, sizeof(*sec->progs));
		if (!sec->progs)
			return vb_err(err, VB_STAGE_SECCOMP, -1, ENOMEM, "Out of memory");
		for (size_t i = 0; i < cfg->n_seccomp_fds; i++) {
			r = read_prog(cfg->seccomp_fds[i], &sec->progs[i], err);
			if (r < 0)
				return r;
			sec->n_progs++;
		}
	}
	if (!sec->pol_progs) {
		if (sec->have_policy && vb_fault("sec-compile") < 0)
			return vb_err(err, VB_STAGE_SECCOMP, -1, EIO,
				      "Can't compile seccomp policy");
		sec->pol_progs = calloc(3, sizeof(*sec->pol_progs));
		if (!sec->pol_progs)
			return vb_err(err, VB_STAGE_SECCOMP, -1, ENOMEM, "Out of memory");
		r = compile_policy(sec, sec->pol_progs, &sec->n_pol_progs, err);
		if (r < 0)
			return r;
	}
	return ll_validate(cfg, err);
}

static int load_prog(const struct vb_bpf_prog *p, vb_error *err)
{
	struct sock_fprog prog = { .len = p->len, .filter = p->insns };

	if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) < 0) {
		if (errno == EINVAL)
			return vb_err(err, VB_STAGE_SECCOMP, -1, 0,
				      "Unable to set up system call filtering as requested: "
				      "prctl(PR_SET_SECCOMP) reported EINVAL. (Hint: this "
				      "requires a kernel configured with CONFIG_SECCOMP and "
				      "CONFIG_SECCOMP_FILTER.)");
		return vb_err(err, VB_STAGE_SECCOMP, -1, errno, "prctl(PR_SET_SECCOMP)");
	}
	return 0;
}

int sec_apply_child(struct vb_sandbox *sb, vb_error *err)
{
	const struct vb_sec_config *sec = sb->cfg->sec;
	int r;

	if (!sec)
		return 0;
	r = ll_apply_child(sb, err);
	if (r < 0)
		return r;
	/* Argument checks, bwrap's programs, then the table (see the top). */
	if (sec->n_pol_progs > 1 && (r = load_prog(&sec->pol_progs[1], err)) < 0)
		return r;
	for (size_t i = 0; i < sec->n_progs; i++)
		if ((r = load_prog(&sec->progs[i], err)) < 0)
			return r;
	/* --seccomp-learn's filter before the table, which may deny the
	 * syscalls that load filters; the parent answers for the load. */
	if ((r = learn_apply_child(sb, err)) < 0)
		return r;
	if (sec->n_pol_progs > 0 && (r = load_prog(&sec->pol_progs[0], err)) < 0)
		return r;
	return 0;
}

void sec_free_progs(struct vb_sec_config *sec)
{
	free_progs(sec->progs, sec->n_progs);
	free_progs(sec->pol_progs, sec->n_pol_progs);
}
