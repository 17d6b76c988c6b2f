# SPDX-License-Identifier: BSD-3-Clause
"""What `meson install` ships for operators: the binaries, the systemd unit,
the default config and environment file, the docs and examples, and that
they work together: the installed xviod, started with the unit's own
command line (paths moved to a temporary directory, test memory options
added), starts from the installed config and answers the installed xvioctl.

Everything is installed into a temporary DESTDIR; nothing is installed on
the host. Also checked: the socket permissions operations.md recommends for
libvirt's unprivileged QEMU, and the libvirt domain example.
"""
import grp
import json
import os
import shlex
import shutil
import signal
import stat
import subprocess
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from harness import BUILD, ROOT, Xviod, wait_for

EXAMPLES = ROOT / "docs" / "examples"
# Debian's libvirt runs QEMU as user libvirt-qemu, group libvirt-qemu
# (/etc/libvirt/qemu.conf); operations.md recommends this group and mode.
QEMU_GROUP = "libvirt-qemu"
SOCK_PERM = 0o660
# Test options, as the other end-to-end tests use (harness.Xviod).
TEST_OPTS = ["--no-huge", "-m", "512", "--mbufs", "16384", "-w", "1"]


def run(args, **kw):
    kw.setdefault("timeout", 300)
    return subprocess.run([str(a) for a in args], capture_output=True, text=True, **kw)


def build_options():
    r = run(["meson", "introspect", str(BUILD), "--buildoptions"], check=True)
    return {o["name"]: o["value"] for o in json.loads(r.stdout)}


def expected_unitdir(opts):
    prefix = opts["prefix"]
    if opts.get("systemdsystemunitdir"):
        return Path(prefix) / opts["systemdsystemunitdir"]
    r = run(["pkg-config", f"--define-variable=rootprefix={prefix}",
             "--variable=systemdsystemunitdir", "systemd"])
    if r.returncode == 0 and r.stdout.strip():
        return Path(r.stdout.strip())
    return Path(prefix) / "lib/systemd/system"


def meson_install(destdir):
    # Regenerate build.ninja if meson.build changed (no compiling), then
    # install what the build already has.
    r = run(["ninja", "-C", BUILD, "build.ninja"])
    assert r.returncode == 0, r.stdout + r.stderr
    r = run(["meson", "install", "-C", BUILD, "--no-rebuild", "--destdir", destdir])
    assert r.returncode == 0, r.stdout + r.stderr
    return r.stdout


class Install:
    """One `meson install --destdir` and where each file is meant to land."""

    def __init__(self, destdir):
        self.destdir = Path(destdir)
        opts = build_options()
        prefix = Path(opts["prefix"])
        self.sysconfdir = prefix / opts["sysconfdir"]  # absolute for /usr: /etc
        self.docdir = prefix / opts["datadir"] / "doc" / "xvio"
        # Installed paths as the running system sees them (no DESTDIR).
        self.sbin_xviod = prefix / opts["sbindir"] / "xviod"
        self.bin_xvioctl = prefix / opts["bindir"] / "xvioctl"
        self.unit = expected_unitdir(opts) / "xviod.service"
        self.config = self.sysconfdir / "xvio" / "xviod.json"
        self.default = self.sysconfdir / "default" / "xviod"
        self.log = meson_install(self.destdir)

    def __call__(self, path):
        """Where an installed path is inside DESTDIR."""
        return self.destdir / Path(path).relative_to("/")


@pytest.fixture(scope="module")
def inst():
    d = tempfile.mkdtemp(prefix="xvio-inst-")
    try:
        yield Install(d)
    finally:
        shutil.rmtree(d, ignore_errors=True)


@pytest.fixture(scope="module", autouse=True)
def remove_eal_runtime_dirs():
    """The EAL's runtime directories of the daemons started here."""
    yield
    for d in Path("/var/run/dpdk").glob(f"inst-{os.getpid()}-*"):
        shutil.rmtree(d, ignore_errors=True)


