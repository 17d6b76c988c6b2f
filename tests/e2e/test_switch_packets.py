# SPDX-License-Identifier: BSD-3-Clause
"""Flow rules, as an operator writes them, applied by the real switch
datapath to packets scapy builds; scapy also builds what must come out
(with its own checksums), and the bytes must match exactly.

One scenario per test: the rules, what goes in on which port, what must
come out of each port, and the drops that must be counted.
"""
import re
from dataclasses import dataclass, field

import pytest
from scapy.all import (ARP, ICMP, IP, SCTP, TCP, UDP, Dot1Q, Ether, IPv6, Raw)

from harness import Xviod, wait_for
from switch_bed import PcapBridge, write_pcap

A, B, C = "02:00:00:00:00:0a", "02:00:00:00:00:0b", "02:00:00:00:00:0c"
BCAST = "ff:ff:ff:ff:ff:ff"
PAY = Raw(b"payload-" * 4)


def tcp(**ip):
    return Ether(src=A, dst=B) / IP(src="10.0.0.1", dst="10.0.0.2", **ip) / \
        TCP(sport=1000, dport=80, flags="PA") / PAY


def udp(**ip):
    return Ether(src=A, dst=B) / IP(src="10.0.0.1", dst="10.0.0.2", **ip) / \
        UDP(sport=53, dport=5353) / PAY


def tcp6():
    return Ether(src=A, dst=B) / IPv6(src="fd00::1", dst="fd00::2") / TCP(sport=1, dport=2) / PAY


@dataclass
class Case:
    flows: list
    send: dict                       # ofport -> [frames]
    expect: dict                     # ofport -> [frames]; ports not named get nothing
    nports: int = 3
    drops: dict = field(default_factory=dict)   # ofport -> {reason: count}
    port_args: dict = field(default_factory=dict)
    anomalies: dict = field(default_factory=dict)  # ofport -> {anomaly: count}


