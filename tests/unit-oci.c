/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* lib/oci/spec.c: each config.json field onto the vb_config (ops, setters)
 * or the runtime's oci_spec, and malformed configs, each refused with a
 * one-line message naming the field.  TAP on stdout. */
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/capability.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "configuration.h"
#include "oci/oci.h"
#include "supervise/cgroup.h"
#include "tap.h"

static char bundle[] = "/tmp/vb-unit-oci.XXXXXX";

/* The configuration podman 4.3 writes for `podman run IMAGE true`, trimmed. */
static const char base_json[] =
	"{ \"ociVersion\": \"1.0.2-dev\","
	"  \"process\": { \"terminal\": false, \"user\": { \"uid\": 0, \"gid\": 0 },"
	"    \"args\": [\"/bin/true\"], \"env\": [\"PATH=/bin\", \"TERM=xterm\"], \"cwd\": \"/\","
	"    \"capabilities\": { \"bounding\": [\"CAP_CHOWN\", \"CAP_KILL\"],"
	"      \"effective\": [\"CAP_CHOWN\", \"CAP_KILL\"], \"permitted\": [\"CAP_CHOWN\", \"CAP_KILL\"] },"
	"    \"rlimits\": [ { \"type\": \"RLIMIT_NOFILE\", \"hard\": 1024, \"soft\": 1024 } ],"
	"    \"noNewPrivileges\": false, \"oomScoreAdj\": 0 },"
	"  \"root\": { \"path\": \"rootfs\" },"
	"  \"hostname\": \"c1\","
	"  \"mounts\": ["
	"    { \"destination\": \"/proc\", \"type\": \"proc\", \"source\": \"proc\","
	"      \"options\": [\"nosuid\", \"noexec\", \"nodev\"] },"
	"    { \"destination\": \"/dev\", \"type\": \"tmpfs\", \"source\": \"tmpfs\","
	"      \"options\": [\"nosuid\", \"strictatime\", \"mode=755\", \"size=65536k\"] },"
	"    { \"destination\": \"/dev/pts\", \"type\": \"devpts\", \"source\": \"devpts\","
	"      \"options\": [\"nosuid\", \"noexec\", \"newinstance\", \"ptmxmode=0666\", \"mode=0620\"] }"
	"  ],"
	"  \"annotations\": { \"io.podman.x\": \"y\" },"
	"  \"linux\": { \"namespaces\": [ {\"type\": \"pid\"}, {\"type\": \"network\"}, {\"type\": \"ipc\"},"
	"      {\"type\": \"uts\"}, {\"type\": \"mount\"}, {\"type\": \"cgroup\"} ] } }";

static json_t *base(void)
{
	json_error_t e;
	json_t *j = json_loads(base_json, 0, &e);

	if (!j) {
		printf("Bail out! base config: %s\n", e.text);
		exit(1);
	}
	return j;
}

struct res {
	int r;
	vb_config *cfg;
	struct oci_spec *spec;
	vb_error err;
};

static void res_free(struct res *x)
{
	vb_config_free(x->cfg);
	oci_spec_free(x->spec);
	memset(x, 0, sizeof(*x));
}

static struct res parse_text(const char *text, size_t len, bool process_only)
{
	struct res x = { 0 };

	x.cfg = vb_config_new();
	x.r = oci_spec_parse(text, len, bundle, process_only, x.cfg, &x.spec, &x.err);
	return x;
}

/* Parses j (consumed). */
static struct res parse(json_t *j)
{
	char *s = json_dumps(j, 0);
	struct res x = parse_text(s, strlen(s), false);

	free(s);
	json_decref(j);
	return x;
}

/* j is refused with exactly msg, on one line. */
static void refused(json_t *j, const char *msg, const char *what)
{
	struct res x = parse(j);
	bool good = x.r < 0 && strcmp(x.err.message, msg) == 0 && !strchr(x.err.message, '\n');

	ok(good, "%s: refused with \"%s\"", what, msg);
	if (!good)
		diag("got r=%d \"%s\"", x.r, x.r < 0 ? x.err.message : "");
	res_free(&x);
}

/* Sets path (dot-separated object keys) in j to v (consumed). */
static json_t *set(json_t *j, const char *path, json_t *v)
{
	char buf[256], *key, *next;
	json_t *o = j;

	snprintf(buf, sizeof(buf), "%s", path);
	key = buf;
	while ((next = strchr(key, '.'))) {
		json_t *c;

		*next = '\0';
		c = json_object_get(o, key);
		if (!c) {
			c = json_object();
			json_object_set_new(o, key, c);
		}
		o = c;
		key = next + 1;
	}
	json_object_set_new(o, key, v);
	return j;
}

static json_t *J(const char *text)
{
	json_error_t e;
	json_t *j = json_loads(text, JSON_DECODE_ANY, &e);

	if (!j) {
		printf("Bail out! test JSON %s: %s\n", text, e.text);
		exit(1);
	}
	return j;
}

static const struct vb_op *find_op(const vb_config *cfg, enum vb_op_type t, const char *dst)
{
	for (size_t i = 0; i < cfg->n_ops; i++)
		if (cfg->ops[i].type == t && cfg->ops[i].dst && strcmp(cfg->ops[i].dst, dst) == 0)
			return &cfg->ops[i];
	return NULL;
}

static void mounts_case(const char *mounts, enum vb_op_type t, const char *dst, const char *what)
{
	struct res x = parse(set(base(), "mounts", J(mounts)));

	ok(x.r == 0 && find_op(x.cfg, t, dst), "mounts: %s", what);
	if (x.r < 0)
		diag("%s", x.err.message);
	res_free(&x);
}

