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
    """One virtio-net-pci device on a vhost-user socket (xviod is the server)."""
    sock: Path
    ip: str            # ADDR/LEN for the guest's ethN, in the order given
    mac: str = None    # default 52:54:00:78:00:<index+1>
    queues: int = 1    # >1: mq=on; the guest uses min(vCPUs, queues) pairs until `ethtool -L`


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
            args += ["-chardev", f"socket,id=vu{i},path={n.sock}",
                     "-netdev", netdev, "-device", device]
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
