"""ModuleFacts: everything the analysis needs to know about one file's text.

Pure data. Produced by :func:`tla_lens.syntax.extract`; consumed by the resolver,
the project graph, the rules and the fixes. All positions are *byte offsets* into
the file's bytes (half-open ``[start, end)``); :class:`tla_lens.text.LineIndex`
turns them into lines and columns at the edges.

Nothing here knows tree-sitter node names, file systems or LSP.
"""
from __future__ import annotations

import operator
from dataclasses import dataclass, fields
from enum import Enum
from typing import Optional


def _compact_pickle(cls):
    """Pickle a frozen slotted dataclass as ``cls(*values)``: unpickling then runs the
    generated ``__init__`` instead of dataclasses' generic ``__setstate__`` (which looks the
    fields up again for every object; the facts cache unpickles ~25 objects per module)."""
    values = operator.attrgetter(*(f.name for f in fields(cls)))
    if len(fields(cls)) == 1:
        cls.__reduce__ = lambda self: (cls, (values(self),))
    else:
        cls.__reduce__ = lambda self: (cls, values(self))
    return cls


class Dialect(str, Enum):
    """Which grammar a file is parsed with (from its extension)."""

    JS = "js"    # .js .mjs .cjs
    JSX = "jsx"  # .jsx
    TS = "ts"    # .ts .mts .cts
    TSX = "tsx"  # .tsx

    @property
    def is_typescript(self) -> bool:
        return self in (Dialect.TS, Dialect.TSX)


@_compact_pickle
@dataclass(frozen=True, slots=True)
class Span:
    start: int  # byte offset, inclusive
    end: int    # byte offset, exclusive


class TlaKind(str, Enum):
    AWAIT = "await"              # await expr (including `await using` in tree-sitter-typescript)
    FOR_AWAIT = "for-await"      # for await (... of ...)
    AWAIT_USING = "await-using"  # await using x = ... (tree-sitter-javascript's using_declaration)


@_compact_pickle
@dataclass(frozen=True, slots=True)
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


@_compact_pickle
@dataclass(frozen=True, slots=True)
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
    value_used: bool = False  # used at least once in a value position in this file
    type_used: bool = False   # used at least once in a type position in this file


@_compact_pickle
@dataclass(frozen=True, slots=True)
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
        return any(k == "type" for k, _ in self.attributes)

    def carries_async(self, verbatim_module_syntax: bool) -> bool:
        """Does this statement make the importer wait for the target (SEMANTICS.md §2)?"""
        return not (
            self.in_ambient
            or self.phase is ImportPhase.SOURCE
            or self.is_synthetic
            or self.erased(verbatim_module_syntax)
        )


@_compact_pickle
@dataclass(frozen=True, slots=True)
class DynamicImport:
    """``import(x)`` in a value position. ``specifier`` is None when not a plain string."""

    specifier: Optional[str]
    span: Span                       # the whole call
    specifier_span: Optional[Span]


class RequireKind(str, Enum):
    CALL = "require"                 # require('m') (a call of the free identifier `require`)
    IMPORT_EQUALS = "import-equals"  # TypeScript `import x = require('m')`


@_compact_pickle
@dataclass(frozen=True, slots=True)
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

    def erased(self, verbatim_module_syntax: bool) -> bool:
        return self.erased_verbatim if verbatim_module_syntax else self.erased_default


@_compact_pickle
@dataclass(frozen=True, slots=True)
class Suppression:
    """``// tla-lens-ignore-next-line [code ...] [-- reason]`` on ``line`` (0-based)."""

    line: int            # 0-based line of the comment; it applies to line + 1
    codes: tuple[str, ...]  # empty = every code
    reason: str
    span: Span


@_compact_pickle
@dataclass(frozen=True, slots=True)
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

    @property
    def has_tla(self) -> bool:
        return bool(self.tla)
