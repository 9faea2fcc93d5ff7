"""Bad input never crashes the real CLI, is reported, and does not spoil the verdicts beside it.

Each case builds a real workspace in tmp_path and runs `tla-lens check ROOT --format json` as a
subprocess: the exit code must be 0 or 1 (never a traceback), stderr must name the bad file where
that is useful to the user, and the healthy files next to the bad one must get the right verdicts.
"""
from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent.parent


def _cli() -> list[str]:
    for candidate in (Path(sys.executable).parent / "tla-lens", REPO / ".venv" / "bin" / "tla-lens"):
        if candidate.exists():
            return [str(candidate)]
    found = shutil.which("tla-lens")
    if found:
        return [found]
    return [sys.executable, "-c", "import sys; sys.argv[0] = 'tla-lens'; from tla_lens.cli import main; sys.exit(main())"]


CLI = _cli()


class Run:
    def __init__(self, proc: subprocess.CompletedProcess, seconds: float):
        self.proc = proc
        self.seconds = seconds
        self.stderr = proc.stderr
        self.data = json.loads(proc.stdout)
        self.modules = {m["path"]: m for m in self.data["modules"]}

    def verdict(self, path: str) -> bool:
        assert path in self.modules, f"{path} missing from the report; modules: {sorted(self.modules)[:50]}"
        return self.modules[path]["async"]

    def mentions(self, needle: str) -> bool:
        """Is `needle` named on stderr or in a diagnostic?"""
        return needle in self.stderr or needle in json.dumps(
            [self.data.get("diagnostics", []), self.data.get("problems", [])])


def check(root: Path, *extra: str, timeout: float = 120) -> Run:
    start = time.monotonic()
    proc = subprocess.run(CLI + ["check", str(root), "--format", "json", *extra],
                          capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, "NO_COLOR": "1"})
    seconds = time.monotonic() - start
    assert "Traceback" not in proc.stderr, f"tla-lens crashed:\n{proc.stderr[-6000:]}"
    assert proc.returncode in (0, 1), f"exit code {proc.returncode}\nstderr:\n{proc.stderr[-3000:]}"
    try:
        return Run(proc, seconds)
    except json.JSONDecodeError as e:
        pytest.fail(f"stdout is not JSON ({e}):\n{proc.stdout[:2000]}\nstderr:\n{proc.stderr[-2000:]}")


def write(root: Path, files: dict) -> Path:
    for rel, content in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            p.write_bytes(content)
        else:
            p.write_text(content, encoding="utf-8")
    return root


HEALTHY = {
    "package.json": '{ "name": "ws", "type": "module" }\n',
    "src/tla.js": "export const v = await Promise.resolve(1);\n",
    "src/uses-tla.js": "import { v } from './tla.js';\nexport const w = v;\n",
    "src/sync.js": "export const s = 1;\n",
    "src/uses-sync.js": "import { s } from './sync.js';\nexport const t = s;\n",
}


def assert_healthy(run: Run) -> None:
    assert run.verdict("src/tla.js") is True
    assert run.verdict("src/uses-tla.js") is True
    assert run.verdict("src/sync.js") is False
    assert run.verdict("src/uses-sync.js") is False
    assert run.modules["src/tla.js"]["topLevelAwait"], "the TLA site is reported"


# ------------------------------------------------------------------------------------ bad files


def test_binary_file_named_js(tmp_path):
    rng = random.Random(1)
    blob = bytes([0x7F, 0x45, 0x4C, 0x46, 0, 0, 0]) + bytes(rng.randrange(256) for _ in range(20000))
    write(tmp_path, {**HEALTHY,
                     "src/blob.js": blob,
                     "src/uses-blob.js": "import './blob.js';\nimport { s } from './sync.js';\n",
                     "src/uses-blob-and-tla.js": "import './blob.js';\nimport './tla.js';\n"})
    run = check(tmp_path)
    assert_healthy(run)
    assert run.verdict("src/uses-blob.js") is False
    assert run.verdict("src/uses-blob-and-tla.js") is True
    assert "blob.js" in run.stderr, f"no warning about the binary file:\n{run.stderr}"


def test_invalid_utf8_with_tla(tmp_path):
    # Latin-1 bytes (invalid UTF-8) before and inside a string; the await is real code.
    source = b"// caf\xe9 \xff\xfe\nconst s = '\xe9t\xe9 \xc3\x28';\nexport const v = await Promise.resolve(s);\n"
    write(tmp_path, {**HEALTHY,
                     "src/latin1.js": source,
                     "src/uses-latin1.js": "import { v } from './latin1.js';\n"})
    run = check(tmp_path)
    assert_healthy(run)
    assert run.verdict("src/latin1.js") is True
    assert run.modules["src/latin1.js"]["topLevelAwait"][0]["line"] == 3
    assert run.verdict("src/uses-latin1.js") is True


