"""An npm script that runs node with export conditions of its own (`node --conditions=development
src/main.js`, `-C`, in NODE_OPTIONS, for `node --test`): what its files reach resolves packages
with them, inside packages too; held to Node 26 running the script (which file it loads, and
whether require() of the entry throws ERR_REQUIRE_ASYNC_MODULE)."""
from __future__ import annotations

import json
import os
import subprocess

import pytest

from tla_lens.project import analyse
from tla_lens.resolve.scripts import package_node_runs

from .conftest import loaded

WAIT = "await new Promise((r) => setTimeout(r, 1));\n"


def _pkg(name: str, exports: dict, files: dict) -> dict:
    out = {f"node_modules/{name}/package.json": json.dumps({"name": name, "type": "module", "exports": exports})}
    out.update({f"node_modules/{name}/{k}": v for k, v in files.items()})
    return out


PROJECT = {
    # `source` builds of the workspace's own package (the live-types pattern), a `development`
    # build that waits, and a package whose own import resolves by the condition too
    **_pkg("lib", {".": {"@acme/source": "./src/index.js", "default": "./dist/index.js"}},
           {"src/index.js": 'console.log("LIB SOURCE");\n' + WAIT + "export const lib = 1;\n",
            "dist/index.js": 'console.log("LIB DIST");\nexport const lib = 1;\n'}),
    **_pkg("devtools", {".": {"development": "./dev.js", "default": "./prod.js"}},
           {"dev.js": 'console.log("DEVTOOLS DEV");\n' + WAIT + "export const dt = 1;\n",
            "prod.js": 'console.log("DEVTOOLS PROD");\nexport const dt = 1;\n'}),
    **_pkg("wrapper", {".": "./index.js"}, {"index.js": 'export { dt } from "devtools";\n'}),
    "src/main.js": 'import { lib } from "lib";\nimport { dt } from "wrapper";\nconsole.log(lib, dt);\n',
    "src/other.js": 'import { dt } from "devtools";\nconsole.log(dt);\n',
    "test/a.test.js": 'import { lib } from "lib";\nconsole.log(lib);\n',
}

SCRIPTS = {
    # script -> (command, the conditions it adds, {file it runs: the package builds Node loads})
    "dev": ("node --conditions=@acme/source -C development src/main.js", ("@acme/source", "development"),
            {"src/main.js": ["LIB SOURCE", "DEVTOOLS DEV"]}),
    "opts": ("NODE_OPTIONS='--conditions=development' node src/other.js", ("development",),
             {"src/other.js": ["DEVTOOLS DEV"]}),
    "plain": ("node src/main.js", (), {"src/main.js": ["LIB DIST", "DEVTOOLS PROD"]}),
    "test": ("node --conditions @acme/source --test test/*.test.js", ("@acme/source",),
             {"test/a.test.js": ["LIB SOURCE"]}),
    # tsx passes them on to node
    "tsx": ("tsx watch -C development src/other.js & sleep 4; kill %1", ("development",),
            {"src/other.js": ["DEVTOOLS DEV"]}),
}
SHOWN = {"LIB SOURCE": "node_modules/lib/src/index.js", "LIB DIST": "node_modules/lib/dist/index.js"}


def _run(node26, root, script: str) -> list[str]:
    command = SCRIPTS[script][0]
    bins = node26.parent.parent.parent / ".bin"  # (tsx's)
    env = dict(os.environ, PATH=f"{node26.parent}{os.pathsep}{bins}{os.pathsep}{os.environ['PATH']}")
    out = subprocess.run(["bash", "-c", command], cwd=root, capture_output=True, text=True, timeout=120, env=env)
    return [line for line in out.stdout.splitlines() if line.startswith(("LIB", "DEVTOOLS"))]


def _async_in_node(node26, root, rel: str, conds: tuple) -> bool:
    code = ("try { require(process.argv[1]); console.log('sync'); } "
            "catch (e) { console.log(e.code === 'ERR_REQUIRE_ASYNC_MODULE' ? 'ASYNC' : e.message); }")
    args = [str(node26), *(f"--conditions={c}" for c in conds), "-e", code, str(root / rel)]
    out = subprocess.run(args, cwd=root, capture_output=True, text=True, timeout=60)
    found = next((line for line in out.stdout.splitlines() if line in ("sync", "ASYNC")), None)
    assert found is not None, (rel, out.stdout, out.stderr)
    return found == "ASYNC"


