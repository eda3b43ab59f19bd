/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * --net: give the sandbox a network of its own.
 *
 *   bridge[:NAME]  parent, before clone: lease an address (lib/ipam.c), make
 *                  sure the bridge exists with the gateway address and is up,
 *                  the bridge's NAT rules (lib/nat.c; checked with one
 *                  nf_tables dump, made only when missing);
 *                  parent, after clone: a veth pair whose peer is created
 *                  straight inside the sandbox's namespace as eth0 (one
 *                  batch with the host end's "up"), then --publish's DNAT;
 *                  child: lo, eth0, addresses and routes, one batch over a
 *                  netlink socket opened in its own namespace.
 *                  Teardown leaves the veth to the kernel, which destroys
 *                  it with the namespace (see undo_veth).
 *   pasta          parent, after clone: pasta(1) attached to the sandbox.
 *   ns:PATH        child: setns() into an existing namespace.
 *   none           a new namespace with loopback up (as --unshare-net).
 *
 * The child only binds the sandbox's own resolv.conf: text prepared here
 * before clone, copied into a file on the setup tmpfs, never the host's.
 * Each object goes on sb->rb with its undo right where it is made; a lease
 * whose vb was killed is swept, with its veth and rules, at the next start.
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <fcntl.h>
#include <grp.h>
#include <libmnl/libmnl.h>
#include <linux/nsfs.h>
#include <linux/openat2.h>
#include <pwd.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <sys/fsuid.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "net-internal.h"

#define NET_ERR(err, e, ...) vb_err((err), VB_STAGE_NETWORK, -1, (e), __VA_ARGS__)
#define CFG_ERR(err, ...) vb_err((err), VB_STAGE_CONFIG, -1, 0, __VA_ARGS__)

static const char default_subnet6[] = "fd56:6f69:6462::/64";

/* ---- configuration -------------------------------------------------------- */

static struct vb_net_config *net_get(vb_config *cfg)
{
	struct vb_net_config *net = cfg->net;

	if (net)
		return net;
	net = calloc(1, sizeof(*net));
	if (!net)
		return NULL;
	(void)inet_pton(AF_INET, "10.88.0.0", &net->subnet);
	net->prefix = 16;
	(void)ipam_parse_cidr6(default_subnet6, &net->subnet6, &net->prefix6);
	net->rt.ns_fd = -1;
	net->rt.resolv_fd = -1;
	cfg->net = net;
	return net;
}

#define NET_GET(cfg, err)                                                   \
	({                                                                  \
		struct vb_net_config *_n;                                   \
		int _p = vb_config_option(cfg, err);                 \
		if (_p < 0)                                                 \
			return _p;                                          \
		_n = net_get(cfg);                                          \
		if (!_n)                                                    \
			return vb_err(err, VB_STAGE_CONFIG, -1, ENOMEM, "Out of memory"); \
		_n;                                                         \
	})

static bool valid_ifname(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n >= IFNAMSIZ || strcmp(s, ".") == 0 || strcmp(s, "..") == 0)
		return false;
	/* Also an nft identifier and a directory name: keep it plain. */
	for (const char *p = s; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '_' || *p == '-' || *p == '.'))
			return false;
	return (s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z');
}

VB_EXPORT int vb_config_net(vb_config *cfg, const char *spec, vb_error *err)
{
	struct vb_net_config *net;

	if (!cfg || !spec)
		return CFG_ERR(err, "--net takes an argument");
	net = NET_GET(cfg, err);
	free(net->ns_path);
	net->ns_path = NULL;
	if (strcmp(spec, "none") == 0) {
		net->mode = NET_MODE_NONE;
	} else if (strcmp(spec, "pasta") == 0) {
		net->mode = NET_MODE_PASTA;
	} else if (strcmp(spec, "bridge") == 0 || strncmp(spec, "bridge:", 7) == 0) {
		const char *name = spec[6] ? spec + 7 : NET_DEFAULT_BRIDGE;

		if (!valid_ifname(name))
			return CFG_ERR(err, "--net bridge:%s: not a valid bridge name", name);
		net->mode = NET_MODE_BRIDGE;
		snprintf(net->bridge, sizeof(net->bridge), "%s", name);
	} else if (strncmp(spec, "ns:", 3) == 0 && spec[3]) {
		if (strlen(spec + 3) >= PATH_MAX)
			return CFG_ERR(err, "--net %s: path too long", spec);
		net->ns_path = strdup(spec + 3);
		if (!net->ns_path)
			return vb_err(err, VB_STAGE_CONFIG, -1, ENOMEM, "Out of memory");
		net->mode = NET_MODE_NS;
	} else {
		return CFG_ERR(err, "--net %s: expected none, bridge[:NAME], pasta or ns:PATH", spec);
	}
	return 0;
}

VB_EXPORT int vb_config_net_subnet(vb_config *cfg, const char *cidr, vb_error *err)
{
	struct vb_net_config *net = NET_GET(cfg, err);

	if (ipam_parse_cidr4(cidr, &net->subnet, &net->prefix) < 0)
		return CFG_ERR(err, "--subnet %s: expected an IPv4 network such as 10.88.0.0/16 "
				    "(prefix 8 to 30, no host bits)", cidr ? cidr : "");
	return 0;
}

VB_EXPORT int vb_config_net_ip(vb_config *cfg, const char *addr, vb_error *err)
{
	struct vb_net_config *net = NET_GET(cfg, err);

	if (!addr || inet_pton(AF_INET, addr, &net->ip) != 1)
		return CFG_ERR(err, "--ip %s: not an IPv4 address", addr ? addr : "");
	net->have_ip = true;
	return 0;
}

VB_EXPORT int vb_config_net_mac(vb_config *cfg, const char *mac, vb_error *err)
{
	struct vb_net_config *net = NET_GET(cfg, err);
	unsigned b[6];
	char tail;

	if (!mac || sscanf(mac, "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1], &b[2], &b[3], &b[4],
			   &b[5], &tail) != 6 || strlen(mac) != 17)
		return CFG_ERR(err, "--mac %s: expected six hex bytes such as 02:42:ac:11:00:02",
			       mac ? mac : "");
	if (b[0] & 1)
		return CFG_ERR(err, "--mac %s: a multicast address", mac);
	for (int i = 0; i < 6; i++)
		net->mac[i] = (uint8_t)b[i];
	if (!(b[0] | b[1] | b[2] | b[3] | b[4] | b[5]))
		return CFG_ERR(err, "--mac %s: the zero address", mac);
	net->have_mac = true;
	return 0;
}

VB_EXPORT int vb_config_net_mtu(vb_config *cfg, unsigned mtu, vb_error *err)
{
	struct vb_net_config *net = NET_GET(cfg, err);

	if (mtu < 576 || mtu > 65535)
		return CFG_ERR(err, "--mtu %u: expected 576 to 65535", mtu);
	net->mtu = mtu;
	return 0;
}

VB_EXPORT int vb_config_net_no_nat(vb_config *cfg, vb_error *err)
{
	NET_GET(cfg, err)->no_nat = true;
	return 0;
}

VB_EXPORT int vb_config_net_ipv6(vb_config *cfg, vb_error *err)
{
	NET_GET(cfg, err)->ipv6 = true;
	return 0;
}