static void test_base(void)
{
	struct res x = parse(base());
	char root[PATH_MAX + 16];

	snprintf(root, sizeof(root), "%s/rootfs", bundle);
	ok(x.r == 0, "podman's minimal config parses");
	if (x.r < 0) {
		diag("%s", x.err.message);
		return;
	}
	ok(x.cfg->n_ops > 0 && x.cfg->ops[0].type == VB_OP_BIND &&
		   strcmp(x.cfg->ops[0].src, root) == 0 && strcmp(x.cfg->ops[0].dst, "/") == 0,
	   "root.path: relative to the bundle, bound on / first");
	is_str(x.spec->root, root, "root.path resolved");
	ok(find_op(x.cfg, VB_OP_PROC, "/proc") != NULL, "mounts: proc");
	ok(find_op(x.cfg, VB_OP_DEV, "/dev") != NULL, "mounts: tmpfs on /dev is --dev");
	ok(!find_op(x.cfg, VB_OP_TMPFS, "/dev/pts"), "mounts: devpts on /dev/pts comes with --dev");
	ok(x.cfg->argc == 1 && strcmp(x.cfg->argv[0], "/bin/true") == 0, "process.args");
	ok(x.cfg->n_env == 3 && x.cfg->env[0].kind == VB_ENV_CLEAR &&
		   strcmp(x.cfg->env[1].name, "PATH") == 0 &&
		   strcmp(x.cfg->env[1].value, "/bin") == 0,
	   "process.env: a clean environment, NAME=VALUE in order");
	is_str(x.cfg->chdir_path, "/", "process.cwd");
	is_str(x.cfg->hostname, "c1", "hostname");
	ok((x.cfg->unshare & (VB_NS_PID | VB_NS_NET | VB_NS_IPC | VB_NS_UTS | VB_NS_CGROUP)) ==
			   (VB_NS_PID | VB_NS_NET | VB_NS_IPC | VB_NS_UTS | VB_NS_CGROUP) &&
		   !(x.cfg->unshare & VB_NS_USER) && !x.spec->userns,
	   "linux.namespaces: new pid, network, ipc, uts, cgroup; no user namespace");
	ok(x.cfg->caps_set && x.cfg->caps_add == ((1ull << CAP_CHOWN) | (1ull << CAP_KILL)),
	   "process.capabilities: the bounding set is the command's set");
	ok(!x.spec->terminal && !x.spec->root_readonly, "terminal and readonly default to false");
	ok(vb_config_validate(x.cfg, &x.err) == 0, "the result passes vb_config_validate()");
	res_free(&x);
}

static void test_root(void)
{
	struct res x = parse(set(base(), "root.readonly", json_true()));

	ok(x.r == 0 && x.cfg->ops[x.cfg->n_ops - 1].type == VB_OP_REMOUNT_RO &&
		   strcmp(x.cfg->ops[x.cfg->n_ops - 1].dst, "/") == 0 && x.spec->root_readonly,
	   "root.readonly: / remounted read-only after every other mount");
	res_free(&x);
	x = parse(set(base(), "root.path", json_string("/abs/rootfs")));
	ok(x.r == 0 && strcmp(x.spec->root, "/abs/rootfs") == 0, "root.path: absolute as is");
	res_free(&x);
	refused(set(base(), "root.path", json_string("../x/./rootfs")),
		"root.path: ../x/./rootfs has . or .. components", "relative root with ..");
	refused(set(base(), "root.path", json_integer(1)), "root.path: expected a string",
		"root.path of the wrong type");
	refused(set(base(), "root.path", json_string("")), "root.path: missing", "empty root.path");
	refused(set(base(), "root.readonly", json_string("yes")),
		"root.readonly: expected a boolean", "root.readonly of the wrong type");
	{
		json_t *j = base();

		json_object_del(j, "root");
		refused(j, "root: missing", "no root");
	}
	x = parse_text(base_json, strlen(base_json), false);
	ok(x.r == 0, "parses from text as well");
	res_free(&x);
	x = (struct res){ 0 };
	x.cfg = vb_config_new();
	x.r = oci_spec_parse(base_json, strlen(base_json), "relative/bundle", false, x.cfg, &x.spec,
			     &x.err);
	ok(x.r < 0 && strcmp(x.err.message, "the bundle path must be absolute") == 0,
	   "a relative bundle path is refused");
	res_free(&x);
}

