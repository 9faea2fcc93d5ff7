"""The quick fix that makes a tsup (tsdown) build ES modules only where its configuration sets
the format (or leaves tsup's default, CommonJS): `format` set to "esm" in tsup.config.* or the
JSON configurations, in place; held to tsup building the edited configuration, and Node 26
running the output."""
from __future__ import annotations

import json
import os
import subprocess

import pytest

from tla_lens.config import Config
from tla_lens.fixes.config_format import esm_config
from tla_lens.fixes.edits import Fix, Refusal, apply_edits
from tla_lens.fixes.esm_build import esm_build
from tla_lens.project import analyse


def _edited(text: str, name: str = "tsup.config.ts", tool: str = "tsup"):
    result = esm_config(text.encode(), "/p/" + name, tool)
    if not isinstance(result, Fix):
        return result
    return apply_edits(text.encode(), result.edits).decode()


@pytest.mark.parametrize("before,after", [
    # a list of formats: ES modules only, the file's quotes kept
    ("import { defineConfig } from 'tsup';\n\nexport default defineConfig({\n  entry: ['src/index.ts'],\n"
     "  format: ['cjs', 'esm'],\n  dts: true,\n});\n",
     "import { defineConfig } from 'tsup';\n\nexport default defineConfig({\n  entry: ['src/index.ts'],\n"
     "  format: ['esm'],\n  dts: true,\n});\n"),
    # a string
    ('export default { entry: ["src/index.ts"], format: "cjs" };\n',
     'export default { entry: ["src/index.ts"], format: "esm" };\n'),
    # no format (tsup's default, CommonJS): added first, on a line of its own where the options are
    ("export default defineConfig({\n  entry: ['src/index.ts'],\n  clean: true,\n});\n",
     "export default defineConfig({\n  format: ['esm'],\n  entry: ['src/index.ts'],\n  clean: true,\n});\n"),
    ("export default {entry: ['a.ts']}\n", "export default { format: ['esm'],entry: ['a.ts']}\n"),
    ("export default {}\n", 'export default { format: ["esm"] }\n'),
    # through a constant; CommonJS's module.exports; CRLF line breaks kept
    ("const options = {\r\n  entry: ['a.ts'],\r\n};\r\nexport default defineConfig(options);\r\n",
     "const options = {\r\n  format: ['esm'],\r\n  entry: ['a.ts'],\r\n};\r\nexport default defineConfig(options);\r\n"),
    ('module.exports = { format: ["iife", "cjs"] };\n', 'module.exports = { format: ["esm"] };\n'),
])
def test_edits(before, after):
    assert _edited(before) == after


@pytest.mark.parametrize("text,reason", [
    ("export default defineConfig([{ format: 'cjs' }, { format: 'esm' }]);\n",
     "its options are not one object literal (a list of builds, or a function)"),
    ("export default defineConfig((options) => ({ format: 'cjs' }));\n",
     "its options are not one object literal (a list of builds, or a function)"),
    ("const formats = ['cjs'];\nexport default { format: formats };\n",
     "its `format` is not a string or a list of strings written here"),
    ("export default { ...base };\n", "its options spread other options, which may set `format`"),
])
def test_refusals(text, reason):
    result = _edited(text)
    assert isinstance(result, Refusal) and result.reason == reason, result


def test_json_configurations():
    text = '{\n  // built for Node\n  "entry": ["src/index.ts"],\n  "format": ["cjs"]\n}\n'
    assert json.loads(_edited(text, "tsup.config.json").replace("// built for Node\n", "")) == \
        {"entry": ["src/index.ts"], "format": "esm"}
    manifest = json.dumps({"name": "x", "tsup": {"entry": ["src/index.ts"]}}, indent=2)
    assert json.loads(_edited(manifest, "package.json"))["tsup"] == {"format": "esm", "entry": ["src/index.ts"]}
    assert esm_config(b'{"format": "esm"}', "/p/tsup.config.json") is None


