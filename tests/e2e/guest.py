# SPDX-License-Identifier: BSD-3-Clause
"""A real Linux guest under QEMU (TCG) on xviod's vhost-user ports.

The guest is Debian's kernel with a busybox initramfs built by
tests/vm/build-guest.sh (run by start(); it rebuilds only what is stale). Its /init (tests/vm/init.sh) loads
virtio_net, puts the addresses from the kernel command line on eth0, eth1, ...
and runs a command agent on the second serial port, which QEMU exposes here
as a UNIX socket:

    guest = Guest(workdir, [Nic(workdir / "vm1.sock", "10.77.0.2/24")]).start()
    rc, out = guest.run("ip -o addr show eth0")
    guest.stop()

QEMU facts for this machine (no KVM): -accel tcg; guest memory from a shared
memfd so that the vhost-user backend can map it; virtio-net-pci with
vectors=0 because QEMU 7.2 under TCG crashes with MSI-X on vhost-user, and
romfile= to skip the boot ROM. Waits only guard against hangs.

A Nic with server=True makes QEMU the vhost-user server (xviod's port is
then mode=client; QEMU waits at start-up until xviod connects), host_mtu=N
offers the guest an MTU. Pinger and Stream (below) measure traffic across a
disruption; balance() checks that a relay accounts for every packet.
"""
import base64
import ctypes
import os
import re
import select
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BUILD_GUEST = ROOT / "tests" / "vm" / "build-guest.sh"
IMAGE_DIR = Path(os.environ.get("XVIO_GUEST_DIR", ROOT / "build" / "guest"))
QEMU = os.environ.get("QEMU", "qemu-system-x86_64")

BOOT_TIMEOUT = 300  # TCG boots take 7-20 s; this only guards against hangs


def build_image(image_dir=IMAGE_DIR):
    """Build (or find up to date) the guest kernel and initramfs."""
    r = subprocess.run(["bash", str(BUILD_GUEST), str(image_dir)], capture_output=True,
                       text=True, timeout=1800)
    if r.returncode != 0:
        raise AssertionError(f"{BUILD_GUEST} failed:\n{r.stdout}{r.stderr}")
    return image_dir / "vmlinuz", image_dir / "initramfs.cpio.gz"


def _die_with_parent():
    # QEMU must not outlive the test process, whatever happens to it.
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


@dataclass
class Nic:
    """One virtio-net-pci device on a vhost-user socket."""
    sock: Path
    ip: str            # ADDR/LEN for the guest's ethN, in the order given
    mac: str = None    # default 52:54:00:78:00:<index+1>
    queues: int = 1    # >1: mq=on; the guest uses min(vCPUs, queues) pairs until `ethtool -L`
    # True: QEMU is the vhost-user *server* (it creates `sock`, server=on,
    # wait=off) and xviod's port must be mode=client; the guest boots without
    # waiting for xviod. False (default): xviod serves the socket.
    server: bool = False
    # Offer VIRTIO_NET_F_MTU with this MTU (virtio-net-pci host_mtu=): the
    # guest's driver then starts its interface at that MTU and QEMU tells the
    # backend (VHOST_USER_NET_SET_MTU). None: not offered, MTU 1500.
    host_mtu: int = None