@pytest.fixture
def short_tmp():
    """A short, world-searchable directory (socket paths, unprivileged
    clients); removed afterwards."""
    d = Path(tempfile.mkdtemp(prefix="xvi-"))
    d.chmod(0o755)
    try:
        yield d
    finally:
        shutil.rmtree(d, ignore_errors=True)


@pytest.fixture(scope="module")
def qemu_group():
    """libvirt's QEMU group if libvirt is installed, else a temporary group
    standing in for it (removed afterwards)."""
    try:
        yield grp.getgrnam(QEMU_GROUP)
        return
    except KeyError:
        pass
    name = f"xviot{os.getpid() % 100000}"
    subprocess.run(["groupadd", "--system", name], check=True)
    try:
        yield grp.getgrnam(name)
    finally:
        subprocess.run(["groupdel", name], check=False)


def unit_settings(path):
    """[Service]/[Unit] key -> list of values (comments dropped)."""
    settings = {}
    for line in Path(path).read_text().splitlines():
        line = line.strip()
        if not line or line.startswith(("#", ";", "[")):
            continue
        key, _, value = line.partition("=")
        settings.setdefault(key, []).append(value)
    return settings


def env_file_opts(path):
    """XVIOD_OPTS as systemd would split it for $XVIOD_OPTS."""
    r = run(["sh", "-c", 'set -a; . "$1"; printf %s "$XVIOD_OPTS"', "sh", path], check=True)
    return r.stdout.split()


def option_value(argv, *names):
    for i, a in enumerate(argv):
        if a in names:
            return argv[i + 1]
    raise AssertionError(f"{names} not in {argv}")


class UnitDaemon:
    """xviod started exactly as xviod.service starts it: its ExecStart with
    $XVIOD_OPTS from the installed environment file, the binary and config
    taken from DESTDIR, /run/xvio moved to a temporary directory (created
    beforehand, as RuntimeDirectory= does) and the test memory options
    added at the end of XVIOD_OPTS."""

    def __init__(self, inst, tmp, config=None):
        self.inst = inst
        unit = unit_settings(inst(inst.unit))
        self.run_dir = tmp / "run"
        self.run_dir.mkdir(mode=0o755)
        argv = []
        for word in shlex.split(unit["ExecStart"][0]):
            if word == "$XVIOD_OPTS":
                argv += env_file_opts(inst(inst.default)) + TEST_OPTS + [
                    "--file-prefix", f"inst-{os.getpid()}-{id(self)}"]
            elif word == str(inst.sbin_xviod):
                argv.append(str(inst(word)))
            elif word == str(inst.config):
                argv.append(str(config or inst(word)))
            elif word.startswith("/run/xvio"):
                argv.append(str(self.run_dir) + word[len("/run/xvio"):])
            else:
                argv.append(word)
        self.argv = argv
        self.pidfile = Path(option_value(argv, "--pidfile", "-p"))
        self.sock = Path(option_value(argv, "--control", "-c"))
        self.pid = None

    def start(self):
        return run(self.argv, timeout=120)

    def ctl(self, *args, check=True):
        r = run([self.inst(self.inst.bin_xvioctl), "-s", self.sock, *args], timeout=60)
        if check:
            assert r.returncode == 0, r.stderr
        return r

    def stop(self):
        """SIGTERM, as systemctl stop; True if it stopped cleanly (a clean
        stop removes the pidfile)."""
        if self.pid is None:
            return True
        os.kill(self.pid, signal.SIGTERM)
        try:
            wait_for(lambda: not Path(f"/proc/{self.pid}").exists(), "xviod to exit")
        except AssertionError:
            os.kill(self.pid, signal.SIGKILL)
            raise
        finally:
            self.pid = None
        return not self.pidfile.exists()


