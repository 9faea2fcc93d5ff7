"""Security: the server never follows a symlink out of the workspace (and its node_modules) to
read files, never writes outside its cache directory, never runs project code.

Verdict- and log-based everywhere; where `strace` is available the server also runs under it
and every file it opens and every program it executes is checked.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import sys
from pathlib import Path

import pytest
from lsprotocol import types as T

from .conftest import SERVER, start_session, wait_for, write_tree

STRACE = shutil.which("strace")


def snapshot(root: Path) -> dict[str, tuple]:
    """Every entry under ``root``: kind, bytes' hash, mode, mtime (ns)."""
    out = {}
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        for name in dirnames + filenames:
            p = Path(dirpath) / name
            st = p.lstat()
            if p.is_symlink():
                out[str(p.relative_to(root))] = ("link", os.readlink(p), st.st_mtime_ns)
            elif p.is_file():
                out[str(p.relative_to(root))] = ("file", hashlib.sha256(p.read_bytes()).hexdigest(),
                                                 st.st_mode, st.st_mtime_ns)
            else:
                out[str(p.relative_to(root))] = ("dir", st.st_mode, st.st_mtime_ns)
    return out


def outside_tree(base: Path, marker: Path) -> Path:
    """A folder outside the workspace with async modules (reading them would show) and code
    that would leave ``marker`` if it ever ran."""
    out = base / "outside"
    write_tree(out, {
        "secret.js": "export const secret = await 1;\n",
        "evilpkg/package.json": json.dumps({"name": "evil", "type": "module", "exports": "./index.js"}),
        "evilpkg/index.js": f"import fs from 'fs';\nfs.writeFileSync({json.dumps(str(marker))}, 'x');\n"
                            "export const evil = await 2;\n",
    })
    return out


async def _stop(s) -> int:
    await s.client.shutdown_session()
    await s.client.stop()
    return s.client._server.returncode


@pytest.fixture
def sandbox(tmp_path):
    ws = tmp_path / "ws"
    ws.mkdir()
    home = tmp_path / "home"
    home.mkdir()
    cache = tmp_path / "cache"
    cache.mkdir()
    marker = tmp_path / "MARKER"
    return ws, home, cache, marker


def _command(home: Path, cache: Path, trace: Path | None = None) -> list[str]:
    env = ["env", f"HOME={home}", f"XDG_CACHE_HOME={cache}", "TMPDIR=" + str(cache)]
    if trace is not None:
        env += [STRACE, "-f", "-qq", "-o", str(trace),
                "-e", "trace=open,openat,openat2,creat,execve,rename,renameat,renameat2,unlink,"
                      "unlinkat,mkdir,mkdirat,truncate,symlink,symlinkat,link,linkat"]
    return env + SERVER


# == symlinks out of the workspace ===============================================================
async def test_symlinks_out_of_the_workspace_are_not_read(sandbox):
    ws, home, cache, marker = sandbox
    out = outside_tree(ws.parent, marker)
    write_tree(ws, {
        "package.json": json.dumps({"name": "app", "type": "module"}),
        "src/a.js": 'import { secret } from "./link.js";\nexport const a = secret;\n',
        "src/b.js": 'import { evil } from "evil";\nexport const b = evil;\n',
        "src/c.js": 'import { s } from "./linked-dir/secret.js";\nexport const c = s;\n',
    })
    (ws / "src" / "link.js").symlink_to(out / "secret.js")
    (ws / "src" / "linked-dir").symlink_to(out)
    (ws / "node_modules").mkdir()
    (ws / "node_modules" / "evil").symlink_to(out / "evilpkg")
    s = await start_session(ws, command=_command(home, cache))
    try:
        for rel in ("src/a.js", "src/b.js", "src/c.js"):
            s.open(rel)
        await s.sync()
        # read, they would make these async
        assert await s.is_async("src/a.js") is False
        assert await s.is_async("src/b.js") is False
        assert await s.is_async("src/c.js") is False
        assert s.logs("outside the workspace")
        for rel in ("src/a.js", "src/b.js", "src/c.js"):
            assert not s.diagnostics(rel, "async-import")
        # a watched-file event for the link and an edit keep it that way
        s.disk({"src/link.js": None}, send=False)
        (ws / "src" / "link.js").symlink_to(out / "secret.js")
        s.client.workspace_did_change_watched_files(T.DidChangeWatchedFilesParams(
            [T.FileEvent(s.uri("src/link.js"), T.FileChangeType.Created)]))
        s.change("src/a.js", ((0, 0), (0, 0), "// edited\n"))
        await s.sync()
        assert await s.is_async("src/a.js") is False
    finally:
        assert await _stop(s) == 0
    assert not marker.exists()


