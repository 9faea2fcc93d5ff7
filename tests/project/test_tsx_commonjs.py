"""TypeScript that tsx runs (`tsx FILE`, `tsx watch FILE`, `node --import tsx FILE`) in a
package without `"type": "module"`: tsx compiles it into CommonJS whatever the tsconfig says,
so its imports are `require()` calls (its import()s stay), and an import of an ES module with
top-level await throws ERR_REQUIRE_ASYNC_MODULE — where plain `node FILE` (type stripping,
which detects module syntax) runs the same file as an ES module. Held to tsx 4.23 and Node 26
running each npm script."""
from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from tla_lens.config import Config
from tla_lens.project import analyse

SOURCES = {
    "src/index.ts": 'import { x } from "slow-dep";\nconsole.log("got", x);\n',
    "src/lazy.ts": 'export async function go() {\n  const m = await import("slow-dep");\n  console.log("got", m.x);\n}\n'
                   'go();\n',
    "src/via.ts": 'import { y } from "./helper.ts";\nconsole.log("got", y);\n',
    "src/helper.ts": 'import { x } from "slow-dep";\nexport const y = x;\n',
    "src/plain.ts": 'import { x } from "slow-dep";\nconsole.log("got", x);\n',
    "node_modules/slow-dep/package.json": '{"name": "slow-dep", "type": "module", "exports": "./i.js"}',
    "node_modules/slow-dep/i.js": "export const x = await Promise.resolve(1);\n",
}
SCRIPTS = {"index": "tsx src/index.ts", "lazy": "NODE_ENV=development tsx watch --clear-screen=false src/lazy.ts",
           "via": "node --import tsx src/via.ts", "plain": "node src/plain.ts"}


@pytest.mark.parametrize("pkg_type", [None, "module"])
def test_tsx_runs_as_tla_lens_says(pkg_type, node26, engines_node_modules, tmp_path):
    root = Path(os.path.realpath(tmp_path)) / "svc"
    for rel, text in SOURCES.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    # (run without watching)
    scripts = {k: v.replace("watch --clear-screen=false ", "") for k, v in SCRIPTS.items()}
    manifest = {"name": "svc", "scripts": SCRIPTS, **({"type": pkg_type} if pkg_type else {})}
    (root / "package.json").write_text(json.dumps(manifest))
    (root / "tsconfig.json").write_text('{"compilerOptions": {"module": "esnext", "allowImportingTsExtensions": true, '
                                        '"noEmit": true}}')
    project = analyse(root, Config(), cache=False)
    (root / "node_modules/tsx").symlink_to(engines_node_modules / "tsx")  # (`--import tsx` resolves from here)
    env = dict(os.environ, PATH=f"{engines_node_modules / '.bin'}:{node26.parent}:{os.environ['PATH']}",
               NODE_PATH=str(engines_node_modules))
    errors = {f.path.stem for f in project.findings if f.code == "require-async"}
    for name, script in scripts.items():
        run = subprocess.run(["sh", "-c", script], cwd=root, env=env, capture_output=True, text=True, timeout=120)
        out = run.stdout + run.stderr
        assert "ERR_REQUIRE_ASYNC_MODULE" in out or "got 1" in out, (script, out)
        throws = "ERR_REQUIRE_ASYNC_MODULE" in out
        where = {"via": {"via", "helper"}}.get(name, {name})
        assert bool(errors & where) is throws, (name, out, errors)
        assert throws is (pkg_type is None and name in ("index", "via")), (name, out)
    if pkg_type is None:
        (f,) = [f for f in project.findings if f.path.stem == "index"]
        assert f.message.startswith("tsx compiles this import to `require(\"slow-dep\")` (tsx runs it, from "
                                    "script `index` of package.json, and the package.json has no "
                                    "`\"type\": \"module\"`)"), f.message
        assert f.message.endswith("(tsx keeps import() as it is), or make the package `\"type\": \"module\"`")
    # plain node detects module syntax: an ES module, async
    assert project.modules[root / "src/plain.ts"].is_async
    import sys

    r = subprocess.run([sys.executable, "-m", "tla_lens.cli", "check", "--print-config", str(root)],
                       capture_output=True, text=True, timeout=120)
    shown = json.loads(r.stdout)["nodeScripts"]
    assert {"file": "package.json", "script": "lazy", "runs": "./src/lazy.ts", "with": "tsx"} in shown
    assert {"file": "package.json", "script": "plain", "runs": "./src/plain.ts"} in shown


@pytest.mark.parametrize("script,expected", [
    ("tsx src/a.ts", "src/a.ts"),
    ("tsx watch --clear-screen=false src/a.ts", "src/a.ts"),
    ("tsx --tsconfig tsconfig.dev.json src/a.ts --port 3000", "src/a.ts"),
    ("node --import tsx src/a.ts", "src/a.ts"),
    ("node --import=tsx/esm --enable-source-maps src/a.ts", "src/a.ts"),
    ("node -r tsx/cjs src/a.ts", "src/a.ts"),
    ("npx tsx src/a.ts", "src/a.ts"),
    ("NODE_ENV=dev dotenv -- tsx src/a.ts", "src/a.ts"),
    ("node src/a.ts", None),
    ("tsx -e 'console.log(1)'", None),
    ("node --import ./register.js src/a.ts", None),
    ("echo tsx src/a.ts", None),
])
def test_tsx_commands_read(script, expected, tmp_path):
    from tla_lens.resolve.scripts import tsx_script_files

    (tmp_path / "src").mkdir()
    (tmp_path / "src/a.ts").write_text("")
    found = tsx_script_files({"dev": script}, str(tmp_path))
    assert found == ([("dev", str(tmp_path / expected))] if expected else [])


def test_top_level_await_tsx_refuses(node26, engines_node_modules, tmp_path):
    """A top-level await in a file tsx runs as CommonJS: tsx (esbuild) refuses to compile it,
    and the finding quotes the refusal."""
    root = Path(os.path.realpath(tmp_path)) / "p"
    (root / "src").mkdir(parents=True)
    (root / "src/a.ts").write_text("export const v = await Promise.resolve(1);\nconsole.log(v);\n")
    (root / "package.json").write_text(json.dumps({"name": "p", "scripts": {"dev": "tsx src/a.ts"}}))
    env = dict(os.environ, PATH=f"{engines_node_modules / '.bin'}:{node26.parent}:{os.environ['PATH']}")
    run = subprocess.run(["sh", "-c", "tsx src/a.ts"], cwd=root, env=env, capture_output=True, text=True, timeout=60)
    refusal = 'Top-level await is currently not supported with the "cjs" output format'
    assert run.returncode != 0 and refusal in run.stderr, run.stderr
    project = analyse(root, Config(), cache=False)
    (f,) = [f for f in project.findings if f.path.name == "a.ts"]
    assert f.code == "top-level-await" and f"tsx fails to run it with \"{refusal}\"" in f.message, f.message
