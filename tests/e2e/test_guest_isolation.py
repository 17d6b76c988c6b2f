# SPDX-License-Identifier: BSD-3-Clause
"""A misbehaving real guest never stalls the other relay on its core, and
the other relay's misbehaving VM never stalls the real guest.

    guest eth0 10.84.1.2 ─vmA─ relay rA ─nicA (af_packet)─veth─ netns xgiA 10.84.1.1
    netns xgiBv 10.84.2.2 ─veth─ testpmd (af_packet <-> virtio-user) ─vmB─ relay rB
                         ─nicB (af_packet)─veth─ netns xgiBw 10.84.2.1

xviod runs ONE worker: all four relay directions share one core. B's VM is
a testpmd virtio-user frontend forwarding to a namespace, so B carries real
kernel traffic too (a ping and a TCP transfer between its namespaces).

Scenarios, in this order (the last kills the guest): the guest floods
(busybox ping of 60000-byte datagrams every 0.1 ms, i.e. bursts of 41
fragments, at a neighbour that does not exist) while B's transfer runs; B's
VM stops polling its RX ring (testpmd `stop`) while the guest transfers
both ways; the guest is killed (SIGKILL to QEMU) mid-transfer. Each asserts
that the other relay's traffic goes on and its counters grow while the bad
one misbehaves, and that every packet the misbehaving relay did not deliver
is counted by reason: the counters balance exactly (what the relay took
from its source = delivered + drops) once traffic has stopped. Measured and
reported, never asserted: the healthy side's ping gap and losses.
"""
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest

from guest import (HOST_RECEIVER, HOST_SENDER, QEMU, Guest, Nic, Pinger, Stream, read_progress,
                   _die_with_parent, balanced, netns_argv)
from harness import Netns, Testpmd, Xviod, wait_for

GUEST_IP, A_WIRE_IP = "10.84.1.2", "10.84.1.1"
B_VM_IP, B_WIRE_IP = "10.84.2.2", "10.84.2.1"
NOWHERE, NOWHERE_MAC = "10.84.1.99", "02:00:00:00:84:99"  # the flood's target
PORTS = iter(range(6201, 6300))

# UDP datagrams at RATE per second from this namespace to ADDR:PORT until
# killed; writes the number sent to COUNT now and then.
BLASTER = r'''
import os, socket, sys, time
addr, port, rate, count = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
n, t0, last = 0, time.monotonic(), 0.0
while True:
    s.sendto(b"x" * 64, (addr, port)); n += 1
    now = time.monotonic()
    ahead = n / rate - (now - t0)
    if ahead > 0: time.sleep(ahead)
    if now - last > 0.1:
        with open(count + ".tmp", "w") as f: f.write(str(n))
        os.replace(count + ".tmp", count); last = now
'''


class HostStream:
    """A paced TCP transfer between two namespaces (B's VM and B's wire),
    with the same host ends as guest.Stream."""

    def __init__(self, src_ns, dst_ns, dst_ip, port, workdir, rate=1 << 20):
        d = Path(workdir)
        self.stop_file = d / f"h{port}.stop"
        self.progress_file = d / f"h{port}.progress"
        self.stop_file.unlink(missing_ok=True)
        (d / "host_receiver.py").write_text(HOST_RECEIVER)
        (d / "host_sender.py").write_text(HOST_SENDER)
        self.rx = subprocess.Popen(
            netns_argv(dst_ns, f"exec /usr/bin/python3 {d}/host_receiver.py {port} {rate * 4} "
                               f"{self.progress_file}"), stdout=subprocess.PIPE, text=True,
            preexec_fn=_die_with_parent)
        assert self.rx.stdout.readline().strip() == "ready"
        self.tx = subprocess.Popen(
            netns_argv(src_ns, f"exec /usr/bin/python3 {d}/host_sender.py {dst_ip} {port} {rate} "
                               f"{self.stop_file} {d}/h{port}.sent"), stdout=subprocess.PIPE,
            text=True, preexec_fn=_die_with_parent)

    def progress(self):
        return read_progress(self.progress_file)

    def finish(self, timeout=300):
        self.stop_file.touch()
        tx, _ = self.tx.communicate(timeout=timeout)
        rx, _ = self.rx.communicate(timeout=timeout)
        assert self.tx.returncode == 0 and self.rx.returncode == 0, (tx, rx)
        (n_tx, sha_tx), (n_rx, sha_rx) = tx.split(), rx.split()
        return int(n_tx), sha_tx, int(n_rx), sha_rx

    def close(self):
        for p in (self.tx, self.rx):
            if p.poll() is None:
                p.kill()
                p.wait()


