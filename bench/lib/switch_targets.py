# SPDX-License-Identifier: BSD-3-Clause
"""The three contenders of the switch benchmark, each forwarding between
two vhost-user sockets, p1 (ofport 1) and p2 (ofport 2), on CPU 1:

  xvio    xviod, bridge br0 with the scenario's rules, its worker on CPU 1
  ovs     OVS-DPDK 3.1 (Debian's ovs-vswitchd-dpdk), a netdev bridge,
          dpdkvhostuser ports, one PMD thread on CPU 1
  limit   testpmd io between two net_vhost ports (no switching at all)

Each has sockets (paths for the generator), pids (for noise), begin()/end()
around the window, stop(). end() gives the packets the switch core received
in the window, Mpps, and its busy cycles per packet.
"""
import json
import os
import subprocess
import time
from pathlib import Path

import procs
from procs import Testpmd, _spawn, _stop, wait_for
from switch_traffic import GEN_CPU, SWITCH_CPU, flow_lines

OVS_VSWITCHD = "/usr/lib/openvswitch-switch-dpdk/ovs-vswitchd-dpdk"
OVS_SCHEMA = "/usr/share/openvswitch/vswitch.ovsschema"
# A netdev bridge makes a tap device of its name in the host: keep it unique.
# `ovs-appctl exit --cleanup` removes it; remove_ovs_tap() if OVS died first.
OVS_BRIDGE = f"xsw{os.getpid() % 100000}"


def remove_ovs_tap():
    subprocess.run(["ip", "link", "del", OVS_BRIDGE], capture_output=True)


def _write_flows(workdir, s):
    path = Path(workdir) / "flows.txt"
    path.write_text("\n".join(flow_lines(s)) + "\n")
    return path


def _window(a, b, tsc_hz, packets, busy, extra=None):
    dt = b["t"] - a["t"]
    pkts = b[packets] - a[packets]
    cyc = b[busy] - a[busy]
    r = {"seconds": dt, "packets": pkts, "mpps": pkts / dt / 1e6, "tsc_hz": tsc_hz,
         "cycles_per_packet": cyc / pkts if pkts else None,
         "busy": cyc / (tsc_hz * dt) if tsc_hz else None}
    r.update(extra or {})
    return r


class XvioSwitch:
    name = "xvio"

    @staticmethod
    def binaries():
        return procs.XVIOD, procs.XVIOCTL

    def __init__(self, workdir, s, tag):
        self.dir = Path(workdir)
        self.ctl_sock = self.dir / "ctl.sock"
        self.log = open(self.dir / "xviod.log", "w")
        self.proc = _spawn([str(self.binaries()[0]), "-w", str(SWITCH_CPU), "-c", str(self.ctl_sock),
                            "-s", str(self.dir), "-m", "1024", "--file-prefix", f"{tag}-x",
                            "--no-rebalance"], stdout=self.log, stderr=subprocess.STDOUT)
        self.pids = [self.proc.pid]
        wait_for(lambda: self.proc.poll() is not None or self._up(), "xviod", timeout=60)
        if self.proc.poll() is not None:
            raise RuntimeError(f"xviod exited {self.proc.returncode}: "
                               + Path(self.log.name).read_text()[-300:])
        self.ctl("bridge", "add", "br0", "default_flow=off")  # the scenario's rules only
        # One add-flows request is one control-socket line; builds before
        # 2026-11-26 capped it at 1 MiB (CTL_MAX_LINE, ~25k rules) and
        # dropped the connection beyond. Send the rules 10k at a time.
        lines = flow_lines(s)
        for i in range(0, len(lines), 10_000):
            chunk = self.dir / f"flows-{i}.txt"
            chunk.write_text("\n".join(lines[i:i + 10_000]) + "\n")
            self.ctl("add-flows", "br0", str(chunk))
        for n in (1, 2):
            self.ctl("port", "add", f"p{n}", "vhost", f"p{n}.sock")
            self.ctl("bridge", "port-add", "br0", f"p{n}", f"ofport={n}", f"core={SWITCH_CPU}")
        self.sockets = [self.dir / "p1.sock", self.dir / "p2.sock"]

    def _up(self):
        try:
            return self.ctl_sock.exists() and "cores" in self.ctl("stats")
        except (RuntimeError, subprocess.SubprocessError, json.JSONDecodeError):
            return False

    def ctl(self, *args, timeout=120):
        out = subprocess.run([str(self.binaries()[1]), "-s", str(self.ctl_sock), "--json", *args],
                             capture_output=True, text=True, timeout=timeout)
        if out.returncode:
            raise RuntimeError(f"xvioctl {' '.join(args[:3])}: {out.stderr.strip()[-300:]}")
        return json.loads(out.stdout) if out.stdout.strip() else {}

    def counters(self):
        st = self.ctl("stats")
        br = self.ctl("bridge", "show", "br0")
        core = next(c for c in st["cores"] if c.get("cpu", SWITCH_CPU) == SWITCH_CPU)
        ports = br["ports"]
        c = {"t": time.monotonic(), "tsc_hz": st["tsc_hz"], "packets": core["packets"],
             "busy_cycles": core["busy_cycles"], "sleeps": core.get("sleeps", 0),
             "tx": sum(p["tx_packets"] for p in ports),
             "drops": sum(sum(p["drops"].values()) for p in ports),
             "megaflows": br.get("megaflows"), "cache_flushes": br.get("cache_flushes", 0),
             "megaflow_evictions": br.get("megaflow_evictions", 0)}  # newer xviod only
        for k in ("port_hits", "emc_hits", "megaflow_hits", "upcalls"):
            c[k] = sum(p.get(k, 0) for p in ports)  # port_hits: newer xviod only
        return c

    def begin(self):
        self.a = self.counters()

    def end(self):
        a, b = self.a, self.counters()
        pkts = max(b["packets"] - a["packets"], 1)
        return _window(a, b, b["tsc_hz"], "packets", "busy_cycles", {
            "forwarded_mpps": (b["tx"] - a["tx"]) / (b["t"] - a["t"]) / 1e6,
            "switch_drops": b["drops"] - a["drops"], "sleeps": b["sleeps"] - a["sleeps"],
            "megaflows": b["megaflows"], "cache_flushes": b["cache_flushes"] - a["cache_flushes"],
            "megaflow_evictions": b["megaflow_evictions"] - a["megaflow_evictions"],
            **{f"{k}_share": (b[k] - a[k]) / pkts
               for k in ("port_hits", "emc_hits", "megaflow_hits", "upcalls")}})

    def stop(self):
        _stop(self.proc)
        self.log.close()


