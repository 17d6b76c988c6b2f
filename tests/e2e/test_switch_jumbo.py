# SPDX-License-Identifier: BSD-3-Clause
"""Jumbo frames through the switch: frames longer than one mbuf are chains
of segments (net_pcap makes any frame over 2 KB one, as rte_vhost does
for a guest's), and every rule, rewrite and multi-output must treat them
exactly as it treats a 64-byte frame.

    in_1.pcap ─ net_pcap ─┐                ┌─ net_pcap ─ out_2.pcap
                          └─ bridge (flows)┼─ net_pcap ─ out_3.pcap
                                           └─ ...

Every copy must be byte-exact (scapy builds what must come out, with its
own checksums), and the shared pool must hold as many buffers in use after
the ports are gone as before they came: a segment freed twice or never
shows there.
"""
import pytest
from scapy.all import ICMP, IP, SCTP, TCP, UDP, Dot1AD, Dot1Q, Ether, IPv6, Raw

from harness import Xviod
from switch_bed import PcapBridge

A, B, C = "02:00:00:00:00:0a", "02:00:00:00:00:0b", "02:00:00:00:00:0c"
BCAST = "ff:ff:ff:ff:ff:ff"
SIZES = (64, 1500, 3000, 9000)   # one segment, one full segment, chains


def pad_to(pkt, size):
    """pkt with a payload that makes the frame `size` bytes."""
    return pkt / Raw(bytes(i % 251 for i in range(max(0, size - len(pkt)))))


def frame(size, dst=B, l4=None, **ip):
    l4 = l4 if l4 is not None else TCP(sport=1000, dport=80, flags="PA")
    return pad_to(Ether(src=A, dst=dst) / IP(src="10.0.0.1", dst="10.0.0.2", **ip) / l4, size)


def rebuild(pkt):
    """pkt with every length and checksum computed again by scapy."""
    for layer in (IP, TCP, UDP, ICMP):
        if layer in pkt:
            del pkt[layer].chksum
            if layer is IP:
                del pkt[IP].len
    if SCTP in pkt:
        del pkt[SCTP].chksum
    return Ether(bytes(pkt))


@pytest.fixture(scope="module")
def daemons(tmp_path_factory):
    """One xviod for the module, started again if a test killed it (so one
    crash fails one test, not all that follow)."""
    d = tmp_path_factory.mktemp("jumbo", numbered=True)
    # Each test's pcap files are in its own tmp_path, beside d.
    held = [Xviod(d, extra=["--file-dir", str(d.parent)]).start()]
    yield held
    assert held[0].stop() == 0


@pytest.fixture
def x(daemons):
    if daemons[0].proc.poll() is not None:
        daemons[0].stop()
        daemons[0] = Xviod(daemons[0].dir, extra=daemons[0].extra).start()
    return daemons[0]


def mbufs_in_use(x):
    return x.ctl("stats")["mbufs"]["in_use"]


def run(x, tmp_path, nports, flows, send, port_args=None):
    before = mbufs_in_use(x)
    bed = PcapBridge(x, tmp_path, nports, flows, port_args=port_args)
    try:
        got = bed.send(send)
    finally:
        bed.close()
    assert x.proc.poll() is None, "xviod died"
    assert mbufs_in_use(x) == before, "buffers leaked or freed twice"
    return got, bed


def assert_frames(have, want):
    have = [bytes(f) for f in have]
    want = [bytes(f) for f in want]
    assert [len(f) for f in have] == [len(f) for f in want]
    assert have == want


# ---- several outputs share one chained packet --------------------------------

JUMBO_MIX = (3000, 5000, 9000, 4000, 100, 7000)


@pytest.mark.parametrize("dst", [BCAST, C], ids=["broadcast", "unknown_unicast"])
def test_normal_floods_chained_frames_to_every_port_byte_exact(x, tmp_path, dst):
    frames = [frame(n, dst=dst) for n in JUMBO_MIX] * 4
    got, _ = run(x, tmp_path, 4, ["priority=0,actions=normal"], {1: frames})
    for port in (2, 3, 4):
        assert_frames(got[port], frames)


