/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Seccomp policies: the groups and built-in policies, the policy language
 * (--seccomp-policy FILE), --seccomp-allow/--seccomp-deny and their checks
 * of names, and --seccomp-policy-dump.  security/bpf.c compiles the rules
 * this file collects.
 */
#include <fcntl.h>
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

struct vb_sec_config *sec_get(vb_config *cfg)
{
	if (!cfg->sec) {
		cfg->sec = calloc(1, sizeof(*cfg->sec));
		if (cfg->sec) {
			cfg->sec->landlock_abi = -1;
			cfg->sec->learn_dirfd = -1;
		}
	}
	return cfg->sec;
}

/* How every security setter starts: its argument present (ok), bwrap's
 * per-option checks, then the module state. */
int sec_begin(vb_config *cfg, bool ok, vb_error *err, struct vb_sec_config **ret)
{
	int r;

	if (!cfg || !ok)
		return vb_err(err, VB_STAGE_CONFIG, -1, EINVAL, "Invalid argument");
	r = vb_config_option_end(cfg, err);
	if (r < 0)
		return r;
	*ret = sec_get(cfg);
	if (!*ret)
		return vb_err(err, VB_STAGE_CONFIG, -1, ENOMEM, "Out of memory");
	return 0;
}

void sec_snap(const vb_config *cfg, struct sec_snap *s)
{
	const struct vb_sec_config *sec = cfg ? cfg->sec : NULL;

	*s = (struct sec_snap){ .existed = sec != NULL };
	if (sec) {
		s->n_rules = sec->n_rules;
		s->have_policy = sec->have_policy;
		s->policy_default = sec->policy_default;
		s->policy_default_errno = sec->policy_default_errno;
	}
}

int sec_undo(vb_config *cfg, const struct sec_snap *s, int r)
{
	struct vb_sec_config *sec = cfg ? cfg->sec : NULL;

	if (r >= 0 || !sec)
		return r;
	if (!s->existed) {
		sec_config_free(sec);
		cfg->sec = NULL;
		return r;
	}
	sec->n_rules = s->n_rules;
	sec->have_policy = s->have_policy;
	sec->policy_default = s->policy_default;
	sec->policy_default_errno = s->policy_default_errno;
	return r;
}

/* ---- groups and built-in policies ------------------------------------------ */

/* In systemd's spirit (systemd.exec(5), SystemCallFilter=).  Names this
 * libseccomp does not know on any arch are skipped when compiling. */
