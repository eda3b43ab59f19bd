/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * --pty: the command gets a pseudo-terminal of its own (session leader with
 * it as controlling terminal), so that it can't push input into the
 * caller's terminal (TIOCSTI) and job control still works inside.  The
 * parent puts the caller's terminal in raw mode and relays both ways from
 * its wait loop; the terminal is restored by a rollback step, which runs on
 * every way out of the sandbox (end, setup failure, vb_sandbox_free()).
 */
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <termios.h>

#include "hooks.h"

/* Per-sandbox relay state (sb->pty; an undo record owns it).  The child,
 * a clone of the same process image, finds its slave here too. */
struct vb_pty_state {
	int master, slave;
	int child_master; /* the child's pty from the sandbox's devpts, or -1 */
	bool restore;
	struct termios saved;
	struct vb_sandbox *sb;
};

VB_EXPORT int vb_config_pty(vb_config *cfg, vb_error *err)
{
	int r;

	if (!cfg)
		return vb_err(err, VB_STAGE_CONFIG, -1, EINVAL, "Invalid argument");
	r = vb_config_option_end(cfg, err);
	if (r < 0)
		return r;
	cfg->pty = true;
	return 0;
}

static void sync_winsize(struct vb_pty_state *ps)
{
	struct winsize ws;

	if (ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) == 0)
		(void)ioctl(ps->master, TIOCSWINSZ, &ws);
}

static int copy_out(struct vb_pty_state *ps)
{
	char buf[4096];
	ssize_t n = read(ps->master, buf, sizeof(buf));

	if (n > 0)
		return vb_write_all(STDOUT_FILENO, buf, (size_t)n) < 0 ? 0 : 1;
	return n < 0 && errno == EAGAIN ? 1 : 0;
}

static void undo_pty(void *data)
{
	struct vb_pty_state *ps = data;

	if (ps->master >= 0) {
		/* What the command wrote last is still in the pty. */
		(void)fcntl(ps->master, F_SETFL, O_NONBLOCK);
		while (copy_out(ps) > 0)
			;
	}
	if (ps->restore)
		(void)tcsetattr(STDIN_FILENO, TCSAFLUSH, &ps->saved);
	if (ps->master >= 0)
		(void)close(ps->master);
	if (ps->slave >= 0)
		(void)close(ps->slave);
	ps->sb->pty = NULL;
}

static int on_master(struct vb_sandbox *sb _unused_, struct vb_waiter *w, short revents)
{
	struct vb_pty_state *ps = w->data;

	sync_winsize(ps);
	if ((revents & POLLIN) && copy_out(ps) > 0)
		return 0;
	/* EOF/EIO: every holder of the slave closed it; stop polling. */
	w->fd = -1;
	return 0;
}

static int on_stdin(struct vb_sandbox *sb, struct vb_waiter *w, short revents)
{
	struct vb_pty_state *ps = w->data;
	char buf[4096];
	ssize_t n;

	sync_winsize(ps);
	if (revents & POLLIN) {
		n = read(STDIN_FILENO, buf, sizeof(buf));
		if (n > 0) {
			(void)vb_write_all(ps->master, buf, (size_t)n);
			return 0;
		}
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			return 0;
	}
	/* The caller's terminal went away (a raw tty reads EOF or EIO only
	 * once hung up).  Its SIGHUP went to vb, the session leader out there,
	 * not to the command in its own session: pass the hangup on as a
	 * terminal does.  Closing the master hangs up the pty, and the kernel
	 * sends SIGHUP and SIGCONT to the session leader inside, which would
	 * otherwise run on with nobody at its terminal. */
	w->fd = -1;
	for (size_t i = 0; i < sb->n_waiters; i++)
		if (sb->waiters[i].cb == on_master)
			sb->waiters[i].fd = -1;
	if (ps->master >= 0) {
		(void)close(ps->master);
		ps->master = -1;
	}
	return 0;
}

bool pty_winch(struct vb_sandbox *sb)
{
	for (size_t i = 0; i < sb->n_waiters; i++) {
		if (sb->waiters[i].cb == on_master) {
			/* A change of size makes the kernel send SIGWINCH to the
			 * pty's foreground process group. */
			sync_winsize(sb->waiters[i].data);
			return true;
		}
	}
	return false;
}

