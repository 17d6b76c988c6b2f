# SPDX-License-Identifier: BSD-3-Clause
"""One vhost-user socket, one frontend. rte_vhost's server accepts any
number of connections on a socket; xviod uses the first that is set up and
keeps the others waiting (counted), so a second frontend cannot take over
a VM's port, and a late disconnect of an old connection cannot take down
the one that replaced it."""
import signal

from scapy.all import IP, UDP, Ether, Raw, wrpcap

from harness import Testpmd, wait_for


def vm_behind_stream(x, workdir):
    """vm0 in a relay whose NIC endlessly sends towards it."""
    wrpcap(str(workdir / "in.pcap"),
           [Ether(dst="02:00:00:00:00:01") / IP(dst="10.9.9.9") / UDP() / Raw(b"z" * 64)] * 64)
    x.ctl("port", "add", "vm0", "vhost", "vm0.sock")
    x.ctl("port", "add", "nic0", "eth",
          f"net_pcap0,rx_pcap={workdir}/in.pcap,infinite_rx=1,tx_pcap={workdir}/out.pcap")
    x.ctl("relay", "add", "r0", "vm0", "nic0")


def frontend(workdir, name):
    tp = Testpmd(name, [f"net_virtio_user0,path={workdir}/vm0.sock"], workdir, fwd="rxonly")
    tp.cmd("start")
    return tp


def frontends_seen(x, n):
    """True once n frontends were set up on vm0, taken or kept waiting."""
    def seen():
        port = x.port("vm0")
        return port["connects"] + port.get("refused_frontends", 0) >= n
    return seen


def receiving(tp):
    """True once tp received more than it had when asked."""
    first = tp.port_stats(0).get("RX-packets", 0)
    return lambda: tp.port_stats(0).get("RX-packets", 0) > first


def test_second_frontend_is_kept_waiting_and_the_first_keeps_flowing(xviod, workdir):
    vm_behind_stream(xviod, workdir)
    first = frontend(workdir, "first")
    second = None
    try:
        wait_for(receiving(first), "the first frontend to receive")
        second = frontend(workdir, "second")
        wait_for(frontends_seen(xviod, 2), "the second frontend to be set up")
        wait_for(receiving(first), "the first frontend to keep receiving")
        assert second.port_stats(0).get("RX-packets", 0) == 0
        port = xviod.port("vm0")
        assert (port["state"], port["connects"], port["refused_frontends"],
                port["waiting_frontends"]) == ("connected", 1, 1, 1)
        # The waiting one leaves: its disconnect is not the port's.
        second.quit()
        second = None
        wait_for(lambda: xviod.port("vm0")["waiting_frontends"] == 0,
                 "the second frontend's disconnect")
        wait_for(receiving(first), "the first frontend to still receive")
        port = xviod.port("vm0")
        assert (port["state"], port["disconnects"]) == ("connected", 0)
        assert xviod.log.read_text().count("frontend refused") == 1
    finally:
        first.kill()
        if second is not None:
            second.kill()


def test_reconnect_before_the_old_disconnect_takes_over(xviod, workdir):
    """A VM's new frontend connects while the old one still holds its
    connection (a hung QEMU): it waits, and takes the port over when the
    old connection finally goes, instead of the old one's disconnect
    taking the new one down."""
    vm_behind_stream(xviod, workdir)
    old = frontend(workdir, "old")
    new = None
    try:
        wait_for(receiving(old), "the old frontend to receive")
        old.proc.send_signal(signal.SIGSTOP)  # hung, connection still open
        new = frontend(workdir, "new")
        wait_for(frontends_seen(xviod, 2), "the new frontend to be set up")
        old.kill()  # the old connection goes only now
        wait_for(lambda: xviod.port("vm0")["disconnects"] == 1, "the old one's disconnect")
        wait_for(receiving(new), "the new frontend to receive")
        port = xviod.port("vm0")
        assert (port["state"], port["connects"], port["refused_frontends"],
                port["waiting_frontends"]) == ("connected", 2, 1, 0)
    finally:
        old.kill()
        if new is not None:
            new.kill()
