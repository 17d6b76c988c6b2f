# SPDX-License-Identifier: BSD-3-Clause
"""A bridge whose ports are pcap files: scapy writes what each port
receives, xviod's real switch datapath forwards it, scapy reads what each
port sent.

    in_<n>.pcap ─ net_pcap (ofport n) ─┐                 ┌─ net_pcap ─ out_<m>.pcap
                                       └─ bridge (flows) ┘

Ports are numbered 1..N (their ofports). The flows, and only they, are in
place before any port is attached, and ports without input are attached first, so nothing
is read before every output exists. A pcap file is complete once its port
is removed.
"""
import itertools
import struct

from harness import wait_for

_ids = itertools.count()


def write_pcap(path, frames):
    """Frames (bytes or scapy packets) as a pcap file; fast for millions."""
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
        for fr in frames:
            b = bytes(fr)
            f.write(struct.pack("<IIII", 0, 0, len(b), len(b)))
            f.write(b)


def read_pcap(path):
    """The frames of a pcap file, as bytes."""
    data = open(path, "rb").read()
    frames, off = [], 24
    while off + 16 <= len(data):
        caplen = struct.unpack_from("<I", data, off + 8)[0]
        frames.append(data[off + 16:off + 16 + caplen])
        off += 16 + caplen
    return frames


class PcapBridge:
    def __init__(self, x, workdir, nports, flows=(), port_args=None, bridge_args=()):
        self.x, self.dir = x, workdir
        self.id = next(_ids)
        self.name = f"sw{self.id}"
        self.nports = nports
        self.port_args = port_args or {}
        # Without the default priority=0,actions=normal: the table is `flows`.
        x.ctl("bridge", "add", self.name, "default_flow=off", *bridge_args)
        if flows:
            f = workdir / f"{self.name}.flows"
            f.write_text("\n".join(flows) + "\n")
            x.ctl("add-flows", self.name, f)
        self.result = None

    def pname(self, n):
        return f"{self.name}p{n}"

    def path(self, kind, n):
        return self.dir / f"{kind}_{self.name}_{n}.pcap"

    def send(self, frames_by_port, while_sending=None):
        """Replay frames_by_port[n] into ofport n; wait until all were read.
        Returns {n: [frames ofport n sent, as bytes]}."""
        ports = range(1, self.nports + 1)
        for n in ports:
            write_pcap(self.path("in", n), frames_by_port.get(n, []))
            self.x.ctl("port", "add", self.pname(n), "eth",
                       f"net_pcap{self.id}_{n},rx_pcap={self.path('in', n)},"
                       f"tx_pcap={self.path('out', n)}")
        for n in sorted(ports, key=lambda n: len(frames_by_port.get(n, [])) > 0):
            self.x.ctl("bridge", "port-add", self.name, self.pname(n), f"ofport={n}",
                       *self.port_args.get(n, ()))
        total = sum(len(v) for v in frames_by_port.values())
        if while_sending is not None:
            while_sending(lambda: sum(p["rx_packets"] for p in self.show()["ports"]) >= total)
        wait_for(lambda: sum(p["rx_packets"] for p in self.show()["ports"]) >= total,
                 f"the bridge to read {total} frames")
        self.result = self.show()
        self.remove_ports()
        return {n: read_pcap(self.path("out", n)) for n in ports}

    def show(self):
        return self.x.ctl("bridge", "show", self.name)

    def stats(self, n):
        """Counters of ofport n as they were when all input was read."""
        return next(p for p in self.result["ports"] if p["ofport"] == n)

    def dump_flows(self):
        return self.x.ctl("dump-flows", self.name)

    def remove_ports(self):
        for n in range(1, self.nports + 1):
            self.x.run_ctl("bridge", "port-del", self.name, self.pname(n), check=False)
            self.x.run_ctl("port", "del", self.pname(n), check=False)

    def close(self):
        self.remove_ports()
        self.x.run_ctl("bridge", "del", self.name, check=False)