class Bed:
    def __init__(self, workdir):
        self.dir = Path(workdir)
        self.x = self.guest = self.tp = None
        self.ns = {}

    def start(self):
        if shutil.which(QEMU) is None:
            raise AssertionError(f"{QEMU} not found: apt-get install qemu-system-x86")
        try:
            self.ns = {"A": Netns("xgiA", f"{A_WIRE_IP}/24"),
                       "Bvm": Netns("xgiBv", f"{B_VM_IP}/24"),
                       "Bwire": Netns("xgiBw", f"{B_WIRE_IP}/24")}
            self.x = Xviod(self.dir, workers="1").start()
            x = self.x
            x.ctl("port", "add", "vmA", "vhost", "vmA.sock")
            x.ctl("port", "add", "nicA", "eth", f"net_af_packet0,iface={self.ns['A'].outer}")
            x.ctl("relay", "add", "rA", "vmA", "nicA")
            x.ctl("port", "add", "vmB", "vhost", "vmB.sock")
            x.ctl("port", "add", "nicB", "eth", f"net_af_packet1,iface={self.ns['Bwire'].outer}")
            x.ctl("relay", "add", "rB", "vmB", "nicB")
            self.tp = Testpmd("isoB", [f"net_virtio_user0,path={self.dir}/vmB.sock",
                                       f"net_af_packet1,iface={self.ns['Bvm'].outer}"], self.dir)
            self.tp.cmd("start")
            self.boot_guest()
            wait_for(lambda: x.port("vmB")["state"] == "connected", "vmB to connect", timeout=60)
            for ns, ip in (("A", GUEST_IP), ("Bwire", B_VM_IP)):
                wait_for(lambda: self.ns[ns].exec(f"ping -c 1 -W 2 {ip}",
                                                  check=False).returncode == 0,
                         f"a first ping to {ip}", timeout=60, interval=0.5)
            # One worker runs everything.
            cores = x.ctl("core", "list")
            assert [c["cpu"] for c in cores] == [1], cores
            for r in ("rA", "rB"):
                assert {d["cpu"] for d in x.relay(r)["directions"]} == {1}
        except BaseException:
            self.stop()
            raise
        return self

    def boot_guest(self):
        self.guest = Guest(self.dir, [Nic(self.dir / "vmA.sock", f"{GUEST_IP}/24")]).start()
        wait_for(lambda: self.x.port("vmA")["state"] == "connected", "vmA to connect",
                 timeout=60)
        self.guest.check(f"arp -s {NOWHERE} {NOWHERE_MAC}")

    def stop(self):
        if self.guest is not None:
            self.guest.stop()
        if self.tp is not None:
            self.tp.kill()
            self.tp.logf.close()
        rc = self.x.stop() if self.x is not None else None
        for n in self.ns.values():
            n.delete()
        return rc


@pytest.fixture(scope="module")
def bed(tmp_path_factory):
    b = Bed(tmp_path_factory.mktemp("gi", numbered=True)).start()
    yield b
    rc = b.stop()
    assert rc == 0, f"xviod did not exit cleanly ({rc}); log {b.x.log}"


# -- counters ------------------------------------------------------------------

def snap(x, relay):
    out = {}
    for d in x.relay(relay)["directions"]:
        out[d["direction"]] = {"packets": d["packets"], "drops": dict(d["drops"]),
                               "held": d["held"]}
    return out


def taken(x, relay, direction):
    """What a relay direction took from its source so far: delivered + dropped."""
    d = snap(x, relay)[direction]
    return d["packets"] + sum(d["drops"].values())


def guest_tx_and_taken(x, g, relay="rA"):
    """The guest's TX count and rA's vm-to-nic intake at one quiet moment:
    read the relay, the guest, the relay again, until the relay did not move
    meanwhile (reading the guest takes a console round trip, and a frame the
    guest sends in between would be counted by one side only)."""
    for _ in range(50):
        before = taken(x, relay, "vm-to-nic")
        tx = guest_tx(g)
        if taken(x, relay, "vm-to-nic") == before:
            return tx, before
        time.sleep(0.1)
    raise AssertionError("rA's vm-to-nic never stood still for a guest counter read")


def grows(x, relay, directions=("vm-to-nic", "nic-to-vm")):
    first = snap(x, relay)
    return lambda: all(snap(x, relay)[d]["packets"] > first[d]["packets"] for d in directions)


def nic_stats(x, nic):
    return x.port(nic)["stats"]


