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

/* Setuid: only what /etc/voidbox/network.conf grants.  A line is
 *   user NAME|group NAME  bridge BRIDGE  subnet CIDR
 * and the sandbox's bridge and subnet must both match one line. */
int net_check_policy(const vb_config *cfg, const struct vb_net_config *net, vb_error *err)
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
			return NET_ERR(err, 0,
				       "--publish: host port %u is below 1024, not allowed "
				       "in setuid mode",
				       net->publish[i].host_port);
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
		if (sscanf(line, "%15s %63s %15s %16s %15s %63s", kind, who, kb, br, ks, cidr) !=
			    6 ||
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
		(void)prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
	} else if (p.kind == 1) {
		(void)setfsgid(p.fsgid);
		(void)setfsuid(p.fsuid);
	}
	if (p.kind && cfg->die_with_parent && sb->forward_signals)
		(void)prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
}