CASES = {
    "in_port_output_forwards_unchanged": Case(
        ["in_port=1,actions=output:2"], {1: [tcp(), udp()]}, {2: [tcp(), udp()]}),
    "table_miss_drops_and_counts_no_match": Case(
        ["in_port=2,actions=output:1"], {1: [tcp(), tcp()]}, {},
        drops={1: {"no_match": 2}}),
    "drop_action_counts_action_drop": Case(
        ["in_port=1,actions=drop"], {1: [udp()]}, {}, drops={1: {"action_drop": 1}}),
    "higher_priority_wins": Case(
        ["priority=10,in_port=1,actions=output:2",
         "priority=20,in_port=1,tcp,actions=output:3"],
        {1: [tcp(), udp()]}, {2: [udp()], 3: [tcp()]}),
    "masked_ip_prefix_selects": Case(
        ["priority=5,ip,nw_dst=10.0.0.0/24,actions=output:2",
         "priority=1,actions=output:3"],
        {1: [tcp(), Ether(src=A, dst=B) / IP(src="10.0.0.1", dst="10.9.0.2") / UDP()]},
        {2: [tcp()], 3: [Ether(src=A, dst=B) / IP(src="10.0.0.1", dst="10.9.0.2") / UDP()]}),
    "tp_dst_mask_selects": Case(
        ["tcp,tp_dst=0x50/0xfff0,actions=output:2"],
        {1: [tcp(), Ether(src=A, dst=B) / IP() / TCP(dport=96)]}, {2: [tcp()]},
        drops={1: {"no_match": 1}}),
    "mod_dl_src_and_dst": Case(
        ["actions=mod_dl_src:02:00:00:00:00:99,mod_dl_dst:02:00:00:00:00:98,output:2"],
        {1: [tcp()]},
        {2: [Ether(src="02:00:00:00:00:99", dst="02:00:00:00:00:98") / tcp()[IP]]}),
    "mod_nw_src_fixes_ip_and_tcp_checksums": Case(
        ["ip,actions=mod_nw_src:192.168.7.7,output:2"], {1: [tcp()]},
        {2: [Ether(src=A, dst=B) / IP(src="192.168.7.7", dst="10.0.0.2") /
             TCP(sport=1000, dport=80, flags="PA") / PAY]}),
    "mod_nw_dst_fixes_udp_checksum": Case(
        ["udp,actions=mod_nw_dst:172.16.0.1,output:2"], {1: [udp()]},
        {2: [Ether(src=A, dst=B) / IP(src="10.0.0.1", dst="172.16.0.1") /
             UDP(sport=53, dport=5353) / PAY]}),
    "udp_without_checksum_stays_without": Case(
        ["udp,actions=mod_nw_dst:172.16.0.1,mod_tp_dst:99,output:2"],
        {1: [Ether(src=A, dst=B) / IP(src="10.0.0.1", dst="10.0.0.2") /
             UDP(sport=1, dport=2, chksum=0) / PAY]},
        {2: [Ether(src=A, dst=B) / IP(src="10.0.0.1", dst="172.16.0.1") /
             UDP(sport=1, dport=99, chksum=0) / PAY]}),
    "mod_tp_src_and_dst_fix_tcp_checksum": Case(
        ["tcp,actions=mod_tp_src:4000,mod_tp_dst:8080,output:2"], {1: [tcp()]},
        {2: [Ether(src=A, dst=B) / IP(src="10.0.0.1", dst="10.0.0.2") /
             TCP(sport=4000, dport=8080, flags="PA") / PAY]}),
    "mod_nw_tos_keeps_ecn": Case(
        ["ip,actions=mod_nw_tos:184,output:2"], {1: [udp(tos=0x03)]},
        {2: [udp(tos=0xbb)]}),
    "dec_ttl_decrements_and_fixes_checksum": Case(
        ["ip,actions=dec_ttl,output:2"], {1: [tcp(ttl=64)]}, {2: [tcp(ttl=63)]}),
    "dec_ttl_drops_ttl_1_counted": Case(
        ["ip,actions=dec_ttl,output:2"], {1: [tcp(ttl=1), tcp(ttl=2)]}, {2: [tcp(ttl=1)]},
        drops={1: {"ttl_expired": 1}}),
    "icmp_type_rewrite_fixes_icmp_checksum": Case(
        ["icmp,icmp_type=8,actions=set_field:0->icmp_type,output:2"],
        {1: [Ether(src=A, dst=B) / IP() / ICMP(type=8, id=7, seq=1) / PAY]},
        {2: [Ether(src=A, dst=B) / IP() / ICMP(type=0, id=7, seq=1) / PAY]}),
    "ipv6_dst_rewrite_fixes_tcp_checksum": Case(
        ["ipv6,actions=set_field:fd00::99->ipv6_dst,output:2"], {1: [tcp6()]},
        {2: [Ether(src=A, dst=B) / IPv6(src="fd00::1", dst="fd00::99") /
             TCP(sport=1, dport=2) / PAY]}),
    "sctp_port_rewrite_recomputes_crc32c": Case(
        ["sctp,actions=mod_tp_dst:9,output:2"],
        {1: [Ether(src=A, dst=B) / IP() / SCTP(sport=1, dport=2) / PAY]},
        {2: [Ether(src=A, dst=B) / IP() / SCTP(sport=1, dport=9) / PAY]}),
    "arp_spa_rewrite": Case(
        ["arp,actions=set_field:10.1.1.1->arp_spa,output:2"],
        {1: [Ether(src=A, dst=BCAST) / ARP(psrc="10.0.0.1", pdst="10.0.0.2")]},
        {2: [Ether(src=A, dst=BCAST) / ARP(psrc="10.1.1.1", pdst="10.0.0.2")]}),
    "push_vlan_and_set_vid": Case(
        ["actions=push_vlan:0x8100,mod_vlan_vid:42,output:2"], {1: [udp()]},
        {2: [Ether(src=A, dst=B) / Dot1Q(vlan=42) / udp()[IP]]}),
    "mod_vlan_vid_on_untagged_adds_a_tag": Case(
        ["actions=mod_vlan_vid:7,output:2"], {1: [udp()]},
        {2: [Ether(src=A, dst=B) / Dot1Q(vlan=7) / udp()[IP]]}),
    "strip_vlan_removes_the_tag": Case(
        ["dl_vlan=42,actions=strip_vlan,output:2"],
        {1: [Ether(src=A, dst=B) / Dot1Q(vlan=42, prio=3) / udp()[IP]]}, {2: [udp()]}),
    "vlan_match_by_vid": Case(
        ["dl_vlan=10,actions=output:2", "dl_vlan=20,actions=output:3"],
        {1: [Ether(src=A, dst=B) / Dot1Q(vlan=20) / udp()[IP],
             Ether(src=A, dst=B) / Dot1Q(vlan=10) / udp()[IP]]},
        {2: [Ether(src=A, dst=B) / Dot1Q(vlan=10) / udp()[IP]],
         3: [Ether(src=A, dst=B) / Dot1Q(vlan=20) / udp()[IP]]}),
    "resubmit_to_a_table_that_matches_a_register": Case(
        ["table=0,in_port=1,actions=load:0x2->NXM_NX_REG0[],resubmit(,1)",
         "table=1,reg0=2,actions=output:2", "table=1,reg0=3,actions=output:3"],
        {1: [udp()]}, {2: [udp()]}),
    "writing_in_port_steers_the_next_lookup": Case(
        ["table=0,in_port=1,actions=load:2->NXM_OF_IN_PORT[],resubmit(,1)",
         "table=1,in_port=2,actions=output:3"],
        {1: [udp()]}, {3: [udp()]}),
    "normal_vlan_drop_is_counted_once_and_later_outputs_still_happen": Case(
        ["actions=normal,output:3"],
        {1: [Ether(src=A, dst=BCAST) / Dot1Q(vlan=5) / IP() / UDP()]},
        {3: [Ether(src=A, dst=BCAST) / Dot1Q(vlan=5) / IP() / UDP()]},
        port_args={1: ["tag=10"], 2: ["tag=10"]},
        drops={1: {"vlan_not_allowed": 1, "action_drop": 0}}),
    "goto_table_continues_in_the_next_table": Case(
        ["table=0,actions=mod_dl_dst:02:00:00:00:00:0c,goto_table:5",
         "table=5,dl_dst=02:00:00:00:00:0c,actions=output:3"],
        {1: [udp()]}, {3: [Ether(src=A, dst=C) / udp()[IP]]}),
    "move_copies_a_field": Case(
        ["actions=move:NXM_OF_ETH_SRC[]->NXM_OF_ETH_DST[],output:2"], {1: [udp()]},
        {2: [Ether(src=A, dst=A) / udp()[IP]]}),
    "output_then_rewrite_then_output_copies": Case(
        ["actions=output:2,mod_dl_dst:02:00:00:00:00:0c,output:3"], {1: [udp()]},
        {2: [udp()], 3: [Ether(src=A, dst=C) / udp()[IP]]}),
    "flood_goes_everywhere_but_in": Case(
        ["actions=flood"], {2: [udp()]}, {1: [udp()], 3: [udp()]}),
    "in_port_action_sends_back": Case(
        ["actions=in_port"], {3: [udp()]}, {3: [udp()]}),
    "output_to_the_input_port_is_skipped": Case(
        ["actions=output:1"], {1: [udp()]}, {}, drops={1: {"action_drop": 1}}),
    "normal_floods_broadcast_in_the_vlan": Case(
        ["actions=normal"], {1: [Ether(src=A, dst=BCAST) / IP() / UDP()]},
        {2: [Ether(src=A, dst=BCAST) / IP() / UDP()],
         3: [Ether(src=A, dst=BCAST) / Dot1Q(vlan=10) / IP() / UDP()]},
        nports=4, port_args={1: ["tag=10"], 2: ["tag=10"], 3: ["trunks=10,20"],
                             4: ["tag=20"]}),
    "normal_drops_tagged_frames_on_access_ports": Case(
        ["actions=normal"], {1: [Ether(src=A, dst=BCAST) / Dot1Q(vlan=5) / IP() / UDP()]},
        {}, port_args={1: ["tag=10"]}, drops={1: {"vlan_not_allowed": 1}}),
    "normal_trunk_to_access_strips_the_tag": Case(
        ["actions=normal"], {3: [Ether(src=A, dst=BCAST) / Dot1Q(vlan=20) / IP() / UDP()]},
        {2: [Ether(src=A, dst=BCAST) / IP() / UDP()]},
        port_args={1: ["tag=10"], 2: ["tag=20"], 3: ["trunks=10,20"]}),
    "truncated_ip_header_is_counted_and_still_switched_at_l2": Case(
        ["priority=10,ip,nw_dst=10.0.0.2,actions=output:3", "priority=1,actions=output:2"],
        {1: [Ether(src=A, dst=B, type=0x0800) / Raw(b"\x45\x00\x00")]},
        {2: [Ether(src=A, dst=B, type=0x0800) / Raw(b"\x45\x00\x00")]},
        anomalies={1: {"truncated_l3": 1}}),
    "bad_ihl_is_counted_and_matched_at_l2_only": Case(
        ["priority=10,ip,nw_dst=10.0.0.2,actions=output:3", "priority=1,actions=output:2"],
        {1: [Ether(src=A, dst=B) / IP(src="10.0.0.1", dst="10.0.0.2", ihl=3) / UDP()]},
        {2: [Ether(src=A, dst=B) / IP(src="10.0.0.1", dst="10.0.0.2", ihl=3) / UDP()]},
        anomalies={1: {"bad_l3": 1}}),
    "ip_total_length_past_the_frame_is_bad_l3_but_still_ip": Case(
        # dl_type is L2: "ip" still matches, the addresses are not there.
        ["priority=20,ip,nw_src=127.0.0.1,actions=output:2", "priority=10,ip,actions=output:3"],
        {1: [Ether(src=A, dst=B) / IP(len=1000) / UDP()]},
        {3: [Ether(src=A, dst=B) / IP(len=1000) / UDP()]}, anomalies={1: {"bad_l3": 1}}),
    "later_fragments_have_no_ports_to_match": Case(
        ["priority=10,udp,tp_dst=5353,actions=output:3", "priority=1,ip,actions=output:2"],
        {1: [udp(flags="MF"), udp(frag=10)]}, {3: [udp(flags="MF")], 2: [udp(frag=10)]}),
    "ip_frag_matches_fragments": Case(
        ["priority=10,ip,ip_frag=later,actions=output:3", "priority=1,ip,actions=output:2"],
        {1: [udp(), udp(frag=10)]}, {2: [udp()], 3: [udp(frag=10)]}),
    "truncated_tcp_header_is_counted": Case(
        ["priority=10,tcp,tp_dst=80,actions=output:3", "priority=1,actions=output:2"],
        {1: [Ether(src=A, dst=B) / IP(proto=6) / Raw(b"\x00\x50")]},
        {2: [Ether(src=A, dst=B) / IP(proto=6) / Raw(b"\x00\x50")]},
        anomalies={1: {"truncated_l4": 1}}),
    # 2^20 lookups unless the work per packet is bounded: dropped after
    # 4096 resubmits instead.
    "resubmit_fanout_is_bounded_and_counted": Case(
        [f"table={t},actions=resubmit(,{t + 1}),resubmit(,{t + 1})" for t in range(20)] +
        ["table=20,actions=load:0x1->NXM_NX_REG0[]"],
        {1: [udp()] * 3}, {}, drops={1: {"too_many_resubmits": 3}}),
    # Each pass pushes two tags and strips one: the packet never stops
    # recirculating, and the pass bound cuts it.
    "recirculation_loop_is_cut_and_counted": Case(
        ["in_port=1,actions=push_vlan:0x8100,push_vlan:0x8100,pop_vlan,resubmit(,0)"],
        {1: [udp(), tcp()]}, {}, drops={1: {"recirc_too_deep": 2}}),
    "rewrite_needing_a_missing_header_drops_malformed": Case(
        ["ip,actions=mod_nw_src:1.2.3.4,output:2"],
        {1: [Ether(src=A, dst=B, type=0x0800) / Raw(b"\x45\x00\x00")]}, {},
        drops={1: {"malformed": 1}}),
}


