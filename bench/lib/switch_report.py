#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Turn a switch benchmark's raw JSON into a Markdown report and a PNG plot.

    bench/lib/switch_report.py bench/results/switch-DATE.json   (re-render a run)
"""
import statistics
import sys

from report import render

CONTENDERS = ("xvio", "ovs", "limit")
NAN = float("nan")


def one_line(e):
    key = f"{e['scenario']:>6} rep {e['rep']} {e['contender']:>5}"
    if "error" in e:
        return f"{key}: ERROR {e['error']}"
    g = e["generator"]
    cpp = e.get("cycles_per_packet")
    return (f"{key}: {e['mpps']:6.2f} Mpps, {cpp or 0:5.0f} cycles/pkt, busy "
            f"{100 * (e.get('busy') or 0):3.0f}% | generator sent {g['sent_mpps']:.2f}, "
            f"got back {g['returned_mpps']:.2f} Mpps, busy {100 * (g['busy'] or 0):.0f}%"
            + (f" | foreign: {len(e['foreign'])}" if e.get("foreign") else ""))


def groups(runs):
    """{(scenario, contender): [runs without error]}"""
    g = {}
    for r in runs:
        if "error" not in r and r.get("packets"):
            g.setdefault((r["scenario"], r["contender"]), []).append(r)
    return g


def stat(runs, key, best):
    xs = [r[key] for r in runs if r.get(key) is not None]
    return (statistics.median(xs), best(xs)) if xs else (NAN, NAN)


def fmt(x, nd=1):
    return "–" if x != x else f"{x:.{nd}f}"


def verdicts(g, scenario):
    """The issue's targets, on best figures: xvio Mpps >= OVS; xvio
    overhead <= half of OVS's; (1rule) xvio c/p within 10% of the limit."""
    x, o, l = (g.get((scenario, c), []) for c in CONTENDERS)
    xm, om = stat(x, "mpps", max)[1], stat(o, "mpps", max)[1]
    xc, oc, lc = (stat(r, "cycles_per_packet", min)[1] for r in (x, o, l))
    out = {"mpps": xm >= om if xm == xm and om == om else None,
           "overhead": (xc - lc) <= (oc - lc) / 2 if xc == xc and oc == oc and lc == lc else None}
    if scenario == "1rule":
        out["near_limit"] = xc <= 1.1 * lc if xc == xc and lc == lc else None
    return out


def yesno(v):
    return "–" if v is None else ("**yes**" if v else "**no**")


def table(data):
    g = groups(data["runs"])
    rows = ["| scenario | Mpps xvio med / best | Mpps OVS med / best | Mpps limit med / best "
            "| c/p xvio med / best | c/p OVS med / best | c/p limit med / best "
            "| overhead xvio / OVS (best c/p − limit's) | xvio ≥ OVS Mpps | xvio overhead ≤ ½ OVS "
            "| 1-rule ≤ limit + 10% |",
            "|---|---:|---:|---:|---:|---:|---:|---:|:-:|:-:|:-:|"]
    for s in data["conditions"]["scenarios"]:
        n = s["name"]
        mp = [stat(g.get((n, c), []), "mpps", max) for c in CONTENDERS]
        cp = [stat(g.get((n, c), []), "cycles_per_packet", min) for c in CONTENDERS]
        lim = cp[2][1]
        v = verdicts(g, n)
        rows.append(f"| {s['title']} | " + " | ".join(f"{fmt(m)} / {fmt(b)}" for m, b in mp)
                    + " | " + " | ".join(f"{fmt(m, 0)} / {fmt(b, 0)}" for m, b in cp)
                    + f" | {fmt(cp[0][1] - lim, 0)} / {fmt(cp[1][1] - lim, 0)} "
                    f"| {yesno(v['mpps'])} | {yesno(v['overhead'])} | {yesno(v.get('near_limit'))} |")
    return "\n".join(rows)