static void test_mounts(void)
{
	struct res x;
	const struct vb_op *op;

	mounts_case("[{\"destination\":\"/data\",\"type\":\"bind\",\"source\":\"/tmp\","
		    "\"options\":[\"rbind\",\"ro\",\"nosuid\",\"nodev\",\"rprivate\"]}]",
		    VB_OP_RO_BIND, "/data", "bind ro -> --ro-bind");
	mounts_case("[{\"destination\":\"/data\",\"type\":\"bind\",\"source\":\"/tmp\","
		    "\"options\":[\"rbind\",\"rw\",\"nosuid\",\"nodev\",\"z\"]}]",
		    VB_OP_BIND, "/data", "bind nodev -> --bind");
	mounts_case("[{\"destination\":\"/data\",\"source\":\"/tmp\",\"options\":[\"bind\"]}]",
		    VB_OP_DEV_BIND, "/data", "bind without nodev -> --dev-bind");
	mounts_case("[{\"destination\":\"/dev/mqueue\",\"type\":\"mqueue\",\"source\":\"mqueue\","
		    "\"options\":[\"nosuid\",\"noexec\",\"nodev\"]}]",
		    VB_OP_MQUEUE, "/dev/mqueue", "mqueue");
	mounts_case("[{\"destination\":\"/sys\",\"type\":\"sysfs\",\"source\":\"sysfs\","
		    "\"options\":[\"nosuid\",\"noexec\",\"nodev\",\"ro\"]}]",
		    VB_OP_RO_BIND, "/sys", "sysfs -> the host's /sys read-only");
	x = parse(set(
		base(), "mounts",
		J("[{\"destination\":\"/sys\",\"type\":\"sysfs\",\"source\":\"sysfs\"},"
		  "{\"destination\":\"/sys/fs/cgroup\",\"type\":\"cgroup\",\"source\":\"cgroup\","
		  "\"options\":[\"ro\"]}]")));
	ok(x.r == 0 && !find_op(x.cfg, VB_OP_RO_BIND, "/sys/fs/cgroup"),
	   "mounts: cgroup inside the read-only /sys adds nothing");
	res_free(&x);
	mounts_case(
		"[{\"destination\":\"/sys/fs/cgroup\",\"type\":\"cgroup2\",\"source\":\"cgroup\"}]",
		VB_OP_RO_BIND, "/sys/fs/cgroup", "cgroup alone -> the host's, read-only");
	x = parse(set(
		base(), "mounts",
		J("[{\"destination\":\"/dev/shm\",\"type\":\"tmpfs\",\"source\":\"shm\","
		  "\"options\":[\"nosuid\",\"noexec\",\"nodev\",\"mode=1777\",\"size=65536k\"]}]")));
	op = x.r == 0 ? find_op(x.cfg, VB_OP_TMPFS, "/dev/shm") : NULL;
	ok(op && op->have_perms && op->perms == 01777 && op->have_size && op->size == 65536 * 1024,
	   "mounts: tmpfs mode= and size= (k: KiB) -> --perms, --size");
	if (x.r < 0)
		diag("%s", x.err.message);
	res_free(&x);
	x = parse(set(
		base(), "mounts",
		J("[{\"destination\":\"/dev/mqueue\",\"type\":\"mqueue\",\"options\":[\"nosuid\",\"noexec\",\"nodev\"]}]")));
	ok(x.r == 0 && x.spec->n_remounts == 1 &&
		   strcmp(x.spec->remounts[0].dest, "/dev/mqueue") == 0 &&
		   x.spec->remounts[0].flags == (MS_NOSUID | MS_NOEXEC | MS_NODEV),
	   "mounts: nosuid, nodev, noexec are remounts for create");
	res_free(&x);
	x = parse(set(base(), "mounts",
		      J("[{\"destination\":\"/ro\",\"type\":\"tmpfs\",\"options\":[\"ro\"]}]")));
	ok(x.r == 0 && find_op(x.cfg, VB_OP_REMOUNT_RO, "/ro"), "mounts: tmpfs ro -> --remount-ro");
	res_free(&x);
	x = parse(set(base(), "mounts",
		      J("[{\"destination\":\"/b\",\"type\":\"bind\",\"source\":\"data\"}]")));
	ok(x.r == 0 && find_op(x.cfg, VB_OP_DEV_BIND, "/b") &&
		   strncmp(find_op(x.cfg, VB_OP_DEV_BIND, "/b")->src, bundle, strlen(bundle)) == 0,
	   "mounts: a relative bind source is the bundle's");
	res_free(&x);
	refused(set(base(), "mounts", J("[{\"destination\":\"data\",\"type\":\"tmpfs\"}]")),
		"mounts[0]: destination must be an absolute path without ..",
		"relative destination");
	refused(set(base(), "mounts", J("[{\"destination\":\"/a/../b\",\"type\":\"tmpfs\"}]")),
		"mounts[0]: destination must be an absolute path without ..",
		"destination with ..");
	refused(set(base(), "mounts",
		    J("[{\"destination\":\"/x\",\"type\":\"nfs\",\"source\":\"s\"}]")),
		"mounts[0] (/x): mount type nfs is not supported", "unknown mount type");
	refused(set(base(), "mounts",
		    J("[{\"destination\":\"/x\",\"type\":\"bind\",\"source\":\"/tmp\",\"options\":[\"frob\"]}]")),
		"mounts[0] (/x): option frob is not supported", "unknown mount option");
	refused(set(base(), "mounts",
		    J("[{\"destination\":\"/x\",\"type\":\"bind\",\"source\":\"/tmp\",\"options\":[\"suid\"]}]")),
		"mounts[0] (/x): suid and idmapped mounts are not supported", "suid mount");
	refused(set(base(), "mounts", J("[{\"destination\":\"/x\",\"type\":\"bind\"}]")),
		"mounts[0] (/x): a bind mount needs a source", "bind without source");
	refused(set(base(), "mounts", J("[{\"destination\":\"/x\",\"type\":\"devpts\"}]")),
		"mounts[0]: devpts only on /dev/pts (with /dev a tmpfs)", "devpts elsewhere");
	refused(set(base(), "mounts", J("[{\"destination\":\"/x\"}]")),
		"mounts[0] (/x): type missing", "mount without type");
	refused(set(base(), "mounts", J("{}")), "mounts: expected an array",
		"mounts of the wrong type");
	refused(set(base(), "mounts", J("[1]")), "mounts[0]: expected an object",
		"a mount that is a number");
	refused(set(base(), "mounts",
		    J("[{\"destination\":\"/x\",\"type\":\"tmpfs\",\"options\":[1]}]")),
		"mounts[0][0]: expected a string", "a mount option that is a number");
	refused(set(base(), "mounts",
		    J("[{\"destination\":\"/x\",\"type\":\"tmpfs\",\"options\":[\"size=lots\"]}]")),
		"mounts[0]: bad option size=lots", "tmpfs size= unparsable");
	refused(set(base(), "mounts",
		    J("[{\"destination\":\"/x\",\"type\":\"tmpfs\",\"options\":[\"mode=999\"]}]")),
		"mounts[0]: bad option mode=999", "tmpfs mode= not octal");
}

