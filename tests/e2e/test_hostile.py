# SPDX-License-Identifier: BSD-3-Clause
"""A guest that misbehaves never stalls the other relays on its core, and
what it costs is counted."""
from scapy.all import IP, UDP, Ether, Raw, wrpcap

from harness import Testpmd, wait_for
from test_lifecycle import add_relay, flowing, start_loop, packets


def test_guest_that_stops_polling_is_counted_and_isolated(xviod, workdir):
    # r0: an endless stream from the NIC towards a guest that stops reading.
    wrpcap(str(workdir / "in.pcap"),
           [Ether() / IP(dst="10.9.9.9") / UDP() / Raw(b"z" * 64)] * 64)
    xviod.ctl("port", "add", "vm0", "vhost", "vm0.sock")
    xviod.ctl("port", "add", "nic0", "eth",
              f"net_pcap0,rx_pcap={workdir}/in.pcap,infinite_rx=1,tx_pcap={workdir}/out.pcap")
    xviod.ctl("relay", "add", "r0", "vm0", "nic0")
    # r1: a healthy VM on the same worker core.
    add_relay(xviod, 1, workdir)
    stuck = Testpmd("stuck", [f"net_virtio_user0,path={workdir}/vm0.sock"], workdir,
                    fwd="rxonly")
    healthy = start_loop(workdir, 1)
    try:
        stuck.cmd("start")
        wait_for(lambda: packets(xviod, "r0")["nic-to-vm"] > 0, "traffic into vm0")
        stuck.cmd("stop")  # the guest stops polling its RX ring
        wait_for(lambda: xviod.direction("r0", "nic-to-vm")["drops"]["dest_stalled"] > 0,
                 "the stalled guest's packets to be dropped and counted")
        wait_for(flowing(xviod, "r1"), "the healthy relay to keep flowing")
        assert xviod.ctl("core", "list")[0]["cpu"] == 1  # control plane answers
        stuck.cmd("start")  # it recovers
        before = packets(xviod, "r0")["nic-to-vm"]
        wait_for(lambda: packets(xviod, "r0")["nic-to-vm"] > before, "vm0 to receive again")
    finally:
        stuck.kill()
        healthy.kill()
