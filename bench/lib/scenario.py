# SPDX-License-Identifier: BSD-3-Clause
"""One measurement of the express-relay loop.

    generator testpmd (CPU 0)                  contender (CPU 1)
    virtio-user vmI  <---- vhost-user ---->  xviod relay rI: vhost vmI <-> net_vhost nicI
    virtio-user nicI <---- vhost-user ---->      or the limit: testpmd io, net_vhost x2

The generator forwards `io` between its ports 2I and 2I+1 (vmI, nicI), so
the packets it sends with `start tx_first` loop through the contender in
both directions for as long as the run lasts.
"""
import contextlib
import os
import shutil
import time

import procs  # noqa: E402  (XVIOD_BASE is set at run time)
from procs import (Testpmd, Xviod, cpu_seconds, involuntary_switches, steal_ticks,
                   wait_for)

GEN_CPU, WORKER_CPU = 0, 1
MAX_ETHPORTS = 32  # RTE_MAX_ETHPORTS of Debian's DPDK 22.11


# The DPDK build the contenders and the generator use (bench/run may switch
# to bench/wide-dpdk's).
BUILD_CONFIG = "/usr/include/x86_64-linux-gnu/dpdk/rte_build_config.h"


def max_relays():
    """Relays one generator (2 virtio-user ethdevs per relay) can drive."""
    try:
        with open(BUILD_CONFIG) as f:
            for line in f:
                if line.startswith("#define RTE_MAX_ETHPORTS"):
                    return int(line.split()[2]) // 2
    except OSError:
        pass
    return MAX_ETHPORTS // 2


def socket_ports(n_relays):
    """(ethdev index, socket) of each relay's VM and NIC side: 2I and 2I+1,
    the pairs testpmd forwards between in its default paired topology."""
    return [(2 * i + k, f"{side}{i}.sock") for i in range(n_relays)
            for k, side in enumerate(("vm", "nic"))]


def mbufs_for(n_relays):
    # Each port's virtio rings hold up to 2 x 256 buffers, plus the bursts
    # looping through and the per-lcore mempool caches.
    return 2 * n_relays * 640 + 8192


class XviodTarget:
    """xviod: Mpps and cycles/packet from its worker core's own counters."""
    name = "xviod"

    def __init__(self, workdir, n_relays, tag, binaries=None):
        self.x = Xviod(workdir, n_relays, WORKER_CPU, f"{tag}-x", binaries=binaries)
        self.pid = self.x.proc.pid

    def begin(self):
        self.a = self.x.counters()

    def end(self):
        b = self.x.counters()
        a = self.a
        dt = b["t"] - a["t"]
        pkts = b["packets"] - a["packets"]
        return {"seconds": dt, "packets": pkts, "tsc_hz": b["tsc_hz"],
                "mpps": pkts / dt / 1e6,
                "cycles_per_packet": (b["busy_cycles"] - a["busy_cycles"]) / pkts if pkts else None,
                "busy_share": (b["busy_cycles"] - a["busy_cycles"]) / (b["tsc_hz"] * dt),
                "drops": b["drops"] - a["drops"]}

    def stop(self):
        self.x.stop()


class LimitTarget:
    """testpmd io between net_vhost ports: DPDK's vhost PMD, zero processing."""
    name = "limit"

    def __init__(self, workdir, n_relays, tag):
        vdevs = [f"net_vhost{j},iface={workdir}/{sock},queues=1"
                 for j, sock in socket_ports(n_relays)]
        self.t = Testpmd(workdir, f"{tag}-limit", vdevs, f"0@{GEN_CPU},1@{WORKER_CPU}",
                         mbufs_for(n_relays))
        self.pid = self.t.proc.pid
        self.t.cmd("start")

    def begin(self):
        self.t.cmd("clear fwd stats all")
        self.t0 = time.monotonic()

    def end(self):
        s = self.t.fwd_stats()
        dt = s["t"] - self.t0
        return {"seconds": dt, "packets": s["tx"], "mpps": s["tx"] / dt / 1e6,
                "cycles_per_packet": s["cycles_per_packet"],
                "drops": s["tx_dropped"] + s["rx_dropped"]}

    def stop(self):
        self.t.stop()


