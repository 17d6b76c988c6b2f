# SPDX-License-Identifier: BSD-3-Clause
"""Bridges live in the config file: `config save` writes ports, VLAN modes,
meters and every flow; a new xviod started from that file has the same
bridge, rule for rule."""
import json

from harness import Xviod

FLOWS = [
    "table=0,priority=100,cookie=0x2a,ip,nw_dst=10.0.0.0/24,actions=meter:3,goto_table:1",
    "table=0,priority=1,actions=normal",
    "table=1,idle_timeout=3600,tcp,tp_dst=80,actions=mod_nw_tos:184,load:0x5->NXM_NX_REG0[],"
    "output:2",
    "table=1,dl_vlan=10,actions=strip_vlan,output:vm1",
]


def state(x):
    br = x.ctl("bridge", "show", "br0")
    ports = [{k: p.get(k) for k in ("port", "ofport", "tag", "trunks")} for p in br["ports"]]
    flows = sorted(f["flow"] for f in x.ctl("dump-flows", "br0"))
    meters = [{k: m[k] for k in ("meter", "unit", "rate", "burst_size")}
              for m in x.ctl("dump-meters", "br0")]
    return ports, flows, meters


def test_config_save_then_start_recreates_the_bridge(workdir):
    conf = workdir / "xviod.json"
    x = Xviod(workdir, config=conf).start()
    try:
        x.ctl("port", "add", "vm1", "vhost", "vm1.sock")
        x.ctl("port", "add", "nic1", "eth", "net_null0")
        x.ctl("bridge", "add", "br0", "mac_age=60")
        x.ctl("bridge", "port-add", "br0", "vm1", "tag=10")
        x.ctl("bridge", "port-add", "br0", "nic1", "ofport=2", "trunks=10,20")
        x.ctl("add-meter", "br0", "meter=3,kbps,band=type=drop,rate=5000,burst_size=64")
        (workdir / "f").write_text("\n".join(FLOWS) + "\n")
        x.ctl("add-flows", "br0", workdir / "f")
        before = state(x)
        x.ctl("config", "save")
    finally:
        assert x.stop() == 0
    saved = json.loads(conf.read_text())
    assert saved["bridges"][0]["name"] == "br0"
    assert len(saved["bridges"][0]["flows"]) == len(FLOWS) + 1  # and the default flow
    assert any("cookie=0x2a" in f for f in saved["bridges"][0]["flows"])
    y = Xviod(workdir, name="again", config=conf).start()
    try:
        assert state(y) == before
        assert y.ctl("bridge", "show", "br0")["mac_age"] == 60
    finally:
        assert y.stop() == 0


# 63 masked IPv6 writes and an output: about 5.5 KB of flow text, written
# in the form dump-flows prints, so what is saved must be this very text.
LONG = "ipv6,actions=" + ",".join(
    f"set_field:fd00:{i:x}:2222:0:4444:0:6666:0/ffff:ffff:ffff:0:ffff:0:ffff:0->ipv6_src"
    for i in range(63)) + ",output:2"


def test_a_rule_longer_than_4_kb_is_saved_whole(workdir):
    conf = workdir / "xviod.json"
    x = Xviod(workdir, config=conf).start()
    try:
        x.ctl("bridge", "add", "br0", "default_flow=off")
        x.ctl("add-flow", "br0", LONG)
        assert [f["flow"] for f in x.ctl("dump-flows", "br0")] == [LONG]
        x.ctl("config", "save")
    finally:
        assert x.stop() == 0
    assert len(LONG) > 5000
    assert json.loads(conf.read_text())["bridges"][0]["flows"] == [LONG]
    y = Xviod(workdir, name="again", config=conf).start()
    try:
        assert [f["flow"] for f in y.ctl("dump-flows", "br0")] == [LONG]
    finally:
        assert y.stop() == 0


def test_mac_age_changed_at_run_time_ages_the_table_and_is_saved(workdir):
    """`bridge set` changes MAC ageing of a bridge that keeps its ports and
    its learnt addresses; the table then ages with the new value."""
    from scapy.all import IP, UDP, Ether
    from harness import wait_for
    from switch_bed import write_pcap

    conf = workdir / "xviod.json"
    write_pcap(workdir / "in.pcap", [Ether(src="02:00:00:00:00:0a", dst="ff:ff:ff:ff:ff:ff") /
                                     IP() / UDP()])
    x = Xviod(workdir, config=conf).start()
    try:
        x.ctl("port", "add", "p1", "eth",
              f"net_pcap7,rx_pcap={workdir}/in.pcap,tx_pcap={workdir}/out.pcap")
        x.ctl("bridge", "add", "br0")  # default ageing: 300 s
        x.ctl("add-flow", "br0", "actions=normal")
        x.ctl("bridge", "port-add", "br0", "p1")  # its one frame is read now
        wait_for(lambda: x.ctl("fdb-show", "br0"), "the source address to be learnt")
        x.ctl("bridge", "set", "br0", "mac_age=1")
        assert x.ctl("bridge", "show", "br0")["mac_age"] == 1
        wait_for(lambda: not x.ctl("fdb-show", "br0"), "the address to age out")
        x.ctl("config", "save")
    finally:
        assert x.stop() == 0
    assert json.loads(conf.read_text())["bridges"][0]["mac_age"] == 1


def test_a_new_bridge_is_a_learning_switch_and_the_config_keeps_its_table(workdir):
    """As in OVS, a new bridge has one flow, priority=0,actions=normal;
    default_flow=off starts it empty. The config file keeps a table as it
    is, default flow deleted or not; a bridge entry without "flows" starts
    as `bridge add` makes it."""
    conf = workdir / "xviod.json"

    def tables(x):
        return {b: [f["flow"] for f in x.ctl("dump-flows", b)] for b in ("sw", "bare", "emptied")}

    x = Xviod(workdir, config=conf).start()
    try:
        x.ctl("bridge", "add", "sw")
        x.ctl("bridge", "add", "bare", "default_flow=off")
        x.ctl("bridge", "add", "emptied")
        x.ctl("del-flows", "emptied")
        before = tables(x)
        assert before == {"sw": ["priority=0,actions=NORMAL"], "bare": [], "emptied": []}
        assert x.ctl("trace", "sw", "in_port=1,ip")["datapath_actions"] == "NORMAL"
        x.ctl("config", "save")
    finally:
        assert x.stop() == 0
    y = Xviod(workdir, name="again", config=conf).start()
    try:
        assert tables(y) == before
    finally:
        assert y.stop() == 0
    conf.write_text(json.dumps({"bridges": [{"name": "sw"}, {"name": "bare", "flows": []},
                                            {"name": "emptied", "flows": []}]}))
    z = Xviod(workdir, name="hand", config=conf).start()
    try:
        assert tables(z) == before
    finally:
        assert z.stop() == 0
