# SPDX-License-Identifier: BSD-3-Clause
"""Bad input to xvioctl: a one-line error, a non-zero exit, nothing changed."""
import subprocess

import pytest

from harness import XVIOCTL

BAD_COMMANDS = [
    # (arguments, exit code, words the error must contain)
    (["port", "add", "p1", "vhost"], 1, "missing argument 'path'"),
    (["port", "add", "p1", "bogus", "x"], 1, "port type 'bogus'"),
    (["port", "add", "bad name!", "vhost", "x.sock"], 1, "may only use"),
    (["port", "add", "vm1", "vhost", "other.sock"], 1, "port 'vm1' already exists"),
    (["port", "add", "p2", "vhost", "vm1.sock"], 1, "already used by another port"),
    (["port", "add", "p2", "vhost", "y.sock", "mode=sideways"], 1, "mode 'sideways'"),
    (["port", "add", "p2", "vhost", "y.sock", "queues=9"], 1, "'queues' must be an integer from 1 to 8"),
    (["port", "add", "p2", "vhost", "y.sock", "colour=red"], 1, "unknown argument 'colour'"),
    (["port", "add", "p2", "vhost", "y.sock", "owner=nosuchuser"], 1, "owner 'nosuchuser'"),
    (["port", "add", "p2", "vhost", "/nonexistent/dir/y.sock"], 1, "is outside the vhost directory"),
    (["port", "add", "p2", "eth", "net_nosuchdriver0"], 1, "no DPDK bus or driver knows that name"),
    (["port", "add", "p2", "eth", "net_pcap9,rx_pcap=/nonexistent.pcap"], 1, "is outside the file directory"),
    # DPDK's own reason, not "Operation not permitted".
    (["port", "add", "p2", "eth", "net_pcap9,rx_pcap={dir}/nonexistent.pcap"], 1,
     "Couldn't open"),
    (["port", "add", "p2", "eth", "net_af_packet9,iface=nosuchif0"], 1,
     "cannot attach device 'net_af_packet9,iface=nosuchif0': net_af_packet9: ioctl failed "
     "(SIOCGIFINDEX):No such device"),
    (["port", "add", "p2", "eth", "net_tap9,iface=this-name-is-way-too-long"], 1,
     "invalid remote interface name (this-name-is-way-too-long)"),
    (["port", "add", "p2", "eth", "0000:99:00.0"], 1, "Cannot find device (0000:99:00.0)"),
    (["port", "add", "p2", "eth", "net_null0"], 1, "device 'net_null0' is already attached"),
    (["port", "add", "p2", "eth", "net_null0", "queues=0"], 1, "'queues' must be an integer"),
    (["port", "add", "p2", "eth", "net_null9", "mtu=20"], 1, "'mtu' must be an integer"),
    (["port", "del", "nosuch"], 1, "no port named 'nosuch'"),
    (["port", "del", "vm1"], 1, "used by a relay"),
    (["port", "show", "nosuch"], 1, "no port named 'nosuch'"),
    (["relay", "add", "r2", "nosuch", "nic1"], 1, "no port named 'nosuch'"),
    (["relay", "add", "r2", "nic2", "vm2"], 1, "is not a vhost-user port"),
    (["relay", "add", "r2", "vm2", "vm2"], 1, "is not a NIC (eth) port"),
    (["relay", "add", "r2", "vm1", "nic2"], 1, "already in a relay"),
    (["relay", "add", "r1", "vm2", "nic2"], 1, "relay 'r1' already exists"),
    # Ports, relays and bridges share one namespace (stats names jobs r1/..., br0/...).
    (["port", "add", "r1", "vhost", "r1.sock"], 1, "'r1' is already the name of a relay"),
    (["relay", "add", "vm2", "vm2", "nic2"], 1, "'vm2' is already the name of a port"),
    (["bridge", "add", "nic2"], 1, "'nic2' is already the name of a port"),
    (["bridge", "add", "r1"], 1, "'r1' is already the name of a relay"),
    (["relay", "add", "r2", "vm2", "nic2", "core=0"], 1, "CPU 0 runs no worker"),
    (["relay", "add", "r2", "vm2", "nic2", "core=x"], 1, "'core' must be an integer"),
    (["relay", "del", "nosuch"], 1, "no relay named 'nosuch'"),
    (["relay", "pin", "r1", "7"], 1, "CPU 7 runs no worker"),
    (["relay", "pin", "r1", "1", "sideways"], 1, "direction 'sideways'"),
    (["rebalance", "maybe"], 1, "rebalance mode 'maybe'"),
    (["frobnicate"], 2, "unknown command 'frobnicate'"),
    (["port"], 2, "missing arguments"),
    (["port", "explode"], 2, "unknown subcommand 'explode'"),
    (["port", "list", "extra"], 2, "unexpected argument"),
    (["relay", "add", "r2", "vm2", "nic2", "core"], 2, "is not KEY=VALUE"),
    (["stats", "--watch", "-1"], 2, "stats"),
]


@pytest.fixture
def populated(xviod):
    xviod.ctl("port", "add", "vm1", "vhost", "vm1.sock")
    xviod.ctl("port", "add", "vm2", "vhost", "vm2.sock")
    xviod.ctl("port", "add", "nic1", "eth", "net_null0")
    xviod.ctl("port", "add", "nic2", "eth", "net_null1")
    xviod.ctl("relay", "add", "r1", "vm1", "nic1")
    return xviod


def snapshot(x):
    return x.ctl("config", "show")


@pytest.mark.parametrize("args,code,message", BAD_COMMANDS,
                         ids=[" ".join(a) for a, _, _ in BAD_COMMANDS])
def test_bad_command_fails_cleanly_and_changes_nothing(populated, args, code, message):
    before = snapshot(populated)
    # {dir}: xviod's own directory, where it may open files (--file-dir).
    r = populated.run_ctl(*[a.replace("{dir}", str(populated.dir)) for a in args], check=False)
    assert r.returncode == code, r.stderr
    assert message in r.stderr
    assert r.stderr.count("\n") == 1, f"not one line: {r.stderr!r}"
    assert r.stderr.startswith("xvioctl: ")
    assert snapshot(populated) == before


def test_missing_socket_says_so(tmp_path):
    r = subprocess.run([str(XVIOCTL), "-s", str(tmp_path / "none.sock"), "port", "list"],
                       capture_output=True, text=True)
    assert r.returncode == 1
    assert "cannot connect" in r.stderr and "is xviod running?" in r.stderr


def test_raw_protocol_errors_are_answered(populated):
    """Scripts may talk JSON directly: garbage gets an error reply, and the
    connection keeps working."""
    import json
    import socket

    s = socket.socket(socket.AF_UNIX)
    s.connect(str(populated.sock))
    f = s.makefile("rw")
    for line, expect in [("not json", "malformed JSON"),
                         ("[1,2]", "not a JSON object"),
                         ('{"args": {}}', 'no string "cmd"'),
                         ('{"cmd": "port-list", "args": 5}', '"args" must be a JSON object'),
                         ('{"cmd": "nope"}', "unknown command 'nope'")]:
        f.write(line + "\n")
        f.flush()
        reply = json.loads(f.readline())
        assert reply["ok"] is False and expect in reply["error"], reply
    f.write('{"cmd": "version"}\n')
    f.flush()
    assert json.loads(f.readline())["ok"] is True
    s.close()