static const struct sec_group groups[] = {
	{ "@aio", "io_cancel io_destroy io_getevents io_pgetevents io_pgetevents_time64 io_setup "
		  "io_submit io_uring_enter io_uring_register io_uring_setup" },
	{ "@base",
	  "arch_prctl brk clock_getres clock_getres_time64 clock_gettime "
	  "clock_gettime64 clock_nanosleep clock_nanosleep_time64 execve exit exit_group "
	  "futex futex_time64 futex_waitv get_robust_list get_thread_area getegid getegid32 "
	  "geteuid geteuid32 getgid getgid32 getgroups getgroups32 getpgid getpgrp getpid "
	  "getppid getrandom getresgid getresgid32 getresuid getresuid32 getrlimit getsid "
	  "gettid gettimeofday getuid getuid32 membarrier mmap mmap2 mprotect munmap "
	  "nanosleep pause prlimit64 restart_syscall rseq rt_sigreturn sched_getaffinity "
	  "sched_yield set_robust_list set_thread_area set_tid_address sigreturn sysinfo "
	  "time ugetrlimit uname" },
	{ "@basic-io", "_llseek close close_range dup dup2 dup3 lseek pread64 preadv preadv2 "
		       "pwrite64 pwritev pwritev2 read readv write writev" },
	{ "@bpf", "bpf" },
	{ "@chown", "chown chown32 fchown fchown32 fchownat lchown lchown32" },
	{ "@clock", "adjtimex clock_adjtime clock_adjtime64 clock_settime clock_settime64 "
		    "settimeofday stime" },
	{ "@cpu-emulation", "modify_ldt subpage_prot switch_endian vm86 vm86old" },
	{ "@debug", "kcmp lookup_dcookie perf_event_open pidfd_getfd process_vm_readv "
		    "process_vm_writev ptrace rtas s390_runtime_instr sys_debug_setcontext" },
	{ "@file-system",
	  "access chdir chmod close creat faccessat faccessat2 fallocate fchdir "
	  "fchmod fchmodat fchmodat2 fcntl fcntl64 fgetxattr flistxattr "
	  "fremovexattr fsetxattr fstat fstat64 fstatat64 fstatfs fstatfs64 "
	  "ftruncate ftruncate64 futimesat getcwd getdents getdents64 getxattr "
	  "inotify_add_watch inotify_init inotify_init1 inotify_rm_watch lgetxattr "
	  "link linkat listxattr llistxattr lremovexattr lsetxattr lstat lstat64 "
	  "mkdir mkdirat mknod mknodat newfstatat oldfstat oldlstat oldstat open "
	  "openat openat2 readlink readlinkat removexattr rename renameat renameat2 "
	  "rmdir setxattr stat stat64 statfs statfs64 statx symlink symlinkat "
	  "truncate truncate64 umask unlink unlinkat utime utimensat "
	  "utimensat_time64 utimes" },
	{ "@io-event", "_newselect epoll_create epoll_create1 epoll_ctl epoll_ctl_old "
		       "epoll_pwait epoll_pwait2 epoll_wait epoll_wait_old eventfd eventfd2 poll "
		       "ppoll ppoll_time64 pselect6 pselect6_time64 select" },
	/* io_uring runs SOCKET, CONNECT, OPENAT... inside the kernel, where no
	 * seccomp filter sees them: every policy denies it unless a rule
	 * allows these names (security/bpf.c). */
	{ "@io-uring", "io_uring_enter io_uring_register io_uring_setup" },
	{ "@ipc", "ipc memfd_create mq_getsetattr mq_notify mq_open mq_timedreceive "
		  "mq_timedreceive_time64 mq_timedsend mq_timedsend_time64 mq_unlink msgctl msgget "
		  "msgrcv msgsnd pipe pipe2 semctl semget semop semtimedop semtimedop_time64 shmat "
		  "shmctl shmdt shmget" },
	{ "@keyring", "add_key keyctl request_key" },
	{ "@memory", "brk get_mempolicy madvise mbind membarrier mincore mlock mlock2 mlockall "
		     "mmap mmap2 mprotect mremap msync munlock munlockall munmap pkey_alloc "
		     "pkey_free pkey_mprotect set_mempolicy" },
	{ "@module", "delete_module finit_module init_module" },
	{ "@mount", "chroot fsconfig fsmount fsopen fspick mount mount_setattr move_mount "
		    "open_tree pivot_root umount umount2" },
	{ "@network-io", "accept accept4 bind connect getpeername getsockname getsockopt listen "
			 "recv recvfrom recvmmsg recvmmsg_time64 recvmsg send sendmmsg sendmsg "
			 "sendto setsockopt shutdown socket socketcall socketpair" },
	{ "@obsolete", "_sysctl afs_syscall bdflush break create_module ftime get_kernel_syms "
		       "getpmsg gtty idle lock mpx prof profil putpmsg query_module security "
		       "sgetmask ssetmask stty sysfs tuxcall ulimit uselib ustat vserver" },
	{ "@privileged", "@chown @clock @module @raw-io @reboot @swap _sysctl acct bpf capset "
			 "chroot fanotify_init fanotify_mark nfsservctl open_by_handle_at "
			 "pivot_root quotactl setdomainname setfsuid setfsuid32 setgroups "
			 "setgroups32 sethostname setresuid setresuid32 setreuid setreuid32 "
			 "setuid setuid32 vhangup" },
	{ "@process", "capget clone clone3 execve execveat fork getrusage kill pidfd_open "
		      "pidfd_send_signal prctl rt_sigqueueinfo rt_tgsigqueueinfo setns "
		      "swapcontext tgkill times tkill unshare vfork wait4 waitid waitpid" },
	{ "@raw-io", "ioperm iopl pciconfig_iobase pciconfig_read pciconfig_write "
		     "s390_pci_mmio_read s390_pci_mmio_write" },
	{ "@reboot", "kexec_file_load kexec_load reboot" },
	{ "@resources", "ioprio_set mbind migrate_pages move_pages nice sched_setaffinity "
			"sched_setattr sched_setparam sched_setscheduler set_mempolicy "
			"setpriority setrlimit" },
	{ "@setuid", "setgid setgid32 setgroups setgroups32 setregid setregid32 setresgid "
		     "setresgid32 setresuid setresuid32 setreuid setreuid32 setuid setuid32" },
	{ "@signal", "rt_sigaction rt_sigpending rt_sigprocmask rt_sigsuspend rt_sigtimedwait "
		     "rt_sigtimedwait_time64 sigaction sigaltstack signal signalfd signalfd4 "
		     "sigpending sigprocmask sigsuspend" },
	{ "@swap", "swapoff swapon" },
	{ "@sync", "fdatasync fsync msync sync sync_file_range sync_file_range2 syncfs" },
	{ "@timer", "alarm getitimer setitimer timer_create timer_delete timer_getoverrun "
		    "timer_gettime timer_gettime64 timer_settime timer_settime64 timerfd_create "
		    "timerfd_gettime timerfd_gettime64 timerfd_settime timerfd_settime64 times" },
	/* Not syscalls: argument checks (filter 2). */
	{ "@userns", "" },  /* clone/unshare with CLONE_NEWUSER; clone3 gets ENOSYS */
	{ "@tiocsti", "" }, /* ioctl(TIOCSTI) and ioctl(TIOCLINUX) */
	/* socket()/socketpair() of a family other than unix, inet, inet6 and
	 * netlink (flatpak's set): for a family no module has registered yet
	 * the kernel would load one, on anybody's request. */
	{ "@rare-sockets", "" },
};