VB_EXPORT int vb_config_net_subnet6(vb_config *cfg, const char *cidr, vb_error *err)
{
	struct vb_net_config *net = NET_GET(cfg, err);

	if (ipam_parse_cidr6(cidr, &net->subnet6, &net->prefix6) < 0)
		return CFG_ERR(err, "--subnet6 %s: expected an IPv6 network such as fd00:1::/64 "
				    "(prefix 8 to 96, no host bits)", cidr ? cidr : "");
	net->ipv6 = true;
	net->have_subnet6 = true;
	return 0;
}

static int parse_port(const char *s, size_t len, uint16_t *ret)
{
	unsigned long v = 0;

	if (len == 0 || len > 5)
		return -EINVAL;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -EINVAL;
		v = v * 10 + (unsigned long)(s[i] - '0');
	}
	if (v == 0 || v > 65535)
		return -EINVAL;
	*ret = (uint16_t)v;
	return 0;
}

int net_parse_publish(const char *s, struct net_publish *ret)
{
	struct net_publish p = { .proto = IPPROTO_TCP };
	char host[INET6_ADDRSTRLEN + 2];
	const char *slash, *end, *last, *mid;

	if (!s || !*s || strlen(s) > 128)
		return -EINVAL;
	slash = strchr(s, '/');
	end = slash ? slash : s + strlen(s);
	if (slash) {
		if (strcmp(slash, "/tcp") == 0)
			p.proto = IPPROTO_TCP;
		else if (strcmp(slash, "/udp") == 0)
			p.proto = IPPROTO_UDP;
		else
			return -EINVAL;
	}
	/* PORT is after the last ':' before the protocol. */
	last = NULL;
	for (const char *q = s; q < end; q++)
		if (*q == ':')
			last = q;
	if (!last || parse_port(last + 1, (size_t)(end - last - 1), &p.port) < 0)
		return -EINVAL;
	/* HOSTPORT before it, and an optional host address before that. */
	mid = NULL;
	if (s[0] == '[') {
		const char *close = strchr(s, ']');

		if (!close || close > last || close[1] != ':' || (size_t)(close - s - 1) >= sizeof(host))
			return -EINVAL;
		memcpy(host, s + 1, (size_t)(close - s - 1));
		host[close - s - 1] = '\0';
		if (inet_pton(AF_INET6, host, &p.host_ip) != 1)
			return -EINVAL;
		p.host_family = AF_INET6;
		mid = close + 1;
	} else {
		for (const char *q = s; q < last; q++)
			if (*q == ':')
				mid = q;
		if (mid) {
			if ((size_t)(mid - s) >= sizeof(host))
				return -EINVAL;
			memcpy(host, s, (size_t)(mid - s));
			host[mid - s] = '\0';
			if (inet_pton(AF_INET, host, &p.host_ip) != 1)
				return -EINVAL;
			p.host_family = AF_INET;
		}
	}
	if (parse_port(mid ? mid + 1 : s, (size_t)(last - (mid ? mid + 1 : s)), &p.host_port) < 0)
		return -EINVAL;
	*ret = p;
	return 0;
}

VB_EXPORT int vb_config_net_publish(vb_config *cfg, const char *spec, vb_error *err)
{
	struct vb_net_config *net = NET_GET(cfg, err);
	struct net_publish p;

	if (net_parse_publish(spec, &p) < 0)
		return CFG_ERR(err, "--publish %s: expected [HOSTIP:]HOSTPORT:PORT[/tcp|/udp]",
			       spec ? spec : "");
	if (net->n_publish >= NET_MAX_PUBLISH)
		return CFG_ERR(err, "--publish: at most %d", NET_MAX_PUBLISH);
	for (size_t i = 0; i < net->n_publish; i++)
		if (net->publish[i].host_port == p.host_port && net->publish[i].proto == p.proto &&
		    net->publish[i].host_family == p.host_family &&
		    memcmp(&net->publish[i].host_ip, &p.host_ip, sizeof(p.host_ip)) == 0)
			return CFG_ERR(err, "--publish %s: host port given twice", spec);
	net->publish[net->n_publish++] = p;
	return 0;
}

VB_EXPORT int vb_config_net_dns(vb_config *cfg, const char *addr, vb_error *err)
{
	struct vb_net_config *net = NET_GET(cfg, err);
	struct in6_addr a;

	if (!addr || (inet_pton(AF_INET, addr, &a) != 1 && inet_pton(AF_INET6, addr, &a) != 1))
		return CFG_ERR(err, "--dns %s: not an IP address", addr ? addr : "");
	if (net->n_dns >= NET_MAX_DNS)
		return CFG_ERR(err, "--dns: at most %d", NET_MAX_DNS);
	snprintf(net->dns[net->n_dns++], INET6_ADDRSTRLEN, "%s", addr);
	return 0;
}

void net_config_free(struct vb_net_config *net)
{
	if (!net)
		return;
	if (net->rt.ns_fd >= 0)
		(void)close(net->rt.ns_fd);
	free(net->ns_path);
	free(net);
}

unsigned net_required_ns(const vb_config *cfg)
{
	const struct vb_net_config *net = cfg->net;

	if (!net || net->mode == NET_MODE_NS || net->mode == 0)
		return 0;
	/* pasta joins the sandbox's user namespace along with its network
	 * namespace, and cannot open the host's as root: give it one. */
	if (net->mode == NET_MODE_PASTA)
		return VB_NS_NET | VB_NS_USER;
	return VB_NS_NET;
}

/* ---- resolv.conf -------------------------------------------------------- */

static bool is_loopback_resolver(const char *s)
{
	struct in_addr a4;
	struct in6_addr a6;

	if (inet_pton(AF_INET, s, &a4) == 1)
		return (ntohl(a4.s_addr) >> 24) == 127 || a4.s_addr == 0;
	if (inet_pton(AF_INET6, s, &a6) == 1)
		return IN6_IS_ADDR_LOOPBACK(&a6) || IN6_IS_ADDR_UNSPECIFIED(&a6);
	return false;
}

static int append(char *buf, size_t size, size_t *len, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int append(char *buf, size_t size, size_t *len, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf + *len, size - *len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= size - *len)
		return -ENOSPC;
	*len += (size_t)n;
	return 0;
}

/* The nameserver lines of a resolv.conf; the other lines into other. */
static int read_resolv(const char *path, char (*ns)[INET6_ADDRSTRLEN], size_t *n_ns, size_t max,
		       char *other, size_t other_size, size_t *other_len, size_t *n_loopback)
{
	_cleanup_free_ char *text = NULL;
	_cleanup_close_ int fd = -1;
	size_t len;
	char *line, *save = NULL;
	int r;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	r = vb_read_fd(fd, &text, &len);
	if (r < 0)
		return r;
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char word[16], addr[INET6_ADDRSTRLEN + 1];

		if (sscanf(line, "%15s %46s", word, addr) == 2 && strcmp(word, "nameserver") == 0) {
			/* Drop a zone (fe80::1%eth0): the sandbox has no such link. */
			addr[strcspn(addr, "%")] = '\0';
			if (is_loopback_resolver(addr)) {
				if (n_loopback)
					(*n_loopback)++;
				continue;
			}
			if (*n_ns < max)
				snprintf(ns[(*n_ns)++], INET6_ADDRSTRLEN, "%.45s", addr);
			continue;
		}
		if (other && (strncmp(line, "search", 6) == 0 || strncmp(line, "domain", 6) == 0 ||
			      strncmp(line, "options", 7) == 0))
			(void)append(other, other_size, other_len, "%s\n", line);
	}
	return 0;
}

