"""tla-lens in a real editor: Emacs 28 with eglot 1.9 (Debian's emacs-nox and elpa-eglot, which
`make test` installs) opens the webpack example, configured as the README says.

Emacs runs in batch mode on emacs_probe.el, which records what Emacs showed (Flymake's
diagnostics, the hover, the quick fixes `M-x eglot-code-actions` offers, the buffer after the
"lazily" fix, the importer's diagnostics afterwards) as JSON; the tests here assert on it. The
fixed files are then linked by V8 (Node 26): the entry point is synchronous, as the squiggles said.
eglot 1.9 has no pull diagnostics: the server pushes, and the importer's squiggle must leave by
itself once reports.js is fixed (unsaved).
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
EXAMPLE = HERE.parents[1] / "examples" / "webpack-app"
PROBE = HERE / "emacs_probe.el"
SERVER = [sys.executable, "-m", "tla_lens.cli", "serve"]
TIMEOUT = 120  # seconds for the whole Emacs session
WAIT_S = 20  # how long each step waits for the server

# V8 links the example's modules (relative imports only) without running them: is index.js async?
V8_ASYNC = r"""
import vm from 'node:vm';
import fs from 'node:fs';
import path from 'node:path';
const cache = new Map();
function load(file) {
  if (!cache.has(file)) cache.set(file, new vm.SourceTextModule(fs.readFileSync(file, 'utf8'), { identifier: file }));
  return cache.get(file);
}
const entry = load(path.resolve(process.argv[2]));
await entry.link(async (spec, ref) => load(path.resolve(path.dirname(ref.identifier), spec)));
console.log(JSON.stringify({ async: entry.hasAsyncGraph() }));
"""


def find_emacs() -> str:
    emacs = shutil.which("emacs")
    if emacs is None:
        pytest.fail("emacs is missing: `make test` installs Debian's emacs-nox and elpa-eglot", pytrace=False)
    return emacs


@pytest.fixture(scope="module")
def session(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("emacs")
    root = tmp / "webpack-app"
    shutil.copytree(EXAMPLE, root)
    result = tmp / "result.json"
    env = dict(os.environ, HOME=str(tmp / "home"))  # no user init files, no ~/.emacs.d writes
    (tmp / "home").mkdir()
    env["TLA_LENS_PROBE"] = json.dumps({"cmd": SERVER, "root": str(root), "result": str(result), "wait_s": WAIT_S})
    cmd = [find_emacs(), "--batch", "-l", str(PROBE)]  # (not -Q: Debian's site-start puts eglot on the load path)
    try:
        proc = subprocess.run(cmd, cwd=root, env=env, stdin=subprocess.DEVNULL, capture_output=True,
                              text=True, timeout=TIMEOUT)
        out = f"exit {proc.returncode}\nstdout:\n{proc.stdout}\nstderr:\n{proc.stderr[-8000:]}"
    except subprocess.TimeoutExpired as e:
        out = f"killed after {TIMEOUT} s\nstderr:\n{(e.stderr or b'')[-8000:]!r}"
    if not result.exists():
        pytest.fail("the Emacs probe wrote no result\n" + out, pytrace=False)
    return json.loads(result.read_text()), root, out


def _codes(diags, code):
    return [d for d in diags if d[1] == code]


def test_eglot_runs_the_server(session):
    data, _, out = session
    assert data["server"] == "tla-lens", out
    assert data["log"][-1] == "done", out


def test_squiggles_on_the_import_and_its_importer(session):
    data, _, out = session
    ours = _codes(data["reports_before"], "async-import")
    assert [d[0] for d in ours] == [2], out  # `import { listUsers } from "./UserApi.js";`
    assert "`./UserApi.js` is an async module because of `./db-connection.js` (top-level await at line 6)" in ours[0][2]
    idx = _codes(data["index_before"], "async-import")
    assert [d[0] for d in idx] == [2], out
    assert "`./reports.js` is an async module" in idx[0][2]
    assert [d[0] for d in _codes(data["index_before"], "async-entry")] == [2]


def test_hover_shows_the_chain(session):
    hover = session[0]["hover"]
    assert "**async module** because of `./db-connection.js`" in hover, hover
    assert "1. [src/reports.js:2](" in hover and "imports `./UserApi.js`" in hover, hover
    assert "2. [src/UserApi.js:1](" in hover and "imports `./db-connection.js`" in hover, hover
    assert "3. [src/db-connection.js:6](" in hover and "export const db = await openPool(url, { max: 10 });" in hover


def test_code_actions_offer_the_fix(session):
    actions = session[0]["actions"]
    assert actions[0] == "Load `./UserApi.js` lazily with `import()`", actions
    assert "Ignore `async-import` on this line" in actions


def test_fix_rewrites_the_buffer_only(session):
    data, root, _ = session
    text = data["text_after"]
    assert data["applied"] == "Load `./UserApi.js` lazily with `import()`"
    assert 'const { listUsers } = await import("./UserApi.js");' in text, text
    assert 'from "./UserApi.js"' not in text, text
    # the file was not written by the fix: only the user's save wrote it
    assert data["disk_before_save"] == (EXAMPLE / "src" / "reports.js").read_text()
    assert (root / "src" / "reports.js").read_text() == text


def test_squiggles_leave_both_files_by_themselves(session):
    data, _, out = session
    assert data["reports_after"] == [], out
    assert data["index_after"] == [], out  # no async-import, no async-entry: index.js is sync now


def test_v8_agrees(session, node26, tmp_path):
    """Node 26 links the example before and after the fix: async, then not."""
    _, root, _ = session
    script = tmp_path / "v8_async.mjs"
    script.write_text(V8_ASYNC)

    def v8(project: Path) -> bool:
        proc = subprocess.run([str(node26), "--experimental-vm-modules", "--no-warnings", str(script),
                               str(project / "src" / "index.js")], capture_output=True, text=True, timeout=60)
        assert proc.returncode == 0, proc.stderr
        return json.loads(proc.stdout)["async"]

    assert v8(EXAMPLE) is True
    assert v8(root) is False
