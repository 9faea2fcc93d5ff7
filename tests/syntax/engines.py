"""The engines' answers for the syntax tests, each in ONE Node process for a whole corpus:
V8's (tla_oracle.js: top-level await, module requests, or the SyntaxError) and TypeScript
5.9's (elision_oracle.js: ``transpileModule`` outputs, or the parser's syntax errors)."""
from __future__ import annotations

import json
import subprocess
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _run(args: list[str], payload) -> list:
    proc = subprocess.run(args, input=json.dumps(payload), capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def v8_modules(node26: Path, sources: list[str]) -> list[dict]:
    """Each source as a module for V8: {"tla": bool, "requests": [specifier, …]}, or
    {"error": message} when V8 refuses it."""
    out = _run([str(node26), "--experimental-vm-modules", "--no-warnings", str(HERE / "tla_oracle.js")], sources)
    assert len(out) == len(sources)
    return out


def ts_transpiled(node26: Path, ts5: Path, cases: list[dict]) -> list[dict]:
    """``transpileModule`` of each case ({src, fileName, module}) with verbatimModuleSyntax off
    and on: {"default": output, "verbatim": output}."""
    out = _run([str(node26), str(HERE / "elision_oracle.js")], {"ts": str(ts5), "cases": cases})
    assert len(out) == len(cases)
    return out


def ts_syntax_errors(node26: Path, ts5: Path, cases: list[tuple[str, str]]) -> list[list[str]]:
    """The TypeScript parser's syntax errors for each (source, file name): [] when it parses."""
    out = _run([str(node26), str(HERE / "elision_oracle.js")],
               {"ts": str(ts5), "mode": "syntax", "cases": [{"src": s, "fileName": f} for s, f in cases]})
    assert len(out) == len(cases)
    return out
