#!/usr/bin/env python3
"""The floor of any tree-sitter-based analysis: read every .js/.ts/.jsx/.tsx/.mjs/.cjs/.mts/.cts file
of a folder once and parse it once with the grammars tla-lens uses (tree-sitter-javascript,
tree-sitter-typescript's ``typescript`` and ``tsx``), doing nothing with the trees.

    .venv/bin/python bench/parse_floor.py DIR [--jobs N]

``--jobs 1`` (default): one process. ``--jobs N``: N processes (multiprocessing, fork), each
reading and parsing its share of the files. Prints one JSON line: files, bytes, seconds inside the
script (the wall time of the whole process, interpreter start-up included, is what bench/run.py
measures around it).
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time

import tree_sitter
import tree_sitter_javascript
import tree_sitter_typescript

SKIP_DIRS = {"node_modules", ".git"}
EXT = {".js": "js", ".mjs": "js", ".cjs": "js", ".jsx": "js",
       ".ts": "ts", ".mts": "ts", ".cts": "ts", ".tsx": "tsx"}


def files_of(root: str) -> list[str]:
    out = []
    for d, dirs, names in os.walk(root):
        dirs[:] = [x for x in dirs if x not in SKIP_DIRS and not x.startswith(".")]
        for n in names:
            ext = os.path.splitext(n)[1]
            if ext in EXT and not n.endswith((".d.ts", ".d.mts", ".d.cts")):
                out.append(os.path.join(d, n))
    out.sort()
    return out


_PARSERS: dict[str, tree_sitter.Parser] = {}


def _parser(kind: str) -> tree_sitter.Parser:
    p = _PARSERS.get(kind)
    if p is None:
        raw = {"js": tree_sitter_javascript.language, "ts": tree_sitter_typescript.language_typescript,
               "tsx": tree_sitter_typescript.language_tsx}[kind]()
        p = _PARSERS[kind] = tree_sitter.Parser(tree_sitter.Language(raw))
    return p


def parse_files(paths: list[str]) -> tuple[int, int, int]:
    """(files, bytes, error trees) after reading and parsing each file once."""
    n = nbytes = errors = 0
    for path in paths:
        with open(path, "rb") as f:
            data = f.read()
        tree = _parser(EXT[os.path.splitext(path)[1]]).parse(data)
        n += 1
        nbytes += len(data)
        errors += tree.root_node.has_error
    return n, nbytes, errors


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("root")
    ap.add_argument("--jobs", type=int, default=1)
    a = ap.parse_args()
    t0 = time.perf_counter()
    paths = files_of(a.root)
    t_list = time.perf_counter() - t0
    if a.jobs <= 1:
        n, nbytes, errors = parse_files(paths)
    else:
        import multiprocessing as mp
        chunks = [paths[i::a.jobs] for i in range(a.jobs)]
        with mp.get_context("fork").Pool(a.jobs) as pool:
            parts = pool.map(parse_files, chunks)
        n, nbytes, errors = (sum(p[i] for p in parts) for i in range(3))
    print(json.dumps({"files": n, "bytes": nbytes, "error_trees": errors, "jobs": a.jobs,
                      "list_s": round(t_list, 3), "inside_s": round(time.perf_counter() - t0, 3)}))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
