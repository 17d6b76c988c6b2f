# SPDX-License-Identifier: BSD-3-Clause
"""Express relays and bridges in one xviod: both carry traffic at once,
whether their jobs share a worker core or not, and `core list` shows who
runs what.

    testpmd virtio-user ─ vm1 ─ relay r1 ─ nic1 (net_ring: loops back)
    in.pcap ─ p1 ─ bridge ─ p2 ─ out.pcap
"""
import pytest

from harness import Testpmd, Xviod, wait_for
from scapy.all import IP, UDP, Ether
from switch_bed import PcapBridge


@pytest.mark.parametrize("bridge_cpu", [1, 0], ids=["same-core", "other-core"])
def test_relay_and_bridge_run_together(workdir, bridge_cpu):
    x = Xviod(workdir, workers="0-1", extra=["--no-rebalance"]).start()
    tp = None
    try:
        x.ctl("port", "add", "vm1", "vhost", "vm1.sock")
        x.ctl("port", "add", "nic1", "eth", "net_ring0")
        x.ctl("relay", "add", "r1", "vm1", "nic1", "core=1")
        tp = Testpmd("co", [f"net_virtio_user0,path={workdir}/vm1.sock"], workdir)
        tp.cmd("start tx_first")
        wait_for(lambda: x.relay("r1")["directions"][0]["packets"] > 1000,
                 "the relay to loop packets")
        bed = PcapBridge(x, workdir, 2, ["in_port=1,actions=output:2"],
                         port_args={1: [f"core={bridge_cpu}"], 2: [f"core={bridge_cpu}"]})
        relay_before = x.relay("r1")["directions"][0]["packets"]
        frames = [Ether() / IP() / UDP(sport=i) for i in range(1000)]
        out = bed.send({1: frames}, while_sending=lambda done: x.ctl("core", "list"))
        assert [bytes(f) for f in frames] == out[2]
        assert x.relay("r1")["directions"][0]["packets"] > relay_before
        cores = {c["cpu"]: c["jobs"] for c in x.ctl("core", "list")}
        assert "r1/vm-to-nic" in cores[1] and "r1/nic-to-vm" in cores[1]
        # The bridge's ports left with send(); re-attach one to see it placed.
        x.ctl("port", "add", "p9", "eth", "net_null9")
        x.ctl("bridge", "port-add", bed.name, "p9", f"core={bridge_cpu}")
        cores = {c["cpu"]: c["jobs"] for c in x.ctl("core", "list")}
        assert f"{bed.name}/p9" in cores[bridge_cpu]
        x.ctl("bridge", "port-del", bed.name, "p9")
        bed.close()
    finally:
        if tp is not None:
            tp.kill()
        assert x.stop() == 0