class OvsSwitch:
    """ovsdb-server and ovs-vswitchd-dpdk in a private run directory."""
    name = "ovs"

    def __init__(self, workdir, s, tag):
        d = self.dir = Path(workdir)
        self.env = dict(os.environ, OVS_RUNDIR=str(d), OVS_DBDIR=str(d), OVS_LOGDIR=str(d))
        db = f"unix:{d}/db.sock"
        subprocess.run(["ovsdb-tool", "create", str(d / "conf.db"), OVS_SCHEMA], check=True)
        self.log = open(d / "ovs.log", "w")
        self.db = _spawn(["ovsdb-server", str(d / "conf.db"), f"--remote=punix:{d}/db.sock",
                          f"--unixctl={d}/ovsdb.ctl"], env=self.env,
                         stdout=self.log, stderr=subprocess.STDOUT)
        wait_for(lambda: (d / "db.sock").exists(), "ovsdb-server")
        self.vsctl("--no-wait", "init")
        self.vsctl("--no-wait", "set", "Open_vSwitch", ".",
                   "other_config:dpdk-init=true",
                   f"other_config:dpdk-lcore-mask={1 << GEN_CPU:#x}",
                   f"other_config:pmd-cpu-mask={1 << SWITCH_CPU:#x}",
                   "other_config:dpdk-socket-mem=1024",
                   "other_config:dpdk-extra=--in-memory --no-pci")
        self.vswitchd = _spawn([OVS_VSWITCHD, db, f"--unixctl={d}/vswitchd.ctl",
                                f"--log-file={d}/vswitchd.log", "-vconsole:off"],
                               env=self.env, stdout=self.log, stderr=subprocess.STDOUT)
        self.pids = [self.vswitchd.pid]
        wait_for(lambda: self.vswitchd.poll() is not None or (d / "vswitchd.ctl").exists(),
                 "ovs-vswitchd", timeout=60)
        if self.vswitchd.poll() is not None:
            raise RuntimeError(f"ovs-vswitchd exited {self.vswitchd.returncode}")
        self.br = OVS_BRIDGE
        self.vsctl("add-br", self.br, "--", "set", "bridge", self.br, "datapath_type=netdev")
        for n in (1, 2):
            self.vsctl("add-port", self.br, f"p{n}", "--", "set", "Interface", f"p{n}",
                       "type=dpdkvhostuser", f"ofport_request={n}")
        self.ofctl("del-flows")
        self.ofctl("add-flows", str(_write_flows(d, s)))
        self.sockets = [d / "p1", d / "p2"]

    def vsctl(self, *args):
        subprocess.run(["ovs-vsctl", f"--db=unix:{self.dir}/db.sock", "--timeout=120", *args],
                       check=True, capture_output=True, env=self.env)

    def ofctl(self, *args):
        subprocess.run(["ovs-ofctl", args[0], f"unix:{self.dir}/{self.br}.mgmt", *args[1:]],
                       check=True, capture_output=True, env=self.env, timeout=600)

    def appctl(self, *args):
        return subprocess.run(["ovs-appctl", f"--target={self.dir}/vswitchd.ctl", *args],
                              check=True, capture_output=True, text=True, env=self.env,
                              timeout=60).stdout

    def pmd_stats(self):
        out = self.appctl("dpif-netdev/pmd-stats-show")
        pmd = out[out.find(f"core_id {SWITCH_CPU}:"):]
        pmd = pmd[:pmd.find("thread", 10)] if "thread" in pmd[10:] else pmd
        v = {k.strip(): float(x.split()[0]) for k, x in
             (l.split(":", 1) for l in pmd.splitlines()[1:] if ":" in l)
             if x.split() and x.split()[0].replace(".", "").isdigit()}
        g = lambda k: v.get(k, 0.0)  # noqa: E731
        return {"t": time.monotonic(), "packets": g("packets received"),
                "busy_cycles": g("processing cycles"), "idle_cycles": g("idle cycles"),
                "port_hits": g("simple match hits"),  # OVS's per-in_port cache
                "emc_hits": g("emc hits"), "smc_hits": g("smc hits"),
                "megaflow_hits": g("megaflow hits"),
                "upcalls": g("miss with success upcall") + g("miss with failed upcall"),
                "failed_upcalls": g("miss with failed upcall")}

    def megaflows(self):
        out = self.appctl("dpctl/show")
        return int(out.split("flows:")[1].split()[0]) if "flows:" in out else None

    def begin(self):
        self.appctl("dpif-netdev/pmd-stats-clear")
        self.a = {"t": time.monotonic(), "packets": 0, "busy_cycles": 0, "idle_cycles": 0,
                  "port_hits": 0, "emc_hits": 0, "smc_hits": 0, "megaflow_hits": 0, "upcalls": 0,
                  "failed_upcalls": 0}

    def end(self):
        a, b = self.a, self.pmd_stats()
        pkts = max(b["packets"], 1)
        return _window(a, b, None, "packets", "busy_cycles", {
            "busy": b["busy_cycles"] / max(b["busy_cycles"] + b["idle_cycles"], 1),
            **{f"{k}_share": b[k] / pkts for k in ("port_hits", "emc_hits", "smc_hits",
                                                  "megaflow_hits",
                                                  "upcalls", "failed_upcalls")},
            "megaflows": self.megaflows()})

    def stop(self):
        if self.vswitchd.poll() is None:
            try:
                self.appctl("exit", "--cleanup")
                self.vswitchd.wait(timeout=20)
            except (subprocess.SubprocessError, OSError):
                pass
        _stop(self.vswitchd)
        _stop(self.db)
        remove_ovs_tap()
        self.log.close()


