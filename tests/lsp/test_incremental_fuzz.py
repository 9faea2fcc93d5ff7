"""Incremental equals from scratch: a seeded random walk of editor and disk moves through the
language server; after every step the diagnostics of every open file equal a fresh analysis of
the same state (the open buffers written over a copy of the workspace, analysed from scratch by
`tla_lens.project.analyse`, byte spans turned into positions with `tla_lens.text.LineIndex`).

Steps: incremental didChange edits at random positions (insertions and deletions that split and
join lines, `await`s toggled, specifiers edited, imports added and removed, emoji — whole code
points only, as LSP positions never split a surrogate pair), whole-text replacements, documents
opened and closed, files created, changed, deleted and renamed on disk (watched-file events),
tsconfig.json / package.json changes, and settings changes (didChangeConfiguration).

Deterministic: ``random.Random(seed)`` for each seed of ``SEEDS``; ``TLA_LSP_FUZZ_STEPS`` scales
the number of steps per seed (default 40), ``TLA_LSP_FUZZ_SEEDS`` (comma-separated) replaces the
seeds. A failure prints the seed, the step number and the last steps taken.
"""
from __future__ import annotations

import asyncio
import json
import os
import random
import shutil
from pathlib import Path
from typing import Optional

import pytest
from lsprotocol import types as T

from tla_lens.config import from_dict
from tla_lens.project import analyse
from tla_lens.text import LineIndex


STEPS = int(os.environ.get("TLA_LSP_FUZZ_STEPS", "40"))
SEEDS = [int(s) for s in os.environ.get("TLA_LSP_FUZZ_SEEDS", "1,2,3,4,5").split(",") if s.strip()]

PKG = {"name": "app", "type": "module", "tlaLens": {"entries": ["src/main.ts"]}}
TSCONFIG = {"compilerOptions": {"target": "es2022", "module": "esnext", "moduleResolution": "bundler",
                                "baseUrl": ".", "paths": {"@lib/*": ["src/lib/*"]}}}

WORKSPACE: dict[str, str] = {
    "package.json": json.dumps(PKG, indent=2),
    "tsconfig.json": json.dumps(TSCONFIG, indent=2),
    "src/main.ts": ('import { app } from "./app.js";\n'
                    'import { util } from "@lib/util";\n'
                    'import "./emoji.js";\n'
                    "app(util);\n"),
    "src/app.ts": ('import { db } from "./lib/db.js";\n'
                   'import type { Shape } from "./types.js";\n'
                   "export function app(x: Shape) {\n"
                   "  return db ?? x;\n"
                   "}\n"),
    "src/types.ts": "export interface Shape { a: number }\n",
    "src/lib/util.ts": ('export const util = { name: "util 😀" };\n'
                        "export async function later() {\n"
                        "  await 1;\n"
                        "}\n"),
    "src/lib/db.ts": ('import { util } from "./util.js";\n'
                      "// 𝒳 the driver\n"
                      "export const db = await Promise.resolve(util);\n"),
    "src/emoji.js": ('// 🎉 party, 𝄞 music\r\n'
                     'import { a } from "./cycle/a.js";\r\n'
                     'const s = "😀😀 é";\r\n'
                     "export const e = a + s;\r\n"),
    "src/cycle/a.js": ('import { b } from "./b.js";\n'
                       "export const a = 1;\n"
                       "export function useB() { return b; }\n"),
    "src/cycle/b.js": ('import { a } from "./a.js";\n'
                       'import { pkg } from "asyncpkg";\n'
                       "export const b = a + pkg;\n"),
    "src/legacy.cjs": ('const { db } = require("./lib/db.ts");\n'
                       'const ok = require("./plain.cjs");\n'
                       "module.exports = { db, ok };\n"),
    "src/plain.cjs": "module.exports = 1;\n",
    "src/reexport.js": ('export * from "./cycle/b.js";\n'
                        'export { util } from "./lib/util.ts";\n'),
    "src/sync.mjs": "export const one = 1;\n",
    "src/widget.tsx": ('import { app } from "./app";\n'
                       "export const W = () => <div>{String(app)}</div>;\n"),
    "node_modules/asyncpkg/package.json": json.dumps(
        {"name": "asyncpkg", "type": "module", "exports": "./index.js"}),
    "node_modules/asyncpkg/index.js": "export const pkg = await Promise.resolve(2);\n",
    "node_modules/syncpkg/package.json": json.dumps({"name": "syncpkg", "main": "index.js"}),
    "node_modules/syncpkg/index.js": "module.exports = 3;\n",
}

