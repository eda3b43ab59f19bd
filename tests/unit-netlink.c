/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Unit tests for the network module: the netlink reply parser fed good,
 * malformed and truncated messages; the parsers of --publish, --subnet and
 * resolv.conf; and, as root, rtnetlink requests and IPAM leases inside a
 * network and mount namespace of the test's own (nothing on the host).
 * TAP on stdout. */
#include <arpa/inet.h>
#include <fcntl.h>
#include <libmnl/libmnl.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <sched.h>
#include <stdio.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "net/net.h"
#include "tap.h"

/* ---- message builders ------------------------------------------------------ */

#define SEQ 77
#define PORT 4242

static uint8_t buf[8192];
static size_t len;

static struct nlmsghdr *put(uint16_t type, uint16_t flags, uint32_t seq)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf + len);

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = flags;
	nlh->nlmsg_seq = seq;
	nlh->nlmsg_pid = PORT;
	return nlh;
}

static void done(struct nlmsghdr *nlh)
{
	len += MNL_ALIGN(nlh->nlmsg_len);
}

static void put_ack(int error, const char *text, bool capped)
{
	struct nlmsghdr *nlh = put(NLMSG_ERROR, 0, SEQ);
	struct nlmsgerr *e = mnl_nlmsg_put_extra_header(nlh, sizeof(*e));

	e->error = error;
	e->msg.nlmsg_len = sizeof(struct nlmsghdr);
	e->msg.nlmsg_seq = SEQ;
	if (!capped) {
		/* The echoed request: a header and 8 bytes of payload. */
		e->msg.nlmsg_len = sizeof(struct nlmsghdr) + 8;
		memset(mnl_nlmsg_put_extra_header(nlh, 8), 0xab, 8);
	} else {
		nlh->nlmsg_flags |= NLM_F_CAPPED;
	}
	if (text) {
		nlh->nlmsg_flags |= NLM_F_ACK_TLVS;
		mnl_attr_put_u32(nlh, 99, 1); /* an attribute nobody knows */
		mnl_attr_put_strz(nlh, NLMSGERR_ATTR_MSG, text);
	}
	done(nlh);
}

static int n_cb;
static int count_cb(const struct nlmsghdr *nlh, void *data)
{
	n_cb++;
	return 0;
}

static int parse(char *msg, size_t n)
{
	n_cb = 0;
	return nl_parse(buf, len, SEQ, PORT, count_cb, NULL, msg, n);
}