int net_build_resolv(char (*dns)[INET6_ADDRSTRLEN], size_t n_dns, const char *resolv_path,
		     const char *upstream_path, char *buf, size_t size, size_t *ret_len)
{
	char ns[NET_MAX_DNS][INET6_ADDRSTRLEN];
	char other[1024] = "";
	size_t n_ns = 0, other_len = 0, n_loop = 0, len = 0;

	(void)read_resolv(resolv_path, ns, &n_ns, NET_MAX_DNS, other, sizeof(other), &other_len,
			  &n_loop);
	if (n_dns > 0) {
		n_ns = 0;
		for (size_t i = 0; i < n_dns && i < NET_MAX_DNS; i++)
			snprintf(ns[n_ns++], INET6_ADDRSTRLEN, "%s", dns[i]);
	} else if (n_ns == 0 && upstream_path) {
		/* Only loopback resolvers (systemd-resolved's 127.0.0.53 and
		 * friends), unreachable from the sandbox: use what they use. */
		(void)read_resolv(upstream_path, ns, &n_ns, NET_MAX_DNS, NULL, 0, NULL, NULL);
	}
	if (append(buf, size, &len, "# resolv.conf of this voidbox sandbox\n") < 0)
		return -ENOSPC;
	for (size_t i = 0; i < n_ns; i++)
		if (append(buf, size, &len, "nameserver %s\n", ns[i]) < 0)
			return -ENOSPC;
	if (append(buf, size, &len, "%s", other) < 0)
		return -ENOSPC;
	*ret_len = len;
	return 0;
}

/* ---- setuid policy ------------------------------------------------------ */

static bool user_in_group(const char *group, uid_t uid, gid_t gid)
{
	struct group *gr = getgrnam(group);
	struct passwd *pw = getpwuid(uid);
	gid_t groups[256];
	int n = ARRAY_SIZE(groups);

	if (!gr)
		return false;
	if (gr->gr_gid == gid)
		return true;
	if (!pw || getgrouplist(pw->pw_name, gid, groups, &n) < 0)
		return false;
	for (int i = 0; i < n; i++)
		if (groups[i] == gr->gr_gid)
			return true;
	return false;
}

/* Setuid: only what /etc/voidbox/network.conf grants.  A line is
 *   user NAME|group NAME  bridge BRIDGE  subnet CIDR
 * and the sandbox's bridge and subnet must both match one line. */
static int check_policy(const vb_config *cfg, const struct vb_net_config *net, vb_error *err)
{
	_cleanup_free_ char *text = NULL;
	_cleanup_close_ int fd = -1;
	struct passwd *pw;
	char *line, *save = NULL;
	size_t len;

	if (net->mode == NET_MODE_NONE || net->mode == NET_MODE_PASTA)
		return 0;
	if (net->mode == NET_MODE_NS)
		return NET_ERR(err, 0, "--net ns:PATH is not allowed in setuid mode");
	for (size_t i = 0; i < net->n_publish; i++)
		if (net->publish[i].host_port < 1024)
			return NET_ERR(err, 0, "--publish: host port %u is below 1024, not allowed "
					       "in setuid mode", net->publish[i].host_port);
	fd = open(NET_POLICY_FILE, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0 || vb_read_fd(fd, &text, &len) < 0)
		return NET_ERR(err, 0, "--net bridge in setuid mode needs a grant in %s",
			       NET_POLICY_FILE);
	pw = getpwuid(cfg->real_uid);
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char kind[16], who[64], kb[16], br[IFNAMSIZ + 1], ks[16], cidr[64];
		struct in_addr sn;
		unsigned sp;
		bool match;

		if (line[strspn(line, " \t")] == '#')
			continue;
		if (sscanf(line, "%15s %63s %15s %16s %15s %63s", kind, who, kb, br, ks, cidr) != 6 ||
		    strcmp(kb, "bridge") != 0 || strcmp(ks, "subnet") != 0 ||
		    ipam_parse_cidr4(cidr, &sn, &sp) < 0)
			continue;
		if (strcmp(kind, "user") == 0)
			match = pw && strcmp(pw->pw_name, who) == 0;
		else if (strcmp(kind, "group") == 0)
			match = user_in_group(who, cfg->real_uid, cfg->real_gid);
		else
			continue;
		if (match && strcmp(br, net->bridge) == 0 && sn.s_addr == net->subnet.s_addr &&
		    sp == net->prefix)
			return 0;
	}
	return NET_ERR(err, 0, "--net bridge:%s with subnet %s/%u is not granted to this user in %s",
		       net->bridge, inet_ntoa(net->subnet), net->prefix, NET_POLICY_FILE);
}

/* ---- privileges ------------------------------------------------------------ */

/* Root for the module's own fixed operations (netlink, nftables, files
 * under /run/voidbox, /proc/sys), in setuid mode:
 *   setuid without a user namespace: the process is root, but the engine
 *     set fsuid/fsgid to the user's for user-supplied paths: root's here;
 *   setuid_net (a user namespace and --net bridge): the effective ids are
 *     the user's and root waits in the saved ones: taken up here, given
 *     back at once (the capabilities go with the effective uid).
 * Each credential change clears the parent-death signal and dumpability,
 * which the engine set: set again on the way out. */
struct net_priv {
	int kind; /* 0: nothing changed, 1: fs ids, 2: effective ids */
	uid_t fsuid;
	gid_t fsgid;
};

static struct net_priv priv_enter(const vb_config *cfg)
{
	struct net_priv p = { 0 };

	if (cfg->setuid_net && geteuid() != 0) {
		if (setresuid((uid_t)-1, 0, (uid_t)-1) == 0) {
			(void)setresgid((gid_t)-1, 0, (gid_t)-1);
			p.kind = 2;
		}
	} else if (cfg->is_privileged && geteuid() == 0) {
		p.kind = 1;
		p.fsuid = (uid_t)setfsuid(0);
		p.fsgid = (gid_t)setfsgid(0);
	}
	return p;
}

static void priv_leave(const vb_config *cfg, struct net_priv p)
{
	if (p.kind == 2) {
		if (setresgid((gid_t)-1, cfg->real_gid, (gid_t)-1) < 0 ||
		    setresuid((uid_t)-1, cfg->real_uid, (uid_t)-1) < 0)
			abort(); /* cannot fail with euid 0; never go on as root */
		(void)prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
	} else if (p.kind == 1) {
		(void)setfsgid(p.fsgid);
		(void)setfsuid(p.fsuid);
	}
	if (p.kind && cfg->die_with_parent && cfg->forward_signals)
		(void)prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
}

/* An undo step with the module's privileges. */
#define WITH_PRIV(net, stmt)                                                   \
	do {                                                                   \
		const vb_config *_cfg = (net)->rt.sb ? (net)->rt.sb->cfg : NULL; \
		struct net_priv _p = { 0 };                                    \
		if (_cfg)                                                      \
			_p = priv_enter(_cfg);                                 \
		stmt;                                                          \
		if (_cfg)                                                      \
			priv_leave(_cfg, _p);                                  \
	} while (0)

bool net_needs_root(const vb_config *cfg)
{
	return cfg->net && cfg->net->mode == NET_MODE_BRIDGE;
}

/* ---- undo steps ------------------------------------------------------------ */

