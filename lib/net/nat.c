/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * NAT and port publishing through libnftables, in one table, inet voidbox:
 *
 *   post-<bridge>   nat/postrouting: masquerade the bridge's subnet when it
 *                   leaves through another interface, except addresses in
 *                   the sets nonat4-<bridge>/nonat6-<bridge> (--no-nat);
 *                   and connections from 127.0.0.0/8 to the bridge (a
 *                   host client of 127.0.0.1:HOSTPORT, DNATed in out-<tag>)
 *   guard-<bridge>  filter/prerouting, before conntrack: drop what comes in
 *                   on the bridge for 127.0.0.0/8, which route_localnet on
 *                   the bridge (needed for the above) would otherwise let a
 *                   sandbox reach on the host
 *   pre-<tag>       nat/prerouting and nat/output, one pair per sandbox
 *   out-<tag>       with --publish: DNAT of the host ports to the sandbox
 *
 * The bridge's rules carry comments ("vb:nat4 <bridge> <subnet>;" ...)
 * that nat_bridge_markers() lists: a start checks for them with one
 * nf_tables dump (nft_rules_present) instead of running libnftables.
 *
 * <tag> is the sandbox's IPv4 address in hex, the same as its veth's name,
 * so the stale-lease sweep can find both from the lease alone.  Every
 * change is one nft transaction: it applies whole or not at all.
 */
#include <arpa/inet.h>
#include <stdio.h>

#include "net/net.h"

#ifdef HAVE_NFTABLES
#include <dlfcn.h>
#include <sys/auxv.h>
#include <nftables/libnftables.h>

/* libnftables drags in libnftnl, libxtables, libjansson and libgmp: linked
 * into vb they cost every start its loading time and most of its peak RSS,
 * for NAT and --publish that few sandboxes use.  So it is opened on first
 * use; the header still gives the types. */
static struct {
	bool tried;
	void *handle;
	struct nft_ctx *(*ctx_new)(uint32_t flags);
	void (*ctx_free)(struct nft_ctx *ctx);
	int (*buffer_output)(struct nft_ctx *ctx);
	int (*buffer_error)(struct nft_ctx *ctx);
	const char *(*get_output)(struct nft_ctx *ctx);
	const char *(*get_error)(struct nft_ctx *ctx);
	int (*run)(struct nft_ctx *ctx, const char *buf);
} nft;

static bool nft_load(void)
{
	if (nft.tried)
		return nft.handle != NULL;
	nft.tried = true;
	nft.handle = dlopen("libnftables.so.1", RTLD_NOW | RTLD_LOCAL);
	if (!nft.handle)
		return false;
#define SYM(field, name)                                       \
	if (!(*(void **)&nft.field = dlsym(nft.handle, name))) \
	goto fail
	SYM(ctx_new, "nft_ctx_new");
	SYM(ctx_free, "nft_ctx_free");
	SYM(buffer_output, "nft_ctx_buffer_output");
	SYM(buffer_error, "nft_ctx_buffer_error");
	SYM(get_output, "nft_ctx_get_output_buffer");
	SYM(get_error, "nft_ctx_get_error_buffer");
	SYM(run, "nft_run_cmd_from_buffer");
#undef SYM
	return true;
fail:
	dlclose(nft.handle);
	nft.handle = NULL;
	return false;
}
#define nft_ctx_new(flags) (nft_load() ? nft.ctx_new(flags) : NULL)
#define nft_ctx_free(ctx) nft.ctx_free(ctx)
#define nft_ctx_buffer_output(ctx) nft.buffer_output(ctx)
#define nft_ctx_buffer_error(ctx) nft.buffer_error(ctx)
#define nft_ctx_get_output_buffer(ctx) nft.get_output(ctx)
#define nft_ctx_get_error_buffer(ctx) nft.get_error(ctx)
#define nft_run_cmd_from_buffer(ctx, buf) nft.run(ctx, buf)