static void test_parser(void)
{
	char msg[128];
	struct nlmsghdr *nlh;
	int r;

	len = 0;
	put_ack(0, NULL, true);
	ok(parse(msg, sizeof(msg)) == 0, "ack: done");

	len = 0;
	put_ack(-EEXIST, "File exists (ext)", true);
	r = parse(msg, sizeof(msg));
	ok(r == -EEXIST && strcmp(msg, "File exists (ext)") == 0,
	   "error with capped extended ack: errno and text, unknown attribute skipped");

	len = 0;
	put_ack(-EINVAL, "Unknown device type", false);
	r = parse(msg, sizeof(msg));
	ok(r == -EINVAL && strcmp(msg, "Unknown device type") == 0,
	   "error with the request echoed: text found after it");

	len = 0;
	put_ack(-EINVAL, "a long message text", true);
	r = nl_parse(buf, len, SEQ, PORT, NULL, NULL, msg, 6);
	ok(r == -EINVAL && strcmp(msg, "a lon") == 0, "extended-ack text cut to the buffer");

	len = 0;
	put_ack(0, NULL, true);
	ok(nl_parse(buf, len, SEQ + 1, PORT, NULL, NULL, msg, sizeof(msg)) == 1,
	   "ack of another sequence number is not ours: wait on");
	ok(nl_parse(buf, len, SEQ, PORT + 1, NULL, NULL, msg, sizeof(msg)) == 1,
	   "ack to another port id is not ours: wait on");

	/* A dump: two parts, then another datagram with DONE. */
	len = 0;
	for (int i = 0; i < 2; i++) {
		nlh = put(RTM_NEWLINK, NLM_F_MULTI, SEQ);
		mnl_nlmsg_put_extra_header(nlh, sizeof(struct ifinfomsg));
		mnl_attr_put_strz(nlh, IFLA_IFNAME, "eth0");
		done(nlh);
	}
	r = parse(msg, sizeof(msg));
	ok(r == 1 && n_cb == 2, "multipart: each part seen, more to come");
	len = 0;
	nlh = put(NLMSG_DONE, NLM_F_MULTI, SEQ);
	*(int *)mnl_nlmsg_put_extra_header(nlh, sizeof(int)) = 0;
	done(nlh);
	ok(parse(msg, sizeof(msg)) == 0, "multipart: NLMSG_DONE ends it");
	len = 0;
	nlh = put(NLMSG_DONE, NLM_F_MULTI, SEQ);
	*(int *)mnl_nlmsg_put_extra_header(nlh, sizeof(int)) = -EPERM;
	done(nlh);
	ok(parse(msg, sizeof(msg)) == -EPERM, "NLMSG_DONE carrying a dump error");

	len = 0;
	nlh = put(NLMSG_OVERRUN, 0, SEQ);
	done(nlh);
	ok(parse(msg, sizeof(msg)) == -ENOBUFS, "overrun reported");

	/* Malformed and truncated. */
	len = 0;
	ok(parse(msg, sizeof(msg)) == -EBADMSG, "empty datagram");
	len = 0;
	put_ack(0, NULL, true);
	len = 10;
	ok(parse(msg, sizeof(msg)) == -EBADMSG, "truncated header");
	len = 0;
	put_ack(-ENOENT, "text", true);
	len -= 8;
	ok(parse(msg, sizeof(msg)) == -EBADMSG, "nlmsg_len beyond the datagram");
	len = 0;
	nlh = put(NLMSG_ERROR, 0, SEQ);
	mnl_nlmsg_put_extra_header(nlh, 4);
	done(nlh);
	ok(parse(msg, sizeof(msg)) == -EBADMSG, "error message too short for nlmsgerr");
	len = 0;
	put_ack(0, NULL, true);
	((struct nlmsghdr *)buf)->nlmsg_len = 8;
	ok(parse(msg, sizeof(msg)) == -EBADMSG, "nlmsg_len below a header");
	len = 0;
	put_ack(0, NULL, true);
	((struct nlmsgerr *)(buf + sizeof(struct nlmsghdr)))->error = 5;
	ok(parse(msg, sizeof(msg)) == -EBADMSG, "positive errno refused");
	len = 0;
	put_ack(-EIO, NULL, false);
	((struct nlmsgerr *)(buf + sizeof(struct nlmsghdr)))->msg.nlmsg_len = 60000;
	((struct nlmsghdr *)buf)->nlmsg_flags |= NLM_F_ACK_TLVS;
	ok(parse(msg, sizeof(msg)) == -EIO && msg[0] == '\0',
	   "echoed length beyond the message: errno kept, no text read");
	len = 0;
	put_ack(-EIO, "xyz", true);
	/* Make the text attribute claim more than is there. */
	{
		struct nlattr *a = (void *)(buf + len - MNL_ALIGN(sizeof(struct nlattr) + 4));

		a->nla_len = 200;
	}
	ok(parse(msg, sizeof(msg)) == -EIO && msg[0] == '\0', "oversized attribute ignored");
	len = 0;
	put_ack(-EIO, "abc", true);
	{
		/* No NUL inside the attribute. */
		uint8_t *s = buf + len - 4;

		memcpy(s, "abcd", 4);
	}
	ok(parse(msg, sizeof(msg)) == -EIO && strcmp(msg, "abcd") == 0,
	   "unterminated text stops at the attribute's end");
}

/* An ack for request seq of a batch. */
static void put_ack_seq(uint32_t seq, int error, const char *text)
{
	struct nlmsghdr *nlh = put(NLMSG_ERROR, NLM_F_CAPPED, seq);
	struct nlmsgerr *e = mnl_nlmsg_put_extra_header(nlh, sizeof(*e));

	e->error = error;
	e->msg.nlmsg_len = sizeof(struct nlmsghdr);
	e->msg.nlmsg_seq = seq;
	if (text) {
		nlh->nlmsg_flags |= NLM_F_ACK_TLVS;
		mnl_attr_put_strz(nlh, NLMSGERR_ATTR_MSG, text);
	}
	done(nlh);
}

