"""report: the CLI's presenters (text, json, sarif, github, gitlab; explain; graph as dot/mermaid).

Positions: findings carry byte spans; here they become 1-based lines and 1-based columns
counted in characters (Unicode code points).
"""
from __future__ import annotations

import hashlib
import json
import os
from operator import itemgetter
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Optional

from .. import __version__
from ..config import CODES, DEFAULT_SEVERITY
from ..rules import Finding, docs_url
from ..resolve.resolver import located_in
from ..syntax.facts import Span
from ..text import json_safe, printable

if TYPE_CHECKING:
    from ..project import Analysis


@dataclass(frozen=True)
class Location:
    path: str  # POSIX, relative to the root
    line: int
    column: int
    end_line: int
    end_column: int


def locate(analysis: "Analysis", path: Path, span: Span) -> Location:
    mod = analysis.modules[path]
    l1, c1 = mod.lines.position(span.start)
    l2, c2 = mod.lines.position(span.end)
    # (an async webpack external's place: its key in the configuration, whose text it holds)
    return Location(analysis.graph.rel(located_in(path)), l1 + 1, c1 + 1, l2 + 1, c2 + 1)


def counts(findings: Iterable[Finding]) -> dict[str, int]:
    out = {"error": 0, "warning": 0, "information": 0, "hint": 0}
    for f in findings:
        out[f.severity] = out.get(f.severity, 0) + 1
    return out


# -- text ----------------------------------------------------------------------------------
_COLOURS = {"error": "31", "warning": "33", "information": "36", "hint": "2"}
_LABEL = {"error": "error", "warning": "warning", "information": "info", "hint": "hint"}


def _c(text: str, code: str, colour: bool) -> str:
    return f"\x1b[{code}m{text}\x1b[0m" if colour else text


def text(analysis: "Analysis", findings: list[Finding], colour: bool = False) -> str:
    lines: list[str] = []
    current: Optional[Path] = None
    located = [(f, locate(analysis, f.path, f.span)) for f in findings]
    width = max((len(f"{loc.line}:{loc.column}") for _, loc in located), default=3)
    for f, loc in located:
        if f.path != current:
            if current is not None:
                lines.append("")
            lines.append(_c(printable(loc.path), "4", colour))
            current = f.path
        pos = f"{loc.line}:{loc.column}".ljust(width)
        sev = _c(_LABEL[f.severity].ljust(7), _COLOURS[f.severity], colour)
        msg = printable(f.message, keep_newlines=False)
        lines.append(f"  {_c(pos, '2', colour)}  {sev}  {msg}  {_c(f.code, '2', colour)}")
    n = counts(findings)
    total = len(findings)
    modules = analysis.modules.values()
    n_async = sum(1 for m in modules if m.is_async)
    n_tla = sum(1 for m in modules if m.has_tla)
    stats = (f"{len(analysis.modules)} module{'s' if len(analysis.modules) != 1 else ''}, {n_async} async "
             f"({n_tla} with top-level await)")
    if total:
        lines.append("")
        mark = "✖" if n["error"] or n["warning"] else "ℹ"
        summary = (f"{mark} {total} problem{'s' if total != 1 else ''} ({n['error']} error"
                   f"{'s' if n['error'] != 1 else ''}, {n['warning']} warning"
                   f"{'s' if n['warning'] != 1 else ''}, {n['information'] + n['hint']} info) in {stats}")
        lines.append(_c(summary, "1;31" if n["error"] else "1;33" if n["warning"] else "1", colour))
    else:
        lines.append(_c(f"✔ no problems in {stats}", "32", colour))
    return "\n".join(lines) + "\n"