def test_meson_install_puts_every_file_where_the_docs_say(inst):
    for path in (inst.sbin_xviod, inst.bin_xvioctl):
        assert os.access(inst(path), os.X_OK), f"{path} not installed executable"
    for path in (inst.unit, inst.config, inst.default,
                 inst.docdir / "operations.md", inst.docdir / "examples" / "libvirt-vm.xml",
                 inst.docdir / "examples" / "xviod.json"):
        assert inst(path).is_file(), f"{path} not installed\n{inst.log}"
    r = run([inst(inst.sbin_xviod), "--version"])
    assert r.returncode == 0 and r.stdout.startswith("xviod "), r.stdout + r.stderr
    # The shipped config: valid, and empty (no ports to fail on a new host).
    assert json.loads(inst(inst.config).read_text()) == {"ports": [], "relays": []}


def test_reinstall_keeps_the_operators_config(inst):
    mine = '{ "ports": [], "relays": [], "rebalance": false }\n'
    inst(inst.config).write_text(mine)
    inst(inst.default).write_text('XVIOD_OPTS="-w 1"\n')
    try:
        meson_install(inst.destdir)
        assert inst(inst.config).read_text() == mine
        assert inst(inst.default).read_text() == 'XVIOD_OPTS="-w 1"\n'
    finally:
        inst(inst.config).unlink()
        inst(inst.default).unlink()
        meson_install(inst.destdir)  # back to the shipped files
    assert json.loads(inst(inst.config).read_text()) == {"ports": [], "relays": []}


def test_unit_runs_the_installed_xviod_as_documented(inst):
    unit = unit_settings(inst(inst.unit))
    assert unit["Type"] == ["forking"]
    argv = shlex.split(unit["ExecStart"][0])
    assert argv[0] == str(inst.sbin_xviod)
    assert "--daemon" in argv and argv[-1] == "$XVIOD_OPTS"
    assert option_value(argv, "--pidfile") == unit["PIDFile"][0] == "/run/xvio/xviod.pid"
    assert option_value(argv, "--control") == "/run/xvio/xviod.sock"
    assert option_value(argv, "--vhost-dir") == "/run/xvio"
    assert option_value(argv, "--config") == str(inst.config)
    assert unit["EnvironmentFile"] == [f"-{inst.default}"]
    assert unit["RuntimeDirectory"] == ["xvio"]
    assert unit["RuntimeDirectoryPreserve"] == ["no"]
    assert unit["LimitMEMLOCK"] == ["infinity"]
    assert unit["Restart"] == ["on-failure"]
    assert unit["ReadWritePaths"] == [f"-{inst.config.parent}"]
    # SIGHUP stops xviod: a reload would be a stop.
    assert "ExecReload" not in unit
    # Options that would hide DPDK's devices (vfio, uio, tun, hugepages).
    for key in ("PrivateDevices", "ProtectClock", "DevicePolicy", "DeviceAllow",
                "PrivateTmp", "PrivateNetwork", "ProtectKernelTunables"):
        assert key not in unit, key
    assert env_file_opts(inst(inst.default)) == []  # shipped empty


def test_systemd_analyze_verify_accepts_the_unit(inst, short_tmp):
    if shutil.which("systemd-analyze") is None:
        pytest.skip("systemd-analyze not installed (package systemd)")
    # verify needs ExecStart's binary to exist: point it into DESTDIR.
    text = inst(inst.unit).read_text().replace(
        f"ExecStart={inst.sbin_xviod} ", f"ExecStart={inst(inst.sbin_xviod)} ")
    assert str(inst(inst.sbin_xviod)) in text
    copy = short_tmp / "xviod.service"
    copy.write_text(text)
    r = run(["systemd-analyze", "verify", copy])
    assert r.returncode == 0 and not (r.stdout + r.stderr).strip(), r.stdout + r.stderr


def can_connect(path, gid, groups):
    """Connect to a UNIX socket as user nobody with the given groups."""
    r = run(["setpriv", "--reuid=65534", f"--regid={gid}",
             f"--groups={','.join(map(str, groups))}" if groups else "--clear-groups",
             "/usr/bin/python3", "-c",
             "import socket, sys\n"
             "s = socket.socket(socket.AF_UNIX)\n"
             "try:\n    s.connect(sys.argv[1])\n"
             "except PermissionError:\n    sys.exit(13)\n",
             path], timeout=60)
    assert r.returncode in (0, 13), r.stderr
    return r.returncode == 0


