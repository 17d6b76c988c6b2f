# SPDX-License-Identifier: BSD-3-Clause
"""Latency of the first packet after idle (bench/README.md, "Wake-up").

    wake_probe (CPU 0)                          xviod (CPU 1)
    virtio-user  <---- vhost-user vm0.sock ---->  relay r0: vhost vm0
    AF_PACKET on xvwN <---- kernel tap xvwN ---->       <-> net_tap nic0

The probe sends one frame at a time, alternating VM->NIC and NIC->VM, with a
pause before each long enough for xviod's worker to fall asleep, and times
each frame from one side to the other. The same probe against xviod with
--busy-poll (a worker that never sleeps) is the baseline: the difference
is what sleeping costs the first packet.
"""
import json
import os
import shutil
import subprocess
from pathlib import Path

from procs import ROOT, Xviod, wait_for

PROBE = ROOT / "build" / "bench" / "wake" / "wake_probe"
PROBE_CPU, WORKER_CPU = 0, 1
# Alternate who goes first, rep by rep, as the throughput runs do.
WAKE_ORDER = (("sleeping", "busy-poll"), ("busy-poll", "sleeping"))


def _iface_ready(name):
    return Path(f"/sys/class/net/{name}").exists()


def measure_wake(workdir, mode, count, gap_ms, tag):
    """One probe run against xviod in `mode` ("sleeping" or "busy-poll")."""
    shutil.rmtree(workdir, ignore_errors=True)
    os.makedirs(workdir)
    iface = f"xvw{os.getpid() % 100000}"
    extra = ["--busy-poll"] if mode == "busy-poll" else []
    x = Xviod(workdir, 1, WORKER_CPU, f"{tag}-w",
              nic_device=lambda i: f"net_tap{i},iface={iface}", extra=extra)
    try:
        wait_for(lambda: _iface_ready(iface), f"tap interface {iface}", timeout=10)
        # No IPv6 chatter from the kernel on the tap while we measure.
        Path(f"/proc/sys/net/ipv6/conf/{iface}/disable_ipv6").write_text("1")
        before = x.ctl("stats")["cores"][0]
        out = subprocess.run([str(PROBE), "--sock", str(Path(workdir) / "vm0.sock"),
                              "--tap", iface, "--count", str(count), "--gap-ms", str(gap_ms),
                              "--cpu", str(PROBE_CPU)],
                             capture_output=True, text=True, timeout=60 + count * gap_ms / 500)
        if out.returncode != 0:
            raise RuntimeError(f"wake_probe exited {out.returncode}: "
                               + " | ".join(out.stderr.strip().splitlines()[-3:]))
        after = x.ctl("stats")["cores"][0]
    finally:
        x.stop()
        shutil.rmtree(workdir, ignore_errors=True)
    result = json.loads(out.stdout)
    result["worker_sleeps"] = after["sleeps"] - before["sleeps"]
    result["frames"] = 2 * count
    return result