def test_five_megabyte_minified_file(tmp_path):
    rng = random.Random(5)
    parts = []
    size = 0
    i = 0
    while size < 5 * 1024 * 1024:
        part = rng.choice([
            f"var a{i}=function(x){{return x*{i}+a{max(i - 1, 0)}}};",
            f"const b{i}={{k:{i},await:'s',f:async()=>await {i}}};",
            f"function c{i}(q){{for(var j=0;j<q;j++){{q+=j}}return q}}",
            f"let d{i}=`t${{{i}}}`+\"await {i}\";",
        ])
        parts.append(part)
        size += len(part)
        i += 1
    minified = "".join(parts)
    write(tmp_path, {**HEALTHY,
                     "src/huge-sync.min.js": minified + "export default 1;",
                     "src/huge-tla.min.js": minified + "export default await 1;",
                     "src/uses-huge-sync.js": "import h from './huge-sync.min.js';\n",
                     "src/uses-huge-tla.js": "import h from './huge-tla.min.js';\n"})
    run = check(tmp_path, timeout=180)
    assert_healthy(run)
    assert run.seconds < 60, f"took {run.seconds:.1f} s"
    # Either analysed (right verdicts) or skipped as too big with a warning naming it.
    if "src/huge-tla.min.js" in run.modules and run.verdict("src/huge-tla.min.js"):
        assert run.verdict("src/uses-huge-tla.js") is True
    else:
        assert "huge-tla.min.js" in run.stderr, f"huge file neither analysed nor reported:\n{run.stderr}"
    assert run.verdict("src/uses-huge-sync.js") is False


def test_broken_syntax(tmp_path):
    write(tmp_path, {**HEALTHY,
                     "src/broken.js": "import { v } from './tla.js';\nconst = ;; function (\nexport {{{\n",
                     "src/broken-sync.js": "import { s } from './sync.js';\nlet x = (1 + ;\nclass {\n",
                     "src/unterminated.ts": "const s = 'no end\nexport const q: = await\n",
                     "src/uses-broken-sync.js": "import './broken-sync.js';\n"})
    run = check(tmp_path)
    assert_healthy(run)
    # importing a broken file that imports only sync modules stays sync
    assert run.verdict("src/uses-broken-sync.js") is False
    # V8 refuses to load these files, so the verdicts about them are guesses: say so
    for bad in ("src/broken-sync.js", "src/unterminated.ts"):
        assert bad in run.stderr or bad in json.dumps(run.data.get("problems", [])), \
            f"no word about the syntax errors in {bad}:\nstderr: {run.stderr}\nproblems: {run.data.get('problems')}"


def test_valid_code_the_grammars_reject_is_no_syntax_error(tmp_path):
    """`export { x as null }`, semicolons inserted before a line starting with a bracket
    (tree-sitter-javascript) and variance modifiers `<in T, out U>` (tree-sitter-typescript)
    parse in V8 and TypeScript: no "syntax error" for them (see
    tests/syntax/test_oracle_grammar_gaps.py), while a real error beside them is still reported."""
    write(tmp_path, {**HEALTHY,
                     "src/names.js": "import { v } from './tla.js';\nconst _null = v;\n"
                                     "export { _null as null, _null as if };\n",
                     "src/swap.js": "import { v } from './tla.js'\nlet a = v, b\n[a, b] = [b, a]\n"
                                    "export class Box {\n  #open\n  [Symbol.iterator] = null\n}\n",
                     "src/box.ts": "import { s } from './sync.js';\n"
                                   "export interface Box<\n  in out T = unknown,\n  out U = T,\n> { t: T; u: U }\n"
                                   "export const n = s;\n",
                     "src/bad.ts": "import { s } from './sync.js';\nexport interface Bad<out T U> {}\n"})
    run = check(tmp_path)
    assert_healthy(run)
    assert run.verdict("src/names.js") is True
    assert run.verdict("src/swap.js") is True
    assert run.verdict("src/box.ts") is False
    problems = json.dumps(run.data.get("problems", []))
    for ok in ("src/names.js", "src/swap.js", "src/box.ts"):
        assert ok not in run.stderr and ok not in problems, \
            f"{ok} is valid:\nstderr: {run.stderr}\nproblems: {problems}"
    assert "src/bad.ts" in run.stderr and "src/bad.ts" in problems