def test_installed_xviod_starts_from_the_unit_and_serves_unprivileged_qemu(
        inst, short_tmp, qemu_group):
    d = UnitDaemon(inst, short_tmp)
    r = d.start()
    # --daemon: the parent returns once xviod is ready, with its status.
    assert r.returncode == 0, r.stdout + r.stderr
    d.pid = int(d.pidfile.read_text())
    try:
        assert d.sock.exists()
        assert "xviod: " in d.ctl("version").stdout  # the daemon answered
        assert json.loads(d.ctl("--json", "port", "list").stdout) == []
        # The port operations.md recommends for libvirt's QEMU.
        d.ctl("port", "add", "vm1", "vhost", "vm1.sock", "queues=4",
              f"group={qemu_group.gr_name}", f"perm=0{SOCK_PERM:o}")
        sock = d.run_dir / "vm1.sock"
        st = sock.stat()
        assert stat.S_ISSOCK(st.st_mode)
        assert stat.S_IMODE(st.st_mode) == SOCK_PERM
        assert (st.st_uid, st.st_gid) == (0, qemu_group.gr_gid)
        # An unprivileged QEMU in that group gets in; other users do not.
        assert can_connect(sock, 65534, [qemu_group.gr_gid])
        assert not can_connect(sock, 65534, [])
        # config save writes the unit's --config file (the installed one).
        saved = json.loads(d.ctl("--json", "config", "save").stdout)["path"]
        assert saved == str(inst(inst.config))
        port = json.loads(inst(inst.config).read_text())["ports"][0]
        assert (port["group"], port["perm"]) == (qemu_group.gr_name, "0660")
    finally:
        clean = d.stop()
        inst(inst.config).write_text(json.dumps({"ports": [], "relays": []}, indent=2) + "\n")
    assert clean, "xviod did not stop cleanly (pidfile left)"
    assert not d.sock.exists() and not sock.exists()


def test_a_failed_start_fails_the_unit_start(inst, short_tmp):
    # What Type=forking relies on: the parent's exit status is the daemon's.
    bad = short_tmp / "bad.json"
    bad.write_text('{ "ports": [ { "name": "nic1", "type": "eth", "device": "net_nosuch0" } ] }')
    d = UnitDaemon(inst, short_tmp, config=bad)
    r = d.start()
    if r.returncode == 0:  # it should not be running; stop it if it is
        d.pid = int(d.pidfile.read_text())
        d.stop()
    assert r.returncode != 0
    # ...and the reason reaches the caller's stderr (the journal).
    assert "port-add 'nic1'" in r.stderr and "no DPDK bus or driver" in r.stderr, r.stderr
    assert not d.pidfile.exists() and not d.sock.exists()


def example_config(qemu_group, tmp):
    """docs/examples/xviod.json, made runnable here: NIC devices become
    net_ring vdevs, the QEMU group the test's, QEMU's socket directory a
    temporary one, pinned CPUs the test's worker."""
    doc = json.loads((EXAMPLES / "xviod.json").read_text())
    rings = iter(range(100))
    for p in doc["ports"]:
        if p["type"] == "eth":
            p["device"] = f"net_ring{next(rings)}"
        if p.get("group") == QEMU_GROUP:
            p["group"] = qemu_group.gr_name
        if p.get("path", "").startswith("/"):
            p["path"] = str(tmp / Path(p["path"]).name)
    for r in doc["relays"]:
        for key in ("core", "vm-to-nic-core", "nic-to-vm-core"):
            if key in r:
                r[key] = 1
    return doc


