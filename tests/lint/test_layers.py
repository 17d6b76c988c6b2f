# SPDX-License-Identifier: BSD-3-Clause
"""src/ keeps its layers: no include or symbol cycle between modules, and no
folder uses a folder above it (scripts/check_layers.py, docs/architecture.md)."""
import pathlib
import shutil
import subprocess

ROOT = pathlib.Path(__file__).resolve().parents[2]
CHECK = ROOT / "scripts" / "check_layers.py"


def run(src, build=None):
    cmd = ["/usr/bin/python3", str(CHECK), str(src)]
    if build:
        cmd += ["--build", str(build)]
    return subprocess.run(cmd, capture_output=True, text=True)


def test_src_keeps_its_layers():
    r = run(ROOT / "src", ROOT / "build")
    assert r.returncode == 0, r.stdout
    assert "symbols read" in r.stdout  # the objects were there and were read


def tree_with(tmp_path, path, line):
    src = tmp_path / "src"
    shutil.copytree(ROOT / "src", src)
    f = src / path
    f.write_text(line + "\n" + f.read_text())
    return src


def test_an_include_from_a_lower_layer_is_refused(tmp_path):
    r = run(tree_with(tmp_path, "worker/job_sched.c", '#include "relay/relay.h"'))
    assert r.returncode == 1
    assert "worker/job_sched -> relay/relay: worker/ is below relay/" in r.stdout


def test_peers_may_not_use_each_other(tmp_path):
    r = run(tree_with(tmp_path, "switch/bridge.c", '#include "relay/relay.h"'))
    assert r.returncode == 1
    assert "switch/ and relay/ are peers" in r.stdout


def test_a_cycle_inside_a_folder_is_refused(tmp_path):
    # field.c already uses bytes.h; bytes.c using field.h closes a circle.
    r = run(tree_with(tmp_path, "flow/bytes.c", '#include "flow/field.h"'))
    assert r.returncode == 1
    assert "cycle: flow/bytes, flow/field" in r.stdout


def test_a_folder_without_a_layer_is_refused(tmp_path):
    src = tmp_path / "src"
    shutil.copytree(ROOT / "src", src)
    (src / "tunnel").mkdir()
    (src / "tunnel" / "vxlan.c").write_text('#include "port/port.h"\n')
    r = run(src)
    assert r.returncode == 1
    assert "folder 'tunnel' has no layer" in r.stdout