/* Built-in policies, in the syntax a policy file uses (what
 * --seccomp-policy-dump prints and --seccomp-learn writes). */
struct sec_builtin {
	const char *name;
	const char *text;
};

#define MINIMAL_RULES                                                                      \
	"allow @base @basic-io @memory @signal @timer @io-event @sync\n"                   \
	"allow fstat fstat64 newfstatat statx fcntl fcntl64 ioctl getcwd sched_getparam\n" \
	"allow sched_getscheduler getpriority getrusage madvise sendfile splice tee\n"     \
	"allow copy_file_range readahead fadvise64 fadvise64_64 flock\n"

#define BUILD_RULES                                                                            \
	"allow @file-system @process @ipc @chown @aio\n"                                       \
	"allow personality sched_setaffinity setpgid setsid setpriority setrlimit prlimit64\n" \
	"allow socketpair getsockopt setsockopt sendmsg recvmsg shutdown\n"                    \
	"allow name_to_handle_at statfs fstatfs memfd_create\n"                                \
	"deny @userns @tiocsti\n"

/* Last in each built-in policy: allow @aio (build) does not let io_uring
 * in; a later --seccomp-allow io_uring_setup does. */
#define IO_URING_RULE "deny @io-uring\n"

static const struct sec_builtin builtins[] = {
	{ "default",
	  "# What a desktop application or a build needs: everything except the\n"
	  "# usual escape and kernel-attack surface.\n"
	  "default allow\n"
	  "deny @mount @module @reboot @swap @raw-io @clock @obsolete @cpu-emulation:EPERM\n"
	  "deny @keyring @debug @bpf userfaultfd acct quotactl nfsservctl:EPERM\n"
	  "deny open_by_handle_at name_to_handle_at lookup_dcookie vhangup syslog:EPERM\n"
	  "deny fanotify_init setdomainname sethostname:EPERM\n"
	  "deny @userns @tiocsti\n"
	  "deny @rare-sockets:EAFNOSUPPORT\n" IO_URING_RULE },
	{ "minimal", "# Compute and file I/O on the fds the command was given.\n"
		     "default eperm\n" MINIMAL_RULES "deny @tiocsti\n" IO_URING_RULE },
	{ "build", "# minimal, plus process creation, file creation and exec.\n"
		   "default eperm\n" MINIMAL_RULES BUILD_RULES IO_URING_RULE },
	{ "network",
	  "# build, plus sockets.\n"
	  "default eperm\n" MINIMAL_RULES BUILD_RULES "allow @network-io\n" IO_URING_RULE },
};

