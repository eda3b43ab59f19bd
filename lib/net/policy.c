/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Setuid mode: what /etc/voidbox/network.conf grants an ordinary user, and
 * the root privileges the module takes up for its own fixed operations. */
#include <arpa/inet.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <sys/fsuid.h>
#include <sys/prctl.h>

#include "fault.h"
#include "net/net.h"

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

/* One line of /etc/voidbox/network.conf:
 *   user NAME|group NAME  bridge BRIDGE  subnet CIDR  [subnet6 CIDR6]  [max N]
 * A line with anything else on it, or a value that does not parse, grants
 * nothing: a typo gives less, never more. */
static bool grant_parse(char *line, char *kind, size_t kind_size, char *who, size_t who_size,
			struct net_grant *g)
{
	char *save = NULL, *k, *v;
	bool have_bridge = false, have_subnet = false;

	memset(g, 0, sizeof(*g));
	k = strtok_r(line, " \t", &save);
	v = k ? strtok_r(NULL, " \t", &save) : NULL;
	if (!v || k[0] == '#' || snprintf(kind, kind_size, "%s", k) >= (int)kind_size ||
	    snprintf(who, who_size, "%s", v) >= (int)who_size)
		return false;
	while ((k = strtok_r(NULL, " \t", &save))) {
		char *end;
		unsigned long n;

		if (k[0] == '#')
			break;
		v = strtok_r(NULL, " \t", &save);
		if (!v)
			return false;
		if (strcmp(k, "bridge") == 0) {
			if (!net_valid_ifname(v))
				return false;
			snprintf(g->bridge, sizeof(g->bridge), "%s", v);
			have_bridge = true;
		} else if (strcmp(k, "subnet") == 0) {
			if (ipam_parse_cidr4(v, &g->subnet, &g->prefix) < 0)
				return false;
			have_subnet = true;
		} else if (strcmp(k, "subnet6") == 0) {
			if (ipam_parse_cidr6(v, &g->subnet6, &g->prefix6) < 0)
				return false;
			g->have_subnet6 = true;
		} else if (strcmp(k, "max") == 0) {
			errno = 0;
			n = strtoul(v, &end, 10);
			if (errno || *end || end == v || n == 0 || n > 1u << 22)
				return false;
			g->max = (unsigned)n;
		} else {
			return false;
		}
	}
	return have_bridge && have_subnet;
}

unsigned net_grant_max(const struct net_grant *g)
{
	/* The default: half of the addresses the subnet hands out (network,
	 * gateway and broadcast never are), so that one user alone cannot
	 * take a subnet granted to several. */
	unsigned usable = (1u << (32 - g->prefix)) - 3;

	if (g->max)
		return g->max;
	return usable / 2 ? usable / 2 : 1;
}

int net_grants_each(uid_t uid, gid_t gid, int (*fn)(const struct net_grant *g, void *data),
		    void *data)
{
	_cleanup_free_ char *text = NULL;
	_cleanup_close_ int fd = -1;
	struct passwd *pw;
	char *line, *save = NULL;
	size_t len;
	int r, n = 0;

	fd = open(NET_POLICY_FILE, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return -errno;
	r = vb_read_fd(fd, &text, &len);
	if (r < 0)
		return r;
	pw = getpwuid(uid);
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char kind[16], who[64];
		struct net_grant g;
		bool match;

		if (!grant_parse(line, kind, sizeof(kind), who, sizeof(who), &g))
			continue;
		if (strcmp(kind, "user") == 0)
			match = pw && strcmp(pw->pw_name, who) == 0;
		else if (strcmp(kind, "group") == 0)
			match = user_in_group(who, uid, gid);
		else
			continue;
		if (!match)
			continue;
		n++;
		r = fn(&g, data);
		if (r != 0)
			return r;
	}
	return n;
}

struct check {
	const struct vb_net_config *net;
	struct net_grant *ret;
	bool matched, ok; /* bridge and subnet matched; and IPv6 */
	struct net_grant first;
};

static bool inside6(const struct in6_addr *net, unsigned prefix, const struct in6_addr *outer,
		    unsigned outer_prefix)
{
	if (prefix < outer_prefix)
		return false;
	for (unsigned bit = 0; bit < outer_prefix; bit++) {
		unsigned m = 0x80u >> (bit % 8);

		if ((net->s6_addr[bit / 8] & m) != (outer->s6_addr[bit / 8] & m))
			return false;
	}
	return true;
}