static void acks_init(struct nl_acks *a, uint32_t seq0, unsigned n)
{
	memset(a, 0, sizeof(*a));
	a->seq0 = seq0;
	a->n = n;
	a->first = -1;
}

/* Leaves garbage where the next call's locals will be. */
__attribute__((noinline)) static void dirty_stack(void)
{
	volatile char junk[16384];

	for (size_t i = 0; i < sizeof(junk); i++)
		junk[i] = (char)(0x80 | (i & 0x7f));
}

static void test_acks(void)
{
	struct nl_acks a;
	int r;

	/* Three requests, acks out of order over two datagrams. */
	acks_init(&a, SEQ, 3);
	len = 0;
	put_ack_seq(SEQ + 2, -ENODEV, "third");
	put_ack_seq(SEQ + 99, -EPERM, "not ours"); /* another request's */
	r = nl_parse_acks(buf, len, PORT, &a);
	ok(r == 1 && a.n_acked == 1 && a.first == 2 && strcmp(a.msg, "third") == 0,
	   "batch: an ack of the third request, one of another: more to come");
	len = 0;
	put_ack_seq(SEQ, 0, NULL);
	put_ack_seq(SEQ + 1, -EINVAL, "second");
	r = nl_parse_acks(buf, len, PORT, &a);
	ok(r == 0 && a.n_acked == 3 && a.first == 1 && a.err[1] == -EINVAL && a.err[2] == -ENODEV &&
		   strcmp(a.msg, "second") == 0,
	   "batch: all acked; the first failure by order wins, with its text");

	acks_init(&a, SEQ, 2);
	a.tolerate[0] = EEXIST;
	len = 0;
	put_ack_seq(SEQ, -EEXIST, "exists");
	put_ack_seq(SEQ + 1, 0, NULL);
	r = nl_parse_acks(buf, len, PORT, &a);
	ok(r == 0 && a.first == -1 && a.err[0] == -EEXIST,
	   "batch: a tolerated error is no failure");

	acks_init(&a, SEQ, 2);
	len = 0;
	put_ack_seq(SEQ, -EIO, "first");
	put_ack_seq(SEQ, 0, NULL); /* a second ack for the same request */
	r = nl_parse_acks(buf, len, PORT, &a);
	ok(r == 1 && a.n_acked == 1 && a.err[0] == -EIO, "batch: a duplicate ack is not counted");

	acks_init(&a, 0xffffffffu, 2); /* sequence numbers wrapping */
	len = 0;
	put_ack_seq(0, 0, NULL);
	put_ack_seq(0xffffffffu, 0, NULL);
	ok(nl_parse_acks(buf, len, PORT, &a) == 0, "batch: sequence numbers wrap");

	acks_init(&a, SEQ, 1);
	len = 0;
	put_ack_seq(SEQ, 0, NULL);
	ok(nl_parse_acks(buf, len, PORT + 1, &a) == 1 && a.n_acked == 0,
	   "batch: an ack to another port id is not ours");

	/* An error without extended-ack text (issue 12): the text is empty,
	 * not whatever the stack held, so that the caller's message ends in
	 * strerror of the error alone.  The stack below is dirtied first. */
	acks_init(&a, SEQ, 2);
	memset(a.msg, 'Z', sizeof(a.msg));
	len = 0;
	put_ack_seq(SEQ, 0, NULL);
	put_ack_seq(SEQ + 1, -EPERM, NULL);
	dirty_stack();
	r = nl_parse_acks(buf, len, PORT, &a);
	ok(r == 0 && a.first == 1 && a.err[1] == -EPERM && a.msg[0] == '\0',
	   "batch: an error without text leaves the text empty");

	/* Malformed. */
	acks_init(&a, SEQ, 1);
	ok(nl_parse_acks(buf, 0, PORT, &a) == -EBADMSG, "batch: empty datagram");
	len = 0;
	put_ack_seq(SEQ, 0, NULL);
	ok(nl_parse_acks(buf, len - 4, PORT, &a) == -EBADMSG, "batch: truncated ack");
	len = 0;
	{
		struct nlmsghdr *nlh = put(NLMSG_ERROR, 0, SEQ);

		mnl_nlmsg_put_extra_header(nlh, 4);
		done(nlh);
	}
	ok(nl_parse_acks(buf, len, PORT, &a) == -EBADMSG, "batch: ack too short for nlmsgerr");
	len = 0;
	put_ack_seq(SEQ, 0, NULL);
	((struct nlmsgerr *)(buf + sizeof(struct nlmsghdr)))->error = 7;
	ok(nl_parse_acks(buf, len, PORT, &a) == -EBADMSG, "batch: positive errno refused");
	len = 0;
	put(NLMSG_OVERRUN, 0, SEQ);
	done((struct nlmsghdr *)buf);
	ok(nl_parse_acks(buf, len, PORT, &a) == -ENOBUFS, "batch: overrun reported");
}