def test_absurd_specifiers(tmp_path):
    long_spec = "./" + "x" * 10_240 + ".js"
    weird = [
        long_spec,
        "./a\x00b.js",            # json.dumps writes it as the escape \u0000 (a raw NUL makes a file binary)
        "../../../../../../etc/passwd",
        "../../../../../../../../../../etc/hosts.js",
        "/etc/passwd",
        "node:fs",
        "node:definitely-not-a-builtin",
        "http://example.com/x.js",
        "https://example.com/tla.js?await",
        "data:text/javascript,await 0",
        "file:///etc/passwd",
        "",
        ".",
        "..",
        "./",
        "@",
        "@/",
        "\\\\server\\share\\x.js",
        "./%00.js",
        "./\u202e\u0301.js",
        "./" + "../" * 300 + "x.js",
    ]
    imports = "".join(f"import {json.dumps(s)};\n" for s in weird) + "import './nul\\0.js';\n"
    dynamic = "".join(f"const d{i} = () => import({json.dumps(s)});\n" for i, s in enumerate(weird))
    write(tmp_path, {**HEALTHY,
                     "src/weird.js": imports + dynamic + "import './tla.js';\n",
                     "src/weird-sync.js": imports + dynamic + "export const ok = 1;\n",
                     "src/weird.cjs": "".join(f"require({json.dumps(s)});\n" for s in weird)})
    run = check(tmp_path)
    assert_healthy(run)
    assert run.verdict("src/weird.js") is True
    assert run.verdict("src/weird-sync.js") is False
    report = run.proc.stdout + run.stderr
    assert "root:x:0:0" not in report, "the contents of /etc/passwd leaked into the report"


CONTROL = {chr(c) for c in range(32) if chr(c) not in "\n\t"} | {"\x7f"} | {chr(c) for c in range(0x80, 0xA0)} \
    | {"\u202e", "\u2066"}


@pytest.mark.parametrize("fmt", ["json", "text"])
def test_control_characters_in_specifiers_are_not_echoed(tmp_path, fmt):
    """A specifier can hold any character through escapes: ESC sequences (terminal title, screen
    clearing), BEL, NUL, CSI must not reach the user's terminal raw."""
    nasty = ["\x1b[2J\x1b]0;pwned\x07x", "./a\x00b.js", "\x9b31m", "./\x08\x08\x08ok.js", "./\r\x1b[1Aspoof.js"]
    write(tmp_path, {**HEALTHY,
                     "src/nasty.js": "".join(f"import {json.dumps(s)};\n" for s in nasty) + "import './tla.js';\n",
                     "src/nasty.cjs": "".join(f"require({json.dumps(s)});\n" for s in nasty)})
    args = ["check", str(tmp_path)] + (["--format", "json"] if fmt == "json" else [])
    proc = subprocess.run(CLI + args, capture_output=True, text=True, timeout=120,
                          env={**os.environ, "NO_COLOR": "1"})
    assert "Traceback" not in proc.stderr, proc.stderr[-4000:]
    assert proc.returncode in (0, 1), proc.stderr[-2000:]
    for stream, text in (("stdout", proc.stdout), ("stderr", proc.stderr)):
        raw = sorted({repr(ch) for ch in text if ch in CONTROL})
        assert not raw, f"raw control characters {raw} on {stream}:\n{text[-2000:]!r}"


# ------------------------------------------------------------------------------------ bad config


def test_cyclic_tsconfig_extends(tmp_path):
    write(tmp_path, {**HEALTHY,
                     "tsconfig.json": '{ "extends": "./tsconfig.base.json", "compilerOptions": {} }\n',
                     "tsconfig.base.json": '{ "extends": "./tsconfig.other.json" }\n',
                     "tsconfig.other.json": '{ "extends": "./tsconfig.json",'
                                            ' "compilerOptions": { "verbatimModuleSyntax": true } }\n',
                     "src/self.ts": "import { v } from './tla.js';\nexport const w = v;\n",
                     "packages/p/tsconfig.json": '{ "extends": "./tsconfig.json" }\n',
                     "packages/p/src/x.ts": "import '../../../src/tla.js';\n"})
    run = check(tmp_path)
    assert_healthy(run)
    assert run.verdict("src/self.ts") is True
    assert run.verdict("packages/p/src/x.ts") is True
    assert "tsconfig" in run.stderr, f"no warning about the extends cycle:\n{run.stderr}"


