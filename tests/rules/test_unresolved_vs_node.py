"""`unresolved-import` against Node 26: in a workspace with every kind of specifier, an import or
require() is reported exactly when Node cannot load what it names (it loads every target: they
are empty modules written by the test). The differences on purpose: a package that exists only
as type declarations (`@types/hostapi`) is the host's, given at run time, and not reported; a
folder or extensionless import in an ES module, which bundlers and TypeScript follow and Node
refuses, is followed (the resolver's known leniency) and not reported.
"""
from __future__ import annotations

import json
import subprocess
from pathlib import Path

from tla_lens.config import Config
from tla_lens.project import analyse

# Node loads each [specifier, parent file, mode]: import.meta.resolve + import(), or
# createRequire().resolve + require(); prints ok / the error code for each
LOADER = r"""
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
let input = '';
for await (const chunk of process.stdin) input += chunk;
const out = [];
for (const [spec, parent, mode] of JSON.parse(input)) {
  try {
    if (mode === 'require') createRequire(parent)(spec);
    else await import(import.meta.resolve(spec, pathToFileURL(parent).href));
    out.push('ok');
  } catch (e) {
    out.push(e.code || String(e));
  }
}
process.stdout.write(JSON.stringify(out));
"""

ESM_SPECS = ["./ok.js", "./missing.js", "../src/ok.js", "./dir/", "./ok", "./dir/index.js", "pkg", "pkg/sub",
             "pkg/hidden", "plain", "plain/extra.js", "plain/nothere.js", "nopkg", "@scope/nopkg",
             "node:fs", "fs", "node:nope", "#inner", "#outer", "hostapi"]
CJS_SPECS = ["./ok.cjs", "./missing.cjs", "./dir", "pkg", "pkg/hidden", "plain", "nopkg", "fs",
             "hostapi"]
TYPES_ONLY = {"hostapi"}
LENIENT = {("./dir/", "import"), ("./ok", "import")}


def _workspace(root: Path) -> None:
    files = {
        "package.json": json.dumps({"name": "app", "type": "module", "imports": {"#inner": "./src/ok.js"}}),
        "src/ok.js": "export {};\n",
        "src/ok.cjs": "module.exports = {};\n",
        "src/dir/index.js": "export {};\n",
        "node_modules/pkg/package.json": json.dumps({"name": "pkg", "exports": {
            ".": {"import": "./i.js", "require": "./r.cjs"}, "./sub": "./s.js"}}),
        "node_modules/pkg/i.js": "export {};\n",
        "node_modules/pkg/r.cjs": "module.exports = {};\n",
        "node_modules/pkg/s.js": "export {};\n",
        "node_modules/pkg/hidden.js": "export {};\n",
        "node_modules/plain/package.json": json.dumps({"name": "plain", "main": "main.cjs"}),
        "node_modules/plain/main.cjs": "module.exports = {};\n",
        "node_modules/plain/extra.js": "module.exports = {};\n",
        "node_modules/@types/hostapi/index.d.ts": "declare const x: number; export = x;\n",
        "src/main.js": "".join(f'import "{s}";\n' for s in ESM_SPECS),
        "src/c.cjs": "".join(f'require("{s}");\n' for s in CJS_SPECS),
    }
    for rel, text in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)


def test_unresolved_import_is_what_node_cannot_load(tmp_path: Path, node26: Path) -> None:
    _workspace(tmp_path)
    main, cjs = tmp_path / "src" / "main.js", tmp_path / "src" / "c.cjs"
    cases = [(s, str(main), "import") for s in ESM_SPECS] + [(s, str(cjs), "require") for s in CJS_SPECS]
    script = tmp_path / "loader.mjs"
    script.write_text(LOADER)
    proc = subprocess.run([str(node26), "--no-warnings", "--experimental-import-meta-resolve", str(script)], input=json.dumps(cases),
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    node = json.loads(proc.stdout)
    a = analyse(tmp_path, Config())
    reported = {(f.path, a.modules[f.path].line_of(f.span.start)) for f in a.findings
                if f.code == "unresolved-import"}
    bad = []
    for i, ((spec, parent, mode), outcome) in enumerate(zip(cases, node)):
        line = (i if mode == "import" else i - len(ESM_SPECS)) + 1
        ours = (Path(parent), line) in reported
        expected = outcome != "ok" and spec not in TYPES_ONLY and (spec, mode) not in LENIENT
        if ours != expected:
            bad.append(f"{spec!r} ({mode}): node {outcome}, reported {ours}")
    assert not bad, "\n".join(bad)
    # the cases cover both answers in both modes, and the leniencies are real differences
    assert all(node[i] != "ok" for i, (s, _, m) in enumerate(cases) if (s, m) in LENIENT)
    assert {o == "ok" for o in node[:len(ESM_SPECS)]} == {True, False}
    assert {o == "ok" for o in node[len(ESM_SPECS):]} == {True, False}