def paired_table(data):
    """Rep by rep: the three contenders of one rep ran within a minute or two
    of each other, so comparing inside a rep cancels the machine's slow
    drift (the best-of figures may come from different reps)."""
    rows = ["| scenario | reps with all three | xvio / OVS Mpps, median (min–max) "
            "| overhead xvio, median | overhead OVS, median | xvio ≥ OVS Mpps in | "
            "xvio overhead ≤ ½ OVS in | xvio c/p ≤ limit's + 10% in |",
            "|---|---:|---:|---:|---:|---:|---:|---:|"]
    ok = [r for r in data["runs"] if "error" not in r and r.get("packets")
          and r.get("cycles_per_packet")]
    for s in data["conditions"]["scenarios"]:
        reps = {}
        for r in ok:
            if r["scenario"] == s["name"]:
                reps.setdefault(r["rep"], {})[r["contender"]] = r
        full = [v for v in reps.values() if all(c in v for c in CONTENDERS)]
        if not full:
            continue
        ratio = [v["xvio"]["mpps"] / v["ovs"]["mpps"] for v in full]
        ox = [v["xvio"]["cycles_per_packet"] - v["limit"]["cycles_per_packet"] for v in full]
        oo = [v["ovs"]["cycles_per_packet"] - v["limit"]["cycles_per_packet"] for v in full]
        rows.append(f"| {s['name']} | {len(full)} | {statistics.median(ratio):.2f} "
                    f"({min(ratio):.2f}–{max(ratio):.2f}) | {statistics.median(ox):.0f} "
                    f"| {statistics.median(oo):.0f} | {sum(x >= 1 for x in ratio)}/{len(full)} "
                    f"| {sum(x <= y / 2 for x, y in zip(ox, oo))}/{len(full)} "
                    f"| {sum(v['xvio']['cycles_per_packet'] <= 1.1 * v['limit']['cycles_per_packet'] for v in full)}/{len(full)} |")
    return "\n".join(rows)


def baseline_table(data):
    """With --baseline: this build ("xvio") against the one before the change
    ("base"), best of reps and paired by rep."""
    if not data["conditions"].get("baseline"):
        return ""
    g = groups(data["runs"])
    rows = ["| scenario | Mpps new best / base best | c/p new best / base best "
            "| new / base Mpps, paired median (min–max) | overhead new / base / OVS (best c/p − limit's) |",
            "|---|---:|---:|---:|---:|"]
    for s in data["conditions"]["scenarios"]:
        n = s["name"]
        new, base = g.get((n, "xvio"), []), g.get((n, "base"), [])
        if not new or not base:
            continue
        reps = {}
        for x in new + base:
            reps.setdefault(x["rep"], {})[x["contender"]] = x
        ratio = [v["xvio"]["mpps"] / v["base"]["mpps"] for v in reps.values()
                 if "xvio" in v and "base" in v and v["base"].get("mpps")]
        cp = {c: stat(g.get((n, c), []), "cycles_per_packet", min)[1]
              for c in ("xvio", "base", "ovs", "limit")}
        over = " / ".join(fmt(cp[c] - cp["limit"], 0) for c in ("xvio", "base", "ovs"))
        paired = (f"{statistics.median(ratio):.3f} ({min(ratio):.3f}–{max(ratio):.3f})"
                  if ratio else "–")
        rows.append(f"| {n} | {fmt(stat(new, 'mpps', max)[1], 2)} / "
                    f"{fmt(stat(base, 'mpps', max)[1], 2)} | {fmt(cp['xvio'], 0)} / "
                    f"{fmt(cp['base'], 0)} | {paired} | {over} |")
    return "\n".join(["## This build against the baseline", "",
                      f"Baseline: {data['conditions']['baseline']}.", ""] + rows + [""])


def churn_table(data):
    """Churn scenarios against the static `1k` of the same run: the issue's
    targets are xvio >= 95% of its static Mpps at 1k unrelated changes/s,
    and xvio >= OVS at every rate."""
    churn = [s for s in data["conditions"]["scenarios"] if s.get("churn_rate")]
    if not churn:
        return ""
    g = groups(data["runs"])
    med = lambda rs, k: statistics.median([r[k] for r in rs if r.get(k) is not None]) \
        if any(r.get(k) is not None for r in rs) else NAN  # noqa: E731
    static = {c: med(g.get(("1k", c), []), "mpps") for c in ("xvio", "ovs")}
    rows = ["| scenario | changes/s asked | applied xvio / OVS | Mpps xvio / OVS (median) "
            "| of static 1k: xvio / OVS | c/p xvio / OVS | busy xvio / OVS "
            "| upcall % xvio / OVS | control-plane CPU xvio / OVS | xvio ≥ OVS | ≥ 95% of static |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|:-:|:-:|"]
    for s in churn:
        x, o = g.get((s["name"], "xvio"), []), g.get((s["name"], "ovs"), [])
        mx, mo = med(x, "mpps"), med(o, "mpps")
        kx, ko = mx / static["xvio"], mo / static["ovs"]
        up = [100 * med(rs, "upcalls_share") for rs in (x, o)]
        keep = (yesno(kx >= 0.95) if kx == kx else "–") \
            if s["churn_rate"] == 1000 and s["churn_kind"] == "unrelated" else "–"
        rows.append(
            f"| {s['name']} | {s['churn_rate']} | {fmt(med(x, 'churn_per_s'), 0)} / "
            f"{fmt(med(o, 'churn_per_s'), 0)} | {fmt(mx, 2)} / {fmt(mo, 2)} "
            f"| {fmt(100 * kx, 0)}% / {fmt(100 * ko, 0)}% "
            f"| {fmt(med(x, 'cycles_per_packet'), 0)} / {fmt(med(o, 'cycles_per_packet'), 0)} "
            f"| {fmt(100 * med(x, 'busy'), 0)}% / {fmt(100 * med(o, 'busy'), 0)}% "
            f"| {fmt(up[0], 2)} / {fmt(up[1], 2)} "
            f"| {fmt(100 * med(x, 'control_cpu'), 0)}% / {fmt(100 * med(o, 'control_cpu'), 0)}% "
            f"| {yesno(mx >= mo) if mx == mx and mo == mo else '–'} | {keep} |")
    return "\n".join(["## Rule churn", "",
                      "`bench/lib/churn.py` adds and deletes rules over one connection at "
                      "the asked rate (10 ms ticks, each waited for: applied is what the "
                      "switch took); `unrelated` rules never match the traffic, `matching` "
                      "ones take over its own destinations (same output). Static: the `1k` "
                      "scenario of this run. The churn client runs on the generator's CPU, "
                      "beside the switch's control thread: when the generator is near 100% "
                      "busy and the switch is not, the control plane's CPU use set the pace. "
                      "Control-plane CPU: the CPU time of every thread of the switch that "
                      "does not forward, and of churn.py, as a share of one CPU.",
                      ""] + rows + [""])


