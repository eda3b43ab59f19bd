/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tests/vb-probe: the escape attempts of tests/probes.t, one per argument,
 * each reported on a line of its own as "NAME RESULT", RESULT being "ok"
 * when the kernel let the call through and the errno name (EPERM, ...)
 * when it failed.  The same binary runs inside a sandbox and in the control
 * runs outside or without the protection, so that a pass proves the
 * protection and not a broken probe.
 *
 *   vb-probe PROBE[:ARG]...     e.g. vb-probe ptrace:%p open:/proc/%p/root/
 *   vb-probe grab:PID           what an outsider can take of process PID
 *
 * In ARG, %p stands for the parent's pid.  Every call is made with
 * arguments that can do no harm even when the control run is full root
 * (a name that does not exist, a bad magic number, an fd of -1): the
 * result tells whether the call reached the kernel, nothing is changed.
 * "sys:NAME" covers each syscall the default seccomp policy names; "all"
 * lists the NAMEs.  "fds" lists the open fds.  Without a probe argument,
 * "ids" is run.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <linux/capability.h>
#include <linux/keyctl.h>
#include <linux/sched.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/quota.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/timex.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#ifndef TIOCL_GETFGCONSOLE
#define TIOCL_GETFGCONSOLE 12
#endif
#define NOPATH "/nonexistent-vb-probe"

static const char *arg;  /* the part after "NAME:", with %p expanded */
static const char *died; /* the probe's child was killed by this signal */

static void report(const char *name, long r, int e)
{
	if (died)
		printf("%s %s\n", name, died); /* SIGSEGV: no such ABI (int $0x80 refused) */
	else if (r >= 0)
		printf("%s ok\n", name);
	else
		printf("%s %s\n", name, strerrorname_np(e) ? strerrorname_np(e) : "E?");
}

static long argnum(void)
{
	return arg ? strtol(arg, NULL, 0) : 0;
}

/* A child that waits to be killed: something of our own to trace. */
static pid_t sleeper(void)
{
	pid_t pid = fork();

	if (pid == 0) {
		for (;;)
			pause();
	}
	return pid;
}

static void reap(pid_t pid)
{
	(void)kill(pid, SIGKILL);
	(void)waitpid(pid, NULL, 0);
}

#ifdef __x86_64__
/* i386's syscalls through int $0x80: the compat arch a filter must cover. */
static long int80(long nr, long a, long b, long c)
{
	long r;

	/* The kernel zeroes r8-r11 on this path. */
	__asm__ volatile("int $0x80"
			 : "=a"(r)
			 : "a"(nr), "b"(a), "c"(b), "d"(c)
			 : "memory", "r8", "r9", "r10", "r11");
	if (r < 0 && r > -4096) {
		errno = (int)-r;
		return -1;
	}
	return r;
}

/* A byte the 32-bit ABI can point at. */
static char *low_byte(char c)
{
	char *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT,
		       -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	*p = c;
	return p;
}
#endif

/* ioctl(TIOCSTI) of "VBZ\n" on fd ARG: a line a shell reading the terminal
 * would run. */
static long p_tiocsti(void)
{
	const char *s = "VBZ\n";

	for (; *s; s++)
		if (ioctl((int)argnum(), TIOCSTI, s) < 0)
			return -1;
	return 0;
}

static long p_tioclinux(void)
{
	char sub = TIOCL_GETFGCONSOLE;

	return ioctl((int)argnum(), TIOCLINUX, &sub);
}

