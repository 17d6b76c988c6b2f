# SPDX-License-Identifier: BSD-3-Clause
"""Drive real xviod, xvioctl, testpmd frontends and network namespaces.

Everything here starts real processes; nothing is mocked. Waits poll a
condition with a generous deadline that only guards against hangs: no test
passes or fails on how fast something happened.
"""
import json
import os
import select
import shutil
import signal
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BUILD = Path(os.environ.get("XVIO_BUILD", ROOT / "build"))
XVIOD = BUILD / "xviod"
XVIOCTL = BUILD / "xvioctl"
TESTPMD = os.environ.get("TESTPMD", "dpdk-testpmd")


def wait_for(cond, what, timeout=30.0, interval=0.1):
    """Poll cond() until it returns a truthy value; raise after timeout."""
    deadline = time.monotonic() + timeout
    while True:
        value = cond()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(interval)


class CtlError(Exception):
    def __init__(self, rc, stderr):
        super().__init__(stderr.strip())
        self.rc = rc
        self.stderr = stderr


class Xviod:
    """One xviod process with its own run directory and EAL file prefix."""

    instances = 0

    def __init__(self, workdir, name="xviod", workers="1", extra=(), config=None,
                 binary=XVIOD):
        self.dir = Path(workdir)
        self.dir.mkdir(parents=True, exist_ok=True)
        self.name = name
        # Unique EAL prefix: test runs (and instances) never share a
        # runtime directory. Telemetry is found by this prefix.
        Xviod.instances += 1
        self.prefix = f"{name}-{os.getpid()}-{Xviod.instances}"
        self.sock = self.dir / f"{name}.ctl"
        self.log = self.dir / f"{name}.log"
        self.workers = workers
        self.extra = list(extra)
        self.config = config
        self.binary = binary  # an installed copy instead of build/xviod
        self.proc = None

    def start(self, attempts=3):
        """Start xviod. DPDK 22.11's af_packet names its PACKET_FANOUT group
        pid ^ ifindex, which can collide with another process's group (e.g.
        the VM's testpmd) and fail with EINVAL; a new process gets a new pid,
        so such a start is retried."""
        for attempt in range(attempts):
            try:
                return self._start()
            except AssertionError as e:
                if "PACKET_FANOUT" not in str(e) or attempt + 1 == attempts:
                    raise
        return self

    def _start(self):
        args = [str(self.binary), "--no-huge", "-m", "512", "--mbufs", "16384",
                "-w", self.workers, "-c", str(self.sock), "-s", str(self.dir),
                "--file-prefix", self.prefix] + self.extra
        if self.config:
            args += ["-f", str(self.config)]
        self.logf = open(self.log, "a")
        self.proc = subprocess.Popen(args, stdout=self.logf, stderr=subprocess.STDOUT)
        wait_for(lambda: self.sock.exists() or self.proc.poll() is not None,
                 "xviod control socket")
        if self.proc.poll() is not None:
            self.logf.close()
            raise AssertionError(f"xviod exited {self.proc.returncode}:\n{self.log.read_text()}")
        return self

    def stop(self, sig=signal.SIGTERM):
        """Stop and return the exit code; a clean stop leaves no sockets."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.logf.close()
        rc = self.proc.returncode
        self.proc = None
        remove_runtime_dir(self.prefix)  # xviod removes its own, unless killed
        return rc

    def run_ctl(self, *args, check=True):
        r = subprocess.run([str(XVIOCTL), "-s", str(self.sock)] + [str(a) for a in args],
                           capture_output=True, text=True, timeout=60)
        if check and r.returncode != 0:
            raise CtlError(r.returncode, r.stderr)
        return r

    def ctl(self, *args):
        """Run an xvioctl command with --json and return the parsed reply."""
        out = self.run_ctl("--json", *args).stdout
        return json.loads(out) if out.strip() else None

    def relay(self, name):
        return self.ctl("relay", "show", name)

    def direction(self, relay, direction):
        for d in self.relay(relay)["directions"]:
            if d["direction"] == direction:
                return d
        raise KeyError(direction)

    def port(self, name):
        return self.ctl("port", "show", name)


def remove_runtime_dir(prefix):
    """The EAL's runtime directory of a process that is gone."""
    shutil.rmtree(f"/var/run/dpdk/{prefix}", ignore_errors=True)


