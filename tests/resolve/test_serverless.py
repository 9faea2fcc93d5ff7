"""The Serverless Framework's serverless-esbuild plugin: each function of a serverless.yml
bundled by esbuild when the service is packaged, CommonJS for `platform: node` unless
`custom.esbuild.format` says otherwise, for the target `provider.runtime` names. Held to the
Serverless Framework 3.40 with serverless-esbuild 1.57 packaging services (`serverless
package`, offline) and Node 26 running what they bundled."""
from __future__ import annotations

import json
import os
import subprocess
import threading
import time
import zipfile
from pathlib import Path

import pytest

from tla_lens.config import Config
from tla_lens.project import analyse
from tla_lens.resolve.serverless import serverless_builds

SECRET = 'const secret = await Promise.resolve("s");\n\nexport const handler = async () => ({ body: secret });\n'
USES_DEP = 'import { x } from "slow-dep";\n\nexport const handler = async () => ({ body: x });\n'
SLOW_DEP = {"package.json": '{"name": "slow-dep", "version": "1.0.0", "type": "module", "exports": "./i.js"}',
            "i.js": "export const x = await Promise.resolve('A');\n"}


def _service(tmp_path: Path, custom: str = "", runtime: str = "nodejs20.x", app: str = SECRET) -> Path:
    root = Path(os.path.realpath(tmp_path)) / "svc"
    (root / "src").mkdir(parents=True)
    (root / "src/app.ts").write_text(app)
    (root / "serverless.yml").write_text(
        f"service: tla\nframeworkVersion: '3'\nprovider:\n  name: aws\n  runtime: {runtime}\n"
        f"plugins:\n  - serverless-esbuild\nfunctions:\n  hello:\n    handler: src/app.handler\n"
        f"    events:\n      - httpApi: GET /hello\n{custom}")
    # (a dependency npm installs from a folder: the plugin runs npm for the externals, with no
    # registry needed)
    (root / "package.json").write_text(json.dumps({"name": "svc", "version": "1.0.0", "private": True,
                                                   "dependencies": {"slow-dep": "file:./vendor/slow-dep"}}))
    for rel, text in SLOW_DEP.items():
        (root / "vendor/slow-dep" / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / "vendor/slow-dep" / rel).write_text(text)
    (root / "node_modules").mkdir()
    (root / "node_modules/slow-dep").symlink_to("../vendor/slow-dep")
    return root


def _package(root: Path, serverless: Path, node26: Path) -> tuple[bool, str]:
    """`serverless package` in the service's folder (offline; the plugin linked into its
    node_modules): (packaged, what it printed). After a failed esbuild build the framework
    keeps running (the plugin's esbuild context stays open): it is stopped once its error is out."""
    plugin = root / "node_modules/serverless-esbuild"
    if not plugin.exists():
        plugin.symlink_to(serverless.parent.parent / "serverless-esbuild")
    env = dict(os.environ, PATH=f"{node26.parent}:{os.environ['PATH']}", HOME=str(root.parent / "home"),
               SLS_TELEMETRY_DISABLED="1", SLS_NOTIFICATIONS_MODE="off", AWS_ACCESS_KEY_ID="x",
               AWS_SECRET_ACCESS_KEY="y")
    proc = subprocess.Popen([str(serverless), "package"], cwd=root, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    out: list[str] = []
    reader = threading.Thread(target=lambda: out.extend(proc.stdout), daemon=True)
    reader.start()
    deadline, last, seen = time.monotonic() + 240, time.monotonic(), 0
    while proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.2)
        if len(out) != seen:
            seen, last = len(out), time.monotonic()
        elif any(line.startswith("Error:") for line in out) and time.monotonic() - last > 3:
            break
    if proc.poll() is None:
        proc.kill()
    proc.wait(timeout=30)
    reader.join(timeout=10)
    text = "".join(out)
    return proc.returncode == 0 and "Service packaged" in text, text


def _bundle(root: Path, tmp_path: Path, name: str) -> Path:
    """The handler's bundle, out of the package the framework made."""
    out = tmp_path / "unzipped"
    with zipfile.ZipFile(root / ".serverless/tla.zip") as z:
        z.extractall(out)
    return out / name


