# SPDX-License-Identifier: BSD-3-Clause
"""The control socket as an attacker and a careless client see it.

Who may talk to xviod (root, or the --ctl-group), where the files it writes
may lie (--config-dir, --file-dir, --vhost-dir; never through a symbolic
link), and that no client can stall it: one reading a large reply a few
bytes at a time, many sitting idle, one sending tens of MiB. Deadlines
below only guard against hangs.
"""
import json
import os
import shutil
import signal
import socket
import stat
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import pytest

from harness import XVIOCTL, Xviod, wait_for

# A client as another user, speaking the protocol itself: one request, one
# reply line (or how the connection ended).
CLIENT = r"""
import json, socket, sys
s = socket.socket(socket.AF_UNIX)
try:
    s.connect(sys.argv[1])
except OSError as e:
    print(json.dumps({"connect_error": e.strerror})); sys.exit()
try:
    s.sendall((json.dumps({"cmd": sys.argv[2]}) + "\n").encode())
except BrokenPipeError:
    pass  # refused before it could ask: the answer is already waiting
line = s.makefile("rb").readline()
print(line.decode() if line else json.dumps({"closed": True}))
"""


@pytest.fixture
def opendir():
    """A work directory other users can reach (pytest's is root's, 0700)."""
    d = Path(tempfile.mkdtemp(prefix="xc-"))
    d.chmod(0o755)
    yield d
    shutil.rmtree(d, ignore_errors=True)


@pytest.fixture
def outside():
    """A directory xviod must not write to."""
    d = Path(tempfile.mkdtemp(prefix="xc-out-"))
    yield d
    shutil.rmtree(d, ignore_errors=True)