# -- json ----------------------------------------------------------------------------------
def to_json(analysis: "Analysis", findings: list[Finding], suppressed: int = 0) -> dict:
    rel = analysis.graph.rel
    modules = []
    for name, mod in sorted([(rel(p), m) for p, m in analysis.modules.items()], key=itemgetter(0)):
        tla = []
        for site in mod.tla:
            line, col = mod.lines.position(site.keyword.start)
            tla.append({"line": line + 1, "column": col + 1, "kind": site.kind.value})
        is_async = mod.is_async
        modules.append({
            "path": name,
            "async": is_async,
            "topLevelAwait": tla,
            "asyncVia": [rel(p) for p in mod.chain] if is_async else [],
            "format": mod.format,
            "workspace": mod.workspace,
        })
        node_run = analysis.node_run.get(mod.path)
        if node_run is not None:
            modules[-1]["nodeRun"] = node_run
        bun = analysis.run_by_bun(mod.path)
        if bun is not None:
            modules[-1]["bunRun"] = bun
    diagnostics = []
    for f in findings:
        loc = locate(analysis, f.path, f.span)
        diagnostics.append({
            "path": loc.path, "line": loc.line, "column": loc.column,
            "endLine": loc.end_line, "endColumn": loc.end_column,
            "severity": f.severity, "code": f.code, "message": f.message,
            "related": [_related_json(analysis, r) for r in f.related],
        })
    return {
        "root": str(analysis.root),
        "modules": modules,
        "diagnostics": diagnostics,
        "problems": [_problem_json(analysis, p) for p in analysis.problems],
        "suppressed": suppressed,
    }


def _related_json(analysis: "Analysis", r) -> dict:
    loc = locate(analysis, r.path, r.span)
    return {"path": loc.path, "line": loc.line, "column": loc.column, "message": r.message}


def _problem_json(analysis: "Analysis", p) -> dict:
    return {"path": analysis.graph.rel(p.path) if p.path else None, "line": p.line,
            "column": p.column, "severity": p.severity, "message": p.message}


def json_text(analysis: "Analysis", findings: list[Finding], suppressed: int = 0) -> str:
    # indented for people on small projects; compact when chains make it large
    indent = 2 if len(analysis.modules) <= 2000 else None
    return json_safe(json.dumps(to_json(analysis, findings, suppressed), indent=indent, ensure_ascii=False)) + "\n"


# -- SARIF 2.1.0 ---------------------------------------------------------------------------
_SARIF_LEVEL = {"error": "error", "warning": "warning", "information": "note", "hint": "note"}
_RULE_TEXT = {
    "async-import": "A static import or re-export pulls in an async module",
    "require-async": "require() of an async module",
    "top-level-await": "A top-level await and the modules it makes async",
    "async-cycle": "An import cycle that contains async modules",
    "async-entry": "An entry point or a package's public entry is an async module",
    "unresolved-import": "An import whose module cannot be found: its async-ness is unknown",
}


def sarif(analysis: "Analysis", findings: list[Finding]) -> str:
    def location(path: Path, span: Span, message: Optional[str] = None) -> dict:
        loc = locate(analysis, path, span)
        out = {"physicalLocation": {
            "artifactLocation": {"uri": loc.path, "uriBaseId": "%SRCROOT%"},
            "region": {"startLine": loc.line, "startColumn": loc.column,
                       "endLine": loc.end_line, "endColumn": loc.end_column}}}
        if message:
            out["message"] = {"text": message}
        return out

    rules = [{
        "id": code,
        "name": "".join(w.capitalize() for w in code.split("-")),
        "shortDescription": {"text": _RULE_TEXT[code]},
        "helpUri": docs_url(code),
        "defaultConfiguration": {"level": _SARIF_LEVEL.get(DEFAULT_SEVERITY[code], "note")},
    } for code in CODES]
    index = {code: i for i, code in enumerate(CODES)}
    results = []
    for f in findings:
        results.append({
            "ruleId": f.code,
            "ruleIndex": index[f.code],
            "level": _SARIF_LEVEL[f.severity],
            "message": {"text": f.message},
            "locations": [location(f.path, f.span)],
            "relatedLocations": [dict(location(r.path, r.span, r.message), id=i)
                                 for i, r in enumerate(f.related)],
        })
    doc = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "tla-lens", "version": __version__,
                                "rules": rules}},
            "originalUriBaseIds": {"%SRCROOT%": {"uri": analysis.root.as_uri() + "/"}},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    }
    return json_safe(json.dumps(doc, indent=2, ensure_ascii=False)) + "\n"


