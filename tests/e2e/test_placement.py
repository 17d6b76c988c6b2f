# SPDX-License-Identifier: BSD-3-Clause
"""Where relays run: placement on new relays, pinning, rebalancing by
measured load, and many relays sharing one worker core."""
import pytest

from harness import Testpmd, Xviod, wait_for
from test_lifecycle import add_relay, flowing


@pytest.fixture
def two_workers(workdir):
    x = Xviod(workdir, workers="0-1").start()
    yield x
    assert x.stop() == 0


def placement(x):
    """{cpu: [relay/direction, ...]} from core list."""
    return {c["cpu"]: sorted(c["jobs"]) for c in x.ctl("core", "list")}


def add_idle_relay(x, i):
    x.ctl("port", "add", f"vm{i}", "vhost", f"vm{i}.sock")
    x.ctl("port", "add", f"nic{i}", "eth", f"net_ring{i}")
    x.ctl("relay", "add", f"r{i}", f"vm{i}", f"nic{i}")


def test_new_relays_spread_evenly_over_the_workers(two_workers):
    for i in range(4):
        add_idle_relay(two_workers, i)
    where = placement(two_workers)
    assert sorted(where) == [0, 1]
    assert len(where[0]) == len(where[1]) == 4


def test_pinning_moves_a_relay_and_unpinning_frees_it(two_workers):
    add_idle_relay(two_workers, 0)
    r = two_workers.ctl("relay", "pin", "r0", "1")
    assert [(d["cpu"], d["pinned"]) for d in r["directions"]] == [(1, True), (1, True)]
    assert placement(two_workers)[1] == ["r0/nic-to-vm", "r0/vm-to-nic"]
    r = two_workers.ctl("relay", "pin", "r0", "0", "nic-to-vm")
    assert {d["direction"]: d["cpu"] for d in r["directions"]} == {"vm-to-nic": 1,
                                                                 "nic-to-vm": 0}
    r = two_workers.ctl("relay", "unpin", "r0")
    assert not any(d["pinned"] for d in r["directions"])
    # A pin survives in the saved config; an unpinned direction does not.
    two_workers.ctl("relay", "pin", "r0", "1", "vm-to-nic")
    saved = two_workers.ctl("config", "show")["relays"][0]
    assert saved.get("vm-to-nic-core") == 1 and "nic-to-vm-core" not in saved


def test_rebalance_moves_load_off_the_busiest_worker(two_workers, workdir):
    x = two_workers
    x.ctl("rebalance", "off")
    for i in range(2):
        add_relay(x, i, workdir)
        x.ctl("relay", "pin", f"r{i}", "1")
        x.ctl("relay", "unpin", f"r{i}")
    loops = []
    try:
        for i in range(2):
            vu = f"net_virtio_user{i},path={workdir}/vm{i}.sock"
            mif = f"net_memif{i},role=client,socket={workdir}/memif{i}.sock,id={i}"
            tp = Testpmd(f"rb{i}", [vu, mif], workdir)
            tp.cmd("start tx_first")
            loops.append(tp)
        for i in range(2):
            wait_for(flowing(x, f"r{i}"), f"traffic on r{i}")
        assert len(placement(x).get(0, [])) == 0
        # Let the once-a-second sampler see the load, then ask.
        wait_for(lambda: all(d["load_cycles_per_s"] > 0 for i in range(2)
                             for d in x.relay(f"r{i}")["directions"]), "load samples")
        moved = x.ctl("rebalance", "now")["moved"]
        assert moved >= 1
        where = placement(x)
        assert where[0] and where[1], where
        for i in range(2):
            wait_for(flowing(x, f"r{i}"), f"r{i} flowing after the move")
        # Automatic mode settles and never moves pinned directions.
        x.ctl("relay", "pin", "r0", "1")
        x.ctl("rebalance", "on")
        wait_for(flowing(x, "r1"), "r1 flowing")
        assert all(d["cpu"] == 1 for d in x.relay("r0")["directions"])
    finally:
        for tp in loops:
            tp.kill()


def test_sixteen_relays_share_one_core_and_all_carry_traffic(xviod, workdir):
    n = 16
    vdevs = []
    for i in range(n):
        add_relay(xviod, i, workdir)
        vdevs += [f"net_virtio_user{i},path={workdir}/vm{i}.sock,queue_size=256",
                  f"net_memif{i},role=client,socket={workdir}/memif{i}.sock,id={i}"]
    # One testpmd plays all 16 VMs and their wire peers (ports 2i, 2i+1).
    tp = Testpmd("many", vdevs, workdir, mbufs=65536)
    try:
        tp.cmd("start tx_first")
        for i in range(n):
            wait_for(flowing(xviod, f"r{i}"), f"traffic on r{i}")
        cores = xviod.ctl("core", "list")
        assert len(cores) == 1 and len(cores[0]["jobs"]) == 2 * n
        for i in range(n):
            r = xviod.relay(f"r{i}")
            assert all(sum(d["drops"].values()) == 0 for d in r["directions"]), r
    finally:
        tp.kill()
