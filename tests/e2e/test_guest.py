# SPDX-License-Identifier: BSD-3-Clause
"""A real Linux guest (QEMU TCG, Debian kernel, stock virtio_net) through xviod.

    guest eth0 10.79.1.2 ─vm1 (vhost, queues=2)─ relay r1 ─nic1 (af_packet)─veth─ xgw1 10.79.1.1
    guest eth1 10.79.2.2 ─vm2 (vhost, offloads=on)─ relay r2 ─nic2 (af_packet)─veth─ xgw2 10.79.2.1
    guest eth2 10.79.3.2 ─vm3 (MTU 9000)─ relay r3 ─nic3 (net_pcap)─veth MTU 9000─ xgw3 10.79.3.1
    guest eth3 10.79.4.2 ─vm4 (MTU 1968)─ relay r4 ─nic4 (af_packet)─veth MTU 1968─ xgw4 10.79.4.1

The MTU links: QEMU offers the guest VIRTIO_NET_F_MTU (host_mtu=), so the
guest's eth comes up at that MTU and QEMU tells xviod (port show: "mtu");
the wire namespace's veth has the same MTU. Why two: DPDK 22.11's
net_af_packet cannot carry jumbo frames. It receives into a TPACKET_V2 ring
of 2048-byte frames, where the packet starts 66 bytes in, so it receives
frames of at most 1982 bytes (MTU 1968) -- a longer frame is truncated, and
the truncated frame is relayed as if whole (the guest drops it); it sends
at most 2016 bytes (longer ones are dropped, counted in the port's
tx_errors); its ethdev MTU cannot be raised (`mtu=` above 1500 is refused:
max frame 1518), and it cannot use larger ring frames because xviod's
mbufs hold 2048 bytes of data. net_pcap on a live interface (`iface=`)
receives long frames into chained mbufs and sends chained mbufs whole, so
it carries MTU 9000 (it has no MTU setting at all: `mtu=` is refused with
"Operation not supported", and none is needed).

One guest is booted for the whole module (a TCG boot takes 5-10 s here); each
test leaves it as it found it. Waits only guard against hangs: no test passes
or fails on time. tests/vm/tcp-rate.py uses the same bed to measure rates.
"""
import hashlib
import os
import shutil
import textwrap
from pathlib import Path

import pytest

from guest import QEMU, Guest, Nic
from harness import Netns, Xviod, wait_for

PORTS = iter(range(5001, 6000))  # a fresh TCP port for every transfer

# The largest MTU DPDK 22.11's net_af_packet carries with its default ring
# frames of 2048 bytes: frames of 1982 bytes on receive (see above).
AF_PACKET_MAX_MTU = 1968

# The wire host's kernel tells what segments a connection carried:
# tcp_info's snd_mss (what it sends) and rcv_mss. rcv_mss is the kernel's
# estimate of the peer's segment size: a full segment raises it to that
# size, but two equal shorter ones in a row (busybox nc writes 4 KB at a
# time, and Nagle sends remainders alone) lower it again, so the receiver
# samples it after every read and keeps the largest.
TCP_MSS = textwrap.dedent("""
    import socket, struct
    def mss(c, which):
        info = c.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 104)
        snd, rcv = struct.unpack_from("II", info, 16)
        return snd if which == "snd" else rcv
""")

# Receives one TCP connection; prints its byte count, sha256, the seconds
# from accept to EOF and the largest segment it received.
SERVER = TCP_MSS + textwrap.dedent("""
    import hashlib, sys, time
    s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("0.0.0.0", int(sys.argv[1]))); s.listen(1); print("ready", flush=True)
    s.settimeout(600); c, _ = s.accept(); c.settimeout(600)
    t0 = time.monotonic(); h = hashlib.sha256(); n = 0; m = 0
    while True:
        b = c.recv(262144)
        if not b: break
        h.update(b); n += len(b); m = max(m, mss(c, "rcv"))
    t = time.monotonic() - t0
    c.close()
    print(n, h.hexdigest(), t, m, flush=True)
""")

