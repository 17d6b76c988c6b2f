# SPDX-License-Identifier: BSD-3-Clause
"""Rules change while packets flow: nothing is lost, nothing is reordered,
and no packet sees half of an update.

Half a million frames go through a bridge while the one rule that forwards
them is rewritten over and over between two action lists, each of which
changes two fields together, and unrelated rules come and go. Every frame
must come out, in order, with both fields from the same version of the
rule, and with a correct IP checksum.
"""
import struct
import time

from scapy.all import IP, UDP, Ether

from harness import wait_for
from switch_bed import PcapBridge, write_pcap

N = 500_000
VERSIONS = {
    "A": ("02:00:00:00:00:aa", "10.0.0.170"),
    "B": ("02:00:00:00:00:bb", "10.0.0.187"),
}


def rule(v):
    mac, ip = VERSIONS[v]
    return f"priority=10,udp,actions=mod_dl_dst:{mac},mod_nw_dst:{ip},output:2"


def frames():
    # UDP without a checksum: only the sequence number in the payload differs.
    head = bytes(Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02") /
                 IP(src="10.0.0.1", dst="10.0.0.2", len=20 + 8 + 4) /
                 UDP(sport=7, dport=7, len=12, chksum=0))
    return [head + struct.pack(">I", i) for i in range(N)]


def ip_checksum_ok(hdr):
    s = sum(struct.unpack(">10H", hdr))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return s == 0xffff


def test_rule_updates_under_traffic_lose_nothing_and_are_atomic(xviod, workdir):
    bed = PcapBridge(xviod, workdir, 2, [rule("A")])
    changes = {"mods": 0, "adds": 0}

    def churn(done):
        v = "B"
        while not done():
            xviod.ctl("mod-flows", bed.name, rule(v), "--strict")
            changes["mods"] += 1
            v = "A" if v == "B" else "B"
            extra = [f"table=0,priority=5,tcp,tp_dst={p},actions=drop" for p in range(50)]
            (workdir / "extra.flows").write_text("\n".join(extra) + "\n")
            xviod.ctl("add-flows", bed.name, workdir / "extra.flows")
            xviod.ctl("del-flows", bed.name, "priority=5,tcp")
            changes["adds"] += 50

    try:
        out = bed.send({1: frames()}, while_sending=churn)[2]
        stats = bed.stats(1)
    finally:
        bed.close()
    assert len(out) == N, f"{N - len(out)} frames lost; drops {stats['drops']}"
    seen = {"A": 0, "B": 0}
    last = -1
    for f in out:
        seq = struct.unpack(">I", f[-4:])[0]
        assert seq == last + 1, f"frame {seq} after {last}"
        last = seq
        dst_mac = ":".join(f"{b:02x}" for b in f[0:6])
        dst_ip = ".".join(str(b) for b in f[30:34])
        version = next((v for v, (m, i) in VERSIONS.items() if (m, i) == (dst_mac, dst_ip)),
                       None)
        assert version is not None, f"frame {seq} has {dst_mac} with {dst_ip}: half an update"
        seen[version] += 1
        assert ip_checksum_ok(f[14:34]), f"frame {seq}: bad IP checksum"
    print(f"\n{changes['mods']} rule rewrites and {changes['adds']} rule adds/deletes during "
          f"{N} frames; versions seen {seen}; cache {stats['emc_hits']} EMC / "
          f"{stats['megaflow_hits']} megaflow hits, {stats['upcalls']} upcalls")


def test_output_port_detached_and_reattached_under_traffic(xviod, workdir):
    """Frames go to two ports while one of them is detached and attached
    again over and over: the other still gets every frame, in order, and
    xviod keeps running (a worker may still hold a decision that names the
    detached port)."""
    bed = PcapBridge(xviod, workdir, 2, ["in_port=1,actions=output:2,output:3"])
    xviod.ctl("port", "add", "flap", "eth", "net_null7")
    cycles = {"n": 0}

    def flap(done):
        while not done():
            xviod.ctl("bridge", "port-add", bed.name, "flap", "ofport=3")
            xviod.ctl("bridge", "port-del", bed.name, "flap")
            cycles["n"] += 1

    try:
        out = bed.send({1: frames()}, while_sending=flap)[2]
    finally:
        bed.close()
        xviod.run_ctl("port", "del", "flap", check=False)
    assert len(out) == N
    assert all(struct.unpack(">I", f[-4:])[0] == i for i, f in enumerate(out))
    print(f"\n{cycles['n']} detach/attach cycles during {N} frames")


