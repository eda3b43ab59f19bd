/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * vb --check-host: whether this host can run each mode and feature, each
 * finding with its cause and a fix.  Reads /proc and /sys, and runs pasta
 * once as the caller in a throwaway namespace of its own (bounded): what
 * --net pasta needs is only known by trying.  Writes the report into the
 * caller's buffer (the library never prints).
 */
#include <fcntl.h>
#include <stdio.h>
#include <sys/fsuid.h>
#include <sys/stat.h>

#include "net/net.h"
#include "security/security.h"

enum { CK_OK, CK_WARN, CK_FAIL };

struct report {
	char *buf;
	size_t size, len;
	bool json, overflow;
	unsigned n, failed;
};

static void put(struct report *rp, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(struct report *rp, const char *fmt, ...)
{
	va_list ap;
	int r;

	if (rp->overflow)
		return;
	va_start(ap, fmt);
	r = vsnprintf(rp->buf + rp->len, rp->size - rp->len, fmt, ap);
	va_end(ap);
	if (r < 0 || (size_t)r >= rp->size - rp->len)
		rp->overflow = true;
	else
		rp->len += (size_t)r;
}

/* As the event stream's strings (vb-events(7), STRINGS): always UTF-8,
 * each byte outside a well-formed sequence as \u00XX. */
static void json_str(struct report *rp, const char *s)
{
	put(rp, "\"");
	while (*s) {
		size_t n = vb_utf8_len(s);
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			put(rp, "\\%c", c);
		else if (n == 0 || c < 0x20 || c == 0x7f)
			put(rp, "\\u%04x", c);
		else
			put(rp, "%.*s", (int)n, s);
		s += n ? n : 1;
	}
	put(rp, "\"");
}

static void check(struct report *rp, const char *name, int status, const char *detail,
		  const char *fix)
{
	static const char *const words[] = { "ok", "warn", "fail" };

	if (status == CK_FAIL)
		rp->failed++;
	if (rp->json) {
		put(rp, "%s{\"check\":", rp->n ? "," : "");
		json_str(rp, name);
		put(rp, ",\"status\":\"%s\",\"detail\":", words[status]);
		json_str(rp, detail);
		put(rp, ",\"fix\":");
		json_str(rp, fix ? fix : "");
		put(rp, "}");
	} else {
		put(rp, "%-5s %-26s %s\n", words[status], name, detail);
		if (fix && status != CK_OK)
			put(rp, "      %-26s fix: %s\n", "", fix);
	}
	rp->n++;
}

static long read_long(const char *path)
{
	char b[64] = "";
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, b, sizeof(b) - 1);
	(void)close(fd);
	return n > 0 ? strtol(b, NULL, 10) : -1;
}

static bool file_has(const char *path, const char *needle)
{
	_cleanup_free_ char *data = NULL;
	size_t len;
	int fd = open(path, O_RDONLY | O_CLOEXEC), r;

	if (fd < 0)
		return false;
	r = vb_read_fd(fd, &data, &len);
	(void)close(fd);
	return r >= 0 && strstr(data, needle);
}

static bool in_path(const char *prog)
{
	const char *dirs[] = { "/usr/bin", "/bin", "/usr/sbin", "/sbin", "/usr/local/bin" };
	char p[256];

	for (size_t i = 0; i < ARRAY_SIZE(dirs); i++) {
		snprintf(p, sizeof(p), "%s/%s", dirs[i], prog);
		if (access(p, X_OK) == 0)
			return true;
	}
	return false;
}

/* --net pasta, tried for real as the caller; as root, also whether
 * ordinary users could. */