# Sends a file to a listener that may not be up yet; prints the seconds it
# took and the segment size it sent.
CLIENT = TCP_MSS + textwrap.dedent("""
    import sys, time
    data = open(sys.argv[3], "rb").read()
    deadline = time.monotonic() + 120
    while True:
        try:
            c = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=600)
            break
        except OSError:
            if time.monotonic() > deadline: raise
            time.sleep(0.2)
    t0 = time.monotonic()
    c.sendall(data); c.shutdown(socket.SHUT_WR)
    m = mss(c, "snd")
    while c.recv(65536): pass   # until the receiver has closed
    print(time.monotonic() - t0, m, flush=True)
""")


class Bed:
    """xviod, two wire-side hosts and one guest with a NIC towards each.
    `links` maps a name to (port options, guest address, wire address)."""

    LINKS = {
        "plain": (["queues=2"], "10.79.1.2/24", "10.79.1.1/24"),
        "offloads": (["offloads=on"], "10.79.2.2/24", "10.79.2.1/24"),
        # An optional 4th element: the NIC's PMD and the MTU of the link.
        "jumbo": ([], "10.79.3.2/24", "10.79.3.1/24", {"pmd": "net_pcap", "mtu": 9000}),
        "af_packet_max": ([], "10.79.4.2/24", "10.79.4.1/24",
                          {"pmd": "net_af_packet", "mtu": AF_PACKET_MAX_MTU}),
    }

    def __init__(self, workdir, links=None):
        self.dir = Path(workdir)
        self.links = links or self.LINKS
        self.xviod = None
        self.guest = None
        self.wire = {}
        self.ip = {}
        self.mtu = {}

    def start(self):
        if shutil.which(QEMU) is None:
            raise AssertionError(f"{QEMU} not found: apt-get install qemu-system-x86")
        try:
            self.xviod = Xviod(self.dir).start()
            nics = []
            for i, (name, link) in enumerate(self.links.items(), start=1):
                opts, gaddr, waddr = link[:3]
                extra = link[3] if len(link) > 3 else {}
                mtu = self.mtu[name] = extra.get("mtu")
                wire = self.wire[name] = Netns(f"xgw{i}", waddr, mtu=mtu or 1500)
                self.ip[name] = gaddr.split("/")[0]
                self.xviod.ctl("port", "add", f"vm{i}", "vhost", f"vm{i}.sock", *opts)
                pmd = extra.get("pmd", "net_af_packet")
                self.xviod.ctl("port", "add", f"nic{i}", "eth", f"{pmd}{i},iface={wire.outer}")
                self.xviod.ctl("relay", "add", f"r{i}", f"vm{i}", f"nic{i}")
                queues = int(next((o.split("=")[1] for o in opts
                                   if o.startswith("queues=")), 1))
                nics.append(Nic(self.dir / f"vm{i}.sock", gaddr, queues=queues, host_mtu=mtu))
            self.guest = Guest(self.dir, nics).start()
            for i, _ in enumerate(self.links, start=1):
                wait_for(lambda: self.xviod.port(f"vm{i}")["state"] == "connected",
                         f"vm{i} to connect", timeout=60)
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self):
        """Tear down; returns xviod's exit code (None if it never started)."""
        if self.guest is not None:
            self.guest.stop()
        for w in self.wire.values():
            w.delete()
        return self.xviod.stop() if self.xviod is not None else None

    def index(self, link):
        return list(self.links).index(link) + 1

    def eth(self, link):
        return f"eth{self.index(link) - 1}"

    def relay(self, link):
        return f"r{self.index(link)}"

    def vhost(self, link):
        return f"vm{self.index(link)}"

    # -- traffic -----------------------------------------------------------

    def guest_to_wire(self, link, size_mb):
        """Send size_mb MiB of random data from the guest with busybox nc.
        Returns (bytes received, sha256 sent, sha256 received, seconds,
        the largest TCP segment the wire host received)."""
        g, wire = self.guest, self.wire[link]
        (self.dir / "server.py").write_text(SERVER)
        g.check(f"dd if=/dev/urandom of=/tmp/tx bs=1M count={size_mb} 2>/dev/null")
        sent = g.check("sha256sum /tmp/tx").split()[0]
        port = next(PORTS)
        srv = wire.popen(f"/usr/bin/python3 {self.dir}/server.py {port}")
        try:
            assert srv.stdout.readline().strip() == "ready", srv.stderr.read()
            g.check(f"nc {wire.ip} {port} </tmp/tx", timeout=600)
            out, _ = srv.communicate(timeout=600)
        finally:
            if srv.poll() is None:
                srv.kill()
                srv.wait()
            g.run("rm -f /tmp/tx")
        n, digest, secs, mss = out.split()
        return int(n), sent, digest, float(secs), int(mss)

    def wire_to_guest(self, link, size_mb):
        """Send size_mb MiB of random data from the wire host to busybox nc
        in the guest. Returns (bytes received, sha256 sent, sha256 received,
        seconds, the TCP segment size the wire host sent)."""
        g, wire = self.guest, self.wire[link]
        payload = os.urandom(size_mb << 20)
        blob = self.dir / "payload.bin"
        blob.write_bytes(payload)
        (self.dir / "client.py").write_text(CLIENT)
        port = next(PORTS)
        g.check("rm -f /tmp/rx /tmp/rx.done; "
                f"(nc -l -p {port} >/tmp/rx; echo $? >/tmp/rx.done) </dev/null >/dev/null 2>&1 &")
        try:
            r = wire.exec(f"/usr/bin/python3 {self.dir}/client.py {self.ip[link]} {port} {blob}",
                          timeout=600)
            g.check("while [ ! -e /tmp/rx.done ]; do sleep 0.2; done", timeout=300)
            assert g.check("cat /tmp/rx.done").strip() == "0"
            n = int(g.check("wc -c </tmp/rx").strip())
            digest = g.check("sha256sum /tmp/rx").split()[0]
        finally:
            g.run("killall nc 2>/dev/null; rm -f /tmp/rx /tmp/rx.done")
        secs, mss = r.stdout.split()
        return n, hashlib.sha256(payload).hexdigest(), digest, float(secs), int(mss)


