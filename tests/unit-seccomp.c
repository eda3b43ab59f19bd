/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* tests/unit-seccomp: the policy compiler (names, groups, nearest-name
 * errors, dump), filters loaded in a forked child and observed through
 * errno on each arch (x86_64, i386 via int $0x80, x32), and a whole sandbox
 * with a policy and with Landlock.  TAP on stdout. */
#include <fcntl.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <sys/stat.h>
#include <signal.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "security/security.h"
#include "tap.h"

int sec_compile(vb_config *cfg, struct vb_bpf_prog **ret, size_t *ret_n, vb_error *err);

/* A probe: returns the errno a syscall fails with (0 on success). */
typedef long (*probe_fn)(void);

/* Runs fn in a child under cfg's compiled filters: the child's exit code is
 * the errno (0 success, 200 when killed by SIGSYS, 201 on setup failure). */
static int run_filtered(vb_config *cfg, probe_fn fn)
{
	struct vb_bpf_prog *p = NULL;
	size_t n = 0;
	vb_error err = { 0 };
	pid_t pid;
	int st;

	if (cfg && sec_compile(cfg, &p, &n, &err) < 0) {
		printf("# compile: %s\n", err.message);
		return -1;
	}
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		long r;

		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
			_exit(201);
		/* The library's order: argument checks, then the table. */
		for (size_t i = n; i-- > 0;) {
			struct sock_fprog fp = { .len = p[i].len, .filter = p[i].insns };

			if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &fp) < 0)
				_exit(201);
		}
		errno = 0;
		r = fn();
		_exit(r < 0 ? (errno & 0xff) : 0);
	}
	for (size_t i = 0; i < n; i++)
		free(p[i].insns);
	free(p);
	if (waitpid(pid, &st, 0) < 0)
		return -1;
	if (WIFSIGNALED(st))
		return WTERMSIG(st) == SIGSYS ? 200 : 202;
	return WEXITSTATUS(st);
}

static long p_mount(void)
{
	return mount("none", "/", "tmpfs", 0, NULL);
}
static long p_keyctl(void)
{
	return syscall(SYS_keyctl, 0 /* GET_KEYRING_ID */, -3, 0);
}
static long p_unshare_user(void)
{
	return unshare(CLONE_NEWUSER);
}
static long p_unshare_uts(void)
{
	return unshare(CLONE_NEWUTS);
}
static long p_tiocsti(void)
{
	char c = 'x';
	return ioctl(0, TIOCSTI, &c);
}
static long p_getppid(void)
{
	return syscall(SYS_getppid) > 0 ? 0 : -1;
}
static long p_open(void)
{
	return open("/etc/passwd", O_RDONLY) < 0 ? -1 : 0;
}
static long p_unknown(void)
{
	return syscall(1000);
}
static long p_bpf(void)
{
	return syscall(SYS_bpf, 0, NULL, 0);
}
static long p_ptrace(void)
{
	return syscall(SYS_ptrace, 16 /* PTRACE_ATTACH */, 1, 0, 0);
}
static long p_init_module(void)
{
	return syscall(SYS_init_module, NULL, 0, "");
}
#if defined(__x86_64__)
/* i386's getppid (64) and mount (21) through int $0x80. */
static long int80(long nr, long a, long b, long c)
{
	long r;

	__asm__ volatile("int $0x80" : "=a"(r) : "a"(nr), "b"(a), "c"(b), "d"(c) : "memory");
	if (r < 0 && r > -4096) {
		errno = (int)-r;
		return -1;
	}
	return r;
}
static long p_i386_getppid(void)
{
	return int80(64, 0, 0, 0) > 0 ? 0 : -1;
}
static long p_i386_mount(void)
{
	return int80(21, 0, 0, 0);
}
static long p_x32_getppid(void)
{
	return syscall(0x40000000 | 110) > 0 ? 0 : -1;
}
#endif

/* The command of learn(): one call per arch whose number means something
 * else on x86_64 (i386's getppid is x86_64's semget), and a number no arch
 * names. */
static int learn_probe(bool ia32)
{
#if defined(__x86_64__)
	if (ia32)
		(void)int80(64, 0, 0, 0); /* i386 getppid */
	(void)syscall(0x40000000 | 111);  /* x32 getpgrp */
#else
	(void)ia32;
#endif
	(void)syscall(1000);
	return 0;
}

