#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Measure (not a test) a Linux guest's TCP bulk rate guest -> wire through
xviod, with the vhost port's offloads off and on. One TCG guest, one NIC on
each kind of port (the test bed of tests/e2e/test_guest.py); runs alternate
between the two so that drift hits both alike.

    /usr/bin/python3 tests/vm/tcp-rate.py [--runs 3] [--mb 32]

Besides Mbit/s it prints what each run cost: QEMU's CPU seconds (under TCG
that is the guest's CPU), the guest's own busy share, and the relay's
vm-to-nic counters.
"""
import argparse
import os
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "e2e"))
import test_guest  # noqa: E402
from test_guest import Bed  # noqa: E402

LINKS = {
    "off": (["offloads=off"], "10.79.1.2/24", "10.79.1.1/24"),
    "on": (["offloads=on"], "10.79.2.2/24", "10.79.2.1/24"),
}


def qemu_cpu_seconds(pid):
    f = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(f[11]) + int(f[12])) / os.sysconf("SC_CLK_TCK")


def busy(stat_line):
    """(busy, total) jiffies from a 'cpu ...' line of /proc/stat."""
    v = [int(x) for x in stat_line.split()[1:]]
    return sum(v) - v[3] - v[4], sum(v)


def transfer(bed, link, digest, size):
    """One guest -> wire transfer of /tmp/tx; returns the figures of the run."""
    g, wire = bed.guest, bed.wire[link]
    port = next(test_guest.PORTS)
    srv = wire.popen(f"/usr/bin/python3 {bed.dir}/server.py {port}")
    try:
        assert srv.stdout.readline().strip() == "ready"
        before = bed.xviod.direction(bed.relay(link), "vm-to-nic")
        cpu0 = qemu_cpu_seconds(g.proc.pid)
        out = g.check(f"head -1 /proc/stat; nc {wire.ip} {port} </tmp/tx; head -1 /proc/stat",
                      timeout=600).splitlines()
        cpu1 = qemu_cpu_seconds(g.proc.pid)
        after = bed.xviod.direction(bed.relay(link), "vm-to-nic")
        n, got, secs, _ = srv.communicate(timeout=600)[0].split()
    finally:
        if srv.poll() is None:
            srv.kill()
            srv.wait()
    assert int(n) == size and got == digest, "transfer corrupted"
    (b0, t0), (b1, t1) = busy(out[0]), busy(out[-1])
    d = {k: after[k] - before[k] for k in
         ("packets", "gso_frames", "gso_segments", "sw_checksums", "busy_cycles")}
    d["drops"] = sum(after["drops"].values()) - sum(before["drops"].values())
    return {"mbps": size * 8 / float(secs) / 1e6, "secs": float(secs),
            "qemu_cpu": cpu1 - cpu0, "guest_busy": (b1 - b0) / max(t1 - t0, 1), **d}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--mb", type=int, default=32, help="MiB per transfer")
    a = ap.parse_args()
    bed = Bed(tempfile.mkdtemp(prefix="xr"), LINKS).start()
    results = {k: [] for k in LINKS}
    size = a.mb << 20
    try:
        print(f"guest booted in {bed.guest.boot_seconds:.1f} s; load average "
              f"{open('/proc/loadavg').read().split()[0]} (other work skews the figures)")
        (bed.dir / "server.py").write_text(test_guest.SERVER)
        bed.guest.check(f"dd if=/dev/urandom of=/tmp/tx bs=1M count={a.mb} 2>/dev/null")
        digest = bed.guest.check("sha256sum /tmp/tx").split()[0]
        for link in LINKS:  # warm up: ARP, caches
            transfer(bed, link, digest, size)
        for run in range(a.runs):
            for link in LINKS:
                r = transfer(bed, link, digest, size)
                results[link].append((r["mbps"], r["qemu_cpu"] / a.mb * 1000))
                print(f"run {run + 1} offloads={link:3}: {r['mbps']:6.1f} Mbit/s "
                      f"{r['secs']:5.2f} s  QEMU CPU {r['qemu_cpu']:4.2f} s "
                      f"({r['qemu_cpu'] / a.mb * 1000:3.0f} ms/MiB)  guest busy "
                      f"{100 * r['guest_busy']:3.0f}%  relay: frames {r['packets']} "
                      f"gso {r['gso_frames']}->{r['gso_segments']} "
                      f"sw_csum {r['sw_checksums']} drops {r['drops']} "
                      f"cycles/B {r['busy_cycles'] / size:.1f}", flush=True)
    finally:
        bed.stop()
    print(f"logs in {bed.dir}")
    print(f"load average at the end {open('/proc/loadavg').read().split()[0]}")
    for link, v in results.items():
        rates, cost = [x[0] for x in v], [x[1] for x in v]
        print(f"offloads={link}: median {statistics.median(rates):.1f} Mbit/s "
              f"(runs: {', '.join(f'{x:.1f}' for x in rates)}); QEMU CPU median "
              f"{statistics.median(cost):.0f} ms/MiB")


if __name__ == "__main__":
    main()