static struct nl_sock host_nl; /* the caller's namespace; one sandbox at a time */

static void undo_close_nl(void *data) { nl_close(&host_nl); }

static void undo_lease(void *data)
{
	struct vb_net_config *net = data;

	WITH_PRIV(net, ipam_release(net->rt.lease_path));
	net->rt.lease_path[0] = '\0';
}

/* The veth goes with the sandbox's namespace: when the sandbox has ended,
 * the kernel destroys the pair as it cleans the namespace up, after vb has
 * gone (an RTM_DELLINK waits for RCU grace periods: tens of milliseconds).
 * So nothing is done here when no process of the sandbox can be left: it
 * had a pid namespace, or vb_run() killed what the command left running.
 * Otherwise (an embedder's sandbox whose orphans live on; with a cgroup,
 * killed only after this) the host end is taken down, so that whatever
 * keeps the namespace no longer reaches the bridge with an address that
 * is no longer leased.  Something let into the namespace from outside
 * keeps it too: a later sandbox given that address replaces the veth.
 * While the sandbox still runs (setup failed; vb_sandbox_free() of a
 * running one), the pair is deleted outright. */
static void undo_veth(void *data)
{
	struct vb_net_config *net = data;
	const struct vb_sandbox *sb = net->rt.sb;
	struct nl_batch b;
	char msg[128];

	if (!host_nl.mnl)
		return;
	nl_batch_init(&b);
	if (sb && sb->exited && ((sb->ns & VB_NS_PID) || sb->reap_tree))
		return;
	if (sb && sb->exited)
		(void)rt_put_link_flags(&b, 0, net->rt.veth, false);
	else
		(void)rt_put_link_del(&b, net->rt.veth);
	WITH_PRIV(net, (void)nl_batch_send(&host_nl, &b, NULL, msg, sizeof(msg)));
}

static void undo_nonat(void *data)
{
	struct vb_net_config *net = data;
	struct in6_addr a6 = net->rt.addr6;

	WITH_PRIV(net, nat_nonat_del(net->bridge, net->rt.addr, net->ipv6 ? &a6 : NULL));
}

static void undo_publish(void *data)
{
	struct vb_net_config *net = data;

	WITH_PRIV(net, nat_publish_del(net->rt.tag));
}

static void undo_close_ns(void *data)
{
	struct vb_net_config *net = data;

	if (net->rt.ns_fd >= 0)
		(void)close(net->rt.ns_fd);
	net->rt.ns_fd = -1;
}

static void undo_pasta(void *data)
{
	struct vb_net_config *net = data;

	if (net->rt.pasta_pid > 0)
		(void)kill(net->rt.pasta_pid, SIGTERM);
	net->rt.pasta_pid = 0;
}

/* A lease's note: what was made for it outside the sandbox, written
 * before it is made (see ipam_set_note). */
static void lease_note(const struct vb_net_config *net, char *buf, size_t size)
{
	char a6[INET6_ADDRSTRLEN] = "";
	size_t n = 0;

	buf[0] = '\0';
	if (net->n_publish > 0)
		n += (size_t)snprintf(buf + n, size - n, "publish ");
	if (net->no_nat && n < size)
		n += (size_t)snprintf(buf + n, size - n, "nonat4 ");
	if (net->no_nat && net->ipv6 && n < size &&
	    inet_ntop(AF_INET6, &net->rt.addr6, a6, sizeof(a6)))
		(void)snprintf(buf + n, size - n, "nonat6=%s ", a6);
}

/* A lease whose vb and sandbox are gone: remove what it named.  Its veth
 * went with the sandbox's namespace, or is on its way out: deleting it
 * now, by name, makes sure. */
static void sweep_stale(const char *bridge, struct in_addr addr, const char *note, void *data)
{
	char veth[IFNAMSIZ], tag[16], msg[64], word[INET6_ADDRSTRLEN + 8];
	struct in6_addr a6;
	bool have6 = false, nonat = false, publish = false;
	int off = 0, k;

	snprintf(tag, sizeof(tag), "%08x", ntohl(addr.s_addr));
	snprintf(veth, sizeof(veth), "vb%.8s", tag);
	if (host_nl.mnl)
		(void)rt_link_del(&host_nl, veth, msg, sizeof(msg));
	while (sscanf(note + off, "%53s%n", word, &k) == 1) {
		off += k;
		if (strcmp(word, "publish") == 0)
			publish = true;
		else if (strcmp(word, "nonat4") == 0)
			nonat = true;
		else if (strncmp(word, "nonat6=", 7) == 0 &&
			 inet_pton(AF_INET6, word + 7, &a6) == 1)
			have6 = true;
	}
	if ((publish || nonat || have6) && nat_available()) {
		if (publish)
			nat_publish_del(tag);
		if (nonat || have6)
			nat_nonat_del(bridge, addr, have6 ? &a6 : NULL);
	}
}

/* ---- steps ---------------------------------------------------------------- */