@pytest.mark.parametrize("case", ["defaults", "node14-esm"])
def test_a_bundled_top_level_await_fails_packaging(case, serverless_cli, node26, tmp_path):
    custom, runtime = {"defaults": ("", "nodejs20.x"),
                       "node14-esm": ("custom:\n  esbuild:\n    format: esm\n    outputFileExtension: .mjs\n",
                                      "nodejs14.x")}[case]
    root = _service(tmp_path, custom, runtime)
    project = analyse(root, Config(), cache=False)
    ok, out = _package(root, serverless_cli, node26)
    words = 'Top-level await is currently not supported with the "cjs" output format' if case == "defaults" else \
        'Top-level await is not available in the configured target environment ("node14")'
    assert not ok and words in out, out
    (f,) = [f for f in project.findings if f.severity == "error"]
    assert f.path == root / "src/app.ts" and f.code == "top-level-await"
    assert "(function `hello` of serverless.yml) bundles this module, and esbuild refuses a top-level await" \
           in f.message and f'("{words}"): that build fails' in f.message, f.message
    if case == "defaults":
        assert f.message.endswith("set `format: esm` (with `outputFileExtension: .mjs`) in `custom.esbuild`")
    else:
        assert "for its target (the target serverless-esbuild takes from `runtime: nodejs14.x`, `--target=node14`)" \
            in f.message and f.message.endswith("or `target: node14.8` or later in `custom.esbuild`)"), f.message


