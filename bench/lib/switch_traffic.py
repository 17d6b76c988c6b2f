# SPDX-License-Identifier: BSD-3-Clause
"""What the switch benchmark sends and which rules the switches hold.

Every switch has two ports, ofport 1 (socket p1) and ofport 2 (socket p2);
the generator is one testpmd with a virtio-user port on each (CPU 0).

Two ways of sending (`traffic` of a scenario):

  loop   PVP loop: the generator forwards in `mac` mode between its two
         virtio-user ports and starts with `start tx_first`, so a fixed set
         of packets circles generator -> switch -> generator for the whole
         run. `mac` mode writes src = the sending port's MAC and dst = its
         --eth-peer (the other port's MAC), so a learning switch (`normal`)
         sees each MAC on one port only.
  pcap   many flows: testpmd cannot vary addresses while looping (flowgen
         varies nw_dst only and cannot make return traffic), so each
         virtio-user port is fed by a net_pcap port replaying a file made
         here forever (infinite_rx=1); what comes back is counted and
         dropped by the pcap port's TX. Open loop: the generator sends as
         fast as it can, and what the switch cannot take is dropped at the
         generator's TX (counted).

Rules of the `rules` scenarios: direction 1->2 carries nw_dst in 10.1/16..,
direction 2->1 in 10.2/16.., so `ip,nw_dst=D,actions=output:N` needs no
in_port and half the rules serve each direction. Flows: flow j of a
direction has nw_dst = rule (j mod rules/2) and its own nw_src, so there
are `flows` distinct 5-tuples and every rule is hit; the file's order is a
fixed shuffle so caches see no pattern.
"""
import ipaddress
import random
import re
import struct
import time
from dataclasses import dataclass
from pathlib import Path

from procs import Testpmd, wait_for

GEN_CPU, SWITCH_CPU = 0, 1
MACS = ("02:00:00:00:00:01", "02:00:00:00:00:02")  # generator port 0 (-> p1), 1 (-> p2)
NET_DST = (ipaddress.IPv4Address("10.1.0.0"), ipaddress.IPv4Address("10.2.0.0"))
NET_SRC = (ipaddress.IPv4Address("10.64.0.0"), ipaddress.IPv4Address("10.128.0.0"))


@dataclass(frozen=True)
class Scenario:
    name: str
    title: str
    traffic: str        # "loop" or "pcap"
    rules: int = 0      # nw_dst rules (both directions); 0: see flows_text
    flows: int = 0      # distinct 5-tuples (both directions)
    normal: bool = False
    churn_rate: int = 0     # rule changes per second during the run (churn.py)
    churn_kind: str = ""    # "unrelated" or "matching"


SCENARIOS = {s.name: s for s in (
    Scenario("normal", "`normal` (MAC learning) between 2 ports", "loop", normal=True),
    Scenario("1rule", "1 rule per direction: in_port=1 -> output:2 and back", "loop"),
    Scenario("1k", "1k nw_dst/32 rules, 10k flows", "pcap", rules=1000, flows=10_000),
    Scenario("100k", "100k nw_dst/32 rules, 1M flows", "pcap", rules=100_000, flows=1_000_000),
) + tuple(
    Scenario(f"churn{label}-{kind}", f"1k rules, 10k flows, {label} {kind} rule changes/s",
             "pcap", rules=1000, flows=10_000, churn_rate=rate, churn_kind=kind)
    for kind in ("unrelated", "matching")
    for rate, label in ((1000, "1k"), (10_000, "10k"), (100_000, "100k"))
)}
# Measured unless --scenarios names them (they take as long again).
DEFAULT_SCENARIOS = ("normal", "1rule", "1k", "100k")


def flow_lines(s):
    """The rules, in ovs-ofctl syntax with ofports as numbers (both switches
    take them as they are)."""
    if s.normal:
        return ["actions=NORMAL"]
    if not s.rules:
        return ["in_port=1,actions=output:2", "in_port=2,actions=output:1"]
    half = s.rules // 2
    return [f"ip,nw_dst={NET_DST[d] + i},actions=output:{2 - d}"
            for d in (0, 1) for i in range(half)]


# ---- pcap files ------------------------------------------------------------