def report(record_property, label, values):
    print(f"\n{label}:")
    for k, v in values.items():
        record_property(k, v)
        print(f"  {k}: {v}")


def guest_tx(g):
    return int(g.check("cat /sys/class/net/eth0/statistics/tx_packets"))


class BTraffic:
    """B's ping (wire -> VM) and TCP transfer (wire -> VM)."""

    def __init__(self, bed, label):
        self.ping = Pinger("xgiBw", B_VM_IP, bed.dir / f"pingB-{label}.log")
        self.stream = None
        try:
            self.stream = HostStream("xgiBw", "xgiBv", B_VM_IP, next(PORTS), bed.dir)
            wait_for(lambda: self.stream.progress() > 256 << 10, "B's transfer to flow",
                     timeout=60)
            wait_for(lambda: len(self.ping.replies()) >= 10, "B's pings", timeout=60)
        except BaseException:
            self.close()
            raise

    def progressing(self, t):
        """B moves data and answers pings after epoch t."""
        mark = self.stream.progress()
        wait_for(lambda: self.stream.progress() > mark + (256 << 10),
                 "B's transfer to keep moving", timeout=60)
        wait_for(lambda: self.ping.replies_since(t) >= 20, "B's pings to keep being answered",
                 timeout=60)

    def finish(self):
        n_tx, sha_tx, n_rx, sha_rx = self.stream.finish()
        assert (n_rx, sha_rx) == (n_tx, sha_tx), "B's transfer was corrupted"
        self.ping.stop()
        return n_tx

    def close(self):
        self.ping.stop()
        if self.stream is not None:
            self.stream.close()


def test_guest_flood_does_not_stall_the_other_relay(bed, record_property):
    """The guest floods its wire (15 000-35 000 frames/s here) while B pings
    and transfers: B keeps moving (counters, transfer, pings) during the
    flood, B's data is intact, and every frame the guest sent is accounted
    for by rA (guest tx_packets = rA vm-to-nic delivered + dropped)."""
    x, g = bed.x, bed.guest
    b = BTraffic(bed, "flood")
    try:
        nA0 = nic_stats(x, "nicA")
        tx0, taken0 = guest_tx_and_taken(x, g)
        rA0 = snap(x, "rA")
        g.check("rm -f /tmp/flood.stop; for i in 1 2; do ( while [ ! -e /tmp/flood.stop ]; do "
                f"ping -q -i 0.0001 -s 60000 -w 2 {NOWHERE}; done ) </dev/null >/dev/null 2>&1 & "
                "done")
        try:
            wait_for(lambda: snap(x, "rA")["vm-to-nic"]["packets"] -
                     rA0["vm-to-nic"]["packets"] > 20000, "the guest's flood", timeout=60)
            t1, flood1 = time.time(), snap(x, "rA")["vm-to-nic"]["packets"]
            wait_for(grows(x, "rB"), "relay B to move packets both ways during the flood",
                     timeout=60)
            b.progressing(t1)
            flood2 = snap(x, "rA")["vm-to-nic"]["packets"]
            t2 = time.time()
            # ... and the flood went on all along (still going now).
            wait_for(lambda: snap(x, "rA")["vm-to-nic"]["packets"] > flood2 + 5000,
                     "the flood to go on", timeout=60)
        finally:
            g.run("touch /tmp/flood.stop; while pidof ping >/dev/null; do sleep 0.1; done",
                  timeout=60)
        sent = b.finish()
        # Every frame the guest sent was taken by rA and delivered or
        # counted; the NIC sent or refused (tx_errors) what it was given.
        g.check(f"ping -c 3 -W 5 {A_WIRE_IP}")  # also makes the guest reap TX completions
        counts = {}

        def balance():
            tx, took = guest_tx_and_taken(x, g)
            counts.update(guest_sent=tx - tx0, rA_took=took - taken0)
            return counts["guest_sent"] == counts["rA_took"]

        try:
            wait_for(balance, "the guest's TX count to match rA's vm-to-nic (delivered + "
                     "dropped)", timeout=30)
        except AssertionError as e:
            raise AssertionError(f"{e}: {counts}, rA {snap(x, 'rA')}") from None
        balanced(x, "rA", "nicA")
        rA1 = snap(x, "rA")
        report(record_property, "flood", {
            **{f"B_{k}": v for k, v in b.ping.stats(t1).items()},
            "B_transfer_bytes": sent,
            "A_flood_frames_per_s_while_B_checked": round((flood2 - flood1) / (t2 - t1)),
            "A_vm_to_nic_frames": rA1["vm-to-nic"]["packets"] - rA0["vm-to-nic"]["packets"],
            "A_vm_to_nic_drops": rA1["vm-to-nic"]["drops"],
            "nicA_tx_errors": nic_stats(x, "nicA")["tx_errors"] - nA0["tx_errors"],
            "guest_tx_frames": guest_tx(g) - tx0,
        })
    finally:
        b.close()


