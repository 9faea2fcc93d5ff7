"""babel-plugin-module-resolver's aliases and roots (Babel configurations of React Native apps,
webpack's babel-loader, Jest): a bare import the plugin rewrites is followed to the file its
rewrite names. Held to the plugin (5.0.3) rewriting each import under @babel/core 7.29: the
file tla-lens follows is the one the rewritten import names (with the extension the bundler
adds), a package alias leads into that package, an alias to nothing is unresolved."""
from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from tla_lens.config import Config
from tla_lens.project import analyse

OPTIONS = {
    "root": ["./src"],
    "extensions": [".ts", ".tsx", ".js"],
    "alias": {"@components": "./src/components", "^~/(.+)": "./src/\\1", "lodash": "lodash-es",
              "@theme": ["./src/missing-theme", "./src/theme"], "@gone": "./src/gone"},
}
CONFIGS = {
    # (React Native's: a function of `api`, the plugin among others)
    "babel.config.js": "module.exports = function (api) {\n  api.cache(true);\n  return {\n"
                       "    plugins: ['@babel/plugin-syntax-jsx', ['module-resolver', " + json.dumps(OPTIONS) + "]],\n"
                       "  };\n};\n",
    ".babelrc": json.dumps({"plugins": [["babel-plugin-module-resolver", OPTIONS]]}),
}
IMPORTS = ["@components/Button", "~/utils/format", "utils/deep", "lodash", "@theme", "@gone/x", "react-native",
           "./local"]
FILES = {
    "src/components/Button.tsx": "export const B = await Promise.resolve(1);\n",
    "src/utils/format.ts": "export const u = 1;\n",
    "src/utils/deep/index.js": "export const d = 1;\n",
    "src/theme/index.ts": "export const t = 1;\n",
    "local.js": "export const l = 1;\n",
    "node_modules/lodash-es/package.json": '{"name": "lodash-es", "type": "module", "main": "index.js"}',
    "node_modules/lodash-es/index.js": "export default 1;\n",
    "node_modules/react-native/package.json": '{"name": "react-native", "main": "index.js"}',
    "node_modules/react-native/index.js": "module.exports = {};\n",
}
PROBE = """
const [core, file] = process.argv.slice(1);
const { code } = require(core).transformFileSync(file, { cwd: process.cwd(), babelrc: true });
console.log(JSON.stringify([...code.matchAll(/from "([^"]+)"/g)].map((m) => m[1])));
"""


@pytest.mark.parametrize("config", list(CONFIGS))
def test_imports_as_the_plugin_rewrites_them(config, node26, engines_node_modules, tmp_path):
    root = Path(os.path.realpath(tmp_path)) / "app"
    files = {"package.json": json.dumps({"name": "app", "private": True}), config: CONFIGS[config],
             "index.js": "".join(f'import * as m{i} from "{s}";\n' for i, s in enumerate(IMPORTS)) +
                         f"console.log({', '.join(f'm{i}' for i in range(len(IMPORTS)))});\n", **FILES}
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    for name in ("babel-plugin-module-resolver", "@babel/plugin-syntax-jsx"):
        (root / "node_modules" / name).parent.mkdir(parents=True, exist_ok=True)
        (root / "node_modules" / name).symlink_to(engines_node_modules / name)
    proc = subprocess.run([str(node26), "-e", PROBE, str(engines_node_modules / "@babel/core"), "index.js"], cwd=root,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    rewritten = dict(zip(IMPORTS, json.loads(proc.stdout)))
    assert rewritten["@components/Button"] == "./src/components/Button"  # (the plugin at work)
    project = analyse(root, Config(), cache=False)
    edges = {e.specifier: e for e in project.modules[root / "index.js"].edges}
    for spec, new in rewritten.items():
        target = edges[spec].target
        if new.startswith("."):
            named = os.path.normpath(root / new)
            if not any(os.path.exists(named + x) for x in ("", ".ts", ".tsx", ".js", "/index.ts", "/index.js")):
                assert target is None, (spec, new, target)  # (an alias to nothing: unresolved)
                continue
            assert target is not None and (str(target) == named or str(target).startswith((named + ".", named + "/"))), \
                (spec, new, target)
        else:
            assert target is not None and (root / "node_modules" / new) in target.parents, (spec, new, target)
    unresolved = [f.message for f in project.findings if f.code == "unresolved-import"]
    assert len(unresolved) == 1 and "`@gone/x`" in unresolved[0] and config in unresolved[0], unresolved
    # async-ness follows the alias
    (warning,) = [f for f in project.findings if f.code == "async-import"]
    assert warning.message.startswith("`@components/Button` is an async module")


def test_without_the_plugin_nothing_is_rewritten(tmp_path):
    """A Babel configuration without the plugin (or none): the bare import is a package's."""
    (tmp_path / "package.json").write_text(json.dumps({"name": "app", "private": True}))
    (tmp_path / "babel.config.json").write_text(json.dumps({"presets": ["@babel/preset-env"]}))
    (tmp_path / "index.js").write_text('import { B } from "components/Button";\nconsole.log(B);\n')
    (tmp_path / "components").mkdir()
    (tmp_path / "components/Button.js").write_text("export const B = 1;\n")
    project = analyse(tmp_path, Config(), cache=False)
    (edge,) = project.modules[tmp_path / "index.js"].edges
    assert edge.target is None


def test_print_config_lists_the_plugins_aliases(tmp_path):
    import sys

    (tmp_path / "package.json").write_text(json.dumps({"name": "app", "private": True}))
    (tmp_path / ".babelrc").write_text(json.dumps({"plugins": [["module-resolver", OPTIONS]]}))
    out = subprocess.run([sys.executable, "-m", "tla_lens.cli", "check", "--print-config", str(tmp_path)],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    said = json.loads(out.stdout)
    aliases = {a["name"]: a["targets"] for a in said["bundlerAliases"] if a.get("via") == "babel-plugin-module-resolver"}
    assert aliases["@components"] == ["./src/components"] and aliases["lodash"] == ["lodash-es"]
    assert aliases["^~/(.+)"] == ["./src/$1"]
    assert said["babelRoots"] == [{"file": ".babelrc", "appliesTo": ".", "roots": ["./src"],
                                   "extensions": [".ts", ".tsx", ".js"]}]