static void pasta_check(struct report *rp)
{
	char why[512], d[768], problem[512];
	int r;
	struct stat st;

	if (!pasta_find()) {
		check(rp, "net.pasta", CK_WARN, "pasta not found", "apt-get install passt");
		return;
	}
	r = pasta_try(10000, why, sizeof(why));
	if (r != 0) {
		const char *fix =
			"run 'pasta --config-net -- true' as this user for pasta's own words";
		char *semi;

		if (pasta_problem(problem, sizeof(problem))) {
			/* "cause; fix" */
			if ((semi = strrchr(problem, ';'))) {
				*semi = '\0';
				fix = semi + 2;
			}
			snprintf(d, sizeof(d), "--net pasta fails for uid %u: %s",
				 (unsigned)getuid(), problem);
		} else {
			snprintf(d, sizeof(d), "--net pasta fails for uid %u: pasta %s%d%s%s",
				 (unsigned)getuid(), r < 0 ? "error " : "exit status ",
				 r < 0 ? -r : r, *why ? ": " : "", why);
		}
		check(rp, "net.pasta", CK_WARN, d, fix);
		return;
	}
	if (getuid() == 0 && stat("/dev/net/tun", &st) == 0 && (st.st_mode & 0006) != 0006) {
		snprintf(d, sizeof(d),
			 "pasta works as root, but /dev/net/tun is mode %04o: ordinary users "
			 "can't use --net pasta",
			 (unsigned)(st.st_mode & 07777));
		check(rp, "net.pasta", CK_WARN, d, "chmod 0666 /dev/net/tun");
		return;
	}
	snprintf(d, sizeof(d), "pasta works for uid %u (tried in a throwaway namespace)",
		 (unsigned)getuid());
	check(rp, "net.pasta", CK_OK, d, NULL);
}

/* Mounts beneath /proc hide parts of it: the kernel then refuses a new proc
 * mount in a user namespace (mount_too_revealing). */
static int proc_overmounts(void)
{
	_cleanup_free_ char *data = NULL;
	size_t len;
	int fd = open("/proc/self/mountinfo", O_RDONLY | O_CLOEXEC), r, n = 0;

	if (fd < 0)
		return -1;
	r = vb_read_fd(fd, &data, &len);
	(void)close(fd);
	if (r < 0)
		return -1;
	for (char *l = data; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
		char mp[512];

		if (sscanf(l, "%*s %*s %*s %*s %511s", mp) == 1 && strncmp(mp, "/proc/", 6) == 0 &&
		    strncmp(mp, "/proc/sys/fs/binfmt_misc", 24) != 0)
			n++;
	}
	return n;
}

static int check_host(unsigned flags, const char *vb_path, char *buf, size_t size, vb_error *err);

/* Installed setuid, the report must tell the caller nothing they could not
 * find out themselves (vb_path is their argv[0]: stat() as root would say
 * whether a file exists in a directory closed to them): every check runs
 * with the caller's filesystem ids, the DAC-overriding capabilities off
 * with them (access() checks the real ids anyway). */
VB_EXPORT int vb_check_host(unsigned flags, const char *vb_path, char *buf, size_t size,
			    vb_error *err)
{
	bool switch_ids = getuid() != geteuid() || getgid() != getegid();
	uid_t fsuid = 0;
	gid_t fsgid = 0;
	int r;

	if (switch_ids) {
		fsgid = (gid_t)setfsgid(getgid());
		fsuid = (uid_t)setfsuid(getuid());
	}
	r = check_host(flags, vb_path, buf, size, err);
	if (switch_ids) {
		(void)setfsuid(fsuid);
		(void)setfsgid(fsgid);
	}
	return r;
}