static vb_config *cfg_with(const char *policy, const char *const *deny, const char *const *allow,
			   const char *def)
{
	vb_config *cfg = vb_config_new();
	vb_error err = { 0 };

	if (policy && vb_config_seccomp_policy(cfg, policy, &err) < 0)
		printf("# %s\n", err.message);
	for (; deny && *deny; deny++)
		if (vb_config_seccomp_deny(cfg, *deny, &err) < 0)
			printf("# %s\n", err.message);
	for (; allow && *allow; allow++)
		if (vb_config_seccomp_allow(cfg, *allow, &err) < 0)
			printf("# %s\n", err.message);
	if (def && vb_config_seccomp_default_action(cfg, def, &err) < 0)
		printf("# %s\n", err.message);
	return cfg;
}

static void names(void)
{
	vb_config *cfg = vb_config_new();
	vb_error err = { 0 };
	char buf[8192];
	int r;

	r = vb_config_seccomp_deny(cfg, "mout", &err);
	ok(r == -EINVAL && strstr(err.message, "Unknown system call 'mout'") &&
		   strstr(err.message, "mount"),
	   "unknown syscall names the nearest: %s", err.message);
	r = vb_config_seccomp_allow(cfg, "@mont", &err);
	ok(r == -EINVAL && strstr(err.message, "@mount"), "unknown group names the nearest: %s",
	   err.message);
	r = vb_config_seccomp_deny(cfg, "mount:EWHAT", &err);
	ok(r == -EINVAL && strstr(err.message, "EWHAT"), "bad errno refused: %s", err.message);
	r = vb_config_seccomp_allow(cfg, "mount:EPERM", &err);
	ok(r == -EINVAL, "allow takes no errno: %s", err.message);
	r = vb_config_seccomp_policy(cfg, "defualt", &err);
	ok(r == -EINVAL && strstr(err.message, "Unknown seccomp policy"), "unknown policy: %s",
	   err.message);
	r = vb_config_seccomp_policy(cfg, "/nonexistent/policy", &err);
	ok(r == -ENOENT, "missing policy file: %s", err.message);
	r = vb_config_seccomp_default_action(cfg, "explode", &err);
	ok(r == -EINVAL, "bad default action: %s", err.message);
	ok(vb_config_seccomp_deny(cfg, "@mount:ENOSYS", &err) == 0 &&
		   vb_config_seccomp_deny(cfg, "ptrace:kill", &err) == 0 &&
		   vb_config_seccomp_allow(cfg, "clone3", &err) == 0,
	   "valid names, groups, errnos and kill accepted");
	vb_config_free(cfg);

	r = vb_seccomp_policy_dump("default", buf, sizeof(buf), NULL);
	ok(r > 0 && strstr(buf, "default allow") && strstr(buf, "@mount") &&
		   strstr(buf, "@tiocsti"),
	   "dump default");
	r = vb_seccomp_policy_dump("@mount", buf, sizeof(buf), NULL);
	ok(r > 0 && strstr(buf, "allow ") && strstr(buf, "pivot_root"),
	   "dump @mount lists its members");
	r = vb_seccomp_policy_dump("default", buf, 10, &err);
	ok(r == -ENOBUFS, "dump into a small buffer: -ENOBUFS");
	r = vb_seccomp_policy_dump("nope", buf, sizeof(buf), &err);
	ok(r == -EINVAL, "dump of an unknown policy: %s", err.message);

	/* A dumped policy is a policy file. */
	{
		char path[] = "/tmp/vb-unit-seccomp-XXXXXX";
		int fd = mkstemp(path);

		vb_seccomp_policy_dump("build", buf, sizeof(buf), NULL);
		r = fd >= 0 ? vb_write_all(fd, buf, strlen(buf)) : -1;
		cfg = vb_config_new();
		ok(r == 0 && vb_config_seccomp_policy(cfg, path, &err) == 0,
		   "a dumped policy loads back as a file");
		vb_config_free(cfg);
		(void)write(fd, "frobnicate x\n", 13);
		cfg = vb_config_new();
		r = vb_config_seccomp_policy(cfg, path, &err);
		ok(r == -EINVAL && strstr(err.message, ":") && strstr(err.message, "frobnicate"),
		   "bad line names file and line: %s", err.message);
		vb_config_free(cfg);
		unlink(path);
		close(fd);
	}
}