@pytest.fixture(scope="module")
def x(tmp_path_factory):
    d = tmp_path_factory.mktemp("sw", numbered=True)
    # Each test's pcap files are in its own tmp_path, beside d.
    xd = Xviod(d, extra=["--file-dir", str(d.parent)]).start()
    yield xd
    assert xd.stop() == 0


@pytest.mark.parametrize("name", list(CASES))
def test_switch(name, x, tmp_path):
    case = CASES[name]
    bed = PcapBridge(x, tmp_path, case.nports, case.flows, port_args=case.port_args)
    try:
        got = bed.send(case.send)
        for port in range(1, case.nports + 1):
            want = [bytes(f) for f in case.expect.get(port, [])]
            have = [bytes(f) for f in got[port]]
            assert have == want, f"port {port}:\n got  {[f.hex() for f in have]}\n want " \
                                 f"{[f.hex() for f in want]}"
        for port, reasons in case.drops.items():
            drops = bed.stats(port)["drops"]
            for reason, n in reasons.items():
                assert drops[reason] == n, (port, drops)
        for port, kinds in case.anomalies.items():
            seen = bed.stats(port)["anomalies"]
            for kind, n in kinds.items():
                assert seen[kind] == n, (port, seen)
        # Every rule that saw a packet says so.
        assert sum(f["n_packets"] for f in bed.dump_flows()) >= sum(
            1 for p in case.send.values() for _ in p) - sum(
            n for r in case.drops.values() for k, n in r.items() if k in ("no_match",))
    finally:
        bed.close()


