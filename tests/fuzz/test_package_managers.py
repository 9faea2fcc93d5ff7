"""Real installs, made by the package managers themselves: tla-lens against V8.

pnpm (tests/engines, pinned) installs a workspace offline — workspace packages linked with
`workspace:*`, local packages (`file:`) copied into its content-addressed store under
node_modules/.pnpm and reached through symlinks, a dependency's own dependency beside it in the
store, not in the importer's node_modules. npm's workspaces (the machine's npm) link the same
packages through a hoisted node_modules. Node 26 links every module of the result with its own
resolver (tests/fuzz/engine.mjs, op "package"), and tla-lens analysing the workspace must give
each module the same verdict; the cases say what they are there for.

Yarn 4 (tests/engines, pinned) installs the same workspace with Plug'n'Play: no node_modules,
a .pnp.cjs that says where each package is (`portal:` packages linked where they are, a `file:`
package packed into a zip archive of the project's cache, or of Yarn's global cache outside the
project, Yarn 4's default). There Yarn's own PnP runtime
resolves the imports and reads the archives (pnp_link.mjs), and V8 links the modules.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent

from tla_lens.config import Config
from tla_lens.project import analyse

PKG = lambda **kw: json.dumps({"version": "1.0.0", "type": "module", **kw})  # noqa: E731

FILES = {
    "package.json": json.dumps({"name": "root", "private": True, "type": "module"}),
    "pnpm-workspace.yaml": "packages:\n  - \"packages/*\"\n",
    # local packages outside the workspace: dep-a waits for dep-b's top-level await
    "vendor/dep-b/package.json": PKG(name="dep-b", exports={".": "./index.js"}),
    "vendor/dep-b/index.js": "export const ready = await Promise.resolve(true);\n",
    "vendor/dep-a/package.json": PKG(name="dep-a", exports={".": "./index.js", "./sync": "./sync.js"},
                                     dependencies={"dep-b": "file:../dep-b"}),
    "vendor/dep-a/index.js": "import { ready } from 'dep-b';\nexport const a = () => ready;\n",
    "vendor/dep-a/sync.js": "export const s = 1;\n",
    "vendor/dep-c/package.json": PKG(name="dep-c", main="./main.js"),
    "vendor/dep-c/main.js": "export default function c() { return 3; }\n",
    # the workspace: app -> util -> db (top-level await); app -> dep-a -> dep-b (top-level await)
    "packages/db/package.json": PKG(name="@acme/db", exports={".": "./index.js"}),
    "packages/db/index.js": "export const pool = await Promise.resolve(1);\n",
    "packages/util/package.json": PKG(name="@acme/util", exports={".": "./index.js", "./pure": "./pure.js"},
                                      dependencies={"@acme/db": "workspace:*"}),
    "packages/util/index.js": "import { pool } from '@acme/db';\nexport const q = () => pool;\n",
    "packages/util/pure.js": "export const id = (x) => x;\n",
    "packages/app/package.json": PKG(name="@acme/app", main="./src/main.js",
                                     dependencies={"@acme/util": "workspace:*", "dep-a": "file:../../vendor/dep-a",
                                                   "dep-c": "file:../../vendor/dep-c"}),
    "packages/app/src/main.js": ("import { q } from '@acme/util';\nimport { a } from 'dep-a';\n"
                                 "export const run = () => [q(), a()];\n"),
    "packages/app/src/viaDep.js": "import { a } from 'dep-a';\nexport default a;\n",
    "packages/app/src/sync.js": ("import { id } from '@acme/util/pure';\nimport { s } from 'dep-a/sync';\n"
                                 "import c from 'dep-c';\nexport const v = id(s) + c();\n"),
    "packages/app/src/lazy.js": "export const load = () => import('dep-a');\n",
}
APP = ["packages/app/src/main.js", "packages/app/src/viaDep.js", "packages/app/src/sync.js",
       "packages/app/src/lazy.js", "packages/util/index.js", "packages/util/pure.js", "packages/db/index.js"]
EXPECTED_ASYNC = {"packages/app/src/main.js": True, "packages/app/src/viaDep.js": True,
                  "packages/app/src/sync.js": False, "packages/app/src/lazy.js": False,
                  "packages/util/index.js": True, "packages/util/pure.js": False, "packages/db/index.js": True}


def _write(root: Path) -> None:
    for rel, text in FILES.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)


def _env(tmp: Path) -> dict:
    env = dict(os.environ)
    for var in ("XDG_CACHE_HOME", "XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME"):
        env[var] = str(tmp / var.lower())
    env["npm_config_cache"] = str(tmp / "npm-cache")
    env["npm_config_update_notifier"] = "false"
    return env


def _compare(engine, root: Path, deps: list[Path]) -> None:
    files = [root / f for f in APP] + deps
    v8 = engine.ask(op="package", files=[str(f) for f in files])
    assert not v8["errors"], json.dumps(v8["errors"], indent=1)
    analysis = analyse(root, Config(), cache=False)
    problems = []
    for f in files:
        want = v8["files"][str(f)]
        mod = analysis.modules.get(f)
        if mod is None:
            problems.append(f"{f}: not analysed; V8 says {want}")
        elif {"tla": mod.has_tla, "async": mod.is_async} != want:
            problems.append(f"{f}: V8 {want}, tla-lens tla={mod.has_tla} async={mod.is_async}")
    assert not problems, "\n".join(problems)
    # the cases do what they are there for
    assert {f: v8["files"][str(root / f)]["async"] for f in APP} == EXPECTED_ASYNC


def test_pnpm_workspace_with_its_store(engine, engines_node_modules, tmp_path):
    pnpm = engines_node_modules / ".bin" / "pnpm"
    assert pnpm.exists(), "pnpm is missing: `make engines` installs it"
    root = tmp_path / "ws"
    _write(root)
    proc = subprocess.run([str(pnpm), "install", "--offline", "--store-dir", str(tmp_path / "store"),
                           "--config.confirmModulesPurge=false"],
                          cwd=root, env=_env(tmp_path), capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    # pnpm's layout: the importer's node_modules holds symlinks; dep-a lives in the store with
    # dep-b beside it (not in the app's node_modules)
    link = root / "packages/app/node_modules/dep-a"
    assert link.is_symlink() and ".pnpm" in link.resolve().parts
    real_a = link.resolve()
    assert (real_a.parent / "dep-b").exists() and not (root / "packages/app/node_modules/dep-b").exists()
    real_b = (real_a.parent / "dep-b").resolve()
    _compare(engine, root, [real_a / "index.js", real_a / "sync.js", real_b / "index.js"])
    # the store's files are dependencies, not the project's own: no findings there
    analysis = analyse(root, Config(), cache=False)
    assert not [f for f in analysis.findings if ".pnpm" in Path(f.path).parts]
    assert not analysis.modules[real_a / "index.js"].workspace


def test_npm_workspaces_hoisted(engine, tmp_path):
    npm = shutil.which("npm")
    assert npm, "npm is missing"
    root = tmp_path / "ws"
    _write(root)
    pkg = json.loads((root / "package.json").read_text())
    pkg["workspaces"] = ["packages/*"]
    (root / "package.json").write_text(json.dumps(pkg))
    # npm does not read workspace:* — the same links by version
    for rel in ("packages/util/package.json", "packages/app/package.json"):
        p = json.loads((root / rel).read_text())
        p["dependencies"] = {k: ("1.0.0" if v == "workspace:*" else v) for k, v in p["dependencies"].items()}
        (root / rel).write_text(json.dumps(p))
    proc = subprocess.run([npm, "install", "--offline", "--no-audit", "--no-fund"], cwd=root, env=_env(tmp_path),
                          capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    link = root / "node_modules/@acme/util"
    assert link.is_symlink() and link.resolve() == (root / "packages/util").resolve()
    dep_a = (root / "node_modules/dep-a").resolve()
    dep_b = (root / "node_modules/dep-b").resolve()
    _compare(engine, root, [dep_a / "index.js", dep_a / "sync.js", dep_b / "index.js"])


@pytest.mark.parametrize("global_cache", [False, True], ids=["project-cache", "global-cache"])
def test_yarn_plug_n_play(engines_node_modules, node26, tmp_path, monkeypatch, global_cache):
    yarn = engines_node_modules / "@yarnpkg" / "cli-dist" / "bin" / "yarn.js"
    assert yarn.exists(), "Yarn 4 is missing: `make engines` installs it"
    root = tmp_path / "ws"
    _write(root)
    (root / "pnpm-workspace.yaml").unlink()
    pkg = json.loads((root / "package.json").read_text())
    pkg["workspaces"] = ["packages/*"]
    (root / "package.json").write_text(json.dumps(pkg))
    # the app's local packages are linked (`portal:`); dep-a's dep-b stays `file:`, which Yarn packs
    # into a zip archive of the project's cache
    p = json.loads((root / "packages/app/package.json").read_text())
    p["dependencies"] = {k: v.replace("file:", "portal:") for k, v in p["dependencies"].items()}
    (root / "packages/app/package.json").write_text(json.dumps(p))
    # an import Plug'n'Play forbids: dep-b is dep-a's dependency, not the app's
    (root / "packages/app/src/strict.js").write_text("import { ready } from 'dep-b';\nexport { ready };\n")
    # Yarn 4's default keeps the archives in its global cache, outside the project
    # ($XDG_DATA_HOME/yarn/berry/cache), where tla-lens reads them too
    (root / ".yarnrc.yml").write_text("enableTelemetry: false\n" +
                                      ("" if global_cache else "enableGlobalCache: false\n"))
    env = dict(_env(tmp_path), YARN_ENABLE_NETWORK="0", YARN_ENABLE_IMMUTABLE_INSTALLS="0")
    monkeypatch.setenv("XDG_DATA_HOME", env["XDG_DATA_HOME"])
    monkeypatch.delenv("YARN_GLOBAL_FOLDER", raising=False)
    proc = subprocess.run([str(node26), str(yarn), "install"], cwd=root, env=env, capture_output=True,
                          text=True, timeout=180)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert (root / ".pnp.cjs").is_file() and not (root / "node_modules").exists()
    cache = Path(env["XDG_DATA_HOME"]) / "yarn/berry/cache" if global_cache else root / ".yarn/cache"
    zips = sorted(cache.glob("dep-b-file-*.zip"))
    assert zips, sorted(tmp_path.rglob("*.zip"))
    assert global_cache == (not (root / ".yarn/cache").exists())

    files = [root / f for f in APP] + [root / "vendor/dep-a/index.js", root / "vendor/dep-a/sync.js"] + \
        [z / "node_modules/dep-b/index.js" for z in zips]
    out = subprocess.run([str(node26), "--experimental-vm-modules", "--no-warnings", str(HERE / "pnp_link.mjs"),
                          str(root), *map(str, files)], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    v8 = json.loads(out.stdout)
    assert not [f for f, r in v8.items() if "error" in r], v8
    analysis = analyse(root, Config(), cache=False)
    ours = {str(f): {"tla": analysis.modules[f].has_tla, "async": analysis.modules[f].is_async} for f in files}
    assert ours == v8
    assert {f: v8[str(root / f)]["async"] for f in APP} == EXPECTED_ASYNC
    # Yarn refuses the undeclared dependency; tla-lens says why it cannot follow it
    strict = subprocess.run([str(node26), "--experimental-vm-modules", "--no-warnings", str(HERE / "pnp_link.mjs"),
                             str(root), str(root / "packages/app/src/strict.js")], capture_output=True, text=True)
    assert "error" in json.loads(strict.stdout)[str(root / "packages/app/src/strict.js")]
    (hint,) = [f for f in analysis.findings if f.code == "unresolved-import" and f.path.name == "strict.js"]
    assert "'dep-b' is not a dependency of @acme/app" in hint.message, hint.message