static void filters(void)
{
	vb_config *cfg;
	int r;

	/* Each probe first succeeds, or fails otherwise, without a filter. */
	ok(run_filtered(NULL, p_getppid) == 0, "unfiltered: getppid works");
	ok(run_filtered(NULL, p_unshare_uts) == 0 || geteuid() != 0,
	   "unfiltered: unshare(UTS) works as root");
	ok(run_filtered(NULL, p_tiocsti) != EPERM || !isatty(0), "unfiltered: TIOCSTI not EPERM");

	cfg = cfg_with("default", NULL, NULL, NULL);
	ok(run_filtered(cfg, p_getppid) == 0, "default: getppid allowed");
	ok(run_filtered(cfg, p_mount) == EPERM, "default: mount EPERM");
	ok(run_filtered(cfg, p_keyctl) == EPERM, "default: keyctl EPERM");
	ok(run_filtered(cfg, p_bpf) == EPERM, "default: bpf EPERM");
	ok(run_filtered(cfg, p_ptrace) == EPERM, "default: ptrace EPERM");
	ok(run_filtered(cfg, p_init_module) == EPERM, "default: init_module EPERM");
	ok(run_filtered(cfg, p_unshare_user) == EPERM, "default: unshare(CLONE_NEWUSER) EPERM");
	r = run_filtered(cfg, p_unshare_uts);
	ok(r != EPERM || geteuid() != 0, "default: unshare(CLONE_NEWUTS) not blocked (%d)", r);
	ok(run_filtered(cfg, p_tiocsti) == EPERM, "default: ioctl(TIOCSTI) EPERM");
#if defined(__x86_64__)
	r = run_filtered(NULL, p_i386_getppid);
	if (r == 0) {
		ok(run_filtered(cfg, p_i386_mount) == EPERM, "default: i386 mount EPERM");
		ok(run_filtered(cfg, p_i386_getppid) == 0, "default: i386 getppid allowed");
	} else {
		skip("no IA32 emulation", "default: i386 mount");
		skip("no IA32 emulation", "default: i386 getppid");
	}
#endif
	vb_config_free(cfg);

	cfg = cfg_with("default", (const char *[]){ "getppid:EACCES", NULL }, NULL, NULL);
	ok(run_filtered(cfg, p_getppid) == EACCES, "--seccomp-deny getppid:EACCES");
#if defined(__x86_64__)
	if (run_filtered(NULL, p_i386_getppid) == 0)
		ok(run_filtered(cfg, p_i386_getppid) == EACCES, "i386 getppid denied too");
	else
		skip("no IA32 emulation", "i386 getppid denied too");
	r = run_filtered(NULL, p_x32_getppid);
	if (r == 0)
		ok(run_filtered(cfg, p_x32_getppid) == EACCES, "x32 getppid denied too");
	else
		skip("no x32 ABI in this kernel", "x32 getppid denied too");
#endif
	vb_config_free(cfg);

	cfg = cfg_with("default", (const char *[]){ "getppid", NULL },
		       (const char *[]){ "getppid", NULL }, NULL);
	ok(run_filtered(cfg, p_getppid) == 0, "a later allow wins over a deny");
	vb_config_free(cfg);

	cfg = cfg_with("minimal", NULL, NULL, NULL);
	ok(run_filtered(NULL, p_open) == 0, "unfiltered: open works");
	ok(run_filtered(cfg, p_open) == EPERM, "minimal: open EPERM");
	ok(run_filtered(cfg, p_getppid) == 0, "minimal: getppid allowed");
	ok(run_filtered(cfg, p_unknown) == ENOSYS, "minimal: syscall 1000 gets ENOSYS, not EPERM");
	vb_config_free(cfg);

	cfg = cfg_with("build", NULL, NULL, NULL);
	ok(run_filtered(cfg, p_open) == 0, "build: open allowed");
	ok(run_filtered(cfg, p_unshare_user) == EPERM, "build: new user namespaces EPERM");
	vb_config_free(cfg);

	cfg = cfg_with("minimal", NULL, NULL, "kill");
	ok(run_filtered(cfg, p_open) == 200, "default action kill: SIGSYS");
	vb_config_free(cfg);
	cfg = cfg_with("minimal", NULL, NULL, "enosys");
	ok(run_filtered(cfg, p_open) == ENOSYS, "default action enosys");
	vb_config_free(cfg);
}

