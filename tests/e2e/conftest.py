# SPDX-License-Identifier: BSD-3-Clause
import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(__file__))
from harness import XVIOD, Xviod  # noqa: E402


def pytest_collection_modifyitems(config, items):
    if os.geteuid() != 0:
        skip = pytest.mark.skip(reason="end-to-end tests need root (netns, vhost sockets)")
        for item in items:
            item.add_marker(skip)
    if not XVIOD.exists():
        raise pytest.UsageError(f"{XVIOD} not built: run `make` first")


@pytest.fixture
def workdir(tmp_path_factory):
    # Short paths: UNIX socket paths are limited to 107 bytes.
    return tmp_path_factory.mktemp("x", numbered=True)


@pytest.fixture
def xviod(workdir):
    d = Xviod(workdir).start()
    yield d
    rc = d.stop()
    assert rc == 0, f"xviod did not exit cleanly ({rc}); log {d.log}"
    assert not d.sock.exists(), "control socket left behind"
    leftovers = [p.name for p in workdir.glob("vm*.sock")]
    assert not leftovers, f"vhost sockets left behind: {leftovers}"