static int check_host(unsigned flags, const char *vb_path, char *buf, size_t size, vb_error *err)
{
	struct report rp = { .buf = buf, .size = size, .json = flags & VB_CHECK_JSON };
	char d[256];
	long v;
	int abi, n;
	struct stat st;

	if (!buf || size == 0)
		return vb_err(err, VB_STAGE_NONE, -1, EINVAL, "Invalid argument");
	buf[0] = 0;
	if (rp.json)
		put(&rp, "{\"checks\":[");

	/* User namespaces. */
	v = read_long("/proc/sys/user/max_user_namespaces");
	snprintf(d, sizeof(d), "user.max_user_namespaces = %ld", v);
	check(&rp, "userns.max", v > 0 ? CK_OK : CK_FAIL, d,
	      "sysctl -w user.max_user_namespaces=15000");
	v = read_long("/proc/sys/kernel/unprivileged_userns_clone");
	if (v >= 0) {
		snprintf(d, sizeof(d), "kernel.unprivileged_userns_clone = %ld (Debian)", v);
		check(&rp, "userns.unprivileged", v == 1 ? CK_OK : CK_FAIL, d,
		      "sysctl -w kernel.unprivileged_userns_clone=1, or install vb setuid");
	}
	v = read_long("/proc/sys/kernel/apparmor_restrict_unprivileged_userns");
	if (v >= 0) {
		snprintf(d, sizeof(d), "kernel.apparmor_restrict_unprivileged_userns = %ld", v);
		check(&rp, "userns.apparmor", v == 0 ? CK_OK : CK_FAIL, d,
		      "give vb an AppArmor profile with 'userns,' or set the sysctl to 0");
	}

	/* Setuid install. */
	if (vb_path && stat(vb_path, &st) == 0) {
		bool suid = (st.st_mode & S_ISUID) && st.st_uid == 0;

		snprintf(d, sizeof(d), "%s is %ssetuid root", vb_path, suid ? "" : "not ");
		check(&rp, "mode.setuid", suid ? CK_OK : CK_WARN, d,
		      "only needed without unprivileged user namespaces: chown root vb && chmod u+s vb");
	}

	/* Filesystems. */
	check(&rp, "overlayfs", file_has("/proc/filesystems", "\toverlay\n") ? CK_OK : CK_WARN,
	      file_has("/proc/filesystems", "\toverlay\n")
		      ? "overlay in /proc/filesystems (userns needs kernel >= 5.11)"
		      : "overlay not in /proc/filesystems",
	      "modprobe overlay");
	n = proc_overmounts();
	snprintf(d, sizeof(d), "%d mount(s) beneath /proc", n);
	check(&rp, "proc.overmounts", n == 0 ? CK_OK : CK_WARN, d,
	      "--proc in a user namespace needs an uncovered /proc: unmount what covers it "
	      "(e.g. a container's masked paths) or run as root");

	/* cgroups. */
	if (file_has("/proc/self/mountinfo", " /sys/fs/cgroup rw") &&
	    file_has("/proc/self/mountinfo", " - cgroup2 ") &&
	    !file_has("/proc/self/mountinfo", " - cgroup "))
		check(&rp, "cgroup", CK_OK, "cgroup v2 unified hierarchy", NULL);
	else if (file_has("/proc/self/mountinfo", " - cgroup2 "))
		check(&rp, "cgroup", CK_WARN, "hybrid: cgroup v1 controllers plus a v2 tree",
		      "boot with systemd.unified_cgroup_hierarchy=1 for v2 limits");
	else
		check(&rp, "cgroup", CK_WARN, "cgroup v1 only",
		      "boot with systemd.unified_cgroup_hierarchy=1");

	/* Seccomp and Landlock. */
	check(&rp, "seccomp", file_has("/proc/self/status", "Seccomp:") ? CK_OK : CK_FAIL,
	      file_has("/proc/sys/kernel/seccomp/actions_avail", "kill_process")
		      ? "seccomp filters (actions: kill_process ... log)"
		      : "seccomp present",
	      "a kernel built with CONFIG_SECCOMP_FILTER");
	abi = ll_abi();
	if (abi > 0)
		snprintf(d, sizeof(d), "Landlock ABI %d%s", abi,
			 abi >= 6   ? " (scoping available)"
			 : abi >= 5 ? ""
				    : " (some rights dropped)");
	else
		snprintf(d, sizeof(d), "Landlock unavailable: %s", strerror(-abi));
	check(&rp, "landlock", abi >= 5 ? CK_OK : CK_WARN, d,
	      "a kernel >= 6.10 with CONFIG_SECURITY_LANDLOCK=y and landlock in lsm=");

	/* Networking. */
	check(&rp, "net.nftables",
	      in_path("nft") || file_has("/proc/modules", "nf_tables") ? CK_OK : CK_WARN,
	      in_path("nft") ? "nft found" : "nft not found", "apt-get install nftables");
	check(&rp, "net.veth",
	      access("/sys/module/veth", F_OK) == 0 || access("/sys/class/net", F_OK) == 0
		      ? CK_OK
		      : CK_WARN,
	      access("/sys/module/veth", F_OK) == 0 ? "veth module loaded" : "veth loads on demand",
	      "modprobe veth");
	pasta_check(&rp);

	if (rp.json)
		put(&rp, "],\"failed\":%u}\n", rp.failed);
	if (rp.overflow)
		return vb_err(err, VB_STAGE_NONE, -1, ENOBUFS, "Report does not fit the buffer");
	return (int)rp.failed;
}
