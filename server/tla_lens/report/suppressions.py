"""Bulk suppressions for `tla-lens check`: the findings a project already has, recorded in a file
(`tla-lens-suppressions.json` at the project root) so that CI fails only on new ones.

The file counts, per file (a POSIX path relative to the project root) and per code, the
findings that are suppressed: `{"src/a.ts": {"async-import": {"count": 2}}}`, the same shape as
ESLint's eslint-suppressions.json. A run reads it and, for each file and code, leaves out the
findings when there are no more of them than the count; when there are more, all of them are
reported (which one is new cannot be told). Only errors and warnings are counted. Entries that
no longer match (the code was fixed) are "unused": the run says so and fails until they are
pruned. Plain data in, plain data out; the command line reads and writes the file.
"""
from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Iterable, Optional

from ..rules import Finding

FILE_NAME = "tla-lens-suppressions.json"
COUNTED = ("error", "warning")

Suppressions = dict[str, dict[str, dict[str, int]]]


class SuppressionsError(ValueError):
    pass


def load(path: Path) -> Suppressions:
    """The suppressions in ``path`` ({} when there is no such file); a file that is not of the
    expected shape raises SuppressionsError (it is never guessed at)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except OSError as e:
        raise SuppressionsError(f"cannot read {path}: {e.strerror or e}") from None
    try:
        data = json.loads(text)
    except ValueError as e:
        raise SuppressionsError(f"{path} is not valid JSON: {e}") from None
    ok = isinstance(data, dict) and all(
        isinstance(f, str) and isinstance(codes, dict) and all(
            isinstance(c, str) and isinstance(v, dict) and isinstance(v.get("count"), int) and v["count"] > 0
            for c, v in codes.items())
        for f, codes in data.items())
    if not ok:
        raise SuppressionsError(f"{path} is not a suppressions file: expected "
                                f'{{"file": {{"code": {{"count": n}}}}}} with counts above 0')
    return data


def key_of(path: Path, root: Path) -> Optional[str]:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return None


def _key(f: Finding, root: Path) -> Optional[str]:
    return key_of(f.path, root)


def counts(findings: Iterable[Finding], root: Path, codes: Optional[set[str]] = None) -> Suppressions:
    """The findings to record, counted per file and code (errors and warnings; ``codes``: only
    those)."""
    tally: Counter = Counter()
    for f in findings:
        key = _key(f, root)
        if key is not None and f.severity in COUNTED and (codes is None or f.code in codes):
            tally[(key, f.code)] += 1
    out: Suppressions = {}
    for (key, code), n in sorted(tally.items()):
        out.setdefault(key, {})[code] = {"count": n}
    return out


def merge(old: Suppressions, new: Suppressions) -> Suppressions:
    """``old`` with each (file, code) of ``new`` set to its count."""
    out = {f: {c: dict(v) for c, v in codes.items()} for f, codes in old.items()}
    for f, codes in new.items():
        out.setdefault(f, {}).update({c: dict(v) for c, v in codes.items()})
    return {f: dict(sorted(codes.items())) for f, codes in sorted(out.items()) if codes}


def apply(findings: list[Finding], root: Path, suppressions: Suppressions,
          analysed: Optional[set[str]] = None) -> tuple[list[Finding], int, Suppressions]:
    """(the findings still reported, how many were suppressed, the unused suppressions: what is
    left of the counts, per file and code). ``analysed``: the files of this run (entries of
    other files are not unused: a run of part of the project does not see them)."""
    seen: Counter = Counter()
    for f in findings:
        key = _key(f, root)
        if key is not None and f.severity in COUNTED:
            seen[(key, f.code)] += 1
    hidden = {k for k, n in seen.items() if n <= suppressions.get(k[0], {}).get(k[1], {}).get("count", 0)}
    kept = [f for f in findings if not (f.severity in COUNTED and (_key(f, root), f.code) in hidden)]
    unused: Suppressions = {}
    for file, codes in suppressions.items():
        if analysed is not None and file not in analysed:
            continue
        for code, v in codes.items():
            left = v["count"] - seen.get((file, code), 0)
            if left > 0:
                unused.setdefault(file, {})[code] = {"count": left}
    return kept, len(findings) - len(kept), unused


def prune(suppressions: Suppressions, unused: Suppressions) -> Suppressions:
    """``suppressions`` without what is unused."""
    out: Suppressions = {}
    for file, codes in suppressions.items():
        for code, v in codes.items():
            n = v["count"] - unused.get(file, {}).get(code, {}).get("count", 0)
            if n > 0:
                out.setdefault(file, {})[code] = {"count": n}
    return out


def save(path: Path, suppressions: Suppressions) -> None:
    """Write the file (sorted, so that its diffs are small); written whole or not at all."""
    text = json.dumps(suppressions, indent=2, sort_keys=True) + "\n"
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)