class LimitIo:
    """testpmd io between net_vhost ports: DPDK's vhost PMD, zero processing."""
    name = "limit"

    def __init__(self, workdir, s, tag):
        d = Path(workdir)
        self.sockets = [d / "p1.sock", d / "p2.sock"]
        vdevs = [f"net_vhost{i},iface={sock},queues=1" for i, sock in enumerate(self.sockets)]
        self.t = Testpmd(d, f"{tag}-limit", vdevs, f"0@{GEN_CPU},1@{SWITCH_CPU}", 16384)
        self.pids = [self.t.proc.pid]
        self.t.cmd("start")

    def begin(self):
        self.t.cmd("clear fwd stats all")
        self.t0 = time.monotonic()

    def end(self, tsc_hz=None):
        s = self.t.fwd_stats()
        dt = s["t"] - self.t0
        return {"seconds": dt, "packets": s["rx"], "mpps": s["rx"] / dt / 1e6,
                "forwarded_mpps": s["tx"] / dt / 1e6,
                "cycles_per_packet": s["cycles_per_packet"], "busy_cycles": s["cycles"],
                "switch_drops": s["tx_dropped"]}

    def stop(self):
        self.t.stop()


class XvioBaseline(XvioSwitch):
    """Another xvio build (bench/switch --baseline DIR): the same scenario
    on the code before a change, interleaved with it."""
    name = "base"

    @staticmethod
    def binaries():
        return procs.XVIOD_BASE, procs.XVIOCTL_BASE


TARGETS = {t.name: t for t in (XvioSwitch, XvioBaseline, OvsSwitch, LimitIo)}