SPECIFIERS = ["./app.js", "./app", "@lib/util", "@lib/db", "./lib/db.js", "./lib/util.ts",
              "./cycle/a.js", "./cycle/b.js", "./sync.mjs", "./emoji.js", "asyncpkg", "syncpkg",
              "./new0.js", "./new1.ts", "./missing.js", "../src/reexport.js", "./b.js", "./a.js"]
SNIPPETS = ["\n", "\r\n", "await 1;\n", "await ", " ", "x", "é", "😀", "𝄞", "{", "}", "(", ")",
            ";", "//", "/*", "*/", "'", '"', "`", "export const q = 1;\n", "async ", "for await (const x of y) {}\n",
            "\nawait using r = null;\n", "function f() {\n  await 1;\n}\n", "\u2028", "if (x) {\n  await x;\n}\n",
            'import("./sync.mjs");\n', 'require("./lib/db.ts");\n', "export {};\n"]
DIAG_SEVERITY = {"error": 1, "warning": 2, "information": 3, "hint": 4}


# == positions ===================================================================================
def _units(s: str, encoding: str) -> int:
    if encoding == "utf-8":
        return len(s.encode("utf-8", "surrogatepass"))
    return sum(2 if ord(c) > 0xFFFF else 1 for c in s)


def position(text: str, idx: int, encoding: str) -> tuple[int, int]:
    """The LSP position of the code point index ``idx`` (never inside a \\r\\n)."""
    if 0 < idx < len(text) and text[idx - 1] == "\r" and text[idx] == "\n":
        idx -= 1
    line, start, i = 0, 0, 0
    while i < idx:
        c = text[i]
        if c == "\r" and i + 1 < len(text) and text[i + 1] == "\n":
            i += 2
        else:
            i += 1
        if c in "\r\n":
            line += 1
            start = i
    return line, _units(text[start:idx], encoding)


# == the from-scratch answer =====================================================================
def effective_settings(files: dict[str, Optional[str]], settings: dict) -> dict:
    """The config the workspace's files and the editor's settings add up to (the documented
    precedence: a file's keys, overridden key by key by the editor's settings)."""
    merged: dict = {}
    try:
        pkg = json.loads(files.get("package.json") or "{}")
        if isinstance(pkg.get("tlaLens"), dict):
            merged = dict(pkg["tlaLens"])
    except ValueError:
        pass
    for k, v in settings.items():
        if k == "severity":
            merged["severity"] = {**merged.get("severity", {}), **v}
        else:
            merged[k] = v
    return merged


def fresh_diagnostics(root: Path, copy: Path, texts: dict[str, str], settings: dict,
                      encoding: str) -> dict[str, list]:
    """``texts``: rel -> the open buffer's text. A fresh analysis of the workspace with them."""
    if copy.exists():
        shutil.rmtree(copy)
    shutil.copytree(root, copy, symlinks=True)
    for rel, text in texts.items():
        (copy / rel).parent.mkdir(parents=True, exist_ok=True)
        (copy / rel).write_bytes(text.encode("utf-8", "surrogatepass"))
    disk = {"package.json": (copy / "package.json").read_text("utf-8") if (copy / "package.json").exists() else None}
    config, _ = from_dict(effective_settings(disk, settings), None)
    project = analyse(copy.resolve(), config)
    out = {}
    for rel in texts:
        path = (copy / rel).resolve()
        out[rel] = sorted(_finding_key(project, f, copy.resolve(), encoding)
                          for f in project.findings_for(path))
    return out


def _finding_key(project, f, root: Path, encoding: str):
    def rng(path, span):
        lines = LineIndex(project.modules[path].source)
        return lines.position(span.start, encoding), lines.position(span.end, encoding)
    related = tuple(sorted((str(r.path.relative_to(root)), rng(r.path, r.span), r.message)
                           for r in f.related if r.path in project.modules))
    return (f.code, rng(f.path, f.span), f.message, DIAG_SEVERITY[f.severity], related)