def test_truncated_tsconfig(tmp_path):
    write(tmp_path, {**HEALTHY,
                     "tsconfig.json": '{ "compilerOptions": { "verbatimModuleSyntax": true, "paths": { "@/*": ["./sr',
                     "src/t.ts": "import { v } from './tla.js';\nexport const w = v;\n",
                     "src/type-only.ts": "import type { v } from './tla.js';\nexport let w: typeof v;\n"})
    run = check(tmp_path)
    assert_healthy(run)
    assert run.verdict("src/t.ts") is True
    assert run.verdict("src/type-only.ts") is False
    assert "tsconfig.json" in run.stderr, f"no warning about the truncated tsconfig:\n{run.stderr}"


@pytest.mark.parametrize("garbage", [
    b"",
    b"null",
    b"[1, 2, 3]",
    b'"compilerOptions"',
    b'{ "compilerOptions": null, "extends": 42, "references": "x", "include": {} }',
    b'{ "compilerOptions": { "paths": { "@/*": "./src/*" }, "baseUrl": 7 } }',
    b'{ "compilerOptions": { "paths": { "@/*": [null, 3, "./src/*"] } } }',
    b'{ "extends": ["./nope.json", "missing-package/tsconfig", ""] }',
    b"\xff\xfe{\x00}",
])
def test_garbage_tsconfig(tmp_path, garbage):
    write(tmp_path, {**HEALTHY, "tsconfig.json": garbage,
                     "src/t.ts": "import { v } from './tla.js';\nexport const w = v;\n"})
    run = check(tmp_path)
    assert_healthy(run)
    assert run.verdict("src/t.ts") is True


ODD_EXPORTS = {
    # name: (exports value, files in the package, does `import 'name'` reach the TLA file)
    "string": ("./entry.js", True),
    "conditions": ({"import": "./entry.js", "require": "./entry.cjs"}, True),
    "nested-conditions": ({".": {"node": {"import": {"default": "./entry.js"}}, "default": "./entry.js"}}, True),
    "null": (None, None),
    "number": (42, None),
    "empty-object": ({}, None),
    "empty-array": ([], None),
    "array": (["./entry.js"], True),
    "array-junk": ([None, 3, {"bogus": 1}, "./entry.js"], None),
    "mixed-keys": ({".": "./entry.js", "import": "./entry.js"}, None),
    "outside": ({".": "../../../../../../etc/passwd"}, None),
    "self-reference": ({".": "./node_modules/self-reference/entry.js"}, None),
    "deep": ({".": {"import": {"import": {"import": {"import": {"import": "./entry.js"}}}}}}, True),
    "huge-key": ({"./" + "k" * 5000: "./entry.js", ".": "./entry.js"}, True),
}


def test_odd_package_exports(tmp_path):
    files = dict(HEALTHY)
    for name, (exports, _) in ODD_EXPORTS.items():
        pkg = {"name": name, "version": "1.0.0", "type": "module", "exports": exports}
        files[f"node_modules/{name}/package.json"] = json.dumps(pkg)
        files[f"node_modules/{name}/entry.js"] = "export default await Promise.resolve(1);\n"
        files[f"node_modules/{name}/entry.cjs"] = "module.exports = 1;\n"
        files[f"src/use-{name}.js"] = f"import x from '{name}';\nexport default x;\n"
    files["node_modules/broken-json/package.json"] = '{ "name": "broken-json", "exports": { ".": '
    files["node_modules/broken-json/index.js"] = "await 0;\n"
    files["src/use-broken-json.js"] = "import 'broken-json';\n"
    files["node_modules/array-root/package.json"] = "[]"
    files["node_modules/array-root/index.js"] = "export default 1;\n"
    files["src/use-array-root.js"] = "import 'array-root';\n"
    files["node_modules/bad-main/package.json"] = json.dumps({"name": "bad-main", "main": {"x": 1}, "module": 7,
                                                              "type": ["module"]})
    files["src/use-bad-main.js"] = "import 'bad-main';\n"
    write(tmp_path, files)
    run = check(tmp_path)
    assert_healthy(run)
    for name, (_, reaches) in ODD_EXPORTS.items():
        if reaches is not None:
            assert run.verdict(f"src/use-{name}.js") is reaches, name
        else:
            assert f"src/use-{name}.js" in run.modules, name


# ------------------------------------------------------------------------------------ file system