/* A whole sandbox: sh -c SCRIPT with /usr and /etc read-only, a policy and
 * optionally Landlock; returns the command's status. */
static int sandbox(const char *policy, bool landlock, const char *script)
{
	vb_config *cfg = vb_config_new();
	vb_error err = { 0 };
	char *argv[] = { "/bin/sh", "-c", (char *)script, NULL };
	int status = -1;

	if (vb_config_add_op(cfg, VB_OP_RO_BIND, "/usr", "/usr", &err) < 0 ||
	    vb_config_add_op(cfg, VB_OP_RO_BIND, "/etc", "/etc", &err) < 0 ||
	    vb_config_add_op(cfg, VB_OP_SYMLINK, "usr/bin", "/bin", &err) < 0 ||
	    vb_config_add_op(cfg, VB_OP_SYMLINK, "usr/lib", "/lib", &err) < 0 ||
	    vb_config_add_op(cfg, VB_OP_SYMLINK, "usr/lib64", "/lib64", &err) < 0 ||
	    vb_config_add_op(cfg, VB_OP_DEV, NULL, "/dev", &err) < 0 ||
	    vb_config_add_op(cfg, VB_OP_PROC, NULL, "/proc", &err) < 0 ||
	    vb_config_add_op(cfg, VB_OP_TMPFS, NULL, "/tmp", &err) < 0 ||
	    vb_config_unshare(cfg, VB_NS_PID, false, &err) < 0 ||
	    (policy && vb_config_seccomp_policy(cfg, policy, &err) < 0) ||
	    (landlock && vb_config_landlock(cfg, false, &err) < 0) ||
	    vb_config_set_command(cfg, 3, argv, &err) < 0 || vb_config_validate(cfg, &err) < 0 ||
	    vb_run(cfg, &status, &err) < 0)
		printf("# sandbox: %s (%s)\n", err.message, strerror(err.error));
	vb_config_free(cfg);
	return status;
}

static void whole(void)
{
	int fd;
	char script[256];

	if (geteuid() != 0) {
		skip("not root", "sandbox with a policy");
		return;
	}
	ok(sandbox(NULL, false, "unshare -U true") == 0,
	   "no policy: unshare -U works in the sandbox");
	ok(sandbox("default", false, "unshare -U true 2>/dev/null") != 0,
	   "default policy: unshare -U fails in the sandbox");
	ok(sandbox("default", false, "echo hi > /tmp/x && cat /tmp/x >/dev/null") == 0,
	   "default policy: ordinary work goes on");

	/* Landlock: a directory fd leaked in from outside the op list. */
	mkdir("/tmp/vb-unit-ll", 0700);
	fd = open("/tmp/vb-unit-ll/secret", O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd >= 0)
		close(fd);
	fd = open("/tmp/vb-unit-ll", O_PATH | O_DIRECTORY); /* inherited */
	snprintf(script, sizeof(script), "cat /proc/self/fd/%d/secret", fd);
	ok(sandbox(NULL, false, script) == 0, "without Landlock a leaked dir fd reaches the host");
	if (ll_abi() < 1) {
		skip("no Landlock", "with --landlock the leaked fd is unreachable");
		skip("no Landlock", "--landlock: /tmp still writable");
		skip("no Landlock", "--landlock: / stays readable, not writable");
	} else {
		ok(sandbox(NULL, true, script) != 0,
		   "with --landlock the leaked fd is unreachable");
		ok(sandbox(NULL, true, "echo hi > /tmp/x && cat /tmp/x >/dev/null") == 0,
		   "--landlock: /tmp (tmpfs) still writable");
		ok(sandbox(NULL, true,
			   "cat /etc/hostname >/dev/null && ! touch /usr/x 2>/dev/null") == 0,
		   "--landlock: ro-bind /etc readable, /usr not writable");
	}
	close(fd);
	unlink("/tmp/vb-unit-ll/secret");
	rmdir("/tmp/vb-unit-ll");
}

