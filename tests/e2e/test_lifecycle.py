# SPDX-License-Identifier: BSD-3-Clause
"""Relays keep working while VMs, ports, relays and xviod itself come and go.

Traffic loops: a testpmd per relay plays both the VM (virtio-user on the
vhost-user port) and the wire (a memif peer of the relay's NIC port) and
forwards between the two, so packets circle through the relay for as long
as the test runs.
"""
import signal
import time

from harness import Netns, Testpmd, Xviod, wait_for


def add_relay(x, i, workdir, vm_mode="server", memif=None):
    path = f"vm{i}.sock"
    memif = memif or f"memif{i}"
    args = ["port", "add", f"vm{i}", "vhost", path]
    if vm_mode == "client":
        args += ["mode=client"]
    x.ctl(*args)
    x.ctl("port", "add", f"nic{i}", "eth",
          f"net_memif{i},role=server,socket={workdir}/{memif}.sock,id={i}")
    x.ctl("relay", "add", f"r{i}", f"vm{i}", f"nic{i}")


def start_loop(workdir, i, server=False, x=None):
    """A VM + wire peer for relay i, with traffic circling. The loop is one
    burst: with x (the xviod), it is sent once both of the relay's ports
    are up, so it cannot be dropped on a port that is still coming up."""
    vu = f"net_virtio_user{i},path={workdir}/vm{i}.sock" + (",server=1" if server else "")
    tp = Testpmd(f"loop{i}-{time.monotonic_ns()}", [
        vu, f"net_memif{i},role=client,socket={workdir}/memif{i}.sock,id={i}"], workdir)
    if x is not None:
        wait_for(lambda: x.port(f"vm{i}")["state"] == "connected" and
                 x.port(f"nic{i}")["state"] == "up", f"relay r{i}'s ports to come up")
    tp.cmd("start tx_first")
    return tp


def packets(x, relay):
    return {d["direction"]: d["packets"] for d in x.relay(relay)["directions"]}


def flowing(x, relay):
    """True once both directions of relay moved more packets than before."""
    first = packets(x, relay)

    def moved():
        now = packets(x, relay)
        return all(now[d] > first[d] for d in now)
    return moved


def test_vm_killed_mid_burst_and_restarted_leaves_other_relays_alone(xviod, workdir):
    add_relay(xviod, 0, workdir)
    add_relay(xviod, 1, workdir)
    a, b = start_loop(workdir, 0, x=xviod), start_loop(workdir, 1, x=xviod)
    try:
        wait_for(flowing(xviod, "r0"), "traffic on r0")
        wait_for(flowing(xviod, "r1"), "traffic on r1")
        a.kill()
        wait_for(lambda: xviod.port("vm0")["state"] != "connected", "vm0 to disconnect")
        assert xviod.port("vm0")["disconnects"] == 1
        wait_for(flowing(xviod, "r1"), "r1 to keep flowing while vm0 is gone")
        a = start_loop(workdir, 0, x=xviod)
        wait_for(flowing(xviod, "r0"), "r0 to flow again after the VM came back")
        assert xviod.port("vm0")["connects"] == 2
        wait_for(flowing(xviod, "r1"), "r1 still flowing")
    finally:
        a.kill()
        b.kill()


def test_ports_and_relays_come_and_go_under_traffic(xviod, workdir):
    add_relay(xviod, 0, workdir)
    tp = start_loop(workdir, 0)
    try:
        wait_for(flowing(xviod, "r0"), "traffic on r0")
        drops_before = {d["direction"]: d["drops"] for d in xviod.relay("r0")["directions"]}
        for n in range(5):
            # DPDK 22.11's memif keeps its server socket bound after
            # the device is removed, so each round uses a new one.
            add_relay(xviod, 1, workdir, memif=f"memif1-{n}")
            xviod.ctl("relay", "del", "r1")
            xviod.ctl("port", "del", "vm1")
            xviod.ctl("port", "del", "nic1")
            wait_for(flowing(xviod, "r0"), "r0 to keep flowing")
        drops_after = {d["direction"]: d["drops"] for d in xviod.relay("r0")["directions"]}
        assert drops_after == drops_before
        # The relay itself: removed under traffic, added back, flows again.
        xviod.ctl("relay", "del", "r0")
        xviod.ctl("relay", "add", "r0", "vm0", "nic0")
        tp.cmd("stop")
        tp.cmd("start tx_first")
        wait_for(flowing(xviod, "r0"), "r0 to flow after being re-added")
    finally:
        tp.kill()


def test_client_mode_port_survives_xviod_restart(workdir):
    """xviod connects to the VM's socket (the VM is the vhost-user server,
    as QEMU is with libvirt's client mode); xviod stops and starts again
    from its saved config, and the VM's traffic resumes by itself; then the
    VM restarts and xviod reconnects to it."""
    vm, wire = Netns("xcvm", "10.78.0.2/24"), Netns("xcwire", "10.78.0.1/24")
    config = workdir / "xvio.json"
    x = Xviod(workdir, config=config).start()
    tp = None
    try:
        x.ctl("port", "add", "vm0", "vhost", "vm0.sock", "mode=client")
        x.ctl("port", "add", "nic0", "eth", f"net_af_packet0,iface={wire.outer}")
        x.ctl("relay", "add", "r0", "vm0", "nic0")
        x.ctl("config", "save")
        tp = Testpmd("cvm", [f"net_virtio_user0,path={workdir}/vm0.sock,server=1",
                             f"net_af_packet1,iface={vm.outer}"], workdir)
        tp.cmd("start")
        wait_for(lambda: wire.exec(f"ping -c 1 -W 1 {vm.ip}", check=False).returncode == 0,
                 "ping before the restart")
        assert x.stop() == 0
        assert wire.exec(f"ping -c 1 -W 1 {vm.ip}", check=False).returncode != 0
        x = Xviod(workdir, config=config).start()
        wait_for(lambda: x.port("vm0")["state"] == "connected", "xviod to reconnect",
                 timeout=60)
        wait_for(lambda: wire.exec(f"ping -c 1 -W 1 {vm.ip}", check=False).returncode == 0,
                 "ping after the restart")
        assert x.port("vm0")["connects"] == 1  # a new xviod: counted afresh
        # And the other way round: the VM side restarts, xviod reconnects.
        tp.kill()
        wait_for(lambda: x.port("vm0")["state"] != "connected", "xviod to see the VM go")
        # A killed VM leaves its socket file; QEMU would replace it, testpmd
        # refuses to, so do it for testpmd.
        (workdir / "vm0.sock").unlink()
        tp = Testpmd("cvm2", [f"net_virtio_user0,path={workdir}/vm0.sock,server=1",
                              f"net_af_packet1,iface={vm.outer}"], workdir)
        tp.cmd("start")
        wait_for(lambda: wire.exec(f"ping -c 1 -W 1 {vm.ip}", check=False).returncode == 0,
                 "ping after the VM restarted", timeout=60)
        assert x.port("vm0")["connects"] == 2
    finally:
        if tp is not None:
            tp.kill()
        vm.delete()
        wire.delete()
        assert x.stop() == 0


def test_sigint_and_sigterm_both_stop_cleanly(workdir):
    for sig in (signal.SIGINT, signal.SIGTERM):
        x = Xviod(workdir).start()
        add_relay(x, 0, workdir)
        assert x.stop(sig) == 0
        assert not x.sock.exists()
        assert not (workdir / "vm0.sock").exists()
