"""ModuleFacts: everything the analysis needs to know about one file's text.

Pure data. Produced by :func:`tla_lens.syntax.extract`; consumed by the resolver,
the project graph, the rules and the fixes. All positions are *byte offsets* into
the file's bytes (half-open ``[start, end)``); :class:`tla_lens.text.LineIndex`
turns them into lines and columns at the edges.

Nothing here knows tree-sitter node names, file systems or LSP.

Facts are values: compared and hashed by their fields, and never changed once built (by
convention: they are not ``frozen`` dataclasses, whose construction costs about twice as much —
every module's ~25 fact objects are built in the main process when a large workspace loads).
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Optional


# slotted; equality and hash by value; not frozen (see above)
_fact = dataclass(slots=True, unsafe_hash=True)


class Dialect(str, Enum):
    """Which grammar a file is parsed with (from its extension)."""

    JS = "js"    # .js .mjs .cjs
    JSX = "jsx"  # .jsx
    TS = "ts"    # .ts .mts .cts
    TSX = "tsx"  # .tsx
    VUE = "vue"        # .vue: the script blocks of a Vue single-file component (syntax/sfc.py)
    SVELTE = "svelte"  # .svelte: the same for a Svelte component
    ASTRO = "astro"    # .astro: an Astro component's frontmatter (syntax/sfc.py)
    MDX = "mdx"        # .mdx: an MDX document's ESM blocks (syntax/sfc.py)

    @property
    def is_typescript(self) -> bool:
        """TypeScript's import elision applies (to Vue and Svelte components never, to Astro's
        always: see syntax/sfc.py)."""
        return self in (Dialect.TS, Dialect.TSX, Dialect.ASTRO)

    @property
    def is_component(self) -> bool:
        return self in (Dialect.VUE, Dialect.SVELTE, Dialect.ASTRO, Dialect.MDX)


@_fact
class Span:
    start: int  # byte offset, inclusive
    end: int    # byte offset, exclusive


class TlaKind(str, Enum):
    AWAIT = "await"              # await expr (including `await using` in tree-sitter-typescript)
    FOR_AWAIT = "for-await"      # for await (... of ...)
    AWAIT_USING = "await-using"  # await using x = ... (tree-sitter-javascript's using_declaration)
    # not syntax: a `.wasm` module the bundler loads asynchronously (webpack's asyncWebAssembly,
    # vite-plugin-wasm),
    # given the facts of an async module by the project (span 0-0: a binary file has no lines)
    ASYNC_WASM = "async-wasm"
    # not syntax: a webpack external of an async type (`import`, `promise`, `script`, …), given
    # the facts of an async module whose site is its key in the configuration
    ASYNC_EXTERNAL = "async-external"


@_fact
class TlaSite:
    kind: TlaKind
    span: Span  # the whole await expression / for-await statement head / using declaration
    keyword: Span  # just the `await` keyword (where the squiggle / hover goes)


class ImportPhase(str, Enum):
    EVALUATION = "evaluation"  # ordinary import / re-export
    DEFER = "defer"            # import defer * as ns from 'm'
    SOURCE = "source"          # import source x from 'm'


class StatementKind(str, Enum):
    IMPORT = "import"     # import ... from 'm' / import 'm'
    EXPORT = "export"     # export * from 'm' / export {a} from 'm' / export * as ns from 'm'


@_fact
class Binding:
    """One name an import or re-export brings in.

    ``imported`` is the exported name in the target module: ``"default"``, ``"*"``
    for a namespace (``import * as ns`` / ``export * as ns``), or a name.
    ``local`` is the local name in this file ("" for re-exports, which bind nothing locally
    except ``export * as ns`` whose exported name is in ``local``).
    """

    imported: str
    local: str
    type_only: bool       # inline `type` modifier, or the whole statement is `import type`
    span: Span            # the specifier's own text (e.g. `a as b`)
    # used at least once in a value / type position in this file (TypeScript files only, where
    # they decide elision; always False in JavaScript, which elides no import, and for a
    # type-only binding, which is erased whatever its uses)
    value_used: bool = False
    type_used: bool = False
    # its value uses are all in this file's own export lists (`export { x }`, `export default
    # x`): a whole-program tsc build drops it where the other module exports x only as a type
    reexported: bool = False


@_fact
class StaticImport:
    """A static ``import`` declaration or ``export ... from`` re-export."""

    kind: StatementKind
    specifier: str
    span: Span            # the whole statement
    specifier_span: Span  # the string literal including quotes
    bindings: tuple[Binding, ...] = ()
    phase: ImportPhase = ImportPhase.EVALUATION
    type_only: bool = False          # `import type ...` / `export type ...` (whole statement)
    attributes: tuple[tuple[str, str], ...] = ()  # with { type: "json" } -> (("type", "json"),)
    # TypeScript import elision: is the statement erased before an engine sees it?
    # Always False for JavaScript dialects.
    erased_default: bool = False     # under default TS settings (isolatedModules or not)
    erased_verbatim: bool = False    # under verbatimModuleSyntax: true
    in_ambient: bool = False         # inside `declare module "x" { }` / `declare global` (never an edge)

    def erased(self, verbatim_module_syntax: bool) -> bool:
        return self.erased_verbatim if verbatim_module_syntax else self.erased_default

    @property
    def is_synthetic(self) -> bool:
        """JSON/CSS/... imports with a `type` attribute evaluate no JavaScript."""
        return bool(self.attributes) and any(k == "type" for k, _ in self.attributes)

    def carries_async(self, verbatim_module_syntax: bool) -> bool:
        """Does this statement make the importer wait for the target (SEMANTICS.md §2)?"""
        return not (
            self.in_ambient
            or self.phase is ImportPhase.SOURCE
            or self.is_synthetic
            or self.erased(verbatim_module_syntax)
        )


@_fact
class DynamicImport:
    """``import(x)`` in a value position. ``specifier`` is None when not a plain string."""

    specifier: Optional[str]
    span: Span                       # the whole call
    specifier_span: Optional[Span]


@_fact
class GlobImport:
    """Vite's ``import.meta.glob(patterns, { eager: true })``: a static import of every file the
    patterns match (resolve/globs.py). Lazy and asset globs are not recorded."""

    patterns: tuple[str, ...]        # as written ("!…" excludes)
    span: Span                       # the whole call
    specifier_span: Span             # the first argument


class RequireKind(str, Enum):
    CALL = "require"                 # require('m') (a call of the free identifier `require`, or of
                                     # a module-level function made by `createRequire`: `callee`)
    IMPORT_EQUALS = "import-equals"  # TypeScript `import x = require('m')`


@_fact
class RequireCall:
    kind: RequireKind
    specifier: str
    span: Span
    specifier_span: Span
    # For TS `import x = require()` whose `x` is never used as a value, TS erases it (default
    # settings); under verbatimModuleSyntax it is kept. Always False for plain require() calls.
    erased_default: bool = False
    # Under verbatimModuleSyntax: only `import type x = require('m')` is erased (TypeScript 5.9).
    erased_verbatim: bool = False
    # A call of a require function made by Node's `createRequire` (`const req =
    # createRequire(import.meta.url); req("m")`): the callee as written ("req",
    # "createRequire(import.meta.url)"); "" for `require` itself.
    callee: str = ""

    def erased(self, verbatim_module_syntax: bool) -> bool:
        return self.erased_verbatim if verbatim_module_syntax else self.erased_default


@_fact
class Suppression:
    """``// tla-lens-ignore-next-line [code ...] [-- reason]`` on ``line`` (0-based)."""

    line: int            # 0-based line of the comment; it applies to line + 1
    codes: tuple[str, ...]  # empty = every code
    reason: str
    span: Span


