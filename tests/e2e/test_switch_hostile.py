# SPDX-License-Identifier: BSD-3-Clause
"""Switch mode under traffic that is hostile or churning: `normal` keeps
working, and what it cannot do is counted."""
import random

from scapy.all import IP, UDP, Ether, Raw, wrpcap

from harness import Netns, Xviod, wait_for
from switch_bed import read_pcap, write_pcap


def endless(x, workdir, name, frames):
    """A NIC port that reads frames again and again (and sends nowhere)."""
    wrpcap(str(workdir / f"{name}.pcap"), frames)
    x.ctl("port", "add", name, "eth",
          f"net_pcap_{name},rx_pcap={workdir}/{name}.pcap,infinite_rx=1,tx_pcap={workdir}/{name}.out.pcap")


def sink(x, name):
    """A NIC port that takes everything and sends nothing."""
    x.ctl("port", "add", name, "eth", f"net_null_{name},no-rx=1")


def tx(x, bridge, port):
    return next(p["tx_packets"] for p in x.ctl("bridge", "show", bridge)["ports"]
                if p["port"] == port)


def test_flooding_while_a_port_is_attached_and_detached(xviod, workdir):
    """Broadcasts flood from one port to the others while a third port is
    attached and detached over and over: the flooding worker never sends
    to a slot that was just emptied (what was queued for the port as it
    went is counted as port_down)."""
    endless(xviod, workdir, "src", [Ether(src="02:00:00:00:00:01", dst="ff:ff:ff:ff:ff:ff") /
                                    IP() / UDP() / Raw(b"b" * 64)] * 64)
    sinks = ["sink", "sink2", "sink3"]
    for name in sinks + ["churn"]:
        sink(xviod, name)
    xviod.ctl("bridge", "add", "br0")
    xviod.ctl("add-flow", "br0", "priority=0,actions=normal")
    # The port that comes and goes has the highest ofport: the last one a
    # flood sends to, after the others took their time.
    for name in sinks + ["src"]:
        xviod.ctl("bridge", "port-add", "br0", name)
    wait_for(lambda: tx(xviod, "br0", "sink") > 0, "the flood to reach sink")
    reached = 0
    for _ in range(500):
        xviod.ctl("bridge", "port-add", "br0", "churn")
        reached += tx(xviod, "br0", "churn") > 0
        xviod.ctl("bridge", "port-del", "br0", "churn")
    assert xviod.proc.poll() is None, "xviod died"
    assert reached > 0, "the flood never reached the port that came and went"
    before = tx(xviod, "br0", "sink")
    wait_for(lambda: tx(xviod, "br0", "sink") > before, "the flood to go on")


def spray(n, seed):
    """n frames from as many different (locally administered, unicast)
    source MACs, to everyone."""
    rnd = random.Random(seed)
    return [Ether(src=mac(0x020000000000 | rnd.getrandbits(40)), dst="ff:ff:ff:ff:ff:ff") /
            IP() / UDP() for _ in range(n)]


def mac(v):
    return ":".join(f"{(v >> s) & 0xff:02x}" for s in range(40, -8, -8))


def bport(x, bridge, port):
    return next(p for p in x.ctl("bridge", "show", bridge)["ports"] if p["port"] == port)


def learnt(x, bridge):
    return {e["mac"].lower(): e["port"] for e in x.ctl("fdb-show", bridge)}


def pcap_port(x, workdir, name, frames):
    write_pcap(workdir / f"in_{name}.pcap", frames)
    x.ctl("port", "add", name, "eth", f"net_pcap_{name},rx_pcap={workdir}/in_{name}.pcap,"
          f"tx_pcap={workdir}/out_{name}.pcap")