/* ---- names ------------------------------------------------------------------- */

const struct sec_group *sec_find_group(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(groups); i++)
		if (strcmp(groups[i].name, name) == 0)
			return &groups[i];
	return NULL;
}

const char *const sec_io_uring_names[3] = { "io_uring_setup", "io_uring_enter",
					    "io_uring_register" };

bool sec_allowed_by_name(const struct vb_sec_config *sec, const char *name)
{
	for (size_t i = 0; i < sec->n_rules; i++)
		if (sec->rules[i].action == SEC_ALLOW &&
		    (strcmp(sec->rules[i].name, name) == 0 ||
		     strcmp(sec->rules[i].name, "@io-uring") == 0))
			return true;
	return false;
}

/* A name libseccomp knows on any arch, or one of the groups lists (a
 * syscall of an arch this libseccomp is too old for). */
bool sec_syscall_known(const char *name)
{
	size_t n = strlen(name);

	if (seccomp_syscall_resolve_name(name) != __NR_SCMP_ERROR)
		return true;
	for (size_t i = 0; i < ARRAY_SIZE(groups); i++) {
		const char *p = groups[i].members;

		while ((p = strstr(p, name))) {
			if ((p == groups[i].members || p[-1] == ' ') && (p[n] == ' ' || p[n] == 0))
				return true;
			p += n;
		}
	}
	return false;
}

static unsigned edit_distance(const char *a, const char *b)
{
	unsigned row[64], prev, tmp;
	size_t la = strlen(a), lb = strlen(b);

	if (la >= 63 || lb >= 63)
		return 99;
	for (size_t j = 0; j <= lb; j++)
		row[j] = (unsigned)j;
	for (size_t i = 1; i <= la; i++) {
		prev = row[0];
		row[0] = (unsigned)i;
		for (size_t j = 1; j <= lb; j++) {
			unsigned best = prev + (a[i - 1] != b[j - 1]);

			if (row[j] + 1 < best)
				best = row[j] + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			tmp = row[j];
			row[j] = best;
			prev = tmp;
		}
	}
	return row[lb];
}

struct near {
	char names[3][40];
	unsigned dist[3];
	size_t n;
};

static void near_add(struct near *nr, const char *name, unsigned d)
{
	size_t i;

	for (i = 0; i < nr->n; i++)
		if (strcmp(nr->names[i], name) == 0)
			return;
	if (nr->n == 3 && d >= nr->dist[2])
		return;
	if (nr->n < 3)
		nr->n++;
	for (i = nr->n - 1; i > 0 && nr->dist[i - 1] > d; i--) {
		memcpy(nr->names[i], nr->names[i - 1], sizeof(nr->names[i]));
		nr->dist[i] = nr->dist[i - 1];
	}
	snprintf(nr->names[i], sizeof(nr->names[i]), "%s", name);
	nr->dist[i] = d;
}

