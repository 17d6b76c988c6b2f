# SPDX-License-Identifier: BSD-3-Clause
"""An idle worker sleeps, costs next to no CPU, and the first frame after
the silence wakes it through the source's own signal (a guest kick, a NIC
RX interrupt), never by the safety timeout.

The frames come from bench/wake/wake_probe: a real virtio-user frontend on
the relay's vhost-user socket and an AF_PACKET socket on the kernel side of
its net_tap port, sending one frame at a time with pauses long enough for
the worker to fall asleep. Latencies are printed, never asserted.
"""
import json
import os
import subprocess
import time
from pathlib import Path

import pytest

from harness import BUILD, Testpmd, Xviod, wait_for

PROBE = BUILD / "bench" / "wake" / "wake_probe"
FRAMES = 40


def tap_relay(workdir, extra=()):
    """xviod on CPU 1 with relay r0: vhost vm0 <-> net_tap nic0."""
    iface = f"xvi{os.getpid() % 100000}"
    x = Xviod(workdir, extra=extra).start()
    x.ctl("port", "add", "vm0", "vhost", "vm0.sock")
    x.ctl("port", "add", "nic0", "eth", f"net_tap0,iface={iface}")
    x.ctl("relay", "add", "r0", "vm0", "nic0")
    # No IPv6 chatter from the kernel on the tap: only the probe's frames.
    Path(f"/proc/sys/net/ipv6/conf/{iface}/disable_ipv6").write_text("1")
    return x, iface


def probe(workdir, iface, count=FRAMES, gap_ms=25):
    r = subprocess.run([str(PROBE), "--sock", str(workdir / "vm0.sock"), "--tap", iface,
                        "--count", str(count), "--gap-ms", str(gap_ms), "--cpu", "0",
                        "--worker-cpu", "1"], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def core(x):
    return x.ctl("core", "list")[0]


def relay_packets(x):
    return {d["direction"]: d["packets"] for d in x.relay("r0")["directions"]}


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@pytest.fixture
def stop_after():
    started = []
    yield started.append
    for x in started:
        assert x.stop() == 0


def test_first_frame_after_idle_wakes_the_worker_without_the_timeout(workdir, stop_after):
    x, iface = tap_relay(workdir)
    stop_after(x)
    before = core(x)
    out = probe(workdir, iface)
    after = core(x)
    print("one-way latency after idle, median us:",
          {k: out[k].get("median") for k in ("vm_to_nic", "nic_to_vm", "platform_wake")})
    assert out["vm_to_nic"]["lost"] == 0 and out["nic_to_vm"]["lost"] == 0
    assert relay_packets(x)["vm-to-nic"] == FRAMES
    assert relay_packets(x)["nic-to-vm"] >= FRAMES
    # It slept before every frame (the pause is 2.5 safety timeouts) ...
    assert after["sleeps"] - before["sleeps"] >= 2 * FRAMES
    # ... and the frames woke it by their own signals. A frame found by the
    # safety timeout is a late wake-up: one whose signal raced the timeout
    # can happen; a source whose signals go missing makes one per frame.
    print("late wake-ups:", after["late_wakeups"])
    assert after["late_wakeups"] <= FRAMES // 20


def test_busy_poll_worker_never_sleeps(workdir, stop_after):
    x, iface = tap_relay(workdir, extra=["--busy-poll"])
    stop_after(x)
    out = probe(workdir, iface, count=5)
    assert out["vm_to_nic"]["lost"] == 0 and out["nic_to_vm"]["lost"] == 0
    c = core(x)
    assert c["mode"] == "busy-poll" and c["sleeps"] == 0


def test_idle_relays_cost_next_to_no_cpu(workdir, stop_after):
    """Four relays with their VMs connected and nothing flowing: xviod's
    CPU use over 3 s stays far below the full CPU a polling worker takes."""
    x = Xviod(workdir).start()
    stop_after(x)
    vms = []
    try:
        for i in range(4):
            x.ctl("port", "add", f"vm{i}", "vhost", f"vm{i}.sock")
            x.ctl("port", "add", f"nic{i}", "eth", f"net_tap{i},iface=xvc{os.getpid() % 10000}{i}")
            x.ctl("relay", "add", f"r{i}", f"vm{i}", f"nic{i}")
            Path(f"/proc/sys/net/ipv6/conf/xvc{os.getpid() % 10000}{i}/disable_ipv6").write_text("1")
        vms = [Testpmd(f"vm{i}", [f"net_virtio_user0,path={workdir}/vm{i}.sock"], workdir,
                       fwd="rxonly") for i in range(4)]
        wait_for(lambda: all(x.port(f"vm{i}")["state"] == "connected" for i in range(4)),
                 "the VMs to connect")
        time.sleep(1)  # let connection-time chatter settle
        c0, t0 = cpu_seconds(x.proc.pid), time.monotonic()
        s0 = core(x)["sleeps"]
        time.sleep(3)
        c1, t1 = cpu_seconds(x.proc.pid), time.monotonic()
        percent = 100 * (c1 - c0) / (t1 - t0)
        print(f"idle xviod, 4 relays: {percent:.1f}% of a CPU")
        assert core(x)["sleeps"] > s0
        assert percent < 25
    finally:
        for vm in vms:
            vm.kill()