def test_testpmd_vm_that_stops_polling_does_not_stall_the_guest(bed, record_property):
    """B's VM (testpmd) stops polling while its wire host sends it 300
    datagrams/s and the guest transfers both ways. rB holds a burst for the
    stuck VM and drops it after 50 ms (dest_stalled), so it drains its NIC at
    about 32 packets per 50 ms; 300/s stays below that, so every datagram
    reaches rB and the counters balance. (Faster, the af_packet socket's
    kernel ring overflows, and DPDK 22.11's af_packet reports no rx_missed:
    those drops are invisible to xviod.) While a direction holds packets
    its worker never sleeps (reported: sleeps/s before and during)."""
    x, g, tp = bed.x, bed.guest, bed.tp
    d = bed.dir
    # B's VM gets a steady stream of datagrams from its wire host (a static
    # neighbour: the VM cannot answer ARP while stuck).
    mac = bed.ns["Bvm"].exec(f"cat /sys/class/net/{bed.ns['Bvm'].inner}/address").stdout.strip()
    bed.ns["Bwire"].exec(f"ip neigh replace {B_VM_IP} lladdr {mac} dev "
                         f"{bed.ns['Bwire'].inner} nud permanent")
    (d / "blaster.py").write_text(BLASTER)
    blaster = subprocess.Popen(netns_argv("xgiBw", f"exec /usr/bin/python3 {d}/blaster.py "
                                                   f"{B_VM_IP} 9 300 {d}/blast.count"),
                               preexec_fn=_die_with_parent)
    ping = Pinger("xgiA", GUEST_IP, d / "pingA-stall.log")

    def blast_count():
        try:
            return int((d / "blast.count").read_text())
        except (OSError, ValueError):
            return 0
    streams = []
    stopped = False
    try:
        for direction in ("guest-to-host", "host-to-guest"):
            streams.append(Stream(g, direction, "xgiA", A_WIRE_IP, GUEST_IP, next(PORTS),
                                  d).start())
        for s in streams:
            wait_for(lambda: s.progress() > 512 << 10, f"the guest's {s.direction} transfer",
                     timeout=120)
        wait_for(grows(x, "rB", ("nic-to-vm",)), "B to receive the datagrams", timeout=30)
        # The guest's transfer rates before B misbehaves, for comparison
        # (a measurement window, not a wait for anything).
        t0, marks0 = time.time(), [s.progress() for s in streams]
        core0 = x.ctl("core", "list")[0]
        time.sleep(2.0)
        rates0 = {s.direction: round((s.progress() - m) / (time.time() - t0) / 1e6, 2)
                  for s, m in zip(streams, marks0)}
        rB0, nB0, blast0 = snap(x, "rB"), nic_stats(x, "nicB"), blast_count()
        tp.cmd("stop")  # B's VM stops polling its RX ring (and everything else)
        stopped = True
        wait_for(lambda: snap(x, "rB")["nic-to-vm"]["drops"]["dest_stalled"] >
                 rB0["nic-to-vm"]["drops"]["dest_stalled"],
                 "B's stalled packets to be dropped and counted", timeout=60)
        t1 = time.time()
        stalled1 = snap(x, "rB")["nic-to-vm"]["drops"]["dest_stalled"]
        core1 = x.ctl("core", "list")[0]
        marks = [s.progress() for s in streams]
        wait_for(grows(x, "rA"), "the guest's relay to move packets both ways", timeout=60)
        for s, m in zip(streams, marks):
            wait_for(lambda: s.progress() > m + (1 << 20),
                     f"the guest's {s.direction} transfer to keep moving", timeout=120)
        wait_for(lambda: ping.replies_since(t1) >= 20, "the guest's pings", timeout=60)
        t2 = time.time()
        stalled2 = snap(x, "rB")["nic-to-vm"]["drops"]["dest_stalled"]
        assert stalled2 > stalled1, "B was not stalled all along"
        core2 = x.ctl("core", "list")[0]
        rates = {s.direction: round((s.progress() - m) / (t2 - t1) / 1e6, 2)
                 for s, m in zip(streams, marks)}
        tp.cmd("start")
        stopped = False
        wait_for(grows(x, "rB", ("nic-to-vm",)), "B to receive again", timeout=60)
        blaster.kill()
        blaster.wait()
        sizes = {}
        for s in streams:
            n, sent, received = s.finish()
            assert received == sent, f"the guest's {s.direction} data was corrupted"
            sizes[s.direction] = n
        ping.stop()
        balanced(x, "rB", "nicB")
        rB1 = snap(x, "rB")
        blasted = blast_count() - blast0
        report(record_property, "stall", {
            **{f"A_{k}": v for k, v in ping.stats(t1).items()},
            "A_transfer_MB_per_s_before": rates0,
            "A_transfer_MB_per_s_while_B_stalled": rates,
            "A_transfer_bytes": sizes,
            "B_nic_to_vm_delta": {k: rB1["nic-to-vm"]["drops"][k] -
                                  rB0["nic-to-vm"]["drops"][k] for k in rB1["nic-to-vm"]["drops"]},
            "B_nic_to_vm_delivered": rB1["nic-to-vm"]["packets"] - rB0["nic-to-vm"]["packets"],
            "B_nic_rx": nic_stats(x, "nicB")["rx_packets"] - nB0["rx_packets"],
            "B_datagrams_sent_meanwhile": blasted,
            # A direction holding packets keeps its worker from sleeping.
            "worker_sleeps_per_s_while_B_stalled": round(
                (core2["sleeps"] - core1["sleeps"]) / (t2 - t1), 1),
            "worker_sleeps_per_s_before": round(
                (core1["sleeps"] - core0["sleeps"]) / (t1 - t0), 1),
        })
    finally:
        if stopped:
            tp.cmd("start")
        if blaster.poll() is None:
            blaster.kill()
            blaster.wait()
        ping.stop()
        for s in streams:
            s.close()