@pytest.fixture(scope="module")
def bed(tmp_path_factory):
    b = Bed(tmp_path_factory.mktemp("g", numbered=True)).start()
    yield b
    rc = b.stop()
    assert rc == 0, f"xviod did not exit cleanly ({rc}); log {b.xviod.log}"
    leftovers = [p.name for p in b.dir.glob("vm*.sock")]
    assert not leftovers, f"vhost sockets left behind: {leftovers}"


def counters(bed, link):
    d = bed.xviod.direction(bed.relay(link), "vm-to-nic")
    return {k: d[k] for k in ("packets", "gso_frames", "gso_segments", "sw_checksums")}


def test_guest_virtio_net_driver_comes_up(bed):
    g, x = bed.guest, bed.xviod
    plain, offl = x.port("vm1"), x.port("vm2")
    for p in (plain, offl):
        assert p["state"] == "connected"
        assert p["connects"] == 1 and p["disconnects"] == 0
        assert {"version_1", "mrg_rxbuf"} <= set(p["feature_names"]), p
    assert plain["queue_pairs"] == 2 and "mq" in plain["feature_names"]
    assert not {"csum", "host_tso4", "host_tso6"} & set(plain["feature_names"])
    assert {"csum", "guest_csum", "host_tso4", "host_tso6"} <= set(offl["feature_names"])
    assert not {"guest_tso4", "guest_tso6", "host_ufo"} & set(offl["feature_names"])

    for link, port in (("plain", plain), ("offloads", offl)):
        eth = bed.eth(link)
        assert g.check(f"basename $(readlink /sys/class/net/{eth}/device/driver)").strip() \
            == "virtio_net"
        assert g.check(f"cat /sys/class/net/{eth}/operstate").strip() == "up"
        assert f"inet {bed.ip[link]}/24" in g.check(f"ip -o -4 addr show {eth}")
        k = g.check(f"ethtool -k {eth}")
        on = link == "offloads"
        assert (f"tx-checksumming: {'on' if on else 'off'}") in k, k
        assert (f"tcp-segmentation-offload: {'on' if on else 'off'}") in k, k


