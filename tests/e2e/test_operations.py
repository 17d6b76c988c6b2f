# SPDX-License-Identifier: BSD-3-Clause
"""What an operator does around the datapath: config files, daemon mode,
telemetry, the live stats view."""
import json
import os
import signal
import subprocess
import time
from pathlib import Path


from harness import XVIOD, XVIOCTL, Xviod, wait_for


def test_config_file_declares_ports_and_relays_and_save_round_trips(workdir):
    config = workdir / "xvio.json"
    config.write_text(json.dumps({
        "ports": [{"name": "vm1", "type": "vhost", "path": "vm1.sock", "queues": 2},
                  {"name": "nic1", "type": "eth", "device": "net_ring0"}],
        "relays": [{"name": "r1", "vhost": "vm1", "nic": "nic1", "core": 1}],
        "rebalance": False,
    }))
    x = Xviod(workdir, config=config).start()
    try:
        assert [p["name"] for p in x.ctl("port", "list")] == ["vm1", "nic1"]
        assert x.relay("r1")["vm-to-nic-core"] == 1
        assert x.ctl("rebalance")["auto"] is False
        x.ctl("port", "add", "vm2", "vhost", "vm2.sock", "mode=client")
        saved = x.ctl("config", "save")["path"]
        assert saved == str(config)
        first = x.ctl("config", "show")
    finally:
        assert x.stop() == 0
    x = Xviod(workdir, config=config).start()
    try:
        assert x.ctl("config", "show") == first
    finally:
        assert x.stop() == 0


def test_bad_config_file_stops_start_up_with_the_reason(workdir):
    config = workdir / "bad.json"
    config.write_text(json.dumps({"ports": [{"name": "nic1", "type": "eth",
                                             "device": "net_nosuch0"}]}))
    r = subprocess.run([str(XVIOD), "--no-huge", "-m", "256", "-w", "1", "-f", str(config),
                        "-c", str(workdir / "c.sock"), "-s", str(workdir),
                        "--file-prefix", f"badcfg-{os.getpid()}"], capture_output=True, text=True, timeout=60)
    assert r.returncode != 0
    assert "port-add 'nic1'" in r.stdout + r.stderr
    assert "no DPDK bus or driver" in r.stdout + r.stderr
    assert not (workdir / "c.sock").exists()


