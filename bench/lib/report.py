#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Turn a relay benchmark's raw JSON into a Markdown table and a PNG plot.

    bench/lib/report.py bench/results/relay-DATE.json   (re-render a run)
"""
import json
import statistics
import sys
from pathlib import Path

CONTENDERS = ("xviod", "limit")
WAKE_DIRS = ("vm_to_nic", "nic_to_vm")
WAKE_MODES = ("sleeping", "busy-poll")


def one_line(e):
    """A progress line for one measurement."""
    key = " ".join(f"{k}={e[k]}" for k in ("contender", "size", "relays", "rep") if k in e)
    if "error" in e:
        return f"{key}: ERROR {e['error']}"
    if "cpu_percent" in e:
        return f"{key}: idle CPU {e['cpu_percent']:.1f}%"
    if "vm_to_nic" in e:
        return f"{e['mode']} rep={e['rep']}: " + ", ".join(
            f"{d} median {e[d].get('median', float('nan')):.1f} us" for d in WAKE_DIRS) + \
            f" ({e['worker_sleeps']} worker sleeps)"
    cpp = e["cycles_per_packet"]
    return (f"{key}: {e['mpps']:.2f} Mpps, {cpp:.0f} cycles/pkt" if cpp else
            f"{key}: {e['mpps']:.2f} Mpps") + \
        f" (generator {e['generator']['mpps']:.2f} Mpps, {e['generator']['cycles_per_packet'] or 0:.0f} c/p)"


def summarize(runs):
    """{(size, relays, contender): {mpps: [..], cpp: [..], gen_cpp: [..]}}"""
    groups = {}
    for r in runs:
        if "error" in r:
            continue
        g = groups.setdefault((r["size"], r["relays"], r["contender"]),
                              {"mpps": [], "cpp": [], "gen_cpp": [], "noisy": 0, "preempt": []})
        g["mpps"].append(r["mpps"])
        if r["cycles_per_packet"]:
            g["cpp"].append(r["cycles_per_packet"])
        if r["generator"]["cycles_per_packet"]:
            g["gen_cpp"].append(r["generator"]["cycles_per_packet"])
        g["noisy"] += bool(r.get("foreign"))
        g["preempt"].append(r["noise"]["preempted_contender"] / r["seconds"])
    return groups


def med(xs):
    return statistics.median(xs) if xs else float("nan")


def fmt(x, nd=2):
    return "–" if x != x else f"{x:.{nd}f}"


def table(data):
    groups = summarize(data["runs"])
    rows = ["| size | relays | xviod Mpps med / best | xviod c/p med / best "
            "| limit Mpps med / best | limit c/p med / best | xviod / limit (best) "
            "| generator c/p med (xviod, limit) | contender preempted /s med | runs (with foreign DPDK) |",
            "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for size, n in sorted({(s, n) for s, n, _ in groups}):
        empty = {"mpps": [], "cpp": [], "gen_cpp": [], "noisy": 0, "preempt": []}
        x = groups.get((size, n, "xviod"), empty)
        l = groups.get((size, n, "limit"), empty)
        ratio = max(x["mpps"]) / max(l["mpps"]) if x["mpps"] and l["mpps"] else float("nan")
        rows.append(
            f"| {size} B | {n} | {fmt(med(x['mpps']))} / {fmt(max(x['mpps'], default=float('nan')))} "
            f"| {fmt(med(x['cpp']), 0)} / {fmt(min(x['cpp'], default=float('nan')), 0)} "
            f"| {fmt(med(l['mpps']))} / {fmt(max(l['mpps'], default=float('nan')))} "
            f"| {fmt(med(l['cpp']), 0)} / {fmt(min(l['cpp'], default=float('nan')), 0)} "
            f"| {fmt(ratio)} | {fmt(med(x['gen_cpp']), 0)}, {fmt(med(l['gen_cpp']), 0)} "
            f"| {fmt(med(x['preempt'] + l['preempt']), 0)} "
            f"| {len(x['mpps']) + len(l['mpps'])} ({x['noisy'] + l['noisy']}) |")
    return "\n".join(rows)


def baseline_table(data):
    """With --baseline: this build against the one before the change, best
    of reps and paired by rep."""
    if not data["conditions"].get("baseline"):
        return ""
    ok = [r for r in data["runs"] if "error" not in r and r.get("mpps")]
    rows = ["| size | relays | Mpps new best / base best | c/p new best / base best "
            "| new / base Mpps, paired median (min–max) |", "|---:|---:|---:|---:|---:|"]
    for size, n in sorted({(r["size"], r["relays"]) for r in ok}):
        runs = {c: [r for r in ok if (r["size"], r["relays"], r["contender"]) == (size, n, c)]
                for c in ("xviod", "base")}
        if not runs["xviod"] or not runs["base"]:
            continue
        base_by_rep = {r["rep"]: r for r in runs["base"]}
        ratio = [r["mpps"] / base_by_rep[r["rep"]]["mpps"] for r in runs["xviod"]
                 if r["rep"] in base_by_rep]
        best = {c: (max(r["mpps"] for r in v),
                    min((r["cycles_per_packet"] for r in v if r.get("cycles_per_packet")),
                        default=float("nan"))) for c, v in runs.items()}
        paired = f"{med(ratio):.3f} ({min(ratio):.3f}–{max(ratio):.3f})" if ratio else "–"
        rows.append(f"| {size} B | {n} | {fmt(best['xviod'][0], 2)} / {fmt(best['base'][0], 2)} "
                    f"| {fmt(best['xviod'][1], 0)} / {fmt(best['base'][1], 0)} | {paired} |")
    return "\n".join(["## This build against the baseline", "",
                      f"Baseline: {data['conditions']['baseline']}.", ""] + rows + ["", ""])


def idle_table(data):
    rows = ["| relays | contender | CPU use (% of one CPU) |", "|---:|---|---:|"]
    for e in data["idle"]:
        val = f"ERROR {e['error']}" if "error" in e else f"{e['cpu_percent']:.1f}"
        rows.append(f"| {e['relays']} | {e['contender']} | {val} |")
    return "\n".join(rows)


def pct(xs, q):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(len(xs) * q))] if xs else float("nan")


def wake_table(data):
    """One row per xviod mode and direction, all reps' frames together, and
    the platform's own wake-up of a sleeping thread on the worker CPU
    measured in the same runs: the floor of any design that sleeps."""
    runs = [e for e in data.get("wake", []) if "error" not in e]
    kinds = WAKE_DIRS + ("platform_wake",)
    samples = {(m, d): [u for e in runs if e["mode"] == m for u in e.get(d, {}).get("us", [])]
               for m in WAKE_MODES for d in kinds}
    lost = {(m, d): sum(e.get(d, {}).get("lost", 0) for e in runs if e["mode"] == m)
            for m in WAKE_MODES for d in kinds}
    label = {"vm_to_nic": "VM -> NIC frame", "nic_to_vm": "NIC -> VM frame",
             "platform_wake": "platform: wake a thread on the worker CPU"}
    rows = ["| xviod | what | samples | lost | min µs | median µs | p90 µs | p99 µs "
            "| max µs | median − busy-poll's | median − platform wake |",
            "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for m in WAKE_MODES:
        for d in kinds:
            xs = samples[(m, d)]
            if not xs:
                continue
            vs_busy = vs_platform = float("nan")
            if m == "sleeping" and d != "platform_wake":
                vs_busy = med(xs) - med(samples[("busy-poll", d)])
                vs_platform = med(xs) - med(samples[("sleeping", "platform_wake")])
            rows.append(f"| {m} | {label[d]} | {len(xs)} | {lost[(m, d)]} "
                        f"| {fmt(min(xs), 1)} | {fmt(med(xs), 1)} | {fmt(pct(xs, 0.9), 1)} "
                        f"| {fmt(pct(xs, 0.99), 1)} | {fmt(max(xs), 1)} | {fmt(vs_busy, 1)} "
                        f"| {fmt(vs_platform, 1)} |")
    sleeps = [e["worker_sleeps"] / e["frames"] for e in runs if e["mode"] == "sleeping"]
    note = (f"\n\nThe sleeping worker went to sleep {fmt(med(sleeps), 1)} times per frame "
            "(median over reps): each frame found it asleep." if sleeps else "")
    return "\n".join(rows) + note


def markdown(data, png_name):
    c = data["conditions"]
    tsc = next((r["tsc_hz"] for r in data["runs"] if "tsc_hz" in r), None)
    errors = [r for r in data["runs"] + data["idle"] + data.get("wake", []) if "error" in r]
    foreign = [r for r in data["runs"] + data["idle"] if r.get("foreign")]
    lines = [
        f"# Express relay: xviod vs the limit — {c['date']}", "",
        "| condition | value |", "|---|---|",
        f"| date | {c['date']} |",
        f"| CPU | {c['cpu']}; TSC {tsc / 1e6:.0f} MHz |" if tsc else f"| CPU | {c['cpu']} |",
        f"| kernel | {c['kernel']} |",
        f"| DPDK | {c['dpdk']} |",
        f"| xviod | {c['xviod']} |",
        f"| packet sizes | {', '.join(f'{s} B' for s in c['sizes'])} (testpmd --txpkts) |",
        f"| relays on one worker core | {', '.join(map(str, c['relays']))} requested |",
        f"| reps | {c['reps']}, xviod and limit interleaved, order alternating |",
        f"| window | {c['window_s']:g} s after {c['warmup_s']:g} s warm-up; "
        f"loop started with {c['bursts']} x 32 packets per generator port |",
        f"| CPUs | generator on CPU {c['generator_cpu']}, contender worker on CPU {c['worker_cpu']} |",
        "",
        "## Throughput (both directions summed)", "",
        "xviod: packets and busy cycles of its worker core (xvioctl stats); limit: "
        "testpmd `io` between net_vhost ports, `--record-core-cycles`. "
        "Median / best over the reps; c/p best is the lowest. "
        "The generator column shows whether the generator was the bottleneck "
        f"(its core has {tsc / 1e6 if tsc else 0:.0f} M cycles per second).", "",
        table(data), "",
        baseline_table(data),
        f"![plot]({png_name})", "",
        "## Idle", "",
        "Relays up, generator connected, no traffic; utime+stime of the process from "
        "/proc over the idle window.", "",
        idle_table(data), "",
    ]
    if data.get("wake"):
        c_w = data["wake"][0]
        lines += [
            "## Wake-up: the first packet after idle", "",
            "bench/wake/wake_probe: one frame at a time through one relay (vhost-user "
            "port <-> net_tap port), alternating directions, "
            f"{c_w.get('gap_ms', '?')} ms of silence before each; both ends in one process "
            "busy-polling on CPU 0, one TSC. `busy-poll` is xviod started with "
            "--busy-poll, whose worker never sleeps: the baseline. The platform row is "
            "the probe's own thread, pinned to the worker's CPU and asleep in "
            "epoll_wait, woken by an eventfd write after the same pause: what any "
            "design that sleeps pays before it can run.", "",
            wake_table(data), ""]
    for s in data["skipped"]:
        lines.append(f"- {s['relays']} relays not measured: {s['reason']}.")
    if errors:
        lines.append(f"- {len(errors)} measurement(s) failed; see the raw JSON (`error`).")
    if foreign:
        lines.append(f"- {len(foreign)} measurement(s) ran while another DPDK process was on "
                     "the machine (`foreign` in the raw JSON): treat them as noisier.")
    return "\n".join(lines) + "\n"


def plot(data, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    groups = summarize(data["runs"])
    sizes = sorted({s for s, _, _ in groups})
    relays = sorted({n for _, n, _ in groups})
    if not sizes:
        return
    fig, axes = plt.subplots(2, len(sizes), figsize=(5.5 * len(sizes), 7), squeeze=False)
    colors = {"xviod": "tab:blue", "limit": "tab:gray"}
    for col, size in enumerate(sizes):
        for row, (metric, label, best) in enumerate((("mpps", "Mpps (both directions)", max),
                                                     ("cpp", "cycles / packet", min))):
            ax = axes[row][col]
            for k, c in enumerate(CONTENDERS):
                for i, n in enumerate(relays):
                    vals = groups.get((size, n, c), {}).get(metric, [])
                    if not vals:
                        continue
                    x = i + (k - 0.5) * 0.38
                    ax.bar(x, best(vals), 0.36, color=colors[c],
                           label=f"{c} (bar: best, dots: reps)" if i == 0 else None)
                    ax.scatter([x] * len(vals), vals, color="black", s=8, zorder=3)
            ax.set_xticks(range(len(relays)), [str(n) for n in relays])
            ax.set_xlabel("relays on one worker core")
            ax.set_ylabel(label)
            if row == 0:
                ax.set_title(f"{size} B packets")
            ax.grid(axis="y", alpha=0.3)
    fig.suptitle(f"xviod express relay vs testpmd vhost io limit — {data['conditions']['date']}")
    fig.legend(*axes[0][0].get_legend_handles_labels(), loc="upper right", fontsize=8)
    fig.tight_layout(rect=(0, 0, 1, 0.93))
    fig.savefig(path, dpi=110)
    plt.close(fig)


def render(raw, markdown_of, plot_of):
    """Write a raw JSON result's .md and .png beside it (any benchmark's
    markdown and plot functions); returns their paths."""
    raw = Path(raw)
    data = json.loads(raw.read_text())
    png, md = raw.with_suffix(".png"), raw.with_suffix(".md")
    plot_of(data, png)
    md.write_text(markdown_of(data, png.name))
    return md, png


def write(raw):
    return render(raw, markdown, plot)


if __name__ == "__main__":
    for f in sys.argv[1:]:
        print(*write(f))