def test_trace_of_a_resubmit_fanout_stops_at_the_bound(x, tmp_path):
    """trace runs on the control thread: it must stop where the datapath
    does and say why."""
    bed = PcapBridge(x, tmp_path, 2, [f"table={t},actions=resubmit(,{t + 1}),"
                                      f"resubmit(,{t + 1})" for t in range(20)] +
                     ["table=20,actions=load:0x1->NXM_NX_REG0[]"])
    try:
        t = x.ctl("trace", bed.name, "in_port=1")
        assert t["drop_reason"] == "too_many_resubmits", t["datapath_actions"]
        assert t["steps"][-1].strip() == "more than 4096 resubmits: packet dropped"
        assert sum("resubmit to table" in s for s in t["steps"]) == 4097
    finally:
        bed.close()


def test_flood_reaches_every_port_of_a_wide_bridge(x, tmp_path):
    """70 ports: flood sends to all 69 others. Ports 3-70 are VMs with no
    guest, so each counts what it was sent as port_down (before, flooding
    stopped after 64 ports and the last five counted nothing)."""
    bed = PcapBridge(x, tmp_path, 2, ["actions=flood"])
    vms = {n: f"{bed.name}vm{n}" for n in range(3, 71)}
    try:
        for n, vm in vms.items():
            x.ctl("port", "add", vm, "vhost", f"{vm}.sock")
            x.ctl("bridge", "port-add", bed.name, vm, f"ofport={n}")
        trace = x.ctl("trace", bed.name, "in_port=1")["datapath_actions"]
        assert trace.split(",") == [f"output:{vm}" for vm in vms.values()]
        assert bed.send({1: [udp()] * 3})[2] == [bytes(udp())] * 3
        down = {n: bed.stats(n)["drops"]["port_down"] for n in vms}
        assert down == {n: 3 for n in vms}
    finally:
        for vm in vms.values():
            x.run_ctl("bridge", "port-del", bed.name, vm, check=False)
            x.run_ctl("port", "del", vm, check=False)
        bed.close()