/* libnftables and the libraries it loads (libxtables: XTABLES_LIBDIR and
 * IPTABLES_LIB_DIR name a directory to dlopen() extensions from) read the
 * environment, and run as root here.  Started setuid (AT_SECURE), the
 * environment is the user's: each call into them sees an empty one. */
extern char **environ;
static char **env_enter(void)
{
	static char *empty[] = { NULL };
	char **saved = environ;

	if (getauxval(AT_SECURE))
		environ = empty;
	return saved;
}
static void env_leave(char **saved)
{
	environ = saved;
}

bool nat_available(void)
{
	char **env = env_enter(); /* the libraries' constructors run here */
	bool ok = nft_load();

	env_leave(env);
	return ok;
}

/* libnftables initialises libxtables, whose xtables_init() _exit(111)s
 * when the real and effective uids differ: in setuid mode the real uid is
 * root's for as long as the context is made, then the user's again (and
 * the environment is empty, see env_enter). */
static struct nft_ctx *ctx_new(void)
{
	uid_t ruid = getuid();
	struct nft_ctx *ctx;
	char **env;

	if (ruid != 0 && geteuid() == 0 && setresuid(0, (uid_t)-1, (uid_t)-1) < 0)
		return NULL;
	env = env_enter();
	ctx = nft_ctx_new(NFT_CTX_DEFAULT);
	env_leave(env);
	if (ruid != 0 && geteuid() == 0 && setresuid(ruid, (uid_t)-1, (uid_t)-1) < 0)
		abort(); /* cannot fail with euid 0; never go on with ruid 0 */
	return ctx;
}

/* Runs one batch; on failure the first line of nft's message goes to err. */
static int nft_run(const char *cmds, vb_error *err, const char *what)
{
	struct nft_ctx *ctx = ctx_new();
	int r;

	if (!ctx)
		return err ? vb_err(err, VB_STAGE_NETWORK, -1, ENOMEM, "%s", what) : -ENOMEM;
	char **env;

	(void)nft_ctx_buffer_output(ctx);
	(void)nft_ctx_buffer_error(ctx);
	env = env_enter();
	r = nft_run_cmd_from_buffer(ctx, cmds);
	env_leave(env);
	if (r != 0 && err) {
		const char *e = nft_ctx_get_error_buffer(ctx);
		size_t n = e ? strcspn(e, "\n") : 0;

		r = vb_err(err, VB_STAGE_NETWORK, -1, 0, "%s: nftables: %.*s", what,
			   (int)(n > 300 ? 300 : n), n ? e : "failed");
	} else if (r != 0) {
		r = -EIO;
	}
	nft_ctx_free(ctx);
	return r;
}

size_t nat_bridge_markers(const char *bridge, struct in_addr net, unsigned prefix,
			  const struct in6_addr *net6, unsigned prefix6, char (*m)[NAT_MARKER_MAX])
{
	char n4[INET_ADDRSTRLEN], n6[INET6_ADDRSTRLEN];
	size_t n = 0;

	inet_ntop(AF_INET, &net, n4, sizeof(n4));
	snprintf(m[n++], NAT_MARKER_MAX, "vb:nat4 %s %s/%u;", bridge, n4, prefix);
	snprintf(m[n++], NAT_MARKER_MAX, "vb:lo4 %s;", bridge);
	snprintf(m[n++], NAT_MARKER_MAX, "vb:guard4 %s;", bridge);
	if (net6) {
		inet_ntop(AF_INET6, net6, n6, sizeof(n6));
		snprintf(m[n++], NAT_MARKER_MAX, "vb:nat6 %s %s/%u;", bridge, n6, prefix6);
	}
	return n;
}

