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


def test_bridges_show_up_in_stats_telemetry_port_list_and_can_be_pinned(workdir):
    import json
    import subprocess

    x = Xviod(workdir, workers="0-1", extra=["--no-rebalance"]).start()
    try:
        x.ctl("port", "add", "p1", "eth", "net_null0")
        x.ctl("port", "add", "p2", "eth", "net_null1")
        x.ctl("bridge", "add", "br0")
        x.ctl("bridge", "port-add", "br0", "p1", "core=0")
        x.ctl("add-flow", "br0", "actions=drop")
        # net_null receives all the time: the bridge sees traffic at once.
        wait_for(lambda: x.ctl("bridge", "show", "br0")["ports"][0]["rx_packets"] > 0,
                 "p1 to receive")
        stats = x.ctl("stats")
        assert [b["name"] for b in stats["bridges"]] == ["br0"]
        assert "Bridges" in x.run_ctl("stats").stdout
        ports = x.run_ctl("port", "list").stdout
        assert "bridge br0" in ports and "USED BY" in ports
        cores = {c["cpu"]: c["jobs"] for c in x.ctl("core", "list")}
        assert cores[0] == ["br0/p1"]
        x.ctl("bridge", "pin", "br0", "p1", "1")
        cores = {c["cpu"]: c["jobs"] for c in x.ctl("core", "list")}
        assert cores[1] == ["br0/p1"] and cores[0] == []
        assert x.ctl("bridge", "show", "br0")["ports"][0]["pinned"] is True
        x.ctl("bridge", "unpin", "br0", "p1")
        assert x.ctl("bridge", "show", "br0")["ports"][0]["pinned"] is False
        r = x.run_ctl("bridge", "pin", "br0", "p2", "1", check=False)
        assert r.returncode == 1 and "has no port 'p2'" in r.stderr
        query = "\n".join(["/xvio/bridges", "/xvio/bridge,br0"])
        r = subprocess.run(["dpdk-telemetry.py", "-f", x.prefix], input=query,
                           capture_output=True, text=True, timeout=60)
        replies = [json.loads(line) for line in r.stdout.splitlines() if line.startswith("{")]
        by_cmd = {k: v for reply in replies for k, v in reply.items()}
        assert by_cmd["/xvio/bridges"] == ["br0"]
        assert by_cmd["/xvio/bridge"]["ports_0_port"] == "p1"
        assert by_cmd["/xvio/bridge"]["ports_0_rx_packets"] > 0
    finally:
        assert x.stop() == 0


def test_config_errors_name_the_bridge_entry(workdir):
    import json
    conf = workdir / "bad.json"
    conf.write_text(json.dumps({"bridges": [{"name": "br0",
                                             "flows": ["actions=output:nosuch"]}]}))
    x = Xviod(workdir, config=conf)
    with pytest.raises(AssertionError) as e:
        x.start()
    assert "flow-add 'br0'" in str(e.value) and "unknown port 'nosuch'" in str(e.value)