CONFIGS = {
    "list": "import { defineConfig } from 'tsup';\n\nexport default defineConfig({\n  entry: ['src/index.ts'],\n"
            "  format: ['cjs', 'esm'],\n  outExtension: ({ format }) => ({ js: format === 'cjs' ? '.cjs' : '.mjs' }),\n"
            "});\n",
    "default": "import { defineConfig } from 'tsup';\n\nexport default defineConfig({\n  entry: ['src/index.ts'],\n"
               "  outExtension: ({ format }) => ({ js: format === 'cjs' ? '.cjs' : '.mjs' }),\n});\n",
}


@pytest.mark.parametrize("case", list(CONFIGS))
def test_the_edited_configuration_builds_and_waits(case, node26, engines_node_modules, tmp_path):
    """tsup's CommonJS build (a list of formats, or tsup's default) fails on a bundled top-level
    await; the fix edits tsup.config.ts (the script names no format), then tsup builds, Node runs
    the ES module (it waits) and tla-lens reports no error."""
    from tests.resolve.test_tsup_cjs import _project

    root = _project(tmp_path, "tsup", CONFIGS[case])
    (root / "src/config.ts").write_text("export const config = await Promise.resolve({ port: 1 });\n")
    (root / "src/index.ts").write_text('import { config } from "./config.js";\nconsole.log(config.port);\n')
    np = tmp_path / "np"  # (tsup loads `typescript`: the engines have it as ts5)
    np.mkdir()
    (np / "typescript").symlink_to(engines_node_modules / "ts5")
    (root / "node_modules/tsup").symlink_to(engines_node_modules / "tsup")  # (the configuration imports it)
    env = dict(os.environ, PATH=f"{engines_node_modules / '.bin'}:{node26.parent}:{os.environ['PATH']}",
               NODE_PATH=str(np))
    proc = subprocess.run(["sh", "-c", "tsup"], cwd=root, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode != 0 and \
        'Top-level await is currently not supported with the "cjs" output format' in proc.stdout + proc.stderr
    project = analyse(root, Config(), cache=False)
    (f,) = [f for f in project.findings if f.code == "top-level-await" and f.severity == "error"]
    found = esm_build(project.cjs_bundled[f.path], lambda p: p.read_bytes())
    assert found is not None
    path, text, result = found
    assert path == root / "tsup.config.ts" and isinstance(result, Fix), result
    assert result.title == 'Build ES modules only: `format: "esm"` in tsup.config.ts'
    path.write_bytes(apply_edits(text, result.edits))
    proc = subprocess.run(["sh", "-c", "tsup"], cwd=root, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert not list((root / "dist").glob("*.cjs"))
    run = subprocess.run([str(node26), str(root / "dist/index.mjs")], cwd=root, capture_output=True, text=True,
                         timeout=60)
    assert run.returncode == 0 and run.stdout.strip() == "1", run.stdout + run.stderr
    assert not [f for f in analyse(root, Config(), cache=False).findings if f.severity == "error"]


def test_a_format_on_the_command_line_is_edited_there(tmp_path):
    """`tsup --format cjs` with a tsup.config.ts: the command line wins (tsup's rule), so the
    script is what the fix edits."""
    from tests.resolve.test_tsup_cjs import _project

    root = _project(tmp_path, "tsup --format cjs", CONFIGS["list"])
    (root / "src/config.ts").write_text("export const config = await Promise.resolve({ port: 1 });\n")
    (root / "src/index.ts").write_text('import { config } from "./config.js";\nconsole.log(config.port);\n')
    project = analyse(root, Config(), cache=False)
    (f,) = [f for f in project.findings if f.code == "top-level-await" and f.severity == "error"]
    path, _, result = esm_build(project.cjs_bundled[f.path], lambda p: p.read_bytes())
    assert path == root / "package.json" and result.title.startswith("Build ES modules only: `--format esm` in script")


@pytest.mark.parametrize("before,after", [
    # Vite's default formats (UMD for one entry): `formats` added first in `build.lib`
    ('export default defineConfig({\n  build: {\n    lib: {\n      entry: "src/index.ts",\n      name: "Svc",\n'
     '    },\n  },\n});\n',
     'export default defineConfig({\n  build: {\n    lib: {\n      formats: ["es"],\n      entry: "src/index.ts",\n'
     '      name: "Svc",\n    },\n  },\n});\n'),
    ("export default { build: { lib: { entry: 'a.ts', formats: ['es', 'cjs'] } } };\n",
     "export default { build: { lib: { entry: 'a.ts', formats: ['es'] } } };\n"),
])
def test_vite_edits(before, after):
    from tla_lens.fixes.config_format import vite_esm

    result = vite_esm(before.encode(), "/p/vite.config.ts")
    assert isinstance(result, Fix) and result.title == 'Build ES modules only: `build.lib.formats: ["es"]` in ' \
        "vite.config.ts"
    assert apply_edits(before.encode(), result.edits).decode() == after


def test_the_edited_vite_library_builds_and_waits(node26, engines_node_modules, tmp_path):
    """A Vite library (one entry: ES modules and UMD by default) bundling a top-level await
    fails to build; the fix sets `build.lib.formats`, then Vite builds, Node runs the ES module
    output (it waits) and tla-lens reports no error."""
    from tests.resolve.test_vite_lib import _build, _vite_project

    config = ('import { defineConfig } from "vite";\n\nexport default defineConfig({\n  build: {\n    lib: {\n'
              '      entry: "src/index.ts",\n      name: "Svc",\n      fileName: "svc",\n    },\n  },\n});\n')
    root = _vite_project(tmp_path, engines_node_modules, config)
    (root / "src/config.ts").write_text("export const config = await Promise.resolve({ port: 1 });\n")
    (root / "src/index.ts").write_text('import { config } from "./config";\nconsole.log(config.port);\n')
    proc = _build(root, node26, engines_node_modules)
    assert proc.returncode != 0 and 'does not support top-level await' in proc.stdout + proc.stderr, \
        proc.stdout + proc.stderr
    project = analyse(root, Config(), cache=False)
    (f,) = [f for f in project.findings if f.code == "top-level-await" and f.severity == "error"]
    found = esm_build(project.cjs_bundled[f.path], lambda p: p.read_bytes())
    assert found is not None
    path, text, result = found
    assert path == root / "vite.config.js" and isinstance(result, Fix), result
    path.write_bytes(apply_edits(text, result.edits))
    proc = _build(root, node26, engines_node_modules)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    (out,) = list((root / "dist").glob("svc*.js"))
    run = subprocess.run([str(node26), str(out)], cwd=root, capture_output=True, text=True, timeout=60)
    assert run.returncode == 0 and run.stdout.strip() == "1", run.stdout + run.stderr
    assert not [f for f in analyse(root, Config(), cache=False).findings if f.severity == "error"]


@pytest.mark.parametrize("call,expected", [
    # esbuild for Node without a format (CommonJS): added, as a string
    ('await esbuild.build({\n  entryPoints: ["src/index.ts"],\n  bundle: true,\n  platform: "node",\n'
     '  outfile: "dist/index.js",\n});\n',
     'await esbuild.build({\n  format: "esm",\n  entryPoints: ["src/index.ts"],\n  bundle: true,\n'
     '  platform: "node",\n  outfile: "dist/index.js",\n});\n'),
    ("await build({ entryPoints: ['src/index.ts'], bundle: true, format: 'cjs' });\n",
     "await build({ entryPoints: ['src/index.ts'], bundle: true, format: 'esm' });\n"),
])
def test_api_edits(call, expected):
    from tla_lens.fixes.config_format import api_esm

    text = ('import * as esbuild from "esbuild";\nimport { build } from "esbuild";\n\n' + call).encode()
    result = api_esm(text, "/p/build.mjs", 4, "esbuild")
    assert isinstance(result, Fix) and result.title == \
        'Build ES modules only: `format: "esm"` in the esbuild build at line 4 of build.mjs'
    assert apply_edits(text, result.edits).decode().split("\n", 3)[3] == expected


def test_api_refusals():
    from tla_lens.fixes.config_format import api_esm

    text = b'await esbuild.build({ bundle: true, format: "cjs", outfile: "dist/x.cjs" });\n'
    assert api_esm(text, "/p/b.mjs", 1, "esbuild").reason == "its `outfile` is a .cjs file"
    assert api_esm(text, "/p/b.mjs", 2, "esbuild").reason == "no `build(…)` call at line 2"
    text = b'await Bun.build({ entrypoints: ["a.ts"], bytecode: true });\n'
    assert api_esm(text, "/p/b.ts", 1, "Bun").reason == "`bytecode: true` needs CommonJS"


def test_the_edited_build_script_builds_and_waits(node26, engines_node_modules, tmp_path):
    """A build script calling esbuild's API for Node (CommonJS by default) fails on a bundled
    top-level await; the fix adds `format: "esm"` to that call, then the script builds, Node
    runs the output (it waits) and tla-lens reports no error."""
    from tests.resolve.test_tsup_cjs import _project

    root = _project(tmp_path, "node build.mjs", None)
    (root / "node_modules/esbuild").symlink_to(engines_node_modules / "esbuild")
    (root / "build.mjs").write_text('import * as esbuild from "esbuild";\n\nawait esbuild.build({\n'
                                    '  entryPoints: ["src/index.ts"],\n  bundle: true,\n  platform: "node",\n'
                                    '  packages: "external",\n  outfile: "dist/index.js",\n});\n')
    (root / "src/config.ts").write_text("export const config = await Promise.resolve({ port: 1 });\n")
    (root / "src/index.ts").write_text('import { config } from "./config.js";\nconsole.log(config.port);\n')
    env = dict(os.environ, PATH=f"{node26.parent}:{os.environ['PATH']}")
    proc = subprocess.run(["sh", "-c", "node build.mjs"], cwd=root, env=env, capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode != 0 and 'Top-level await is currently not supported with the "cjs" output format' in \
        proc.stdout + proc.stderr, proc.stdout + proc.stderr
    project = analyse(root, Config(), cache=False)
    (f,) = [f for f in project.findings if f.code == "top-level-await" and f.severity == "error"]
    found = esm_build(project.cjs_bundled[f.path], lambda p: p.read_bytes())
    assert found is not None
    path, text, result = found
    assert path == root / "build.mjs" and isinstance(result, Fix), result
    path.write_bytes(apply_edits(text, result.edits))
    proc = subprocess.run(["sh", "-c", "node build.mjs"], cwd=root, env=env, capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    run = subprocess.run([str(node26), str(root / "dist/index.js")], cwd=root, capture_output=True, text=True,
                         timeout=60)
    assert run.returncode == 0 and run.stdout.strip() == "1", run.stdout + run.stderr
    assert not [f for f in analyse(root, Config(), cache=False).findings if f.severity == "error"]


def test_the_edited_bun_build_call_builds_and_waits(bun, tmp_path):
    """`Bun.build({ format: "cjs" })` in a script Bun runs fails on a bundled await; the fix
    sets `format: "esm"` in that call, then it builds and Bun runs the bundle, which waits."""
    from tests.resolve.test_bun_build import _project

    root = _project(tmp_path, "bun build.ts")
    (root / "build.ts").write_text('await Bun.build({\n  entrypoints: ["src/index.ts"],\n  outdir: "dist",\n'
                                   '  format: "cjs",\n  target: "bun",\n});\n')
    (root / "src/config.ts").write_text("export const config = await Promise.resolve({ port: 1 });\n")
    (root / "src/index.ts").write_text('import { config } from "./config";\nconsole.log(config.port);\n')
    env = dict(os.environ, BUN_RUNTIME_TRANSPILER_CACHE_PATH="0")
    proc = subprocess.run([str(bun), "build.ts"], cwd=root, env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode != 0, proc.stdout + proc.stderr
    project = analyse(root, Config(), cache=False)
    (f,) = [f for f in project.findings if f.code == "top-level-await" and f.severity == "error"]
    path, text, result = esm_build(project.cjs_bundled[f.path], lambda p: p.read_bytes())
    assert path == root / "build.ts" and isinstance(result, Fix), result
    path.write_bytes(apply_edits(text, result.edits))
    assert 'format: "esm",' in path.read_text()
    proc = subprocess.run([str(bun), "build.ts"], cwd=root, env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    run = subprocess.run([str(bun), str(root / "dist/index.js")], cwd=root, env=env, capture_output=True, text=True,
                         timeout=60)
    assert run.returncode == 0 and run.stdout.strip() == "1", run.stdout + run.stderr
    assert not [f for f in analyse(root, Config(), cache=False).findings if f.severity == "error"]