int nat_bridge_setup(const char *bridge, struct in_addr net, unsigned prefix,
		     const struct in6_addr *net6, unsigned prefix6, vb_error *err)
{
	char buf[4096], n4[INET_ADDRSTRLEN], n6[INET6_ADDRSTRLEN];
	char m[NAT_MAX_MARKERS][NAT_MARKER_MAX];
	int len;

	(void)nat_bridge_markers(bridge, net, prefix, net6, prefix6, m);
	inet_ntop(AF_INET, &net, n4, sizeof(n4));
	len = snprintf(buf, sizeof(buf),
		       "add table inet " NET_NFT_TABLE "\n"
		       "add set inet " NET_NFT_TABLE " nonat4-%1$s { type ipv4_addr; }\n"
		       "add set inet " NET_NFT_TABLE " nonat6-%1$s { type ipv6_addr; }\n"
		       "add chain inet " NET_NFT_TABLE " post-%1$s "
		       "{ type nat hook postrouting priority srcnat; policy accept; }\n"
		       "flush chain inet " NET_NFT_TABLE " post-%1$s\n"
		       "add rule inet " NET_NFT_TABLE " post-%1$s ip saddr %2$s/%3$u "
		       "ip saddr != @nonat4-%1$s oifname != \"%1$s\" masquerade comment \"%4$s\"\n"
		       "add rule inet " NET_NFT_TABLE " post-%1$s oifname \"%1$s\" "
		       "ip saddr 127.0.0.0/8 masquerade comment \"%5$s\"\n"
		       "add chain inet " NET_NFT_TABLE " guard-%1$s "
		       "{ type filter hook prerouting priority raw; policy accept; }\n"
		       "flush chain inet " NET_NFT_TABLE " guard-%1$s\n"
		       "add rule inet " NET_NFT_TABLE " guard-%1$s iifname \"%1$s\" "
		       "ip daddr 127.0.0.0/8 drop comment \"%6$s\"\n",
		       bridge, n4, prefix, m[0], m[1], m[2]);
	if (net6 && len > 0 && (size_t)len < sizeof(buf)) {
		inet_ntop(AF_INET6, net6, n6, sizeof(n6));
		len += snprintf(buf + len, sizeof(buf) - (size_t)len,
				"add rule inet " NET_NFT_TABLE " post-%1$s ip6 saddr %2$s/%3$u "
				"ip6 saddr != @nonat6-%1$s oifname != \"%1$s\" masquerade "
				"comment \"%4$s\"\n",
				bridge, n6, prefix6, m[3]);
	}
	if (len < 0 || (size_t)len >= sizeof(buf))
		return vb_err(err, VB_STAGE_NETWORK, -1, ENAMETOOLONG, "nftables rules");
	return nft_run(buf, err, "Can't set up NAT");
}

int nat_bridge_remove(const char *bridge, vb_error *err)
{
	char buf[1024];

	/* Each object on its own: a missing one must not keep the rest. */
	snprintf(buf, sizeof(buf), "delete chain inet " NET_NFT_TABLE " post-%s\n", bridge);
	(void)nft_run(buf, NULL, NULL);
	snprintf(buf, sizeof(buf), "delete chain inet " NET_NFT_TABLE " guard-%s\n", bridge);
	(void)nft_run(buf, NULL, NULL);
	snprintf(buf, sizeof(buf), "delete set inet " NET_NFT_TABLE " nonat4-%s\n", bridge);
	(void)nft_run(buf, NULL, NULL);
	snprintf(buf, sizeof(buf), "delete set inet " NET_NFT_TABLE " nonat6-%s\n", bridge);
	(void)nft_run(buf, NULL, NULL);
	/* The table goes when nothing of any bridge is left in it. */
	{
		struct nft_ctx *ctx = ctx_new();
		bool empty = false;

		if (!ctx)
			return 0;
		(void)nft_ctx_buffer_output(ctx);
		(void)nft_ctx_buffer_error(ctx);
		char **env = env_enter();
		int lr = nft_run_cmd_from_buffer(ctx, "list table inet " NET_NFT_TABLE "\n");

		env_leave(env);
		if (lr == 0) {
			const char *out = nft_ctx_get_output_buffer(ctx);

			empty = out && !strstr(out, "chain ") && !strstr(out, "set ");
		}
		nft_ctx_free(ctx);
		if (empty)
			(void)nft_run("delete table inet " NET_NFT_TABLE "\n", NULL, NULL);
	}
	return 0;
}