def test_a_guest_spraying_source_macs_cannot_crowd_out_the_others(xviod, workdir):
    """One port sends from 16384 addresses, twice what the table holds: it
    learns up to its limit (1024 by default), the rest is refused and
    counted, and a VM that comes later is still learnt and reached by
    unicast alone."""
    vm, peer = "02:00:00:00:0a:01", "02:00:00:00:0a:02"
    to_vm = Ether(src=peer, dst=vm) / IP() / UDP() / Raw(b"for the vm only")
    pcap_port(xviod, workdir, "spray", spray(16384, 1))
    pcap_port(xviod, workdir, "vm", [Ether(src=vm, dst="ff:ff:ff:ff:ff:ff") / IP() / UDP()])
    pcap_port(xviod, workdir, "peer", [to_vm])
    xviod.ctl("bridge", "add", "br0")  # a learning switch
    try:
        for name, frames in (("spray", 16384), ("vm", 1), ("peer", 1)):
            xviod.ctl("bridge", "port-add", "br0", name)
            wait_for(lambda: bport(xviod, "br0", name)["rx_packets"] == frames,
                     f"{name} to be read")
        macs = learnt(xviod, "br0")
        spray_port = bport(xviod, "br0", "spray")
        assert macs[vm] == bport(xviod, "br0", "vm")["ofport"]
        assert (spray_port["mac_limit"], spray_port["macs"], spray_port["mac_learn_refused"]) \
            == (1024, 1024, 16384 - 1024)
        assert list(macs.values()).count(spray_port["ofport"]) == 1024
        assert xviod.ctl("bridge", "show", "br0")["mac_learn_failures"] == 0
        # The operator sees the same without --json: MACS learnt/limit and
        # MAC-REFUSED per port, and the bridge's failures.
        text = xviod.run_ctl("bridge", "show", "br0").stdout.splitlines()
        head = text[0].split()
        row = next(line.split() for line in text if " spray " in f" {line} ")
        assert row[head.index("MACS") - len(head)] == "1024/1024"
        assert row[head.index("MAC-REFUSED") - len(head)] == str(16384 - 1024)
        assert "MAC learn failures 0" in text[-1]
    finally:
        for name in ("spray", "vm", "peer"):
            xviod.run_ctl("bridge", "port-del", "br0", name, check=False)
            xviod.run_ctl("port", "del", name, check=False)
    # The peer's frame went to the VM, and not flooded to the sprayer.
    assert bytes(to_vm) in read_pcap(workdir / "out_vm.pcap")
    assert bytes(to_vm) not in read_pcap(workdir / "out_spray.pcap")


def test_mac_limits_are_set_per_bridge_and_per_port_and_saved(xviod, workdir):
    sink(xviod, "p1")
    sink(xviod, "p2")
    xviod.ctl("bridge", "add", "br0", "mac_limit=100")
    xviod.ctl("bridge", "port-add", "br0", "p1")
    xviod.ctl("bridge", "port-add", "br0", "p2", "mac_limit=5")
    limits = lambda: {p["port"]: p["mac_limit"] for p in xviod.ctl("bridge", "show", "br0")["ports"]}  # noqa: E731
    assert limits() == {"p1": 100, "p2": 5}
    xviod.ctl("bridge", "set", "br0", "mac_limit=200")  # the ports without their own
    assert limits() == {"p1": 200, "p2": 5}
    saved = xviod.ctl("config", "show")["bridges"][0]
    assert saved["mac_limit"] == 200
    assert [p.get("mac_limit") for p in saved["ports"]] == [None, 5]
    xviod.ctl("bridge", "port-del", "br0", "p1")
    xviod.ctl("bridge", "port-del", "br0", "p2")


def test_aged_addresses_make_room_while_another_worker_sleeps(workdir):
    """An address that aged out frees its slot for a new one even while a
    worker sits idle (asleep, it reports no RCU quiescent state): the table
    is filled and emptied three times over, then a new VM is learnt."""
    x = Xviod(workdir, workers="0-1", extra=["--no-rebalance"]).start()
    hosts = {n: Netns(f"xvm{n}", f"10.79.0.{i}/24") for i, n in ((1, "spray"), (2, "vm"))}
    vm = "02:00:00:00:0b:01"
    try:
        for n, ns in hosts.items():
            x.ctl("port", "add", n, "eth", f"net_af_packet_{n},iface={ns.outer}")
        x.ctl("bridge", "add", "br0")
        # Both on CPU 1: the worker on CPU 0 has nothing to do and sleeps.
        x.ctl("bridge", "port-add", "br0", "vm", "core=1")
        x.ctl("bridge", "port-add", "br0", "spray", "core=1", "mac_limit=8192")
        spray_port = bport(x, "br0", "spray")["ofport"]
        for rnd in range(3):
            before = bport(x, "br0", "spray")["rx_packets"]
            inject(hosts["spray"], workdir, spray(9000, 10 + rnd))
            wait_for(lambda: bport(x, "br0", "spray")["rx_packets"] >= before + 9000,
                     "the spray to be read")
            x.ctl("bridge", "set", "br0", "mac_age=1")
            wait_for(lambda: spray_port not in learnt(x, "br0").values(),
                     "the spray to age out")
            x.ctl("bridge", "set", "br0", "mac_age=300")
        inject(hosts["vm"], workdir, [Ether(src=vm, dst="ff:ff:ff:ff:ff:ff") / IP() / UDP()])
        wait_for(lambda: vm in learnt(x, "br0"), "the new VM's address to be learnt")
        assert x.ctl("core", "list")[0]["jobs"] == []
    finally:
        for n in hosts:
            x.run_ctl("bridge", "port-del", "br0", n, check=False)
        for ns in hosts.values():
            ns.delete()
        assert x.stop() == 0


def inject(ns, workdir, frames):
    """Send frames out of the namespace's end of its veth."""
    f = workdir / f"inject-{ns.name}.pcap"
    write_pcap(f, frames)
    ns.exec(f"/usr/bin/python3 -c \"from scapy.all import rdpcap, sendp; "
            f"sendp(rdpcap('{f}'), iface='{ns.inner}', verbose=False)\"", timeout=300)