def _opened(trace: Path) -> list[tuple[str, str]]:
    """(path, flags) of every successful open in an strace log."""
    out = []
    for line in trace.read_text(errors="replace").splitlines():
        m = re.search(r'open(?:at2?)?\((?:AT_FDCWD|\d+), "([^"]*)", ([A-Z_|]+)', line) \
            or re.search(r'open\("([^"]*)", ([A-Z_|]+)', line)
        if m and not re.search(r"= -1 ", line):
            out.append((m.group(1), m.group(2)))
    return out


async def _traced_session(ws: Path, home: Path, cache: Path, trace: Path, opens: list[str]):
    s = await start_session(ws, command=_command(home, cache, trace), wait=False)
    try:
        await s.wait_indexed(timeout=60)
        for rel in opens:
            s.open(rel)
            s.change(rel, ((0, 0), (0, 0), "// edited\n"))
        await s.sync()
        for rel in opens:
            await s.hover(rel, 1, 5)
            await s.explain(rel)
    finally:
        assert await _stop(s) == 0
    return s


@pytest.mark.skipif(STRACE is None, reason="needs strace")
async def test_strace_no_source_read_through_a_symlink_out(sandbox):
    ws, home, cache, marker = sandbox
    out = outside_tree(ws.parent, marker)
    write_tree(ws, {
        "package.json": json.dumps({"name": "app", "type": "module"}),
        "src/a.js": 'import { secret } from "./link.js";\nexport const a = secret;\n',
        "src/c.js": 'import { s } from "./linked-dir/secret.js";\nexport const c = s;\n',
    })
    (ws / "src" / "link.js").symlink_to(out / "secret.js")
    (ws / "src" / "linked-dir").symlink_to(out)
    trace = ws.parent / "trace.log"
    await _traced_session(ws, home, cache, trace, ["src/a.js", "src/c.js"])
    read = [p for p, flags in _opened(trace)
            if "O_DIRECTORY" not in flags and (
                os.path.realpath(p).startswith(str(out)) or p.startswith(str(out)))]
    assert not read, read


@pytest.mark.skipif(STRACE is None, reason="needs strace")
async def test_strace_no_package_json_read_through_a_node_modules_symlink_out(sandbox):
    ws, home, cache, marker = sandbox
    out = outside_tree(ws.parent, marker)
    write_tree(ws, {
        "package.json": json.dumps({"name": "app", "type": "module"}),
        "src/b.js": 'import { evil } from "evil";\nexport const b = evil;\n',
    })
    (ws / "node_modules").mkdir()
    (ws / "node_modules" / "evil").symlink_to(out / "evilpkg")
    trace = ws.parent / "trace.log"
    await _traced_session(ws, home, cache, trace, ["src/b.js"])
    read = [p for p, flags in _opened(trace)
            if "O_DIRECTORY" not in flags and os.path.realpath(p).startswith(str(out))]
    assert not read, read


# == writes ======================================================================================
PROJECT_CODE = {
    # every file here would leave the marker if it were ever evaluated or installed
    "package.json": None,  # filled in with the marker's path
    "webpack.config.js": "require('fs').writeFileSync(process.env.MARKER || '{m}', 'webpack');\nmodule.exports = {{}};\n",
    "vite.config.ts": "import fs from 'fs';\nfs.writeFileSync('{m}', 'vite');\nexport default {{}};\n",
    "src/index.js": ("import fs from 'node:fs';\nimport cp from 'node:child_process';\n"
                     "fs.writeFileSync('{m}', 'index');\ncp.execSync('touch {m}');\n"
                     'import {{ db }} from "./db.js";\nexport const x = db;\n'),
    "src/db.js": "await import('node:fs').then(fs => fs.writeFileSync('{m}', 'db'));\nexport const db = 1;\n",
    "src/legacy.cjs": "require('child_process').execSync('touch {m}');\nmodule.exports = require('./db.js');\n",
    "src/types.ts": "import fs from 'fs';\nfs.writeFileSync('{m}', 'ts');\nexport type T = 1;\n",
    "tsconfig.json": '{{"compilerOptions": {{"plugins": [{{"name": "./plugin.js"}}], "baseUrl": "."}}}}',
    "plugin.js": "require('fs').writeFileSync('{m}', 'plugin');\n",
    "node_modules/dep/package.json": None,
    "node_modules/dep/index.js": "require('fs').writeFileSync('{m}', 'dep');\nmodule.exports = 1;\n",
    ".husky/pre-commit": "touch {m}\n",
}