/* Writes "1" to a sysctl that reads "0"; logs once that it did. */
static int enable_forwarding(const vb_config *cfg, const char *path, const char *name)
{
	char c = 0;
	int fd = open(path, O_RDWR | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	if (read(fd, &c, 1) == 1 && c == '0') {
		if (pwrite(fd, "1\n", 2, 0) != 2) {
			int e = -errno;

			(void)close(fd);
			return e;
		}
		vb_log(cfg, VB_LOG_WARNING,
		       "enabled %s (as Docker and Podman do) so that --net bridge traffic is routed",
		       name);
	}
	(void)close(fd);
	return 0;
}

/* Sets net.ipv4.conf.<ifname>.<name> to 1 unless it is already. */
static int set_sysctl(const vb_config *cfg, const char *ifname, const char *name)
{
	char path[128], c = 0;
	int fd;

	snprintf(path, sizeof(path), "/proc/sys/net/ipv4/conf/%s/%s", ifname, name);
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (read(fd, &c, 1) == 1 && c != '1' && pwrite(fd, "1\n", 2, 0) != 2) {
		int e = -errno;

		(void)close(fd);
		return e;
	}
	(void)close(fd);
	return 0;
}

/* The bridge with its gateway addresses, up.  Most starts find it so: one
 * RTM_GETLINK, then one batch whose address requests answer EEXIST. */
static int ensure_bridge(struct vb_net_config *net, int *ret_index, bool *ret_created,
			 vb_error *err)
{
	struct in_addr gw = ipam_gateway(net->subnet);
	struct in6_addr gw6 = ipam_gateway6(net->subnet6);
	struct nl_batch b;
	char msg[256] = "";
	unsigned flags = 0, failed = 0;
	int r, idx = 0;

	*ret_created = false;
	if (vb_fault("net-bridge") < 0)
		return NET_ERR(err, EIO, "Can't create bridge %s", net->bridge);
	r = rt_link_get(&host_nl, net->bridge, &idx, &flags, msg, sizeof(msg));
	if (r == -ENODEV) {
		r = rt_bridge_create(&host_nl, net->bridge, net->mtu, msg, sizeof(msg));
		/* EEXIST: a concurrent vb made it first. */
		if (r < 0 && r != -EEXIST)
			return NET_ERR(err, -r, "Can't create bridge %s%s%s", net->bridge,
				       *msg ? ": " : "", msg);
		*ret_created = r == 0;
		r = rt_link_get(&host_nl, net->bridge, &idx, &flags, msg, sizeof(msg));
	}
	if (r < 0)
		return NET_ERR(err, -r, "Can't find bridge %s", net->bridge);

	nl_batch_init(&b);
	r = vb_fault("net-gateway");
	if (r < 0)
		return NET_ERR(err, -r, "Can't add the gateway address to %s", net->bridge);
	/* EEXIST: the address is there already, the usual case. */
	(void)rt_put_addr(&b, AF_INET, idx, &gw, net->prefix);
	nl_batch_tolerate(&b, EEXIST);
	if (net->ipv6) {
		(void)rt_put_addr(&b, AF_INET6, idx, &gw6, net->prefix6);
		nl_batch_tolerate(&b, EEXIST);
	}
	if (!(flags & IFF_UP))
		(void)rt_put_link_flags(&b, idx, NULL, true);
	r = nl_batch_send(&host_nl, &b, &failed, msg, sizeof(msg));
	if (r < 0) {
		if (failed == 0 || (failed == 1 && net->ipv6))
			return NET_ERR(err, -r, "Can't add the %sgateway address to %s%s%s",
				       failed == 1 ? "IPv6 " : "", net->bridge, *msg ? ": " : "",
				       msg);
		return NET_ERR(err, -r, "Can't bring %s up", net->bridge);
	}
	*ret_index = idx;
	return 0;
}

/* Whether the bridge's NAT rules are in place, as this version makes them:
 * one nf_tables dump (libnftables would cost milliseconds to load). */
static bool nat_in_place(const struct vb_net_config *net)
{
	char m[NAT_MAX_MARKERS][NAT_MARKER_MAX];
	const char *want[NAT_MAX_MARKERS];
	struct nl_sock nf = { 0 };
	bool present = false;
	size_t n;

	n = nat_bridge_markers(net->bridge, net->subnet, net->prefix,
			       net->ipv6 ? &net->subnet6 : NULL, net->prefix6, m);
	for (size_t i = 0; i < n; i++)
		want[i] = m[i];
	if (n == 0 || nl_open_proto(&nf, NETLINK_NETFILTER) < 0)
		return false;
	if (nft_rules_present(&nf, NET_NFT_TABLE, NULL, want, n, &present) < 0)
		present = false;
	nl_close(&nf);
	return present;
}

static int bridge_prepare(struct vb_sandbox *sb, struct vb_net_config *net, vb_error *err)
{
	const vb_config *cfg = sb->cfg;
	struct net_runtime *rt = &net->rt;
	bool created = false;
	int r;

	if (net->have_ip) {
		uint32_t mask = htonl(~0u << (32 - net->prefix));

		if ((net->ip.s_addr & mask) != net->subnet.s_addr)
			return vb_err(err, VB_STAGE_CONFIG, -1, 0, "--ip %s is outside the subnet %s/%u",
				      inet_ntoa(net->ip), inet_ntop(AF_INET, &net->subnet,
								    (char[INET_ADDRSTRLEN]){ 0 },
								    INET_ADDRSTRLEN),
				      net->prefix);
	}

	r = vb_fault("net-netlink");
	if (r == 0)
		r = nl_open(&host_nl);
	if (r < 0)
		return NET_ERR(err, -r, "Can't open rtnetlink socket");
	r = vb_rollback_push(&sb->rb, undo_close_nl, NULL, false);
	if (r < 0)
		return NET_ERR(err, -r, "Out of memory");

	r = vb_fault("net-lease");
	if (r < 0)
		return NET_ERR(err, EIO, "Can't lease an address on %s", net->bridge);
	r = ipam_lease(net->bridge, net->subnet, net->prefix, net->have_ip ? &net->ip : NULL,
		       sweep_stale, NULL, &rt->addr, rt->lease_path, sizeof(rt->lease_path), NULL,
		       err);
	if (r < 0)
		return r;
	r = vb_rollback_push(&sb->rb, undo_lease, net, false);
	if (r < 0)
		return NET_ERR(err, -r, "Out of memory");
	snprintf(rt->tag, sizeof(rt->tag), "%08x", ntohl(rt->addr.s_addr));
	snprintf(rt->veth, sizeof(rt->veth), "vb%.8s", rt->tag);
	if (net->ipv6)
		rt->addr6 = ipam_addr6(net->subnet6, ntohl(rt->addr.s_addr) - ntohl(net->subnet.s_addr));
	if (net->n_publish > 0 || net->no_nat) {
		/* Before any of it is made: a sweep of this lease after a
		 * kill -9 then knows what to remove. */
		char note[IPAM_NOTE_MAX];

		lease_note(net, note, sizeof(note));
		r = ipam_set_note(rt->lease_path, note);
		if (r < 0)
			return NET_ERR(err, -r, "Can't write lease %s", rt->lease_path);
	}

	r = ensure_bridge(net, &rt->bridge_index, &created, err);
	if (r < 0)
		return r;

	r = vb_fault("net-forward");
	if (r == 0)
		r = enable_forwarding(cfg, "/proc/sys/net/ipv4/ip_forward", "net.ipv4.ip_forward");
	if (r == 0 && net->ipv6)
		r = enable_forwarding(cfg, "/proc/sys/net/ipv6/conf/all/forwarding",
				      "net.ipv6.conf.all.forwarding");
	if (r < 0)
		return NET_ERR(err, -r, "Can't enable IP forwarding");

	/* The bridge's NAT, made once and checked each time in the kernel
	 * (a flushed ruleset is noticed); libnftables only when it is not
	 * there.  A bridge made just now always gets it again. */
	if (created || !nat_in_place(net)) {
		r = vb_fault("net-nat");
		if (r < 0)
			return NET_ERR(err, EIO, "Can't set up NAT");
		if (!nat_available()) {
			/* Without nftables there is no masquerade to skip. */
			if (!net->no_nat)
				return NET_ERR(err, 0, "NAT needs nftables, and voidbox was built "
						       "without libnftables (use --no-nat)");
		} else {
			r = nat_bridge_setup(net->bridge, net->subnet, net->prefix,
					     net->ipv6 ? &net->subnet6 : NULL, net->prefix6, err);
			if (r < 0)
				return r;
		}
	}
	if (net->no_nat && nat_available()) {
		r = vb_fault("net-nonat");
		if (r == 0)
			r = nat_nonat_add(net->bridge, rt->addr, net->ipv6 ? &rt->addr6 : NULL, err);
		else
			r = NET_ERR(err, EIO, "Can't exempt the sandbox from NAT");
		if (r < 0)
			return r;
		r = vb_rollback_push(&sb->rb, undo_nonat, net, false);
		if (r < 0)
			return NET_ERR(err, -r, "Out of memory");
	}
	return 0;
}

/* veth create and host end up, one batch. */
static int veth_create(struct vb_net_config *net, int nsfd, unsigned *ret_failed, char *msg,
		       size_t n)
{
	struct net_runtime *rt = &net->rt;
	struct nl_batch b;
	int r;

	nl_batch_init(&b);
	r = rt_put_veth(&b, rt->veth, "eth0", nsfd, NET_ETH0_INDEX, rt->bridge_index, net->mtu,
			net->have_mac ? net->mac : NULL);
	if (r == 0)
		r = rt_put_link_flags(&b, 0, rt->veth, true);
	if (r == 0)
		r = nl_batch_send(&host_nl, &b, ret_failed, msg, n);
	return r;
}

static int bridge_setup_parent(struct vb_sandbox *sb, struct vb_net_config *net, vb_error *err)
{
	struct net_runtime *rt = &net->rt;
	_cleanup_close_ int nsfd = -1;
	char path[64], msg[256] = "";
	unsigned failed = 0;
	int r;

	snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)sb->pid);
	nsfd = open(path, O_RDONLY | O_CLOEXEC);
	if (nsfd < 0)
		return NET_ERR(err, errno, "Can't open %s", path);

	/* The peer is born inside the sandbox's fresh namespace as eth0 with
	 * ifindex 2 (lo is 1): the child then configures it from inside,
	 * without anyone entering the namespace. */
	rt->sb = sb;
	r = vb_fault("net-veth");
	if (r == 0) {
		r = veth_create(net, nsfd, &failed, msg, sizeof(msg));
		if (r == -EEXIST && failed == 0) {
			/* Ours by name, as the address is ours: left by a
			 * sandbox whose namespace lives on (or is still being
			 * torn down).  Remove it, and again. */
			(void)rt_link_del(&host_nl, rt->veth, NULL, 0);
			r = veth_create(net, nsfd, &failed, msg, sizeof(msg));
		}
	}
	if (r < 0 && failed == 1) {
		/* Made, but not up: undone like any veth. */
		int r2 = vb_rollback_push(&sb->rb, undo_veth, net, false);

		return NET_ERR(err, r2 < 0 ? -r2 : -r, "Can't bring %s up", rt->veth);
	}
	if (r < 0)
		return NET_ERR(err, -r, "Can't create veth %s%s%s", rt->veth, *msg ? ": " : "", msg);
	r = vb_rollback_push(&sb->rb, undo_veth, net, false);
	if (r < 0)
		return NET_ERR(err, -r, "Out of memory");

	if (net->n_publish > 0) {
		r = vb_fault("net-publish");
		if (r < 0)
			return NET_ERR(err, EIO, "Can't publish ports");
		/* A host client of 127.0.0.1:HOSTPORT is DNATed to the bridge
		 * with its loopback source (masqueraded in post-<bridge>). */
		r = set_sysctl(sb->cfg, net->bridge, "route_localnet");
		if (r < 0)
			return NET_ERR(err, -r, "Can't set net.ipv4.conf.%s.route_localnet",
				       net->bridge);
		r = nat_publish_add(rt->tag, net->publish, net->n_publish, rt->addr,
				    net->ipv6 ? &rt->addr6 : NULL, err);
		if (r < 0) {
			/* A failed transaction leaves nothing, but a chain may
			 * exist from before: clear by name. */
			nat_publish_del(rt->tag);
			return r;
		}
		r = vb_rollback_push(&sb->rb, undo_publish, net, false);
		if (r < 0)
			return NET_ERR(err, -r, "Out of memory");
	}
	/* The lease now also names the sandbox: it outlives a killed vb. */
	(void)ipam_set_owner(rt->lease_path, sb->pid);
	return 0;
}