#ifdef __x86_64__
static long t_i386(void)
{
	char *c = low_byte('Z');

	if (!c)
		return -1;
	return int80(54, argnum(), TIOCSTI, (long)(uintptr_t)c);
}
static long in_child(long (*fn)(void));
static long p_i386_tiocsti(void)
{
	return in_child(t_i386);
}
static long u_i386(void)
{
	return int80(310, CLONE_NEWUSER, 0, 0);
}
static long u_x32(void)
{
	return syscall(0x40000000 | 272, CLONE_NEWUSER);
}
static long p_i386_unshare_user(void)
{
	return in_child(u_i386);
}
static long p_x32_unshare_user(void)
{
	return in_child(u_x32);
}
static long pt_i386(void)
{
	pid_t pid = sleeper();
	long r = int80(26, PTRACE_ATTACH, pid, 0);
	int e = errno;

	reap(pid);
	errno = e;
	return r;
}
static long p_i386_ptrace(void)
{
	return in_child(pt_i386);
}
#endif

/* Runs fn in a child, so that what it changes (a new user namespace)
 * does not change the probes after it. */
static long in_child(long (*fn)(void))
{
	pid_t pid;
	int st;

	fflush(stdout);
	pid = fork();
	if (pid == 0)
		_exit(fn() < 0 ? (errno & 0xff) : 0);
	if (pid < 0 || waitpid(pid, &st, 0) < 0)
		return -1;
	if (!WIFEXITED(st)) {
		died = sigabbrev_np(WTERMSIG(st));
		return -1;
	}
	errno = WEXITSTATUS(st);
	return errno ? -1 : 0;
}

static long u_native(void)
{
	return unshare(CLONE_NEWUSER);
}
static long p_unshare_user(void)
{
	return in_child(u_native);
}

static long fork_result(long pid)
{
	int st;

	if (pid == 0)
		_exit(0);
	if (pid < 0)
		return -1;
	(void)waitpid((pid_t)pid, &st, 0);
	return 0;
}

static long p_clone_newuser(void)
{
	return fork_result(syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, 0, 0, 0, 0));
}

static long p_clone3_newuser(void)
{
	struct clone_args ca = { .flags = CLONE_NEWUSER, .exit_signal = SIGCHLD };

	return fork_result(syscall(SYS_clone3, &ca, sizeof(ca)));
}

/* PTRACE_ATTACH of a child of ours: needs nothing but the syscall. */
static long p_ptrace_child(void)
{
	pid_t pid = sleeper();
	long r = ptrace(PTRACE_ATTACH, pid, 0, 0);
	int e = errno;

	reap(pid);
	errno = e;
	return r;
}

/* PTRACE_SEIZE of ARG: the target keeps running, and our exit detaches. */
static long p_ptrace(void)
{
	return ptrace(PTRACE_SEIZE, (pid_t)argnum(), 0, 0);
}

static long p_kill0(void)
{
	return kill((pid_t)argnum(), 0);
}

static long p_open(void)
{
	int fd = open(arg, O_RDONLY | O_CLOEXEC);

	if (fd >= 0)
		close(fd);
	return fd;
}

static long p_openw(void)
{
	int fd = open(arg, O_WRONLY | O_CLOEXEC);

	if (fd >= 0)
		close(fd);
	return fd;
}