def test_ping_wire_host_to_guest_and_back(bed):
    g, x, wire = bed.guest, bed.xviod, bed.wire["plain"]
    wait_for(lambda: wire.exec(f"ping -c 1 -W 2 {bed.ip['plain']}", check=False).returncode == 0,
             "a first ping (ARP) to answer", timeout=60, interval=0.5)
    before = {d: x.direction("r1", d) for d in ("nic-to-vm", "vm-to-nic")}
    r = wire.exec(f"ping -c 20 -i 0.05 -W 5 {bed.ip['plain']}", check=False)
    assert " 0% packet loss" in r.stdout, r.stdout + r.stderr
    out = g.check(f"ping -c 20 -i 0.05 -W 5 {wire.ip}", timeout=120)
    assert "20 packets received" in out, out
    for d, old in before.items():
        now = x.direction("r1", d)
        assert now["packets"] - old["packets"] >= 40, d
        assert sum(now["drops"].values()) == sum(old["drops"].values()), (d, now["drops"])


@pytest.mark.parametrize("link", ["plain", "offloads"])
@pytest.mark.parametrize("direction", ["guest-to-wire", "wire-to-guest"])
def test_tcp_transfer_arrives_intact(bed, link, direction, record_property):
    """(with offloads=on the guest sends TSO frames of up to 64 KB with
    partial checksums; xviod segments and checksums them in software)"""
    before = counters(bed, link)
    send = bed.guest_to_wire if direction == "guest-to-wire" else bed.wire_to_guest
    n, sent, received, secs, _ = send(link, 16)
    assert n == 16 << 20
    assert received == sent
    after = counters(bed, link)
    delta = {k: after[k] - before[k] for k in after}
    record_property("vm_to_nic", delta)
    record_property("mbit_per_s", round(n * 8 / secs / 1e6, 1))
    print(f"\n{link} {direction}: {n * 8 / secs / 1e6:.1f} Mbit/s; relay vm-to-nic {delta}")
    if link == "plain":
        assert delta["gso_frames"] == 0 and delta["sw_checksums"] == 0
    elif direction == "guest-to-wire":
        # The guest's TCP did use TSO, and every frame became MSS-sized segments.
        assert delta["gso_frames"] > 0, delta
        assert delta["gso_segments"] > delta["gso_frames"], delta


def test_guest_turns_on_a_second_queue_pair(bed):
    """ethtool -L in the guest: QEMU enables queue pair 1 on vm1, xviod
    sees it, traffic still flows; then back to one pair."""
    g, x, wire = bed.guest, bed.xviod, bed.wire["plain"]
    eth = bed.eth("plain")
    try:
        g.check(f"ethtool -L {eth} combined 2")
        wait_for(lambda: (x.port("vm1")["rxq_enabled"], x.port("vm1")["txq_enabled"]) == (3, 3),
                 "vm1 queue pair 1 to be enabled", timeout=60)
        assert "Combined:\t2" in g.check(f"ethtool -l {eth}").split("Current")[1]
        r = wire.exec(f"ping -c 10 -i 0.05 -W 5 {bed.ip['plain']}", check=False)
        assert " 0% packet loss" in r.stdout, r.stdout + r.stderr
    finally:
        g.check(f"ethtool -L {eth} combined 1")
    wait_for(lambda: x.port("vm1")["rxq_enabled"] == 1, "vm1 back to one pair", timeout=60)
    r = wire.exec(f"ping -c 5 -i 0.05 -W 5 {bed.ip['plain']}", check=False)
    assert " 0% packet loss" in r.stdout, r.stdout + r.stderr


# -- large MTU end to end ------------------------------------------------------

MTU_LINKS = ["jumbo", "af_packet_max"]


def snmp_ip(run):
    """IP fragmentation/reassembly counters from /proc/net/snmp via run()."""
    lines = [line.split() for line in run("cat /proc/net/snmp").splitlines()
             if line.startswith("Ip:")]
    return {k: int(v) for k, v in zip(lines[0][1:], lines[1][1:])
            if k in ("FragCreates", "FragOKs", "ReasmReqds", "ReasmOKs")}


def relay_totals(bed, link):
    return {d["direction"]: (d["packets"], d["bytes"], sum(d["drops"].values()))
            for d in bed.xviod.relay(bed.relay(link))["directions"]}


@pytest.mark.parametrize("link", MTU_LINKS)
def test_guest_mtu_is_negotiated(bed, link, record_property):
    """The guest's interface comes up at the link's MTU, and the vhost port
    shows the MTU QEMU set."""
    mtu, port = bed.mtu[link], bed.xviod.port(bed.vhost(link))
    record_property("vhost_port_mtu", port.get("mtu"))
    print(f"\n{link}: port {bed.vhost(link)} mtu {port.get('mtu')}, "
          f"features {port['feature_names']}")
    assert "mtu" in port["feature_names"], port
    assert port["mtu"] == mtu, port
    assert int(bed.guest.check(f"cat /sys/class/net/{bed.eth(link)}/mtu")) == mtu