int nat_nonat_add(const char *bridge, struct in_addr addr, const struct in6_addr *addr6,
		  vb_error *err)
{
	char buf[512], a4[INET_ADDRSTRLEN], a6[INET6_ADDRSTRLEN];
	int len;

	inet_ntop(AF_INET, &addr, a4, sizeof(a4));
	len = snprintf(buf, sizeof(buf), "add element inet " NET_NFT_TABLE " nonat4-%s { %s }\n",
		       bridge, a4);
	if (addr6) {
		inet_ntop(AF_INET6, addr6, a6, sizeof(a6));
		snprintf(buf + len, sizeof(buf) - (size_t)len,
			 "add element inet " NET_NFT_TABLE " nonat6-%s { %s }\n", bridge, a6);
	}
	return nft_run(buf, err, "Can't exempt the sandbox from NAT");
}

void nat_nonat_del(const char *bridge, struct in_addr addr, const struct in6_addr *addr6)
{
	char buf[512], a4[INET_ADDRSTRLEN], a6[INET6_ADDRSTRLEN];

	inet_ntop(AF_INET, &addr, a4, sizeof(a4));
	snprintf(buf, sizeof(buf), "delete element inet " NET_NFT_TABLE " nonat4-%s { %s }\n",
		 bridge, a4);
	(void)nft_run(buf, NULL, NULL);
	if (addr6) {
		inet_ntop(AF_INET6, addr6, a6, sizeof(a6));
		snprintf(buf, sizeof(buf),
			 "delete element inet " NET_NFT_TABLE " nonat6-%s { %s }\n", bridge, a6);
		(void)nft_run(buf, NULL, NULL);
	}
}

/* One DNAT rule for one family into both chains. */
static int put_dnat(char *buf, size_t size, size_t *len, const char *tag,
		    const struct net_publish *p, int family, const char *to)
{
	const char *proto = p->proto == IPPROTO_UDP ? "udp" : "tcp";
	char match[INET6_ADDRSTRLEN + 32];
	const char *fam = family == AF_INET ? "ip" : "ip6";

	if (p->host_family) {
		char h[INET6_ADDRSTRLEN];

		if (p->host_family != family)
			return 0;
		inet_ntop(family, &p->host_ip, h, sizeof(h));
		/* And only while it is the host's own: never a connection
		 * to some other machine's address. */
		snprintf(match, sizeof(match), "%s daddr %s fib daddr type local", fam, h);
	} else if (family == AF_INET) {
		/* Any of the host's own addresses, as Docker's ADDRTYPE LOCAL;
		 * 127.0.0.1 included (see post-<bridge> and guard-<bridge>). */
		snprintf(match, sizeof(match), "meta nfproto ipv4 fib daddr type local");
	} else {
		/* ::1 cannot be routed to another interface at all: a client
		 * of [::1]:HOSTPORT gets a refusal, not a black hole. */
		snprintf(match, sizeof(match),
			 "meta nfproto ipv6 fib daddr type local ip6 daddr != ::1");
	}
	for (int chain = 0; chain < 2; chain++) {
		int n = snprintf(buf + *len, size - *len,
				 "add rule inet " NET_NFT_TABLE
				 " %s-%s %s %s dport %u dnat %s to %s%s%s:%u\n",
				 chain ? "out" : "pre", tag, match, proto, p->host_port, fam,
				 family == AF_INET6 ? "[" : "", to, family == AF_INET6 ? "]" : "",
				 p->port);

		if (n < 0 || (size_t)n >= size - *len)
			return -ENOSPC;
		*len += (size_t)n;
	}
	return 0;
}