/* ---- value parsers ---------------------------------------------------------- */

static void test_values(void)
{
	struct net_publish p;
	struct in_addr a;
	struct in6_addr a6;
	unsigned pre;
	char text[512], tmpl[] = "/tmp/vbnet-resolvXXXXXX", up[] = "/tmp/vbnet-upXXXXXX";
	char dns[2][INET6_ADDRSTRLEN] = { "192.0.2.53", "2001:db8::53" };
	size_t n;
	int fd;

	ok(net_parse_publish("8080:80", &p) == 0 && p.host_port == 8080 && p.port == 80 &&
		   p.proto == IPPROTO_TCP && p.host_family == 0,
	   "--publish 8080:80");
	ok(net_parse_publish("127.0.0.1:53:5353/udp", &p) == 0 && p.host_port == 53 &&
		   p.port == 5353 && p.proto == IPPROTO_UDP && p.host_family == AF_INET,
	   "--publish HOSTIP:HOSTPORT:PORT/udp");
	ok(net_parse_publish("[::1]:8443:443/tcp", &p) == 0 && p.host_family == AF_INET6 &&
		   p.host_port == 8443 && p.port == 443,
	   "--publish [v6]:HOSTPORT:PORT");
	ok(net_parse_publish("80", &p) < 0 && net_parse_publish("0:80", &p) < 0 &&
		   net_parse_publish("70000:80", &p) < 0 &&
		   net_parse_publish("80:80/sctp", &p) < 0 &&
		   net_parse_publish("x:80:80", &p) < 0 && net_parse_publish(":80", &p) < 0 &&
		   net_parse_publish("[::1:80:80", &p) < 0 && net_parse_publish("", &p) < 0,
	   "--publish refuses malformed specs");
	ok(ipam_parse_cidr4("10.88.0.0/16", &a, &pre) == 0 && pre == 16, "--subnet parses");
	ok(ipam_parse_cidr4("10.88.0.1/16", &a, &pre) < 0 &&
		   ipam_parse_cidr4("10.88.0.0/31", &a, &pre) < 0 &&
		   ipam_parse_cidr4("10.88.0.0", &a, &pre) < 0 &&
		   ipam_parse_cidr4("10.88.0.0/x", &a, &pre) < 0,
	   "--subnet refuses host bits, /31, no prefix, junk");
	ok(ipam_parse_cidr6("fd00:1::/64", &a6, &pre) == 0 && pre == 64 &&
		   ipam_parse_cidr6("fd00:1::1/64", &a6, &pre) < 0,
	   "--subnet6 parses, refuses host bits");
	a6 = ipam_addr6(a6, 0x0102);
	inet_ntop(AF_INET6, &a6, text, sizeof(text));
	ok(strcmp(text, "fd00:1::102") == 0, "IPv6 address from the IPv4 host index");

	fd = mkstemp(tmpl);
	dprintf(fd, "# host\nsearch example.org\nnameserver 127.0.0.53\noptions edns0\n");
	close(fd);
	fd = mkstemp(up);
	dprintf(fd, "nameserver 198.51.100.1\nnameserver ::1\nnameserver 2001:db8::1\n");
	close(fd);
	ok(net_build_resolv(NULL, 0, tmpl, up, text, sizeof(text), &n) == 0 &&
		   strstr(text, "nameserver 198.51.100.1\n") &&
		   strstr(text, "nameserver 2001:db8::1\n") && !strstr(text, "127.0.0.53") &&
		   !strstr(text, "nameserver ::1\n") && strstr(text, "search example.org\n") &&
		   strstr(text, "options edns0\n"),
	   "resolv.conf: loopback resolver replaced by the upstream ones, search kept");
	ok(net_build_resolv(dns, 2, tmpl, up, text, sizeof(text), &n) == 0 &&
		   strstr(text, "nameserver 192.0.2.53\n") &&
		   strstr(text, "nameserver 2001:db8::53\n") && !strstr(text, "198.51.100.1"),
	   "resolv.conf: --dns wins");
	ok(net_build_resolv(NULL, 0, tmpl, up, text, 20, &n) == -ENOSPC,
	   "resolv.conf: no overflow");
	unlink(tmpl);
	unlink(up);
}