static long p_write(void)
{
	int fd = open(arg, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	long r;

	if (fd < 0)
		return -1;
	r = write(fd, "x", 1);
	close(fd);
	return r;
}

static long p_mkdir(void)
{
	return mkdir(arg, 0755);
}

static long p_readlink(void)
{
	char buf[4096];

	return readlink(arg, buf, sizeof(buf));
}

/* A directory listing through the path: reaching into it, not just the link. */
static long p_ls(void)
{
	int fd = open(arg, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	char buf[4096];
	long r;

	if (fd < 0)
		return -1;
	r = syscall(SYS_getdents64, fd, buf, sizeof(buf));
	close(fd);
	return r;
}

static long p_chdir(void)
{
	return chdir(arg);
}

static long p_mount_tmpfs(void)
{
	return mount("none", arg, "tmpfs", 0, NULL);
}

/* A trivial socket filter ("return 0"): what unprivileged BPF would load. */
static long p_bpf_load(void)
{
	struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	union bpf_attr a;
	long fd;

	memset(&a, 0, sizeof(a));
	a.prog_type = BPF_PROG_TYPE_SOCKET_FILTER;
	a.insns = (uintptr_t)insns;
	a.insn_cnt = 2;
	a.license = (uintptr_t) "GPL";
	fd = syscall(SYS_bpf, BPF_PROG_LOAD, &a, sizeof(a));
	if (fd >= 0)
		close((int)fd);
	return fd;
}

static long sock_ret(int fd)
{
	if (fd >= 0)
		close(fd);
	return fd < 0 ? -1 : 0;
}

static long p_socket(void)
{
	int fd = socket((int)argnum(), SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0 && errno == ESOCKTNOSUPPORT)
		fd = socket((int)argnum(), SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd >= 0)
		close(fd);
	return fd;
}

/* SIOCGIFINDEX of a name no device has: the kernel's dev_load() may ask
 * modprobe for "netdev-NAME" (and, with CAP_SYS_MODULE, for NAME). */
static long p_netdev(void)
{
	struct ifreq ifr = { 0 };
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	long r;

	if (s < 0)
		return -1;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", arg ? arg : "vbprobe0");
	r = ioctl(s, SIOCGIFINDEX, &ifr);
	int e = errno;
	close(s);
	errno = e;
	return r;
}

static long p_keyctl(void)
{
	return syscall(SYS_keyctl, KEYCTL_GET_KEYRING_ID, KEY_SPEC_THREAD_KEYRING, 1);
}

static long p_add_key(void)
{
	return syscall(SYS_add_key, "user", "vbprobe", "x", 1, KEY_SPEC_PROCESS_KEYRING);
}

/* capset() of the capability ARG into the effective and permitted sets. */
static long p_capset(void)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[2] = { 0 };
	int cap = (int)argnum();

	if (syscall(SYS_capget, &h, d) < 0)
		return -1;
	d[cap / 32].effective |= 1u << (cap % 32);
	d[cap / 32].permitted |= 1u << (cap % 32);
	return syscall(SYS_capset, &h, d);
}

/* The capability ARG into the ambient set (inheritable first, as the
 * kernel requires). */
static long p_ambient(void)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[2] = { 0 };
	int cap = (int)argnum();

	if (syscall(SYS_capget, &h, d) < 0)
		return -1;
	d[cap / 32].inheritable |= 1u << (cap % 32);
	if (syscall(SYS_capset, &h, d) < 0)
		return -1;
	return prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, (unsigned long)cap, 0, 0);
}

/* "ids": the credentials, the no_new_privs bit and the capability sets. */
static void ids(void)
{
	char line[256];
	FILE *f = fopen("/proc/self/status", "re");
	uid_t r, e, s;

	(void)getresuid(&r, &e, &s);
	printf("ids uid=%u euid=%u suid=%u", r, e, s);
	while (f && fgets(line, sizeof(line), f)) {
		char key[64];
		char val[128];

		if (sscanf(line, "%63[^:]:%127s", key, val) != 2)
			continue;
		if (strncmp(key, "Cap", 3) == 0 || strcmp(key, "NoNewPrivs") == 0)
			printf(" %s=%s", key, val);
	}
	if (f)
		fclose(f);
	printf("\n");
}

/* io_uring_setup() of a one-entry ring (closed again): the way around a
 * filter that denies socket() or openat(), which the ring would run in the
 * kernel.  Control: ok wherever io_uring is enabled. */
static long p_io_uring(void)
{
	char params[120]; /* struct io_uring_params */
	long fd;

	memset(params, 0, sizeof(params));
	fd = syscall(SYS_io_uring_setup, 1, params);
	if (fd >= 0)
		close((int)fd);
	return fd;
}

/* "fds": the open fd numbers (up to 1023), found without /proc. */
static void fds(void)
{
	printf("fds");
	for (int fd = 0; fd < 1024; fd++)
		if (fcntl(fd, F_GETFD) >= 0)
			printf(" %d", fd);
	printf("\n");
}