/* Child, in its own namespace: loopback, eth0's addresses, default routes,
 * in one batch over a socket opened here.  Stack buffers only, but for
 * libmnl's small socket struct. */
static int bridge_setup_child(struct vb_net_config *net, vb_error *err)
{
	struct net_runtime *rt = &net->rt;
	struct nl_sock nl = { 0 };
	struct nl_batch b;
	struct in_addr gw = ipam_gateway(net->subnet);
	struct in6_addr gw6 = ipam_gateway6(net->subnet6);
	char msg[256] = "";
	/* What each request of the batch is, for the message. */
	enum { LO, ETH0, ADDR, ROUTE } what[NL_BATCH_MAX];
	unsigned failed = 0;
	int r;

	r = vb_fault("net-child-netlink");
	if (r == 0)
		r = nl_open(&nl);
	if (r < 0)
		return NET_ERR(err, -r, "Can't open rtnetlink socket in the sandbox");
	nl_batch_init(&b);
	/* The fault steps stand for the requests they come before. */
	if ((r = vb_fault("net-lo")) < 0) {
		r = NET_ERR(err, -r, "loopback: Failed RTM_NEWLINK");
		goto out;
	}
	what[b.n] = LO;
	(void)rt_put_link_flags(&b, 1, NULL, true); /* lo is always 1 */
	if ((r = vb_fault("net-addr")) < 0) {
		r = NET_ERR(err, -r, "Can't add the sandbox's address");
		goto out;
	}
	what[b.n] = ETH0;
	(void)rt_put_link_flags(&b, NET_ETH0_INDEX, NULL, true);
	what[b.n] = ADDR;
	(void)rt_put_addr(&b, AF_INET, NET_ETH0_INDEX, &rt->addr, net->prefix);
	if (net->ipv6) {
		what[b.n] = ADDR;
		(void)rt_put_addr(&b, AF_INET6, NET_ETH0_INDEX, &rt->addr6, net->prefix6);
	}
	if ((r = vb_fault("net-route")) < 0) {
		r = NET_ERR(err, -r, "Can't add the default route");
		goto out;
	}
	what[b.n] = ROUTE;
	(void)rt_put_route_default(&b, AF_INET, NET_ETH0_INDEX, &gw);
	if (net->ipv6) {
		what[b.n] = ROUTE;
		(void)rt_put_route_default(&b, AF_INET6, NET_ETH0_INDEX, &gw6);
	}
	r = nl_batch_send(&nl, &b, &failed, msg, sizeof(msg));
	if (r < 0) {
		const char *sep = *msg ? ": " : "";

		if (failed >= b.n || what[failed] == LO)
			r = NET_ERR(err, -r, "loopback: Failed RTM_NEWLINK%s%s", sep, msg);
		else if (what[failed] == ROUTE)
			r = NET_ERR(err, -r, "Can't add the default route%s%s", sep, msg);
		else
			r = NET_ERR(err, -r, "Can't add the sandbox's address%s%s", sep, msg);
	}
out:
	nl_close(&nl);
	return r;
}

static const char *find_pasta(void)
{
	static const char *const paths[] = { "/usr/bin/pasta", "/usr/local/bin/pasta", "/bin/pasta" };

	for (size_t i = 0; i < ARRAY_SIZE(paths); i++)
		if (access(paths[i], X_OK) == 0)
			return paths[i];
	return NULL;
}

