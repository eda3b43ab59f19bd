/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * --net bridge[:NAME]
 *   parent, before clone (bridge_prepare): lease an address (net/ipam.c),
 *     make sure the bridge exists with the gateway address and is up, the
 *     bridge's NAT rules (net/nat.c; checked with one nf_tables dump, made
 *     only when missing);
 *   parent, after clone (bridge_setup_parent): a veth pair whose peer is
 *     created straight inside the sandbox's namespace as eth0 (one batch
 *     with the host end's "up"), then --publish's DNAT;
 *   child (bridge_setup_child): lo, eth0, addresses and routes, one batch
 *     over a netlink socket opened in its own namespace.
 * Each object goes on sb->rb with its undo right where it is made; a lease
 * whose vb was killed is swept, with its veth and rules, at the next start.
 * Teardown leaves the veth to the kernel, which destroys it with the
 * namespace (see undo_veth).
 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/netlink.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/stat.h>

#include "fault.h"

#include "net/net.h"

/* ---- undo steps ------------------------------------------------------------ */

static void undo_close_nl(void *data)
{
	struct vb_net_state *st = data;

	nl_close(&st->host_nl);
}

static void undo_lease(void *data)
{
	struct vb_net_state *st = data;

	WITH_PRIV(st, ipam_release(st->lease_path));
	st->lease_path[0] = '\0';
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
	struct vb_net_state *st = data;
	const struct vb_sandbox *sb = st->sb;
	struct nl_batch b;
	char msg[128];

	if (st->host_nl.fd <= 0)
		return;
	nl_batch_init(&b);
	if (sb->exited && ((sb->ns & VB_NS_PID) || sb->reap_tree))
		return;
	if (sb->exited)
		(void)rt_put_link_flags(&b, 0, st->veth, false);
	else
		(void)rt_put_link_del(&b, st->veth);
	WITH_PRIV(st, (void)nl_batch_send(&st->host_nl, &b, NULL, msg, sizeof(msg)));
}

static void undo_nonat(void *data)
{
	struct vb_net_state *st = data;
	struct in6_addr a6 = st->addr6;

	WITH_PRIV(st, nat_nonat_del(st->net->bridge, st->addr, st->net->ipv6 ? &a6 : NULL));
}

static void undo_publish(void *data)
{
	struct vb_net_state *st = data;

	WITH_PRIV(st, nat_publish_del(st->tag));
}

static void undo_hold(void *data)
{
	struct vb_net_state *st = data;

	for (size_t i = 0; i < st->n_hold; i++)
		(void)close(st->hold_fd[i]);
	st->n_hold = 0;
}

/* A lease's note: what was made for it outside the sandbox, written
 * before it is made (see ipam_set_note). */
static void lease_note(const struct vb_net_state *st, char *buf, size_t size)
{
	const struct vb_net_config *net = st->net;
	char a6[INET6_ADDRSTRLEN] = "";
	size_t n = 0;

	buf[0] = '\0';
	if (st->setuid) /* kept: the per-user count reads it */
		n += (size_t)snprintf(buf + n, size - n, "uid=%u ", (unsigned)st->lease_uid);
	if (net->n_publish > 0)
		n += (size_t)snprintf(buf + n, size - n, "publish ");
	if (net->no_nat && n < size)
		n += (size_t)snprintf(buf + n, size - n, "nonat4 ");
	if (net->no_nat && net->ipv6 && n < size && inet_ntop(AF_INET6, &st->addr6, a6, sizeof(a6)))
		(void)snprintf(buf + n, size - n, "nonat6=%s ", a6);
}

/* A lease whose vb and sandbox are gone: remove what it named.  Its veth
 * went with the sandbox's namespace, or is on its way out: deleting it
 * now, by name, makes sure. */
