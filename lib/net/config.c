/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* --net and its options: the setters and their parsers, and what the engine
 * asks of the configuration before clone (net_required_ns, net_needs_root). */
#include <arpa/inet.h>
#include <stdio.h>

#include "fault.h"
#include "net/net.h"

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
	cfg->net = net;
	return net;
}

/* How every setter starts (bwrap's per-option checks).  The module state is
 * made (NET_GET) only once the value parsed, and written only then, so that
 * a refused call changes nothing: a cfg->net of its own would already
 * change the sandbox (no loopback of its own with --unshare-net). */
#define NET_BEGIN(cfg, err)                                      \
	do {                                                     \
		int _p;                                          \
		if (!(cfg))                                      \
			return CFG_ERR(err, "invalid argument"); \
		_p = vb_config_option_end(cfg, err);             \
		if (_p < 0)                                      \
			return _p;                               \
	} while (0)
#define NET_GET(cfg, err)                                                                 \
	({                                                                                \
		struct vb_net_config *_n = net_get(cfg);                                  \
		if (!_n)                                                                  \
			return vb_err(err, VB_STAGE_CONFIG, -1, ENOMEM, "Out of memory"); \
		_n;                                                                       \
	})

bool net_valid_ifname(const char *s)
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
	const char *bridge = NULL;
	char *ns_path = NULL;
	int mode;

	if (!cfg || !spec)
		return CFG_ERR(err, "--net takes an argument");
	NET_BEGIN(cfg, err);
	if (strcmp(spec, "none") == 0) {
		mode = NET_MODE_NONE;
	} else if (strcmp(spec, "pasta") == 0) {
		mode = NET_MODE_PASTA;
	} else if (strcmp(spec, "bridge") == 0 || strncmp(spec, "bridge:", 7) == 0) {
		bridge = spec[6] ? spec + 7 : NET_DEFAULT_BRIDGE;
		if (!net_valid_ifname(bridge))
			return CFG_ERR(err, "--net bridge:%s: not a valid bridge name", bridge);
		mode = NET_MODE_BRIDGE;
	} else if (strncmp(spec, "ns:", 3) == 0 && spec[3]) {
		if (strlen(spec + 3) >= PATH_MAX)
			return CFG_ERR(err, "--net %s: path too long", spec);
		ns_path = strdup(spec + 3);
		if (!ns_path)
			return vb_err(err, VB_STAGE_CONFIG, -1, ENOMEM, "Out of memory");
		mode = NET_MODE_NS;
	} else {
		return CFG_ERR(err, "--net %s: expected none, bridge[:NAME], pasta or ns:PATH",
			       spec);
	}
	net = net_get(cfg);
	if (!net) {
		free(ns_path);
		return vb_err(err, VB_STAGE_CONFIG, -1, ENOMEM, "Out of memory");
	}
	free(net->ns_path);
	net->ns_path = ns_path;
	net->mode = mode;
	if (bridge)
		snprintf(net->bridge, sizeof(net->bridge), "%s", bridge);
	return 0;
}

VB_EXPORT int vb_config_net_subnet(vb_config *cfg, const char *cidr, vb_error *err)
{
	struct vb_net_config *net;
	struct in_addr subnet;
	unsigned prefix;

	NET_BEGIN(cfg, err);
	if (ipam_parse_cidr4(cidr, &subnet, &prefix) < 0)
		return CFG_ERR(err,
			       "--subnet %s: expected an IPv4 network such as 10.88.0.0/16 "
			       "(prefix 8 to 30, no host bits)",
			       cidr ? cidr : "");
	net = NET_GET(cfg, err);
	net->subnet = subnet;
	net->prefix = prefix;
	return 0;
}

VB_EXPORT int vb_config_net_ip(vb_config *cfg, const char *addr, vb_error *err)
{
	struct vb_net_config *net;
	struct in_addr ip;

	NET_BEGIN(cfg, err);
	if (!addr || inet_pton(AF_INET, addr, &ip) != 1)
		return CFG_ERR(err, "--ip %s: not an IPv4 address", addr ? addr : "");
	net = NET_GET(cfg, err);
	net->ip = ip;
	net->have_ip = true;
	return 0;
}