static bool has_line(const char *text, const char *line)
{
	size_t n = strlen(line);

	for (const char *p = text; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
		if (strncmp(p, line, n) == 0 && (p[n] == '\n' || p[n] == 0))
			return true;
	return false;
}

/* --seccomp-learn through a whole sandbox: the calls of each arch are
 * named with that arch's table, unknown numbers become comments, and the
 * file parses as a policy. */
static void learn(void)
{
	const char *dir = "/tmp/vb-unit-learn", *file = "/tmp/vb-unit-learn/p";
	char self[4096], *text = NULL, *argv[] = { "/probe", "learn-probe", "no-ia32", NULL };
	bool ia32 = false;
	vb_config *cfg;
	vb_error err = { 0 };
	int status = -1, fd;
	ssize_t n;
	size_t len = 0;

	if (geteuid() != 0) {
		for (int i = 0; i < 7; i++)
			skip("not root", "--seccomp-learn sandbox");
		return;
	}
#if defined(__x86_64__)
	ia32 = run_filtered(NULL, p_i386_getppid) == 0;
	if (ia32)
		argv[2] = "ia32";
#endif
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	self[n > 0 ? n : 0] = 0;
	mkdir(dir, 0700);
	unlink(file);
	cfg = vb_config_new();
	if (vb_config_add_op(cfg, VB_OP_RO_BIND, "/usr", "/usr", &err) < 0 ||
	    vb_config_add_op(cfg, VB_OP_SYMLINK, "usr/lib", "/lib", &err) < 0 ||
	    vb_config_add_op(cfg, VB_OP_SYMLINK, "usr/lib64", "/lib64", &err) < 0 ||
	    vb_config_add_op(cfg, VB_OP_RO_BIND, self, "/probe", &err) < 0 ||
	    /* The probe is this binary: under ASan it needs /proc. */
	    vb_config_add_op(cfg, VB_OP_PROC, NULL, "/proc", &err) < 0 ||
	    vb_config_unshare(cfg, VB_NS_PID, false, &err) < 0 ||
	    vb_config_seccomp_learn(cfg, file, &err) < 0 ||
	    vb_config_set_command(cfg, 3, argv, &err) < 0 || vb_config_validate(cfg, &err) < 0 ||
	    vb_run(cfg, &status, &err) < 0)
		printf("# learn: %s (%s)\n", err.message, strerror(err.error));
	vb_config_free(cfg);
	ok(status == 0, "--seccomp-learn: the probe ran (%d)", status);
	fd = open(file, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		char buf[65536];

		n = read(fd, buf, sizeof(buf) - 1);
		buf[n > 0 ? n : 0] = 0;
		text = strdup(buf);
		len = strlen(buf);
		close(fd);
	}
	ok(text && len > 0 && has_line(text, "default eperm") && has_line(text, "allow execve"),
	   "--seccomp-learn: a policy with a default and execve");
#if defined(__x86_64__)
	if (ia32)
		ok(text && has_line(text, "allow getppid") && !has_line(text, "allow semget"),
		   "--seccomp-learn: i386's nr 64 is named getppid, not x86_64's semget");
	else
		skip("no IA32 emulation", "--seccomp-learn: i386 call named by its arch");
	ok(text && has_line(text, "allow getpgrp"), "--seccomp-learn: an x32 call is named");
	ok(text && has_line(text, "# unknown system call: x86_64 1000"),
	   "--seccomp-learn: an unknown number is a comment");
#else
	skip("not x86_64", "--seccomp-learn: i386 call named by its arch");
	skip("not x86_64", "--seccomp-learn: an x32 call is named");
	skip("not x86_64", "--seccomp-learn: an unknown number is a comment");
#endif
	cfg = vb_config_new();
	ok(vb_config_seccomp_policy(cfg, file, &err) == 0,
	   "--seccomp-learn: the file parses as a policy");
	vb_config_free(cfg);
	cfg = vb_config_new();
	ok(vb_config_seccomp_learn(cfg, dir, &err) == -EISDIR && strstr(err.message, dir),
	   "--seccomp-learn DIR: refused (%s)", err.message);
	vb_config_free(cfg);
	free(text);
	unlink(file);
	rmdir(dir);
}

int main(int argc, char **argv)
{
	if (argc > 2 && strcmp(argv[1], "learn-probe") == 0)
		return learn_probe(strcmp(argv[2], "ia32") == 0);
	names();
	filters();
	whole();
	learn();
	return tap_end();
}