def detail_table(data):
    """Per scenario and contender: where the switch found its decisions,
    whether the generator or the switch set the pace, and the noise."""
    g = groups(data["runs"])
    rows = ["| scenario | contender | runs (errors, with foreign DPDK) | switch busy med "
            "| generator busy med | sent / got back med (Mpps) | port / EMC / megaflow / upcall % "
            "| megaflows | cache flushes / s | preempted / s med | start + rules (s) |",
            "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for s in data["conditions"]["scenarios"]:
        for c in CONTENDERS:
            rs = g.get((s["name"], c), [])
            all_runs = [r for r in data["runs"] if r["scenario"] == s["name"] and r["contender"] == c]
            if not all_runs:
                continue
            med = lambda f: statistics.median([f(r) for r in rs]) if rs else NAN  # noqa: E731
            share = lambda k: med(lambda r: 100 * r.get(k + "_share", 0))  # noqa: E731
            shares = (f"{fmt(share('port_hits'), 0)} / {fmt(share('emc_hits'), 0)} / "
                      f"{fmt(share('megaflow_hits'), 0)} / {fmt(share('upcalls'), 1)}"
                      if c != "limit" else "–")
            mf = med(lambda r: r.get("megaflows") if r.get("megaflows") is not None else NAN)
            fl = (fmt(med(lambda r: r.get("cache_flushes", 0) / r["seconds"]), 1)
                  if c == "xvio" else "–")
            rows.append(
                f"| {s['name']} | {c} | {len(all_runs)} ({len(all_runs) - len(rs)}, "
                f"{sum(bool(r.get('foreign')) for r in all_runs)}) "
                f"| {fmt(med(lambda r: 100 * (r.get('busy') or NAN)), 0)}% "
                f"| {fmt(med(lambda r: 100 * (r['generator']['busy'] or NAN)), 0)}% "
                f"| {fmt(med(lambda r: r['generator']['sent_mpps']), 2)} / "
                f"{fmt(med(lambda r: r['generator']['returned_mpps']), 2)} "
                f"| {shares} | {fmt(mf, 0)} | {fl} "
                f"| {fmt(med(lambda r: r['noise']['preempted_contender'] / r['seconds']), 0)} "
                f"| {fmt(med(lambda r: r.get('setup_s', NAN)), 0)} |")
    return "\n".join(rows)


def markdown(data, png_name):
    c = data["conditions"]
    tsc = next((r["tsc_hz"] for r in data["runs"] if r.get("tsc_hz")), None)
    errors = [r for r in data["runs"] if "error" in r]
    lines = [
        f"# Switch: xvio vs OVS-DPDK vs the limit — {c['date']}", "",
        "| condition | value |", "|---|---|",
        f"| date | {c['date']} |",
        f"| CPU | {c['cpu']}" + (f"; TSC {tsc / 1e6:.0f} MHz |" if tsc else " |"),
        f"| kernel | {c['kernel']} |",
        f"| DPDK | {c['dpdk']} |",
        f"| xviod | {c['xviod']} |",
        f"| OVS | {c['ovs']}, netdev datapath, dpdkvhostuser ports, 1 PMD on CPU "
        f"{c['worker_cpu']}, defaults otherwise (EMC insert 1/100, SMC off) |",
        "| packets | 64 B, both directions summed |",
        f"| reps | {c['reps']} requested; contenders interleaved, the first one rotating each rep |",
        f"| window | {c['window_s']:g} s after {c['warmup_s']:g} s warm-up "
        "(+1 s per 100k flows, up to +10 s) |",
        f"| CPUs | generator testpmd on CPU {c['generator_cpu']}, the switch's one "
        f"forwarding core on CPU {c['worker_cpu']} |", "",
        "## Results", "",
        "Mpps: packets the switch core received per second (xvio: worker core `packets` "
        "from `xvioctl --json stats`; OVS: `pmd-stats-show` packets received; limit: "
        "testpmd RX). c/p: busy cycles per packet of that core (xvio: worker `busy_cycles`; "
        "OVS: processing cycles; limit: testpmd `--record-core-cycles`). Best = highest "
        "Mpps, lowest c/p. Overhead = the contender's best c/p minus the limit's best c/p. "
        "The targets are judged on best figures.", "",
        table(data), "",
        "Paired by rep (each rep ran the three contenders back to back; overhead is "
        "against the limit of the same rep):", "",
        paired_table(data), "",
        baseline_table(data),
        churn_table(data),
        f"![plot]({png_name})", "",
        "## Details", "",
        "Busy: share of the core's TSC cycles spent on bursts that moved packets. If the "
        "generator is near 100% busy and the switch is not, the generator set the pace "
        "and Mpps says little (c/p still holds).", "",
        detail_table(data), "",
        "## How the traffic was made", "",
        "- `normal`, `1rule`: PVP loop. The generator (testpmd, 2 virtio-user ports) "
        "runs `mac` mode with `--eth-peer` set to the other port's MAC, started with "
        "`start tx_first 16`; the same packets circle for the whole run.",
        "- `1k`, `100k`: each virtio-user port is fed by a `net_pcap` port replaying a "
        "file forever (`infinite_rx=1`), open loop. Rules `ip,nw_dst=D,actions=output:N`, "
        "half per direction (10.1.x.y -> 2, 10.2.x.y -> 1); flow j of a direction has its "
        "own nw_src and nw_dst = rule j mod (rules/2); file order is shuffled. testpmd "
        "`flowgen` varies only nw_dst and makes no return traffic, `5tswap`/`macswap` "
        "keep the packets in the loop unchanged (at most ~1k distinct), hence pcap.",
        "",
    ]
    if errors:
        kinds = {}
        for r in errors:
            kinds.setdefault(r["error"][:140], []).append(f"{r['scenario']}/{r['contender']} "
                                                         f"rep {r['rep']}")
        for err, where in kinds.items():
            lines.append(f"- {len(where)} measurement(s) failed with `{err}`: {', '.join(where)}.")
    for note in data.get("notes", []):
        lines.append(f"- {note}")
    return "\n".join(lines) + "\n"


def plot(data, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    g = groups(data["runs"])
    names = [s["name"] for s in data["conditions"]["scenarios"]]
    if not g:
        return
    fig, axes = plt.subplots(1, 2, figsize=(12, 4.5))
    colors = {"xvio": "tab:blue", "ovs": "tab:orange", "limit": "tab:gray"}
    for ax, (key, label, best) in zip(axes, (("mpps", "Mpps (64 B, both directions)", max),
                                             ("cycles_per_packet", "cycles / packet", min))):
        for k, c in enumerate(CONTENDERS):
            for i, n in enumerate(names):
                vals = [r[key] for r in g.get((n, c), []) if r.get(key) is not None]
                if not vals:
                    continue
                x = i + (k - 1) * 0.27
                ax.bar(x, best(vals), 0.25, color=colors[c],
                       label=f"{c} (bar: best, dots: reps)" if i == 0 else None)
                ax.scatter([x] * len(vals), vals, color="black", s=8, zorder=3)
        ax.set_xticks(range(len(names)), names)
        ax.set_ylabel(label)
        if key == "cycles_per_packet":
            ax.set_yscale("log")  # 100k rules is 10-50x the rest
        ax.grid(axis="y", alpha=0.3, which="both")
    axes[0].legend(fontsize=8)
    fig.suptitle(f"switch: xvio vs OVS-DPDK vs testpmd vhost io limit, one core — "
                 f"{data['conditions']['date']}")
    fig.tight_layout(rect=(0, 0, 1, 0.93))
    fig.savefig(path, dpi=110)
    plt.close(fig)


def write(raw):
    return render(raw, markdown, plot)


if __name__ == "__main__":
    for f in sys.argv[1:]:
        print(*write(f))
