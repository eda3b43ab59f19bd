/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Several sandboxes from one process, through the public API: two --net
 * bridge sandboxes at once (two configurations, then one configuration
 * spawned twice), each keeping its network until it ends, and nothing of
 * either left after.  Run-time state lives on the sandbox, so one ending
 * must not take the other's socket, lease or veth with it.  As root, in a
 * network and mount namespace of its own (a private /run for the leases).
 * TAP on stdout. */
#include <dirent.h>
#include <errno.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include "voidbox.h"
#include "tap.h"

/* The host ends of sandboxes' veths ("vb" + 8 hex digits) here. */
static int count_veths_now(void)
{
	struct if_nameindex *ifs = if_nameindex(), *i;
	int n = 0;

	for (i = ifs; i && i->if_index; i++)
		if (strncmp(i->if_name, "vb", 2) == 0 && strlen(i->if_name) == 10)
			n++;
	if (ifs)
		if_freenameindex(ifs);
	return n;
}

/* A sandbox's veth goes with its network namespace, which the kernel
 * tears down after the sandbox has gone (vb does not wait for it): wait
 * up to 10 s for the count to come down to want. */
static int count_veths(int want)
{
	int n = count_veths_now();

	for (int i = 0; i < 1000 && n > want; i++) {
		usleep(10000);
		n = count_veths_now();
	}
	return n;
}

static int count_leases(void)
{
	DIR *d = opendir("/run/voidbox/net/vb0");
	struct dirent *de;
	int n = 0;

	if (!d)
		return 0;
	while ((de = readdir(d)))
		if (de->d_name[0] != '.' && strcmp(de->d_name, "lock") != 0)
			n++;
	closedir(d);
	return n;
}

static int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *de;
	int n = 0;

	if (!d)
		return -1;
	while ((de = readdir(d)))
		n += de->d_name[0] != '.';
	closedir(d);
	return n;
}

static vb_config *bridge_config(void)
{
	char *argv[] = { "sleep", "30", NULL };
	vb_error err = { 0 };
	vb_config *cfg = vb_config_new();

	if (!cfg || vb_config_add_op(cfg, VB_OP_RO_BIND, "/", "/", &err) < 0 ||
	    vb_config_net(cfg, "bridge", &err) < 0 || vb_config_net_no_nat(cfg, &err) < 0 ||
	    vb_config_unshare(cfg, VB_NS_PID, false, &err) < 0 ||
	    vb_config_set_command(cfg, 2, argv, &err) < 0) {
		printf("# config: %s\n", err.message);
		return vb_config_free(cfg);
	}
	return cfg;
}

static void end(vb_sandbox *sb)
{
	vb_exit ex;
	vb_error err = { 0 };

	(void)vb_sandbox_kill(sb, SIGKILL);
	(void)vb_sandbox_wait(sb, &ex, &err);
	(void)vb_sandbox_free(sb);
}

/* Two sandboxes at once, from cfg_a and cfg_b (the same one, or not). */
static void two_at_once(vb_config *cfg_a, vb_config *cfg_b, const char *what)
{
	vb_sandbox *a = NULL, *b = NULL;
	vb_error err = { 0 };
	int ra, rb, fds = count_fds();

	ra = vb_spawn(cfg_a, &a, &err);
	if (ra < 0)
		printf("# first: %s\n", err.message);
	rb = vb_spawn(cfg_b, &b, &err);
	if (rb < 0)
		printf("# second: %s\n", err.message);
	ok(ra == 0 && rb == 0 && count_veths(2) == 2 && count_leases() == 2,
	   "%s: both start, each with its veth and lease", what);
	if (ra == 0)
		end(a);
	ok(count_veths(rb == 0) == (rb == 0) && count_leases() == (rb == 0),
	   "%s: the first ends, the second keeps its veth and lease", what);
	if (rb == 0)
		end(b);
	ok(count_veths(0) == 0 && count_leases() == 0,
	   "%s: after both, no veth and no lease is left", what);
	ok(count_fds() == fds, "%s: and no fd of either is left open", what);
	if (count_veths_now() || count_leases())
		printf("# %d veths, %d leases\n", count_veths_now(), count_leases());
}

int main(void)
{
	vb_config *a, *b;

	if (getuid() != 0 || unshare(CLONE_NEWNET | CLONE_NEWNS) < 0 ||
	    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
	    mount("vbtest-run", "/run", "tmpfs", 0, "mode=0755") < 0 ||
	    system("ip link set lo up") != 0) {
		printf("1..1\nok 1 # SKIP needs root, namespaces and ip(8) (%s)\n",
		       strerror(errno));
		return 0;
	}
	a = bridge_config();
	b = bridge_config();
	if (!a || !b) {
		printf("1..1\nnot ok 1 - configurations\n");
		return 1;
	}
	two_at_once(a, b, "two configurations");
	two_at_once(a, a, "one configuration spawned twice");
	vb_config_free(a);
	vb_config_free(b);
	return tap_end();
}