class Testpmd:
    """An interactive dpdk-testpmd: the VM's virtio-net frontend, a traffic
    generator, or both. Commands go through its prompt."""

    __test__ = False  # not a pytest test class
    PROMPT = "testpmd> "

    def __init__(self, name, vdevs, workdir, fwd="io", lcores="0@0,1@0",
                 mbufs=8192, extra_args=(), rxq=1, txq=1):
        self.name = name
        self.prefix = f"tp-{name}-{os.getpid()}"
        self.log = Path(workdir) / f"testpmd-{name}.log"
        args = [TESTPMD, "--lcores", lcores, "--no-huge", "-m", "512",
                "--single-file-segments", "--no-pci", "--file-prefix", self.prefix]
        for v in vdevs:
            args += ["--vdev", v]
        args += ["--", "-i", f"--forward-mode={fwd}", f"--total-num-mbufs={mbufs}",
                 f"--rxq={rxq}", f"--txq={txq}"] + list(extra_args)
        self.logf = open(self.log, "w")
        self.proc = subprocess.Popen(["stdbuf", "-oL"] + args, stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                     bufsize=0)
        self.buf = b""
        self.read_until_prompt(timeout=60)

    def read_until_prompt(self, timeout=30):
        deadline = time.monotonic() + timeout
        fd = self.proc.stdout.fileno()
        while not self.buf.endswith(self.PROMPT.encode()):
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"testpmd {self.name}: no prompt; log {self.log}")
            r, _, _ = select.select([fd], [], [], left)
            if not r:
                continue
            chunk = os.read(fd, 65536)
            if not chunk:
                raise AssertionError(f"testpmd {self.name} exited; log {self.log}")
            self.logf.write(chunk.decode(errors="replace"))
            self.logf.flush()
            self.buf += chunk
        out = self.buf.decode(errors="replace")
        self.buf = b""
        return out[: -len(self.PROMPT)]

    def cmd(self, line, timeout=30):
        self.proc.stdin.write((line + "\n").encode())
        self.proc.stdin.flush()
        return self.read_until_prompt(timeout)

    def port_stats(self, port):
        out = self.cmd(f"show port stats {port}")
        stats = {}
        words = out.replace(":", " : ").split()
        for i, w in enumerate(words):
            if w in ("RX-packets", "TX-packets", "RX-missed", "RX-errors", "TX-errors",
                     "RX-bytes", "TX-bytes") and i + 2 < len(words):
                try:
                    stats[w] = int(words[i + 2])
                except ValueError:
                    pass
        return stats

    def xstats(self, port):
        out = self.cmd(f"show port xstats {port}")
        stats = {}
        for line in out.splitlines():
            if ":" in line:
                k, v = line.split(":", 1)
                try:
                    stats[k.strip()] = int(v.strip())
                except ValueError:
                    pass
        return stats

    def quit(self):
        if self.proc.poll() is None:
            try:
                self.proc.stdin.write(b"quit\n")
                self.proc.stdin.flush()
                self.proc.wait(timeout=20)
            except (BrokenPipeError, subprocess.TimeoutExpired):
                self.kill()
        self.logf.close()
        remove_runtime_dir(self.prefix)

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        remove_runtime_dir(self.prefix)


def sh(cmd, check=True):
    return subprocess.run(cmd, shell=True, check=check, capture_output=True, text=True)


class Netns:
    """A network namespace joined to the root namespace by a veth pair.
    The root end is for a DPDK af_packet port; offloads are off on both
    ends so the kernel hands af_packet real frames, not 64 KB GSO blobs."""

    def __init__(self, name, addr, mtu=1500):
        self.name = name
        self.outer = f"{name}-o"
        self.inner = f"{name}-i"
        self.addr = addr
        self.ip = addr.split("/")[0]
        sh(f"ip netns del {name} 2>/dev/null; ip link del {self.outer} 2>/dev/null", check=False)
        sh(f"ip netns add {name}")
        sh(f"ip link add {self.outer} mtu {mtu} type veth peer name {self.inner} mtu {mtu}")
        sh(f"ip link set {self.inner} netns {name}")
        for dev, ns in ((self.outer, ""), (self.inner, f"ip netns exec {name} ")):
            sh(f"{ns}ethtool -K {dev} tso off gso off gro off tx off rx off", check=False)
            sh(f"{ns}ip link set {dev} up")
        sh(f"ip netns exec {name} ip addr add {addr} dev {self.inner}")
        sh(f"ip netns exec {name} ip link set lo up")

    def exec(self, cmd, check=True, timeout=120):
        return subprocess.run(f"ip netns exec {self.name} {cmd}", shell=True, check=check,
                              capture_output=True, text=True, timeout=timeout)

    def popen(self, cmd):
        return subprocess.Popen(f"exec ip netns exec {self.name} {cmd}", shell=True,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def delete(self):
        sh(f"ip netns del {self.name}", check=False)
        sh(f"ip link del {self.outer} 2>/dev/null", check=False)