/* ---- live: rtnetlink and IPAM in a namespace of our own ------------------- */

static int n_links;
static void count_link(const char *name, void *data)
{
	n_links++;
}

static void test_live(void)
{
	struct nl_sock nl = { 0 };
	char msg[256];
	int idx = 0, bidx = 0, r;
	struct in_addr net, gw, addr;
	unsigned pre;
	char path[PATH_MAX];
	bool first;
	vb_error err;

	if (getuid() != 0 || unshare(CLONE_NEWNET | CLONE_NEWNS) < 0) {
		for (int i = 0; i < 10; i++)
			skip("needs root and unshare", "rtnetlink/IPAM live test");
		return;
	}
	/* Private /run: leases of the test never mix with real ones. */
	(void)mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL);
	if (mount("tmpfs", "/run", "tmpfs", 0, NULL) < 0) {
		for (int i = 0; i < 10; i++)
			skip("cannot mount /run", "rtnetlink/IPAM live test");
		return;
	}
	ok(nl_open(&nl) == 0, "netlink socket opens");
	r = rt_bridge_create(&nl, "vbt0", 0, msg, sizeof(msg));
	ok(r == 0, "bridge created");
	r = rt_bridge_create(&nl, "vbt0", 0, msg, sizeof(msg));
	ok(r == -EEXIST, "second create: EEXIST, which a concurrent start tolerates");
	ok(rt_link_index(&nl, "vbt0", &bidx, msg, sizeof(msg)) == 0 && bidx > 0, "index found");
	ok(rt_link_index(&nl, "nosuch0", &idx, msg, sizeof(msg)) == -ENODEV,
	   "missing link: ENODEV");
	r = rt_veth_create(&nl, "vbtv0", "vbtp0", -1, 0, bidx, 1400, NULL, msg, sizeof(msg));
	ok(r == 0, "veth pair on the bridge");
	(void)ipam_parse_cidr4("10.77.0.0/24", &net, &pre);
	gw = ipam_gateway(net);
	r = rt_addr_add(&nl, AF_INET, bidx, &gw, pre, msg, sizeof(msg));
	ok(r == 0 && rt_addr_add(&nl, AF_INET, bidx, &gw, pre, msg, sizeof(msg)) == -EEXIST,
	   "address added; again: EEXIST");
	n_links = 0;
	r = rt_link_each(&nl, "vbt", count_link, NULL, msg, sizeof(msg));
	ok(r == 0 && n_links == 3, "link dump finds bridge and both veth ends");
	r = rt_bridge_create(&nl, "bad name with spaces and far too long", 0, msg, sizeof(msg));
	ok(r < 0, "kernel refusal comes back as an error");
	ok(rt_link_del(&nl, "vbtv0", msg, sizeof(msg)) == 0 &&
		   rt_link_index(&nl, "vbtp0", &idx, msg, sizeof(msg)) == -ENODEV,
	   "deleting one veth end removes the pair");

	/* A batch: the kernel runs every request, the first failure is
	 * reported with its index and text, tolerated errors are not. */
	{
		struct nl_batch b;
		unsigned failed = 99, flags = 0;

		nl_batch_init(&b);
		rt_put_addr(&b, AF_INET, bidx, &gw, pre); /* exists */
		nl_batch_tolerate(&b, EEXIST);
		rt_put_link_flags(&b, 0, "nosuch0", true);
		rt_put_link_flags(&b, bidx, NULL, true);
		r = nl_batch_send(&nl, &b, &failed, msg, sizeof(msg));
		ok(r == -ENODEV && failed == 1 &&
			   rt_link_get(&nl, "vbt0", &idx, &flags, msg, sizeof(msg)) == 0 &&
			   (flags & IFF_UP),
		   "batch: EEXIST tolerated, ENODEV of the second reported, the third still ran");
		nl_batch_init(&b);
		for (int i = 0; i < NL_BATCH_MAX; i++)
			r = rt_put_link_flags(&b, bidx, NULL, true);
		ok(r == 0 && rt_put_link_flags(&b, bidx, NULL, true) == -ENOSPC &&
			   nl_batch_send(&nl, &b, NULL, msg, sizeof(msg)) == 0,
		   "batch: full at NL_BATCH_MAX requests, all acked");
	}

	/* IPAM: concurrent leases are distinct. */
	{
		int pfd[2];
		char seen[256] = { 0 };
		int distinct = 1, got = 0;
		pid_t kids[32];

		if (pipe(pfd) < 0)
			return;
		for (int i = 0; i < 32; i++) {
			if ((kids[i] = fork()) == 0) {
				vb_error e;
				struct in_addr a;
				char p[PATH_MAX];

				if (ipam_lease("vbt0", net, pre, NULL, NULL, NULL, NULL, &a, p,
					       sizeof(p), NULL, &e) == 0) {
					uint8_t last = (uint8_t)(ntohl(a.s_addr) & 0xff);

					(void)!write(pfd[1], &last, 1);
				}
				signal(SIGTERM, SIG_DFL);
				pause(); /* hold the lease: the owner lives */
				_exit(0);
			}
		}
		close(pfd[1]);
		for (int i = 0; i < 32; i++) {
			uint8_t last;

			if (read(pfd[0], &last, 1) != 1)
				break;
			got++;
			if (seen[last] || last < 2 || last == 255)
				distinct = 0;
			seen[last] = 1;
		}
		close(pfd[0]);
		ok(got == 32 && distinct,
		   "32 concurrent leases: 32 distinct addresses, none reserved");
		r = ipam_lease("vbt0", net, pre, &(struct in_addr){ htonl(ntohl(net.s_addr) + 2) },
			       NULL, NULL, NULL, &addr, path, sizeof(path), &first, &err);
		ok(r == -EADDRINUSE && !first, "--ip of a live lease refused");
		for (int i = 0; i < 32; i++)
			if (kids[i] > 0)
				kill(kids[i], SIGKILL);
	}
}

