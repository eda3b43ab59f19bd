/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Fuzz target for nl_parse() and nl_parse_acks(), the code that reads what
 * the kernel sends.
 *
 * With clang:  clang -fsanitize=fuzzer,address -DVB_LIBFUZZER ... (see
 *              tests/libfuzzer.t, which builds and runs it briefly).
 * Otherwise:   this file's main() is a standalone driver: it replays the
 *              files named on its command line, then mutates built-in seeds
 *              (bit flips, truncation, length fields, splices) for
 *              VB_FUZZ_ITERS rounds (default 300000) with a fixed seed, and
 *              prints TAP.  Each input lives in a buffer of exactly its size,
 *              so an ASan build (--enable-asan) catches any overread.
 */
#include <fcntl.h>
#include <libmnl/libmnl.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <stdio.h>

#include "net/net.h"

static int attr_cb(const struct nlattr *a, void *data)
{
	(*(unsigned *)data) += mnl_attr_get_type(a);
	return MNL_CB_OK;
}

/* What a real callback does: read the header and walk the attributes. */
static int msg_cb(const struct nlmsghdr *nlh, void *data)
{
	unsigned sum = 0;

	if (nlh->nlmsg_len >= MNL_NLMSG_HDRLEN + sizeof(struct ifinfomsg))
		(void)mnl_attr_parse(nlh, sizeof(struct ifinfomsg), attr_cb, &sum);
	(*(unsigned *)data) += sum;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char msg[64];
	unsigned sum = 0;
	uint8_t *copy = malloc(size ? size : 1);

	if (!copy)
		return 0;
	memcpy(copy, data, size);
	(void)nl_parse(copy, size, 77, 4242, msg_cb, &sum, msg, sizeof(msg));
	/* The same bytes as the acks of a batch of three from seq 76. */
	{
		struct nl_acks a = { .seq0 = 76, .n = 3, .first = -1 };

		a.tolerate[1] = EEXIST;
		(void)nl_parse_acks(copy, size, 4242, &a);
		if (a.n_acked > a.n || strnlen(a.msg, sizeof(a.msg)) >= sizeof(a.msg) ||
		    (a.first >= 0 && (a.first >= 3 || a.err[a.first] >= 0)))
			abort();
	}
	/* A text, if any, is always terminated inside msg. */
	if (strnlen(msg, sizeof(msg)) >= sizeof(msg))
		abort();
	free(copy);
	return 0;
}

#ifndef VB_LIBFUZZER
static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint32_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)rng;
}

static size_t seed_ack(uint8_t *b, int error, bool tlv)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(b);
	struct nlmsgerr *e;

	nlh->nlmsg_type = NLMSG_ERROR;
	nlh->nlmsg_seq = 77;
	nlh->nlmsg_pid = 4242;
	e = mnl_nlmsg_put_extra_header(nlh, sizeof(*e));
	e->error = error;
	e->msg.nlmsg_len = 16;
	if (tlv) {
		nlh->nlmsg_flags = NLM_F_ACK_TLVS | NLM_F_CAPPED;
		mnl_attr_put_strz(nlh, NLMSGERR_ATTR_MSG, "some error text");
		mnl_attr_put_u32(nlh, NLMSGERR_ATTR_OFFS, 20);
	}
	return nlh->nlmsg_len;
}

static size_t seed_dump(uint8_t *b)
{
	size_t off = 0;

	for (int i = 0; i < 3; i++) {
		struct nlmsghdr *nlh = mnl_nlmsg_put_header(b + off);

		nlh->nlmsg_type = i < 2 ? RTM_NEWLINK : NLMSG_DONE;
		nlh->nlmsg_flags = NLM_F_MULTI;
		nlh->nlmsg_seq = 77;
		nlh->nlmsg_pid = 4242;
		if (i < 2) {
			struct nlattr *nest;

			mnl_nlmsg_put_extra_header(nlh, sizeof(struct ifinfomsg));
			mnl_attr_put_strz(nlh, IFLA_IFNAME, "vb0a580002");
			mnl_attr_put_u32(nlh, IFLA_MTU, 1500);
			nest = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
			mnl_attr_put_strz(nlh, 1, "veth");
			mnl_attr_nest_end(nlh, nest);
		} else {
			mnl_nlmsg_put_extra_header(nlh, sizeof(int));
		}
		off += MNL_ALIGN(nlh->nlmsg_len);
	}
	return off;
}

static size_t mutate(uint8_t *b, size_t n, size_t cap)
{
	switch (rnd() % 6) {
	case 0: /* flip bits */
		for (int k = 0, m = 1 + (int)(rnd() % 4); k < m && n; k++)
			b[rnd() % n] ^= (uint8_t)(1u << (rnd() % 8));
		break;
	case 1: /* truncate */
		if (n)
			n = rnd() % n;
		break;
	case 2: /* a length field (nlmsg_len or nla_len) set to something odd */
		if (n >= 4) {
			size_t at = (rnd() % (n / 2)) & ~(size_t)1;
			uint16_t v = (uint16_t)(rnd() % 3 == 0 ? 0xffff : rnd() % 80);

			memcpy(b + at, &v, 2);
		}
		break;
	case 3: /* random bytes */
		for (size_t k = 0, m = 1 + rnd() % 8; k < m && n; k++)
			b[rnd() % n] = (uint8_t)rnd();
		break;
	case 4: /* grow with garbage */
		for (size_t k = 0, m = rnd() % 32; k < m && n < cap; k++)
			b[n++] = (uint8_t)rnd();
		break;
	default: /* duplicate a prefix at the end */
		if (n && n * 2 <= cap) {
			size_t m = rnd() % n;

			memcpy(b + n, b, m);
			n += m;
		}
		break;
	}
	return n;
}

int main(int argc, char **argv)
{
	uint8_t seeds[4][1024], cur[4096];
	size_t seed_len[4], n;
	const char *e = getenv("VB_FUZZ_ITERS");
	long iters = e ? strtol(e, NULL, 10) : 300000, replayed = 0;

	for (int i = 1; i < argc; i++) {
		int fd = open(argv[i], O_RDONLY | O_CLOEXEC);
		ssize_t r;

		if (fd < 0)
			continue;
		r = read(fd, cur, sizeof(cur));
		close(fd);
		if (r >= 0) {
			LLVMFuzzerTestOneInput(cur, (size_t)r);
			replayed++;
		}
	}
	memset(seeds, 0, sizeof(seeds));
	seed_len[0] = seed_ack(seeds[0], 0, false);
	seed_len[1] = seed_ack(seeds[1], -EEXIST, true);
	seed_len[2] = seed_dump(seeds[2]);
	seed_len[3] = seed_ack(seeds[3], -EINVAL, true);
	for (long i = 0; i < iters; i++) {
		int s = (int)(rnd() % 4);

		n = seed_len[s];
		memcpy(cur, seeds[s], n);
		for (int k = 0, m = 1 + (int)(rnd() % 3); k < m; k++)
			n = mutate(cur, n, sizeof(cur));
		LLVMFuzzerTestOneInput(cur, n);
	}
	printf("1..1\nok 1 - nl_parse and nl_parse_acks survived %ld replayed and %ld mutated "
	       "inputs\n",
	       replayed, iters);
	return 0;
}
#endif