/* "unknown system call 'foo' (did you mean ...?)" */
static int unknown_name(const char *what, vb_error *err)
{
	struct near nr = { .n = 0 };
	unsigned limit = strlen(what) / 3 + 1;
	char list[160] = "";

	if (limit > 4)
		limit = 4;
	if (what[0] == '@') {
		for (size_t i = 0; i < ARRAY_SIZE(groups); i++) {
			unsigned d = edit_distance(what, groups[i].name);

			if (d <= limit)
				near_add(&nr, groups[i].name, d);
		}
	} else {
		for (size_t i = 0; i < ARRAY_SIZE(groups); i++) {
			char word[40];
			const char *p = groups[i].members;

			while (*p) {
				size_t l = strcspn(p, " ");

				if (l < sizeof(word) && p[0] != '@') {
					memcpy(word, p, l);
					word[l] = 0;
					unsigned d = edit_distance(what, word);

					if (d <= limit)
						near_add(&nr, word, d);
				}
				p += l;
				p += strspn(p, " ");
			}
		}
		for (int num = 0; num < 1024; num++) {
			char *s = seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, num);

			if (s) {
				unsigned d = edit_distance(what, s);

				if (d <= limit)
					near_add(&nr, s, d);
				free(s);
			}
		}
	}
	for (size_t i = 0; i < nr.n; i++) {
		size_t l = strlen(list);

		snprintf(list + l, sizeof(list) - l, "%s%s", i ? ", " : "", nr.names[i]);
	}
	if (nr.n)
		return vb_err(err, VB_STAGE_CONFIG, -1, 0, "Unknown %s '%s' (did you mean %s?)",
			      what[0] == '@' ? "system call group" : "system call", what, list);
	return vb_err(err, VB_STAGE_CONFIG, -1, 0, "Unknown %s '%s'",
		      what[0] == '@' ? "system call group" : "system call", what);
}

static const struct {
	const char *name;
	int value;
} errnos[] = {
	{ "EPERM", EPERM },
	{ "ENOSYS", ENOSYS },
	{ "EACCES", EACCES },
	{ "EINVAL", EINVAL },
	{ "ENOENT", ENOENT },
	{ "EROFS", EROFS },
	{ "ENOTSUP", ENOTSUP },
	{ "EOPNOTSUPP", EOPNOTSUPP },
	{ "EAFNOSUPPORT", EAFNOSUPPORT },
	{ "ENOMEM", ENOMEM },
	{ "EIO", EIO },
};

static int parse_errno(const char *s, int *ret)
{
	char *end;
	long v;

	for (size_t i = 0; i < ARRAY_SIZE(errnos); i++)
		if (strcasecmp(s, errnos[i].name) == 0) {
			*ret = errnos[i].value;
			return 0;
		}
	errno = 0;
	v = strtol(s, &end, 10);
	if (*s < '0' || *s > '9' || *end || errno || v < 1 || v > 4095)
		return -EINVAL;
	*ret = (int)v;
	return 0;
}

/* ---- rules ---------------------------------------------------------------------- */