@_fact
class ModuleFacts:
    dialect: Dialect
    tla: tuple[TlaSite, ...] = ()
    imports: tuple[StaticImport, ...] = ()
    dynamic_imports: tuple[DynamicImport, ...] = ()
    requires: tuple[RequireCall, ...] = ()
    suppressions: tuple[Suppression, ...] = ()
    # Module syntax (import/export declarations, import.meta, TLA) outside ambient blocks:
    # what Node's module-syntax detection looks at for .js files without a "type".
    has_module_syntax: bool = False
    has_syntax_errors: bool = False
    # The first ERROR / MISSING node in source order when has_syntax_errors (a MISSING node is
    # empty: start == end), for "syntax error at line N". None when there are no errors, and in
    # the (defensive) case where extraction itself failed.
    first_error: Optional[Span] = None
    # When the bytes were not valid UTF-8 (they were decoded with replacement characters
    # for names/specifiers; offsets stay byte offsets of the original bytes).
    invalid_utf8: bool = False
    globs: tuple[GlobImport, ...] = ()  # eager import.meta.glob calls

    @property
    def has_tla(self) -> bool:
        return bool(self.tla)


# ---------------------------------------------------------------------------------------
# The compact form: ModuleFacts as nested tuples of str / int / bool / None (enums by value,
# spans as two ints), which marshal writes and reads in C. The facts cache stores it and the
# extraction workers send it: building and pickling ~25 frozen objects per module cost more
# than the parse's own Python work. :func:`extract_record` builds it without the objects.
#
#   (dialect, tla, imports, dynamic_imports, requires, suppressions,
#    has_module_syntax, has_syntax_errors, first_error (start, end) | None, invalid_utf8, globs)
#   tla:      (kind, start, end, keyword_start, keyword_end)
#   import:   (kind, specifier, start, end, spec_start, spec_end, bindings, phase, type_only,
#              attributes, erased_default, erased_verbatim, in_ambient)
#   binding:  (imported, local, type_only, start, end, value_used, type_used)
#   dynamic:  (specifier | None, start, end, (spec_start, spec_end) | None)
#   require:  (kind, specifier, start, end, spec_start, spec_end, erased_default, erased_verbatim)
#   suppression: (line, codes, reason, start, end)
#   glob:     (patterns, start, end, spec_start, spec_end)