class Guest:
    """One QEMU guest. start() boots it and waits for its agent; run() runs
    a shell command in it; stop() powers it off (or kills QEMU)."""

    def __init__(self, workdir, nics, name="guest", mem_mb=256, cpus=1, append="",
                 image_dir=IMAGE_DIR, incoming=None):
        self.dir = Path(workdir)
        self.name = name
        self.nics = list(nics)
        self.mem_mb = mem_mb
        self.cpus = cpus
        self.append = append
        self.image_dir = Path(image_dir)
        self.log = self.dir / f"qemu-{name}.log"
        self.console = self.dir / f"console-{name}.log"
        self.agent_path = self.dir / f"{name}-agent.sock"
        self.transcript = self.dir / f"agent-{name}.log"  # all agent traffic
        self.monitor_path = self.dir / f"{name}-mon.sock"  # HMP, see hmp()
        self.incoming = incoming  # e.g. "unix:PATH": a migration destination
        self.mon = None
        self.proc = None
        self.agent = None
        self.buf = b""
        self.seq = 0
        self.boot_seconds = None

    # -- lifecycle ---------------------------------------------------------

    def argv(self, kernel, initrd):
        ips = ",".join(n.ip for n in self.nics)
        cmdline = (f"console=ttyS0 loglevel=4 panic=-1 mitigations=off "
                   f"xvio.agent=ttyS1 xvio.ip={ips} {self.append}").strip()
        args = [QEMU, "-accel", "tcg", "-m", str(self.mem_mb), "-smp", str(self.cpus),
                "-nodefaults", "-nographic", "-no-reboot",
                "-object", f"memory-backend-memfd,id=mem,size={self.mem_mb}M,share=on",
                "-numa", "node,memdev=mem",
                "-kernel", str(kernel), "-initrd", str(initrd), "-append", cmdline,
                "-chardev", f"file,id=con,path={self.console}", "-serial", "chardev:con",
                # wait=on: QEMU starts the guest only once we are connected,
                # so not a byte of the agent's output is lost.
                "-chardev", f"socket,id=agent,path={self.agent_path},server=on,wait=on",
                "-serial", "chardev:agent",
                "-monitor", f"unix:{self.monitor_path},server=on,wait=off"]
        if self.incoming:
            args += ["-incoming", self.incoming]
        for i, n in enumerate(self.nics):
            mac = n.mac or f"52:54:00:78:00:{i + 1:02x}"
            netdev = f"vhost-user,id=net{i},chardev=vu{i}"
            device = (f"virtio-net-pci,netdev=net{i},mac={mac},vectors=0,romfile=,"
                      f"addr={4 + i:#x}")
            if n.queues > 1:
                netdev += f",queues={n.queues}"
                device += ",mq=on"
            if n.host_mtu:
                device += f",host_mtu={n.host_mtu}"
            chardev = f"socket,id=vu{i},path={n.sock}"
            if n.server:
                chardev += ",server=on,wait=off"
            args += ["-chardev", chardev, "-netdev", netdev, "-device", device]
        return args

    def start(self, timeout=BOOT_TIMEOUT):
        # Builds the image if it is missing or stale; 0.2 s if up to date.
        kernel, initrd = build_image(self.image_dir)
        self.agent_path.unlink(missing_ok=True)
        self.monitor_path.unlink(missing_ok=True)
        t0 = time.monotonic()
        self.logf = open(self.log, "w")
        self.tlog = open(self.transcript, "wb", buffering=0)
        self.proc = subprocess.Popen(self.argv(kernel, initrd), stdin=subprocess.DEVNULL,
                                     stdout=self.logf, stderr=subprocess.STDOUT,
                                     preexec_fn=_die_with_parent)
        try:
            self._connect_agent(t0 + timeout)
            if self.incoming:
                # A migration destination: the guest (and its agent) arrive
                # with the migration; nothing to wait for yet.
                return self
            self._read_until(re.compile(rb"@@XVIO-READY\r?\n"), t0 + timeout, "the agent")
        except BaseException:
            self.kill()
            raise
        self.boot_seconds = time.monotonic() - t0
        return self

    def _connect_agent(self, deadline):
        while True:
            self._check_alive("connecting to the agent socket")
            if self.agent_path.exists():
                s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                try:
                    s.connect(str(self.agent_path))
                    self.agent = s
                    return
                except OSError:
                    s.close()
            if time.monotonic() > deadline:
                raise AssertionError(f"{self.name}: no agent socket; {self.diag()}")
            time.sleep(0.05)

    def stop(self, timeout=60):
        """Power the guest off; kill QEMU if it does not exit. Returns QEMU's rc."""
        if self.proc is None:
            return None
        if self.proc.poll() is None and self.agent is not None:
            try:
                self._send("poweroff -f", 10)
                self.proc.wait(timeout=timeout)
            except (OSError, subprocess.TimeoutExpired):
                pass
        return self.kill()

    def kill(self):
        """Kill QEMU (if still running) and release everything."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        if self.agent is not None:
            self.agent.close()
            self.agent = None
        if self.mon is not None:
            self.mon.close()
            self.mon = None
        self.logf.close()
        self.tlog.close()
        self.agent_path.unlink(missing_ok=True)
        self.monitor_path.unlink(missing_ok=True)
        rc, self.proc = self.proc.returncode, None
        return rc

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    # -- the monitor -------------------------------------------------------

    def hmp(self, cmd, timeout=30):
        """Run a human monitor command (e.g. `info migrate`); returns its output."""
        deadline = time.monotonic() + timeout
        if self.mon is None:
            while True:
                self._check_alive("connecting to the monitor")
                s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                try:
                    s.connect(str(self.monitor_path))
                    self.mon = s
                    break
                except OSError:
                    s.close()
                if time.monotonic() > deadline:
                    raise AssertionError(f"{self.name}: no monitor socket; {self.diag()}")
                time.sleep(0.05)
            self._mon_read(deadline)  # the banner and first prompt
        self.mon.sendall(cmd.encode() + b"\n")
        out = self._mon_read(deadline)
        # HMP echoes the command line first.
        lines = out.replace("\r", "").split("\n")
        return "\n".join(lines[1:]).strip()

    def _mon_read(self, deadline):
        buf = b""
        while not buf.endswith(b"(qemu) "):
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"{self.name}: monitor timed out: {buf!r}")
            r, _, _ = select.select([self.mon], [], [], min(left, 1.0))
            if r:
                chunk = self.mon.recv(65536)
                if not chunk:
                    raise AssertionError(f"{self.name}: monitor closed: {buf!r}")
                buf += chunk
        # Strip terminal escapes HMP sends on a socket.
        return re.sub(r"\x1b\[[0-9;]*[A-Za-z]", "", buf[:-len(b"(qemu) ")].decode(errors="replace"))

    # -- the agent ---------------------------------------------------------

    def run(self, cmd, timeout=120):
        """Run a shell script in the guest (stdin /dev/null, stderr merged
        into stdout). Returns (exit status, output). The guest kills the
        command after `timeout` seconds (status 137)."""
        self.seq += 1
        seq = self.seq
        self._send(cmd, timeout, seq)
        pat = re.compile(rb"@@XVIO-BEGIN %d\n(.*?)@@XVIO-END %d (\d+)\n" % (seq, seq), re.S)
        m = self._read_until(pat, time.monotonic() + timeout + 60, f"`{cmd}`")
        return int(m.group(2)), m.group(1).decode(errors="replace")

    def check(self, cmd, timeout=120):
        """run() that raises unless the command exits 0; returns its output."""
        rc, out = self.run(cmd, timeout)
        if rc != 0:
            raise AssertionError(f"guest command `{cmd}` exited {rc}:\n{out}")
        return out

    def _send(self, cmd, timeout, seq=0):
        line = b"%d %d %s\n" % (seq, int(timeout), base64.b64encode(cmd.encode()))
        self.tlog.write(b">>> %s%s\n" % (line, cmd.encode()))
        self.agent.sendall(line)

    def _read_until(self, pat, deadline, what):
        while True:
            m = pat.search(self.buf)
            if m:
                self.buf = self.buf[m.end():]
                return m
            self._check_alive(f"waiting for {what}")
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"{self.name}: timed out waiting for {what}; "
                                     f"{self.diag()}")
            r, _, _ = select.select([self.agent], [], [], min(left, 1.0))
            if r:
                chunk = self.agent.recv(65536)
                if not chunk:
                    self._check_alive(f"waiting for {what}")
                    raise AssertionError(f"{self.name}: agent socket closed; {self.diag()}")
                self.tlog.write(chunk)
                self.buf += chunk

    def _check_alive(self, doing):
        if self.proc.poll() is not None:
            raise AssertionError(f"{self.name}: QEMU exited {self.proc.returncode} while "
                                 f"{doing}; {self.diag()}")

    def diag(self):
        """The tails of QEMU's output and the serial console, for failures."""
        def tail(p, n=30):
            try:
                return "\n".join(p.read_text(errors="replace").splitlines()[-n:])
            except OSError:
                return "(none)"
        return (f"agent transcript {self.transcript}:\n{tail(self.transcript, 12)}\n"
                f"QEMU log {self.log}:\n{tail(self.log)}\n"
                f"console {self.console}:\n{tail(self.console)}")