VB_EXPORT int vb_config_net_mac(vb_config *cfg, const char *mac, vb_error *err)
{
	struct vb_net_config *net;
	unsigned b[6];
	char tail;

	NET_BEGIN(cfg, err);
	if (!mac ||
	    sscanf(mac, "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5],
		   &tail) != 6 ||
	    strlen(mac) != 17)
		return CFG_ERR(err, "--mac %s: expected six hex bytes such as 02:42:ac:11:00:02",
			       mac ? mac : "");
	if (b[0] & 1)
		return CFG_ERR(err, "--mac %s: a multicast address", mac);
	if (!(b[0] | b[1] | b[2] | b[3] | b[4] | b[5]))
		return CFG_ERR(err, "--mac %s: the zero address", mac);
	net = NET_GET(cfg, err);
	for (int i = 0; i < 6; i++)
		net->mac[i] = (uint8_t)b[i];
	net->have_mac = true;
	return 0;
}

VB_EXPORT int vb_config_net_mtu(vb_config *cfg, unsigned mtu, vb_error *err)
{
	NET_BEGIN(cfg, err);
	if (mtu < 576 || mtu > 65535)
		return CFG_ERR(err, "--mtu %u: expected 576 to 65535", mtu);
	NET_GET(cfg, err)->mtu = mtu;
	return 0;
}

VB_EXPORT int vb_config_net_no_nat(vb_config *cfg, vb_error *err)
{
	NET_BEGIN(cfg, err);
	NET_GET(cfg, err)->no_nat = true;
	return 0;
}

VB_EXPORT int vb_config_net_ipv6(vb_config *cfg, vb_error *err)
{
	NET_BEGIN(cfg, err);
	NET_GET(cfg, err)->ipv6 = true;
	return 0;
}

VB_EXPORT int vb_config_net_subnet6(vb_config *cfg, const char *cidr, vb_error *err)
{
	struct vb_net_config *net;
	struct in6_addr subnet6;
	unsigned prefix6;

	NET_BEGIN(cfg, err);
	if (ipam_parse_cidr6(cidr, &subnet6, &prefix6) < 0)
		return CFG_ERR(err,
			       "--subnet6 %s: expected an IPv6 network such as fd00:1::/64 "
			       "(prefix 8 to 96, no host bits)",
			       cidr ? cidr : "");
	net = NET_GET(cfg, err);
	net->subnet6 = subnet6;
	net->prefix6 = prefix6;
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

		if (!close || close > last || close[1] != ':' ||
		    (size_t)(close - s - 1) >= sizeof(host))
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
	struct vb_net_config *net;
	struct net_publish p;

	NET_BEGIN(cfg, err);
	if (net_parse_publish(spec, &p) < 0)
		return CFG_ERR(err, "--publish %s: expected [HOSTIP:]HOSTPORT:PORT[/tcp|/udp]",
			       spec ? spec : "");
	net = NET_GET(cfg, err);
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
	struct vb_net_config *net;
	struct in6_addr a;

	NET_BEGIN(cfg, err);
	if (!addr || (inet_pton(AF_INET, addr, &a) != 1 && inet_pton(AF_INET6, addr, &a) != 1))
		return CFG_ERR(err, "--dns %s: not an IP address", addr ? addr : "");
	net = NET_GET(cfg, err);
	if (net->n_dns >= NET_MAX_DNS)
		return CFG_ERR(err, "--dns: at most %d", NET_MAX_DNS);
	snprintf(net->dns[net->n_dns++], INET6_ADDRSTRLEN, "%s", addr);
	return 0;
}

void net_config_free(struct vb_net_config *net)
{
	if (!net)
		return;
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

bool net_needs_root(const vb_config *cfg)
{
	return cfg->net && cfg->net->mode == NET_MODE_BRIDGE;
}