def test_every_rule_on_a_long_way_counts_the_packet(x, tmp_path):
    """30 rules in a goto_table chain, all credited (before, the first 16
    only: the deep ones looked idle and idle_timeout removed them in use)."""
    chain = [f"table={t},idle_timeout=600,actions=goto_table:{t + 1}" for t in range(29)]
    bed = PcapBridge(x, tmp_path, 2, chain + ["table=29,idle_timeout=600,actions=output:2"])
    try:
        assert bed.send({1: [udp()] * 5})[2] == [bytes(udp())] * 5
        flows = bed.dump_flows()
        assert [f["n_packets"] for f in flows] == [5] * 30, flows
    finally:
        bed.close()


def test_a_non_ip_packets_megaflow_has_no_l3_or_l4_fields(x, tmp_path):
    bed = PcapBridge(x, tmp_path, 2, ["priority=100,tcp,nw_src=10.0.0.1,tp_dst=22,actions=drop",
                                      "priority=0,actions=output:2"])
    try:
        t = x.ctl("trace", bed.name, "in_port=1,dl_type=0x88cc")
        assert t["megaflow"] == "in_port=1,dl_type=0x88cc"
        t = x.ctl("trace", bed.name, "in_port=1,tcp,nw_src=10.0.0.1,tp_dst=80")
        assert t["megaflow"] == "tcp,in_port=1,nw_src=10.0.0.1,tp_dst=80"
    finally:
        bed.close()


