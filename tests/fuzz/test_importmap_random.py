"""Import maps at random, held to Deno: random deno.json maps (exact and prefix keys, path keys,
scopes, keys that shadow each other) and random specifiers; `deno info --json` resolves them
(every import of a generated module), and tla-lens must send each one to the same file, or, where
Deno finds none, find none either. Seeds are fixed (the same cases every run)."""
from __future__ import annotations

import json
import os
import random
import subprocess
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

from tla_lens.resolve import Resolver

SEEDS = range(24)
FOLDERS = ["lib", "lib/db", "src", "src/app", "vendor", "vendor/x", "other"]


def _case(seed: int) -> tuple[dict, dict, list[tuple[str, str]]]:
    """(files, deno.json, [(importer, specifier)]) for one seed."""
    rng = random.Random(seed)
    files = {f"{d}/m{i}.ts": "export const v = 1;\n" for d in FOLDERS for i in range(2)}
    names = ["db", "db/", "@acme/", "@acme/ui", "lib", "cfg", "x/"]

    def target(key: str) -> str:
        d = rng.choice(FOLDERS)
        return f"./{d}/" if key.endswith("/") else f"./{d}/m{rng.randrange(2)}.ts"

    imports = {}
    for key in rng.sample(names, rng.randint(2, len(names))):
        imports[key] = target(key)
    if rng.random() < 0.6:  # a path key: relative imports into a folder go elsewhere
        imports["./" + rng.choice(FOLDERS) + "/"] = "./" + rng.choice(FOLDERS) + "/"
    scopes = {}
    for _ in range(rng.randint(0, 2)):
        scope = "./" + rng.choice(FOLDERS) + "/"
        scopes[scope] = {key: target(key) for key in rng.sample(names, rng.randint(1, 3))}
    config = {"imports": imports, **({"scopes": scopes} if scopes else {})}
    uses = []
    for _ in range(14):
        importer = rng.choice(sorted(files))
        key = rng.choice(names + ["./m1.ts", "../lib/m0.ts"])
        spec = key + f"m{rng.randrange(2)}.ts" if key.endswith("/") else key
        uses.append((importer, spec))
    return files, config, uses


@pytest.mark.parametrize("seed", SEEDS)
def test_random_import_maps_resolve_as_deno_resolves(seed, engines_node_modules, tmp_path):
    deno = engines_node_modules / ".bin" / "deno"
    files, config, uses = _case(seed)
    root = tmp_path / "p"
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    (root / "deno.json").write_text(json.dumps(config))
    env = dict(os.environ, DENO_DIR=str(tmp_path / "deno-dir"), DENO_NO_UPDATE_CHECK="1", NO_COLOR="1")
    r = Resolver(root)
    problems = []
    compared = hits = 0
    for i, (importer, spec) in enumerate(uses):
        probe = root / Path(importer).parent / f"probe{i}.ts"
        probe.write_text(f"import {json.dumps(spec)};\n")
        proc = subprocess.run([str(deno), "info", "--json", "--no-lock", str(probe)], cwd=root,
                              capture_output=True, text=True, timeout=60, env=env)
        want = None
        if proc.returncode == 0:
            info = json.loads(proc.stdout)
            mod = next((m for m in info["modules"] if m.get("local") == str(probe)), None)
            if mod is None:  # a path key maps the probe's own folder away: not a case
                probe.unlink()
                continue
            compared += 1
            dep = next(iter(mod.get("dependencies", [])), {})
            code = dep.get("code", {})
            if "error" not in code and code.get("specifier", "").startswith("file:"):
                want = unquote(urlparse(code["specifier"]).path)
        got = r.resolve(spec, probe)
        ours = str(got.path) if got.path else None
        if want is not None and not Path(want).exists():
            want = None  # (Deno names the file it would load; there is none)
        hits += want is not None
        if ours != want:
            problems.append(f"{spec!r} from {importer}: Deno {want}, tla-lens {ours} ({got.message})")
        probe.unlink()
    assert not problems, json.dumps(config, indent=1) + "\n" + "\n".join(problems)
    assert compared >= 6 and hits >= 2, (compared, hits)