def test_example_config_is_accepted_by_xviod(workdir, qemu_group, short_tmp):
    doc = example_config(qemu_group, short_tmp)
    config = workdir / "example.json"
    config.write_text(json.dumps(doc))
    x = Xviod(workdir, config=config).start()
    try:
        assert [p["name"] for p in x.ctl("port", "list")] == [p["name"] for p in doc["ports"]]
        assert [r["name"] for r in x.ctl("relay", "list")] == [r["name"] for r in doc["relays"]]
        vm1 = x.port("vm1")
        assert (vm1["group"], vm1["perm"], vm1["queues"]) == (qemu_group.gr_name, "0660", 4)
        assert x.port("vm2")["mode"] == "client"
        assert x.relay("r2")["vm-to-nic-core"] == 1
    finally:
        assert x.stop() == 0


def libvirt_example():
    text = (EXAMPLES / "libvirt-vm.xml").read_text()
    return text, ET.fromstring(text)


def test_libvirt_example_has_what_vhost_user_needs(inst):
    text, dom = libvirt_example()
    assert dom.tag == "domain"
    # vhost-user: guest memory shared with the backend.
    assert dom.find("memoryBacking/access").get("mode") == "shared"
    assert dom.find("memoryBacking/source").get("type") == "memfd"
    ifaces = dom.findall("devices/interface[@type='vhostuser']")
    assert len(ifaces) == 1
    iface = ifaces[0]
    src = iface.find("source")
    assert src.get("type") == "unix"
    assert iface.find("model").get("type") == "virtio"
    assert iface.find("source/reconnect").get("enabled") == "yes"
    drv = iface.find("driver")
    assert drv.get("rx_queue_size") == drv.get("tx_queue_size") == "1024"
    # It matches the example config's port vm1 under the shipped unit:
    # xviod serves vm1.sock in --vhost-dir, so QEMU is libvirt's client.
    port = next(p for p in json.loads((EXAMPLES / "xviod.json").read_text())["ports"]
                if p["name"] == "vm1")
    argv = shlex.split(unit_settings(inst(inst.unit))["ExecStart"][0])
    assert port.get("mode", "server") == "server" and src.get("mode") == "client"
    assert src.get("path") == f"{option_value(argv, '--vhost-dir')}/{port['path']}"
    assert int(drv.get("queues")) == port["queues"]
    assert port["group"] == QEMU_GROUP and port["perm"] == "0660"


def test_libvirt_example_commands_give_the_example_port(workdir, qemu_group):
    """The xvioctl commands in the XML's comment run, and make the same
    vm1 port as docs/examples/xviod.json."""
    text, _ = libvirt_example()
    cmds = [shlex.split(line.strip())[1:] for line in text.splitlines()
            if line.strip().startswith("xvioctl ")]
    assert cmds, "no xvioctl commands in the example"
    x = Xviod(workdir).start()
    try:
        for cmd in cmds:
            cmd = [w.replace("0000:03:00.1", "net_ring0")
                   .replace(f"group={QEMU_GROUP}", f"group={qemu_group.gr_name}") for w in cmd]
            if cmd[:2] == ["port", "add"] and cmd[3] == "vhost" and cmd[4].startswith("/"):
                continue  # the alternative (client mode) in QEMU's directory
            if cmd[:2] == ["config", "save"]:
                cmd += [str(workdir / "saved.json")]
            x.run_ctl(*cmd)
        port = next(p for p in json.loads((EXAMPLES / "xviod.json").read_text())["ports"]
                    if p["name"] == "vm1")
        got = x.port("vm1")
        for key in ("mode", "queues", "perm"):
            assert got[key] == port[key], key
        assert Path(got["path"]).name == port["path"]
        assert got["group"] == qemu_group.gr_name
        assert x.relay("r1")["nic"] == "vf1"
    finally:
        assert x.stop() == 0


def test_libvirt_example_passes_libvirts_schema():
    if shutil.which("virt-xml-validate") is None:
        pytest.skip("virt-xml-validate not installed (package libvirt-clients)")
    r = run(["virt-xml-validate", EXAMPLES / "libvirt-vm.xml", "domain"])
    assert r.returncode == 0, r.stdout + r.stderr