# -- GitHub workflow commands ------------------------------------------------------------
_GH_LEVEL = {"error": "error", "warning": "warning", "information": "notice", "hint": "notice"}


def _gh_data(s: str) -> str:
    s = s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return printable(s)


def _gh_prop(s: str) -> str:
    return _gh_data(s).replace(":", "%3A").replace(",", "%2C")


def github(analysis: "Analysis", findings: list[Finding]) -> str:
    """Workflow annotations. Hints are left out: an annotation shows inline in a pull request's
    diff, and a hint is what an editor marks with faint dots and leaves out of its problem list."""
    out = []
    for f in findings:
        if f.severity == "hint":
            continue
        loc = locate(analysis, f.path, f.span)
        props = (f"file={_gh_prop(loc.path)},line={loc.line},col={loc.column},"
                 f"endLine={loc.end_line},endColumn={loc.end_column},title={_gh_prop('tla-lens ' + f.code)}")
        out.append(f"::{_GH_LEVEL[f.severity]} {props}::{_gh_data(f.message)}")
    return "\n".join(out) + ("\n" if out else "")


# -- GitLab Code Quality -----------------------------------------------------------------
_GL_SEVERITY = {"error": "major", "warning": "minor", "information": "info"}
# (Code Climate's categories: what fails at run time is a bug risk, the rest a start-up cost)
_GL_CATEGORY = {"require-async": "Bug Risk", "async-cycle": "Bug Risk", "async-entry": "Bug Risk",
                "async-import": "Performance", "top-level-await": "Performance", "unresolved-import": "Clarity"}


def gitlab(analysis: "Analysis", findings: list[Finding], cwd: Optional[Path] = None) -> str:
    """A GitLab Code Quality report (`artifacts: reports: codequality:`): the Code Climate
    issues GitLab reads — description, check_name, severity, location (path from the folder the
    job runs in, which is the repository's root, and lines), and a fingerprint that stays the
    same while the import is unchanged (lines moving above it leave it alone) and differs
    between any two findings. Hints are left out, as in the GitHub annotations."""
    base = os.path.abspath(cwd if cwd is not None else os.getcwd())
    issues = []
    seen: dict[str, int] = {}
    for f in findings:
        if f.severity == "hint":
            continue
        loc = locate(analysis, f.path, f.span)
        path = os.path.relpath(os.path.join(str(analysis.root), loc.path), base)
        if path.startswith(".." + os.sep) or path == "..":
            path = loc.path  # (outside the folder the job runs in: from the root analysed)
        path = path.replace(os.sep, "/")
        mod = analysis.modules.get(f.path)
        what = mod.source[f.span.start:f.span.end] if mod is not None else b""
        key = b"\0".join([f.code.encode(), path.encode(), what])
        n = seen[key] = seen.get(key, -1) + 1  # (the same text twice in a file: each its own)
        issues.append({
            "type": "issue",
            "check_name": f"tla-lens/{f.code}",
            "description": f.message,
            "severity": _GL_SEVERITY[f.severity],
            "categories": ["Bug Risk" if f.severity == "error" else _GL_CATEGORY.get(f.code, "Performance")],
            "location": {"path": path, "lines": {"begin": loc.line, "end": loc.end_line}},
            "fingerprint": hashlib.sha256(key + b"\0" + str(n).encode()).hexdigest()[:32],
        })
    return json_safe(json.dumps(issues, indent=2, ensure_ascii=False)) + "\n"