def test_symlink_loops(tmp_path):
    write(tmp_path, HEALTHY)
    (tmp_path / "src" / "loop").symlink_to(tmp_path / "src", target_is_directory=True)
    (tmp_path / "src" / "deeper").mkdir()
    (tmp_path / "src" / "deeper" / "up").symlink_to(tmp_path, target_is_directory=True)
    (tmp_path / "src" / "ping.js").symlink_to(tmp_path / "src" / "pong.js")
    (tmp_path / "src" / "pong.js").symlink_to(tmp_path / "src" / "ping.js")
    (tmp_path / "src" / "dangling.js").symlink_to(tmp_path / "nowhere.js")
    (tmp_path / "src" / "alias-of-tla.js").symlink_to(tmp_path / "src" / "tla.js")
    write(tmp_path, {"src/via-loop.js": "import './loop/loop/loop/tla.js';\nimport './ping.js';\n",
                     "src/via-dangling.js": "import './dangling.js';\nimport './sync.js';\n"})
    run = check(tmp_path, timeout=60)
    assert_healthy(run)
    assert run.verdict("src/via-loop.js") is True
    assert run.verdict("src/via-dangling.js") is False
    assert not [p for p in run.modules if "loop/" in p or "up/" in p], \
        f"files seen again through a symlink loop: {[p for p in run.modules if 'loop/' in p][:5]}"


def test_unreadable_file(tmp_path):
    if os.geteuid() == 0:
        pytest.skip("root reads everything")
    write(tmp_path, {**HEALTHY, "src/secret.js": "await 0;\n", "src/uses-secret.js": "import './secret.js';\n"})
    (tmp_path / "src" / "secret.js").chmod(0)
    try:
        run = check(tmp_path)
    finally:
        (tmp_path / "src" / "secret.js").chmod(0o644)
    assert_healthy(run)
    assert "secret.js" in run.stderr


# ------------------------------------------------------------------------------------ scale


def test_three_thousand_module_chain(tmp_path):
    n = 3000
    files = {"package.json": '{ "type": "module" }\n'}
    for i in range(n - 1):
        files[f"src/m{i}.js"] = f"import {{ v{i + 1} as next }} from './m{i + 1}.js';\nexport const v{i} = next;\n"
    files[f"src/m{n - 1}.js"] = f"export const v{n - 1} = await 1;\n"
    write(tmp_path, files)
    run = check(tmp_path, timeout=120)
    assert run.seconds < 60, f"took {run.seconds:.1f} s"
    not_async = [p for p in (f"src/m{i}.js" for i in range(n)) if not run.verdict(p)]
    assert not not_async, f"{len(not_async)} modules not async, e.g. {not_async[:5]}"
    # the cause of the first module: the whole chain, every module after it
    from tla_lens.project import analyse

    start = time.monotonic()
    analysis = analyse(tmp_path)
    first = analysis.modules[(tmp_path / "src" / "m0.js").resolve()]
    assert first.is_async and not first.has_tla
    assert len(first.chain) == n - 1
    assert [Path(p).name for p in first.chain] == [f"m{i}.js" for i in range(1, n)]
    assert time.monotonic() - start < 60


def test_two_thousand_module_cycle_with_one_tla(tmp_path):
    n = 2000
    files = {"package.json": '{ "type": "module" }\n'}
    for i in range(n):
        body = f"import './m{(i + 1) % n}.js';\nexport const v{i} = {i};\n"
        if i == 1234:
            body += "await null;\n"
        files[f"src/m{i}.js"] = body
    files["src/outside.js"] = "import './m0.js';\n"
    files["src/unrelated.js"] = "export const u = 1;\n"
    write(tmp_path, files)
    run = check(tmp_path, timeout=120)
    assert run.seconds < 60, f"took {run.seconds:.1f} s"
    not_async = [p for p in (f"src/m{i}.js" for i in range(n)) if not run.verdict(p)]
    assert not not_async, f"{len(not_async)} modules not async, e.g. {not_async[:5]}"
    assert run.verdict("src/outside.js") is True
    assert run.verdict("src/unrelated.js") is False
    assert [m for m in run.modules.values() if m["topLevelAwait"]] == [run.modules["src/m1234.js"]]


def test_wide_fan_in_and_deep_directories(tmp_path):
    """4,000 importers of one TLA module, and a module 200 directories deep."""
    files = {"package.json": '{ "type": "module" }\n', "src/tla.js": "await 0;\n"}
    for i in range(4000):
        files[f"src/fan/f{i}.js"] = "import '../tla.js';\n"
    deep = "/".join(f"d{i}" for i in range(200))
    files[f"src/{deep}/deep.js"] = "import '" + "../" * 200 + "tla.js';\n"
    write(tmp_path, files)
    run = check(tmp_path, timeout=120)
    assert run.seconds < 60, f"took {run.seconds:.1f} s"
    assert all(run.verdict(f"src/fan/f{i}.js") for i in range(4000))
    assert run.verdict(f"src/{deep}/deep.js") is True
