"""TLA detection compared with V8 (Node 26 ``vm.SourceTextModule#hasTopLevelAwait``).

All snippets go to ONE node process (tests/syntax/tla_oracle.js). A snippet V8 rejects with
a SyntaxError (an `await` beyond a function boundary, which tree-sitter parses without
complaint) is compared as "not TLA": extract must not report a site for it (with the
TypeScript grammar, also accepted: a site plus ``has_syntax_errors``).
"""
from __future__ import annotations

import pytest

from tla_lens.syntax import Dialect, extract

from .engines import v8_modules
from .tla_corpus import TLA_CORPUS


@pytest.fixture(scope="module")
def v8_results(node26) -> list[dict]:
    sources = [src for src, _ in TLA_CORPUS]
    return v8_modules(node26, sources)


def test_corpus_is_big_enough():
    assert len(TLA_CORPUS) >= 80
    assert sum(1 for _, e in TLA_CORPUS if e is True) >= 30
    assert sum(1 for _, e in TLA_CORPUS if e is False) >= 20


@pytest.mark.parametrize("index", range(len(TLA_CORPUS)), ids=[repr(s)[:50] for s, _ in TLA_CORPUS])
def test_tla_matches_v8(v8_results, index):
    src, expected = TLA_CORPUS[index]
    res = v8_results[index]
    engine = "error" if "error" in res else res["tla"]
    # The corpus states what the engine says; a change in V8 shows up here first.
    assert engine == expected, f"V8 says {res} for {src!r}"
    ours = extract(src.encode(), Dialect.JS)
    assert bool(ours.tla) == (engine is True), (src, ours.tla)
    # Same verdict with the TypeScript grammar for the snippets that are also TypeScript.
    if "<div>" not in src:
        ts = extract(src.encode(), Dialect.TS)
        if engine == "error" and ts.has_syntax_errors:
            return  # e.g. `await.x`: the TS grammar recovers into an await expression
        assert bool(ts.tla) == (engine is True), ("ts", src, ts.tla)