# -- traffic that spans a disruption -------------------------------------------
#
# The tests that restart, unplug, migrate or kill things under a running
# guest measure two things while it happens: a ping at a short interval from
# a host in a network namespace (the longest silence between replies, and how
# many were lost) and long TCP transfers, one each way, whose data is
# checksummed at both ends. A transfer runs until the test tells it to end,
# so it always spans the disruption whatever the timing; its host end is
# paced (a few MB/s) so that the TCG guest keeps up and still answers pings.

PING_LINE = re.compile(r"^\[(\d+\.\d+)\] \d+ bytes from .*?icmp_seq=(\d+)", re.M)


def netns_argv(ns, cmd):
    """argv running shell command `cmd` in namespace `ns` (None: here)."""
    return ["ip", "netns", "exec", ns, "sh", "-c", cmd] if ns else ["sh", "-c", cmd]


class Pinger:
    """`ping -D -i INTERVAL` from namespace `ns` to `target`, logged to a
    file. stop() ends it; stats() then measures around an event."""

    def __init__(self, ns, target, log, interval=0.02):
        self.log = Path(log)
        self.interval = interval
        self.f = open(self.log, "w")
        self.proc = subprocess.Popen(
            netns_argv(ns, f"exec ping -D -i {interval} -W 1 {target}"),
            stdout=self.f, stderr=subprocess.STDOUT, preexec_fn=_die_with_parent)
        self.t0 = time.time()

    def replies(self):
        """[(epoch seconds, icmp_seq)] so far (the log is line-buffered)."""
        return [(float(t), int(s)) for t, s in PING_LINE.findall(self.log.read_text())]

    def replies_since(self, t):
        return sum(1 for when, _ in self.replies() if when > t)

    def stop(self):
        if self.proc is not None:
            if self.proc.poll() is None:
                self.proc.send_signal(signal.SIGINT)
                try:
                    self.proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    self.proc.kill()
                    self.proc.wait()
            self.proc = None
            self.f.close()

    def stats(self, t_event):
        """Measured around an event that started at epoch t_event: the
        longest silence between two replies from the last reply before it
        on ("gap_s"), when that silence began and ended relative to t_event,
        pings lost over the whole run (transmitted - received), and replies
        that came more than a second late (requests or replies that sat in
        a queue during the event and were delivered afterwards)."""
        text = self.log.read_text()
        replies = [(float(t), int(s)) for t, s in PING_LINE.findall(text)]
        m = re.search(r"(\d+) packets transmitted, (\d+) received", text)
        tx, rx = (int(m.group(1)), int(m.group(2))) if m else (None, len(replies))
        before = [r for r in replies if r[0] <= t_event]
        start = before[-1] if before else (t_event, None)
        window = [start] + [r for r in replies if r[0] > t_event]
        gap, a, b = max(((y[0] - x[0], x, y) for x, y in zip(window, window[1:])),
                        default=(None, None, None))
        late = sum(1 for ms in re.findall(r"icmp_seq=\d+ ttl=\d+ time=([\d.]+) ms", text)
                   if float(ms) >= 1000)
        return {
            "gap_s": None if gap is None else round(gap, 3),
            "gap_from_event_s": None if a is None else round(a[0] - t_event, 3),
            "gap_until_event_plus_s": None if b is None else round(b[0] - t_event, 3),
            "pings_tx": tx, "pings_rx": rx,
            "pings_lost": None if tx is None else tx - rx,
            "late_replies": late,
            "interval_s": self.interval,
        }