static int add_rule(struct vb_sec_config *sec, enum sec_action action, int error, const char *what,
		    vb_error *err)
{
	char name[40];
	const char *colon;
	int e = error;

	colon = strchr(what, ':');
	if (colon) {
		if (action != SEC_ERRNO)
			return vb_err(err, VB_STAGE_CONFIG, -1, 0,
				      "--seccomp-allow %s: only a denial takes an errno", what);
		if (strcmp(colon + 1, "kill") == 0)
			action = SEC_KILL;
		else if (strcmp(colon + 1, "log") == 0)
			action = SEC_LOG;
		else if (parse_errno(colon + 1, &e) < 0)
			return vb_err(err, VB_STAGE_CONFIG, -1, 0, "Invalid errno '%s' in '%s'",
				      colon + 1, what);
	}
	if ((size_t)(colon ? colon - what : (ptrdiff_t)strlen(what)) >= sizeof(name) || !*what ||
	    what == colon)
		return vb_err(err, VB_STAGE_CONFIG, -1, 0, "Invalid system call name '%s'", what);
	memcpy(name, what, colon ? (size_t)(colon - what) : strlen(what) + 1);
	name[colon ? colon - what : (ptrdiff_t)strlen(what)] = 0;
	if (name[0] == '@' ? !sec_find_group(name) : !sec_syscall_known(name))
		return unknown_name(name, err);
	if (sec->n_rules >= SEC_MAX_RULES)
		return vb_err(err, VB_STAGE_CONFIG, -1, 0, "Too many seccomp rules (at most %d)",
			      SEC_MAX_RULES);
	if (sec->n_rules == sec->cap_rules) {
		size_t cap = sec->cap_rules ? sec->cap_rules * 2 : 32;
		struct sec_rule *r = realloc(sec->rules, cap * sizeof(*r));

		if (!r)
			return vb_err(err, VB_STAGE_CONFIG, -1, ENOMEM, "Out of memory");
		sec->rules = r;
		sec->cap_rules = cap;
	}
	sec->rules[sec->n_rules].action = action;
	sec->rules[sec->n_rules].error = e;
	snprintf(sec->rules[sec->n_rules].name, sizeof(sec->rules[0].name), "%s", name);
	sec->n_rules++;
	sec->have_policy = true;
	return 0;
}

static int parse_action(const char *s, enum sec_action *ret, int *ret_errno)
{
	*ret_errno = 0;
	if (strcmp(s, "allow") == 0)
		*ret = SEC_ALLOW;
	else if (strcmp(s, "kill") == 0)
		*ret = SEC_KILL;
	else if (strcmp(s, "log") == 0)
		*ret = SEC_LOG;
	else if (strcmp(s, "eperm") == 0)
		*ret = SEC_ERRNO, *ret_errno = EPERM;
	else if (strcmp(s, "enosys") == 0)
		*ret = SEC_ERRNO, *ret_errno = ENOSYS;
	else
		return -EINVAL;
	return 0;
}

/* Parses a policy text: lines "default ACTION", "allow NAME...",
 * "deny NAME[:ERRNO]...", '#' comments.  where names the source. */
static int parse_policy(struct vb_sec_config *sec, const char *text, const char *where,
			vb_error *err)
{
	unsigned lineno = 0;
	const char *p = text;

	while (*p) {
		char line[1024], *save = NULL, *word;
		size_t l = strcspn(p, "\n");
		int r;

		lineno++;
		if (l >= sizeof(line))
			return vb_err(err, VB_STAGE_CONFIG, -1, 0, "%s:%u: line too long", where,
				      lineno);
		memcpy(line, p, l);
		line[l] = 0;
		p += l + (p[l] == '\n');
		if (strchr(line, '#'))
			*strchr(line, '#') = 0;
		word = strtok_r(line, " \t\r", &save);
		if (!word)
			continue;
		if (strcmp(word, "default") == 0) {
			char *a = strtok_r(NULL, " \t\r", &save);

			if (!a || strtok_r(NULL, " \t\r", &save) ||
			    parse_action(a, &sec->policy_default, &sec->policy_default_errno) < 0)
				return vb_err(
					err, VB_STAGE_CONFIG, -1, 0,
					"%s:%u: expected 'default enosys|eperm|kill|log|allow'",
					where, lineno);
			sec->have_policy = true;
			continue;
		}
		if (strcmp(word, "allow") != 0 && strcmp(word, "deny") != 0)
			return vb_err(err, VB_STAGE_CONFIG, -1, 0,
				      "%s:%u: expected 'allow', 'deny' or 'default', not '%s'",
				      where, lineno, word);
		bool allow = word[0] == 'a';
		bool any = false;

		while ((word = strtok_r(NULL, " \t\r", &save))) {
			r = add_rule(sec, allow ? SEC_ALLOW : SEC_ERRNO, EPERM, word, err);
			if (r < 0) {
				char msg[VB_ERROR_MESSAGE_MAX];

				snprintf(msg, sizeof(msg), "%s", err ? err->message : "");
				return vb_err(err, VB_STAGE_CONFIG, -1, 0, "%s:%u: %s", where,
					      lineno, msg);
			}
			any = true;
		}
		if (!any)
			return vb_err(err, VB_STAGE_CONFIG, -1, 0, "%s:%u: no system call named",
				      where, lineno);
	}
	return 0;
}

