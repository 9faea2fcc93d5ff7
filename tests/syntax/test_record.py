"""The facts' compact form (what the workers send and the cache keeps): extraction builds it
directly, and it must say exactly what the ModuleFacts objects say."""
from __future__ import annotations

import marshal

import pytest
from hypothesis import given, settings, strategies as st

from tla_lens.project.cache import FactsCache
from tla_lens.syntax import Dialect, extract, extract_record
from tla_lens.syntax.facts import (
    Binding,
    DynamicImport,
    ImportPhase,
    ModuleFacts,
    RequireCall,
    RequireKind,
    Span,
    StatementKind,
    StaticImport,
    Suppression,
    TlaKind,
    TlaSite,
    from_record,
    to_record,
)

from .elision_corpus import ELISION_CORPUS
from .tla_corpus import TLA_CORPUS

EXTRA = [
    "import a, {b as c, type d} from './m.js' with { type: 'json' };\nexport * as ns from 'pkg';",
    "import defer * as ns from './x.js'; import source wasm from './w.wasm'; export type * from './t';",
    "import x = require('./cjs'); export import y = require('./y'); const z = require(`./z`);",
    "// tla-lens-ignore-next-line async-import -- cold path\nimport './slow.js';\nawait import('./d.js');",
    "const m = await import(name); for await (const x of y) {} await using r = g();",
    "import { broken from './x.js'",  # a syntax error
    "declare module 'm' { import { a } from './amb'; }",
]


def corpus() -> list[tuple[bytes, Dialect]]:
    sources = [s for s, _ in TLA_CORPUS] + [s for s, _ in ELISION_CORPUS] + EXTRA
    out = [(s.encode(), d) for s in sources for d in Dialect]
    out.append((b"import { caf\xe9 } from './\xff.js';\nawait 1;", Dialect.JS))  # not UTF-8
    return out


@pytest.mark.parametrize("dialect", list(Dialect), ids=lambda d: d.value)
def test_extracted_records_read_back_to_the_same_facts(dialect):
    checked = 0
    for data, d in corpus():
        if d is not dialect:
            continue
        record = extract_record(data, d)
        facts = from_record(record)
        assert facts == extract(data, d)
        # the record extraction builds by hand has the shape to_record gives
        assert to_record(facts) == record, data
        assert from_record(marshal.loads(marshal.dumps(record))) == facts
        assert FactsCache.unpack(FactsCache.pack_record(record)) == facts
        checked += 1
    assert checked > 100


def test_records_carry_enums_and_spans():
    src = b"import type { T } from './t';\nimport defer * as ns from './x.js';\nawait 1;\nrequire('./c');"
    f = from_record(extract_record(src, Dialect.TS))
    assert [i.kind for i in f.imports] == [StatementKind.IMPORT, StatementKind.IMPORT]
    assert f.imports[1].phase is ImportPhase.DEFER
    assert f.imports[0].erased_default and f.imports[0].bindings[0].type_only
    assert isinstance(f.imports[0].specifier_span, Span) and f.tla[0].kind is TlaKind.AWAIT
    assert f.requires[0].kind is RequireKind.CALL and f.dialect is Dialect.TS


def test_a_record_of_another_shape_is_a_cache_miss():
    good = extract_record(b"import './a.js';", Dialect.JS)
    for payload in [good[:-1], ("xx",) + good[1:], (good[0], ((1, 2),)) + good[2:], [], 7, None]:
        assert FactsCache.unpack(FactsCache._seal(marshal.dumps(payload))) is None, payload


_ints = st.integers(min_value=0, max_value=10**9)
_spans = st.builds(Span, _ints, _ints)
_text = st.text(max_size=12)
_bindings = st.builds(Binding, _text, _text, st.booleans(), _spans, st.booleans(), st.booleans())
_imports = st.builds(
    StaticImport, st.sampled_from(StatementKind), _text, _spans, _spans, st.tuples(_bindings, _bindings) | st.just(()),
    st.sampled_from(ImportPhase), st.booleans(), st.lists(st.tuples(_text, _text), max_size=2).map(tuple),
    st.booleans(), st.booleans(), st.booleans())
_facts = st.builds(
    ModuleFacts,
    st.sampled_from(Dialect),
    st.lists(st.builds(TlaSite, st.sampled_from(TlaKind), _spans, _spans), max_size=2).map(tuple),
    st.lists(_imports, max_size=3).map(tuple),
    st.lists(st.builds(DynamicImport, st.none() | _text, _spans, st.none() | _spans), max_size=2).map(tuple),
    st.lists(st.builds(RequireCall, st.sampled_from(RequireKind), _text, _spans, _spans, st.booleans(),
                       st.booleans()), max_size=2).map(tuple),
    st.lists(st.builds(Suppression, _ints, st.lists(_text, max_size=2).map(tuple), _text, _spans),
             max_size=2).map(tuple),
    st.booleans(), st.booleans(), st.none() | _spans, st.booleans())


@settings(max_examples=300, deadline=None)
@given(_facts)
def test_every_field_survives_the_compact_form(facts):
    assert from_record(to_record(facts)) == facts
    assert FactsCache.unpack(FactsCache.pack(facts)) == facts
