# SPDX-License-Identifier: BSD-3-Clause
"""Traffic through an express relay, with real frontends on both sides."""
import hashlib
import os
import textwrap

import pytest

from harness import Netns, Testpmd, Xviod, sh, wait_for


@pytest.fixture
def two_hosts(workdir, xviod):
    """A VM-side host and a wire-side host, both Linux network stacks.

    vm-ns (10.77.0.2) ─veth─ testpmd [af_packet ⇄ virtio-user] ─vhost-user─
        xviod relay ─ af_packet ─veth─ wire-ns (10.77.0.1)

    testpmd's virtio-user is the VM's virtio-net driver; it forwards to the
    vm-ns kernel so that a real TCP/IP stack sits behind it.
    """
    vm = Netns("xvm", "10.77.0.2/24")
    wire = Netns("xwire", "10.77.0.1/24")
    xviod.ctl("port", "add", "vm1", "vhost", "vm1.sock")
    xviod.ctl("port", "add", "nic1", "eth", f"net_af_packet0,iface={wire.outer}")
    xviod.ctl("relay", "add", "r1", "vm1", "nic1")
    tp = Testpmd("vm1", [f"net_virtio_user0,path={workdir}/vm1.sock",
                         f"net_af_packet1,iface={vm.outer}"], workdir, fwd="io",
                 lcores="0@0,1@0")
    tp.cmd("start")
    wait_for(lambda: xviod.port("vm1")["state"] == "connected", "VM to connect")
    yield vm, wire, tp
    tp.quit()
    vm.delete()
    wire.delete()


def test_ping_crosses_the_relay_both_ways(two_hosts, xviod):
    vm, wire, _ = two_hosts
    # Warm up ARP; packets sent while the VM was still starting may have
    # been counted as drops, so count from here on.
    wire.exec(f"ping -c 1 -W 5 {vm.ip}", check=False)
    before = {d: xviod.direction("r1", d) for d in ("nic-to-vm", "vm-to-nic")}
    r = wire.exec(f"ping -c 20 -i 0.05 -W 2 {vm.ip}", check=False)
    assert " 0% packet loss" in r.stdout, r.stdout + r.stderr
    for d, old in before.items():
        now = xviod.direction("r1", d)
        assert now["packets"] - old["packets"] >= 20, d
        assert now["drops"] == old["drops"], d


SERVER = textwrap.dedent("""
    import hashlib, socket, sys
    s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("0.0.0.0", 5001)); s.listen(1); print("ready", flush=True)
    c, _ = s.accept(); h = hashlib.sha256(); n = 0
    while True:
        b = c.recv(65536)
        if not b: break
        h.update(b); n += len(b)
    print(n, h.hexdigest(), flush=True)
""")

CLIENT = textwrap.dedent("""
    import socket, sys
    data = open(sys.argv[2], "rb").read()
    c = socket.create_connection((sys.argv[1], 5001), timeout=60)
    c.sendall(data); c.close()
""")


@pytest.mark.parametrize("direction", ["vm-to-wire", "wire-to-vm"])
def test_tcp_transfer_arrives_intact(two_hosts, workdir, direction):
    vm, wire, _ = two_hosts
    sender, receiver = (vm, wire) if direction == "vm-to-wire" else (wire, vm)
    payload = os.urandom(8 * 1024 * 1024)
    blob = workdir / "payload.bin"
    blob.write_bytes(payload)
    (workdir / "server.py").write_text(SERVER)
    (workdir / "client.py").write_text(CLIENT)
    srv = receiver.popen(f"/usr/bin/python3 {workdir}/server.py")
    try:
        assert srv.stdout.readline().strip() == "ready"
        sender.exec(f"/usr/bin/python3 {workdir}/client.py {receiver.ip} {blob}")
        out, err = srv.communicate(timeout=120)
    finally:
        srv.kill()
    size, digest = out.split()
    assert int(size) == len(payload)
    assert digest == hashlib.sha256(payload).hexdigest()



def test_relay_over_a_bonded_nic(workdir):
    """NIC ports can be DPDK bonding devices (here active-backup over two
    net_tap slaves, created by EAL arguments); traffic crosses the bond."""
    vm = Netns("xbvm", "10.75.0.2/24")
    x = Xviod(workdir, extra=["--", "--vdev", "net_tap0,iface=xbs0",
                              "--vdev", "net_tap1,iface=xbs1"]).start()
    tp = None
    try:
        x.ctl("port", "add", "vm1", "vhost", "vm1.sock")
        bond = x.ctl("port", "add", "bond0", "eth",
                     "net_bonding0,mode=1,slave=net_tap0,slave=net_tap1")
        assert bond["driver"] == "net_bonding"
        x.ctl("relay", "add", "r1", "vm1", "bond0")
        # The active slave's kernel side is the host on the wire.
        sh("ip netns add xbwire; ip link set xbs0 netns xbwire")
        sh("ip netns exec xbwire ip addr add 10.75.0.1/24 dev xbs0; "
           "ip netns exec xbwire ip link set xbs0 up")
        tp = Testpmd("bvm", [f"net_virtio_user0,path={workdir}/vm1.sock",
                             f"net_af_packet1,iface={vm.outer}"], workdir)
        tp.cmd("start")
        wait_for(lambda: x.port("vm1")["state"] == "connected", "VM to connect")
        wait_for(lambda: sh(f"ip netns exec xbwire ping -c 1 -W 1 {vm.ip}",
                            check=False).returncode == 0, "ping across the bond")
    finally:
        if tp is not None:
            tp.kill()
        vm.delete()
        sh("ip netns del xbwire", check=False)
        assert x.stop() == 0


def test_ring_nic_loops_traffic_back_to_the_vm(xviod, workdir):
    """net_ring as the NIC: what the relay transmits, it receives again, so
    a burst from the VM circles VM -> NIC -> VM for as long as it runs."""
    xviod.ctl("port", "add", "vm1", "vhost", "vm1.sock")
    xviod.ctl("port", "add", "nic1", "eth", "net_ring0")
    xviod.ctl("relay", "add", "r1", "vm1", "nic1")
    tp = Testpmd("ring", [f"net_virtio_user0,path={workdir}/vm1.sock"], workdir)
    try:
        tp.cmd("start tx_first")
        wait_for(lambda: all(d["packets"] > 10000 for d in xviod.relay("r1")["directions"]),
                 "packets to circle through the ring")
    finally:
        tp.kill()


def test_socket_ownership_and_mode_for_an_unprivileged_qemu(xviod, workdir):
    import grp
    import stat

    group = grp.getgrgid(os.getgid()).gr_name
    xviod.ctl("port", "add", "vm1", "vhost", "vm1.sock", "perm=0660", f"group={group}",
              "owner=nobody")
    st = os.stat(workdir / "vm1.sock")
    assert stat.S_IMODE(st.st_mode) == 0o660
    assert st.st_uid == __import__("pwd").getpwnam("nobody").pw_uid
    assert xviod.port("vm1")["perm"] == "0660"