@pytest.mark.parametrize("script", list(SCRIPTS))
def test_script_conditions_against_node(workspace, node26, script):
    command, conds, runs = SCRIPTS[script]
    root = workspace({**PROJECT, "package.json": json.dumps({"type": "module", "scripts": {script: command}})})
    a = analyse(root)
    loaded_by_node = _run(node26, root, script)
    for rel, builds in runs.items():
        assert loaded_by_node == builds, (script, loaded_by_node)
        mod = a.modules[root / rel]
        # the builds tla-lens follows are the ones Node loads: the entry's own, and the one a
        # package imports (wrapper -> devtools)
        followed = {e.target.relative_to(root).as_posix() for e in mod.edges if e.target}
        assert {SHOWN[b] for b in builds if b in SHOWN} <= followed, (script, followed)
        if any(b.startswith("DEVTOOLS") for b in builds):
            wrapper = root / "node_modules/wrapper/index.js"
            holder = a.modules[wrapper] if any(e.target == wrapper for e in mod.edges) else mod
            target = {e.target.name for e in holder.edges if e.target and "devtools" in e.target.parts}
            assert target == {"dev.js" if "DEVTOOLS DEV" in builds else "prod.js"}, (script, target)
        assert mod.is_async == _async_in_node(node26, root, rel, conds), (script, rel)
        assert mod.is_async == any(b in ("LIB SOURCE", "DEVTOOLS DEV") for b in builds)


def test_runs_read_from_scripts_and_bins(workspace):
    root = workspace({
        "package.json": json.dumps({"bin": {"tool": "bin/tool.js"}, "scripts": {
            "a": "cross-env NODE_OPTIONS=\"--conditions=x -C y\" node src/a.js",
            "b": "node -C z --conditions w src/b.js",
            "c": "node src/c.js --conditions=not-node",
        }}),
        "bin/tool.js": "#!/usr/bin/env -S node --conditions=cli\n",
        "src/a.js": "", "src/b.js": "", "src/c.js": "",
    })
    runs, _ = package_node_runs(json.loads((root / "package.json").read_text()), str(root), os.path.isfile,
                                lambda p: open(p).readline().rstrip("\n"))
    assert {r.name: r.conditions for r in runs} == {"a": ("x", "y"), "b": ("z", "w"), "c": (), "tool": ("cli",)}


def test_a_script_change_flips_the_conditions(workspace):
    root = workspace({**PROJECT, "package.json": json.dumps({"type": "module", "scripts": {"dev": "node src/main.js"}})})
    p = loaded(root)
    main = root / "src/main.js"
    assert not p.modules[main].is_async
    (root / "package.json").write_text(json.dumps({"type": "module", "scripts": {
        "dev": "node -C development src/main.js"}}))
    p.files_changed([root / "package.json"])
    assert p.modules[main].is_async
    assert p.infection.chain(main)[-1] == root / "node_modules/devtools/dev.js"
    assert p.runtime_conditions[root / "node_modules/wrapper/index.js"] == ("development",)
    (root / "package.json").write_text(json.dumps({"type": "module", "scripts": {"dev": "node src/main.js"}}))
    p.files_changed([root / "package.json"])
    assert not p.modules[main].is_async and not p.runtime_conditions


def test_explain_and_print_config(workspace):
    import sys
    root = workspace({**PROJECT, "package.json": json.dumps({"type": "module", "scripts": {
        "dev": "node -C development src/main.js"}})})
    run = subprocess.run([sys.executable, "-m", "tla_lens.cli", "explain", "src/main.js"], cwd=root,
                         capture_output=True, text=True, timeout=120)
    assert "Node runs it with export conditions of its own (`development`: `--conditions` in a script)" in run.stdout
    assert "node_modules/devtools/dev.js" in run.stdout
    run = subprocess.run([sys.executable, "-m", "tla_lens.cli", "check", "--print-config", "."], cwd=root,
                         capture_output=True, text=True, timeout=120)
    scripts = json.loads(run.stdout)["nodeScripts"]
    assert scripts == [{"file": "package.json", "script": "dev", "runs": "./src/main.js", "conditions": ["development"]}]