static int pasta_setup_parent(struct vb_sandbox *sb, struct vb_net_config *net, vb_error *err)
{
	const char *pasta = find_pasta();
	char pidstr[16], ports[NET_MAX_PUBLISH * 2][INET6_ADDRSTRLEN + 16], pidbuf[32] = "";
	const char *argv[16 + NET_MAX_PUBLISH * 2 + 4];
	int argc = 0, pfd[2], st;
	size_t np = 0;
	pid_t pid;
	ssize_t n;

	if (!pasta)
		return NET_ERR(err, 0, "--net pasta needs pasta(1) (Debian package passt)");
	if (vb_fault("net-pasta") < 0)
		return NET_ERR(err, EIO, "Can't start pasta");
	snprintf(pidstr, sizeof(pidstr), "%d", (int)sb->pid);
	argv[argc++] = "pasta";
	argv[argc++] = "--config-net";
	argv[argc++] = "--quiet";
	argv[argc++] = "--pid";
	argv[argc++] = "/proc/self/fd/3";
	/* As root pasta would turn into nobody, who may not open a root
	 * sandbox's namespaces: stay root (pasta drops its capabilities). */
	if (getuid() == 0) {
		argv[argc++] = "--runas";
		argv[argc++] = "0:0";
	}
	if (net->mtu) {
		static char mtu[16];

		snprintf(mtu, sizeof(mtu), "%u", net->mtu);
		argv[argc++] = "--mtu";
		argv[argc++] = mtu;
	}
	if (!net->ipv6)
		argv[argc++] = "--ipv4-only";
	for (int proto = 0; proto < 2; proto++) {
		bool any = false;

		for (size_t i = 0; i < net->n_publish; i++) {
			const struct net_publish *p = &net->publish[i];
			char h[INET6_ADDRSTRLEN] = "";

			if ((p->proto == IPPROTO_UDP) != (proto == 1))
				continue;
			if (p->host_family)
				inet_ntop(p->host_family, &p->host_ip, h, sizeof(h));
			snprintf(ports[np], sizeof(ports[np]), "%s%s%u:%u", h, *h ? "/" : "",
				 p->host_port, p->port);
			argv[argc++] = proto ? "-u" : "-t";
			argv[argc++] = ports[np++];
			any = true;
		}
		if (!any) {
			argv[argc++] = proto ? "-u" : "-t";
			argv[argc++] = "none";
		}
	}
	argv[argc++] = pidstr;
	argv[argc] = NULL;

	if (pipe2(pfd, O_CLOEXEC) < 0)
		return NET_ERR(err, errno, "pipe2()");
	pid = fork();
	if (pid < 0) {
		(void)close(pfd[0]);
		(void)close(pfd[1]);
		return NET_ERR(err, errno, "Can't start pasta");
	}
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR | O_CLOEXEC);
		sigset_t all;

		/* A clean slate: pasta refuses to start when it inherits an
		 * ignored signal (python's SIGPIPE, for one). */
		for (int sig = 1; sig < NSIG; sig++)
			(void)signal(sig, SIG_DFL);
		sigemptyset(&all);
		(void)sigprocmask(SIG_SETMASK, &all, NULL);

		/* Runs with the caller's ids, never with setuid root's. */
		if (setgid(getgid()) < 0 || setuid(getuid()) < 0)
			_exit(126);
		if (dup2(pfd[1], 3) < 0)
			_exit(126);
		if (null >= 0)
			(void)dup2(null, 0);
		execv(pasta, (char *const *)argv);
		_exit(127);
	}
	(void)close(pfd[1]);
	/* pasta writes its pid and forks to the background once the
	 * namespace is configured; the first process then exits. */
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	n = read(pfd[0], pidbuf, sizeof(pidbuf) - 1);
	(void)close(pfd[0]);
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		return NET_ERR(err, 0, "pasta failed (exit status %d)",
			       WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
	if (n > 0) {
		pidbuf[n] = '\0';
		net->rt.pasta_pid = (pid_t)strtol(pidbuf, NULL, 10);
	}
	return vb_rollback_push(&sb->rb, undo_pasta, net, false) < 0 ? NET_ERR(err, ENOMEM, "Out of memory") : 0;
}

/* ---- the hooks ------------------------------------------------------------ */

int net_prepare(struct vb_sandbox *sb, vb_error *err)
{
	vb_config *cfg = sb->cfg;
	struct vb_net_config *net = cfg->net;
	struct net_runtime *rt;
	struct net_priv priv;
	int r = 0;

	if (!net)
		return 0;
	rt = &net->rt;
	if (rt->ns_fd >= 0)
		(void)close(rt->ns_fd);
	memset(rt, 0, sizeof(*rt));
	rt->ns_fd = rt->resolv_fd = -1;
	rt->sb = sb;

	if (net->mode == 0)
		return vb_err(err, VB_STAGE_CONFIG, -1, 0,
			      "--subnet, --ip, --mac, --mtu, --no-nat, --ipv6, --subnet6, --publish "
			      "and --dns need --net");
	if (net->mode != NET_MODE_BRIDGE &&
	    (net->have_ip || net->have_mac || net->no_nat || (net->ipv6 && net->mode != NET_MODE_PASTA)))
		return vb_err(err, VB_STAGE_CONFIG, -1, 0,
			      "--ip, --mac, --no-nat and --ipv6 need --net bridge");
	if (net->n_publish && net->mode != NET_MODE_BRIDGE && net->mode != NET_MODE_PASTA)
		return vb_err(err, VB_STAGE_CONFIG, -1, 0, "--publish needs --net bridge or pasta");
	if ((cfg->is_privileged || cfg->setuid_net) && (r = check_policy(cfg, net, err)) < 0)
		return r;
	if (net->mode == NET_MODE_BRIDGE && getuid() != 0 && !cfg->is_privileged &&
	    !cfg->setuid_net)
		return NET_ERR(err, EPERM, "--net bridge needs root (or vb installed setuid and a "
					   "grant in %s); use --net pasta as an ordinary user",
			       NET_POLICY_FILE);

	/* Text for the sandbox's own /etc/resolv.conf, copied by the child. */
	if (net->mode == NET_MODE_BRIDGE || net->mode == NET_MODE_PASTA || net->n_dns) {
		r = vb_fault("net-resolv");
		if (r == 0)
			r = net_build_resolv(net->dns, net->n_dns, "/etc/resolv.conf",
					     "/run/systemd/resolve/resolv.conf", rt->resolv,
					     sizeof(rt->resolv), &rt->resolv_len);
		if (r < 0)
			return NET_ERR(err, -r, "Can't prepare resolv.conf");
	}

	switch (net->mode) {
	case NET_MODE_NS: {
		r = vb_fault("net-ns-open");
		if (r < 0)
			return NET_ERR(err, EIO, "Can't open network namespace %s", net->ns_path);
		rt->ns_fd = open(net->ns_path, O_RDONLY | O_CLOEXEC);
		if (rt->ns_fd < 0)
			return NET_ERR(err, errno, "Can't open network namespace %s", net->ns_path);
		r = vb_rollback_push(&sb->rb, undo_close_ns, net, false);
		if (r < 0)
			return NET_ERR(err, -r, "Out of memory");
		r = ioctl(rt->ns_fd, NS_GET_NSTYPE);
		if (r != CLONE_NEWNET)
			return NET_ERR(err, r < 0 ? errno : 0, "%s is not a network namespace",
				       net->ns_path);
		return 0;
	}
	case NET_MODE_BRIDGE:
		priv = priv_enter(cfg);
		r = bridge_prepare(sb, net, err);
		priv_leave(cfg, priv);
		return r;
	case NET_MODE_PASTA:
		if (!find_pasta())
			return NET_ERR(err, 0, "--net pasta needs pasta(1) (Debian package passt)");
		return 0;
	default:
		return 0;
	}
}

/* The supervision stream's "network" event: the sandbox's eth0 and what
 * it was given. */
static void net_event(struct vb_sandbox *sb, const struct vb_net_config *net)
{
	char a4[INET_ADDRSTRLEN + 4], a6[INET6_ADDRSTRLEN + 5], gw[INET_ADDRSTRLEN];
	const char *addrs[2];
	size_t n = 0;
	struct in_addr g = ipam_gateway(net->subnet);

	if (inet_ntop(AF_INET, &net->rt.addr, a4, INET_ADDRSTRLEN)) {
		snprintf(a4 + strlen(a4), sizeof(a4) - strlen(a4), "/%u", net->prefix);
		addrs[n++] = a4;
	}
	if (net->ipv6 && inet_ntop(AF_INET6, &net->rt.addr6, a6, INET6_ADDRSTRLEN)) {
		snprintf(a6 + strlen(a6), sizeof(a6) - strlen(a6), "/%u", net->prefix6);
		addrs[n++] = a6;
	}
	if (!inet_ntop(AF_INET, &g, gw, sizeof(gw)))
		gw[0] = '\0';
	sup_event_network(sb, "eth0", addrs, n, gw);
}