static struct {
	char note[IPAM_NOTE_MAX];
	int n;
} stale_seen;
static void stale_cb(const char *bridge, struct in_addr addr, const char *note, void *data)
{
	snprintf(stale_seen.note, sizeof(stale_seen.note), "%s", note);
	stale_seen.n++;
}

int main(void)
{
	test_parser();
	test_acks();
	test_values();
	test_live();
	/* The lease holders are gone (killed above); their leases are stale. */
	if (getuid() == 0 && access("/run/voidbox/net/vbt0", F_OK) == 0) {
		struct in_addr net, addr;
		unsigned pre;
		char path[PATH_MAX];
		bool first = false;
		vb_error err;
		int r;

		while (wait(NULL) > 0)
			;
		(void)ipam_parse_cidr4("10.77.0.0/24", &net, &pre);
		ok(ipam_lease("vbt0", net, pre, NULL, NULL, NULL, NULL, &addr, path, sizeof(path),
			      &first, &err) == 0 &&
			   first && (ntohl(addr.s_addr) & 0xff) == 34,
		   "leases of dead owners are swept; round-robin goes on after the last one");
		ipam_release(path);
		ok(access(path, F_OK) < 0, "release removes the lease");

		/* Round-robin on a /29 (.2 to .6), each lease released at once:
		 * the next start never gets the address just freed, until the
		 * range wraps. */
		{
			char got[64] = "";

			(void)ipam_parse_cidr4("10.78.0.0/29", &net, &pre);
			for (int i = 0; i < 7; i++) {
				if (ipam_lease("vbt1", net, pre, NULL, NULL, NULL, NULL, &addr,
					       path, sizeof(path), NULL, &err) < 0)
					break;
				snprintf(got + strlen(got), sizeof(got) - strlen(got), "%u ",
					 ntohl(addr.s_addr) & 0xff);
				ipam_release(path);
			}
			ok(strcmp(got, "2 3 4 5 6 2 3 ") == 0,
			   "round-robin: each address in turn, wrapping");
			if (strcmp(got, "2 3 4 5 6 2 3 ") != 0)
				printf("# got %s\n", got);
		}
		/* The note: written after the owner line, handed to the sweep. */
		{
			(void)ipam_parse_cidr4("10.79.0.0/24", &net, &pre);
			if (fork() == 0) {
				char p[PATH_MAX];
				struct in_addr a;

				if (ipam_lease("vbt2", net, pre, NULL, NULL, NULL, NULL, &a, p,
					       sizeof(p), NULL, &err) == 0 &&
				    ipam_set_note(p, "publish nonat6=fd00::2 ") == 0 &&
				    ipam_set_owner(p, 0) == 0)
					_exit(0);
				_exit(1);
			}
			(void)wait(&r);
			ok(WIFEXITED(r) && WEXITSTATUS(r) == 0 &&
				   ipam_lease("vbt2", net, pre, NULL, NULL, stale_cb, NULL, &addr,
					      path, sizeof(path), &first, &err) == 0 &&
				   stale_seen.n == 1 &&
				   strcmp(stale_seen.note, "publish nonat6=fd00::2 ") == 0 && first,
			   "a stale lease's note reaches the sweep, after the owner line rewritten "
			   "in place");
			ipam_release(path);
		}
	}
	/* Setuid mode's per-user limit: the user's leases count, others'
	 * do not, and the refusal names the limit. */
	if (getuid() == 0 && access("/run/voidbox/net/vbt0", F_OK) == 0) {
		struct ipam_user u1 = { 4242, 2 }, u2 = { 4343, 2 };
		struct in_addr net, a;
		unsigned pre;
		char p1[PATH_MAX], p2[PATH_MAX], p3[PATH_MAX], p4[PATH_MAX];
		vb_error e = { 0 };
		int r1, r2, r3, r4;

		(void)ipam_parse_cidr4("10.76.0.0/24", &net, &pre);
		r1 = ipam_lease("vbt3", net, pre, NULL, &u1, NULL, NULL, &a, p1, sizeof(p1), NULL,
				&e);
		r2 = ipam_lease("vbt3", net, pre, NULL, &u1, NULL, NULL, &a, p2, sizeof(p2), NULL,
				&e);
		r3 = ipam_lease("vbt3", net, pre, NULL, &u1, NULL, NULL, &a, p3, sizeof(p3), NULL,
				&e);
		ok(r1 == 0 && r2 == 0 && r3 < 0 && strstr(e.message, "(max 2)"),
		   "per-user limit: the third lease of a user with max 2 refused, naming the limit");
		if (r3 >= 0 || !strstr(e.message, "(max 2)"))
			printf("# %d %d %d: %s\n", r1, r2, r3, e.message);
		r4 = ipam_lease("vbt3", net, pre, NULL, &u2, NULL, NULL, &a, p4, sizeof(p4), NULL,
				&e);
		ok(r4 == 0, "per-user limit: another user still gets a lease");
		if (r1 == 0)
			ipam_release(p1);
		if (r2 == 0)
			ipam_release(p2);
		if (r3 == 0)
			ipam_release(p3);
		if (r4 == 0)
			ipam_release(p4);
	}
	return tap_end();
}