void bridge_sweep_stale(const char *bridge, struct in_addr addr, const char *note, void *data)
{
	struct nl_sock *nl = data;
	char veth[IFNAMSIZ], tag[16], msg[64], word[INET6_ADDRSTRLEN + 8];
	struct in6_addr a6;
	bool have6 = false, nonat = false, publish = false;
	int off = 0, k;

	snprintf(tag, sizeof(tag), "%08x", ntohl(addr.s_addr));
	snprintf(veth, sizeof(veth), "vb%.8s", tag);
	if (nl && nl->fd > 0)
		(void)rt_link_del(nl, veth, msg, sizeof(msg));
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

static int read_long_sysctl(const char *path)
{
	char c = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	if (read(fd, &c, 1) != 1)
		c = 0;
	(void)close(fd);
	return c >= '0' && c <= '9' ? c - '0' : -1;
}

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

/* --publish takes a host port only where the host could have taken it
 * itself: an address of the host's (bind() says EADDRNOTAVAIL otherwise),
 * on a port that nothing on the host holds (EADDRINUSE; SO_REUSEADDR so
 * that connections in TIME_WAIT do not count, cleared once bound so that
 * nothing else can bind the port next to ours).  With keep, the sockets
 * stay bound for the sandbox's life: no process starts listening on a
 * port whose traffic goes to the sandbox. */
static int hold_one(struct vb_net_state *st, const struct net_publish *p, int family, bool keep,
		    vb_error *err)
{
	const char *proto = p->proto == IPPROTO_UDP ? "udp" : "tcp";
	struct sockaddr_in6 a6 = { .sin6_family = AF_INET6, .sin6_port = htons(p->host_port) };
	struct sockaddr_in a4 = { .sin_family = AF_INET, .sin_port = htons(p->host_port) };
	char h[INET6_ADDRSTRLEN] = "";
	int one = 1, zero = 0, fd, r = 0;

	if (p->host_family == family) {
		if (family == AF_INET)
			memcpy(&a4.sin_addr, &p->host_ip, 4);
		else
			a6.sin6_addr = p->host_ip;
		inet_ntop(family, family == AF_INET ? (void *)&a4.sin_addr : (void *)&a6.sin6_addr,
			  h, sizeof(h));
	}
	fd = socket(family, (p->proto == IPPROTO_UDP ? SOCK_DGRAM : SOCK_STREAM) | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return family == AF_INET6 && errno == EAFNOSUPPORT
			       ? 0
			       : NET_ERR(err, errno, "--publish: socket()");
	if (family == AF_INET6)
		(void)setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (vb_fault("net-publish-bind") < 0)
		errno = EIO, r = -1;
	else if (family == AF_INET)
		r = bind(fd, (struct sockaddr *)&a4, sizeof(a4));
	else
		r = bind(fd, (struct sockaddr *)&a6, sizeof(a6));
	if (r < 0) {
		int e = errno;

		(void)close(fd);
		if (e == EADDRNOTAVAIL)
			return NET_ERR(err, 0, "--publish: %s is not an address of this host", h);
		if (e == EADDRINUSE)
			return NET_ERR(err, 0, "--publish: host port %s%s%s%u/%s is already in use",
				       *h ? h : "", *h && family == AF_INET6 ? "]" : "",
				       *h ? ":" : "", p->host_port, proto);
		return NET_ERR(err, e, "--publish: Can't bind host port %u/%s", p->host_port,
			       proto);
	}
	(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &zero, sizeof(zero));
	if (!keep || st->n_hold >= ARRAY_SIZE(st->hold_fd)) {
		(void)close(fd);
		return 0;
	}
	st->hold_fd[st->n_hold++] = fd;
	return 0;
}

static int hold_ports(struct vb_net_state *st, bool keep, vb_error *err)
{
	const struct vb_net_config *net = st->net;
	int r = 0;

	for (size_t i = 0; i < net->n_publish && r == 0; i++) {
		const struct net_publish *p = &net->publish[i];

		if (p->host_family != AF_INET6)
			r = hold_one(st, p, AF_INET, keep, err);
		if (r == 0 && net->ipv6 && p->host_family != AF_INET)
			r = hold_one(st, p, AF_INET6, keep, err);
	}
	return r;
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

/* --net bridge:NAME names vb's bridge: one vb made (it carries
 * NET_BRIDGE_ALIAS), or none yet.  An existing link that is not (lo, a veth,
 * someone's bridge) is refused before anything is touched: vb would put an
 * address, NAT and guard rules on it.  A bridge without an alias whose
 * lease directory is there already is vb's too: made by an earlier
 * version, or by a vb that is setting the alias right now. */
static int bridge_check_own(struct vb_net_state *st, vb_error *err)
{
	const char *name = st->net->bridge;
	char kind[32] = "", alias[64] = "", msg[256] = "", dir[PATH_MAX];
	struct stat sb;
	int r;

	r = rt_link_kind(&st->host_nl, name, kind, sizeof(kind), alias, sizeof(alias), msg,
			 sizeof(msg));
	if (r == -ENODEV)
		return 0;
	if (r < 0)
		return NET_ERR(err, -r, "Can't find bridge %s%s%s", name, *msg ? ": " : "", msg);
	if (strcmp(kind, "bridge") != 0)
		return vb_err(err, VB_STAGE_NETWORK, -1, 0,
			      "--net bridge:%s: %s exists and is not a bridge (%s)", name, name,
			      *kind ? kind : "no link kind");
	if (strcmp(alias, NET_BRIDGE_ALIAS) == 0)
		return 0;
	snprintf(dir, sizeof(dir), "%s/%s", NET_RUN_DIR, name);
	if (!alias[0] && stat(dir, &sb) == 0)
		return 0;
	return vb_err(err, VB_STAGE_NETWORK, -1, 0,
		      "--net bridge:%s: %s is a bridge vb did not make (its alias is '%s', not "
		      "'%s')",
		      name, name, alias, NET_BRIDGE_ALIAS);
}

/* The bridge with its gateway addresses, up.  Most starts find it so: one
 * RTM_GETLINK, then one batch whose address requests answer EEXIST. */
static int ensure_bridge(struct vb_net_state *st, int *ret_index, bool *ret_created, vb_error *err)
{
	const struct vb_net_config *net = st->net;
	struct in_addr gw = ipam_gateway(net->subnet);
	struct in6_addr gw6 = ipam_gateway6(net->subnet6);
	struct nl_batch b;
	char msg[256] = "";
	unsigned flags = 0, failed = 0;
	int r, idx = 0;

	*ret_created = false;
	if (vb_fault("net-bridge") < 0)
		return NET_ERR(err, EIO, "Can't create bridge %s", net->bridge);
	r = rt_link_get(&st->host_nl, net->bridge, &idx, &flags, msg, sizeof(msg));
	if (r == -ENODEV) {
		r = rt_bridge_create(&st->host_nl, net->bridge, net->mtu, msg, sizeof(msg));
		/* EEXIST: a concurrent vb made it first. */
		if (r < 0 && r != -EEXIST)
			return NET_ERR(err, -r, "Can't create bridge %s%s%s", net->bridge,
				       *msg ? ": " : "", msg);
		*ret_created = r == 0;
		r = rt_link_get(&st->host_nl, net->bridge, &idx, &flags, msg, sizeof(msg));
	}
	if (r < 0)
		return NET_ERR(err, -r, "Can't find bridge %s", net->bridge);
	{
		/* vb's mark (bridge_check_own()): the kernel takes no alias
		 * at creation.  Also on a bridge of an earlier version. */
		char kind[32] = "", alias[64] = "";

		if (rt_link_kind(&st->host_nl, net->bridge, kind, sizeof(kind), alias,
				 sizeof(alias), msg, sizeof(msg)) == 0 &&
		    strcmp(alias, NET_BRIDGE_ALIAS) != 0)
			(void)rt_link_set_alias(&st->host_nl, idx, NET_BRIDGE_ALIAS, msg,
						sizeof(msg));
	}

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
	r = nl_batch_send(&st->host_nl, &b, &failed, msg, sizeof(msg));
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

int bridge_prepare(struct vb_net_state *st, vb_error *err)
{
	struct vb_sandbox *sb = st->sb;
	const vb_config *cfg = sb->cfg;
	const struct vb_net_config *net = st->net;
	bool created = false;
	int r;

	if (net->have_ip) {
		uint32_t mask = htonl(~0u << (32 - net->prefix));

		if ((net->ip.s_addr & mask) != net->subnet.s_addr)
			return vb_err(err, VB_STAGE_CONFIG, -1, 0,
				      "--ip %s is outside the subnet %s/%u", inet_ntoa(net->ip),
				      inet_ntop(AF_INET, &net->subnet, (char[INET_ADDRSTRLEN]){ 0 },
						INET_ADDRSTRLEN),
				      net->prefix);
	}

	/* Before anything is made: a port the host holds is refused. */
	r = hold_ports(st, false, err);
	if (r < 0)
		return r;

	r = vb_fault("net-netlink");
	if (r == 0)
		r = nl_open(&st->host_nl);
	if (r < 0)
		return NET_ERR(err, -r, "Can't open rtnetlink socket");
	r = vb_rollback_push(&sb->rb, undo_close_nl, st, false);
	if (r < 0)
		return NET_ERR(err, -r, "Out of memory");

	r = bridge_check_own(st, err);
	if (r < 0)
		return r;
	r = vb_fault("net-lease");
	if (r < 0)
		return NET_ERR(err, EIO, "Can't lease an address on %s", net->bridge);
	r = ipam_lease(net->bridge, net->subnet, net->prefix, net->have_ip ? &net->ip : NULL,
		       st->setuid ? &(struct ipam_user){ st->lease_uid, st->lease_max } : NULL,
		       bridge_sweep_stale, &st->host_nl, &st->addr, st->lease_path,
		       sizeof(st->lease_path), NULL, err);
	if (r < 0)
		return r;
	r = vb_rollback_push(&sb->rb, undo_lease, st, false);
	if (r < 0)
		return NET_ERR(err, -r, "Out of memory");
	snprintf(st->tag, sizeof(st->tag), "%08x", ntohl(st->addr.s_addr));
	snprintf(st->veth, sizeof(st->veth), "vb%.8s", st->tag);
	if (net->ipv6)
		st->addr6 = ipam_addr6(net->subnet6,
				       ntohl(st->addr.s_addr) - ntohl(net->subnet.s_addr));
	if (net->n_publish > 0 || net->no_nat || st->setuid) {
		/* Before any of it is made: a sweep of this lease after a
		 * kill -9 then knows what to remove. */
		char note[IPAM_NOTE_MAX];

		lease_note(st, note, sizeof(note));
		r = ipam_set_note(st->lease_path, note);
		if (r < 0)
			return NET_ERR(err, -r, "Can't write lease %s", st->lease_path);
	}

	r = ensure_bridge(st, &st->bridge_index, &created, err);
	if (r < 0)
		return r;

	r = vb_fault("net-forward");
	if (r == 0)
		r = enable_forwarding(cfg, "/proc/sys/net/ipv4/ip_forward", "net.ipv4.ip_forward");
	if (r == 0 && net->ipv6 && !st->setuid)
		r = enable_forwarding(cfg, "/proc/sys/net/ipv6/conf/all/forwarding",
				      "net.ipv6.conf.all.forwarding");
	else if (r == 0 && net->ipv6 &&
		 read_long_sysctl("/proc/sys/net/ipv6/conf/all/forwarding") == 0)
		/* Host-wide, and it turns off router advertisements on every
		 * interface: not a user's to switch. */
		vb_log(cfg, VB_LOG_WARNING,
		       "net.ipv6.conf.all.forwarding is 0, left so in setuid mode: the sandbox's "
		       "IPv6 reaches the host only");
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
				return NET_ERR(err, 0,
					       "NAT needs nftables, and voidbox was built "
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
			r = nat_nonat_add(net->bridge, st->addr, net->ipv6 ? &st->addr6 : NULL,
					  err);
		else
			r = NET_ERR(err, EIO, "Can't exempt the sandbox from NAT");
		if (r < 0)
			return r;
		r = vb_rollback_push(&sb->rb, undo_nonat, st, false);
		if (r < 0)
			return NET_ERR(err, -r, "Out of memory");
	}
	return 0;
}

/* veth create and host end up, one batch. */
static int veth_create(struct vb_net_state *st, int nsfd, unsigned *ret_failed, char *msg, size_t n)
{
	const struct vb_net_config *net = st->net;
	struct nl_batch b;
	int r;

	nl_batch_init(&b);
	r = rt_put_veth(&b, st->veth, "eth0", nsfd, NET_ETH0_INDEX, st->bridge_index, net->mtu,
			net->have_mac ? net->mac : NULL);
	if (r == 0)
		r = rt_put_link_flags(&b, 0, st->veth, true);
	if (r == 0)
		r = nl_batch_send(&st->host_nl, &b, ret_failed, msg, n);
	return r;
}

int bridge_setup_parent(struct vb_net_state *st, vb_error *err)
{
	struct vb_sandbox *sb = st->sb;
	const struct vb_net_config *net = st->net;
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
	r = vb_fault("net-veth");
	if (r == 0) {
		r = veth_create(st, nsfd, &failed, msg, sizeof(msg));
		if (r == -EEXIST && failed == 0) {
			/* Ours by name, as the address is ours: left by a
			 * sandbox whose namespace lives on (or is still being
			 * torn down).  Remove it, and again. */
			(void)rt_link_del(&st->host_nl, st->veth, NULL, 0);
			r = veth_create(st, nsfd, &failed, msg, sizeof(msg));
		}
	}
	if (r < 0 && failed == 1) {
		/* Made, but not up: undone like any veth. */
		int r2 = vb_rollback_push(&sb->rb, undo_veth, st, false);

		return NET_ERR(err, r2 < 0 ? -r2 : -r, "Can't bring %s up", st->veth);
	}
	if (r < 0)
		return NET_ERR(err, -r, "Can't create veth %s%s%s", st->veth, *msg ? ": " : "",
			       msg);
	r = vb_rollback_push(&sb->rb, undo_veth, st, false);
	if (r < 0)
		return NET_ERR(err, -r, "Out of memory");

	if (net->n_publish > 0) {
		r = vb_fault("net-publish");
		if (r < 0)
			return NET_ERR(err, EIO, "Can't publish ports");
		r = vb_rollback_push(&sb->rb, undo_hold, st, false);
		if (r < 0)
			return NET_ERR(err, -r, "Out of memory");
		r = hold_ports(st, true, err);
		if (r < 0)
			return r;
		/* A host client of 127.0.0.1:HOSTPORT is DNATed to the bridge
		 * with its loopback source (masqueraded in post-<bridge>). */
		r = set_sysctl(sb->cfg, net->bridge, "route_localnet");
		if (r < 0)
			return NET_ERR(err, -r, "Can't set net.ipv4.conf.%s.route_localnet",
				       net->bridge);
		r = nat_publish_add(st->tag, net->publish, net->n_publish, st->addr,
				    net->ipv6 ? &st->addr6 : NULL, err);
		if (r < 0) {
			/* A failed transaction leaves nothing, but a chain may
			 * exist from before: clear by name. */
			nat_publish_del(st->tag);
			return r;
		}
		r = vb_rollback_push(&sb->rb, undo_publish, st, false);
		if (r < 0)
			return NET_ERR(err, -r, "Out of memory");
	}
	/* The lease now also names the sandbox: it outlives a killed vb. */
	(void)ipam_set_owner(st->lease_path, sb->pid);
	return 0;
}

/* Child, in its own namespace: loopback, eth0's addresses, default routes,
 * in one batch over a socket opened here.  Stack buffers only: nothing
 * here allocates (the child is between clone and exec). */
int bridge_setup_child(const struct vb_net_state *st, vb_error *err)
{
	const struct vb_net_config *net = st->net;
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
	(void)rt_put_addr(&b, AF_INET, NET_ETH0_INDEX, &st->addr, net->prefix);
	if (net->ipv6) {
		what[b.n] = ADDR;
		(void)rt_put_addr(&b, AF_INET6, NET_ETH0_INDEX, &st->addr6, net->prefix6);
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

/* The supervision stream's "network" event: the sandbox's eth0 and what
 * it was given. */
void bridge_event(const struct vb_net_state *st)
{
	const struct vb_net_config *net = st->net;
	char a4[INET_ADDRSTRLEN + 4], a6[INET6_ADDRSTRLEN + 5], gw[INET_ADDRSTRLEN];
	const char *addrs[2];
	size_t n = 0;
	struct in_addr g = ipam_gateway(net->subnet);

	if (inet_ntop(AF_INET, &st->addr, a4, INET_ADDRSTRLEN)) {
		snprintf(a4 + strlen(a4), sizeof(a4) - strlen(a4), "/%u", net->prefix);
		addrs[n++] = a4;
	}
	if (net->ipv6 && inet_ntop(AF_INET6, &st->addr6, a6, INET6_ADDRSTRLEN)) {
		snprintf(a6 + strlen(a6), sizeof(a6) - strlen(a6), "/%u", net->prefix6);
		addrs[n++] = a6;
	}
	if (!inet_ntop(AF_INET, &g, gw, sizeof(gw)))
		gw[0] = '\0';
	sup_event_network(st->sb, "eth0", addrs, n, gw);
}