def _csum(b):
    s = sum(struct.unpack(f"!{len(b) // 2}H", b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def _frame(src_mac, dst_mac, src_ip, dst_ip, size):
    """Ethernet/IPv4/UDP of `size` bytes with the FCS (what testpmd's
    --txpkts counts), i.e. size - 4 bytes on the wire here."""
    payload = bytes(size - 4 - 14 - 20 - 8)
    udp = struct.pack("!HHHH", 1024, 1025, 8 + len(payload), 0) + payload
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 0, 0, 64, 17, 0,
                     src_ip.packed, dst_ip.packed)
    ip = ip[:10] + struct.pack("!H", _csum(ip)) + ip[12:]
    mac = lambda m: bytes.fromhex(m.replace(":", ""))  # noqa: E731
    return mac(dst_mac) + mac(src_mac) + b"\x08\x00" + ip + udp


def pcap_files(s, cache_dir, size=64):
    """One pcap per direction (generator port 0 -> p1, port 1 -> p2), made
    once and kept in cache_dir (the 1M-flow files take a while)."""
    cache_dir = Path(cache_dir)
    cache_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for d in (0, 1):
        path = cache_dir / f"r{s.rules}-f{s.flows}-{size}B-dir{d}.pcap"
        paths.append(path)
        if path.exists():
            continue
        half_rules, half_flows = s.rules // 2, s.flows // 2
        order = list(range(half_flows))
        random.Random(d).shuffle(order)
        tmp = path.with_suffix(".tmp")
        with open(tmp, "wb") as f:
            f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
            for j in order:
                fr = _frame(MACS[d], MACS[1 - d], NET_SRC[d] + j,
                            NET_DST[d] + j % half_rules, size)
                f.write(struct.pack("<IIII", 0, 0, len(fr), len(fr)) + fr)
        tmp.rename(path)
    return paths


# ---- the generator ---------------------------------------------------------

def generator_mem_mb(s):
    """Hugepage memory of the generator: every replayed packet sits in an
    mbuf of ~640 B (256 B data room, header, mempool overhead)."""
    return 1024 if s.traffic == "loop" else 1024 + (s.flows + 16384) * 640 // (1 << 20)


def _port_stats(out):
    """{port: {rx, tx, tx_dropped, ...}} from `show fwd stats all`."""
    stats = {}
    for m in re.finditer(r"Forward statistics for port (\d+)(.*?)(?=Forward statistics|Accumulated|$)",
                         out, re.S):
        nums = dict((k, int(v)) for k, v in re.findall(r"([A-Z]+-[a-z]+): (\d+)", m.group(2)))
        stats[int(m.group(1))] = {"rx": nums.get("RX-packets", 0), "tx": nums.get("TX-packets", 0),
                                  "rx_dropped": nums.get("RX-dropped", 0),
                                  "tx_dropped": nums.get("TX-dropped", 0)}
    cyc = re.search(r"CPU cycles/packet=([\d.]+) \(total cycles=(\d+)", out[out.rfind("Accumulated"):])
    return stats, int(cyc.group(2)) if cyc else 0


class Generator:
    """testpmd on CPU 0 with virtio-user ports on sockets[0], sockets[1]."""

    def __init__(self, workdir, s, sockets, tag, pcap_dir, size=64):
        self.s = s
        vu = [f"net_virtio_user{i},path={sock},queues=1,mac={MACS[i]}"
              for i, sock in enumerate(sockets)]
        if s.traffic == "loop":
            vdevs = vu
            self.virtio = [0, 1]
            extra = ["--forward-mode=mac", f"--eth-peer=0,{MACS[1]}", f"--eth-peer=1,{MACS[0]}",
                     f"--txpkts={size}"]
            mbufs, mem = 16384, 1024
        else:
            # Ports 0 pcap, 1 virtio (p1), 2 pcap, 3 virtio (p2); testpmd's
            # paired topology forwards 0<->1 and 2<->3.
            pcaps = pcap_files(s, pcap_dir, size)
            vdevs = [vu[0]]
            vdevs[:0] = [f"net_pcap0,rx_pcap={pcaps[0]},infinite_rx=1"]
            vdevs += [f"net_pcap1,rx_pcap={pcaps[1]},infinite_rx=1", vu[1]]
            self.virtio = [1, 3]
            # Every replayed packet sits in an mbuf; small mbufs (64 B fit
            # in 128 B of data room after the 128 B headroom) keep 1M in ~0.5 GB.
            n = s.flows + 16384
            extra = ["--forward-mode=io", "--mbuf-size=256", "--max-pkt-len=96"]
            mbufs, mem = n, generator_mem_mb(s)
        self.t = Testpmd(workdir, f"{tag}-gen", vdevs, f"0@{GEN_CPU},1@{GEN_CPU}",
                         mbufs, extra, mem=mem)
        self.pid = self.t.proc.pid
        wait_for(self.t.links_up, "generator links up", timeout=30, interval=0.5)

    def start(self, bursts=16):
        if self.s.traffic == "loop":
            self.t.cmd(f"start tx_first {bursts}")
        else:
            # Wait (1 us at a time, up to 64 times) for room in the switch's
            # ring instead of dropping: the generator then makes only what
            # the switch takes and does not hammer the ring.
            self.t.cmd("set fwd io retry")
            self.t.cmd("start")

    def begin(self):
        self.t.cmd("clear fwd stats all")
        self.t0 = time.monotonic()

    def end(self, tsc_hz):
        stats, cycles = _port_stats(self.t.cmd("show fwd stats all"))
        dt = time.monotonic() - self.t0
        rx = sum(stats.get(p, {}).get("rx", 0) for p in self.virtio)
        tx = sum(stats.get(p, {}).get("tx", 0) for p in self.virtio)
        txd = sum(stats.get(p, {}).get("tx_dropped", 0) for p in self.virtio)
        return {"sent_mpps": tx / dt / 1e6, "returned_mpps": rx / dt / 1e6,
                "tx_dropped_mpps": txd / dt / 1e6,
                "busy": cycles / (tsc_hz * dt) if tsc_hz else None}

    def stop(self):
        self.t.stop()
