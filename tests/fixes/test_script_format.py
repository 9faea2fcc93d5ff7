"""The quick fix that makes an npm script's bundler command build ES modules only: the format
option set (or added where the tool's default is CommonJS) in package.json, in place; held to
esbuild, tsup and Bun building the edited script, and Node 26 running the output."""
from __future__ import annotations

import json
import os
import subprocess

import pytest

from tla_lens.config import Config
from tla_lens.fixes.edits import Fix, Refusal, apply_edits
from tla_lens.fixes.script_format import esm_script
from tla_lens.project import analyse


def _edited(cmd: str, tool: str, config=None) -> "str | Refusal":
    text = json.dumps({"name": "x", "scripts": {"build": cmd, "test": "node --test"}}, indent=2).encode()
    result = esm_script(text, "build", cmd, tool, config)
    if isinstance(result, Refusal):
        return result
    assert isinstance(result, Fix)
    after = json.loads(apply_edits(text, result.edits))
    assert after["scripts"]["test"] == "node --test"  # (the rest as written)
    return after["scripts"]["build"]


@pytest.mark.parametrize("tool,cmd,expected", [
    ("esbuild", "esbuild src/index.ts --bundle --platform=node --outdir=dist",
     "esbuild --format=esm src/index.ts --bundle --platform=node --outdir=dist"),
    ("esbuild", "esbuild src/index.ts --bundle --format=cjs", "esbuild src/index.ts --bundle --format=esm"),
    ("tsup", "tsup src/index.ts --format cjs,esm --dts", "tsup src/index.ts --format esm --dts"),
    ("tsup", "tsup src/index.ts", "tsup --format esm src/index.ts"),
    ("tsdown", "tsdown -f cjs", "tsdown --format esm"),
    ("Bun", "bun build src/a.ts --outdir dist --format cjs --target=node",
     "bun build src/a.ts --outdir dist --format=esm --target=node"),
])
def test_edits(tool, cmd, expected):
    assert _edited(cmd, tool) == expected


@pytest.mark.parametrize("tool,cmd,config,reason", [
    ("Bun", "bun build src/a.ts --bytecode", None, "`--bytecode` needs CommonJS without `--compile`"),
    ("esbuild", "esbuild a.ts --bundle && esbuild b.ts --bundle", None, "the script runs esbuild 2 times"),
    ("tsup", "tsup", "/p/tsup.config.ts", "its format is set in tsup.config.ts"),
])
def test_refusals(tool, cmd, config, reason):
    result = _edited(cmd, tool, config)
    assert isinstance(result, Refusal) and result.reason == reason


@pytest.mark.parametrize("script", ["tsup src/index.ts --format cjs",
                                    "esbuild src/index.ts --bundle --platform=node --packages=external --outdir=dist"])
def test_the_edited_script_builds_and_waits(script, node26, engines_node_modules, tmp_path):
    """A CommonJS build that failed on a bundled top-level await: the edited script builds ES
    modules, Node runs the output (it waits for the await), and tla-lens reports no error."""
    from tests.resolve.test_tsup_cjs import _project

    root = _project(tmp_path, script, None)
    (root / "src/config.ts").write_text("export const config = await Promise.resolve({ port: 1 });\n")
    (root / "src/index.ts").write_text('import { config } from "./config.js";\nconsole.log(config.port);\n')
    project = analyse(root, Config(), cache=False)
    (f,) = [f for f in project.findings if f.code == "top-level-await" and f.severity == "error"]
    build = project.cjs_bundled[f.path]
    manifest = root / "package.json"
    result = esm_script(manifest.read_bytes(), build.script, script, build.tool, build.config)
    assert isinstance(result, Fix)
    manifest.write_bytes(apply_edits(manifest.read_bytes(), result.edits))
    np = tmp_path / "np"  # (tsup loads `typescript`: the engines have it as ts5)
    np.mkdir()
    (np / "typescript").symlink_to(engines_node_modules / "ts5")
    env = dict(os.environ, PATH=f"{engines_node_modules / '.bin'}:{node26.parent}:{os.environ['PATH']}",
               NODE_PATH=str(np))
    edited = json.loads(manifest.read_text())["scripts"]["build"]
    proc = subprocess.run(["sh", "-c", edited], cwd=root, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    (out,) = [p for p in (root / "dist").glob("index.*js")]
    run = subprocess.run([str(node26), str(out)], cwd=root, capture_output=True, text=True, timeout=60)
    assert run.returncode == 0 and run.stdout.strip() == "1", run.stdout + run.stderr
    assert not [f for f in analyse(root, Config(), cache=False).findings if f.severity == "error"]


def test_the_edited_bun_build_builds(bun, tmp_path):
    """`bun build --format=cjs` refusing a bundled await: the edited script (`--format=esm`)
    builds, and Bun runs the bundle, which waits."""
    from tests.resolve.test_bun_build import _build, _project

    root = _project(tmp_path, "bun build src/index.ts --outdir dist --format=cjs --target=bun")
    (root / "src/config.ts").write_text("export const config = await Promise.resolve({ port: 1 });\n")
    (root / "src/index.ts").write_text('import { config } from "./config";\nconsole.log(config.port);\n')
    project = analyse(root, Config(), cache=False)
    (f,) = [f for f in project.findings if f.code == "top-level-await" and f.severity == "error"]
    assert _build(root, bun).returncode != 0
    build = project.cjs_bundled[f.path]
    manifest = root / "package.json"
    command = json.loads(manifest.read_text())["scripts"]["build"]
    result = esm_script(manifest.read_bytes(), build.script, command, build.tool, build.config)
    assert isinstance(result, Fix)
    manifest.write_bytes(apply_edits(manifest.read_bytes(), result.edits))
    proc = _build(root, bun)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    run = subprocess.run([str(bun), str(root / "dist/index.js")], cwd=root, capture_output=True, text=True,
                         timeout=60, env=dict(os.environ, BUN_RUNTIME_TRANSPILER_CACHE_PATH="0"))
    assert run.returncode == 0 and run.stdout.strip() == "1", run.stdout + run.stderr
    assert not [f for f in analyse(root, Config(), cache=False).findings if f.severity == "error"]