def test_hot_rule_with_idle_timeout_stays_among_many_timed_rules(xviod, workdir):
    """A rule hit all the time is not idle, however long the once-a-second
    timeout check takes to reach it (here: behind 20,000 other timed rules,
    while a worker stamps its last hit after the check read the clock), and
    dump-flows never shows it idle for longer than it can have been."""
    write_pcap(workdir / "hot.pcap", [Ether() / IP() / UDP()] * 64)
    flows = ["priority=50,in_port=1,idle_timeout=5,actions=drop"] + [
        f"priority=100,idle_timeout=3000,tcp,tp_dst={p},actions=drop" for p in range(20000)]
    (workdir / "timed.flows").write_text("\n".join(flows) + "\n")
    xviod.ctl("bridge", "add", "hot", "default_flow=off")
    xviod.ctl("add-flows", "hot", workdir / "timed.flows")
    # Replayed without end: the rule never goes a second without a hit.
    xviod.ctl("port", "add", "hotp", "eth",
              f"net_pcap77,rx_pcap={workdir / 'hot.pcap'},infinite_rx=1,tx_pcap={workdir / 'hot_out.pcap'}")
    try:
        xviod.ctl("bridge", "port-add", "hot", "hotp", "ofport=1")
        hot = lambda: xviod.ctl("dump-flows", "hot", "in_port=1")  # noqa: E731
        wait_for(lambda: hot()[0]["n_packets"] > 0, "traffic on the hot rule")
        end = time.monotonic() + 8      # more than the idle timeout: several checks
        while time.monotonic() < end:
            (rule,) = hot()
            assert rule["idle_age"] < 3600, rule
        assert len(xviod.ctl("dump-flows", "hot")) == 20001
    finally:
        xviod.run_ctl("bridge", "del", "hot", check=False)
        xviod.run_ctl("port", "del", "hotp", check=False)


def test_rule_changes_revalidate_only_the_megaflows_they_touch(xviod, workdir):
    """While two flows run, rules that match neither come and go: no
    megaflow is dropped, no packet is translated again and the cache is
    never emptied. A rule that matches one flow then drops that flow's
    megaflow alone, and its packets take the new rule."""
    to = {d: Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02") /
          IP(src="10.0.0.9", dst=f"10.0.0.{d}") / UDP(sport=7, dport=7) for d in (1, 2)}
    write_pcap(workdir / "two.pcap", [to[1], to[2]] * 32)
    xviod.ctl("bridge", "add", "rv", "default_flow=off")
    (workdir / "rv.flows").write_text("priority=10,ip,nw_dst=10.0.0.1,actions=output:2\n"
                                      "priority=1,actions=output:3\n")
    xviod.ctl("add-flows", "rv", workdir / "rv.flows")
    xviod.ctl("port", "add", "rvin", "eth",
              f"net_pcap78,rx_pcap={workdir / 'two.pcap'},infinite_rx=1")
    xviod.ctl("port", "add", "rv2", "eth", "net_null78,no-rx=1")
    xviod.ctl("port", "add", "rv3", "eth", "net_null79,no-rx=1")
    port = lambda show, n: next(p for p in show["ports"] if p["ofport"] == n)  # noqa: E731
    try:
        xviod.ctl("bridge", "port-add", "rv", "rv2", "ofport=2")
        xviod.ctl("bridge", "port-add", "rv", "rv3", "ofport=3")
        xviod.ctl("bridge", "port-add", "rv", "rvin", "ofport=1")
        wait_for(lambda: port(xviod.ctl("bridge", "show", "rv"), 1)["upcalls"] >= 2,
                 "both flows translated")
        before = xviod.ctl("bridge", "show", "rv")
        for batch in range(10):
            unrelated = [f"cookie=0x5,priority=20,ip,nw_dst=10.9.{batch}.{i},actions=drop"
                         for i in range(50)]
            (workdir / "unrelated.flows").write_text("\n".join(unrelated) + "\n")
            xviod.ctl("add-flows", "rv", workdir / "unrelated.flows")
        xviod.ctl("del-flows", "rv", "cookie=0x5/0xffffffffffffffff")
        wait_for(lambda: port(xviod.ctl("bridge", "show", "rv"), 1)["rx_packets"] >
                 port(before, 1)["rx_packets"] + 10_000, "traffic after the changes")
        after = xviod.ctl("bridge", "show", "rv")
        assert after["cache_flushes"] == before["cache_flushes"]
        assert after["megaflows_revalidated"] == 0
        assert port(after, 1)["upcalls"] == port(before, 1)["upcalls"]
        assert after["megaflows"] == before["megaflows"]

        xviod.ctl("add-flow", "rv", "priority=20,ip,nw_dst=10.0.0.2,actions=output:2")
        show = lambda: xviod.ctl("bridge", "show", "rv")  # noqa: E731
        wait_for(lambda: port(show(), 1)["upcalls"] == port(before, 1)["upcalls"] + 1,
                 "the flow to 10.0.0.2 translated again")
        moved = show()
        wait_for(lambda: port(show(), 1)["rx_packets"] > port(moved, 1)["rx_packets"] + 10_000,
                 "traffic after the change")
        last = show()
        assert last["megaflows_revalidated"] == 1, "only the flow to 10.0.0.2"
        assert last["cache_flushes"] == before["cache_flushes"]
        assert port(last, 1)["upcalls"] == port(before, 1)["upcalls"] + 1
        # Both flows now leave by port 2: port 3 got nothing more.
        assert port(last, 3)["tx_packets"] == port(moved, 3)["tx_packets"]
        assert port(last, 2)["tx_packets"] > port(moved, 2)["tx_packets"] + 10_000
    finally:
        for p in ("rvin", "rv2", "rv3"):
            xviod.run_ctl("bridge", "port-del", "rv", p, check=False)
            xviod.run_ctl("port", "del", p, check=False)
        xviod.run_ctl("bridge", "del", "rv", check=False)
