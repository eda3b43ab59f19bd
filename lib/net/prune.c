/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* vb --net-prune: the bridges voidbox made, and their NAT, once idle. */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>

#include "fault.h"
#include "net/net.h"

VB_EXPORT int vb_net_prune(vb_error *err)
{
	_cleanup_close_ int dirfd = -1;
	DIR *d;
	struct dirent *de;
	char names[64][IFNAMSIZ];
	struct nl_sock nl = { 0 };
	size_t n = 0;
	int r;

	dirfd = open(NET_RUN_DIR, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0)
		return errno == ENOENT ? 0 : NET_ERR(err, errno, "Can't open %s", NET_RUN_DIR);
	d = fdopendir(dup(dirfd));
	if (!d)
		return NET_ERR(err, errno, "Can't read %s", NET_RUN_DIR);
	while ((de = readdir(d)) && n < ARRAY_SIZE(names))
		if (de->d_name[0] != '.' && net_valid_ifname(de->d_name))
			snprintf(names[n++], IFNAMSIZ, "%.15s", de->d_name);
	closedir(d);

	r = nl_open(&nl);
	if (r < 0)
		return NET_ERR(err, -r, "Can't open rtnetlink socket");
	for (size_t i = 0; i < n; i++) {
		bool busy = true;
		int lockfd = -1;
		char msg[256] = "";

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