static const struct sec_builtin *find_builtin(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(builtins); i++)
		if (strcmp(builtins[i].name, name) == 0)
			return &builtins[i];
	return NULL;
}

#define SEC_MAX_POLICY_FILE (256 * 1024)

/* Reads a policy file with the invoking user's rights: a setuid vb switches
 * its filesystem ids to the real ones around the open. */
static int read_policy_file(const char *path, char **ret, vb_error *err)
{
	int fd = vb_open_as_caller(path, O_RDONLY), r;
	char *buf = NULL;
	size_t len = 0;

	if (fd < 0)
		return vb_err(err, VB_STAGE_CONFIG, -1, -fd, "Can't open seccomp policy %s", path);
	r = vb_read_fd(fd, &buf, &len);
	(void)close(fd);
	if (r < 0)
		return vb_err(err, VB_STAGE_CONFIG, -1, -r, "Can't read seccomp policy %s", path);
	if (len > SEC_MAX_POLICY_FILE || strlen(buf) != len) {
		free(buf);
		return vb_err(err, VB_STAGE_CONFIG, -1, 0,
			      "Seccomp policy %s is not a text file of at most %d bytes", path,
			      SEC_MAX_POLICY_FILE);
	}
	*ret = buf;
	return 0;
}

/* A name without '/' is a built-in policy; anything else a file. */
static int load_policy(struct vb_sec_config *sec, const char *name, vb_error *err)
{
	const struct sec_builtin *b;
	_cleanup_free_ char *text = NULL;
	int r;

	if (!strchr(name, '/')) {
		b = find_builtin(name);
		if (!b)
			return vb_err(err, VB_STAGE_CONFIG, -1, 0,
				      "Unknown seccomp policy '%s' (built-in: default, minimal, "
				      "build, network; a file needs a '/', e.g. ./%s)",
				      name, name);
		return parse_policy(sec, b->text, name, err);
	}
	r = read_policy_file(name, &text, err);
	if (r < 0)
		return r;
	return parse_policy(sec, text, name, err);
}

/* ---- public setters ------------------------------------------------------------- */

VB_EXPORT int vb_config_seccomp_policy(vb_config *cfg, const char *name, vb_error *err)
{
	struct vb_sec_config *sec;
	struct sec_snap snap;
	int r;

	sec_snap(cfg, &snap);
	r = sec_begin(cfg, !!name, err, &sec);
	if (r < 0)
		return sec_undo(cfg, &snap, r);
	/* A file refused at line N leaves none of lines 1..N-1 behind. */
	return sec_undo(cfg, &snap, load_policy(sec, name, err));
}

static int allow_deny(vb_config *cfg, const char *what, bool allow, vb_error *err)
{
	struct vb_sec_config *sec;
	struct sec_snap snap;
	int r;

	sec_snap(cfg, &snap);
	r = sec_begin(cfg, !!what, err, &sec);
	if (r < 0)
		return sec_undo(cfg, &snap, r);
	return sec_undo(cfg, &snap, add_rule(sec, allow ? SEC_ALLOW : SEC_ERRNO, EPERM, what, err));
}

VB_EXPORT int vb_config_seccomp_allow(vb_config *cfg, const char *what, vb_error *err)
{
	return allow_deny(cfg, what, true, err);
}