static void test_namespaces(void)
{
	struct res x;

	x = parse(set(
		base(), "linux.namespaces",
		J("[{\"type\":\"mount\"},{\"type\":\"user\"},{\"type\":\"network\",\"path\":\"/run/netns/x\"}]")));
	ok(x.r == 0 && x.spec->userns && (x.cfg->unshare & VB_NS_USER) &&
		   !(x.cfg->unshare & VB_NS_NET) && x.spec->ns_path[OCI_NS_NET] &&
		   strcmp(x.spec->ns_path[OCI_NS_NET], "/run/netns/x") == 0,
	   "linux.namespaces: a new user namespace, a network namespace joined by path");
	res_free(&x);
	x = parse(set(base(), "linux.namespaces",
		      J("[{\"type\":\"mount\"},{\"type\":\"pid\",\"path\":\"/proc/1/ns/pid\"},"
			"{\"type\":\"user\",\"path\":\"/proc/1/ns/user\"}]")));
	ok(x.r == 0 && x.spec->ns_path[OCI_NS_PID] && x.spec->ns_path[OCI_NS_USER] &&
		   !x.spec->userns,
	   "linux.namespaces: pid and user joined by path");
	res_free(&x);
	x = parse(set(base(), "linux.namespaces", J("[{\"type\":\"mount\"}]")));
	ok(x.r == 0 && x.cfg->unshare == 0, "linux.namespaces: a namespace not listed is shared");
	res_free(&x);
	refused(set(base(), "linux.namespaces", J("[{\"type\":\"mount\"},{\"type\":\"frob\"}]")),
		"linux.namespaces[1]: unknown namespace type frob", "unknown namespace type");
	refused(set(base(), "linux.namespaces", J("[{\"type\":\"mount\"},{\"type\":\"mount\"}]")),
		"linux.namespaces[1]: namespace mount given twice", "a namespace twice");
	refused(set(base(), "linux.namespaces", J("[{\"type\":\"pid\"}]")),
		"linux.namespaces: vb needs a new mount namespace", "no mount namespace");
	refused(set(base(), "linux.namespaces",
		    J("[{\"type\":\"mount\"},{\"type\":\"ipc\",\"path\":\"/proc/1/ns/ipc\"}]")),
		"linux.namespaces[1]: joining a ipc namespace is not supported", "joining ipc");
	refused(set(base(), "linux.namespaces",
		    J("[{\"type\":\"mount\"},{\"type\":\"network\",\"path\":\"run/netns/x\"}]")),
		"linux.namespaces[1]: path must be absolute", "relative namespace path");
	refused(set(base(), "linux.namespaces", J("[{\"type\":\"mount\"},{\"type\":\"time\"}]")),
		"linux.namespaces[1]: time namespaces are not supported", "time namespace");
	refused(set(base(), "linux.namespaces", J("[{\"type\":7}]")),
		"linux.namespaces[0]: expected a string", "namespace type of the wrong type");
	refused(set(base(), "linux.namespaces", J("\"pid\"")),
		"linux.namespaces: expected an array", "namespaces of the wrong type");
}

static void test_idmaps(void)
{
	struct res x;
	json_t *j, *arr;

	j = set(base(), "linux.namespaces", J("[{\"type\":\"mount\"},{\"type\":\"user\"}]"));
	set(j, "linux.uidMappings", J("[{\"containerID\":0,\"hostID\":100000,\"size\":65536}]"));
	set(j, "linux.gidMappings",
	    J("[{\"containerID\":0,\"hostID\":100000,\"size\":1},{\"containerID\":1,\"hostID\":200001,\"size\":9}]"));
	x = parse(j);
	ok(x.r == 0 && x.spec->n_uid_maps == 1 && x.spec->uid_maps[0].host == 100000 &&
		   x.spec->uid_maps[0].size == 65536 && x.spec->n_gid_maps == 2 &&
		   x.spec->gid_maps[1].container == 1 && x.spec->gid_maps[1].host == 200001,
	   "linux.uidMappings/gidMappings");
	res_free(&x);
	refused(set(base(), "linux.uidMappings",
		    J("[{\"containerID\":0,\"hostID\":1,\"size\":1}]")),
		"linux.uidMappings: given without a new user namespace", "mappings without userns");
	j = set(base(), "linux.namespaces", J("[{\"type\":\"mount\"},{\"type\":\"user\"}]"));
	set(j, "linux.uidMappings", J("[{\"containerID\":0,\"hostID\":1}]"));
	refused(j, "linux.uidMappings[0]: needs containerID, hostID and size",
		"mapping without size");
	j = set(base(), "linux.namespaces", J("[{\"type\":\"mount\"},{\"type\":\"user\"}]"));
	set(j, "linux.uidMappings", J("[{\"containerID\":-1,\"hostID\":1,\"size\":1}]"));
	refused(j, "linux.uidMappings: -1 out of range", "negative containerID");
	j = set(base(), "linux.namespaces", J("[{\"type\":\"mount\"},{\"type\":\"user\"}]"));
	arr = json_array();
	for (int i = 0; i < 65; i++)
		json_array_append_new(arr, J("{\"containerID\":0,\"hostID\":1,\"size\":1}"));
	set(j, "linux.uidMappings", arr);
	refused(j, "linux.uidMappings: more than 64 entries", "65 uid mappings");
}