def test_busy_share_shows_traffic_at_once_and_figures_have_one_decimal(x, tmp_path):
    """Right after traffic starts, BUSY% already shows it (before, the last
    whole second was shown, in which the worker's sleep was charged as idle
    at its wake-up: 0.0); derived figures come with one decimal, not
    765.73041999999998."""
    write_pcap(tmp_path / "loop.pcap", [udp()] * 64)
    x.ctl("bridge", "add", "busy")
    x.ctl("add-flow", "busy", "actions=drop")
    x.ctl("port", "add", "busyp", "eth",
          f"net_pcap88,rx_pcap={tmp_path / 'loop.pcap'},infinite_rx=1,tx_pcap={tmp_path / 'out.pcap'}")
    try:
        x.ctl("bridge", "port-add", "busy", "busyp")
        # Enough work to be 0.1 % of the 1-2 s the share is taken over.
        wait_for(lambda: x.ctl("bridge", "show", "busy")["ports"][0]["rx_packets"] > 100000,
                 "traffic")
        assert x.ctl("core", "list")[0]["busy_percent"] > 0
        raw = x.run_ctl("--json", "stats").stdout
        figures = re.findall(r'"(?:busy_percent|cycles_per_packet)": ([0-9.e+-]+)', raw)
        assert figures and all(re.fullmatch(r"[0-9]+\.[0-9]", f) for f in figures), figures
    finally:
        x.run_ctl("bridge", "del", "busy", check=False)
        x.run_ctl("port", "del", "busyp", check=False)


def test_trace_says_where_normal_would_send_the_packet(x, tmp_path):
    """From the MAC table and the ports' VLANs as they are now: a learnt
    address goes to its port, an unknown or broadcast one is flooded to the
    ports that carry its VLAN (not to the access port of VLAN 10). Before,
    trace said only that normal decides per packet."""
    x.ctl("bridge", "add", "tn")
    x.ctl("add-flow", "tn", "priority=0,actions=normal")
    names = {n: f"tnp{n}" for n in (1, 2, 3)}
    for n, name in names.items():
        write_pcap(tmp_path / f"tn{n}.pcap",
                   [Ether(src=B, dst=BCAST) / IP() / UDP()] if n == 2 else [])
        x.ctl("port", "add", name, "eth", f"net_pcap6{n},rx_pcap={tmp_path / f'tn{n}.pcap'},"
              f"tx_pcap={tmp_path / f'tn{n}.out.pcap'}")
    try:
        for n, name in names.items():
            x.ctl("bridge", "port-add", "tn", name, f"ofport={n}", *(["tag=10"] if n == 3 else []))
        wait_for(lambda: any(e["mac"].lower() == B for e in x.ctl("fdb-show", "tn")),
                 f"{B} to be learnt on port 2")
        steps = lambda pkt: [s.strip() for s in x.ctl("trace", "tn", pkt)["steps"]]  # noqa
        assert f"VLAN 0: {B} was learnt on port 2: output to tnp2" in steps(f"in_port=1,dl_dst={B}")
        assert f"VLAN 0: {C} is not learnt: flood to 1 port(s): tnp2" in \
            steps(f"in_port=1,dl_dst={C}")
        assert f"VLAN 0: {BCAST} is multicast: flood to 1 port(s): tnp1" in \
            steps(f"in_port=2,dl_dst={BCAST}")
        # From the access port, VLAN 10 is unknown there: both trunks get it.
        assert f"VLAN 10: {B} is not learnt: flood to 2 port(s): tnp1,tnp2" in \
            steps(f"in_port=3,dl_dst={B}")
        assert "VLAN 5 is not allowed on tnp3: dropped (vlan_not_allowed)" in \
            steps(f"in_port=3,dl_vlan=5,dl_dst={B}")
        assert f"VLAN 0: {B} was learnt on the input port: nothing sent" in \
            steps(f"in_port=2,dl_dst={B}")
    finally:
        x.run_ctl("bridge", "del", "tn", check=False)
        for name in names.values():
            x.run_ctl("port", "del", name, check=False)


def test_meter_drops_what_exceeds_its_rate_and_counts_it(x, tmp_path):
    """1 packet/s with a burst of 1: of 2000 back-to-back frames the first
    passes, and at most one more per second of the run."""
    bed = PcapBridge(x, tmp_path, 2)
    try:
        x.ctl("add-meter", bed.name, "meter=7,pktps,burst,band=type=drop,rate=1,burst_size=1")
        x.ctl("add-flow", bed.name, "in_port=1,actions=meter:7,output:2")
        out = bed.send({1: [udp()] * 2000})[2]
        meter = x.ctl("dump-meters", bed.name)[0]
        drops = bed.stats(1)["drops"]["meter"]
        assert 1 <= len(out) < 2000
        assert drops == 2000 - len(out)
        assert (meter["packets"], meter["dropped"]) == (2000, drops)
        # A meter in use cannot go; a flow cannot name a meter that is not there.
        r = x.run_ctl("del-meters", bed.name, "7", check=False)
        assert r.returncode != 0 and "used by flows" in r.stderr
        r = x.run_ctl("add-flow", bed.name, "actions=meter:8,output:2", check=False)
        assert r.returncode != 0 and "meter 8 does not exist" in r.stderr
        x.ctl("del-flows", bed.name)
        x.ctl("del-meters", bed.name, "7")
        assert x.ctl("dump-meters", bed.name) == []
    finally:
        bed.close()


