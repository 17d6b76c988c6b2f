# SPDX-License-Identifier: BSD-3-Clause
"""Bad input to the switch commands: a one-line error that names what is
wrong (for flows: the word, and its column), a non-zero exit, and nothing
changed."""
import pytest

BAD = [
    # (arguments, exit code, words the error must contain)
    (["bridge", "add", "br0"], 1, "bridge 'br0' already exists"),
    (["bridge", "add", "bad name!"], 1, "bridge name 'bad name!'"),
    (["bridge", "add", "b2", "mac_age=0"], 1, "'mac_age' must be an integer"),
    (["bridge", "del", "nosuch"], 1, "no bridge named 'nosuch'"),
    # As `port del` refuses a port in use, `bridge del` a bridge with ports.
    (["bridge", "del", "br0"], 1, "bridge 'br0' has 1 port (vm2): remove them with "
     "`bridge port-del` first"),
    (["bridge", "add", "b2", "default_flow=maybe"], 1, "'default_flow' must be on or off"),
    (["port", "add", "br0", "vhost", "br0.sock"], 1, "'br0' is already the name of a bridge"),
    (["relay", "add", "br0", "vm3", "nic2"], 1, "'br0' is already the name of a bridge"),
    (["bridge", "set", "nosuch", "mac_age=5"], 1, "no bridge named 'nosuch'"),
    (["bridge", "set", "br0", "mac_age=0"], 1, "'mac_age' must be an integer"),
    (["bridge", "set", "br0", "colour=red"], 1, "unknown argument 'colour'"),
    (["bridge", "set", "br0", "mac_limit=0"], 1, "'mac_limit' must be an integer from 1 to 8192"),
    (["bridge", "add", "b2", "mac_limit=9000"], 1, "'mac_limit' must be an integer from 1 to 8192"),
    (["bridge", "port-add", "br0", "nic2", "mac_limit=x"], 1, "'mac_limit' must be an integer"),
    (["bridge", "set", "br0"], 2, "missing arguments"),
    (["bridge", "port-add", "nosuch", "vm2"], 1, "no bridge named 'nosuch'"),
    (["bridge", "port-add", "br0", "nosuch"], 1, "no port named 'nosuch'"),
    (["bridge", "port-add", "br0", "vm1"], 1, "port 'vm1' is in relay 'r1'"),
    (["bridge", "port-add", "br0", "vm2"], 1, "already on bridge 'br0'"),
    (["bridge", "port-add", "br0", "nic2", "ofport=1"], 1, "ofport 1 is taken"),
    (["bridge", "port-add", "br0", "nic2", "ofport=999"], 1, "'ofport' must be an integer"),
    (["bridge", "port-add", "br0", "nic2", "tag=10", "trunks=20"], 1, "not both"),
    (["bridge", "port-add", "br0", "nic2", "tag=5000"], 1, "'tag' must be an integer from 1 to 4095"),
    (["bridge", "port-add", "br0", "nic2", "trunks=1,x"], 1, "trunks '1,x'"),
    (["bridge", "port-add", "br0", "nic2", "trunks=4096"], 1,
     "expected VLAN IDs 1-4095, or 0 for untagged frames"),
    (["bridge", "port-add", "br0", "nic2", "core=7"], 1, "no worker runs on CPU 7"),
    (["bridge", "port-add", "br0", "nic2", "colour=red"], 1, "unknown argument 'colour'"),
    (["bridge", "port-add", "br0", "vm3"], 1, "offloads=on"),
    (["bridge", "port-del", "br0", "nic2"], 1, "bridge 'br0' has no port 'nic2'"),
    (["port", "del", "vm2"], 1, "attached to a bridge"),
    (["relay", "add", "r2", "vm2", "nic2"], 1, "attached to a bridge"),
    (["add-flow", "br0", "nw_dest=1,actions=drop"], 1, "unknown field 'nw_dest' (column 1"),
    (["add-flow", "br0", "tp_dst=80,actions=drop"], 1, "tp_dst needs tcp, udp or sctp"),
    (["add-flow", "br0", "in_port=vm9,actions=drop"], 1, "unknown port 'vm9' (column 9"),
    (["add-flow", "br0", "ip"], 1, "actions= is missing"),
    (["add-flow", "br0", "ip,actions=bogus"], 1, "unknown action 'bogus' (column 12"),
    (["add-flow", "br0", "priority=70000,actions=drop"], 1, "priority 70000 is out of range"),
    (["add-flow", "br0", "ip,nw_src=300.1.1.1,actions=drop"], 1, "'300.1.1.1' is not an IPv4"),
    (["add-flow", "br0", "actions=meter:9,output:1"], 1, "meter 9 does not exist"),
    (["add-flow", "nosuch", "actions=drop"], 1, "no bridge named 'nosuch'"),
    (["add-flows", "br0", "/nonexistent.flows"], 1, "cannot read /nonexistent.flows"),
    (["mod-flows", "br0", "ip,actions=bogus"], 1, "unknown action 'bogus'"),
    (["del-flows", "br0", "nw_src=1.2.3.4"], 1, "nw_src needs ip or arp"),
    (["dump-flows", "nosuch"], 1, "no bridge named 'nosuch'"),
    (["trace", "br0", "tcp,tp_dst=80"], 1, "trace needs in_port="),
    (["trace", "br0", "in_port=1,ip,nw_src=10.0.0.0/8"], 1, "no mask for nw_src"),
    (["add-meter", "br0", "meter=1,bps,band=type=drop,rate=1"], 1, "unexpected 'bps'"),
    (["add-meter", "br0", "meter=5000,pktps,band=type=drop,rate=1"], 1, "above 4096"),
    (["add-meter", "br0", "meter=1,pktps,band=type=dscp_remark,rate=1"], 1,
     "only band=type=drop"),
    (["add-meter", "br0", "meter=1,pktps"], 1, "needs band=type=drop"),
    (["del-meters", "br0", "9"], 1, "has no meter 9"),
    (["fdb-show", "nosuch"], 1, "no bridge named 'nosuch'"),
    (["bridge"], 2, "missing arguments"),
    (["bridge", "explode"], 2, "unknown subcommand 'explode'"),
    (["add-flow", "br0"], 2, "missing arguments"),
    (["bridge", "port-add", "br0", "nic2", "tag"], 2, "is not KEY=VALUE"),
]


