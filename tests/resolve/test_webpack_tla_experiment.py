"""webpack before 5.83: top-level await is an experiment, off unless `experiments.topLevelAwait`
is true, and webpack refuses every top-level await it bundles ("The top-level-await experiment
is not enabled …") — the project's, a package's; from 5.83 it is on. The installed webpack's
version decides. Held to webpack 5.82 and 5.113 building each project."""
from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tla_lens.config import Config
from tla_lens.project import analyse

from .test_vite_target import app_root

BUILD = """const webpack = require(process.argv[2]);
const config = require(process.argv[3]);
webpack(config, (err, stats) => {
  if (err) { console.error(err); process.exit(2); }
  console.log(stats.toString({ colors: false, all: false, errors: true }));
  process.exit(stats.hasErrors() ? 1 : 0);
});
"""
CASES = {
    # (webpack, experiments, where the await is, fails)
    "5.82-default": ("webpack582", None, "project", True),
    "5.82-package": ("webpack582", None, "package", True),
    "5.82-experiment-on": ("webpack582", {"topLevelAwait": True}, "project", False),
    "5.82-experiment-off": ("webpack582", {"topLevelAwait": False, "asyncWebAssembly": False}, "project", True),
    "5.113-default": ("webpack", None, "project", False),
}


def _project(tmp_path: Path, engines: Path, case: str) -> Path:
    webpack, experiments, where, _ = CASES[case]
    root = app_root(tmp_path, {"name": "app", "private": True, "type": "module"}, "webpack", engines / webpack)
    extra = f",\n  experiments: {json.dumps(experiments)}" if experiments is not None else ""
    (root / "webpack.config.cjs").write_text(
        'module.exports = {\n  mode: "production",\n  entry: "./src/index.js",\n'
        f'  output: {{ path: __dirname + "/dist" }}{extra},\n}};\n')
    (root / "src/index.js").write_text('import { x } from "./a.js";\nimport { z } from "slow-dep";\nconsole.log(x, z);\n'
                                       if where == "package" else 'import { x } from "./a.js";\nconsole.log(x);\n')
    (root / "src/a.js").write_text("export const x = await Promise.resolve(1);\n" if where == "project"
                                   else "export const x = 1;\n")
    return root


@pytest.mark.parametrize("case", list(CASES))
def test_webpack_without_the_experiment_refuses_top_level_await(case, node26, engines_node_modules, tmp_path):
    webpack, _, where, fails = CASES[case]
    root = _project(tmp_path, engines_node_modules, case)
    project = analyse(root, Config(), cache=False)
    (tmp_path / "build.cjs").write_text(BUILD)
    proc = subprocess.run([str(node26), str(tmp_path / "build.cjs"), str(engines_node_modules / webpack),
                           str(root / "webpack.config.cjs")], cwd=root, capture_output=True, text=True, timeout=300)
    out = proc.stdout + proc.stderr
    refusal = "The top-level-await experiment is not enabled (set experiments.topLevelAwait: true to enabled it)"
    assert (proc.returncode != 0) == fails and (refusal in out) == fails, out
    said = [f for f in project.findings if "that build fails" in f.message]
    if not fails:
        assert not said, [f.message for f in said]
        return
    (f,) = said
    if where == "package":
        assert f.code == "async-import" and f.path == root / "src/index.js"
        what = "`slow-dep` with its top-level await"
    else:
        assert f.code == "top-level-await" and f.path == root / "src/a.js"
        what = "this module"
    assert f"webpack's build (webpack.config.cjs) bundles {what}, and webpack before 5.83 parses a top-level await " \
           f"only with `experiments.topLevelAwait` on, which this configuration does not set (\"{refusal}\"): that " \
           "build fails; set `experiments: { topLevelAwait: true }`" in f.message, f.message
