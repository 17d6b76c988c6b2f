# SPDX-License-Identifier: BSD-3-Clause
"""dump-flows prints rules as Open vSwitch does: the same rules given to a
real ovs-vswitchd (Debian's, a userspace "dummy" datapath: no kernel
module, no DPDK) and to xviod must dump as the same lines, counters and
ages aside. Skipped only where Open vSwitch is not installed
(scripts/setup.sh installs it).

What OVS prints depends on the OpenFlow version it speaks; these rules stay
within what its default (OpenFlow 1.0 with Nicira extensions) says the way
xvio holds it. Rules it can only say differently there (goto_table,
push_vlan, meter, set_field on packet fields) are in docs/switch.md §4."""
import re
import shutil
import subprocess

import pytest

from harness import wait_for

RULES = [
    "table=0,priority=100,cookie=0x2a,idle_timeout=30,hard_timeout=60,ip,nw_dst=10.0.0.0/24,"
    "actions=resubmit(,1)",
    "table=1,idle_timeout=3600,tcp,tp_dst=80,actions=mod_nw_tos:184,"
    "load:0x5->NXM_NX_REG0[],output:2",
    "table=1,dl_vlan=10,actions=strip_vlan,output:1",
    "table=1,priority=7,dl_vlan=11,actions=pop_vlan,output:in_port",
    "priority=5,in_port=1,dl_src=02:00:00:00:00:00/ff:ff:ff:00:00:00,dl_vlan_pcp=3,"
    "actions=mod_dl_src:02:00:00:00:00:09,mod_dl_dst:02:00:00:00:00:0a,dec_ttl,resubmit:2,"
    "resubmit(,3),resubmit(1,4),move:NXM_OF_ETH_SRC[]->NXM_OF_ETH_DST[]",
    "priority=6,udp6,ipv6_src=fd00::/64,tp_src=0x400/0xfc00,actions=mod_tp_dst:99,in_port",
    "priority=7,tcp,nw_tos=184,nw_ecn=1,nw_ttl=9,ip_frag=no,tcp_flags=+syn-ack,actions=all",
    "priority=8,arp,arp_spa=10.0.0.1,arp_tpa=10.0.0.0/8,arp_op=1,"
    "actions=mod_nw_src:1.1.1.1,flood",
    "priority=9,icmp,icmp_type=8,icmp_code=0,reg0=5,reg1=0x10/0xf0,tun_id=0x7,actions=NORMAL",
    "priority=10,vlan_tci=0x1000/0x1000,actions=drop",
    "priority=11,vlan_tci=0,dl_type=0x05ff,actions=",
    "priority=12,in_port=3,reg0=1,tun_id=5,dl_vlan=7,dl_dst=02:00:00:00:00:01,udp,"
    "nw_src=1.1.1.1,actions=output:in_port,pop_vlan,strip_vlan,normal,flood,all",
    "priority=13,dl_vlan=0xffff,actions=mod_vlan_vid:7,mod_vlan_pcp:2,output:1",
    "priority=14,sctp,tp_dst=9,actions=mod_tp_src:5,output:3",
    "priority=15,ipv6,ipv6_dst=fd00::1,nw_proto=17,"
    "actions=load:0x1->NXM_NX_REG3[0..3],load:0x1->NXM_NX_REG3[5]",
    "cookie=0x7,table=2,actions=drop",
    "priority=16,udp,actions=bundle(symmetric_l3l4+udp,50,hrw,ofport,members:1,3)",
    "priority=17,actions=bundle(eth_src,0,active_backup,ofport,slaves:2,1)",
    "priority=18,ip,actions=bundle(nw_dst,65535,hrw,ofport,members:4),output:1",
]


