#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""tests/pty-drive.py: runs a command on a pseudo-terminal of its own, as a
user at a terminal would, for tests/pty.t and tests/probes.t (CI has no
terminal, and script(1) can neither resize nor type at the right moment).

    pty-drive.py SCENARIO [--rows R --cols C] -- ARGV...

The command is the session leader of a new pty with it as controlling
terminal and stdio; the outer slave stays open here as well, so that its
termios and input queue can be looked at after the command ends.  With
--leak the slave is also the command's fd 5 (a terminal fd that leaked into
a sandbox).  Results go to stdout as "key value" lines; the exit status is
0 unless the driver itself failed (then a "driver-error" line says why).

Waits are bounded (--timeout, default 60s) so that a broken vb fails the
test instead of hanging it; no result depends on how long anything takes.
On a timeout the command's process group is killed: vb and its PID 1 (the
sandbox's pid namespace goes with it).
"""
import argparse
import errno
import fcntl
import os
import re
import select
import signal
import struct
import sys
import termios

# Signals the scenarios rely on start at their defaults whatever the runner
# left ignored (nohup, some CI runners): an ignored SIGHUP is inherited
# through exec by vb and the command, and a hangup would then end nothing.
for _sig in (signal.SIGHUP, signal.SIGINT, signal.SIGQUIT, signal.SIGTERM, signal.SIGTSTP,
             signal.SIGTTIN, signal.SIGTTOU):
    if signal.getsignal(_sig) == signal.SIG_IGN:
        signal.signal(_sig, signal.SIG_DFL)
import time


class Fail(Exception):
    pass


class Term:
    def __init__(self, argv, rows, cols, leak, timeout):
        self.timeout = timeout
        self.buf = b""
        self.all = b""  # the whole transcript
        self.master, self.slave = os.openpty()
        self.setsize(rows, cols)
        self.outer_rdev = os.fstat(self.slave).st_rdev
        self.before = termios.tcgetattr(self.slave)
        self.pid = os.fork()
        if self.pid == 0:
            try:
                os.setsid()
                fcntl.ioctl(self.slave, termios.TIOCSCTTY, 0)
                for fd in (0, 1, 2):
                    os.dup2(self.slave, fd)
                if leak:
                    if self.slave != 5:
                        os.dup2(self.slave, 5)
                    os.set_inheritable(5, True)  # unlike openpty's fds
                os.execvp(argv[0], argv)
            except OSError as e:
                os.write(2, ("exec %s: %s\n" % (argv[0], e)).encode())
            os._exit(127)
        self.status = None

    def setsize(self, rows, cols):
        fcntl.ioctl(self.master, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))

    def _read(self, wait):
        r, _, _ = select.select([self.master], [], [], wait)
        if not r:
            return False
        try:
            data = os.read(self.master, 65536)
        except OSError as e:
            if e.errno != errno.EIO:
                raise
            data = b""
        if not data:
            return False
        self.buf += data
        self.all += data
        return True

    def expect(self, pattern, what=None):
        """Reads until pattern (a bytes regex) shows in the output since the
        last match; returns the match."""
        rx = re.compile(pattern)
        end = time.monotonic() + self.timeout
        while True:
            m = rx.search(self.buf)
            if m:
                self.buf = self.buf[m.end():]
                return m
            if self.status is not None and not self._read(0):
                raise Fail("exited before %s; output %r" % (what or pattern, self.buf[-400:]))
            left = end - time.monotonic()
            if left <= 0:
                raise Fail("no %s within %ss; output %r" % (what or pattern, self.timeout,
                                                           self.buf[-400:]))
            if not self._read(min(left, 0.2)):
                self.poll()

    def send(self, data):
        os.write(self.master, data)

    def poll(self):
        if self.status is None:
            pid, st = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self.status = st
        return self.status

    def wait(self):
        """Waits for the command, draining its output; returns the exit
        status as a shell reports it."""
        end = time.monotonic() + self.timeout
        while self.poll() is None:
            if time.monotonic() > end:
                os.killpg(self.pid, signal.SIGKILL)
                os.waitpid(self.pid, 0)
                raise Fail("command did not end within %ss; output %r" % (self.timeout,
                                                                        self.buf[-400:]))
            self._read(0.1)
        while self._read(0):
            pass
        st = self.status
        return os.WEXITSTATUS(st) if os.WIFEXITED(st) else 128 + os.WTERMSIG(st)

    def after(self):
        """What the caller's terminal looks like now: termios as before,
        and whatever sits in its input queue."""
        same = termios.tcgetattr(self.slave) == self.before
        fl = fcntl.fcntl(self.slave, fcntl.F_GETFL)
        fcntl.fcntl(self.slave, fcntl.F_SETFL, fl | os.O_NONBLOCK)
        try:
            queued = os.read(self.slave, 4096)
        except OSError:
            queued = b""
        return same, queued


def out(key, value):
    print("%s %s" % (key, value), flush=True)


# ---- scenarios ---------------------------------------------------------------
# Each gets the Term with the command started and reports what it saw.

def sc_run(t, a):
    """Just run: output, status, terminal afterwards."""
    st = t.wait()
    same, queued = t.after()
    out("status", st)
    out("termios", "same" if same else "differ")
    out("queued", repr(queued))
    out("output", repr(t.buf))
    out("outer-rdev", "%d:%d" % (os.major(t.outer_rdev), os.minor(t.outer_rdev)))


def sc_resize(t, a):
    """The command prints READY and then, on SIGWINCH, its size: the outer
    terminal is resized and vb is sent SIGWINCH (what a terminal emulator's
    resize does: the kernel signals the foreground group, vb)."""
    t.expect(rb"READY", "READY")
    t.setsize(a.rows2, a.cols2)
    os.kill(t.pid, signal.SIGWINCH)
    m = t.expect(rb"SIZE (\d+) (\d+)", "SIZE after the resize")
    out("size", "%s %s" % (m.group(1).decode(), m.group(2).decode()))
    sc_run(t, a)


def sc_signal(t, a):
    """vb itself gets a signal (a.sig) once the command printed READY."""
    t.expect(rb"READY", "READY")
    os.kill(t.pid, a.sig)
    sc_run(t, a)


def sc_hangup(t, a):
    """The caller's terminal goes away (its master is closed: a terminal
    window shut) once the command printed READY: the command must be told
    (SIGHUP, as a terminal's hangup does) and vb must end."""
    t.expect(rb"READY", "READY")
    os.close(t.master)
    end = time.monotonic() + t.timeout
    while t.poll() is None:
        if time.monotonic() > end:
            out("ended", "no")
            os.killpg(t.pid, signal.SIGKILL)
            os.waitpid(t.pid, 0)
            return
        time.sleep(0.05)
    st = t.status
    out("ended", "yes")
    out("status", os.WEXITSTATUS(st) if os.WIFEXITED(st) else 128 + os.WTERMSIG(st))


def sc_jobctl(t, a):
    """An interactive shell: a foreground job stopped with ^Z and brought
    back with fg, then fed a line and ^D."""
    prompt = rb"vbprompt\$ "
    t.expect(prompt, "the first prompt")
    # The job prints ST''ART (so the echoed command line does not match)
    # and becomes cat: once START shows, ^Z is for the job.
    t.send(b"sh -c 'echo ST''ART; exec cat'\n")
    t.expect(rb"START", "the job's START")
    t.send(b"\x1a")
    t.expect(rb"Stopped", "the job stopped by ^Z")
    t.expect(prompt, "the prompt after ^Z")
    out("stopped", "yes")
    t.send(b"jobs -l\n")
    t.expect(rb"Stopped", "jobs listing the stopped job")
    t.expect(prompt, "the prompt after jobs")
    t.send(b"fg\n")
    t.expect(rb"exec cat", "fg naming the job")
    t.send(b"hello\n")
    t.expect(rb"hello\r?\n(?:\r)?hello", "cat's echo of the line")
    out("resumed", "yes")
    t.send(b"\x04")
    t.expect(prompt, "the prompt after the job ended")
    t.send(b"exit\n")
    # bash's complaints when it is not a session leader with a ctty
    bad = re.search(rb"no job control|cannot set terminal process group|"
                    rb"Inappropriate ioctl", t.all)
    out("jobctl-complaint", repr(bad.group(0)) if bad else "none")
    sc_run(t, a)


SCENARIOS = {"run": sc_run, "resize": sc_resize, "signal": sc_signal, "jobctl": sc_jobctl,
             "hangup": sc_hangup}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("scenario", choices=sorted(SCENARIOS))
    p.add_argument("--rows", type=int, default=24)
    p.add_argument("--cols", type=int, default=80)
    p.add_argument("--rows2", type=int, default=41)
    p.add_argument("--cols2", type=int, default=123)
    p.add_argument("--sig", type=int, default=signal.SIGTERM)
    p.add_argument("--leak", action="store_true")
    p.add_argument("--timeout", type=float, default=60)
    p.add_argument("argv", nargs="+")
    a = p.parse_args()
    t = Term(a.argv, a.rows, a.cols, a.leak, a.timeout)
    try:
        SCENARIOS[a.scenario](t, a)
    except Fail as e:
        out("driver-error", e)
        if t.poll() is None:
            os.killpg(t.pid, signal.SIGKILL)
            os.waitpid(t.pid, 0)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
