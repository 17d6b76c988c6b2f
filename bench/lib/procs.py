# SPDX-License-Identifier: BSD-3-Clause
"""The processes of a relay benchmark: xviod, the limit and the generator.

Every process started here is registered in `_alive`; cleanup() stops them
all (SIGTERM, then SIGKILL) and is safe to call any number of times. Each
also gets SIGTERM from the kernel if the benchmark itself dies. Nothing here
judges a number.
"""
import ctypes
import json
import os
import re
import signal
import subprocess
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
XVIOD = ROOT / "build" / "xviod"
XVIOCTL = ROOT / "build" / "xvioctl"
# bench/switch --baseline DIR: the build measured beside this one.
XVIOD_BASE = XVIOCTL_BASE = None
TESTPMD = "dpdk-testpmd"

_alive = []  # subprocess.Popen of everything we started and not yet reaped


def _die_with_parent():
    """In the child: get SIGTERM if the benchmark dies, even by SIGKILL."""
    ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def _spawn(args, **kw):
    # Own session: Ctrl-C reaches only the benchmark, which stops the rest in order.
    proc = subprocess.Popen(args, start_new_session=True, preexec_fn=_die_with_parent, **kw)
    _alive.append(proc)
    return proc


def _stop(proc, timeout=10):
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    if proc in _alive:
        _alive.remove(proc)


def cleanup():
    for proc in list(_alive):
        _stop(proc, timeout=5)


def wait_for(cond, what, timeout=60.0, interval=0.05):
    deadline = time.monotonic() + timeout
    while not (value := cond()):
        if time.monotonic() > deadline:
            raise RuntimeError(f"timed out waiting for {what}")
        time.sleep(interval)
    return value


def involuntary_switches(pid):
    """Times any thread of pid was preempted: another task wanted its CPU."""
    total = 0
    for tid in os.listdir(f"/proc/{pid}/task"):
        with open(f"/proc/{pid}/task/{tid}/status") as f:
            total += sum(int(l.split()[1]) for l in f
                         if l.startswith("nonvoluntary_ctxt_switches"))
    return total


def steal_ticks():
    """Per-CPU steal time (ticks) from /proc/stat: the hypervisor ran
    someone else on our vCPU."""
    with open("/proc/stat") as f:
        return {l.split()[0]: int(l.split()[8]) for l in f
                if l.startswith("cpu") and l[3].isdigit()}