class BaselineTarget(XviodTarget):
    """Another xviod build (bench/run --baseline DIR), measured the same way."""
    name = "base"

    def __init__(self, workdir, n_relays, tag):
        super().__init__(workdir, n_relays, tag, (procs.XVIOD_BASE, procs.XVIOCTL_BASE))


TARGETS = {"xviod": XviodTarget, "base": BaselineTarget, "limit": LimitTarget}


def start_generator(workdir, n_relays, size, tag):
    vdevs = [f"net_virtio_user{j},path={workdir}/{sock},queues=1"
             for j, sock in socket_ports(n_relays)]
    gen = Testpmd(workdir, f"{tag}-gen", vdevs, f"0@{GEN_CPU},1@{GEN_CPU}",
                  mbufs_for(n_relays), [f"--txpkts={size}"])
    wait_for(gen.links_up, "generator links up", timeout=30, interval=0.5)
    return gen


def noise(target, gen):
    """What else took our CPUs: preemptions of our processes, and the
    hypervisor's steal time per CPU (turned into % by measure)."""
    sample = {"t": time.monotonic(),
              "preempted_contender": involuntary_switches(target.pid),
              "preempted_generator": involuntary_switches(gen.proc.pid)}
    sample.update({f"steal_{cpu}": v for cpu, v in steal_ticks().items()})
    return sample


@contextlib.contextmanager
def contender_and_generator(workdir, contender, n_relays, size, tag):
    """The contender with its sockets in a fresh workdir, and the generator
    connected to them; both stopped and the workdir removed on the way out."""
    shutil.rmtree(workdir, ignore_errors=True)  # stale sockets refuse binds
    os.makedirs(workdir)
    target = gen = None
    try:
        target = TARGETS[contender](workdir, n_relays, tag)
        gen = start_generator(workdir, n_relays, size, tag)
        yield target, gen
    finally:
        for p in (gen, target):
            if p is not None:
                p.stop()
        shutil.rmtree(workdir, ignore_errors=True)


def measure(workdir, contender, n_relays, size, opts, tag):
    """Loop traffic through the contender and read one window."""
    with contender_and_generator(workdir, contender, n_relays, size, tag) as (target, gen):
        gen.cmd(f"start tx_first {opts.bursts}")
        time.sleep(opts.warmup)
        n0 = noise(target, gen)
        target.begin()
        gen.cmd("clear fwd stats all")
        g0 = time.monotonic()
        time.sleep(opts.window)
        result = target.end()
        g = gen.fwd_stats()
        n1 = noise(target, gen)
    result["generator"] = {"mpps": g["rx"] / (g["t"] - g0) / 1e6,
                           "cycles_per_packet": g["cycles_per_packet"]}
    result["noise"] = {k: n1[k] - n0[k] for k in n0 if k != "t"}
    ticks = os.sysconf("SC_CLK_TCK") * (n1["t"] - n0["t"])
    for k in [k for k in result["noise"] if k.startswith("steal_")]:
        result["noise"][k] = round(100 * result["noise"][k] / ticks, 1)
    return result


def measure_idle(workdir, contender, n_relays, seconds, tag):
    """CPU use of the contender with relays up, the generator connected and
    silent: utime+stime from /proc over `seconds`, as % of one CPU."""
    with contender_and_generator(workdir, contender, n_relays, 64, tag) as (target, _):
        time.sleep(1)
        c0, t0 = cpu_seconds(target.pid), time.monotonic()
        time.sleep(seconds)
        c1, t1 = cpu_seconds(target.pid), time.monotonic()
    return {"cpu_percent": 100 * (c1 - c0) / (t1 - t0), "seconds": t1 - t0}