_DIALECTS = {d.value: d for d in Dialect}
_TLA_KINDS = {k.value: k for k in TlaKind}
_STATEMENT_KINDS = {k.value: k for k in StatementKind}
_PHASES = {p.value: p for p in ImportPhase}
_REQUIRE_KINDS = {k.value: k for k in RequireKind}


def tla_record(t: TlaSite) -> tuple:
    return (t.kind.value, t.span.start, t.span.end, t.keyword.start, t.keyword.end)


def import_record(i: StaticImport) -> tuple:
    return (i.kind.value, i.specifier, i.span.start, i.span.end, i.specifier_span.start,
            i.specifier_span.end,
            tuple((b.imported, b.local, b.type_only, b.span.start, b.span.end, b.value_used,
                   b.type_used, b.reexported) for b in i.bindings),
            i.phase.value, i.type_only, tuple(tuple(a) for a in i.attributes), i.erased_default,
            i.erased_verbatim, i.in_ambient)


def dynamic_record(d: DynamicImport) -> tuple:
    return (d.specifier, d.span.start, d.span.end,
            None if d.specifier_span is None else (d.specifier_span.start, d.specifier_span.end))


def require_record(r: RequireCall) -> tuple:
    return (r.kind.value, r.specifier, r.span.start, r.span.end, r.specifier_span.start,
            r.specifier_span.end, r.erased_default, r.erased_verbatim, r.callee)


def suppression_record(s: Suppression) -> tuple:
    return (s.line, tuple(s.codes), s.reason, s.span.start, s.span.end)


def glob_record(g: GlobImport) -> tuple:
    return (tuple(g.patterns), g.span.start, g.span.end, g.specifier_span.start, g.specifier_span.end)


def to_record(f: ModuleFacts) -> tuple:
    """``f`` in the compact form (:func:`from_record` gives back an equal ModuleFacts)."""
    return (
        f.dialect.value,
        tuple(map(tla_record, f.tla)),
        tuple(map(import_record, f.imports)),
        tuple(map(dynamic_record, f.dynamic_imports)),
        tuple(map(require_record, f.requires)),
        tuple(map(suppression_record, f.suppressions)),
        f.has_module_syntax, f.has_syntax_errors,
        None if f.first_error is None else (f.first_error.start, f.first_error.end),
        f.invalid_utf8,
        tuple(map(glob_record, f.globs)),
    )


def from_record(r: tuple) -> ModuleFacts:
    """The ModuleFacts of a compact record. Raises (KeyError, TypeError, ValueError) on a
    record of another shape."""
    dialect, tla, imports, dynamic, requires, suppressions, module_syntax, errors, first, invalid, globs = r
    return ModuleFacts(
        _DIALECTS[dialect],
        tuple([TlaSite(_TLA_KINDS[k], Span(a, b), Span(c, d)) for k, a, b, c, d in tla]),
        tuple([StaticImport(_STATEMENT_KINDS[k], spec, Span(a, b), Span(c, d),
                            tuple([Binding(im, lo, to, Span(x, y), vu, tu, rx) for im, lo, to, x, y, vu, tu, rx in bs]),
                            _PHASES[ph], ty, at, ed, ev, amb)
               for k, spec, a, b, c, d, bs, ph, ty, at, ed, ev, amb in imports]),
        tuple([DynamicImport(s, Span(a, b), None if ss is None else Span(*ss)) for s, a, b, ss in dynamic]),
        tuple([RequireCall(_REQUIRE_KINDS[k], s, Span(a, b), Span(c, d), e1, e2, ce)
               for k, s, a, b, c, d, e1, e2, ce in requires]),
        tuple([Suppression(line, codes, reason, Span(a, b)) for line, codes, reason, a, b in suppressions]),
        module_syntax, errors, None if first is None else Span(*first), invalid,
        tuple([GlobImport(tuple(ps), Span(a, b), Span(c, d)) for ps, a, b, c, d in globs]),
    )
