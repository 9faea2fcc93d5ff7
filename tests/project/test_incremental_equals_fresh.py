"""The live project after a random sequence of buffer edits equals a fresh analysis of the same
texts: verdicts, chain lengths, cycles and findings (the incremental index and the skipped cycle
and entry recomputations must never drift)."""
import json
import random

import pytest

from .conftest import loaded

N = 24


def _name(i, mixed=False):
    """m<i>.js, or (``mixed``) m<i>.mjs for odd i."""
    return f"m{i}.mjs" if mixed and i % 2 else f"m{i}.js"


def _module(rng, i, tla, mixed=False):
    lines = []
    for j in rng.sample(range(N), rng.randrange(0, 4)):
        if j != i:
            lines.append(f'import "./{_name(j, mixed)}";')
    if tla:
        lines.append("await 0;")
    lines.append(f"export const v{i} = {i};")
    return "\n".join(lines) + "\n"


def _state(project):
    mods = {p.name: (m.is_async, len(m.chain)) for p, m in project.modules.items()}
    cycles = sorted(tuple(p.name for p in c) for c in project.cycles)
    findings = sorted((f.path.name, f.code, f.span.start, f.message) for f in project.findings)
    return mods, cycles, findings


@pytest.mark.parametrize("jest", [False, True, "esm"])
def test_random_edits_match_fresh_analysis(jest, workspace):
    """(``jest``: Jest runs m0-m4 as CommonJS test files: its errors at their imports and its
    notes at the awaits follow the edits too; "esm": in its ES module mode, where the odd
    modules are .mjs files, ES modules for it, and the others CommonJS.)"""
    rng = random.Random(11)
    mixed = jest == "esm"
    manifest = {"type": "module", "exports": "./m0.js"}
    if jest is True:
        manifest.update({"scripts": {"test": "jest"}, "jest": {"testRegex": "/m[0-4]\\.js$"}})
    elif mixed:
        manifest = {"exports": "./m0.js", "scripts": {"test": "NODE_OPTIONS=--experimental-vm-modules jest"},
                    "jest": {"testRegex": "/m[0-4]\\.m?js$"}}
    files = {"package.json": json.dumps(manifest)}
    for i in range(N):
        files[_name(i, mixed)] = _module(rng, i, rng.random() < 0.1, mixed)
    root = workspace(files)
    live = loaded(root)
    overlays = {}
    jest_seen = False
    for step in range(120):
        i = rng.randrange(N)
        path = root / _name(i, mixed)
        text = overlays.get(path, path.read_bytes()).decode()
        action = rng.random()
        if action < 0.3:  # toggle a top-level await
            text = text.replace("await 0;\n", "") if "await 0;" in text else text + "await 0;\n"
        elif action < 0.6:  # add an import
            text = f'import "./{_name(rng.randrange(N), mixed)}";\n' + text
        elif action < 0.8:  # drop an import
            lines = text.splitlines(keepends=True)
            imports = [k for k, l in enumerate(lines) if l.startswith("import")]
            if imports:
                del lines[rng.choice(imports)]
            text = "".join(lines)
        else:  # an edit that changes no facts
            text = text.replace(f"= {i};", f"= {i} + 1;") if f"= {i};" in text else text + "// x\n"
        overlays[path] = text.encode()
        live.set_overlay(path, overlays[path])
        fresh = loaded(root, overlays)
        assert _state(live) == _state(fresh), f"step {step}: {path.name}\n{text}"
        jest_seen = jest_seen or any("Jest (script" in f.message for f in live.findings)
    assert jest_seen is bool(jest)
