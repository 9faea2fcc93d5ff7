"""The rename fix of next.config.ts (fixes/config_rename.py), held to Next.js 16.5's loader and
tsc 5.9: next.config.ts (SWC's CommonJS, require()d) fails on a top-level await in its graph;
renamed next.config.mts, Node loads it itself with import() — unless it, or a file it loads,
has what Node's type stripping does not take, which is where the fix refuses, saying why.
Each case is renamed by hand too, to show that Next.js fails exactly where the fix refuses.
The tsconfig's `"**/*.ts"` include takes next.config.mts only once the fix adds it."""
from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from tla_lens.config import Config
from tla_lens.fixes.config_rename import ConfigRename, config_rename
from tla_lens.fixes.edits import Refusal, apply_edits
from tla_lens.project import analyse
from tla_lens.project.native import node_load_refusal

PROBE = Path(__file__).parent.parent / "resolve" / "next_config_probe.mjs"
TSCONFIG = ('{\n  "compilerOptions": {\n    "target": "ES2022",\n    "module": "esnext",\n'
            '    "moduleResolution": "bundler",\n    "allowImportingTsExtensions": true,\n    "noEmit": true,\n'
            '    "strict": true,\n    "paths": { "@/*": ["./*"] }\n  },\n'
            '  "include": [\n    "next-env.d.ts",\n    "**/*.ts",\n    "**/*.tsx"\n  ],\n'
            '  "exclude": ["node_modules"]\n}\n')
CONFIG = "import {{ flag }} from '{spec}';\nconst config = {{ env: {{ FLAG: String(flag) }} }};\nexport default config;\n"
FLAGS = "export const flag: string = await Promise.resolve('on');\n"
# case: (files besides package.json and tsconfig.json, what the refusal says (None: the fix applies))
ASYNC_PACKAGE = {"node_modules/asyncpkg/package.json": '{"name": "asyncpkg", "type": "module", "exports": "./index.js"}',
                 "node_modules/asyncpkg/index.js": "export const flag = await Promise.resolve('on');\n"}
CASES = {
    # (an import() in a file next.config.ts loads: SWC makes it a require(), which throws)
    "import-in-a-file-it-loads": ({"next.config.ts": "import { load } from './lib/load.ts';\n"
                                                     "const config = async () => ({ env: { FLAG: await load() } });\n"
                                                     "export default config;\n",
                                   "lib/load.ts": "export const load = async (): Promise<string> => "
                                                  "(await import('asyncpkg')).flag;\n", **ASYNC_PACKAGE}, None),
    "plain": ({"next.config.ts": CONFIG.format(spec="./lib/flags.ts"), "lib/flags.ts": FLAGS}, None),
    "extension-left-out": ({"next.config.ts": CONFIG.format(spec="./lib/flags"), "lib/flags.ts": FLAGS},
                           "Node needs the file's own name (`./lib/flags.ts`)"),
    "js-for-ts": ({"next.config.ts": CONFIG.format(spec="./lib/flags.js"), "lib/flags.ts": FLAGS},
                  "Node needs the file's own name (`./lib/flags.ts`)"),
    "index-folder": ({"next.config.ts": CONFIG.format(spec="./lib"), "lib/index.ts": FLAGS},
                     "Node needs the file's own name (`./lib/index.ts`)"),
    "paths-alias": ({"next.config.ts": CONFIG.format(spec="@/lib/flags.ts"), "lib/flags.ts": FLAGS},
                    "an alias (tsconfig `paths`)"),
    "enum-in-a-file-it-loads": ({"next.config.ts": CONFIG.format(spec="./lib/flags.ts"),
                                 "lib/flags.ts": "enum Mode { On }\n" + FLAGS.replace("'on'", "String(Mode.On)")},
                                "an enum at lib/flags.ts:1"),
    "dirname": ({"next.config.ts": "import path from 'node:path';\n" + CONFIG.format(spec="./lib/flags.ts").replace(
        "String(flag)", "path.join(__dirname, flag)"), "lib/flags.ts": FLAGS}, "uses `__dirname`"),
    "json-without-attribute": ({"next.config.ts": "import data from './flags.json';\n" + CONFIG.format(
        spec="./lib/flags.ts").replace("String(flag)", "flag + data.x"), "lib/flags.ts": FLAGS,
        "flags.json": '{"x": "1"}'}, "`with { type: \"json\" }`"),
    "json-with-attribute": ({"next.config.ts": "import data from './flags.json' with { type: 'json' };\n" +
                             CONFIG.format(spec="./lib/flags.ts").replace("String(flag)", "flag + data.x"),
                             "lib/flags.ts": FLAGS, "flags.json": '{"x": "1"}'}, None),
}