VB_EXPORT int vb_config_seccomp_deny(vb_config *cfg, const char *what, vb_error *err)
{
	return allow_deny(cfg, what, false, err);
}

VB_EXPORT int vb_config_allow_tiocsti(vb_config *cfg, bool on, vb_error *err)
{
	struct vb_sec_config *sec;
	int r;

	r = sec_begin(cfg, true, err, &sec);
	if (r < 0)
		return r;
	sec->allow_tiocsti = on;
	return 0;
}

VB_EXPORT int vb_config_seccomp_default_action(vb_config *cfg, const char *action, vb_error *err)
{
	struct vb_sec_config *sec;
	enum sec_action a;
	int e, r;

	if (!cfg || !action)
		return vb_err(err, VB_STAGE_CONFIG, -1, EINVAL, "Invalid argument");
	r = vb_config_option_end(cfg, err);
	if (r < 0)
		return r;
	if (parse_action(action, &a, &e) < 0)
		return vb_err(err, VB_STAGE_CONFIG, -1, 0,
			      "--seccomp-default-action: expected enosys, eperm, kill, log or "
			      "allow, not '%s'",
			      action);
	sec = sec_get(cfg);
	if (!sec)
		return vb_err(err, VB_STAGE_CONFIG, -1, ENOMEM, "Out of memory");
	sec->default_action = a;
	sec->default_errno = e;
	sec->have_policy = true;
	return 0;
}

VB_EXPORT int vb_seccomp_policy_dump(const char *name, char *buf, size_t size, vb_error *err)
{
	const struct sec_builtin *b;
	_cleanup_free_ char *text = NULL;
	struct vb_sec_config tmp = { 0 };
	const char *src, *implicit = "";
	size_t len;
	int r;

	if (!name || !buf || size == 0)
		return vb_err(err, VB_STAGE_CONFIG, -1, EINVAL, "Invalid argument");
	if (name[0] == '@') {
		const struct sec_group *g = sec_find_group(name);

		if (!g)
			return unknown_name(name, err);
		r = snprintf(buf, size, "# %s\nallow %s\n", name, g->members);
		if (r < 0 || (size_t)r >= size)
			return vb_err(err, VB_STAGE_CONFIG, -1, ENOBUFS,
				      "Policy does not fit the buffer");
		return r;
	}
	if (!strchr(name, '/')) {
		b = find_builtin(name);
		if (!b)
			return load_policy(&tmp, name, err);
		src = b->text;
	} else {
		r = read_policy_file(name, &text, err);
		if (r < 0)
			return r;
		/* Check it as --seccomp-policy would. */
		r = parse_policy(&tmp, text, name, err);
		for (size_t k = 0; r >= 0 && k < ARRAY_SIZE(sec_io_uring_names); k++)
			if (!sec_allowed_by_name(&tmp, sec_io_uring_names[k]))
				implicit = "# Implicit in every policy (allow io_uring_* by name "
					   "to let it in):\ndeny @io-uring\n";
		free(tmp.rules);
		if (r < 0)
			return r;
		src = text;
	}
	len = strlen(src);
	if (len + strlen(implicit) + 1 >= size)
		return vb_err(err, VB_STAGE_CONFIG, -1, ENOBUFS, "Policy does not fit the buffer");
	memcpy(buf, src, len);
	if (*implicit && len && src[len - 1] != '\n')
		buf[len++] = '\n';
	memcpy(buf + len, implicit, strlen(implicit) + 1);
	return (int)(len + strlen(implicit));
}

void sec_config_free(struct vb_sec_config *sec)
{
	if (!sec)
		return;
	sec_free_progs(sec);
	free(sec->rules);
	if (sec->learn_dirfd >= 0)
		(void)close(sec->learn_dirfd);
	free(sec->learn_path);
	free(sec->learn_dir);
	free(sec);
}