int net_setup_parent(struct vb_sandbox *sb, vb_error *err)
{
	struct vb_net_config *net = sb->cfg->net;
	struct net_priv priv;
	int r;

	if (!net)
		return 0;
	switch (net->mode) {
	case NET_MODE_BRIDGE:
		priv = priv_enter(sb->cfg);
		r = bridge_setup_parent(sb, net, err);
		priv_leave(sb->cfg, priv);
		if (r == 0)
			net_event(sb, net);
		return r;
	case NET_MODE_PASTA:
		return pasta_setup_parent(sb, net, err);
	default:
		return 0;
	}
}

/* Child: bind the prepared text over newroot/etc/resolv.conf, through a
 * file on the setup tmpfs (which the sandbox never sees).  A symlinked
 * resolv.conf is followed inside the new root, not outside it. */
static int bind_resolv(const struct net_runtime *rt, const char *newroot, vb_error *err)
{
	char fdpath[64];
	const char *tmp = "/.vb-resolv.conf";
	struct open_how how = { .flags = O_PATH | O_CLOEXEC, .resolve = RESOLVE_IN_ROOT };
	int rootfd, target, fd, r;

	rootfd = open(newroot, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		return NET_ERR(err, errno, "Can't open %s", newroot);
	target = (int)syscall(SYS_openat2, rootfd, "etc/resolv.conf", &how, sizeof(how));
	if (target < 0 && errno == ENOENT) {
		/* No such file: make one if /etc is there and writable. */
		int etcfd = openat(rootfd, "etc", O_PATH | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);

		if (etcfd >= 0) {
			int f = openat(etcfd, "resolv.conf", O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC |
							       O_NOFOLLOW, 0644);

			if (f >= 0)
				(void)close(f);
			(void)close(etcfd);
			target = (int)syscall(SYS_openat2, rootfd, "etc/resolv.conf", &how, sizeof(how));
		}
	}
	if (target < 0) {
		(void)close(rootfd);
		return 0; /* no /etc in the sandbox: nothing resolves there anyway */
	}
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0 || vb_write_all(fd, rt->resolv, rt->resolv_len) < 0) {
		r = errno;
		if (fd >= 0)
			(void)close(fd);
		(void)close(target);
		(void)close(rootfd);
		return NET_ERR(err, r, "Can't write resolv.conf");
	}
	(void)close(fd);
	/* /proc is the host's, under /oldroot, at this point of setup. */
	snprintf(fdpath, sizeof(fdpath), "/oldroot/proc/self/fd/%d", target);
	if (mount(tmp, fdpath, NULL, MS_BIND, NULL) < 0) {
		r = errno;
		(void)close(target);
		(void)close(rootfd);
		return NET_ERR(err, r, "Can't bind resolv.conf");
	}
	(void)close(target);
	/* Read-only: found again, now as the mount just made. */
	target = (int)syscall(SYS_openat2, rootfd, "etc/resolv.conf", &how, sizeof(how));
	if (target >= 0) {
		snprintf(fdpath, sizeof(fdpath), "/oldroot/proc/self/fd/%d", target);
		(void)mount(NULL, fdpath, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV,
			    NULL);
		(void)close(target);
	}
	(void)close(rootfd);
	(void)unlink(tmp);
	return 0;
}

int net_setup_child(struct vb_sandbox *sb, const char *newroot, vb_error *err)
{
	const vb_config *cfg = sb->cfg;
	struct vb_net_config *net = cfg->net;

	if (!net)
		return 0;
	if (net->mode == NET_MODE_NS) {
		if (vb_fault("net-setns") < 0 || setns(net->rt.ns_fd, CLONE_NEWNET) < 0)
			return NET_ERR(err, errno ? errno : EIO, "Can't join network namespace %s",
				       net->ns_path);
		(void)close(net->rt.ns_fd);
	} else if (net->mode == NET_MODE_BRIDGE) {
		int r = bridge_setup_child(net, err);

		if (r < 0)
			return r;
	} else if (net->mode == NET_MODE_NONE || net->mode == NET_MODE_PASTA) {
		if (vb_fault("net-loopback") < 0 || ns_loopback_up() < 0)
			return NET_ERR(err, errno ? errno : EIO, "loopback: Failed RTM_NEWLINK");
	}
	if (net->rt.resolv_len > 0)
		return bind_resolv(&net->rt, newroot, err);
	return 0;
}

/* ---- vb --net-prune --------------------------------------------------------- */

VB_EXPORT int vb_net_prune(vb_error *err)
{
	_cleanup_close_ int dirfd = -1;
	DIR *d;
	struct dirent *de;
	char names[64][IFNAMSIZ];
	size_t n = 0;
	int r;

	dirfd = open(NET_RUN_DIR, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0)
		return errno == ENOENT ? 0 : NET_ERR(err, errno, "Can't open %s", NET_RUN_DIR);
	d = fdopendir(dup(dirfd));
	if (!d)
		return NET_ERR(err, errno, "Can't read %s", NET_RUN_DIR);
	while ((de = readdir(d)) && n < ARRAY_SIZE(names))
		if (de->d_name[0] != '.' && valid_ifname(de->d_name))
			snprintf(names[n++], IFNAMSIZ, "%.15s", de->d_name);
	closedir(d);

	r = nl_open(&host_nl);
	if (r < 0)
		return NET_ERR(err, -r, "Can't open rtnetlink socket");
	for (size_t i = 0; i < n; i++) {
		bool busy = true;
		int lockfd = -1;
		char msg[256] = "";

		r = ipam_busy(names[i], sweep_stale, NULL, &busy, &lockfd);
		if (r < 0 || busy) {
			if (lockfd >= 0)
				(void)close(lockfd);
			continue;
		}
		r = rt_link_del(&host_nl, names[i], msg, sizeof(msg));
		if (r < 0 && r != -ENODEV) {
			(void)close(lockfd);
			nl_close(&host_nl);
			return NET_ERR(err, -r, "Can't remove bridge %s", names[i]);
		}
		if (nat_available())
			(void)nat_bridge_remove(names[i], NULL);
		/* The lock file goes last, while still held: a start waiting
		 * on it sees it unlinked and takes a fresh one. */
		{
			char path[PATH_MAX];

			/* NAT stamps of earlier versions, if any. */
			snprintf(path, sizeof(path), "%s/%s/nat", NET_RUN_DIR, names[i]);
			(void)unlink(path);
			snprintf(path, sizeof(path), "%s/%s/nat6", NET_RUN_DIR, names[i]);
			(void)unlink(path);
			snprintf(path, sizeof(path), "%s/%s/lock", NET_RUN_DIR, names[i]);
			(void)unlink(path);
			snprintf(path, sizeof(path), "%s/%s", NET_RUN_DIR, names[i]);
			(void)rmdir(path);
		}
		(void)close(lockfd);
	}
	nl_close(&host_nl);
	return 0;
}