def _project_files(marker: Path) -> dict[str, str]:
    m = str(marker)
    files = {k: v.format(m=m) for k, v in PROJECT_CODE.items() if v is not None}
    scripts = {k: f"touch {m}" for k in ("preinstall", "install", "postinstall", "prepare", "prepack",
                                         "test", "start", "build")}
    files["package.json"] = json.dumps({"name": "app", "type": "module", "scripts": scripts,
                                        "tlaLens": {"entries": ["src/index.js"]}})
    files["node_modules/dep/package.json"] = json.dumps({"name": "dep", "scripts": scripts})
    files["src/uses-dep.js"] = 'import "dep";\nexport const y = 1;\n'
    return files


async def test_no_writes_outside_the_cache_and_no_project_code_runs(sandbox):
    ws, home, cache, marker = sandbox
    write_tree(ws, _project_files(marker))
    before = snapshot(ws)
    trace = ws.parent / "trace.log" if STRACE else None
    s = await start_session(ws, command=_command(home, cache, trace), wait=False)
    try:
        await s.wait_indexed(timeout=60)
        s.open("src/index.js")
        s.open("src/db.js")
        assert await wait_for(lambda: s.diagnostics("src/index.js", "async-import"))
        s.change("src/db.js", ((0, 0), (0, 0), "// edited\n"))
        s.client.workspace_did_change_watched_files(T.DidChangeWatchedFilesParams([
            T.FileEvent(s.uri("package.json"), T.FileChangeType.Changed),
            T.FileEvent(s.uri("webpack.config.js"), T.FileChangeType.Changed),
            T.FileEvent(s.uri("tsconfig.json"), T.FileChangeType.Changed)]))
        s.client.workspace_did_change_configuration(T.DidChangeConfigurationParams(
            settings={"tlaLens": {"entries": ["src/legacy.cjs"]}}))
        await s.sync()
        await s.hover("src/index.js", 4, 30)
        acts = await s.client.text_document_code_action_async(T.CodeActionParams(
            T.TextDocumentIdentifier(s.uri("src/index.js")), T.Range(T.Position(4, 0), T.Position(4, 30)),
            T.CodeActionContext(diagnostics=s.diagnostics("src/index.js"))))
        assert acts  # fixes are offered as edits for the client to apply, never applied here
        s.close("src/db.js")
        await s.sync()
    finally:
        assert await _stop(s) == 0
    assert not marker.exists(), marker.read_text()
    assert snapshot(ws) == before  # byte for byte, modes and mtimes
    assert list(home.iterdir()) == []
    written = [p for p in cache.rglob("*")]
    assert all(p.is_relative_to(cache / "tla-lens") for p in written), written
    if trace is not None:
        allowed = (str(cache), "/dev/")
        writes = [p for p, flags in _opened(trace)
                  if re.search(r"O_WRONLY|O_RDWR|O_CREAT|O_TRUNC", flags)
                  and not os.path.realpath(p).startswith(allowed) and not p.startswith(allowed)
                  # Python's own bytecode cache of the server's modules (not the project's)
                  and not (p.endswith(".pyc") and "__pycache__" in p and not p.startswith(str(ws)))]
        assert not writes, writes
        execs = [line for line in trace.read_text(errors="replace").splitlines()
                 if "execve(" in line and "= -1" not in line and "resumed" not in line]
        programs = {re.search(r'execve\("([^"]+)"', line).group(1) for line in execs}
        # the env wrapper and strace's own start, then Python: nothing else ever runs
        assert all(os.path.basename(p).startswith(("env", "python", "strace"))
                   or os.path.realpath(p) == os.path.realpath(sys.executable) for p in programs), programs