# Host end of a guest -> host transfer: accepts one connection, reads at
# most RATE bytes/s (a small receive buffer keeps the sender's window small,
# so the pace is the transfer's), writes its byte count to PROGRESS now and
# then, and at EOF prints "<bytes> <sha256>".
HOST_RECEIVER = r'''
import hashlib, os, socket, sys, time
port, rate, progress = int(sys.argv[1]), float(sys.argv[2]), sys.argv[3]
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 131072)
s.bind(("0.0.0.0", port)); s.listen(1); print("ready", flush=True)
s.settimeout(600); c, _ = s.accept(); c.settimeout(900)
h = hashlib.sha256(); n = 0; t0 = time.monotonic(); last = 0.0
def note():
    with open(progress + ".tmp", "w") as f: f.write(str(n))
    os.replace(progress + ".tmp", progress)
while True:
    b = c.recv(16384)
    if not b: break
    h.update(b); n += len(b)
    now = time.monotonic()
    ahead = n / rate - (now - t0)
    if ahead < -0.5: t0 -= -ahead - 0.5     # no catching up after a stall
    elif ahead > 0: time.sleep(ahead)
    if now - last > 0.1: note(); last = now
note(); c.close()
print(n, h.hexdigest(), flush=True)
'''

# Host end of a host -> guest transfer: connects (retrying until the guest
# listens), sends seeded pseudo-random data at RATE bytes/s until the file
# STOP exists, then half-closes, waits for the guest to close, and prints
# "<bytes> <sha256>". A small send buffer keeps the count written to PROGRESS
# close to what has left the host.
HOST_SENDER = r'''
import hashlib, os, random, socket, sys, time
host, port, rate, stop, progress = (sys.argv[1], int(sys.argv[2]), float(sys.argv[3]),
                                    sys.argv[4], sys.argv[5])
rnd = random.Random(port); deadline = time.monotonic() + 120
while True:
    c = socket.socket(); c.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 131072)
    c.settimeout(5)
    try:
        c.connect((host, port)); break
    except OSError:
        c.close()
        if time.monotonic() > deadline: raise
        time.sleep(0.2)
c.settimeout(900)
h = hashlib.sha256(); n = 0; t0 = time.monotonic(); last = 0.0
def note():
    with open(progress + ".tmp", "w") as f: f.write(str(n))
    os.replace(progress + ".tmp", progress)
while not os.path.exists(stop):
    b = rnd.randbytes(16384)
    c.sendall(b); h.update(b); n += len(b)
    now = time.monotonic()
    ahead = n / rate - (now - t0)
    if ahead < -0.5: t0 -= -ahead - 0.5
    elif ahead > 0: time.sleep(ahead)
    if now - last > 0.1: note(); last = now
note(); c.shutdown(socket.SHUT_WR)
while c.recv(65536): pass
c.close()
print(n, h.hexdigest(), flush=True)
'''