def test_output_then_rewrite_then_output_keeps_the_first_copy(x, tmp_path):
    frames = [frame(n) for n in JUMBO_MIX]
    got, _ = run(x, tmp_path, 3,
                 ["in_port=1,actions=output:2,mod_dl_dst:02:00:00:00:00:99,output:3"],
                 {1: frames})
    assert_frames(got[2], frames)
    want = [Ether(bytes(f)) for f in frames]
    for f in want:
        f.dst = "02:00:00:00:00:99"
    assert_frames(got[3], want)


def test_flood_and_all_share_chains(x, tmp_path):
    frames = [frame(n) for n in JUMBO_MIX]
    got, _ = run(x, tmp_path, 4, ["in_port=1,actions=flood"], {1: frames})
    for port in (2, 3, 4):
        assert_frames(got[port], frames)
    got, _ = run(x, tmp_path, 3, ["in_port=1,actions=all"], {1: frames})
    for port in (2, 3):
        assert_frames(got[port], frames)


# ---- rules and rewrites see every size alike --------------------------------


@pytest.mark.parametrize("size", SIZES)
def test_deny_rule_on_nw_dst_drops_every_size(x, tmp_path, size):
    got, bed = run(x, tmp_path, 2,
                   ["priority=100,ip,nw_dst=10.0.0.2,actions=drop", "priority=0,actions=normal"],
                   {1: [frame(size), frame(size, l4=UDP(sport=1, dport=2))]})
    assert got[2] == []
    assert bed.stats(1)["drops"]["action_drop"] == 2
    assert bed.stats(1)["anomalies"]["bad_l3"] == 0


@pytest.mark.parametrize("size", SIZES)
def test_deny_rule_on_tp_dst_drops_every_size(x, tmp_path, size):
    got, _ = run(x, tmp_path, 2,
                 ["priority=100,tcp,tp_dst=80,actions=drop",
                  "priority=100,tcp6,tp_dst=80,actions=drop", "priority=0,actions=normal"],
                 {1: [frame(size),
                      pad_to(Ether(src=A, dst=B) / IPv6(src="fd00::1", dst="fd00::2") /
                             TCP(sport=1, dport=80), size)]})
    assert got[2] == []


@pytest.mark.parametrize("size", SIZES)
def test_dec_ttl_works_at_every_size(x, tmp_path, size):
    f = frame(size, ttl=9)
    got, _ = run(x, tmp_path, 2, ["ip,actions=dec_ttl,output:2"], {1: [f]})
    want = Ether(bytes(f))
    want[IP].ttl = 8
    assert_frames(got[2], [rebuild(want)])


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("l4", ["tcp", "udp", "sctp"])
def test_l3_and_l4_rewrites_keep_checksums_at_every_size(x, tmp_path, size, l4):
    proto = {"tcp": TCP(sport=1000, dport=80), "udp": UDP(sport=53, dport=5353),
             "sctp": SCTP(sport=7, dport=9)}[l4]
    f = frame(size, l4=proto)
    got, _ = run(x, tmp_path, 2,
                 [f"{l4},actions=mod_nw_src:192.168.7.7,mod_tp_dst:4242,output:2"], {1: [f]})
    want = Ether(bytes(f))
    want[IP].src = "192.168.7.7"
    want[IP].payload.dport = 4242
    assert_frames(got[2], [rebuild(want)])


@pytest.mark.parametrize("size", SIZES)
def test_vlan_push_and_pop_at_every_size(x, tmp_path, size):
    f = frame(size)
    tagged = Ether(src=A, dst=B) / Dot1Q(vlan=5) / Ether(bytes(f))[IP]
    got, _ = run(x, tmp_path, 2, ["in_port=1,actions=mod_vlan_vid:5,output:2"], {1: [f]})
    assert_frames(got[2], [tagged])
    got, _ = run(x, tmp_path, 2, ["in_port=1,actions=strip_vlan,output:2"], {1: [tagged]})
    assert_frames(got[2], [f])


