"""Shrunk counterexamples of the fuzzers, kept for good (tests/fuzz/regressions/*.json).

Each file is one case:
    {"kind": "tla" | "tla-ts" | "elide",
     "src": "...", "verbatim": false,          (elide only)
     "engine": {...},                          the engine's answer when the case was found
     "note": "what went wrong",
     "xfail": "reason"}                        (optional) tla-lens is known to be wrong here
The engine is asked again (so a change of Node/TypeScript shows up as a changed "engine" answer),
then tla-lens must agree with it. A case with "xfail" is a strict xfail: when tla-lens is fixed
the test fails until the "xfail" key is removed.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from tla_lens.syntax import Dialect

from .test_fuzz import kept_by_us, tla_disagreement

HERE = Path(__file__).resolve().parent
CASES = sorted((HERE / "regressions").glob("*.json"))


def _params():
    for path in CASES:
        case = json.loads(path.read_text(encoding="utf-8"))
        marks = [pytest.mark.xfail(strict=True, reason=case["xfail"])] if case.get("xfail") else []
        yield pytest.param(path, id=path.stem, marks=marks)


@pytest.mark.parametrize("path", list(_params()))
def test_regression(engine, path):
    case = json.loads(path.read_text(encoding="utf-8"))
    kind, src = case["kind"], case["src"]
    if kind in ("tla", "tla-ts"):
        answer = engine.ask(op="tla", src=src, ts=kind == "tla-ts")
        assert answer == case["engine"], f"the engine changed its answer: {answer}"
        dialect = Dialect.TS if kind == "tla-ts" else Dialect.JS
        assert (msg := tla_disagreement(src, answer, dialect)) is None, msg
    elif kind == "elide":
        answer = engine.ask(op="elide", src=src, verbatim=case["verbatim"])
        assert sorted(answer["kept"]) == sorted(case["engine"]["kept"]), f"the engine changed its answer: {answer}"
        assert kept_by_us(src, case["verbatim"]) == set(answer["kept"]), answer["output"]
    else:
        raise AssertionError(f"unknown kind {kind!r} in {path.name}")


def test_regressions_are_well_formed():
    for path in CASES:
        case = json.loads(path.read_text(encoding="utf-8"))
        assert {"kind", "src", "engine", "note"} <= case.keys(), path.name