static void test_process(void)
{
	struct res x;
	json_t *j, *arr;

	j = set(base(), "process.user",
		J("{\"uid\":0,\"gid\":0,\"umask\":18,\"additionalGids\":[10,20]}"));
	set(j, "process.terminal", json_true());
	set(j, "process.oomScoreAdj", json_integer(500));
	x = parse(j);
	ok(x.r == 0 && x.spec->have_umask && x.spec->umask == 022 && x.spec->n_groups == 2 &&
		   x.spec->groups[1] == 20,
	   "process.user: umask, additionalGids");
	ok(x.r == 0 && x.spec->terminal, "process.terminal");
	ok(x.r == 0 && x.spec->have_oom_score_adj && x.spec->oom_score_adj == 500,
	   "process.oomScoreAdj");
	res_free(&x);
	j = set(base(), "linux.namespaces", J("[{\"type\":\"mount\"},{\"type\":\"user\"}]"));
	set(j, "process.user", J("{\"uid\":1000,\"gid\":100}"));
	x = parse(j);
	ok(x.r == 0 && x.cfg->have_uid && x.cfg->uid == 1000 && x.cfg->have_gid &&
		   x.cfg->gid == 100,
	   "process.user.uid/gid -> --uid/--gid");
	res_free(&x);
	x = parse(set(
		base(), "process.capabilities",
		J("{\"bounding\":[\"CAP_NET_BIND_SERVICE\",\"CAP_SYS_ADMIN\"],"
		  "\"effective\":[\"CAP_NET_BIND_SERVICE\"],\"permitted\":[\"CAP_NET_BIND_SERVICE\"],"
		  "\"inheritable\":[],\"ambient\":[]}")));
	ok(x.r == 0 &&
		   x.cfg->caps_add == ((1ull << CAP_NET_BIND_SERVICE) | (1ull << CAP_SYS_ADMIN)),
	   "process.capabilities: five sets");
	res_free(&x);
	x = parse(set(base(), "process.capabilities", J("{}")));
	ok(x.r == 0 && x.cfg->caps_set && x.cfg->caps_add == 0,
	   "process.capabilities: empty sets drop everything");
	res_free(&x);
	x = parse(set(base(), "process.noNewPrivileges", json_true()));
	ok(x.r == 0, "process.noNewPrivileges (vb always sets it)");
	res_free(&x);
	x = parse(set(
		base(), "process.rlimits",
		J("[{\"type\":\"RLIMIT_NPROC\",\"soft\":10,\"hard\":20},"
		  "{\"type\":\"RLIMIT_CORE\",\"soft\":9223372036854775807,\"hard\":9223372036854775807}]")));
	ok(x.r == 0, "process.rlimits: numbers up to INT64_MAX");
	if (x.r < 0)
		diag("%s", x.err.message);
	res_free(&x);
	{
		/* jansson reads integers as long long: RLIM_INFINITY written
		 * as 2^64-1 is a parse error, on one line. */
		static const char inf[] =
			"{\"ociVersion\":\"1.0.0\",\"process\":{\"rlimits\":"
			"[{\"type\":\"RLIMIT_CORE\",\"soft\":18446744073709551615}]}}";

		x = parse_text(inf, strlen(inf), false);
		ok(x.r < 0 && strstr(x.err.message, "too big integer") &&
			   !strchr(x.err.message, '\n'),
		   "process.rlimits: 2^64-1 is refused with the parser's message");
		res_free(&x);
	}
	refused(set(base(), "process.args", J("[]")), "process.args: missing or empty",
		"empty args");
	refused(set(base(), "process.args", J("\"/bin/true\"")), "process.args: expected an array",
		"args of the wrong type");
	refused(set(base(), "process.args", J("[\"a\", 2]")), "process.args[1]: expected a string",
		"an argument that is a number");
	refused(set(base(), "process.env", J("[\"NOEQUALS\"]")),
		"process.env: \"NOEQUALS\" is not NAME=VALUE", "env without =");
	refused(set(base(), "process.cwd", json_string("relative")),
		"process.cwd: must be an absolute path", "relative cwd");
	refused(set(base(), "process.user", J("{\"uid\":\"root\"}")),
		"process.user.uid: expected an integer", "uid of the wrong type");
	x = parse(set(base(), "process.user", J("{\"uid\":1000}")));
	ok(x.r == 0 && vb_config_validate(x.cfg, &x.err) < 0 &&
		   strcmp(x.err.message, "Specifying --uid requires --unshare-user or --userns") ==
			   0,
	   "process.user.uid without a user namespace: refused by vb_config_validate() (as root)");
	res_free(&x);
	refused(set(base(), "process.user", J("{\"umask\":4096}")),
		"process.user.umask: 4096 out of range", "umask out of range");
	refused(set(base(), "process.user", J("{\"additionalGids\":[\"wheel\"]}")),
		"process.user.additionalGids[0]: expected a gid", "a group that is a name");
	refused(set(base(), "process.capabilities", J("{\"bounding\":[\"CAP_FROB\"]}")),
		"process.capabilities: unknown cap: CAP_FROB", "unknown capability");
	refused(set(base(), "process.capabilities",
		    J("{\"bounding\":[\"CAP_KILL\"],\"effective\":[\"CAP_CHOWN\"]}")),
		"process.capabilities.effective: CAP_CHOWN is not in the bounding set",
		"effective beyond bounding");
	refused(set(base(), "process.rlimits",
		    J("[{\"type\":\"RLIMIT_FROB\",\"soft\":1,\"hard\":1}]")),
		"process.rlimits[0]: unknown type RLIMIT_FROB", "unknown rlimit");
	refused(set(base(), "process.rlimits",
		    J("[{\"type\":\"RLIMIT_NOFILE\",\"soft\":2,\"hard\":1}]")),
		"process.rlimits[0]: soft limit above the hard limit", "soft above hard");
	refused(set(base(), "process.rlimits",
		    J("[{\"type\":\"RLIMIT_NOFILE\",\"soft\":-1,\"hard\":1}]")),
		"process.rlimits[0]: negative", "negative rlimit");
	refused(set(base(), "process.rlimits", J("[{\"type\":\"RLIMIT_NOFILE\"}]")),
		"process.rlimits[0]: needs type, soft and hard", "rlimit without values");
	refused(set(base(), "process.oomScoreAdj", json_integer(1001)),
		"process.oomScoreAdj: 1001 out of range", "oomScoreAdj out of range");
	refused(set(base(), "process.noNewPrivileges", json_integer(1)),
		"process.noNewPrivileges: expected a boolean", "noNewPrivileges of the wrong type");
	refused(set(base(), "process.terminal", json_string("true")),
		"process.terminal: expected a boolean", "terminal of the wrong type");
	refused(set(base(), "process.apparmorProfile", json_string("x")),
		"process.apparmorProfile: AppArmor is not supported", "apparmor");
	{
		static const char nul[] =
			"{\"ociVersion\":\"1.0.0\",\"process\":{\"args\":[\"a\\u0000b\"]}}";

		x = parse_text(nul, strlen(nul), false);
		ok(x.r < 0 && strstr(x.err.message, "\\u0000 is not allowed"),
		   "an argument with a NUL byte is refused by the parser");
		res_free(&x);
	}
	arr = json_array();
	for (int i = 0; i < 4097; i++)
		json_array_append_new(arr, json_string("A=b"));
	refused(set(base(), "process.env", arr), "process.env: more than 4096 entries",
		"4097 env entries");
	{
		json_t *p = json_object_get(j = base(), "process");
		char *s = json_dumps(p, 0);

		x = parse_text(s, strlen(s), true);
		ok(x.r == 0 && x.cfg->argc == 1 && x.cfg->n_ops == 0,
		   "a process.json alone (exec --process): the process fields only");
		res_free(&x);
		free(s);
		json_decref(j);
	}
	j = base();
	json_object_del(j, "process");
	refused(j, "process: missing", "no process");
}

