"""Babel compiling what Node loads (`node -r @babel/register FILE`, `babel-node FILE`): with
@babel/preset-env every file of the project the entry reaches becomes CommonJS — its imports
`require()` calls (an ES module with top-level await there throws ERR_REQUIRE_ASYNC_MODULE), its
own top-level await left in a file Node cannot load as CommonJS. An ES module by its package's
`"type"` is not compiled (Node's ES module loader does not go through Babel). Held to Babel 7.29
(@babel/register, @babel/node) running each npm script under Node 26."""
from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from tla_lens.config import Config
from tla_lens.project import analyse

FILES = {
    "babel.config.json": '{"presets": ["@babel/preset-env"]}',
    "src/db.js": "export const db = await Promise.resolve(1);\n",
    "src/plain.js": "export const p = 1;\n",
    "src/esm/package.json": '{"type": "module"}',
    "src/esm/db.js": "export const e = await Promise.resolve(3);\n",
    "node_modules/waits/package.json": '{"name": "waits", "type": "module", "exports": "./index.js"}',
    "node_modules/waits/index.js": "export const w = await Promise.resolve(2);\n",
}
CASES = {
    # the project's own await, compiled into CommonJS: the run fails
    "own": ('import { db } from "./db";\nconsole.log(db);\n', ("src/db.js", "top-level-await")),
    # a package's: require("waits") throws
    "package": ('import { w } from "waits";\nconsole.log(w);\n', ("src/main.js", "require-async")),
    # an ES module by its package's "type": not compiled; require() of it throws
    "type-module": ('import { e } from "./esm/db.js";\nconsole.log(e);\n', ("src/main.js", "require-async")),
    # nothing waits: it runs
    "plain": ('import { p } from "./plain";\nconsole.log(p);\n', None),
}


@pytest.mark.parametrize("runner", ["node -r @babel/register src/main.js", "babel-node src/main.js"])
@pytest.mark.parametrize("case", list(CASES))
def test_runs_as_node_runs_them_under_babel(case, runner, node26, engines_node_modules, tmp_path):
    main, expected = CASES[case]
    root = Path(os.path.realpath(tmp_path)) / "app"
    for rel, text in {**FILES, "src/main.js": main,
                      "package.json": json.dumps({"name": "app", "scripts": {"start": runner}})}.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    (root / "node_modules/@babel").symlink_to(engines_node_modules / "@babel")
    env = dict(os.environ, PATH=f"{engines_node_modules / '.bin'}:{node26.parent}:{os.environ['PATH']}")
    run = subprocess.run(["sh", "-c", runner], cwd=root, env=env, capture_output=True, text=True, timeout=120)
    project = analyse(root, Config(), cache=False)
    said = {(str(f.path.relative_to(root)), f.code) for f in project.findings
            if f.code == "require-async" or (f.code == "top-level-await" and "Babel" in f.message)}
    if expected is None:
        assert run.returncode == 0 and run.stdout.strip() == "1", run.stdout + run.stderr
        assert not said
        return
    assert run.returncode != 0, run.stdout
    failure = "ERR_REQUIRE_ASYNC_MODULE" if expected[1] == "require-async" else \
        ("ERR_REQUIRE_ASYNC_MODULE", "await is only valid", "ERR_AMBIGUOUS_MODULE_SYNTAX")
    assert any(f in run.stderr for f in ((failure,) if isinstance(failure, str) else failure)), run.stderr
    assert said == {expected}
    (f,) = [f for f in project.findings if (str(f.path.relative_to(root)), f.code) == expected]
    if expected[1] == "top-level-await":
        assert "script `start` of package.json runs it with Babel compiling what Node loads (@babel/register, " \
               "babel-node) into CommonJS, with @babel/preset-env" in f.message, f.message
    assert f.message.endswith("or run it as an ES module (`\"type\": \"module\"` in package.json: Node's ES module "
                              "loader does not go through @babel/register, and finds imports by their full file "
                              "names)"), f.message


def test_as_an_es_module_babel_does_not_compile_it(node26, engines_node_modules, tmp_path):
    """The advice followed: under `"type": "module"` Node's ES module loader runs the files as
    they are, @babel/register preloaded or not; the top-level await works, nothing is said."""
    root = Path(os.path.realpath(tmp_path)) / "app"
    files = {**FILES, "src/main.js": 'import { db } from "./db.js";\nconsole.log(db);\n',
             "package.json": json.dumps({"name": "app", "type": "module",
                                         "scripts": {"start": "node -r @babel/register src/main.js"}})}
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    (root / "node_modules/@babel").symlink_to(engines_node_modules / "@babel")
    run = subprocess.run([str(node26), "-r", "@babel/register", "src/main.js"], cwd=root, capture_output=True,
                         text=True, timeout=120)
    assert run.returncode == 0 and run.stdout.strip() == "1", run.stderr
    project = analyse(root, Config(), cache=False)
    assert not [f for f in project.findings if "Babel" in f.message]