/* ---- every syscall the default policy names ------------------------------- */

static long sc(long nr, long a, long b, long c, long d, long e)
{
	return syscall(nr, a, b, c, d, e, 0);
}

#define S(x) ((long)(uintptr_t)(x))

static long sys_call(const char *name)
{
	static char buf[256];
	static struct timex tx;
	static struct timespec ts;
	static struct iovec iov;
	struct {
		unsigned int bytes;
		int type;
	} fh = { 0, 0 };
	int mount_id;

	if (!strcmp(name, "chroot"))
		return sc(SYS_chroot, S(NOPATH), 0, 0, 0, 0);
	if (!strcmp(name, "fsconfig"))
		return sc(SYS_fsconfig, -1, 0 /* SET_FLAG */, S("ro"), 0, 0);
	if (!strcmp(name, "fsmount"))
		return sc(SYS_fsmount, -1, 0, 0, 0, 0);
	if (!strcmp(name, "fsopen"))
		return sc(SYS_fsopen, S("vb-probe-nofs"), 0, 0, 0, 0);
	if (!strcmp(name, "fspick"))
		return sc(SYS_fspick, AT_FDCWD, S(NOPATH), 0, 0, 0);
	if (!strcmp(name, "mount"))
		return sc(SYS_mount, S("none"), S(NOPATH), S("tmpfs"), 0, 0);
	if (!strcmp(name, "mount_setattr"))
		return sc(SYS_mount_setattr, AT_FDCWD, S(NOPATH), 0, 0, 0);
	if (!strcmp(name, "move_mount"))
		return sc(SYS_move_mount, AT_FDCWD, S(NOPATH), AT_FDCWD, S(NOPATH), 0);
	if (!strcmp(name, "open_tree"))
		return sc(SYS_open_tree, AT_FDCWD, S(NOPATH), 0, 0, 0);
	if (!strcmp(name, "pivot_root"))
		return sc(SYS_pivot_root, S(NOPATH), S(NOPATH), 0, 0, 0);
	if (!strcmp(name, "umount2"))
		return sc(SYS_umount2, S(NOPATH), 0, 0, 0, 0);
	if (!strcmp(name, "delete_module"))
		return sc(SYS_delete_module, S("vb_probe_none"), O_NONBLOCK, 0, 0, 0);
	if (!strcmp(name, "finit_module"))
		return sc(SYS_finit_module, -1, S(""), 0, 0, 0);
	if (!strcmp(name, "init_module"))
		return sc(SYS_init_module, 0, 0, S(""), 0, 0);
	if (!strcmp(name, "kexec_file_load"))
		return sc(SYS_kexec_file_load, -1, -1, 0, 0, 0);
	if (!strcmp(name, "kexec_load"))
		return sc(SYS_kexec_load, 0, 9999, 0, 0, 0); /* > KEXEC_SEGMENT_MAX */
	if (!strcmp(name, "reboot"))
		return sc(SYS_reboot, 0, 0, 0, 0, 0); /* bad magic */
	if (!strcmp(name, "swapon"))
		return sc(SYS_swapon, S(NOPATH), 0, 0, 0, 0);
	if (!strcmp(name, "swapoff"))
		return sc(SYS_swapoff, S(NOPATH), 0, 0, 0, 0);
	if (!strcmp(name, "ioperm"))
		return sc(SYS_ioperm, 0x10000, 1, 0, 0, 0); /* past the bitmap */
	if (!strcmp(name, "iopl"))
		return sc(SYS_iopl, 4, 0, 0, 0, 0); /* past level 3 */
	if (!strcmp(name, "adjtimex"))
		return sc(SYS_adjtimex, S(&tx), 0, 0, 0, 0); /* modes 0: read only */
	if (!strcmp(name, "clock_adjtime"))
		return sc(SYS_clock_adjtime, CLOCK_REALTIME, S(&tx), 0, 0, 0);
	if (!strcmp(name, "clock_settime"))
		return sc(SYS_clock_settime, 9999, S(&ts), 0, 0, 0); /* no such clock */
	if (!strcmp(name, "settimeofday"))
		return sc(SYS_settimeofday, 0, 0, 0, 0, 0); /* sets nothing */
	if (!strcmp(name, "_sysctl"))
		return sc(SYS__sysctl, 0, 0, 0, 0, 0);
	if (!strcmp(name, "afs_syscall"))
		return sc(SYS_afs_syscall, 0, 0, 0, 0, 0);
	if (!strcmp(name, "create_module"))
		return sc(SYS_create_module, 0, 0, 0, 0, 0);
	if (!strcmp(name, "get_kernel_syms"))
		return sc(SYS_get_kernel_syms, 0, 0, 0, 0, 0);
	if (!strcmp(name, "getpmsg"))
		return sc(SYS_getpmsg, 0, 0, 0, 0, 0);
	if (!strcmp(name, "putpmsg"))
		return sc(SYS_putpmsg, 0, 0, 0, 0, 0);
	if (!strcmp(name, "query_module"))
		return sc(SYS_query_module, 0, 0, 0, 0, 0);
	if (!strcmp(name, "security"))
		return sc(SYS_security, 0, 0, 0, 0, 0);
	if (!strcmp(name, "tuxcall"))
		return sc(SYS_tuxcall, 0, 0, 0, 0, 0);
	if (!strcmp(name, "uselib"))
		return sc(SYS_uselib, 0, 0, 0, 0, 0);
	if (!strcmp(name, "ustat"))
		return sc(SYS_ustat, 0, 0, 0, 0, 0);
	if (!strcmp(name, "sysfs"))
		return sc(SYS_sysfs, 3, 0, 0, 0, 0); /* number of filesystem types */
	if (!strcmp(name, "vserver"))
		return sc(SYS_vserver, 0, 0, 0, 0, 0);
	if (!strcmp(name, "modify_ldt"))
		return sc(SYS_modify_ldt, 0, S(buf), 0, 0, 0); /* read 0 bytes */
	if (!strcmp(name, "add_key"))
		return p_add_key();
	if (!strcmp(name, "keyctl"))
		return sc(SYS_keyctl, KEYCTL_GET_KEYRING_ID, KEY_SPEC_THREAD_KEYRING, 0, 0, 0);
	if (!strcmp(name, "request_key"))
		return sc(SYS_request_key, S("user"), S("vb-probe-none"), 0, 0, 0);
	if (!strcmp(name, "kcmp"))
		return sc(SYS_kcmp, getpid(), getpid(), 0 /* KCMP_FILE */, 0, 0);
	if (!strcmp(name, "lookup_dcookie"))
		return sc(SYS_lookup_dcookie, 0, 0, 0, 0, 0);
	if (!strcmp(name, "perf_event_open"))
		return sc(SYS_perf_event_open, 0, 0, -1, -1, 0);
	if (!strcmp(name, "pidfd_getfd"))
		return sc(SYS_pidfd_getfd, -1, 0, 0, 0, 0);
	if (!strcmp(name, "process_vm_readv"))
		return sc(SYS_process_vm_readv, getpid(), S(&iov), 0, S(&iov), 0);
	if (!strcmp(name, "process_vm_writev"))
		return sc(SYS_process_vm_writev, getpid(), S(&iov), 0, S(&iov), 0);
	if (!strcmp(name, "ptrace"))
		return sc(SYS_ptrace, PTRACE_CONT, getpid(), 0, 0, 0); /* not our tracee */
	if (!strcmp(name, "bpf"))
		return sc(SYS_bpf, BPF_PROG_LOAD, 0, 0, 0, 0);
	if (!strcmp(name, "userfaultfd")) {
		long fd = sc(SYS_userfaultfd, O_CLOEXEC | 1 /* UFFD_USER_MODE_ONLY */, 0, 0, 0, 0);

		if (fd >= 0)
			close((int)fd);
		return fd;
	}
	if (!strcmp(name, "acct"))
		return sc(SYS_acct, S(NOPATH), 0, 0, 0, 0);
	if (!strcmp(name, "quotactl"))
		return sc(SYS_quotactl, QCMD(Q_GETFMT, USRQUOTA), S(NOPATH), 0, S(buf), 0);
	if (!strcmp(name, "nfsservctl"))
		return sc(SYS_nfsservctl, 0, 0, 0, 0, 0);
	if (!strcmp(name, "open_by_handle_at"))
		return sc(SYS_open_by_handle_at, AT_FDCWD, 0, 0, 0, 0);
	if (!strcmp(name, "name_to_handle_at"))
		return sc(SYS_name_to_handle_at, AT_FDCWD, S("/"), S(&fh), S(&mount_id), 0);
	if (!strcmp(name, "vhangup"))
		return sc(SYS_vhangup, 0, 0, 0, 0, 0); /* run with --new-session: no tty */
	if (!strcmp(name, "syslog"))
		return sc(SYS_syslog, 10 /* SIZE_BUFFER */, 0, 0, 0, 0);
	if (!strcmp(name, "fanotify_init")) {
		long fd = sc(SYS_fanotify_init, 0x200 /* FAN_REPORT_FID */, O_RDONLY, 0, 0, 0);

		if (fd >= 0)
			close((int)fd);
		return fd;
	}
	if (!strcmp(name, "setdomainname"))
		return sc(SYS_setdomainname, S(buf), 9999, 0, 0, 0); /* too long */
	if (!strcmp(name, "sethostname"))
		return sc(SYS_sethostname, S(buf), 9999, 0, 0, 0);
	if (!strcmp(name, "unshare-user"))
		return p_unshare_user();
	if (!strcmp(name, "clone-newuser"))
		return p_clone_newuser();
	if (!strcmp(name, "clone3-newuser"))
		return p_clone3_newuser();
	if (!strcmp(name, "io_uring_setup"))
		return p_io_uring();
	if (!strcmp(name, "io_uring_enter"))
		return sc(SYS_io_uring_enter, -1, 0, 0, 0, 0); /* EBADF */
	if (!strcmp(name, "io_uring_register"))
		return sc(SYS_io_uring_register, -1, 0, 0, 0, 0);
	if (!strcmp(name, "tiocsti"))
		return ioctl(0, TIOCSTI, "Z"); /* stdin is not a tty in these runs */
	if (!strcmp(name, "tioclinux"))
		return p_tioclinux();
	/* Families outside unix/inet/inet6/netlink: without the policy the
	 * kernel answers (a socket, ENODEV without a vsock transport, EPERM
	 * without CAP_NET_RAW), so the call is seen to reach it. */
	if (!strcmp(name, "socket-vsock"))
		return sock_ret(socket(AF_VSOCK, SOCK_DGRAM | SOCK_CLOEXEC, 0));
	if (!strcmp(name, "socket-packet"))
		return sock_ret(socket(AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
	if (!strcmp(name, "socketpair-vsock")) {
		int sv[2];
		int r = socketpair(AF_VSOCK, SOCK_STREAM | SOCK_CLOEXEC, 0, sv);

		if (r == 0) {
			close(sv[0]);
			close(sv[1]);
		}
		return r;
	}
#ifdef __x86_64__
	if (!strcmp(name, "i386-unshare-user"))
		return p_i386_unshare_user();
	if (!strcmp(name, "x32-unshare-user"))
		return p_x32_unshare_user();
	if (!strcmp(name, "i386-tiocsti"))
		return p_i386_tiocsti();
#endif
	errno = EINVAL;
	return -2;
}

/* The default policy's syscalls that exist on this arch (x86_64 names). */
static const char *const all_sys[] = {
	"chroot",
	"fsconfig",
	"fsmount",
	"fsopen",
	"fspick",
	"mount",
	"mount_setattr",
	"move_mount",
	"open_tree",
	"pivot_root",
	"umount2",
	"delete_module",
	"finit_module",
	"init_module",
	"kexec_file_load",
	"kexec_load",
	"reboot",
	"swapon",
	"swapoff",
	"ioperm",
	"iopl",
	"adjtimex",
	"clock_adjtime",
	"clock_settime",
	"settimeofday",
	"_sysctl",
	"afs_syscall",
	"create_module",
	"get_kernel_syms",
	"getpmsg",
	"putpmsg",
	"query_module",
	"security",
	"tuxcall",
	"uselib",
	"ustat",
	"sysfs",
	"vserver",
	"modify_ldt",
	"add_key",
	"keyctl",
	"request_key",
	"kcmp",
	"lookup_dcookie",
	"perf_event_open",
	"pidfd_getfd",
	"process_vm_readv",
	"process_vm_writev",
	"ptrace",
	"bpf",
	"userfaultfd",
	"acct",
	"quotactl",
	"nfsservctl",
	"open_by_handle_at",
	"name_to_handle_at",
	"vhangup",
	"syslog",
	"fanotify_init",
	"setdomainname",
	"sethostname",
	"io_uring_setup",
	"io_uring_enter",
	"io_uring_register",
	"unshare-user",
	"clone-newuser",
	"clone3-newuser",
	"tiocsti",
	"tioclinux",
	"socket-vsock",
	"socket-packet",
	"socketpair-vsock",
#ifdef __x86_64__
	"i386-unshare-user",
	"x32-unshare-user",
	"i386-tiocsti",
#endif
};

/* ---- the command line ------------------------------------------------------- */

struct probe {
	const char *name;
	long (*fn)(void);
};

static const struct probe probes[] = {
	{ "tiocsti", p_tiocsti },
	{ "tioclinux", p_tioclinux },
#ifdef __x86_64__
	{ "i386-tiocsti", p_i386_tiocsti },
	{ "i386-unshare-user", p_i386_unshare_user },
	{ "x32-unshare-user", p_x32_unshare_user },
	{ "i386-ptrace-child", p_i386_ptrace },
#endif
	{ "unshare-user", p_unshare_user },
	{ "clone-newuser", p_clone_newuser },
	{ "clone3-newuser", p_clone3_newuser },
	{ "ptrace-child", p_ptrace_child },
	{ "ptrace", p_ptrace },
	{ "kill0", p_kill0 },
	{ "open", p_open },
	{ "openw", p_openw },
	{ "write", p_write },
	{ "mkdir", p_mkdir },
	{ "readlink", p_readlink },
	{ "ls", p_ls },
	{ "chdir", p_chdir },
	{ "mount-tmpfs", p_mount_tmpfs },
	{ "bpf-load", p_bpf_load },
	{ "socket", p_socket },
	{ "io-uring", p_io_uring },
	{ "netdev", p_netdev },
	{ "keyctl", p_keyctl },
	{ "add_key", p_add_key },
	{ "capset", p_capset },
	{ "ambient", p_ambient },
};

/* grab:PID, run from outside as an ordinary user: what of a process of
 * vb's that user can take.  Prints grab-seize, grab-mem (open of
 * /proc/PID/mem), grab-getfd (pidfd_getfd of any of fds 0..255: ok when
 * one came), then grab-netlink (yes when one so taken is a netlink socket)
 * and grab-uid0 (yes when the status' Uid or Gid line has a 0 in it). */
static void grab(pid_t pid)
{
	char path[64], line[256];
	int pidfd, fd, first_err = 0, got = 0, netlink = 0, uid0 = 0;
	long r;
	FILE *f;

	r = ptrace(PTRACE_SEIZE, pid, 0, 0);
	report("grab-seize", r, errno);
	if (r == 0)
		(void)ptrace(PTRACE_DETACH, pid, 0, 0);
	snprintf(path, sizeof(path), "/proc/%d/mem", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	report("grab-mem", fd, errno);
	if (fd >= 0)
		close(fd);
	pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	for (int i = 0; pidfd >= 0 && i < 256; i++) {
		int dom = 0;
		socklen_t len = sizeof(dom);

		fd = (int)syscall(SYS_pidfd_getfd, pidfd, i, 0);
		if (fd < 0) {
			if (errno != EBADF && !first_err)
				first_err = errno;
			continue;
		}
		got++;
		if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &dom, &len) == 0 && dom == AF_NETLINK)
			netlink++;
		close(fd);
	}
	report("grab-getfd", got ? 0 : -1, pidfd < 0 ? errno : first_err ? first_err : EBADF);
	if (pidfd >= 0)
		close(pidfd);
	printf("grab-netlink %s\n", netlink ? "yes" : "no");
	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	f = fopen(path, "re");
	while (f && fgets(line, sizeof(line), f)) {
		unsigned a, b, c, d;

		if ((sscanf(line, "Uid: %u %u %u %u", &a, &b, &c, &d) == 4 ||
		     sscanf(line, "Gid: %u %u %u %u", &a, &b, &c, &d) == 4) &&
		    (!a || !b || !c || !d))
			uid0 = 1;
	}
	if (f)
		fclose(f);
	printf("grab-uid0 %s\n", uid0 ? "yes" : "no");
}

/* Expands %p (parent pid) in s into buf. */
static const char *expand(const char *s, char *buf, size_t size)
{
	size_t n = 0;

	for (; *s && n + 16 < size; s++) {
		if (s[0] == '%' && s[1] == 'p') {
			n += (size_t)snprintf(buf + n, size - n, "%d", (int)getppid());
			s++;
		} else {
			buf[n++] = *s;
		}
	}
	buf[n] = '\0';
	return buf;
}

static int run_one(const char *spec)
{
	char name[64], argbuf[4096];
	const char *colon = strchr(spec, ':');
	size_t len = colon ? (size_t)(colon - spec) : strlen(spec);

	if (len >= sizeof(name))
		len = sizeof(name) - 1;
	memcpy(name, spec, len);
	name[len] = '\0';
	arg = colon ? expand(colon + 1, argbuf, sizeof(argbuf)) : NULL;
	died = NULL;

	if (!strcmp(name, "ids")) {
		ids();
		return 0;
	}
	if (!strcmp(name, "fds")) {
		fds();
		return 0;
	}
	if (!strcmp(name, "grab")) {
		grab((pid_t)argnum());
		return 0;
	}
	if (!strcmp(name, "sys")) {
		long r;

		if (!arg)
			return 1;
		if (!strcmp(arg, "all")) {
			for (size_t i = 0; i < sizeof(all_sys) / sizeof(all_sys[0]); i++) {
				errno = 0;
				died = NULL;
				r = sys_call(all_sys[i]);
				report(all_sys[i], r, errno);
				fflush(stdout);
			}
			return 0;
		}
		errno = 0;
		r = sys_call(arg);
		if (r == -2) {
			fprintf(stderr, "vb-probe: unknown syscall probe %s\n", arg);
			return 1;
		}
		report(arg, r, errno);
		return 0;
	}
	for (size_t i = 0; i < sizeof(probes) / sizeof(probes[0]); i++) {
		if (strcmp(name, probes[i].name) != 0)
			continue;
		errno = 0;
		long r = probes[i].fn();
		report(spec, r, errno);
		fflush(stdout);
		return 0;
	}
	fprintf(stderr, "vb-probe: unknown probe %s\n", name);
	return 1;
}

int main(int argc, char **argv)
{
	int rc = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc < 2) {
		ids();
		return 0;
	}
	for (int i = 1; i < argc; i++)
		rc |= run_one(argv[i]);
	return rc;
}
