# SPDX-License-Identifier: BSD-3-Clause
"""Packets written with scapy go through the real relay and come back.

    in.pcap ─ net_pcap (NIC) ─ xviod relay ─ vhost-user ─ testpmd virtio-user
    out.pcap ◄─ net_pcap ◄─ relay ◄─ vhost-user ◄─ (io mode sends it back)

The VM is testpmd's virtio-user in `io` mode with one port, so it returns
every frame it receives; out.pcap must then hold exactly what in.pcap held.
"""
import pytest
from scapy.all import (ARP, ICMP, IP, TCP, UDP, Dot1Q, Ether, IPv6, Raw, rdpcap,
                       wrpcap)

from harness import Testpmd, wait_for

MAC_A, MAC_B = "02:00:00:00:00:01", "02:00:00:00:00:02"


def eth(dst=MAC_B):
    return Ether(src=MAC_A, dst=dst)


FRAMES = {
    "udp": eth() / IP(src="10.0.0.1", dst="10.0.0.2") / UDP(sport=1, dport=2) / Raw(b"x" * 18),
    "tcp_syn": eth() / IP(src="10.0.0.1", dst="10.0.0.2") / TCP(sport=1234, dport=80, flags="S"),
    "icmp": eth() / IP(src="10.0.0.1", dst="10.0.0.2") / ICMP() / Raw(b"ping" * 10),
    "ipv6_udp": eth() / IPv6(src="fd00::1", dst="fd00::2") / UDP(sport=5, dport=6) / Raw(b"v6"),
    "arp_request": Ether(src=MAC_A, dst="ff:ff:ff:ff:ff:ff") / ARP(psrc="10.0.0.1", pdst="10.0.0.2"),
    "vlan_tagged": eth() / Dot1Q(vlan=42, prio=5) / IP(src="10.0.0.1", dst="10.0.0.2") / UDP(),
    "qinq": eth() / Dot1Q(vlan=10) / Dot1Q(vlan=20) / IP() / UDP(),
    "broadcast": Ether(src=MAC_A, dst="ff:ff:ff:ff:ff:ff") / IP(dst="255.255.255.255") / UDP(),
    "multicast": Ether(src=MAC_A, dst="01:00:5e:00:00:01") / IP(dst="224.0.0.1") / UDP(),
    "minimum_60B": eth() / Raw(b"\x88\xb5" + b"\x00" * 44),
    "maximum_1514B": eth() / IP(src="10.0.0.1", dst="10.0.0.2") / UDP() / Raw(b"m" * 1472),
    "bad_ip_checksum": eth() / IP(src="10.0.0.1", dst="10.0.0.2", chksum=0x1234) / UDP(),
    "truncated_ip_header": eth() / Raw(b"\x08\x00\x45\x00\x00"),
    "ip_fragment": eth() / IP(src="10.0.0.1", dst="10.0.0.2", flags="MF", frag=0) / UDP() / Raw(b"f" * 40),
}


