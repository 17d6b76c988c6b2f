#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Check that src/ keeps its layers (docs/architecture.md, "Layers").

A module is a file without its extension (port/port.c and port/port.h are
the module port/port). Two graphs are read:

  includes  module A -> module B when a file of A includes a file of B;
  symbols   module A -> module B when an object file of A uses a symbol that
            an object file of B defines (nm on BUILD_DIR's objects), which
            catches a header that declares what another file defines.

Rules: no cycle between modules, and a folder uses only folders of a lower
layer (or itself). Folders of one layer are peers and never use each other.

Usage: check_layers.py [--build BUILD_DIR] [SRC_DIR]
Exits 1 and lists every violation, or prints one "ok" line.
"""
import argparse
import os
import re
import subprocess
import sys

# Lowest first. A new folder under src/ must be placed here.
LAYERS = [
    ["common"],
    ["flow", "ctl"],
    ["worker"],
    ["port"],
    ["relay", "switch"],
    ["daemon", "cli"],
]
RANK = {folder: i for i, layer in enumerate(LAYERS) for folder in layer}

INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def source_files(src):
    for folder, _, names in os.walk(src):
        for name in sorted(names):
            if name.endswith((".c", ".h")):
                yield os.path.relpath(os.path.join(folder, name), src)


def module_of(path):
    return os.path.splitext(path)[0]


def include_edges(src, files):
    known = {module_of(f) for f in files}
    edges = {}
    for f in files:
        with open(os.path.join(src, f), encoding="utf-8") as fh:
            for inc in INCLUDE.findall(fh.read()):
                target = module_of(inc)
                if target in known and target != module_of(f):
                    edges.setdefault((module_of(f), target), "includes " + inc)
    return edges


def object_modules(build, files):
    """Map each object file under build/ to the module of its source."""
    by_mangled = {f.replace("/", "_"): f for f in files if f.endswith(".c")}
    objs = {}
    for folder, _, names in os.walk(build):
        for name in names:
            if not name.endswith(".c.o"):
                continue
            stem = name[: -len(".o")]
            for prefix in ("src_", "_src_"):
                if stem.startswith(prefix) and stem[len(prefix):] in by_mangled:
                    objs[os.path.join(folder, name)] = module_of(by_mangled[stem[len(prefix):]])
    return objs


def symbol_edges(build, files):
    objs = object_modules(build, files)
    defined, used = {}, {}
    for obj, mod in objs.items():
        out = subprocess.run(["nm", "-P", obj], capture_output=True, text=True, check=True).stdout
        for line in out.splitlines():
            parts = line.split()
            if len(parts) < 2:
                continue
            sym, kind = parts[0], parts[1]
            if kind == "U":
                used.setdefault(mod, set()).add(sym)
            elif kind in "TDRB":
                defined[sym] = mod
    edges = {}
    for mod, syms in used.items():
        for sym in sorted(syms):
            target = defined.get(sym)
            if target and target != mod:
                edges.setdefault((mod, target), "uses " + sym)
    return edges


def cycles(edges):
    """Strongly connected components with more than one module (Tarjan)."""
    graph = {}
    for a, b in edges:
        graph.setdefault(a, set()).add(b)
        graph.setdefault(b, set())
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                found.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def check(src, build):
    files = list(source_files(src))
    problems = []
    for f in files:
        folder = f.split(os.sep)[0]
        if folder not in RANK:
            problems.append(f"{f}: folder '{folder}' has no layer (add it to LAYERS in {sys.argv[0]})")
    edges = include_edges(src, files)
    if build:
        for key, why in symbol_edges(build, files).items():
            edges.setdefault(key, why)
    for (a, b), why in sorted(edges.items()):
        fa, fb = a.split(os.sep)[0], b.split(os.sep)[0]
        if fa == fb or fa not in RANK or fb not in RANK:
            continue
        if RANK[fb] > RANK[fa]:
            problems.append(f"{a} -> {b}: {fa}/ is below {fb}/ ({why})")
        elif RANK[fb] == RANK[fa]:
            problems.append(f"{a} -> {b}: {fa}/ and {fb}/ are peers ({why})")
    for comp in cycles(edges):
        ties = [f"{a} -> {b} ({why})" for (a, b), why in sorted(edges.items())
                if a in comp and b in comp]
        problems.append("cycle: " + ", ".join(comp) + "\n    " + "\n    ".join(ties))
    return files, edges, problems


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("src", nargs="?", default=os.path.join(os.path.dirname(__file__), "..", "src"))
    ap.add_argument("--build", help="also read the symbols of the objects in this build directory")
    args = ap.parse_args()
    files, edges, problems = check(args.src, args.build)
    for p in problems:
        print(p)
    if problems:
        print(f"layers: {len(problems)} problem(s)")
        return 1
    print(f"layers: ok ({len(files)} files, {len(edges)} dependencies"
          f"{', symbols read' if args.build else ''})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