int nat_publish_add(const char *tag, const struct net_publish *p, size_t n, struct in_addr addr,
		    const struct in6_addr *addr6, vb_error *err)
{
	char a4[INET_ADDRSTRLEN], a6[INET6_ADDRSTRLEN];
	_cleanup_free_ char *buf = NULL;
	size_t size = 1024 + n * 512, len = 0;
	int r;

	buf = malloc(size);
	if (!buf)
		return vb_err(err, VB_STAGE_NETWORK, -1, ENOMEM, "Out of memory");
	inet_ntop(AF_INET, &addr, a4, sizeof(a4));
	if (addr6)
		inet_ntop(AF_INET6, addr6, a6, sizeof(a6));
	len = (size_t)snprintf(buf, size,
			       "add table inet " NET_NFT_TABLE "\n"
			       "add chain inet " NET_NFT_TABLE " pre-%1$s "
			       "{ type nat hook prerouting priority dstnat; policy accept; }\n"
			       "add chain inet " NET_NFT_TABLE " out-%1$s "
			       "{ type nat hook output priority -100; policy accept; }\n",
			       tag);
	for (size_t i = 0; i < n; i++) {
		r = put_dnat(buf, size, &len, tag, &p[i], AF_INET, a4);
		if (r == 0 && addr6)
			r = put_dnat(buf, size, &len, tag, &p[i], AF_INET6, a6);
		if (r < 0)
			return vb_err(err, VB_STAGE_NETWORK, -1, -r, "--publish: too many rules");
	}
	return nft_run(buf, err, "Can't publish ports");
}

void nat_publish_del(const char *tag)
{
	char buf[512];

	snprintf(buf, sizeof(buf),
		 "flush chain inet " NET_NFT_TABLE " pre-%1$s\n"
		 "delete chain inet " NET_NFT_TABLE " pre-%1$s\n"
		 "flush chain inet " NET_NFT_TABLE " out-%1$s\n"
		 "delete chain inet " NET_NFT_TABLE " out-%1$s\n",
		 tag);
	if (nft_run(buf, NULL, NULL) != 0) {
		/* Half there (a sweep after a crash mid-setup): one by one. */
		snprintf(buf, sizeof(buf),
			 "flush chain inet " NET_NFT_TABLE " pre-%1$s\n"
			 "delete chain inet " NET_NFT_TABLE " pre-%1$s\n",
			 tag);
		(void)nft_run(buf, NULL, NULL);
		snprintf(buf, sizeof(buf),
			 "flush chain inet " NET_NFT_TABLE " out-%1$s\n"
			 "delete chain inet " NET_NFT_TABLE " out-%1$s\n",
			 tag);
		(void)nft_run(buf, NULL, NULL);
	}
}

#else /* !HAVE_NFTABLES */

bool nat_available(void)
{
	return false;
}

size_t nat_bridge_markers(const char *bridge, struct in_addr net, unsigned prefix,
			  const struct in6_addr *net6, unsigned prefix6, char (*m)[NAT_MARKER_MAX])
{
	return 0;
}

int nat_bridge_setup(const char *bridge, struct in_addr net, unsigned prefix,
		     const struct in6_addr *net6, unsigned prefix6, vb_error *err)
{
	return vb_err(
		err, VB_STAGE_NETWORK, -1, 0,
		"NAT needs nftables, and voidbox was built without libnftables (use --no-nat)");
}
int nat_bridge_remove(const char *bridge, vb_error *err)
{
	return 0;
}
int nat_nonat_add(const char *bridge, struct in_addr addr, const struct in6_addr *addr6,
		  vb_error *err)
{
	return 0;
}
void nat_nonat_del(const char *bridge, struct in_addr addr, const struct in6_addr *addr6) {}
int nat_publish_add(const char *tag, const struct net_publish *p, size_t n, struct in_addr addr,
		    const struct in6_addr *addr6, vb_error *err)
{
	return vb_err(err, VB_STAGE_NETWORK, -1, 0,
		      "--publish needs nftables, and voidbox was built without libnftables");
}
void nat_publish_del(const char *tag) {}
#endif