def test_es_module_bundle_waits(serverless_cli, node26, tmp_path):
    """`format: esm` (the fix the messages name): the framework packages the function, Node runs
    the handler's ES module (which waited), and tla-lens reports no error."""
    root = _service(tmp_path, "custom:\n  esbuild:\n    format: esm\n    outputFileExtension: .mjs\n")
    project = analyse(root, Config(), cache=False)
    ok, out = _package(root, serverless_cli, node26)
    assert ok, out
    bundle = _bundle(root, tmp_path, "src/app.mjs")
    run = subprocess.run([str(node26), "--input-type=module", "-e",
                          f"const m = await import({json.dumps(bundle.as_uri())}); console.log((await m.handler()).body)"],
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 0 and run.stdout.strip() == "s", run.stdout + run.stderr
    assert not [f for f in project.findings if f.severity == "error"], [f.message for f in project.findings]


def test_external_package_is_required(serverless_cli, node26, tmp_path):
    """`external: [slow-dep]` in a CommonJS bundle: the bundle require()s the package, which
    throws ERR_REQUIRE_ASYNC_MODULE; the import is a require-async error."""
    root = _service(tmp_path, "custom:\n  esbuild:\n    external:\n      - slow-dep\n", app=USES_DEP)
    project = analyse(root, Config(), cache=False)
    ok, out = _package(root, serverless_cli, node26)
    assert ok, out
    bundle = _bundle(root, tmp_path, "src/app.js")
    run = subprocess.run([str(node26), "-e", f"require({json.dumps(str(bundle))})"], capture_output=True, text=True,
                         timeout=60, env=dict(os.environ, NODE_PATH=str(root / "node_modules")))
    assert "ERR_REQUIRE_ASYNC_MODULE" in run.stderr, run.stdout + run.stderr
    (f,) = [f for f in project.findings if f.severity == "error"]
    assert f.code == "require-async" and f.message.startswith(
        "`slow-dep` is a package that serverless-esbuild's CommonJS build (function `hello` of serverless.yml) "
        "keeps external"), f.message


def test_an_unlisted_package_is_bundled_and_waits(serverless_cli, node26, tmp_path):
    """Without `external`, the package is bundled: its await is in the CommonJS bundle, which
    fails packaging; the import is not a require-async, the build's refusal is the error."""
    root = _service(tmp_path, app=USES_DEP)
    project = analyse(root, Config(), cache=False)
    ok, out = _package(root, serverless_cli, node26)
    assert not ok and 'Top-level await is currently not supported with the "cjs" output format' in out, out
    assert not [f for f in project.findings if f.code == "require-async"]


@pytest.mark.parametrize("service,expected", [
    # plugins.modules; an index file; skipEsbuild; esbuildEntrypoint; resolveExtensions
    ({"provider": {"name": "aws", "runtime": "nodejs22.x"}, "plugins": {"modules": ["serverless-esbuild"]},
      "custom": {"esbuild": {"exclude": ["*"], "external": ["pg"]}},
      "functions": {"a": {"handler": "fns/a.main"}, "b": {"handler": "b.main", "skipEsbuild": True},
                    "c": {"handler": "x.run", "esbuildEntrypoint": "lib/c.go"}}},
     [("a", ("fns/a/index.ts",), ("cjs",), ("node22",), ["pg"], None), ("c", ("lib/c.ts",), ("cjs",), ("node22",),
                                                                         ["pg"], None)]),
    # neutral platform: ES modules; the default exclude (aws-sdk); a target of its own
    ({"provider": {"runtime": "nodejs18.x"}, "plugins": ["serverless-esbuild"],
      "custom": {"esbuild": {"platform": "neutral", "target": "es2020"}}, "functions": {"a": {"handler": "h.x"}}},
     [("a", ("h.js",), ("esm",), ("es2020",), ["aws-sdk"], None)]),
    # not read: a JavaScript options file; a variable
    ({"provider": {"runtime": "nodejs20.x"}, "plugins": ["serverless-esbuild"],
      "custom": {"esbuild": {"config": "./esbuild.config.js"}}, "functions": {"a": {"handler": "h.x"}}},
     [("a", (), ("cjs",), (), [], "its esbuild options come from a JavaScript file (`custom.esbuild.config`), "
                                  "which tla-lens does not run")]),
    ({"provider": {"runtime": "nodejs20.x"}, "plugins": ["serverless-esbuild"],
      "custom": {"esbuild": {"format": "${self:custom.fmt}"}}, "functions": {"a": {"handler": "h.x"}}},
     [("a", (), ("cjs",), (), [], "its esbuild options or runtime use Serverless variables (`${…}`)")]),
    # another plugin bundles: nothing
    ({"provider": {"runtime": "nodejs20.x"}, "plugins": ["serverless-webpack"], "custom": {"note": "serverless-esbuild"},
      "functions": {"a": {"handler": "h.x"}}}, []),
])
def test_services_read(service, expected, tmp_path):
    for rel in ("fns/a/index.ts", "lib/c.ts", "h.js"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("export {};\n")
    (tmp_path / "serverless.json").write_text(json.dumps(service))
    got = serverless_builds(str(tmp_path), os.path.isfile, lambda p: Path(p).read_text())
    assert [(b.script, b.entries, b.formats, b.target, b.external_shown, b.unread) for b in got] == expected


_KEYS = ["plugins", "modules", "serverless-esbuild", "functions", "hello", "handler", "esbuildEntrypoint",
         "skipEsbuild", "custom", "esbuild", "format", "platform", "target", "external", "exclude", "provider",
         "runtime", "name", "resolveExtensions", "config", "bundle"]


def test_any_service_is_read_without_failing(tmp_path):
    """Whatever a service file holds, reading it gives builds or none, never an exception."""
    from hypothesis import given, settings, strategies as st

    values = st.recursive(st.none() | st.booleans() | st.integers() |
                          st.sampled_from(_KEYS + ["src/app.handler", "nodejs20.x", "esm", "*", "${opt:x}"]),
                          lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(_KEYS), inner,
                                                                                      max_size=4), max_leaves=20)

    base = {"plugins": ["serverless-esbuild"], "provider": {"runtime": "nodejs20.x"}}
    services = st.one_of(values, values.map(lambda d: {**base, "functions": {"hello": d}}),
                         values.map(lambda d: {**base, "custom": {"esbuild": d},
                                               "functions": {"hello": {"handler": "src/app.handler"}}}))

    @settings(max_examples=300, deadline=None)
    @given(data=services)
    def check(data):
        files = {str(tmp_path / "serverless.json"): json.dumps(data), str(tmp_path / "src/app.ts"): ""}
        for b in serverless_builds(str(tmp_path), files.__contains__, files.get):
            assert isinstance(b.entries, tuple) and (b.unread is None or isinstance(b.unread, str))
            assert isinstance(b.refusal_fix, str) and isinstance(b.esm_flag, str) and isinstance(b.target, tuple)

    check()


def test_print_config_lists_the_functions(tmp_path):
    import sys

    root = _service(tmp_path, "custom:\n  esbuild:\n    external:\n      - slow-dep\n")
    r = subprocess.run([sys.executable, "-m", "tla_lens.cli", "check", "--print-config", str(root)],
                       capture_output=True, text=True, timeout=120)
    assert json.loads(r.stdout)["tsupBuilds"] == [
        {"file": "serverless.yml", "function": "hello", "tool": "serverless-esbuild", "entries": ["./src/app.ts"],
         "formats": ["cjs"], "external": ["slow-dep", "aws-sdk"], "esbuildTarget": ["node20"]}]