def as_user(sock, cmd, *setpriv):
    r = subprocess.run(["setpriv", "--reuid=nobody", *setpriv, "/usr/bin/python3", "-c",
                        CLIENT, str(sock), cmd], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def control_stats(x):
    return x.ctl("stats")["control"]


def test_a_client_that_is_not_root_is_refused_even_when_the_socket_lets_it_in(opendir):
    x = Xviod(opendir).start()
    try:
        # "Any process that can open the socket": a socket made world-writable
        # by a careless chmod, or reached through an inherited descriptor.
        x.sock.chmod(0o666)
        for _ in range(3):
            reply = as_user(x.sock, "version", "--regid=nogroup", "--clear-groups")
            assert reply.get("ok") is False, reply
            assert "uid 65534" in reply["error"] and "root" in reply["error"], reply
        assert control_stats(x)["refused"] == 3
        assert x.ctl("port", "list") == []  # root still is served
        log = x.log.read_text()
        assert log.count("uid 65534") == 1, "a refusal is logged once, then counted"
    finally:
        assert x.stop() == 0


def test_members_of_the_ctl_group_are_accepted_and_own_the_socket(opendir):
    x = Xviod(opendir, extra=["--ctl-group", "users"]).start()
    try:
        st = x.sock.stat()
        assert st.st_gid == 100 and stat.S_IMODE(st.st_mode) == 0o660
        # Supplementary or primary group: both are membership.
        for groups in (["--regid=nogroup", "--groups=users"],
                       ["--regid=users", "--clear-groups"]):
            reply = as_user(x.sock, "version", *groups)
            assert reply.get("ok") is True, reply
        x.sock.chmod(0o666)
        reply = as_user(x.sock, "version", "--regid=nogroup", "--clear-groups")
        assert reply.get("ok") is False and "group 'users'" in reply["error"], reply
    finally:
        assert x.stop() == 0


def test_ctl_group_that_does_not_exist_stops_start_up(workdir):
    with pytest.raises(AssertionError, match="no group 'xc-nosuchgroup'"):
        Xviod(workdir, extra=["--ctl-group", "xc-nosuchgroup"]).start()


def test_config_save_stays_in_the_config_directory(workdir, outside):
    confdir = workdir / "conf"
    confdir.mkdir()
    config = confdir / "xviod.json"
    x = Xviod(workdir, config=config).start()
    try:
        assert x.ctl("config", "save")["path"] == str(config)
        assert x.ctl("config", "save", "other.json")["path"] == str(confdir / "other.json")
        target = outside / "x.json"
        for path in (target, confdir / ".." / "escape.json", "rel/x.json"):
            r = x.run_ctl("config", "save", path, check=False)
            assert r.returncode == 1
            assert f"outside the config directory {confdir}" in r.stderr, r.stderr
            assert len(r.stderr.strip().splitlines()) == 1
        assert not target.exists() and not (workdir / "escape.json").exists()
    finally:
        assert x.stop() == 0
    # --config-dir chooses another directory.
    x = Xviod(workdir, config=config, extra=["--config-dir", str(outside)]).start()
    try:
        assert x.ctl("config", "save", str(target))["path"] == str(target)
        r = x.run_ctl("config", "save", check=False)
        assert "outside the config directory" in r.stderr
    finally:
        assert x.stop() == 0


def pcap_device(n, rx, tx):
    return f"net_pcap{n},rx_pcap={rx},tx_pcap={tx}"


def empty_pcap(path):
    from switch_bed import write_pcap
    write_pcap(path, [])
    return path


def test_files_in_device_strings_stay_in_the_file_directory(workdir, outside):
    x = Xviod(workdir).start()  # default --file-dir: the --vhost-dir
    try:
        rx = empty_pcap(workdir / "in.pcap")
        x.ctl("port", "add", "p0", "eth", pcap_device(0, rx, workdir / "out.pcap"))
        x.ctl("port", "del", "p0")
        for dev in (pcap_device(1, rx, outside / "out.pcap"),
                    pcap_device(2, empty_pcap(outside / "in.pcap"), workdir / "o2.pcap"),
                    pcap_device(3, rx, workdir / ".." / "o3.pcap"),
                    pcap_device(4, rx, "relative.pcap"),
                    f"net_memif5,role=server,socket={outside}/m.sock",
                    f"net_vhost6,iface={outside}/v.sock",
                    "net_failsafe7,exec(/bin/touch /tmp/xc-owned)"):
            r = x.run_ctl("port", "add", "p1", "eth", dev, check=False)
            assert r.returncode == 1, dev
            assert len(r.stderr.strip().splitlines()) == 1, r.stderr
            if "failsafe" in dev:
                assert "net_failsafe" in r.stderr, r.stderr
            else:
                assert f"directory {workdir}" in r.stderr, r.stderr
        assert not (outside / "out.pcap").exists() and not (outside / "m.sock").exists()
        assert not (outside / "v.sock").exists() and not Path("/tmp/xc-owned").exists()
        assert [p["name"] for p in x.ctl("port", "list")] == []
    finally:
        assert x.stop() == 0
    filedir = workdir / "files"
    filedir.mkdir()
    x = Xviod(workdir, extra=["--file-dir", str(filedir)]).start()
    try:
        rx = empty_pcap(filedir / "in.pcap")
        x.ctl("port", "add", "p0", "eth", pcap_device(0, rx, filedir / "out.pcap"))
        r = x.run_ctl("port", "add", "p1", "eth",
                      pcap_device(1, rx, workdir / "out.pcap"), check=False)
        assert f"outside the file directory {filedir}" in r.stderr, r.stderr
    finally:
        assert x.stop() == 0


def test_vhost_server_sockets_stay_in_the_vhost_directory(workdir, outside):
    x = Xviod(workdir).start()
    try:
        r = x.run_ctl("port", "add", "vm1", "vhost", outside / "vm1.sock", check=False)
        assert r.returncode == 1
        assert f"outside the vhost directory {workdir}" in r.stderr, r.stderr
        assert not (outside / "vm1.sock").exists()
        x.ctl("port", "add", "vm1", "vhost", workdir / "vm1.sock")
        x.ctl("port", "del", "vm1")
    finally:
        assert x.stop() == 0


def test_symbolic_links_are_refused_where_xviod_writes(workdir, outside):
    victim = outside / "victim"
    victim.write_text("precious\n")
    config = workdir / "xviod.json"
    x = Xviod(workdir, config=config).start()
    try:
        rx = empty_pcap(workdir / "in.pcap")
        # The final name a link ...
        (workdir / "link.pcap").symlink_to(victim)
        r = x.run_ctl("port", "add", "p1", "eth", pcap_device(1, rx, workdir / "link.pcap"),
                      check=False)
        assert r.returncode == 1 and "symbolic link" in r.stderr, r.stderr
        # ... or a directory on the way.
        (workdir / "esc").symlink_to(outside)
        r = x.run_ctl("port", "add", "p1", "eth",
                      pcap_device(1, rx, workdir / "esc" / "out.pcap"), check=False)
        assert r.returncode == 1 and "outside the file directory" in r.stderr, r.stderr
        assert not (outside / "out.pcap").exists()
        # A vhost socket whose name is a link, dangling or not.
        (workdir / "vm1.sock").symlink_to(outside / "vm1.sock")
        r = x.run_ctl("port", "add", "vm1", "vhost", "vm1.sock", "group=users", check=False)
        assert r.returncode == 1 and "symbolic link" in r.stderr, r.stderr
        (workdir / "vm2.sock").symlink_to(victim)
        r = x.run_ctl("port", "add", "vm2", "vhost", "vm2.sock", "perm=0666", check=False)
        assert r.returncode == 1 and "symbolic link" in r.stderr, r.stderr
        # config save: the file, and the temporary file beside it.
        (workdir / "xviod.json.tmp").symlink_to(victim)
        x.ctl("config", "save")
        assert json.loads(config.read_text())["ports"] == []
        (workdir / "saved.json").symlink_to(victim)
        r = x.run_ctl("config", "save", "saved.json", check=False)
        assert r.returncode == 1 and "symbolic link" in r.stderr, r.stderr
        assert victim.read_text() == "precious\n"
        assert stat.S_IMODE(victim.stat().st_mode) == 0o644 and victim.stat().st_gid == 0
    finally:
        assert x.stop() == 0


# ---- no client can stall the daemon ----------------------------------------

def rss_kib(pid):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def send_line(sock, obj):
    sock.sendall((json.dumps(obj) + "\n").encode())


def test_slow_idle_and_huge_clients_do_not_stall_the_daemon(workdir):
    x = Xviod(workdir).start()
    clients = []
    stop = threading.Event()
    try:
        x.ctl("bridge", "add", "br0", "default_flow=off")
        flows = workdir / "50k.flows"
        flows.write_text("".join(f"priority=10,ip,nw_dst=10.{i >> 16}.{(i >> 8) & 255}."
                                 f"{i & 255},actions=drop\n" for i in range(50_000)))
        x.ctl("add-flows", "br0", flows)
        base_rss = rss_kib(x.proc.pid)

        # One client asks for all 50k rules (~4 MB) and reads the reply slowly:
        # 64 KiB, then a pause. Often enough that a blocking writer keeps
        # making progress (a send timeout never fires), too slowly to finish
        # during the test: xviod must not wait for it.
        slow = socket.socket(socket.AF_UNIX)
        slow.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        slow.connect(str(x.sock))
        send_line(slow, {"cmd": "flow-dump", "args": {"bridge": "br0"}})
        slow_got = []

        def trickle():
            while not stop.is_set():
                got = 0
                while got < 64 * 1024:
                    data = slow.recv(65536)
                    if not data:
                        return
                    got += len(data)
                slow_got.append(got)
                time.sleep(1.5)
        threading.Thread(target=trickle, daemon=True).start()
        wait_for(lambda: slow_got, "the slow reader's first bytes")

        # 32 clients that connect and say nothing (one in the middle of a line).
        for i in range(32):
            c = socket.socket(socket.AF_UNIX)
            c.connect(str(x.sock))
            if i == 0:
                c.sendall(b'{"cmd": "vers')
            clients.append(c)

        # One sends tens of MiB: more rules than a bridge may hold.
        big = socket.socket(socket.AF_UNIX)
        big.connect(str(x.sock))
        big_flows = [f"priority=1,ip,nw_src=10.{(i >> 16) & 255}.{(i >> 8) & 255}.{i & 255},"
                     "actions=drop" for i in range((1 << 20) + 50_000)]
        big_reply = []

        def send_big():
            send_line(big, {"cmd": "flow-add", "args": {"bridge": "br0", "flows": big_flows}})
            big_reply.append(json.loads(big.makefile("rb").readline()))
        threading.Thread(target=send_big, daemon=True).start()

        peak = [0]

        def sample():
            while not stop.is_set():
                peak[0] = max(peak[0], rss_kib(x.proc.pid))
                time.sleep(0.05)
        threading.Thread(target=sample, daemon=True).start()

        # Meanwhile everyone else is served.
        r = subprocess.run([str(XVIOCTL), "-s", str(x.sock), "--json", "version"],
                           capture_output=True, text=True, timeout=30)
        assert r.returncode == 0 and "\"xviod\"" in r.stdout, r.stderr
        x.ctl("add-flow", "br0", "priority=20,udp,tp_dst=9,idle_timeout=1,actions=drop")
        wait_for(lambda: not any("tp_dst=9" in f["flow"] for f in
                                 x.ctl("dump-flows", "br0", "udp")),
                 "the idle rule to expire", timeout=60)
        wait_for(lambda: big_reply, "the reply to the huge add-flows", timeout=120)
        assert big_reply[0]["ok"] is False and "rules" in big_reply[0]["error"], big_reply
        assert x.ctl("bridge", "show", "br0")["rules"] == 50_000
        # Bounded: the huge request is refused before its rules are built
        # (~2.8 KB each before the check: gigabytes).
        print(f"RSS {base_rss} KiB at start, peak {peak[0]} KiB; slow reader got {sum(slow_got)} bytes")
        assert peak[0] - base_rss < 1024 * 1024, f"RSS grew {peak[0] - base_rss} KiB"

        # SIGTERM stops xviod while all of them are still connected.
        x.proc.send_signal(signal.SIGTERM)
        x.proc.wait(timeout=60)
        assert x.stop() == 0
    finally:
        stop.set()
        for c in clients:
            c.close()
        x.stop()


def test_idle_clients_are_closed_and_cannot_lock_others_out(workdir):
    x = Xviod(workdir, extra=["--ctl-timeout", "2"]).start()
    try:
        idle = []
        for _ in range(300):
            c = socket.socket(socket.AF_UNIX)
            c.connect(str(x.sock))
            idle.append(c)
        # The newest client is served even with every slot taken.
        assert x.ctl("port", "list") == []
        for c in idle:
            c.settimeout(60)
            assert c.recv(1) == b""
        st = control_stats(x)
        assert st["timed_out"] + st["evicted"] >= 300 and st["evicted"] > 0, st
        # xvioctl comes back by itself after its connection timed out.
        r = x.run_ctl("stats", "--watch", "3", "--count", "2", check=False)
        assert r.returncode == 0, r.stderr
        # A client with a request is not idle: its reply comes back.
        c = socket.socket(socket.AF_UNIX)
        c.connect(str(x.sock))
        send_line(c, {"cmd": "version"})
        assert json.loads(c.makefile("rb").readline())["ok"] is True
        c.close()
    finally:
        assert x.stop() == 0