def test_idle_and_hard_timeouts_remove_rules(x, tmp_path):
    bed = PcapBridge(x, tmp_path, 2, ["idle_timeout=1,in_port=1,actions=output:2",
                                      "hard_timeout=1,in_port=2,actions=output:1",
                                      "priority=1,actions=drop"])
    try:
        wait_for(lambda: len(bed.dump_flows()) == 1, "both timed rules to expire",
                 timeout=30)
        assert "drop" in bed.dump_flows()[0]["flow"]
    finally:
        bed.close()


def test_adding_an_existing_rule_replaces_it_in_place(x, tmp_path):
    """Same match and priority: new actions and cookie, counters restart,
    still one rule."""
    bed = PcapBridge(x, tmp_path, 3, ["priority=7,in_port=1,actions=output:2"])
    try:
        assert bed.send({1: [udp()] * 5})[2] == [bytes(udp())] * 5
        assert bed.dump_flows()[0]["n_packets"] == 5
        x.ctl("add-flow", bed.name, "priority=7,cookie=0x99,in_port=1,actions=output:3")
        flows = bed.dump_flows()
        assert len(flows) == 1 and flows[0]["n_packets"] == 0, flows
        assert "cookie=0x99" in flows[0]["flow"] and "output:3" in flows[0]["flow"]
        assert bed.send({1: [udp()] * 3})[3] == [bytes(udp())] * 3
        assert bed.dump_flows()[0]["n_packets"] == 3
    finally:
        bed.close()


@pytest.mark.parametrize("rule", ["in_port=1,actions=output:2",  # the whole burst as it came
                                  "tcp,actions=output:2",        # parsed, per packet
                                  "actions=normal"])             # MAC learning, 2 ports
def test_ports_and_rules_count_every_packet_and_byte(rule, x, tmp_path):
    frames = [tcp() / Raw(b"x" * n) for n in (0, 1, 200, 1000, 1400) * 20]
    total = sum(len(f) for f in frames)
    bed = PcapBridge(x, tmp_path, 2, [rule])
    try:
        got = bed.send({1: frames})
        assert [bytes(f) for f in got[2]] == [bytes(f) for f in frames]
        rx, tx = bed.stats(1), bed.stats(2)
        assert (rx["rx_packets"], rx["rx_bytes"]) == (len(frames), total)
        assert (tx["tx_packets"], tx["tx_bytes"]) == (len(frames), total)
        (flow,) = bed.dump_flows()
        assert (flow["n_packets"], flow["n_bytes"]) == (len(frames), total)
    finally:
        bed.close()


def test_bundle_sends_each_flow_whole_to_one_member_and_spreads_the_flows(x, tmp_path):
    """bundle(...,hrw,...) over ports 2 and 3: 64 UDP flows, 4 frames each,
    interleaved. Every frame comes out once, unchanged; all frames of a
    flow leave by the same member, in order; both members carry flows;
    and trace names the member each flow gets."""
    flows = [Ether(src=A, dst=B) / IP(src="10.0.0.1", dst="10.0.0.2") /
             UDP(sport=2000 + f, dport=9999) / Raw(bytes([f, k])) for k in range(4)
             for f in range(64)]
    bed = PcapBridge(x, tmp_path, 3,
                     ["udp,actions=bundle(symmetric_l3l4+udp,0,hrw,ofport,members:2,3)"])
    trace = {}

    def ask_trace(done):    # while the members are attached
        for f in range(64):
            trace[f] = x.ctl("trace", bed.name, f"in_port=1,udp,nw_src=10.0.0.1,"
                             f"nw_dst=10.0.0.2,tp_src={2000 + f},tp_dst=9999")["datapath_actions"]

    try:
        got = bed.send({1: flows}, while_sending=ask_trace)
    finally:
        bed.close()
    by_member = {p: [bytes(fr) for fr in got[p]] for p in (2, 3)}
    assert sorted(by_member[2] + by_member[3]) == sorted(bytes(fr) for fr in flows)
    flow_of = lambda fr: int.from_bytes(fr[34:36], "big") - 2000  # noqa: E731  (UDP sport)
    for p, frames in by_member.items():
        for f in {flow_of(fr) for fr in frames}:
            # the payload's second byte: the frame's number within its flow
            assert [fr[43] for fr in frames if flow_of(fr) == f] == [0, 1, 2, 3], (p, f)
            assert trace[f] == f"output:{bed.pname(p)}", (f, trace[f])
    assert not set(by_member[2]) & set(by_member[3])
    assert len(by_member[2]) >= 4 * 8 and len(by_member[3]) >= 4 * 8, \
        (len(by_member[2]), len(by_member[3]))