static void test_linux(void)
{
	struct res x;
	json_t *j;
	char path[PATH_MAX + 32];

	x = parse(set(
		base(), "linux.resources",
		J("{\"memory\":{\"limit\":67108864,\"swap\":134217728},"
		  "\"cpu\":{\"quota\":50000,\"period\":100000,\"shares\":1024},"
		  "\"pids\":{\"limit\":100},\"blockIO\":{\"weight\":500},"
		  "\"devices\":[{\"allow\":false,\"access\":\"rwm\"},{\"allow\":true,\"type\":\"c\",\"major\":1,\"minor\":3,\"access\":\"rwm\"}]}")));
	ok(x.r == 0 && x.cfg->cg && x.cfg->cg->have_memory && x.cfg->cg->memory == 67108864,
	   "linux.resources.memory.limit -> --memory");
	ok(x.r == 0 && x.cfg->cg && x.cfg->cg->have_swap && x.cfg->cg->memory_swap == 67108864,
	   "linux.resources.memory.swap (memory+swap) -> --memory-swap (swap alone)");
	ok(x.r == 0 && x.cfg->cg && x.cfg->cg->cpus_milli == 500,
	   "linux.resources.cpu quota/period -> --cpus 0.5");
	ok(x.r == 0 && x.cfg->cg && x.cfg->cg->cpu_weight == 39,
	   "linux.resources.cpu.shares 1024 -> --cpu-weight 39 (crun's conversion)");
	ok(x.r == 0 && x.cfg->cg && x.cfg->cg->have_pids && x.cfg->cg->pids_max == 100,
	   "linux.resources.pids.limit -> --pids-max");
	ok(x.r == 0 && x.cfg->cg && x.cfg->cg->io_weight == 5000,
	   "linux.resources.blockIO.weight -> --io-weight");
	if (x.r < 0)
		diag("%s", x.err.message);
	res_free(&x);
	x = parse(set(base(), "linux.resources",
		      J("{\"memory\":{\"limit\":-1},\"pids\":{\"limit\":0}}")));
	ok(x.r == 0 && !x.cfg->cg, "linux.resources: -1 and 0 mean no limit");
	res_free(&x);
	refused(set(base(), "linux.resources", J("{\"memory\":{\"limit\":\"64m\"}}")),
		"linux.resources.memory.limit: expected an integer",
		"memory limit of the wrong type");
	refused(set(base(), "linux.resources",
		    J("{\"memory\":{\"limit\":67108864,\"swap\":4096}}")),
		"linux.resources.memory.swap: below the memory limit", "swap below memory");
	refused(set(base(), "linux.resources", J("{\"cpu\":{\"cpus\":\"0-1\"}}")),
		"linux.resources.cpu: cpus, mems and realtime are not supported", "cpuset");
	refused(set(base(), "linux.resources",
		    J("{\"devices\":[{\"allow\":true,\"access\":\"rwm\"}]}")),
		"linux.resources.devices[0]: allowing all devices is not supported",
		"all devices allowed");
	refused(set(base(), "linux.resources",
		    J("{\"hugepageLimits\":[{\"pageSize\":\"2MB\",\"limit\":1}]}")),
		"linux.resources.hugepageLimits: not supported", "hugepage limits");

	x = parse(set(
		base(), "linux.seccomp",
		J("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":38,"
		  "\"architectures\":[\"SCMP_ARCH_X86_64\",\"SCMP_ARCH_X86\"],"
		  "\"syscalls\":[{\"names\":[\"read\",\"write\",\"no_such_syscall_xyz\"],\"action\":\"SCMP_ACT_ALLOW\"},"
		  "{\"names\":[\"personality\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":0,\"value\":0,\"op\":\"SCMP_CMP_EQ\"}]},"
		  "{\"names\":[\"mkdir\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":1}]}")));
	{
		struct stat st;

		ok(x.r == 0 && x.cfg->n_seccomp_fds == 1 &&
			   fstat(x.cfg->seccomp_fds[0], &st) == 0 && st.st_size > 0 &&
			   st.st_size % 8 == 0,
		   "linux.seccomp: compiled into one BPF program for --add-seccomp-fd");
		if (x.r < 0)
			diag("%s", x.err.message);
	}
	res_free(&x);
	refused(set(base(), "linux.seccomp",
		    J("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"read\"],\"action\":\"SCMP_ACT_NOTIFY\"}]}")),
		"linux.seccomp.syscalls[0]: SCMP_ACT_NOTIFY is not supported (no listenerPath agent)",
		"seccomp notify");
	refused(set(base(), "linux.seccomp",
		    J("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"listenerPath\":\"/run/x\"}")),
		"linux.seccomp.listenerPath: seccomp notify is not supported",
		"seccomp listenerPath");
	refused(set(base(), "linux.seccomp", J("{\"defaultAction\":\"SCMP_ACT_FROB\"}")),
		"linux.seccomp.defaultAction: unknown action SCMP_ACT_FROB",
		"unknown seccomp action");
	refused(set(base(), "linux.seccomp",
		    J("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"architectures\":[\"SCMP_ARCH_VAX\"]}")),
		"linux.seccomp.architectures[0]: unknown architecture SCMP_ARCH_VAX",
		"unknown arch");
	refused(set(base(), "linux.seccomp",
		    J("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ERRNO\","
		      "\"args\":[{\"index\":0,\"value\":0,\"op\":\"SCMP_CMP_FROB\"}]}]}")),
		"linux.seccomp.syscalls[0].args[0]: unknown op SCMP_CMP_FROB",
		"unknown seccomp op");
	refused(set(base(), "linux.seccomp", J("{}")), "linux.seccomp.defaultAction: missing",
		"seccomp without a default");

	snprintf(path, sizeof(path), "%s/rootfs/masked-dir", bundle);
	(void)mkdir(path, 0755);
	x = parse(set(base(), "linux.maskedPaths",
		      J("[\"/proc/kmsg\",\"/masked-dir\",\"/proc/does-not-exist\"]")));
	ok(x.r == 0 && find_op(x.cfg, VB_OP_RO_BIND, "/proc/kmsg") &&
		   strcmp(find_op(x.cfg, VB_OP_RO_BIND, "/proc/kmsg")->src, "/dev/null") == 0,
	   "linux.maskedPaths: a file gets /dev/null");
	ok(x.r == 0 && find_op(x.cfg, VB_OP_TMPFS, "/masked-dir") &&
		   find_op(x.cfg, VB_OP_REMOUNT_RO, "/masked-dir"),
	   "linux.maskedPaths: a directory gets a read-only tmpfs");
	ok(x.r == 0 && !find_op(x.cfg, VB_OP_RO_BIND, "/proc/does-not-exist"),
	   "linux.maskedPaths: a path that is not there is skipped");
	res_free(&x);
	x = parse(set(base(), "linux.readonlyPaths", J("[\"/proc/sys\",\"/proc/bus\"]")));
	ok(x.r == 0 && find_op(x.cfg, VB_OP_RO_BIND, "/proc/sys") &&
		   find_op(x.cfg, VB_OP_RO_BIND, "/proc/bus"),
	   "linux.readonlyPaths: bound read-only onto themselves");
	res_free(&x);
	refused(set(base(), "linux.maskedPaths", J("[\"proc/kcore\"]")),
		"linux.maskedPaths: proc/kcore is not an absolute path", "relative masked path");
	refused(set(base(), "linux.readonlyPaths", J("[3]")),
		"linux.readonlyPaths[0]: expected a string", "readonly path that is a number");

	x = parse(set(base(), "linux.devices",
		      J("[{\"path\":\"/dev/null\",\"type\":\"c\",\"major\":1,\"minor\":3}]")));
	ok(x.r == 0 && find_op(x.cfg, VB_OP_DEV_BIND, "/dev/null"),
	   "linux.devices: the host's node, bound");
	res_free(&x);
	refused(set(base(), "linux.devices",
		    J("[{\"path\":\"/dev/no-such-device\",\"type\":\"c\"}]")),
		"linux.devices[0]: /dev/no-such-device is not a device of the host",
		"missing device");
	refused(set(base(), "linux.devices", J("[{\"path\":\"/dev/null\",\"type\":\"q\"}]")),
		"linux.devices[0]: unknown type q", "unknown device type");

	x = parse(set(base(), "linux.sysctl", J("{\"net.ipv4.ping_group_range\":\"0 0\"}")));
	ok(x.r == 0 && x.spec->n_sysctl == 1 &&
		   strcmp(x.spec->sysctl[0], "net.ipv4.ping_group_range") == 0 &&
		   strcmp(x.spec->sysctl[1], "0 0") == 0,
	   "linux.sysctl");
	res_free(&x);
	refused(set(base(), "linux.sysctl", J("{\"kernel.x\":1}")),
		"linux.sysctl.kernel.x: expected a string", "sysctl value of the wrong type");
	refused(set(base(), "linux.sysctl", J("{\"../../x\":\"1\"}")),
		"linux.sysctl: bad name ../../x", "sysctl name escaping /proc/sys");

	j = set(base(), "hooks",
		J("{\"prestart\":[{\"path\":\"/bin/true\",\"args\":[\"true\"],\"env\":[\"A=1\"],\"timeout\":5}],"
		  "\"poststop\":[{\"path\":\"/bin/true\"}]}"));
	x = parse(j);
	ok(x.r == 0 && x.spec->n_hooks[OCI_HOOK_PRESTART] == 1 &&
		   strcmp(x.spec->hooks[OCI_HOOK_PRESTART][0].path, "/bin/true") == 0 &&
		   x.spec->hooks[OCI_HOOK_PRESTART][0].timeout == 5 &&
		   x.spec->n_hooks[OCI_HOOK_POSTSTOP] == 1,
	   "hooks: prestart and poststop");
	res_free(&x);
	refused(set(base(), "hooks", J("{\"createContainer\":[{\"path\":\"/bin/true\"}]}")),
		"hooks.createContainer: not supported", "createContainer hooks");
	refused(set(base(), "hooks", J("{\"poststart\":[{\"path\":\"true\"}]}")),
		"hooks.poststart[0]: path must be absolute", "relative hook path");
	refused(set(base(), "domainname", json_string("example.org")), "domainname: not supported",
		"domainname");
	refused(set(base(), "hostname", json_integer(3)), "hostname: expected a string",
		"hostname of the wrong type");
	x = parse(set(base(), "annotations", J("{\"org.example\":\"anything\"}")));
	ok(x.r == 0, "annotations: ignored");
	res_free(&x);
	refused(set(base(), "linux.cgroupsPath", json_integer(1)),
		"linux.cgroupsPath: expected a string", "cgroupsPath of the wrong type");
}