def test_daemon_mode_writes_a_pidfile_and_stops_on_sigterm(workdir):
    pidfile = workdir / "xviod.pid"
    sock = workdir / "d.sock"
    r = subprocess.run([str(XVIOD), "--no-huge", "-m", "256", "-w", "1", "-d",
                        "-p", str(pidfile), "-c", str(sock), "-s", str(workdir),
                        "--file-prefix", f"daemon-{os.getpid()}"], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    # The parent returns once the daemon is ready to serve, and says
    # nothing: the EAL's start-up lines went to syslog.
    assert (r.stdout, r.stderr) == ("", "")
    assert sock.exists()
    pid = int(pidfile.read_text())
    runtime = Path(f"/var/run/dpdk/daemon-{os.getpid()}")
    assert runtime.is_dir()
    os.kill(pid, signal.SIGTERM)
    wait_for(lambda: not os.path.exists(f"/proc/{pid}"), "the daemon to exit")
    assert not sock.exists() and not pidfile.exists()
    assert not runtime.exists(), "the EAL runtime directory is left behind"


def test_daemon_mode_reports_a_failed_start(workdir):
    """The parent waits for the daemon's start-up and exits with its result."""
    r = subprocess.run([str(XVIOD), "--no-huge", "-m", "256", "-w", "1", "-d",
                        "-c", "/proc/xvio-cannot-be-here/c.sock", "-s", str(workdir),
                        "--file-prefix", f"dfail-{os.getpid()}"], capture_output=True, text=True, timeout=60)
    assert r.returncode != 0
    assert "cannot listen on /proc/xvio-cannot-be-here/c.sock" in r.stderr or \
        "cannot create" in r.stderr, r.stderr
    assert "EAL: " in r.stderr   # what start-up logged comes with the failure


def test_telemetry_reports_relays_and_cores(xviod):
    xviod.ctl("port", "add", "vm1", "vhost", "vm1.sock")
    xviod.ctl("port", "add", "nic1", "eth", "net_ring0")
    xviod.ctl("relay", "add", "r1", "vm1", "nic1")
    query = "\n".join(["/xvio/relays", "/xvio/relay,r1", "/xvio/cores", "/xvio/core,1",
                       "/xvio/port,vm1", "/xvio/port,nosuch"])
    r = subprocess.run(["dpdk-telemetry.py", "-f", xviod.prefix], input=query,
                       capture_output=True, text=True, timeout=60)
    replies = [json.loads(line) for line in r.stdout.splitlines() if line.startswith("{")]
    by_cmd = {k: v for reply in replies for k, v in reply.items() if k != "/xvio/port"}
    assert by_cmd["/xvio/relays"] == ["r1"]
    assert by_cmd["/xvio/relay"]["directions_0_direction"] == "vm-to-nic"
    assert "directions_1_drops_vm_down" in by_cmd["/xvio/relay"]
    assert by_cmd["/xvio/cores"] == ["1"]
    assert by_cmd["/xvio/core"]["cpu"] == 1
    assert by_cmd["/xvio/core"]["jobs_0"] == "r1/vm-to-nic"
    port_replies = [r["/xvio/port"] for r in replies if "/xvio/port" in r]
    assert port_replies[0]["path"].endswith("vm1.sock")
    assert port_replies[1] is None  # unknown name


def test_stats_watch_prints_rates_then_stops(xviod):
    xviod.ctl("port", "add", "vm1", "vhost", "vm1.sock")
    xviod.ctl("port", "add", "nic1", "eth", "net_ring0")
    xviod.ctl("relay", "add", "r1", "vm1", "nic1")
    t0 = time.monotonic()
    r = xviod.run_ctl("stats", "--watch", "0.2", "--count", "3")
    assert r.stdout.count("xvio stats, every 0.2 s") == 3
    assert "PPS" in r.stdout and "r1" in r.stdout
    assert time.monotonic() - t0 < 60  # it stopped by itself


def test_versions_of_cli_and_daemon(xviod):
    r = xviod.run_ctl("version")
    assert "xvioctl 0." in r.stdout and "xviod: 0." in r.stdout and "DPDK 22.11" in r.stdout
    assert subprocess.run([str(XVIOD), "--version"], capture_output=True,
                          text=True).stdout.startswith("xviod ")
    assert subprocess.run([str(XVIOCTL), "--help"], capture_output=True,
                          text=True).returncode == 0


def test_relay_show_prints_each_direction_with_its_drops_by_reason(xviod):
    xviod.ctl("port", "add", "vm1", "vhost", "vm1.sock")
    xviod.ctl("port", "add", "nic1", "eth", "net_null0")
    xviod.ctl("relay", "add", "r1", "vm1", "nic1")
    # net_null's endless packets meet a VM that is not there: counted.
    wait_for(lambda: xviod.direction("r1", "nic-to-vm")["drops"]["vm_down"] > 0,
             "vm_down drops")
    lines = xviod.run_ctl("relay", "show", "r1").stdout.splitlines()
    assert "directions:" in lines
    assert "  - direction: vm-to-nic" in lines and "  - direction: nic-to-vm" in lines
    items = [i for i, l in enumerate(lines) if l.startswith("  - direction:")]
    nic_to_vm = lines[items[1]:]
    assert "    drops:" in nic_to_vm
    assert any(l.startswith("      vm_down: ") and l != "      vm_down: 0" for l in nic_to_vm)


def test_commands_that_change_something_are_silent_and_json_has_the_reply(xviod):
    """As ovs-vsctl and ovs-ofctl: nothing on success (before, port add
    printed ~25 lines and add-flow counts while bridge add printed nothing);
    --json gives the daemon's reply for scripts."""
    steps = [("port", "add", "vm1", "vhost", "vm1.sock"),
             ("port", "add", "nic1", "eth", "net_ring0"),
             ("relay", "add", "r1", "vm1", "nic1"),
             ("relay", "pin", "r1", "1"),
             ("relay", "unpin", "r1"),
             ("relay", "del", "r1"),
             ("bridge", "add", "b1"),
             ("bridge", "port-add", "b1", "vm1"),
             ("add-flow", "b1", "priority=5,actions=normal"),
             ("mod-flows", "b1", "actions=drop"),
             ("del-flows", "b1")]
    for args in steps:
        r = xviod.run_ctl(*args)
        assert (r.stdout, r.stderr) == ("", ""), (args, r.stdout, r.stderr)
    assert xviod.ctl("add-flow", "b1", "actions=normal") == {"added": 1, "rules": 1}
    assert xviod.ctl("port", "add", "nic2", "eth", "net_ring1")["name"] == "nic2"
    xviod.ctl("del-flows", "b1")
    xviod.ctl("bridge", "port-del", "b1", "vm1")
    xviod.ctl("bridge", "del", "b1")