@pytest.mark.parametrize("link", MTU_LINKS)
def test_largest_frames_cross_whole_both_ways(bed, link, record_property):
    """Pings with the largest payload the MTU allows, from the wire host with
    DF set (`ping -M do`) and from the guest (busybox ping, no -M; its MTU
    is large enough not to fragment): answered, and nobody fragmented or
    reassembled anything -- the relay moved whole frames of MTU + 14 bytes."""
    g, wire, mtu = bed.guest, bed.wire[link], bed.mtu[link]
    size, n = mtu - 28, 5
    wait_for(lambda: wire.exec(f"ping -c 1 -W 2 {bed.ip[link]}", check=False).returncode == 0,
             "a first ping (ARP)", timeout=60, interval=0.5)
    g_ip0, w_ip0 = snmp_ip(g.check), snmp_ip(lambda c: wire.exec(c).stdout)
    before = relay_totals(bed, link)
    r = wire.exec(f"ping -M do -c {n} -i 0.1 -W 5 -s {size} {bed.ip[link]}", check=False)
    assert f"{n} received" in r.stdout, r.stdout + r.stderr
    out = g.check(f"ping -c {n} -i 0.1 -W 5 -s {size} {wire.ip}")
    assert f"{n} packets received" in out, out
    after = relay_totals(bed, link)
    g_ip1, w_ip1 = snmp_ip(g.check), snmp_ip(lambda c: wire.exec(c).stdout)
    assert g_ip1 == g_ip0, ("the guest fragmented or reassembled", g_ip0, g_ip1)
    assert w_ip1 == w_ip0, ("the wire host fragmented or reassembled", w_ip0, w_ip1)
    frame = mtu + 14
    for d in ("vm-to-nic", "nic-to-vm"):
        pkts, byts = after[d][0] - before[d][0], after[d][1] - before[d][1]
        record_property(d, (pkts, byts))
        print(f"\n{link} {d}: {pkts} frames, {byts} bytes (frame {frame})")
        # 2n echo frames of `frame` bytes each way, plus at most a few ARPs.
        assert 2 * n <= pkts <= 2 * n + 4, (d, pkts)
        assert byts >= 2 * n * frame, (d, byts)
        assert after[d][2] == before[d][2], ("drops", d)


@pytest.mark.parametrize("link", MTU_LINKS)
@pytest.mark.parametrize("direction", ["guest-to-wire", "wire-to-guest"])
def test_tcp_at_large_mtu_arrives_intact(bed, link, direction, record_property):
    """8 MB over TCP at the link's MTU, each way: intact, and carried in
    segments the size the MTU allows, as the wire host's kernel saw them
    (tcp_info). The average frame size is reported, not checked: it
    depends on how the sender writes (busybox nc writes 4 KB at a time,
    and a fast peer's ACKs let Nagle send each remainder alone)."""
    before = relay_totals(bed, link)
    send = bed.guest_to_wire if direction == "guest-to-wire" else bed.wire_to_guest
    n, sent, received, secs, mss = send(link, 8)
    assert n == 8 << 20
    assert received == sent
    after = relay_totals(bed, link)
    data = "vm-to-nic" if direction == "guest-to-wire" else "nic-to-vm"
    pkts, byts = after[data][0] - before[data][0], after[data][1] - before[data][1]
    avg = byts / pkts
    record_property("mbit_per_s", round(n * 8 / secs / 1e6, 1))
    record_property("avg_data_frame_bytes", round(avg))
    record_property("tcp_segment_bytes", mss)
    print(f"\n{link} {direction}: {n * 8 / secs / 1e6:.1f} Mbit/s; {pkts} data frames, "
          f"{avg:.0f} bytes on average; segments of {mss} bytes")
    # The MTU less IPv4 and TCP headers and TCP timestamps (12 bytes).
    assert mss == bed.mtu[link] - 40 - 12, f"TCP did not use the large MTU: {mss}-byte segments"
    for d in after:
        assert after[d][2] == before[d][2], ("drops", d, before, after)