def test_ipv6_with_many_extension_headers_keeps_its_addresses_and_ports(x, tmp_path):
    """More than 8 extension headers: the key still has the addresses and
    the ports, so a deny rule on either is not bypassed."""
    from scapy.all import IPv6ExtHdrDestOpt
    ext = IPv6ExtHdrDestOpt()
    for _ in range(11):
        ext = ext / IPv6ExtHdrDestOpt()
    f = Ether(src=A, dst=B) / IPv6(src="fd00::1", dst="fd00::2") / ext / TCP(dport=22)
    got, _ = run(x, tmp_path, 2,
                 ["priority=100,ipv6,ipv6_dst=fd00::2,actions=drop",
                  "priority=0,actions=normal"], {1: [f]})
    assert got[2] == []
    got, _ = run(x, tmp_path, 2,
                 ["priority=100,tcp6,tp_dst=22,actions=drop",
                  "priority=0,actions=normal"], {1: [f]})
    assert got[2] == []


def test_ipv6_version_nibble_is_checked(x, tmp_path):
    """A frame of type IPv6 whose version is 4 is not IPv6: no IPv6 fields,
    no IPv6 rewrites (they would trust its layout): the rewrite drops it,
    counted."""
    good = Ether(src=A, dst=B) / IPv6(src="fd00::1", dst="fd00::2") / UDP(sport=1, dport=2)
    bad = bytearray(bytes(good))
    bad[14] = (bad[14] & 0x0f) | 0x40
    got, bed = run(x, tmp_path, 2,
                   ["priority=10,ipv6,actions=set_field:fd00::1->ipv6_src,output:2"],
                   {1: [bytes(bad), good]})
    assert_frames(got[2], [good])
    assert bed.stats(1)["anomalies"]["bad_l3"] == 1
    assert bed.stats(1)["drops"]["malformed"] == 1


# ---- VLAN hopping through priority tags ------------------------------------


def test_priority_tagged_frame_on_access_port_reaches_trunk_with_its_vlan(x, tmp_path):
    """VID 0 on an access port of VLAN 10: the frame is in VLAN 10, and a
    trunk sees VID 10 (priority kept), never VID 0 (its native VLAN)."""
    inner = IP(src="10.0.0.1", dst="10.0.0.2") / UDP(sport=1, dport=2) / Raw(b"x" * 20)
    f = Ether(src=A, dst=BCAST) / Dot1Q(vlan=0, prio=5) / inner
    got, _ = run(x, tmp_path, 3, ["priority=0,actions=normal"], {1: [f]},
                 port_args={1: ["tag=10"], 2: [], 3: ["tag=10"]})
    assert_frames(got[2], [Ether(src=A, dst=BCAST) / Dot1Q(vlan=10, prio=5) / inner])
    assert_frames(got[3], [Ether(src=A, dst=BCAST) / inner])


def test_double_tagged_frame_with_outer_vid_0_is_refused_on_access_port(x, tmp_path):
    """802.1ad outer VID 0 around an inner VID 20: the frame would land in
    VLAN 20 of the trunk. Refused and counted."""
    inner = IP(src="10.0.0.1", dst="10.0.0.2") / UDP(sport=1, dport=2)
    for f in (Ether(src=A, dst=BCAST) / Dot1AD(vlan=0) / Dot1Q(vlan=20) / inner,
              Ether(src=A, dst=BCAST) / Dot1Q(vlan=0) / Dot1Q(vlan=20) / inner):
        got, bed = run(x, tmp_path, 3, ["priority=0,actions=normal"], {1: [f]},
                       port_args={1: ["tag=10"], 2: [], 3: ["tag=10"]})
        assert got[2] == [] and got[3] == []
        assert bed.stats(1)["drops"]["vlan_not_allowed"] == 1


# ---- from a real virtio frontend ---------------------------------------------


def redirected(f):
    f = Ether(bytes(f))
    f.dst = "02:00:00:00:00:99"
    return f