def server_key(d: T.Diagnostic, root: Path):
    def rel(uri: str) -> str:
        from pygls.uris import to_fs_path
        return str(Path(to_fs_path(uri)).resolve().relative_to(root.resolve()))
    r = d.range
    related = tuple(sorted((rel(x.location.uri),
                            ((x.location.range.start.line, x.location.range.start.character),
                             (x.location.range.end.line, x.location.range.end.character)),
                            x.message) for x in (d.related_information or [])))
    return (d.code, ((r.start.line, r.start.character), (r.end.line, r.end.character)), d.message,
            int(d.severity), related)


# == the walk ====================================================================================
class Walk:
    def __init__(self, s, rng: random.Random, pull: bool) -> None:
        self.s = s
        self.rng = rng
        self.pull = pull
        self.open: dict[str, str] = {}  # rel -> buffer text (the editor's copy)
        self.settings: dict = {}
        self.history: list[str] = []
        self.created = 0

    @property
    def root(self) -> Path:
        return self.s.root

    def sources(self) -> list[str]:
        out = []
        for p in sorted(self.root.rglob("*")):
            rel = str(p.relative_to(self.root))
            if p.is_file() and p.suffix in (".js", ".ts", ".tsx", ".mjs", ".cjs", ".mts", ".cts") \
                    and "node_modules" not in p.parts:
                out.append(rel)
        return out

    def note(self, what: str) -> None:
        self.history.append(what)

    # -- editor moves ----------------------------------------------------------------------------
    def do_open(self) -> None:
        closed = [r for r in self.sources() if r not in self.open]
        if not closed:
            return
        rel = self.rng.choice(closed)
        self.s.open(rel)
        self.open[rel] = self.s.texts[self.s.uri(rel)]
        self.note(f"open {rel}")

    def do_close(self) -> None:
        if len(self.open) <= 1:
            return
        rel = self.rng.choice(sorted(self.open))
        self.s.close(rel)
        del self.open[rel]
        self.note(f"close {rel}")

    def _random_edit(self, text: str) -> tuple[int, int, str]:
        """(start, end, new) as code point indexes into ``text``."""
        rng = self.rng
        n = len(text)
        kind = rng.random()
        if kind < 0.25:  # toggle an await
            hits = [i for i in range(n) if text.startswith("await", i)]
            if hits and rng.random() < 0.5:
                i = rng.choice(hits)
                return i, i + 5 + (1 if text.startswith(" ", i + 5) else 0), ""
            starts = [0] + [i + 1 for i, c in enumerate(text) if c == "\n"]
            i = rng.choice(starts)
            return i, i, rng.choice(["await 0;\n", "await x;\n", "await import('./sync.mjs');\n",
                                     "export const w = await 1;\n"])
        if kind < 0.45:  # edit a specifier
            quotes = [i for i, c in enumerate(text) if c == '"']
            pairs = [(quotes[k], quotes[k + 1]) for k in range(0, len(quotes) - 1, 2)]
            if pairs:
                a, b = rng.choice(pairs)
                if rng.random() < 0.7:
                    return a + 1, b, rng.choice(SPECIFIERS)
                # delete or retype part of it
                j = rng.randint(a + 1, b)
                return j, min(b, j + rng.randint(0, 3)), rng.choice(["", "x", ".js", "/"])
        if kind < 0.6:  # add or remove an import line
            starts = [0] + [i + 1 for i, c in enumerate(text) if c == "\n"]
            imports = [i for i in starts if text.startswith(("import ", "export *", "export {"), i)]
            if imports and rng.random() < 0.4:
                i = rng.choice(imports)
                j = text.find("\n", i)
                return i, (n if j == -1 else j + 1), ""
            i = rng.choice(starts)
            spec = rng.choice(SPECIFIERS)
            line = rng.choice([f'import "{spec}";\n', f'import {{ v{rng.randint(0, 9)} }} from "{spec}";\n',
                               f'export * from "{spec}";\n', f'import type {{ T }} from "{spec}";\n',
                               f'const r{rng.randint(0, 9)} = require("{spec}");\n'])
            return i, i, line
        if kind < 0.75 or n == 0:  # type something
            i = rng.randint(0, n)
            return i, i, rng.choice(SNIPPETS)
        # delete a range: within a line, or joining lines
        i = rng.randint(0, n)
        j = min(n, i + rng.choice([1, 1, 2, 5, 20, 60]))
        return i, j, ""

    def do_edit(self) -> None:
        if not self.open:
            return self.do_open()
        rel = self.rng.choice(sorted(self.open))
        text = self.open[rel]
        enc = self.s.encoding
        changes = []
        for _ in range(self.rng.choice([1, 1, 1, 2, 3])):
            a, b, new = self._random_edit(text)
            changes.append((position(text, a, enc), position(text, b, enc), new))
            # the next change of the same didChange applies to the result of this one
            if 0 < a < len(text) and text[a - 1] == "\r" and text[a] == "\n":
                a -= 1
            if 0 < b < len(text) and text[b - 1] == "\r" and text[b] == "\n":
                b -= 1
            text = text[:a] + new + text[b:]
        self.s.change(rel, *changes)
        self.open[rel] = self.s.texts[self.s.uri(rel)]
        assert self.open[rel] == text, (rel, changes)
        self.note(f"edit {rel} {changes!r}")

    def do_replace(self) -> None:
        if not self.open:
            return
        rel = self.rng.choice(sorted(self.open))
        text = self.rng.choice([WORKSPACE.get(rel, ""), "", "await 1;\n",
                                self.open[rel].replace("\n", "\r\n").replace("\r\r\n", "\r\n")])
        self.s.replace(rel, text)
        self.open[rel] = text
        self.note(f"replace {rel} ({len(text)} chars)")

    # -- disk moves ------------------------------------------------------------------------------
    def _new_text(self) -> str:
        spec = self.rng.choice(SPECIFIERS)
        return self.rng.choice([f'import "{spec}";\nexport const n = 1;\n',
                                f'export const n = await import("{spec}");\n',
                                "export const n = await 1;\n",
                                f'import {{ x }} from "{spec}";\r\nexport default x; // 😀\r\n'])

    def do_create(self) -> None:
        rel = self.rng.choice(["src/new0.js", "src/new1.ts", "src/lib/extra.ts", "src/cycle/c.js",
                               "src/lib2/util.ts"])
        if rel in self.open:
            return
        self.s.disk({rel: self._new_text()})
        self.note(f"disk write {rel}")

    def do_delete(self) -> None:
        cands = [r for r in self.sources() if r not in self.open]
        if not cands:
            return
        rel = self.rng.choice(cands)
        self.s.disk({rel: None})
        self.note(f"disk delete {rel}")

    def do_rename(self) -> None:
        cands = self.sources()
        if not cands:
            return
        rel = self.rng.choice(cands)
        new = self.rng.choice(["src/renamed.js", "src/lib/moved.ts", "src/new0.js", "src/app.js",
                               "src/lib/util.js"])
        if new == rel or (self.root / new).exists():
            return
        was_open = rel in self.open
        if was_open:  # an editor closes the old name and opens the new one, with the buffer
            self.s.close(rel)
            buffer = self.open.pop(rel)
        data = (self.root / rel).read_bytes().decode("utf-8", "surrogatepass")
        self.s.disk({rel: None, new: data})
        if was_open:
            self.s.open(new, buffer)
            self.open[new] = buffer
        self.note(f"disk rename {rel} -> {new}{' (open)' if was_open else ''}")

    def do_disk_change_open(self) -> None:
        """The file under an open buffer changes on disk (a formatter, a git checkout): the
        buffer wins."""
        if not self.open:
            return
        rel = self.rng.choice(sorted(self.open))
        self.s.disk({rel: self._new_text()})
        self.note(f"disk write under open {rel}")

    def do_tsconfig(self) -> None:
        cfg = json.loads(json.dumps(TSCONFIG))
        choice = self.rng.choice(["lib2", "none", "default", "verbatim", "broken"])
        if choice == "lib2":
            cfg["compilerOptions"]["paths"] = {"@lib/*": ["src/lib2/*", "src/lib/*"]}
        elif choice == "none":
            del cfg["compilerOptions"]["paths"]
        elif choice == "verbatim":
            cfg["compilerOptions"]["verbatimModuleSyntax"] = True
        text = "{ not json" if choice == "broken" else json.dumps(cfg, indent=2)
        self.s.disk({"tsconfig.json": text})
        self.note(f"tsconfig {choice}")

    def do_package(self) -> None:
        pkg = json.loads(json.dumps(PKG))
        choice = self.rng.choice(["default", "no-type", "commonjs", "no-tlalens", "severity"])
        if choice == "no-type":
            del pkg["type"]
        elif choice == "commonjs":
            pkg["type"] = "commonjs"
        elif choice == "no-tlalens":
            del pkg["tlaLens"]
        elif choice == "severity":
            pkg["tlaLens"]["severity"] = {"top-level-await": "off", "async-import": "error"}
        self.s.disk({"package.json": json.dumps(pkg, indent=2)})
        self.note(f"package.json {choice}")

    def do_settings(self) -> None:
        choice = self.rng.choice([
            {}, {"severity": {"async-import": "hint"}}, {"allowAsync": ["src/lib/**"]},
            {"entries": ["src/widget.tsx"]}, {"severity": {"top-level-await": "off"}},
            {"exclude": ["src/cycle/**"]}, {"codeLens": False}])
        self.settings = choice
        self.s.client.set_configuration(choice, section="tlaLens")
        self.s.client.workspace_did_change_configuration(
            T.DidChangeConfigurationParams(settings={"tlaLens": choice}))
        self.note(f"settings {choice}")

    MOVES = [("do_edit", 40), ("do_replace", 3), ("do_open", 8), ("do_close", 4), ("do_create", 5),
             ("do_delete", 4), ("do_rename", 4), ("do_disk_change_open", 3), ("do_tsconfig", 3),
             ("do_package", 3), ("do_settings", 3)]

    def step(self) -> None:
        names = [m for m, _ in self.MOVES]
        weights = [w for _, w in self.MOVES]
        getattr(self, self.rng.choices(names, weights)[0])()

    # -- checking --------------------------------------------------------------------------------
    async def server_view(self) -> dict[str, list]:
        out = {}
        for rel in self.open:
            if self.pull:
                report = await self.s.pull(rel)
                diags = report.items
            else:
                diags = self.s.diagnostics(rel)
            out[rel] = sorted(server_key(d, self.root) for d in diags)
        return out

    async def check(self, copy: Path) -> None:
        expected = fresh_diagnostics(self.root, copy, self.open, self.settings, self.s.encoding)
        got = None
        for _ in range(60):  # settle: re-indexing after a restart is asynchronous
            await self.s.sync()
            got = await self.server_view()
            if got == expected:
                return
            await asyncio.sleep(0.1)
        diff = {rel: {"server only": [d for d in got[rel] if d not in expected[rel]],
                      "fresh only": [d for d in expected[rel] if d not in got[rel]]}
                for rel in expected if got.get(rel) != expected[rel]}
        raise AssertionError("incremental != from scratch after:\n  " + "\n  ".join(self.history[-8:])
                             + "\n" + "\n".join(f"{rel}: {k}: {v!r}" for rel, d in diff.items() for k, vs in d.items() for v in vs))


@pytest.mark.parametrize("seed", SEEDS)
async def test_incremental_equals_from_scratch(lsp, tmp_path, seed):
    rng = random.Random(seed)
    pull = seed % 3 == 2
    encodings = ["utf-8"] if seed % 5 == 4 else None
    s = await lsp(WORKSPACE, pull=pull, encodings=encodings)
    walk = Walk(s, rng, pull)
    copy = tmp_path / f"fresh{seed}"
    for rel in ("src/main.ts", "src/emoji.js", "src/lib/db.ts"):
        s.open(rel)
        walk.open[rel] = s.texts[s.uri(rel)]
    await walk.check(copy)
    for i in range(STEPS):
        walk.step()
        try:
            await walk.check(copy)
        except AssertionError as e:
            raise AssertionError(f"seed {seed}, step {i}: {e}") from None
    assert not s.logs("internal error"), s.logs("internal error")
    assert not s.error_popups()
