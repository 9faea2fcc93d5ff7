"""Yarn Plug'n'Play at random, held to Yarn: random workspaces and local packages (linked with
`portal:`, or packed into zip archives with `file:`), random declared and undeclared
dependencies, installed offline by Yarn 4; then Yarn's own runtime (pnp_resolve.mjs) and
tla-lens resolve the same imports — declared ones, undeclared ones (Yarn refuses them, unless
the top-level fallback lends the root's), subpaths — from the workspaces' and the linked
packages' modules, and must agree on every one. Seeds are fixed."""
from __future__ import annotations

import json
import os
import random
import subprocess
from pathlib import Path

import pytest

from tla_lens.resolve import Resolver

HERE = Path(__file__).resolve().parent
SEEDS = range(8)


def _write(root: Path, rel: str, data) -> None:
    p = root / rel
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(data if isinstance(data, str) else json.dumps(data))


def _project(rng: random.Random, root: Path) -> tuple[list[str], list[str]]:
    """Writes a project; returns (package names, issuer files relative to root)."""
    works = [f"@w/p{i}" for i in range(rng.randint(2, 3))]
    locals_ = [f"l{i}" for i in range(rng.randint(2, 4))]
    names = works + locals_
    how = {n: rng.choice(["portal", "file"]) for n in locals_}
    issuers = []
    root_deps = {}
    for n in rng.sample(locals_, rng.randint(0, 2)):  # the root's own deps: the top-level fallback
        root_deps[n] = f"{how[n]}:./vendor/{n}"
    _write(root, "package.json", {"name": "root", "private": True, "type": "module",
                                  "workspaces": ["packages/*"], "dependencies": root_deps})
    _write(root, ".yarnrc.yml", "enableTelemetry: false\nenableGlobalCache: false\n")
    for i, n in enumerate(works):
        deps = {}
        for d in rng.sample([x for x in names if x != n], rng.randint(1, 3)):
            deps[d] = "workspace:*" if d in works else f"{how[d]}:../../vendor/{d}"
        _write(root, f"packages/p{i}/package.json", {"name": n, "version": "1.0.0", "type": "module",
                                                     "exports": {".": "./index.js", "./sub": "./sub.js"},
                                                     "dependencies": deps})
        _write(root, f"packages/p{i}/index.js", "export const v = 1;\n")
        _write(root, f"packages/p{i}/sub.js", "export const s = 1;\n")
        issuers.append(f"packages/p{i}/index.js")
    for k, n in enumerate(locals_):
        later = locals_[k + 1:]  # (no cycles between local packages: Yarn packs `file:` ones in order)
        deps = {d: f"{how[d]}:../{d}" for d in rng.sample(later, min(len(later), rng.randint(0, 1)))}
        pkg = {"name": n, "version": "1.0.0", "type": "module", "dependencies": deps}
        if rng.random() < 0.5:
            pkg["exports"] = {".": "./main.js", "./sub.js": "./sub.js"}
        else:
            pkg["main"] = "./main.js"
        _write(root, f"vendor/{n}/package.json", pkg)
        _write(root, f"vendor/{n}/main.js", "export const m = 1;\n")
        _write(root, f"vendor/{n}/sub.js", "export const s = 1;\n")
        if how[n] == "portal":
            issuers.append(f"vendor/{n}/main.js")
    return names, issuers


@pytest.mark.parametrize("seed", SEEDS)
def test_random_plug_n_play_projects_resolve_as_yarn_resolves(seed, engines_node_modules, node26, tmp_path):
    yarn = engines_node_modules / "@yarnpkg" / "cli-dist" / "bin" / "yarn.js"
    rng = random.Random(seed)
    root = tmp_path / "p"
    names, issuers = _project(rng, root)
    env = dict(os.environ, YARN_ENABLE_NETWORK="0", YARN_ENABLE_IMMUTABLE_INSTALLS="0",
               XDG_CACHE_HOME=str(tmp_path / "cache"), XDG_DATA_HOME=str(tmp_path / "data"))
    proc = subprocess.run([str(node26), str(yarn), "install"], cwd=root, env=env, capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    pairs = []
    for issuer in issuers:
        for n in names:
            pairs.append([n, str(root / issuer)])
            pairs.append([n + ("/sub" if n.startswith("@w/") else "/sub.js"), str(root / issuer)])
    yarn_out = subprocess.run([str(node26), str(HERE / "pnp_resolve.mjs"), str(root)], input=json.dumps(pairs),
                              capture_output=True, text=True, timeout=120)
    assert yarn_out.returncode == 0, yarn_out.stderr
    theirs = json.loads(yarn_out.stdout)
    r = Resolver(root)
    problems = []
    found = 0
    for (spec, issuer), want in zip(pairs, theirs):
        got = r.resolve(spec, Path(issuer))
        ours = str(got.path) if got.path else None
        want = want if isinstance(want, str) else None
        found += want is not None
        if ours != want:
            problems.append(f"{spec!r} from {Path(issuer).relative_to(root)}: Yarn {want}, tla-lens {ours} "
                            f"({got.message})")
    assert not problems, "\n".join(problems[:20])
    assert found >= 4 and found < len(pairs)  # (both kinds of answers)