static int check_one(const struct net_grant *g, void *data)
{
	struct check *c = data;
	const struct vb_net_config *net = c->net;

	if (strcmp(g->bridge, net->bridge) != 0 || g->subnet.s_addr != net->subnet.s_addr ||
	    g->prefix != net->prefix)
		return 0;
	if (!c->matched)
		c->first = *g;
	c->matched = true;
	if (net->ipv6 &&
	    (!g->have_subnet6 || !inside6(&net->subnet6, net->prefix6, &g->subnet6, g->prefix6)))
		return 0;
	*c->ret = *g;
	c->ok = true;
	return 1;
}

/* Setuid: only what /etc/voidbox/network.conf grants.  The sandbox's
 * bridge and subnet must both match one line; with --ipv6, its subnet6
 * must lie inside that line's subnet6.  *ret is the line that allowed it. */
int net_check_policy(const vb_config *cfg, const struct vb_net_config *net, struct net_grant *ret,
		     vb_error *err)
{
	struct check c = { .net = net, .ret = ret };
	char a6[INET6_ADDRSTRLEN];
	int r;

	if (net->mode == NET_MODE_NONE || net->mode == NET_MODE_PASTA)
		return 0;
	if (net->mode == NET_MODE_NS)
		return NET_ERR(err, 0, "--net ns:PATH is not allowed in setuid mode");
	for (size_t i = 0; i < net->n_publish; i++)
		if (net->publish[i].host_port < 1024)
			return NET_ERR(err, 0,
				       "--publish: host port %u is below 1024, not allowed "
				       "in setuid mode",
				       net->publish[i].host_port);
	r = net_grants_each(cfg->real_uid, cfg->real_gid, check_one, &c);
	if (r == -ENOMEM)
		return NET_ERR(err, ENOMEM, "Out of memory");
	if (r < 0)
		return NET_ERR(err, 0, "--net bridge in setuid mode needs a grant in %s",
			       NET_POLICY_FILE);
	if (c.ok)
		return 0;
	inet_ntop(AF_INET6, &net->subnet6, a6, sizeof(a6));
	if (c.matched && !c.first.have_subnet6)
		return NET_ERR(err, 0,
			       "--ipv6: the grant for bridge %s in %s allows no IPv6 "
			       "(a subnet6 on its line would)",
			       net->bridge, NET_POLICY_FILE);
	if (c.matched)
		return NET_ERR(err, 0, "--subnet6 %s/%u is not inside the subnet6 granted in %s",
			       a6, net->prefix6, NET_POLICY_FILE);
	return NET_ERR(err, 0,
		       "--net bridge:%s with subnet %s/%u is not granted to this user in %s",
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
struct net_priv net_priv_enter(const struct vb_sandbox *sb)
{
	struct net_priv p = { 0 };

	if (sb->setuid_net && geteuid() != 0) {
		if (setresuid((uid_t)-1, 0, (uid_t)-1) == 0) {
			(void)setresgid((gid_t)-1, 0, (gid_t)-1);
			p.kind = 2;
		}
	} else if (sb->privileged && geteuid() == 0) {
		p.kind = 1;
		p.fsuid = (uid_t)setfsuid(0);
		p.fsgid = (gid_t)setfsgid(0);
	}
	return p;
}

void net_priv_leave(const struct vb_sandbox *sb, struct net_priv p)
{
	const vb_config *cfg = sb->cfg;
	if (p.kind == 2) {
		if (setresgid((gid_t)-1, cfg->real_gid, (gid_t)-1) < 0 ||
		    setresuid((uid_t)-1, cfg->real_uid, (uid_t)-1) < 0)
			abort(); /* cannot fail with euid 0; never go on as root */
		(void)prctl(PR_SET_DUMPABLE, sb->nodump ? 0 : 1, 0, 0, 0);
	} else if (p.kind == 1) {
		(void)setfsgid(p.fsgid);
		(void)setfsuid(p.fsuid);
	}
	if (p.kind && cfg->die_with_parent && sb->forward_signals)
		(void)prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
}