class PcapRelay:
    """xviod with relay r1: vm1 (vhost) ↔ nic1 (net_pcap), and a VM that
    echoes. Packets are replayed once from in.pcap."""

    def __init__(self, xviod, workdir, frames, queues=1, vm_args=(), vm_setup=()):
        self.x, self.dir, self.frames = xviod, workdir, frames
        wrpcap(str(workdir / "in.pcap"), frames)
        xviod.ctl("port", "add", "vm1", "vhost", "vm1.sock", f"queues={queues}", *vm_args)
        # vm_setup: testpmd commands run before its port first starts
        # (virtio-user renegotiates nothing after a port stop/start).
        self.vm = Testpmd("echo", [f"net_virtio_user0,path={workdir}/vm1.sock,queues={queues}"],
                          workdir, fwd="io", rxq=queues, txq=queues,
                          extra_args=["--disable-device-start"])
        for cmd in vm_setup:
            self.vm.cmd(cmd)
        self.vm.cmd("port start all")
        # Retry when its TX ring is full, for up to 1 s: on two shared CPUs
        # the relay can be descheduled for longer than testpmd's default
        # 64 us of retries, and the echo must not lose packets.
        fwd = next((c.split()[2] for c in vm_setup if c.startswith("set fwd")), "io")
        self.vm.cmd(f"set fwd {fwd} retry")
        self.vm.cmd("set burst tx delay 10 retry 100000")
        self.vm.cmd("start")
        wait_for(lambda: xviod.port("vm1")["state"] == "connected", "the VM to connect")
        if queues > 1:
            wait_for(lambda: xviod.port("vm1")["rxq_enabled"] == (1 << queues) - 1,
                     "all guest queues enabled")
        # net_pcap carries any frame size and has no MTU to set.
        xviod.ctl("port", "add", "nic1", "eth",
                  f"net_pcap0,rx_pcap={workdir}/in.pcap,tx_pcap={workdir}/out.pcap")
        xviod.ctl("relay", "add", "r1", "vm1", "nic1")

    def returned(self):
        """Wait until every frame came back, then close the pcap port so its
        file is complete, and read it."""
        n = getattr(self, "expected_back", len(self.frames))
        try:
            wait_for(lambda: self.x.direction("r1", "vm-to-nic")["packets"] >= n,
                     f"{n} frames back from the VM")
        except AssertionError as e:
            raise AssertionError(f"{e}: relay {self.x.relay('r1')}, "
                                 f"VM {self.vm.port_stats(0)}") from None
        self.stats = {d: self.x.direction("r1", d) for d in ("nic-to-vm", "vm-to-nic")}
        self.x.ctl("relay", "del", "r1")
        self.x.ctl("port", "del", "nic1")
        return rdpcap(str(self.dir / "out.pcap"))

    def close(self):
        self.vm.quit()


@pytest.fixture
def pcap_relay(xviod, workdir):
    relays = []

    def make(frames, **kw):
        relays.append(PcapRelay(xviod, workdir, frames, **kw))
        return relays[-1]
    yield make
    for r in relays:
        r.close()


def test_every_kind_of_frame_crosses_unchanged_and_in_order(pcap_relay):
    frames = list(FRAMES.values())
    relay = pcap_relay(frames)
    out = relay.returned()
    assert [bytes(p) for p in out] == [bytes(f) for f in frames]
    for d, s in relay.stats.items():
        assert s["packets"] == len(frames), d
        assert s["bytes"] == sum(len(f) for f in frames), d
        assert sum(s["drops"].values()) == 0, d


def test_burst_larger_than_the_rings_loses_nothing(pcap_relay):
    """4096 frames arrive at once: more than a virtqueue holds. The relay
    holds and retries instead of dropping."""
    frames = [eth() / IP(src="10.0.0.1", dst="10.0.0.2") / UDP(sport=i % 65536, dport=9) /
              Raw(i.to_bytes(4, "big") * 4) for i in range(4096)]
    out = pcap_relay(frames).returned()
    assert [bytes(p) for p in out] == [bytes(f) for f in frames]


def test_jumbo_frames_cross_with_mergeable_buffers(pcap_relay):
    frames = [eth() / IP(src="10.0.0.1", dst="10.0.0.2") / UDP() / Raw(bytes([i]) * 8900)
              for i in range(8)]
    out = pcap_relay(frames).returned()
    assert [bytes(p) for p in out] == [bytes(f) for f in frames]


def test_flows_spread_over_the_guests_rx_queues(pcap_relay):
    """64 UDP flows towards a 4-queue guest: every queue gets traffic, and
    every packet of a flow lands on the same queue."""
    frames = [eth() / IP(src=f"10.1.0.{f}", dst="10.2.0.1") / UDP(sport=1000 + f, dport=53) /
              Raw(bytes([f, seq]) * 8) for seq in range(4) for f in range(64)]
    relay = pcap_relay(frames, queues=4)
    out = relay.returned()
    assert sorted(bytes(p) for p in out) == sorted(bytes(f) for f in frames)
    xstats = relay.vm.xstats(0)
    per_queue = [xstats.get(f"rx_q{q}_good_packets", 0) for q in range(4)]
    assert sum(per_queue) == len(frames)
    assert all(n > 0 for n in per_queue), per_queue
    # Each queue echoes on its own TX queue, so a flow that stayed on one
    # queue comes back with its packets still in sequence.
    seqs = {}
    for p in out:
        payload = bytes(p[Raw])
        seqs.setdefault(payload[0], []).append(payload[1])
    assert all(s == sorted(s) for s in seqs.values())


