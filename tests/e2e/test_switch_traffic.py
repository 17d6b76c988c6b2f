# SPDX-License-Identifier: BSD-3-Clause
"""An L2 `normal` bridge between a host on the wire and two VMs, with real
Linux stacks behind every port.

    vm1-ns 10.78.0.2 ─ testpmd [af_packet ⇄ virtio-user] ─ vm1 ┐
    vm2-ns 10.78.0.3 ─ testpmd [af_packet ⇄ virtio-user] ─ vm2 ┼─ bridge br0 (normal)
    wire-ns 10.78.0.1 ─ veth ─ net_af_packet ─────────── nic1 ┘
"""
import hashlib
import os

import pytest

from harness import Netns, Testpmd, wait_for

# The relay tests' TCP sink and source (one connection, sha256 of the data).
from test_relay_traffic import CLIENT, SERVER  # noqa: E402


@pytest.fixture
def lan(xviod, workdir):
    hosts = {"vm1": Netns("xsv1", "10.78.0.2/24"), "vm2": Netns("xsv2", "10.78.0.3/24"),
             "wire": Netns("xsw", "10.78.0.1/24")}
    vms = []
    try:
        xviod.ctl("port", "add", "nic1", "eth", f"net_af_packet0,iface={hosts['wire'].outer}")
        xviod.ctl("bridge", "add", "br0")
        xviod.ctl("bridge", "port-add", "br0", "nic1")
        for i, vm in enumerate(("vm1", "vm2"), start=1):
            xviod.ctl("port", "add", vm, "vhost", f"{vm}.sock")
            xviod.ctl("bridge", "port-add", "br0", vm)
            tp = Testpmd(vm, [f"net_virtio_user0,path={workdir}/{vm}.sock",
                              f"net_af_packet1,iface={hosts[vm].outer}"], workdir)
            tp.cmd("start")
            vms.append(tp)
            wait_for(lambda: xviod.port(vm)["state"] == "connected", f"{vm} to connect")
        xviod.ctl("add-flow", "br0", "actions=normal")
        yield hosts
    finally:
        for tp in vms:
            tp.quit()
        for h in hosts.values():
            h.delete()


def ping(src, dst_ip, count=10):
    return src.exec(f"ping -c {count} -i 0.05 -W 2 {dst_ip}", check=False)


def test_every_host_reaches_every_other(lan, xviod):
    for a, b in (("wire", "vm1"), ("wire", "vm2"), ("vm1", "vm2"), ("vm2", "wire")):
        # The first ping may meet empty ARP caches and MAC table: warm up.
        wait_for(lambda: ping(lan[a], lan[b].ip, 1).returncode == 0, f"{a} -> {b}",
                 timeout=20)
        r = ping(lan[a], lan[b].ip)
        assert " 0% packet loss" in r.stdout, (a, b, r.stdout)
    fdb = {e["port"]: e["mac"] for e in xviod.ctl("fdb-show", "br0")}
    assert len(fdb) == 3, fdb          # each host learned on its own port
    ports = {p["port"]: p for p in xviod.ctl("bridge", "show", "br0")["ports"]}
    for name, p in ports.items():
        assert p["rx_packets"] > 0 and p["tx_packets"] > 0, (name, p)
        assert p["drops"]["vlan_not_allowed"] == 0 and p["drops"]["malformed"] == 0
    flows = xviod.ctl("dump-flows", "br0")
    assert flows[0]["n_packets"] > 0


def test_tcp_between_two_vms_arrives_intact(lan, workdir):
    payload = os.urandom(8 * 1024 * 1024)
    (workdir / "blob").write_bytes(payload)
    (workdir / "server.py").write_text(SERVER)
    (workdir / "client.py").write_text(CLIENT)
    wait_for(lambda: ping(lan["vm1"], lan["vm2"].ip, 1).returncode == 0, "vm1 -> vm2",
             timeout=20)
    srv = lan["vm2"].popen(f"/usr/bin/python3 {workdir}/server.py")
    try:
        assert srv.stdout.readline().strip() == "ready"
        lan["vm1"].exec(f"/usr/bin/python3 {workdir}/client.py {lan['vm2'].ip} "
                        f"{workdir}/blob")
        out, _ = srv.communicate(timeout=120)
    finally:
        srv.kill()
    size, digest = out.split()
    assert int(size) == len(payload)
    assert digest == hashlib.sha256(payload).hexdigest()


def test_flows_select_what_normal_switches(lan, xviod):
    """A drop rule above normal (default priority 32768) cuts one host off; deleting it (strict)
    brings it back. Counters name the rule that dropped."""
    wait_for(lambda: ping(lan["wire"], lan["vm1"].ip, 1).returncode == 0, "wire -> vm1",
             timeout=20)
    xviod.ctl("add-flow", "br0", "priority=40000,ip,nw_dst=10.78.0.2,actions=drop")
    r = ping(lan["wire"], lan["vm1"].ip, 5)
    assert "100% packet loss" in r.stdout, r.stdout
    assert ping(lan["wire"], lan["vm2"].ip, 5).returncode == 0
    drop_rule = [f for f in xviod.ctl("dump-flows", "br0", "ip") if "drop" in f["flow"]]
    assert drop_rule and drop_rule[0]["n_packets"] >= 5, drop_rule
    xviod.ctl("del-flows", "br0", "priority=40000,ip,nw_dst=10.78.0.2", "--strict")
    assert ping(lan["wire"], lan["vm1"].ip, 5).returncode == 0