class Ovs:
    """ovsdb-server and ovs-vswitchd in a private directory, dummy netdevs."""

    def __init__(self, d):
        self.d = d
        self.env = {"OVS_RUNDIR": str(d), "OVS_DBDIR": str(d), "OVS_LOGDIR": str(d),
                    "PATH": "/usr/sbin:/usr/bin:/sbin:/bin"}
        subprocess.run(["ovsdb-tool", "create", str(d / "conf.db"),
                        "/usr/share/openvswitch/vswitch.ovsschema"], check=True)
        self.procs = [subprocess.Popen(
            ["ovsdb-server", str(d / "conf.db"), f"--remote=punix:{d}/db.sock",
             f"--unixctl={d}/db.ctl", f"--log-file={d}/db.log"], env=self.env,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)]
        wait_for(lambda: (d / "db.sock").exists(), "ovsdb-server")
        self.vsctl("--no-wait", "init")
        self.procs.append(subprocess.Popen(
            ["ovs-vswitchd", f"unix:{d}/db.sock", f"--unixctl={d}/vsd.ctl",
             f"--log-file={d}/vsd.log", "--enable-dummy=override", "-vconsole:off"],
            env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        self.vsctl("add-br", "ovsfmt", "--", "set", "bridge", "ovsfmt",
                   "datapath_type=dummy", "fail-mode=secure")

    def vsctl(self, *args):
        subprocess.run(["ovs-vsctl", f"--db=unix:{self.d}/db.sock", "--timeout=30", *args],
                       check=True, capture_output=True, env=self.env)

    def ofctl(self, *args):
        return subprocess.run(["ovs-ofctl", args[0], f"unix:{self.d}/ovsfmt.mgmt", *args[1:]],
                              check=True, capture_output=True, text=True, env=self.env).stdout

    def stop(self):
        for p in reversed(self.procs):
            p.terminate()
            p.wait(timeout=30)


def comparable(lines):
    """Counters and ages zeroed (they differ between the two), sorted."""
    out = []
    for line in lines:
        line = re.sub(r"duration=[0-9.]+s", "duration=0s", line)
        out.append(re.sub(r"idle_age=[0-9]+", "idle_age=0", line))
    return sorted(out)


@pytest.mark.skipif(shutil.which("ovs-vswitchd") is None or shutil.which("ovs-ofctl") is None,
                    reason="Open vSwitch is not installed (scripts/setup.sh installs it)")
def test_dump_flows_prints_what_open_vswitch_prints(xviod, workdir):
    (workdir / "rules").write_text("\n".join(RULES) + "\n")
    ovs = Ovs(workdir)
    try:
        ovs.ofctl("add-flows", str(workdir / "rules"))
        theirs = [line for line in ovs.ofctl("dump-flows").splitlines()
                  if line.startswith(" cookie=")]
    finally:
        ovs.stop()
    xviod.ctl("bridge", "add", "ovsfmt", "default_flow=off")
    xviod.ctl("add-flows", "ovsfmt", workdir / "rules")
    ours = xviod.run_ctl("dump-flows", "ovsfmt").stdout.splitlines()
    assert len(theirs) == len(RULES)
    assert comparable(ours) == comparable(theirs)


# Strict deletes find a rule by its exact match and priority (and cookie,
# if given); loose ones take every rule at least as specific, any priority.
DELETES = [
    ("--strict", "priority=100,ip,nw_dst=10.0.0.0/24"),          # only the one of table 0
    ("--strict", "table=1,priority=7,dl_vlan=11"),
    ("--strict", "table=1,priority=8,dl_vlan=11"),               # no such priority: nothing
    ("--strict", "cookie=0x8/-1,table=2"),                        # wrong cookie: nothing
    ("--strict", "priority=10,vlan_tci=0x1000/0x1000"),
    ("", "tcp"),                                                  # every TCP rule, any table
    ("", "table=1,dl_vlan=10"),
]


@pytest.mark.skipif(shutil.which("ovs-vswitchd") is None or shutil.which("ovs-ofctl") is None,
                    reason="Open vSwitch is not installed (scripts/setup.sh installs it)")
def test_del_flows_leaves_what_open_vswitch_leaves(xviod, workdir):
    """The same rules, then the same strict and loose deletes, on a real
    ovs-vswitchd and on xviod: after each delete both hold the same rules."""
    (workdir / "rules").write_text("\n".join(RULES) + "\n")
    theirs = []
    ovs = Ovs(workdir)
    try:
        ovs.ofctl("add-flows", str(workdir / "rules"))
        for opt, match in DELETES:
            ovs.ofctl("del-flows", *([opt] if opt else []), match)
            theirs.append([line for line in ovs.ofctl("dump-flows").splitlines()
                           if line.startswith(" cookie=")])
    finally:
        ovs.stop()
    xviod.ctl("bridge", "add", "ovsdel", "default_flow=off")
    xviod.ctl("add-flows", "ovsdel", workdir / "rules")
    for (opt, match), want in zip(DELETES, theirs):
        xviod.ctl("del-flows", "ovsdel", match.replace("/-1", "/0xffffffffffffffff"),
                  *([opt] if opt else []))
        ours = xviod.run_ctl("dump-flows", "ovsdel").stdout.splitlines()
        assert comparable(ours) == comparable(want), f"after del-flows {opt} {match}"
    assert len(theirs[-1]) < len(RULES) - 4
