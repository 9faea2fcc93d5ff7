"""Configuration: `tla-lens.json` (JSONC) or a `"tlaLens"` key in package.json.

Keys (the same ones the editor settings use under `tlaLens.*`):

    severity     {code: "error"|"warning"|"information"|"hint"|"off"}
    include      [glob]  files to analyse (default: everything)
    exclude      [glob]  files never analysed as workspace files
    entries      [glob]  entry points (async-entry); package entries are found by themselves
    allowAsync   [glob]  modules that are async on purpose: no findings in them or upstream of them
    conditions   [name]  extra package.json export conditions, e.g. "browser"
    alias        {name: target | [target]}  a bundler's import aliases (webpack resolve.alias,
                 Vite resolve.alias): "@" matches "@" and "@/…", "name$" the name alone,
                 "@/*" a pattern; a target starting with "." or "/" is a path from the folder
                 of the configuration file, any other a package name
    skipDirs     [name]  directory names never walked (default: node_modules, dist, build, ...)
    maxFileSize  bytes   larger files are skipped with a warning (default 8 MB)

A bad file or value is reported as a Problem with the file and position; the defaults are used
for whatever could not be read.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Optional

from .problems import Problem

CODES = ("async-import", "require-async", "top-level-await", "async-cycle", "async-entry",
         "unresolved-import")
SEVERITIES = ("error", "warning", "information", "hint", "off")
DEFAULT_SEVERITY = {
    "async-import": "warning",
    "require-async": "error",
    "top-level-await": "information",
    "async-cycle": "warning",
    "async-entry": "warning",
    "unresolved-import": "hint",
}
DEFAULT_SKIP_DIRS = (
    "node_modules", ".git", ".hg", ".svn", "dist", "build", "out", ".next", ".nuxt", ".output",
    ".svelte-kit", ".turbo", ".cache", ".parcel-cache", ".vercel", ".netlify", "coverage",
    "storybook-static", ".docusaurus", ".angular", ".expo", ".venv", "__pycache__",
    ".yarn",  # (Yarn's own release, its caches and unplugged packages: not the project's code)
    ".tshy-build", ".aws-sam", "cdk.out",  # (what tshy, `sam build` and `cdk synth` write)
)
CONFIG_FILE = "tla-lens.json"


@dataclass(frozen=True)
class Config:
    severity: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_SEVERITY))
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    entries: tuple[str, ...] = ()
    allow_async: tuple[str, ...] = ()
    conditions: tuple[str, ...] = ()
    # (name, targets) in the order written; targets as written (see Project for their base);
    # no targets: `false`, the module is ignored
    alias: tuple[tuple[str, tuple[str, ...]], ...] = ()
    skip_dirs: tuple[str, ...] = DEFAULT_SKIP_DIRS
    max_file_size: int = 8 * 1024 * 1024
    source: Optional[Path] = None  # the file it was read from

    def severity_of(self, code: str) -> str:
        return self.severity.get(code, DEFAULT_SEVERITY.get(code, "warning"))


_KEYS = {
    "severity": "severity",
    "include": "include",
    "exclude": "exclude",
    "entries": "entries",
    "allowAsync": "allow_async",
    "conditions": "conditions",
    "alias": "alias",
    "skipDirs": "skip_dirs",
    "maxFileSize": "max_file_size",
}


def _position_of_key(text: str, key: str, start: int = 0) -> tuple[Optional[int], Optional[int]]:
    """1-based line and column of ``key:`` (quoted or not) at or after ``start`` of ``text``."""
    m = re.compile(r'(?<![\w$-])["\']?%s["\']?\s*:' % re.escape(key)).search(text, start)
    if not m:
        return None, None
    line = text.count("\n", 0, m.start()) + 1
    col = m.start() - (text.rfind("\n", 0, m.start()) + 1) + 1
    return line, col


def parse_jsonc(text: str, path: Optional[Path]) -> tuple[Any, Optional[Problem]]:
    """Parse JSONC/JSON5 text; on error return (None, Problem with line and column)."""
    import json5  # (only with a configuration file)

    try:
        return json5.loads(text), None
    except Exception as e:  # json5 raises ValueError with "<string>:LINE ... at column COL"
        msg = str(e)
        m = re.match(r"<string>:(\d+) (.*?)(?: at column (\d+))?$", msg)
        if m:
            return None, Problem(path, f"invalid JSON: {m.group(2)}", int(m.group(1)),
                                 int(m.group(3)) if m.group(3) else None, "error")
        return None, Problem(path, f"invalid JSON: {msg}", severity="error")


def from_dict(data: Any, path: Optional[Path], text: str = "", start: int = 0) -> tuple[Config, list[Problem]]:
    """Build a Config from already-parsed settings (a file's object, or editor settings); the
    positions of bad keys are looked for in ``text`` from ``start`` on."""
    problems: list[Problem] = []

    def bad(key: str, message: str, outcome: str = "using the default") -> None:
        line, col = _position_of_key(text, key, start) if text else (None, None)
        problems.append(Problem(path, f"{key}: {message}; {outcome}", line, col, "error"))

    if data is None:
        return Config(source=path), problems
    if not isinstance(data, dict):
        problems.append(Problem(path, "the configuration must be an object; using the defaults",
                                severity="error"))
        return Config(source=path), problems
    values: dict[str, Any] = {}
    for key, value in data.items():
        if key in ("$schema",):
            continue
        attr = _KEYS.get(key)
        if attr is None:
            line, col = _position_of_key(text, key, start) if text else (None, None)
            known = ", ".join(_KEYS)
            problems.append(Problem(path, f"unknown key {key!r} (known keys: {known})", line, col,
                                    "warning"))
            continue
        if attr == "severity":
            if not isinstance(value, dict):
                bad(key, "expected an object of code: severity")
                continue
            sev = dict(DEFAULT_SEVERITY)
            for code, level in value.items():
                if code not in CODES:
                    bad(code, f"unknown code (codes: {', '.join(CODES)})")
                elif not isinstance(level, str) or level not in SEVERITIES:
                    bad(code, f"severity must be one of {', '.join(SEVERITIES)}")
                else:
                    sev[code] = level
            values[attr] = sev
        elif attr == "alias":
            aliases = _aliases(value, bad, key)
            if aliases is not None:
                values[attr] = aliases
        elif attr == "max_file_size":
            if isinstance(value, float) and value.is_integer():
                value = int(value)  # 8e6, 1000.0: JSON has one kind of number
            if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
                bad(key, "expected a positive number of bytes")
            else:
                values[attr] = value
        else:
            if isinstance(value, str):
                value = [value]
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                bad(key, "expected a list of strings")
            else:
                values[attr] = tuple(value)
    return replace(Config(source=path), **values), problems


def _aliases(value: Any, bad, key: str) -> Optional[tuple[tuple[str, tuple[str, ...]], ...]]:
    """The ``alias`` object, checked: None (and a problem) when it cannot be used at all;
    entries that are wrong on their own are left out with a problem each."""
    if not isinstance(value, dict):
        bad(key, 'expected an object of name: target, e.g. {"@": "./src"}')
        return None
    out = []
    for name, targets in value.items():
        if isinstance(targets, str):
            targets = [targets]
        ignored = targets is False  # webpack's `false`: the module is ignored (an empty module)
        if ignored:
            targets = []
        if not name or name in ("$", "*") or name.startswith((".", "/")):
            bad(name, "an alias name must be a non-empty module name, not a relative path", "this alias is left out")
        elif name.endswith("/"):
            bad(name, f"an alias name ending in '/' matches only itself (as in webpack): write "
                      f"'{name.rstrip('/')}' (which matches '{name}…' too) or '{name}*'", "this alias is left out")
        elif name.count("*") > 1:
            bad(name, "an alias name may hold one '*' at most", "this alias is left out")
        elif not isinstance(targets, list) or not (targets or ignored) or \
                not all(isinstance(t, str) and t for t in targets):
            bad(name, "expected a target (a path starting with '.' or '/', or a package name), a list of them "
                      "or false",
                "this alias is left out")
        elif "*" in name and "$" == name[-1:]:
            bad(name, "an alias name cannot both hold '*' and end with '$'", "this alias is left out")
        elif any(t.count("*") > ("*" in name) for t in targets):
            bad(name, "a target may hold a '*' only when its name does, and one at most", "this alias is left out")
        else:
            out.append((name, tuple(targets)))
    return tuple(out)


def load_file(path: Path) -> tuple[Config, list[Problem]]:
    """Read tla-lens.json (JSONC) or the "tlaLens" key of a package.json."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError as e:
        return Config(), [Problem(path, f"cannot read configuration: {e.strerror or e}", severity="error")]
    data, problem = parse_jsonc(text, path)
    if problem:
        problem = replace(problem, message=problem.message + "; using the defaults")
        return Config(source=path), [problem]
    if path.name == "package.json":
        if not isinstance(data, dict):
            return Config(), []
        data = data.get("tlaLens")
        if data is None:
            return Config(), []
        m = re.search(r'["\']?tlaLens["\']?\s*:', text)
        return from_dict(data, path, text, m.end() if m else 0)
    return from_dict(data, path, text)


def find_config(start: Path) -> Optional[Path]:
    """The nearest tla-lens.json, or package.json with a "tlaLens" key, from ``start`` upward."""
    d = start if start.is_dir() else start.parent
    for folder in (d, *d.parents):
        candidate = folder / CONFIG_FILE
        if candidate.is_file():
            return candidate
        pkg = folder / "package.json"
        if pkg.is_file():
            try:
                if '"tlaLens"' in pkg.read_text(encoding="utf-8", errors="replace"):
                    return pkg
            except OSError:
                pass
        if (folder / ".git").exists():
            break
    return None


def to_dict(config: Config) -> dict[str, Any]:
    """The settings as they are written in a file (for `tla-lens check --print-config`)."""
    inverse = {v: k for k, v in _KEYS.items()}
    out: dict[str, Any] = {}
    for attr, key in inverse.items():
        value = getattr(config, attr)
        if attr == "alias":
            out[key] = {name: list(targets) if len(targets) > 1 else targets[0] if targets else False
                        for name, targets in value}
            continue
        out[key] = list(value) if isinstance(value, tuple) else value
    return json.loads(json.dumps(out))
