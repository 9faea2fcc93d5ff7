"""The `alias` setting against webpack 5's own `resolve.alias`.

One workspace, built by webpack with aliases and analysed by tla-lens with the same aliases in
tla-lens.json: every import must go to the same file (or fail in both), and every module webpack
loaded must be async for both or for neither. The aliases cover what webpack's object form offers:
a name that also matches "name/…", "name$" (exactly), one "*", a list of targets tried in order
(the first one missing), a package name as target, an alias used from inside node_modules, a
target that is missing altogether (the import fails, though a package of that name exists), two
aliases matching one specifier (only the first is tried), a bare "@" that is not a prefix of
"@x", and `false` (webpack ignores the module: an empty one, sync though the package is async). webpack needs absolute targets (it resolves a relative one from
each importer); tla-lens.json takes them relative to its own folder, so the test writes each
target both ways.
"""
from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

from tla_lens.config import load_file
from tla_lens.project import analyse

HARNESS = Path(__file__).resolve().parent / "webpack_alias_harness.cjs"

# name -> target(s), relative to the workspace root ("./…") or a package name
ALIASES = {
    "@": "./src",
    "~lib/*": "./src/lib/*.js",
    "lodash": "lodash-es",
    "exact$": "./src/deep/e.js",
    "react": "./src/fake/react.js",
    "multi": ["./src/nope", "./src/m2"],
    "gone": "./src/not-there",
    "dup": "./src/none",
    "dup/*": "./src/m2/*.js",
    "heavy": False,
}

FILES = {
    "package.json": '{"type": "module"}',
    "src/lib/db.js": "export const db = await Promise.resolve(1);\n",
    "src/lib/sync.js": "export const s = 1;\n",
    "src/deep/e.js": 'import { db } from "~lib/db";\nexport const x = db;\n',
    "src/deep/index.js": 'export const idx = 1;\n',
    "src/fake/react.js": "export const h = await 0;\n",
    "src/m2/one.js": "export const one = 1;\n",
    "src/main.js": "\n".join([
        'import { x } from "exact";',
        'import "@/deep/e";',
        'import "@/deep";',
        'import { fp } from "lodash/fp.js";',
        'import "~lib/sync";',
        'import "ui-kit";',
        'import "multi/one.js";',
        'import "exact/no";',
        'import "gone";',
        'import "gone/sub";',
        'import "@";',
        'import "@x";',
        'import "dup/one";',
        'import "heavy";',
        'import "heavy/i.js";',
        'export { x, fp };',
    ]) + "\n",
    "src/sync-only.js": 'import "~lib/sync";\nimport "multi/one.js";\nimport "@/deep/index.js";\n',
    "node_modules/lodash-es/package.json": '{"name": "lodash-es", "type": "module", "exports": {"./fp.js": "./fp.js"}}',
    "node_modules/lodash-es/fp.js": "export const fp = await 1;\n",
    "node_modules/lodash/package.json": '{"name": "lodash", "type": "module", "exports": {"./fp.js": "./fp.js"}}',
    "node_modules/lodash/fp.js": "export const fp = 1;\n",
    "node_modules/ui-kit/package.json": '{"name": "ui-kit", "type": "module", "main": "index.js"}',
    "node_modules/ui-kit/index.js": 'import "react";\nexport const u = 1;\n',
    "node_modules/gone/package.json": '{"name": "gone", "type": "module", "main": "main.js"}',
    "node_modules/gone/main.js": "export const g = await 2;\n",
    "node_modules/gone/sub.js": "export const g = 2;\n",
    "node_modules/@/index.js": "export const weird = 1;\n",
    "node_modules/heavy/package.json": '{"name": "heavy", "type": "module", "main": "i.js"}',
    "node_modules/heavy/i.js": "export default await 1;\n",
}

ENTRIES = ["src/main.js", "src/sync-only.js"]


def webpack_build(node: Path, engines: Path, root: Path, out: Path) -> dict:
    def absolute(t):
        return os.path.normpath(os.path.join(root, t)) if isinstance(t, str) and t.startswith(".") else t

    alias = {k: [absolute(t) for t in v] if isinstance(v, list) else absolute(v) for k, v in ALIASES.items()}
    payload = {"root": str(root), "entries": [str(root / e) for e in ENTRIES], "alias": alias, "out": str(out)}
    env = dict(os.environ, NODE_PATH=str(engines))
    proc = subprocess.run([str(node), str(HARNESS)], input=json.dumps(payload), capture_output=True,
                          text=True, timeout=300, env=env)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_aliases_resolve_and_infect_as_webpack_does(node26, engines_node_modules, workspace, tmp_path):
    root = workspace(FILES)
    (root / "tla-lens.json").write_text(json.dumps({"alias": ALIASES}))
    config, problems = load_file(root / "tla-lens.json")
    assert problems == []

    wp = webpack_build(node26, engines_node_modules, root, tmp_path / "out")
    project = analyse(root, config, cache=False)

    failed = {re.search(r"Can't resolve '([^']*)'", e).group(1) for e in wp["errors"]}
    compared_imports = 0
    mismatches = []
    for resource, info in wp["modules"].items():
        path = Path(os.path.realpath(resource))
        mod = project.modules.get(path)
        assert mod is not None, f"tla-lens did not load {resource}, which webpack did"
        if mod.is_async != info["async"]:
            mismatches.append(f"{resource}: webpack async={info['async']}, tla-lens {mod.is_async}")
        ours = {e.specifier: e for e in mod.edges}
        for spec, target in info["imports"].items():
            edge = ours.get(spec)
            assert edge is not None, f"{resource}: tla-lens has no import {spec!r}"
            compared_imports += 1
            want = Path(os.path.realpath(target)) if target else None
            if edge.target != want:
                mismatches.append(f"{resource}: {spec!r} webpack -> {target}, tla-lens -> {edge.target} "
                                  f"({edge.unresolved})")
            if want is None and (edge.unresolved is None) == (spec in failed):
                # webpack fails on it (unresolved here too) or ignores it (an empty module: so here)
                mismatches.append(f"{resource}: {spec!r} webpack {'fails' if spec in failed else 'ignores it'}, "
                                  f"tla-lens: {edge.unresolved or 'ignored'}")
    assert mismatches == [], "\n".join(mismatches)
    # every alias form was exercised, and both ways of failing
    assert compared_imports >= 17
    assert failed == {"exact/no", "@", "@x", "gone", "gone/sub", "dup/one"}, wp["errors"]
    assert any(m["async"] for m in wp["modules"].values()) and not all(m["async"] for m in wp["modules"].values())
