"""tsconfig's `moduleSuffixes` (React Native's platform files: `./Foo` is Foo.ios.ts where it
exists): each import resolves to the file TypeScript 5.9 resolves it to
(`ts.resolveModuleName` with the project's tsconfig), async-ness follows it, and an import
TypeScript does not resolve is an unresolved-import."""
from __future__ import annotations

import json
import subprocess

import pytest

from tla_lens.config import Config
from tla_lens.project import analyse

SPECIFIERS = ("./Foo", "./Bar", "./Baz", "./dir", "./Qux.js", "./Only", "./Plain", "../lib/util")
FILES = {
    "src/Foo.ios.ts": "export const a = await Promise.resolve(1);\n",
    "src/Foo.ts": "export const a = 1;\n",
    "src/Bar.native.tsx": "export const b = 1;\n",
    "src/Bar.android.tsx": "export const b = await Promise.resolve(2);\n",
    "src/Baz.ts": "export const c = 1;\n",
    "src/Baz.native.js": "export const c = await Promise.resolve(1);\n",
    "src/dir/index.ios.ts": "export const d = 1;\n",
    "src/Qux.native.ts": "export const e = 1;\n",
    "src/Only.android.ts": "export const f = 1;\n",
    "src/Plain.ts": "export const g = 1;\n",
    "lib/util.native.ts": "export const h = 1;\n",
    "lib/util.js": "export const h = 1;\n",
}
APP = "".join(f"import {{ v{i} }} from '{s}';\n" for i, s in enumerate(SPECIFIERS)) + \
    "console.log(" + ", ".join(f"v{i}" for i in range(len(SPECIFIERS))) + ");\n"
PROBE = """
const [ts, specs] = [require(process.argv[1]), JSON.parse(process.argv[2])];
const path = require("path");
const cfg = ts.getParsedCommandLineOfConfigFile("tsconfig.json", {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic() {} });
const out = {};
for (const s of specs) {
  const r = ts.resolveModuleName(s, path.resolve("src/app.ts"), cfg.options, ts.sys).resolvedModule;
  out[s] = r ? path.relative(".", r.resolvedFileName) : null;
}
console.log(JSON.stringify(out));
"""
SUFFIXES = {"react-native": [".ios", ".native", ""], "no-plain-files": [".native"], "unset": None}


@pytest.mark.parametrize("case", list(SUFFIXES))
def test_imports_resolve_as_typescript_resolves_them(case, node26, engines_node_modules, workspace, tmp_path):
    options = {"module": "esnext", "moduleResolution": "bundler", "allowJs": True, "noEmit": True,
               **({"moduleSuffixes": SUFFIXES[case]} if SUFFIXES[case] is not None else {})}
    root = workspace({"package.json": json.dumps({"name": "app", "private": True, "type": "module"}),
                      "tsconfig.json": json.dumps({"compilerOptions": options}), "src/app.ts": APP, **FILES},
                     tmp_path / "app")
    proc = subprocess.run([str(node26), "-e", PROBE, str(engines_node_modules / "ts5/lib/typescript.js"),
                           json.dumps(SPECIFIERS)], cwd=root, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    expected = json.loads(proc.stdout)
    project = analyse(root, Config(), cache=False)
    app = project.modules[root / "src/app.ts"]
    got = {e.specifier: (e.target.relative_to(root).as_posix() if e.target is not None else None) for e in app.edges}
    assert got == expected
    if case == "react-native":  # (the files TypeScript picks: not the plain ones)
        assert expected["./Foo"] == "src/Foo.ios.ts" and expected["./dir"] == "src/dir/index.ios.ts"
    unresolved = {f.message.split("`")[1] for f in project.findings if f.code == "unresolved-import"}
    assert unresolved == {s for s, t in expected.items() if t is None}
    # async-ness follows the file TypeScript resolves to
    async_targets = {t for t in expected.values() if t is not None and "await" in FILES.get(t, "")}
    assert app.is_async is bool(async_targets)
    warned = {f.message.split("`")[1] for f in project.findings if f.code == "async-import"}
    assert warned == {s for s, t in expected.items() if t in async_targets}
