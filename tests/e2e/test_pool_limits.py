# SPDX-License-Identifier: BSD-3-Clause
"""One pool of packet buffers serves every port: a NIC port whose receive
rings would take most of it is refused with a reason, and what is left
keeps serving the ports already there.

The NIC here is DPDK's virtio-user PMD inside xviod (it fills each receive
ring from the pool when it starts, as a real NIC does) with testpmd's
vhost PMD as the other end.
"""
from harness import Testpmd, Xviod, wait_for


def test_nic_port_that_would_drain_the_pool_is_refused(workdir):
    x = Xviod(workdir, extra=["--mbufs", "1280"]).start()
    peer = Testpmd("vhostpeer", [f"net_vhost0,iface={workdir}/nic.sock"], workdir)
    try:
        before = x.ctl("stats")["mbufs"]
        assert before["size"] == 1280
        r = x.run_ctl("port", "add", "nic1", "eth",
                      f"net_virtio_user9,path={workdir}/nic.sock,queue_size=1024", check=False)
        assert r.returncode != 0
        assert "receive rings took" in r.stderr and "--mbufs" in r.stderr, r.stderr
        assert x.ctl("port", "list") == []
        wait_for(lambda: x.ctl("stats")["mbufs"]["in_use"] <= before["in_use"],
                 "the refused port's buffers to return")
        # A port that leaves enough is taken.
        x.ctl("port", "add", "nic1", "eth",
              f"net_virtio_user9,path={workdir}/nic.sock,queue_size=256")
        assert x.ctl("port", "show", "nic1")["state"] in ("up", "down")
        x.ctl("port", "del", "nic1")
    finally:
        peer.quit()
        assert x.stop() == 0
