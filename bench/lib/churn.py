#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""The rule-churn client of bench/switch's churn scenarios: adds and deletes
rules on a running switch at a steady rate, over one persistent connection,
and logs how many changes were applied when.

    churn.py xvio CTL_SOCKET RATE KIND LOG
    churn.py ovs  BRIDGE.mgmt RATE KIND LOG

Every 10 ms tick it adds RATE/200 new rules and deletes as many of the
oldest (each add and each delete is one change), then waits until the
switch has applied them (xvio: every reply; OVS: an OpenFlow barrier), so
the rate logged is the rate achieved. Once WINDOW churn rules are in, the
table size stays constant. KIND:

  unrelated  priority=20,ip,nw_dst=10.200.x.y,actions=drop: never hit
  matching   priority=40000+k,ip,nw_dst=D,actions=output:N for the
             traffic's own destinations D, above the base rule (32768)
             and with the port it already uses: forwarding is unchanged,
             but every change concerns live flows (their megaflows must be
             translated again)

xvio gets a tick's adds in one flow-add request and each delete as a
strict flow-del (requests pipelined, replies read every 100); OVS gets one
OpenFlow 1.0 flow_mod per change.

The log (LOG) gets "monotonic_seconds changes" every tick. SIGTERM ends it.
"""
import ipaddress
import json
import os
import signal
import socket
import struct
import sys
import threading
import time

TICK = 0.01
WINDOW = 1000
NET_DST = (ipaddress.IPv4Address("10.1.0.0"), ipaddress.IPv4Address("10.2.0.0"))
HALF_RULES = 500    # the `1k` scenario: 500 destinations per direction


def rule(kind, i):
    """(match dict, priority, out_port or None for drop) of churn rule i."""
    if kind == "unrelated":
        dst = ipaddress.IPv4Address("10.200.0.0") + i % 65536
        return str(dst), 20 + (i // 65536) % 1000, None
    d = i % 2
    dst = NET_DST[d] + (i // 2) % HALF_RULES
    return str(dst), 40000 + (i // (2 * HALF_RULES)) % 1000, 2 - d


class Xvio:
    def __init__(self, path):
        self.s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.s.connect(path)
        self.f = self.s.makefile("rb")
        self.pending = 0
        self.adds = []

    def _send(self, cmd, args):
        self.s.sendall(json.dumps({"cmd": cmd, "args": args}).encode() + b"\n")
        self.pending += 1
        if self.pending == 100:     # neither side's socket buffer fills
            self._replies()

    def add(self, dst, prio, out):
        act = f"output:{out}" if out else "drop"
        self.adds.append(f"priority={prio},ip,nw_dst={dst},actions={act}")

    def delete(self, dst, prio):
        self._send("flow-del", {"bridge": "br0", "match": f"priority={prio},ip,nw_dst={dst}",
                                "strict": True})

    def sync(self):
        if self.adds:
            self._send("flow-add", {"bridge": "br0", "flows": self.adds})
            self.adds = []
        self._replies()

    def _replies(self):
        while self.pending:
            reply = json.loads(self.f.readline())
            self.pending -= 1
            if not reply.get("ok"):
                sys.exit(f"churn: xviod refused a change: {reply.get('error')}")


class Ovs:
    """OpenFlow 1.0 flow_mods over the bridge's management socket."""
    HELLO, ERROR, ECHO_REQUEST, ECHO_REPLY, FLOW_MOD, BARRIER_REQUEST, BARRIER_REPLY = \
        0, 1, 2, 3, 14, 18, 19
    ADD, DELETE_STRICT = 0, 4
    # Every field wild but dl_type and nw_dst (OFPFW_ALL minus DL_TYPE and
    # the six NW_DST bits, 0 = exact).
    WILDCARDS = ((1 << 22) - 1) & ~(1 << 4) & ~(0x3f << 14)

    def __init__(self, path):
        self.s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.s.connect(path)
        self.xid = 0
        self.barriers = 0
        self.cv = threading.Condition()
        self._msg(self.HELLO, b"")
        threading.Thread(target=self._reader, daemon=True).start()

    def _msg(self, typ, body):
        self.xid += 1
        self.s.sendall(struct.pack("!BBHI", 1, typ, 8 + len(body), self.xid) + body)

    def _reader(self):
        buf = b""
        while True:
            data = self.s.recv(65536)
            if not data:
                os._exit(1)
            buf += data
            while len(buf) >= 8:
                _, typ, length, xid = struct.unpack("!BBHI", buf[:8])
                if len(buf) < length:
                    break
                body, buf = buf[8:length], buf[length:]
                if typ == self.ECHO_REQUEST:
                    self.s.sendall(struct.pack("!BBHI", 1, self.ECHO_REPLY, 8 + len(body), xid)
                                   + body)
                elif typ == self.ERROR:
                    print(f"churn: OVS error {body[:4].hex()}", file=sys.stderr, flush=True)
                    os._exit(1)
                elif typ == self.BARRIER_REPLY:
                    with self.cv:
                        self.barriers += 1
                        self.cv.notify()

    def _flow_mod(self, command, dst, prio, out):
        match = struct.pack("!IH6s6sHBxHBBxxIIHH", self.WILDCARDS, 0, b"\0" * 6, b"\0" * 6,
                            0, 0, 0x0800, 0, 0, 0,
                            int(ipaddress.IPv4Address(dst)), 0, 0)
        body = match + struct.pack("!QHHHHIHH", 0, command, 0, 0, prio, 0xffffffff, 0xffff, 0)
        if out:
            body += struct.pack("!HHHH", 0, 8, out, 0)
        self._msg(self.FLOW_MOD, body)

    def add(self, dst, prio, out):
        self._flow_mod(self.ADD, dst, prio, out)

    def delete(self, dst, prio):
        self._flow_mod(self.DELETE_STRICT, dst, prio, None)

    def sync(self):
        with self.cv:
            want = self.barriers + 1
            self._msg(self.BARRIER_REQUEST, b"")
            self.cv.wait_for(lambda: self.barriers >= want, timeout=30)
            if self.barriers < want:
                sys.exit("churn: OVS did not answer a barrier in 30 s")


def main():
    if len(sys.argv) != 6 or sys.argv[1] not in ("xvio", "ovs") \
            or sys.argv[4] not in ("unrelated", "matching"):
        sys.exit(__doc__)
    target, path, rate, kind, log_path = sys.argv[1:]
    rate = int(rate)
    sw = (Xvio if target == "xvio" else Ovs)(path)
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    per_tick = max(1, round(rate * TICK / 2))   # adds; as many deletes
    added = deleted = 0
    with open(log_path, "w", buffering=1) as log:
        log.write(f"{time.monotonic():.4f} 0\n")
        next_t = time.monotonic()
        while not stop:
            for _ in range(per_tick):
                dst, prio, out = rule(kind, added)
                sw.add(dst, prio, out)
                added += 1
                if added - deleted > WINDOW:
                    dst, prio, _ = rule(kind, deleted)
                    sw.delete(dst, prio)
                    deleted += 1
            sw.sync()
            log.write(f"{time.monotonic():.4f} {added + deleted}\n")
            next_t += TICK
            pause = next_t - time.monotonic()
            if pause > 0:
                time.sleep(pause)
            elif pause < -TICK:
                next_t = time.monotonic()   # behind: the log shows the rate achieved


if __name__ == "__main__":
    main()