def test_pop_vlan_over_a_second_tag_matches_the_inner_tag_on_the_next_pass(x, tmp_path):
    """QinQ: the key holds the outer tag only, so pop_vlan then a lookup
    on the VLAN recirculates: the packet is parsed again and table 1 sees
    the inner tag. A single-tagged packet is untagged after the pop and
    needs no second pass. Sent twice, so the second round is served by
    the caches of both passes."""
    def qinq(inner, l4):
        return Ether(src=A, dst=B) / Dot1Q(vlan=10) / Dot1Q(vlan=inner) / l4[IP]

    bed = PcapBridge(x, tmp_path, 3, [
        "table=0,in_port=1,dl_vlan=10,actions=pop_vlan,resubmit(,1)",
        "table=1,dl_vlan=20,actions=output:2",
        "table=1,dl_vlan=30,actions=output:3",
        "table=1,vlan_tci=0,actions=drop"])
    frames = [qinq(20, udp()), qinq(30, tcp()), Ether(src=A, dst=B) / Dot1Q(vlan=10) / udp()[IP]]
    try:
        got = bed.send({1: frames * 2})
        stats = bed.stats(1)
        trace = x.ctl("trace", bed.name, "in_port=1,dl_vlan=10,dl_type=0x8100")
    finally:
        bed.close()
    assert [bytes(f) for f in got[2]] == [bytes(Ether(src=A, dst=B) / Dot1Q(vlan=20) /
                                                udp()[IP])] * 2
    assert [bytes(f) for f in got[3]] == [bytes(Ether(src=A, dst=B) / Dot1Q(vlan=30) /
                                                tcp()[IP])] * 2
    assert stats["recirculations"] == 4, stats
    assert stats["drops"]["action_drop"] == 2, stats["drops"]
    # dl_type 0x8100 after the outer tag: trace's way to say "another tag".
    assert re.fullmatch(r"strip_vlan,recirc\(0x[0-9a-f]+\)", trace["datapath_actions"]), trace
    assert len(trace["passes"]) == 1 and trace["passes"][0]["recirc_id"] > 0, trace
    assert any(s.strip().startswith("recirc(0x") for s in trace["steps"]), trace["steps"]


def test_bundle_skips_a_member_whose_guest_is_gone(x, tmp_path):
    """Member 4 is a VM port with no guest: attached, but down. Both
    algorithms pass it over (before, active_backup sent everything to it
    and the packets died as port_down), and trace says where they go."""
    bed = PcapBridge(x, tmp_path, 3, [
        "udp,actions=bundle(eth_src,0,active_backup,ofport,members:4,2)",
        "tcp,actions=bundle(symmetric_l3l4,0,hrw,ofport,members:4,3)"])
    vm = f"{bed.name}vm"
    x.ctl("port", "add", vm, "vhost", f"{vm}.sock")
    try:
        x.ctl("bridge", "port-add", bed.name, vm, "ofport=4")
        trace = []
        got = bed.send({1: [udp()] * 3 + [tcp()] * 3}, while_sending=lambda done: trace.append(
            x.ctl("trace", bed.name, "in_port=1,udp")["datapath_actions"]))
        stats = bed.stats(1)
    finally:
        bed.close()
        x.run_ctl("port", "del", vm, check=False)
    assert [bytes(f) for f in got[2]] == [bytes(udp())] * 3
    assert [bytes(f) for f in got[3]] == [bytes(tcp())] * 3
    assert stats["drops"]["port_down"] == 0, stats["drops"]
    assert trace == [f"output:{bed.pname(2)}"], trace
