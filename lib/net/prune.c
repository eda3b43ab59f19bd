/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* vb --net-prune: the bridges voidbox made, and their NAT, once idle. */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>

#include "fault.h"
#include "net/net.h"

/* Setuid mode: the bridges the caller's grants name. */
struct granted {
	char names[64][IFNAMSIZ];
	size_t n;
};

static int add_granted(const struct net_grant *g, void *data)
{
	struct granted *gr = data;

	if (gr->n < ARRAY_SIZE(gr->names))
		snprintf(gr->names[gr->n++], IFNAMSIZ, "%s", g->bridge);
	return 0;
}

static bool is_granted(const struct granted *gr, const char *name)
{
	for (size_t i = 0; i < gr->n; i++)
		if (strcmp(gr->names[i], name) == 0)
			return true;
	return false;
}

VB_EXPORT int vb_net_prune(vb_error *err)
{
	bool setuid = getuid() != 0 && geteuid() == 0;
	struct granted gr = { .n = 0 };
	_cleanup_close_ int dirfd = -1;
	DIR *d;
	struct dirent *de;
	char names[64][IFNAMSIZ];
	struct nl_sock nl = { 0 };
	size_t n = 0;
	int r;

	/* Root prunes everything idle; setuid, only the bridges the user's
	 * grants name (an idle bridge another grant shares is still idle:
	 * any of its users could start on it and find it made again); an
	 * ordinary user nothing at all, and is told so. */
	if (getuid() != 0 && !setuid)
		return NET_ERR(err, EPERM,
			       "--net-prune needs root (or vb installed setuid and a grant in %s)",
			       NET_POLICY_FILE);
	if (setuid) {
		r = net_grants_each(getuid(), getgid(), add_granted, &gr);
		if (r <= 0)
			return NET_ERR(err, 0, "--net-prune in setuid mode needs a grant in %s",
				       NET_POLICY_FILE);
	}
	dirfd = open(NET_RUN_DIR, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0)
		return errno == ENOENT ? 0 : NET_ERR(err, errno, "Can't open %s", NET_RUN_DIR);
	d = fdopendir(dup(dirfd));
	if (!d)
		return NET_ERR(err, errno, "Can't read %s", NET_RUN_DIR);
	while ((de = readdir(d)) && n < ARRAY_SIZE(names))
		if (de->d_name[0] != '.' && net_valid_ifname(de->d_name) &&
		    (!setuid || is_granted(&gr, de->d_name)))
			snprintf(names[n++], IFNAMSIZ, "%.15s", de->d_name);
	closedir(d);

	r = nl_open(&nl);
	if (r < 0)
		return NET_ERR(err, -r, "Can't open rtnetlink socket");
	for (size_t i = 0; i < n; i++) {
		bool busy = true;
		int lockfd = -1;
		char msg[256] = "";

		char kind[32] = "", alias[64] = "";

		/* Only a bridge vb made: never lo, a veth, someone's bridge,
		 * whatever directory a run left for its name. */
		r = rt_link_kind(&nl, names[i], kind, sizeof(kind), alias, sizeof(alias), msg,
				 sizeof(msg));
		if (r == 0 && (strcmp(kind, "bridge") != 0 || strcmp(alias, NET_BRIDGE_ALIAS) != 0))
			continue;
		r = ipam_busy(names[i], bridge_sweep_stale, &nl, &busy, &lockfd);
		if (r < 0 || busy) {
			if (lockfd >= 0)
				(void)close(lockfd);
			continue;
		}
		r = rt_link_del(&nl, names[i], msg, sizeof(msg));
		if (r < 0 && r != -ENODEV) {
			(void)close(lockfd);
			nl_close(&nl);
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
	nl_close(&nl);
	return 0;
}