/* Parent, before clone. */
int pty_prepare(struct vb_sandbox *sb, vb_error *err)
{
	struct vb_pty_state *ps;
	struct termios raw;
	char name[128];
	int r;

	if (!sb->cfg->pty)
		return 0;
	if (!isatty(STDIN_FILENO))
		return vb_err(err, VB_STAGE_PREPARE, -1, 0,
			      "--pty needs a terminal on stdin (stdin is not a tty)");
	ps = calloc(1, sizeof(*ps));
	if (!ps)
		return vb_err(err, VB_STAGE_PREPARE, -1, ENOMEM, "Out of memory");
	ps->slave = ps->child_master = -1;
	ps->sb = sb;
	sb->pty = ps;
	ps->master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	r = vb_rollback_push(&sb->rb, undo_pty, ps, true);
	if (r < 0)
		return vb_err(err, VB_STAGE_PREPARE, -1, -r, "Out of memory");
	if (ps->master < 0 || grantpt(ps->master) < 0 || unlockpt(ps->master) < 0 ||
	    ptsname_r(ps->master, name, sizeof(name)) != 0)
		return vb_err(err, VB_STAGE_PREPARE, -1, errno, "Can't create a pseudo-terminal");
	ps->slave = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (ps->slave < 0)
		return vb_err(err, VB_STAGE_PREPARE, -1, errno, "Can't open %s", name);
	if (tcgetattr(STDIN_FILENO, &ps->saved) == 0) {
		(void)tcsetattr(ps->slave, TCSANOW, &ps->saved);
		raw = ps->saved;
		cfmakeraw(&raw);
		if (tcsetattr(STDIN_FILENO, TCSANOW, &raw) == 0)
			ps->restore = true;
	}
	sync_winsize(ps);
	(void)fcntl(ps->master, F_SETFL, O_NONBLOCK);
	if (vb_sandbox_add_waiter(sb, ps->master, POLLIN, on_master, ps) < 0 ||
	    vb_sandbox_add_waiter(sb, STDIN_FILENO, POLLIN, on_stdin, ps) < 0)
		return vb_err(err, VB_STAGE_PREPARE, -1, ENOSPC, "Too many waiters");
	return 0;
}

/* Parent, after clone: the slave belongs to the child now. */
int pty_spawned(struct vb_sandbox *sb)
{
	if (sb->pty && sb->pty->slave >= 0) {
		(void)close(sb->pty->slave);
		sb->pty->slave = -1;
	}
	return 0;
}

/* vb's PID 1, which never execs: it must not keep the pty open.  Holding
 * the master (inherited across clone, CLOEXEC never applies) it would keep
 * the pty alive after the relay closed it on a hangup, and the command
 * would never get its SIGHUP. */
void pty_pid1(struct vb_sandbox *sb)
{
	if (!sb->pty)
		return;
	if (sb->pty->master >= 0)
		(void)close(sb->pty->master);
	if (sb->pty->slave >= 0)
		(void)close(sb->pty->slave);
}

/* Child, after the credentials: a pty from the devpts the sandbox sees at
 * /dev/ptmx, so that the terminal is at its name inside (tty(1),
 * ttyname(3)) whatever /dev the command line built: with --dev, a devpts of
 * the sandbox's own, where the caller's ptys do not exist.  It gets the
 * settings and size of the one vb made; its master goes up to vb with the
 * child's report (pty_child_master(), pty_take_master()).  Without a ptmx
 * inside, the pty vb made before clone is the command's.  Opened as the
 * command, and only a ptmx node (5:2): what the command line put at
 * /dev/ptmx is never opened otherwise.  Returns the slave to use.  The
 * command may share PID 1's memory until its exec (spawn_command()'s
 * CLONE_VM): ps->slave, which PID 1 closes, is left as it is; child_master
 * is the command's alone. */
static int open_inside(struct vb_pty_state *ps)
{
	struct stat st;
	struct termios t;
	struct winsize ws;
	int m, s, unlock = 0;

	if (stat("/dev/ptmx", &st) < 0 || !S_ISCHR(st.st_mode) || st.st_rdev != makedev(5, 2))
		return ps->slave;
	m = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (m < 0)
		return ps->slave;
	if (ioctl(m, TIOCSPTLCK, &unlock) < 0 ||
	    (s = ioctl(m, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC)) < 0) {
		(void)close(m);
		return ps->slave;
	}
	if (tcgetattr(ps->slave, &t) == 0)
		(void)tcsetattr(s, TCSANOW, &t);
	if (ioctl(ps->slave, TIOCGWINSZ, &ws) == 0)
		(void)ioctl(s, TIOCSWINSZ, &ws);
	(void)close(ps->slave);
	ps->child_master = m;
	return s;
}

/* Child, just before exec: a session of its own, the pty as controlling
 * terminal and as stdio. */
int pty_child(struct vb_sandbox *sb, vb_error *err)
{
	struct vb_pty_state *ps = sb->pty;
	int slave;

	if (!ps || ps->slave < 0)
		return 0;
	slave = open_inside(ps);
	if (setsid() < 0 && errno != EPERM)
		return vb_err(err, VB_STAGE_EXEC, -1, errno, "setsid");
	if (ioctl(slave, TIOCSCTTY, 0) < 0)
		return vb_err(err, VB_STAGE_EXEC, -1, errno,
			      "Can't make the pty the controlling terminal");
	for (int fd = 0; fd <= 2; fd++)
		if (dup2(slave, fd) < 0)
			return vb_err(err, VB_STAGE_EXEC, -1, errno, "dup2");
	if (slave > 2)
		(void)close(slave);
	return 0;
}

int pty_child_master(const struct vb_sandbox *sb)
{
	return sb->pty ? sb->pty->child_master : -1;
}

void pty_take_master(struct vb_sandbox *sb, int fd)
{
	struct vb_pty_state *ps = sb->pty;

	if (!ps || ps->master < 0) {
		(void)close(fd);
		return;
	}
	(void)fcntl(fd, F_SETFL, O_NONBLOCK);
	for (size_t i = 0; i < sb->n_waiters; i++)
		if (sb->waiters[i].cb == on_master && sb->waiters[i].fd == ps->master)
			sb->waiters[i].fd = fd;
	(void)close(ps->master);
	ps->master = fd;
}