static void test_malformed(void)
{
	struct res x;
	static const char trunc[] = "{ \"ociVersion\": \"1.0.2\", \"root\": ";
	static const char dup[] = "{ \"ociVersion\": \"1.0.2\", \"ociVersion\": \"1.0.2\" }";

	x = parse_text(trunc, strlen(trunc), false);
	ok(x.r < 0 && strncmp(x.err.message, "config.json:1:", 14) == 0 &&
		   !strchr(x.err.message, '\n'),
	   "truncated JSON: config.json:LINE:COLUMN: the parser's words");
	diag("%s", x.err.message);
	res_free(&x);
	x = parse_text(dup, strlen(dup), false);
	ok(x.r < 0 && strstr(x.err.message, "duplicate"), "a key given twice is refused");
	res_free(&x);
	x = parse_text("[]", 2, false);
	ok(x.r < 0 && strcmp(x.err.message, "config: expected an object") == 0,
	   "a config that is an array");
	res_free(&x);
	x = parse_text("", 0, false);
	ok(x.r < 0 && strncmp(x.err.message, "config.json:", 12) == 0, "an empty file");
	res_free(&x);
	refused(set(base(), "ociVersion", json_string("2.0.0")),
		"ociVersion: 2.0.0 is not supported (1.x)", "ociVersion 2");
	refused(set(base(), "ociVersion", json_integer(1)), "ociVersion: expected a string",
		"ociVersion of the wrong type");
	{
		json_t *j = base();

		json_object_del(j, "linux");
		refused(j, "linux: missing (vb runs Linux containers)", "no linux object");
	}
	{
		json_t *arr = json_array();

		for (int i = 0; i < 5000; i++)
			json_array_append_new(arr,
					      J("{\"destination\":\"/x\",\"type\":\"tmpfs\"}"));
		refused(set(base(), "mounts", arr), "mounts: more than 4096 entries",
			"5000 mounts");
	}
	{
		size_t n = OCI_MAX_CONFIG + 2;
		char *big = malloc(n);

		memset(big, ' ', n);
		x = parse_text(big, n, false);
		ok(x.r < 0 && strcmp(x.err.message, "config.json: larger than 4194304 bytes") == 0,
		   "a config.json beyond 4 MiB");
		res_free(&x);
		free(big);
	}
	{
		vb_config *cfg = vb_config_new();
		struct oci_spec *spec = NULL;
		vb_error err = { 0 };
		int r = oci_spec_load("/nonexistent-bundle", cfg, &spec, &err);

		ok(r == -ENOENT &&
			   strcmp(err.message, "Can't open /nonexistent-bundle/config.json") == 0,
		   "a bundle without config.json");
		vb_config_free(cfg);
	}
}

int main(void)
{
	char path[PATH_MAX + 16];

	if (!mkdtemp(bundle)) {
		printf("Bail out! mkdtemp\n");
		return 1;
	}
	snprintf(path, sizeof(path), "%s/rootfs", bundle);
	(void)mkdir(path, 0755);
	test_base();
	test_root();
	test_mounts();
	test_namespaces();
	test_idmaps();
	test_process();
	test_linux();
	test_malformed();
	snprintf(path, sizeof(path), "rm -rf '%s'", bundle);
	(void)!system(path);
	return tap_end();
}