def vhost_burst(xviod, workdir, flows, txpkts, burst=32):
    """A VM's virtio-net driver (testpmd's virtio-user) on ofport 1 of a
    3-port bridge sends one burst of `burst` frames made of the buffers
    txpkts lists; rte_vhost hands xviod each as a chain. Returns what the two
    net_pcap ports wrote and the VM port's counters, after checking that
    the pool got every buffer back once."""
    from harness import Testpmd, wait_for
    from switch_bed import read_pcap, write_pcap

    def rx_done():
        port = xviod.port("vm1")
        seen = next(p for p in xviod.ctl("bridge", "show", "brj")["ports"]
                    if p["ofport"] == 1)["rx_packets"]
        return seen + port["rx_oversize"] >= burst

    before = mbufs_in_use(xviod)
    xviod.ctl("port", "add", "vm1", "vhost", "vm1.sock")
    xviod.ctl("bridge", "add", "brj")
    (workdir / "brj.flows").write_text("\n".join(flows) + "\n")
    xviod.ctl("add-flows", "brj", workdir / "brj.flows")
    for n in (2, 3):
        write_pcap(workdir / f"empty{n}.pcap", [])
        xviod.ctl("port", "add", f"nic{n}", "eth",
                  f"net_pcap{n},rx_pcap={workdir}/empty{n}.pcap,tx_pcap={workdir}/out{n}.pcap")
    for n, port in ((1, "vm1"), (2, "nic2"), (3, "nic3")):
        xviod.ctl("bridge", "port-add", "brj", port, f"ofport={n}")
    tp = Testpmd("vmj", [f"net_virtio_user0,path={workdir}/vm1.sock"], workdir)
    try:
        wait_for(lambda: xviod.port("vm1")["state"] == "connected", "the VM to connect")
        tp.cmd("set txpkts " + ",".join(str(n) for n in txpkts))
        tp.cmd(f"set burst {burst}")   # each frame takes len(txpkts) descriptors
        tp.cmd("start tx_first 1")   # one burst of 32, then io: nothing comes back
        wait_for(rx_done, "the bridge to take the VM's burst")
        tp.cmd("stop")
    finally:
        tp.quit()
    vm = xviod.port("vm1")
    for n in (2, 3):
        xviod.ctl("bridge", "port-del", "brj", f"nic{n}")
        xviod.ctl("port", "del", f"nic{n}")
    xviod.ctl("bridge", "port-del", "brj", "vm1")
    xviod.ctl("port", "del", "vm1")
    xviod.ctl("bridge", "del", "brj")
    assert mbufs_in_use(xviod) == before, "buffers leaked or freed twice"
    return read_pcap(workdir / "out2.pcap"), read_pcap(workdir / "out3.pcap"), vm


@pytest.mark.parametrize("flows, rewrite", [
    (["priority=0,actions=normal"], lambda f: f),
    (["in_port=1,actions=output:2,mod_dl_dst:02:00:00:00:00:99,output:3"], redirected),
], ids=["normal", "output_rewrite_output"])
def test_chained_frames_from_a_vhost_port_reach_every_output_byte_exact(
        xviod, workdir, flows, rewrite):
    """5000-byte frames, each in three buffers: both outputs get every
    frame whole, and the pool gets every buffer back once."""
    out2, out3, vm = vhost_burst(xviod, workdir, flows, (2000, 2000, 1000))
    assert len(out2) == 32 and all(len(f) == 5000 and UDP in Ether(f) for f in out2)
    assert len(set(out2)) == 1, "testpmd sends one frame again and again"
    assert_frames(out3, [rewrite(f) for f in out2])
    assert vm["rx_oversize"] == 0


def test_frames_longer_than_a_jumbo_frame_from_a_guest_are_dropped_and_counted(
        xviod, workdir):
    """A guest that negotiated no MTU and no TSO sends 16000-byte frames in
    eight buffers each: more than the 9220 bytes (9216 and a VLAN tag) any
    switch takes. Each is dropped where it enters, counted in the port's
    rx_oversize, its buffers returned; a 9216-byte frame still passes."""
    out2, out3, vm = vhost_burst(xviod, workdir, ["priority=0,actions=normal"], (2000,) * 8,
                                 burst=16)
    assert out2 == [] and out3 == []
    assert vm["rx_oversize"] == 16
    out2, _, vm = vhost_burst(xviod, workdir, ["priority=0,actions=normal"],
                              (2000, 2000, 2000, 2000, 1216), burst=16)
    assert len(out2) == 16 and all(len(f) == 9216 for f in out2)
    assert vm["rx_oversize"] == 0