def read_progress(path):
    """The byte count a host sender or receiver writes as it goes; 0 before
    its first write."""
    try:
        return int(path.read_text())
    except (OSError, ValueError):
        return 0


class Stream:
    """One long TCP transfer between the guest (busybox nc, sha256sum in the
    guest) and a host in namespace `ns` (python3), either way:

        s = Stream(guest, "guest-to-host", ns, host_ip, guest_ip, port, workdir)
        s.start(); ...; s.progress() ...; n, sent, received = s.finish()

    finish() ends the data (a flag file in the guest or on the host), waits
    for both ends, and returns (bytes the host counted, sha256 sent, sha256
    received). `guest` may be replaced before finish() (after a migration,
    by the destination's Guest)."""

    PY = "/usr/bin/python3"

    def __init__(self, guest, direction, ns, host_ip, guest_ip, port, workdir, rate=2 << 20):
        assert direction in ("guest-to-host", "host-to-guest")
        self.guest, self.direction, self.ns = guest, direction, ns
        self.host_ip, self.guest_ip, self.port = host_ip, guest_ip, port
        self.dir = Path(workdir)
        self.rate = rate
        self.name = f"s{port}"
        self.progress_file = self.dir / f"{self.name}.progress"
        self.stop_file = self.dir / f"{self.name}.stop"
        self.proc = None
        self.err = None

    def start(self):
        g, t = self.guest, f"/tmp/{self.name}"
        for p in (self.progress_file, self.stop_file):
            p.unlink(missing_ok=True)
        self.err = open(self.dir / f"{self.name}.stderr", "w")
        if self.direction == "guest-to-host":
            script = self.dir / "host_receiver.py"
            script.write_text(HOST_RECEIVER)
            self.proc = subprocess.Popen(
                netns_argv(self.ns, f"exec {self.PY} {script} {self.port} {self.rate} "
                                    f"{self.progress_file}"),
                stdout=subprocess.PIPE, stderr=self.err, text=True,
                preexec_fn=_die_with_parent)
            line = self.proc.stdout.readline().strip()
            assert line == "ready", f"host receiver did not start: {line!r}"
            # The guest sends /dev/urandom until /tmp/NAME.stop exists; tee
            # feeds a sha256sum of exactly what went into nc.
            g.check(f"rm -f {t}.*; mkfifo {t}.f; "
                    f"( sha256sum <{t}.f >{t}.sum & "
                    f"while [ ! -e {t}.stop ]; do dd if=/dev/urandom bs=16k count=16 2>/dev/null;"
                    f" done | tee {t}.f | nc {self.host_ip} {self.port}; echo $? >{t}.rc; wait; "
                    f"touch {t}.done ) </dev/null >/dev/null 2>&1 &")
        else:
            g.check(f"rm -f {t}.*; mkfifo {t}.f; "
                    f"( sha256sum <{t}.f >{t}.sum & "
                    f"nc -l -p {self.port} | tee {t}.f | wc -c >{t}.n; wait; "
                    f"touch {t}.done ) </dev/null >/dev/null 2>&1 &")
            script = self.dir / "host_sender.py"
            script.write_text(HOST_SENDER)
            self.proc = subprocess.Popen(
                netns_argv(self.ns, f"exec {self.PY} {script} {self.guest_ip} {self.port} "
                                    f"{self.rate} {self.stop_file} {self.progress_file}"),
                stdout=subprocess.PIPE, stderr=self.err, text=True,
                preexec_fn=_die_with_parent)
        return self

    def progress(self):
        """Bytes the host end has received (guest-to-host) or sent so far."""
        return read_progress(self.progress_file)

    def finish(self, timeout=300):
        """End the transfer; returns (bytes, sha256 sent, sha256 received)."""
        g, t = self.guest, f"/tmp/{self.name}"
        if self.direction == "guest-to-host":
            g.check(f"touch {t}.stop")
        else:
            self.stop_file.touch()
        try:
            out, _ = self.proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            raise AssertionError(f"{self.direction} transfer on port {self.port} did not end; "
                                 f"host end got {self.progress()} bytes")
        assert self.proc.returncode == 0, \
            f"host end of {self.name} exited {self.proc.returncode}: " \
            f"{(self.dir / f'{self.name}.stderr').read_text()}"
        n, host_sha = out.split()
        g.check(f"n=0; while [ ! -e {t}.done ] && [ $n -lt {timeout * 5} ]; do sleep 0.2; "
                f"n=$((n + 1)); done; [ -e {t}.done ]", timeout=timeout + 30)
        guest_sha = g.check(f"cut -d' ' -f1 {t}.sum").strip()
        if self.direction == "guest-to-host":
            rc = g.check(f"cat {t}.rc").strip()
            assert rc == "0", f"guest nc exited {rc}"
            sent, received = guest_sha, host_sha
        else:
            got = int(g.check(f"cat {t}.n").strip())
            assert got == int(n), f"host sent {n} bytes, guest received {got}"
            sent, received = host_sha, guest_sha
        g.run(f"rm -f {t}.*")
        self.close()
        return int(n), sent, received

    def close(self):
        """Kill the host end (if still running); for cleanup."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        if self.err is not None and not self.err.closed:
            self.err.close()


# -- xviod's counters -------------------------------------------------------

def balance(x, relay, nic):
    """(packets the relay's NIC received - what the relay delivered to the
    VM, dropped by reason, or holds; packets the relay handed the NIC - what
    the NIC sent or refused (tx_errors)), since the relay and its NIC were
    created together: (0, 0) when nothing is unaccounted for. Only exact
    once traffic has stopped (the counters are read one after the other)."""
    r = {d["direction"]: d for d in x.relay(relay)["directions"]}
    n = x.port(nic)["stats"]
    d = r["nic-to-vm"]
    return (n["rx_packets"] - (d["packets"] + d["held"] + sum(d["drops"].values())),
            r["vm-to-nic"]["packets"] - (n["tx_packets"] + n["tx_errors"]))


def balanced(x, relay, nic, timeout=30):
    """Wait until balance() is (0, 0) -- traffic may still be settling --
    or fail with what is unaccounted for."""
    deadline = time.monotonic() + timeout
    while True:
        b = balance(x, relay, nic)
        if b == (0, 0):
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"{relay}'s counters do not balance: {b} packets unaccounted "
                                 f"for (nic-to-vm, vm-to-nic); {x.relay(relay)}; {x.port(nic)}")
        time.sleep(0.1)