@pytest.fixture(scope="module")
def populated(tmp_path_factory):
    from harness import Xviod
    x = Xviod(tmp_path_factory.mktemp("swerr", numbered=True)).start()
    for name in ("vm1", "vm2"):
        x.ctl("port", "add", name, "vhost", f"{name}.sock")
    x.ctl("port", "add", "vm3", "vhost", "vm3.sock", "offloads=on")
    x.ctl("port", "add", "nic1", "eth", "net_null0")
    x.ctl("port", "add", "nic2", "eth", "net_null1")
    x.ctl("relay", "add", "r1", "vm1", "nic1")
    x.ctl("bridge", "add", "br0")
    x.ctl("bridge", "port-add", "br0", "vm2", "ofport=1")
    x.ctl("add-flow", "br0", "priority=5,ip,actions=normal")
    yield x
    assert x.stop() == 0


def snapshot(x):
    return x.ctl("config", "show")


@pytest.mark.parametrize("args,code,message", BAD, ids=[" ".join(a) for a, _, _ in BAD])
def test_bad_switch_command_fails_cleanly_and_changes_nothing(populated, args, code,
                                                              message):
    before = snapshot(populated)
    r = populated.run_ctl(*args, check=False)
    assert r.returncode == code, r.stderr
    assert message in r.stderr, r.stderr
    assert r.stderr.count("\n") == 1, f"not one line: {r.stderr!r}"
    assert snapshot(populated) == before


def test_a_bad_rule_in_a_file_applies_none_of_it(populated, tmp_path):
    before = snapshot(populated)
    f = tmp_path / "rules"
    f.write_text("# good, bad, good\nip,actions=drop\n\ntcp,tp_dst=http,actions=drop\n"
                 "udp,actions=drop\n")
    r = populated.run_ctl("add-flows", "br0", f, check=False)
    assert r.returncode == 1
    assert "flow 2:" in r.stderr and "column" in r.stderr, r.stderr
    assert snapshot(populated) == before