def tcp_stream(n, mss=1000, bad_checksum=False, ipv6=False):
    """n in-order segments of one TCP flow, each with mss payload bytes."""
    frames = []
    for i in range(n):
        ip = (IPv6(src="fd00:3::1", dst="fd00:3::2") if ipv6 else
              IP(src="10.3.0.1", dst="10.3.0.2", id=i))
        f = (eth() / ip / TCP(sport=40000, dport=5201, seq=1000 + i * mss, flags="A") /
             Raw(bytes((i * mss + k) % 251 for k in range(mss))))
        f = Ether(bytes(f))  # freeze correct checksums
        if bad_checksum:
            f[TCP].chksum = 0xdead
            f = Ether(bytes(f))
        frames.append(f)
    return frames


def checksums_ok(p):
    """Do p's IPv4 and TCP checksums match what scapy computes afresh?"""
    fresh = Ether(bytes(p))
    if IP in fresh:
        del fresh[IP].chksum
    del fresh[TCP].chksum
    fresh = Ether(bytes(fresh))
    return (IP not in p or p[IP].chksum == fresh[IP].chksum) and \
        p[TCP].chksum == fresh[TCP].chksum


def test_guest_checksum_requests_are_done_in_software(pcap_relay):
    """The guest (testpmd csum engine) leaves TCP checksums to the device;
    the NIC (pcap) cannot do them, so the relay must."""
    frames = tcp_stream(16, bad_checksum=True)
    relay = pcap_relay(frames, vm_args=["offloads=on"],
                       vm_setup=["set fwd csum", "csum set tcp hw 0", "csum set ip sw 0"])
    out = relay.returned()
    assert len(out) == len(frames)
    assert all(checksums_ok(p) for p in out)
    assert [bytes(p[Raw]) for p in out] == [bytes(f[Raw]) for f in frames]
    vm_to_nic = relay.stats["vm-to-nic"]
    assert vm_to_nic["sw_checksums"] == len(frames), vm_to_nic
    assert vm_to_nic["drops"]["offload_failed"] == 0


@pytest.mark.parametrize("ipv6", [False, True], ids=["ipv4", "ipv6"])
def test_guest_tso_frames_are_segmented_in_software(pcap_relay, ipv6):
    """Jumbo TCP frames reach the guest, which sends them back as TSO frames
    (testpmd's csum engine, MSS 1000) with partial checksums, as a Linux
    guest does with a large send; the NIC (pcap) cannot segment, so the
    relay must cut them into MSS-sized frames with correct checksums and
    the same bytes, in order."""
    frames = tcp_stream(16, mss=2800, ipv6=ipv6)
    relay = pcap_relay(frames, vm_args=["offloads=on"],
                       vm_setup=["set fwd csum", "csum set tcp hw 0", "csum set ip sw 0",
                                 "tso set 1000 0"])
    relay.expected_back = 16 * 3  # each 2800-byte payload becomes 3 frames
    out = relay.returned()
    payload = b"".join(bytes(p[Raw]) for p in out)
    assert payload == b"".join(bytes(f[Raw]) for f in frames)
    assert [len(p[Raw]) for p in out] == [1000, 1000, 800] * 16
    assert all(checksums_ok(p) for p in out)
    assert [p[TCP].seq for p in out] == [1000 + f * 2800 + k * 1000
                                         for f in range(16) for k in range(3)]
    vm_to_nic = relay.stats["vm-to-nic"]
    assert vm_to_nic["gso_frames"] == 16 and vm_to_nic["gso_segments"] == 48, vm_to_nic
    assert vm_to_nic["drops"]["offload_failed"] == 0