# what Node says when Next.js loads the file renamed by hand, where the fix refuses
NODE_SAYS = {
    "extension-left-out": "ERR_MODULE_NOT_FOUND: Cannot find module", "js-for-ts": "ERR_MODULE_NOT_FOUND",
    "index-folder": "ERR_UNSUPPORTED_DIR_IMPORT", "paths-alias": "Cannot find package '@/lib'",
    "enum-in-a-file-it-loads": "ERR_UNSUPPORTED_TYPESCRIPT_SYNTAX: TypeScript enum",
    "dirname": "__dirname is not defined in ES module scope", "json-without-attribute": "ERR_IMPORT_ATTRIBUTE_MISSING",
}


def _load(node26: Path, next_engine: Path, root: Path) -> dict:
    proc = subprocess.run([str(node26), str(PROBE), str(next_engine), str(root)], cwd=root, capture_output=True,
                          text=True, timeout=180)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("case", list(CASES))
def test_rename_as_next_loads_it(case, node26, next_engine, ts5, workspace, tmp_path):
    files, refusal = CASES[case]
    root = workspace({"package.json": json.dumps({"name": "web", "private": True, "scripts": {"build": "next build"},
                                                  "dependencies": {"next": "16.5.0"}}),
                      "tsconfig.json": TSCONFIG, **files}, tmp_path / case)
    old = root / "next.config.ts"
    assert _load(node26, next_engine, root)["loaded"] is False  # (SWC's CommonJS: the await throws)
    project = analyse(root, Config(), cache=False)
    errors = [(f.path.name, f.code) for f in project.findings if f.severity == "error"]
    assert errors == ([("load.ts", "require-async")] if case == "import-in-a-file-it-loads"
                      else [("next.config.ts", "async-entry")])
    result = config_rename(old, "Next.js", os.listdir, lambda p: p.exists(),
                           lambda p: p.read_bytes() if p.exists() else None,
                           refused=node_load_refusal(old, project.modules, project.graph.rel),
                           then="with import(), Node stripping its types")
    if refusal is not None:
        assert isinstance(result, Refusal) and refusal in result.reason, result
        assert result.title == "Rename next.config.ts to next.config.mts (Next.js then loads it with import(), " \
                               "Node stripping its types)"
        old.rename(root / "next.config.mts")  # (renamed all the same: Next.js fails on it)
        said = _load(node26, next_engine, root)
        assert said["loaded"] is False and NODE_SAYS[case] in f"{said['code']}: {said['message']}", said
        return
    assert isinstance(result, ConfigRename) and result.new == root / "next.config.mts", result
    ((path, text, fix),) = result.edits  # (tsconfig.json: its "**/*.ts" does not take .mts)
    assert path == root / "tsconfig.json"
    path.write_bytes(apply_edits(text, fix.edits))
    assert json.loads(path.read_text())["include"] == ["next-env.d.ts", "**/*.ts", "**/*.tsx", "next.config.mts"]
    assert '"**/*.tsx",\n    "next.config.mts"\n  ]' in path.read_text()  # (one per line, as the others)
    old.rename(result.new)
    said = _load(node26, next_engine, root)
    assert said["loaded"] is True and said["env"]["FLAG"].startswith("on"), said
    listed = subprocess.run([str(node26), str(ts5 / "bin" / "tsc"), "-p", ".", "--listFilesOnly"], cwd=root,
                            capture_output=True, text=True, timeout=180)
    assert str(result.new) in listed.stdout.splitlines(), listed.stdout + listed.stderr
    # analysed again: Next.js loads it with import(), nothing to report on it
    project = analyse(root, Config(), cache=False)
    assert not [f for f in project.findings if f.severity in ("error", "warning")], \
        [(f.path.name, f.code, f.message) for f in project.findings]