def cpu_seconds(pid):
    """utime + stime of a process, in seconds (/proc/PID/stat fields 14, 15)."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Xviod:
    """xviod with N relays vmI <-> nicI, all on one worker CPU. The NIC
    side of relay I is `nic_device(I)`: by default a net_vhost port whose
    socket the generator connects to."""

    def __init__(self, workdir, n_relays, cpu, prefix, nic_device=None, extra=(),
                 binaries=None):
        self.dir = Path(workdir)
        self.xviod, self.xvioctl = binaries or (XVIOD, XVIOCTL)
        self.sock = self.dir / "ctl.sock"
        config = self.dir / "xviod.json"
        if nic_device is None:
            nic_device = lambda i: f"net_vhost{i},iface={self.dir}/nic{i}.sock,queues=1"
        config.write_text(json.dumps({
            "ports": [p for i in range(n_relays) for p in (
                {"name": f"vm{i}", "type": "vhost", "path": f"vm{i}.sock"},
                {"name": f"nic{i}", "type": "eth", "device": nic_device(i)})],
            "relays": [{"name": f"r{i}", "vhost": f"vm{i}", "nic": f"nic{i}",
                        "core": cpu} for i in range(n_relays)],
            "rebalance": False}))
        self.log = open(self.dir / "xviod.log", "w")
        self.proc = _spawn([str(self.xviod), "-w", str(cpu), "-c", str(self.sock),
                            "-s", str(self.dir), "-m", "1024", "--file-prefix", prefix,
                            "-f", str(config), "--no-rebalance", *extra],
                           stdout=self.log, stderr=subprocess.STDOUT)
        wait_for(lambda: self.proc.poll() is not None or self._ready(n_relays),
                 "xviod and its relays")
        if self.proc.poll() is not None:
            tail = " | ".join(Path(self.log.name).read_text().strip().splitlines()[-3:])
            raise RuntimeError(f"xviod exited {self.proc.returncode}: {tail}")

    def _ready(self, n_relays):
        if not self.sock.exists():
            return False
        try:
            return len(self.ctl("relay", "list")) == n_relays
        except (subprocess.SubprocessError, json.JSONDecodeError):
            return False

    def ctl(self, *args):
        out = subprocess.run([str(self.xvioctl), "-s", str(self.sock), "--json", *args],
                             capture_output=True, text=True, timeout=30, check=True)
        return json.loads(out.stdout)

    def counters(self):
        """Worker-core counters (one worker) and the sum over directions."""
        st = self.ctl("stats")
        core = st["cores"][0]
        dirs = [d for r in st["relays"] for d in r["directions"]]
        return {"t": time.monotonic(), "tsc_hz": st["tsc_hz"],
                "packets": core["packets"], "busy_cycles": core["busy_cycles"],
                "idle_cycles": core["idle_cycles"],
                "dir_packets": sum(d["packets"] for d in dirs),
                "drops": sum(sum(d["drops"].values()) for d in dirs)}

    def stop(self):
        _stop(self.proc)
        self.log.close()


class Testpmd:
    """An interactive dpdk-testpmd driven through its prompt; stdin stays
    open for its whole life (EOF would make it quit)."""

    PROMPT = b"testpmd> "

    def __init__(self, workdir, name, vdevs, lcores, mbufs, extra=(), mem=1024):
        self.name = name
        self.log = open(Path(workdir) / f"testpmd-{name}.log", "wb")
        args = ["stdbuf", "-oL", TESTPMD, "--lcores", lcores, "--no-pci", "--in-memory",
                "--single-file-segments", "-m", str(mem), "--file-prefix", name,
                "--log-level=lib.vhost.config:warning"]
        for v in vdevs:
            args += ["--vdev", v]
        args += ["--", "-i", "--forward-mode=io", "--nb-cores=1", "--no-lsc-interrupt",
                 "--disable-link-check",
                 "--record-core-cycles", f"--total-num-mbufs={mbufs}", *extra]
        self.proc = _spawn(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, bufsize=0)
        self._out, self._eof = bytearray(), False
        self._cv = threading.Condition()
        self._pump_thread = threading.Thread(target=self._pump, daemon=True)
        self._pump_thread.start()
        self._wait_prompt(timeout=120)

    def _pump(self):
        """Drain testpmd's output all the time: a full pipe would block
        testpmd, vhost-user negotiation included."""
        while chunk := os.read(self.proc.stdout.fileno(), 1 << 16):
            self.log.write(chunk)
            with self._cv:
                self._out += chunk
                self._cv.notify_all()
        self.log.close()
        with self._cv:
            self._eof = True
            self._cv.notify_all()

    def _wait_prompt(self, timeout):
        with self._cv:
            self._cv.wait_for(lambda: self._eof or self._out.endswith(self.PROMPT), timeout)
            out = self._out.decode(errors="replace")
            self._out.clear()
        if not out.endswith(self.PROMPT.decode()):
            tail = " | ".join(out.strip().splitlines()[-4:])
            raise RuntimeError(f"testpmd {self.name} {'exited' if self._eof else 'gave no prompt'}"
                               f": {tail}")
        return out[:-len(self.PROMPT)]

    def cmd(self, line, timeout=30):
        with self._cv:
            self._out.clear()  # anything printed since the last prompt
        self.proc.stdin.write(line.encode() + b"\n")
        return self._wait_prompt(timeout)

    def links_up(self):
        out = self.cmd("show port summary all")
        rows = [l for l in out.splitlines() if re.match(r"\s*\d+\s+[0-9A-F:]{17}", l)]
        return rows and all(" up " in f" {l} ".replace("UP", "up") for l in rows)

    def fwd_stats(self):
        """The accumulated forward statistics since the last clear."""
        out = self.cmd("show fwd stats all")
        acc = out[out.rfind("Accumulated forward statistics"):]

        def num(key):
            m = re.search(key + r":\s*(\d+)", acc)
            return int(m.group(1)) if m else 0
        cyc = re.search(r"CPU cycles/packet=([\d.]+) \(total cycles=(\d+)", acc)
        return {"t": time.monotonic(), "rx": num("RX-packets"), "tx": num("TX-packets"),
                "rx_dropped": num("RX-dropped"), "tx_dropped": num("TX-dropped"),
                "cycles": int(cyc.group(2)) if cyc else 0,
                "cycles_per_packet": float(cyc.group(1)) if cyc else None}

    def stop(self):
        if self.proc.poll() is None:
            try:
                self.proc.stdin.write(b"stop\nquit\n")
                self.proc.wait(timeout=20)
            except (BrokenPipeError, subprocess.TimeoutExpired):
                pass
        _stop(self.proc)
        self._pump_thread.join(timeout=5)


def install_signal_handlers():
    """Ctrl-C and SIGTERM unwind through finally blocks, which clean up."""
    def handler(signum, _frame):
        raise KeyboardInterrupt(f"signal {signum}")
    signal.signal(signal.SIGINT, handler)
    signal.signal(signal.SIGTERM, handler)
    signal.signal(signal.SIGHUP, handler)
