# SPDX-License-Identifier: BSD-3-Clause
"""Switch mode under traffic that is hostile or churning: `normal` keeps
working, and what it cannot do is counted."""
from scapy.all import IP, UDP, Ether, Raw, wrpcap

from harness import wait_for


def endless(x, workdir, name, frames):
    """A NIC port that reads frames again and again (and sends nowhere)."""
    wrpcap(str(workdir / f"{name}.pcap"), frames)
    x.ctl("port", "add", name, "eth",
          f"net_pcap_{name},rx_pcap={workdir}/{name}.pcap,infinite_rx=1,tx_pcap=/dev/null")


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
    sink(xviod, "sink")
    sink(xviod, "churn")
    xviod.ctl("bridge", "add", "br0")
    xviod.ctl("add-flow", "br0", "priority=0,actions=normal")
    xviod.ctl("bridge", "port-add", "br0", "sink")
    xviod.ctl("bridge", "port-add", "br0", "src")
    wait_for(lambda: tx(xviod, "br0", "sink") > 0, "the flood to reach sink")
    reached = 0
    for _ in range(300):
        xviod.ctl("bridge", "port-add", "br0", "churn")
        reached += tx(xviod, "br0", "churn") > 0
        xviod.ctl("bridge", "port-del", "br0", "churn")
    assert xviod.proc.poll() is None, "xviod died"
    assert reached > 0, "the flood never reached the port that came and went"
    before = tx(xviod, "br0", "sink")
    wait_for(lambda: tx(xviod, "br0", "sink") > before, "the flood to go on")