def test_guest_killed_mid_transfer_does_not_stall_the_other_relay(bed, record_property):
    """SIGKILL to the guest's QEMU in the middle of a guest -> wire
    transfer: vmA disconnects, B keeps moving, what the wire still sends to
    the dead guest is counted as vm_down (rA balances), and a new guest on
    the same port works."""
    x, g = bed.x, bed.guest
    b = BTraffic(bed, "kill")
    ping = Pinger("xgiA", GUEST_IP, bed.dir / "pingA-kill.log")
    stream = Stream(g, "guest-to-host", "xgiA", A_WIRE_IP, GUEST_IP, next(PORTS), bed.dir)
    try:
        stream.start()
        wait_for(lambda: stream.progress() > 512 << 10, "the guest's transfer", timeout=120)
        vmA0 = x.port("vmA")
        rA0 = snap(x, "rA")
        t_kill = time.time()
        g.proc.send_signal(signal.SIGKILL)
        g.kill()
        bed.guest = None
        wait_for(lambda: x.port("vmA")["state"] != "connected", "vmA to disconnect", timeout=30)
        assert x.port("vmA")["disconnects"] == vmA0["disconnects"] + 1
        wait_for(grows(x, "rB"), "relay B to move packets both ways", timeout=60)
        b.progressing(t_kill)
        # The wire host still pings the dead guest: counted as vm_down.
        wait_for(lambda: snap(x, "rA")["nic-to-vm"]["drops"]["vm_down"] >
                 rA0["nic-to-vm"]["drops"]["vm_down"], "vm_down drops on rA", timeout=60)
        ping.stop()
        stream.close()
        sent = b.finish()
        balanced(x, "rA", "nicA")
        rA1 = snap(x, "rA")
        report(record_property, "kill", {
            **{f"B_{k}": v for k, v in b.ping.stats(t_kill).items()},
            "B_transfer_bytes": sent,
            "A_nic_to_vm_drops": {k: rA1["nic-to-vm"]["drops"][k] - rA0["nic-to-vm"]["drops"][k]
                                  for k in rA1["nic-to-vm"]["drops"]},
            "A_vm_to_nic_drops": {k: rA1["vm-to-nic"]["drops"][k] - rA0["vm-to-nic"]["drops"][k]
                                  for k in rA1["vm-to-nic"]["drops"]},
        })
        # xviod serves a new guest on the same port.
        bed.boot_guest()
        assert x.port("vmA")["connects"] == vmA0["connects"] + 1
        r = bed.ns["A"].exec(f"ping -c 5 -i 0.1 -W 5 {GUEST_IP}", check=False)
        assert " 0% packet loss" in r.stdout, r.stdout + r.stderr
    finally:
        ping.stop()
        stream.close()
        b.close()
