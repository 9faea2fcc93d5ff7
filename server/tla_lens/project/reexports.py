"""Re-exports of types that a whole-program tsc build drops.

Per-file compilers (isolatedModules, esbuild, swc, Babel, `ts.transpileModule`) cannot know
whether ``export { DbConfig } from "./db"`` names a type, so they keep it — and the importer
waits for db. A `tsc` build reads db, and drops the re-export when every name it takes is only a
type there (interfaces, type aliases, non-instantiated namespaces, const enums unless
isolatedModules or preserveConstEnums): the same for an import whose only value uses are the
file's own exports (``import { DbConfig } from "./db"; export { DbConfig }``). This decides that
for the modules :meth:`Resolver.tsc_program` says tsc builds, from the export tables of the
modules the names come from (syntax/exports.py: read on demand, kept until those files change).
Held to TypeScript 5.9 (tests/project/test_tsc_reexports.py).
"""
from __future__ import annotations

import weakref
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Optional

from ..syntax.exports import CONST_ENUM, TYPE, VALUE, Export, export_table
from ..syntax.facts import Dialect, StatementKind, StaticImport
from ..syntax.grammar import dialect_for_path

if TYPE_CHECKING:
    from ..resolve.tsconfig import TsConfig
    from . import Project
    from .graph import Module

_TS_SUFFIXES = (".ts", ".tsx", ".mts", ".cts")
_DECLARED = {"js": ".d.ts", "mjs": ".d.mts", "cjs": ".d.cts"}  # a build's declaration file


def candidate_names(imp: StaticImport) -> list[str]:
    """The names a whole-program tsc build looks up to decide whether it drops ``imp``: a
    re-export's (not `export *`, `export * as ns`), an import's whose only value uses are the
    file's own exports (not a namespace object's); [] for any other statement (kept)."""
    if imp.kind is StatementKind.EXPORT:
        if any(b.imported == "*" for b in imp.bindings):
            return []
        return [b.imported for b in imp.bindings if not b.type_only]
    names = []
    for b in imp.bindings:
        if b.type_only or not b.value_used:
            continue
        if not b.reexported or b.imported == "*":
            return []  # used as a value here, or a namespace object: kept
        names.append(b.imported)
    return names


class TypeReexports:
    def __init__(self, project: "Project") -> None:
        self._project = weakref.ref(project)  # (no reference cycle: see project._Reader)
        self.tables: dict[Path, tuple[Export, ...]] = {}
        # a file whose table a decision read -> the modules whose decisions read it
        self.readers: dict[Path, set[Path]] = {}

    def clear(self) -> None:
        self.tables.clear()
        self.readers.clear()

    def forget(self, paths: Iterable[Path]) -> set[Path]:
        """``paths`` changed: their tables are read again when next needed. Returns the modules
        whose decisions read them (their edges are to be made again)."""
        out: set[Path] = set()
        for p in paths:
            self.tables.pop(p, None)
            out |= self.readers.pop(p, set())
        return out

    def drops(self, mod: "Module", imp: StaticImport, ts: "TsConfig") -> bool:
        """Does tsc, building ``mod`` with the whole program (tsconfig ``ts``), drop ``imp``
        (kept by a per-file compiler) because the names it takes are only types?"""
        names = candidate_names(imp)
        target = self._target(mod, imp) if names else None
        if target is None:
            return False
        opts = ts.compiler_options
        const_values = ts.isolated_modules or opts.get("preserveConstEnums") is True
        for name in names:
            bits = self._meaning(target, name, {}, mod.path)
            if not bits or bits & VALUE or (const_values and bits & CONST_ENUM):
                return False  # (0: not found there — tsc keeps what it cannot tell)
        return True

    def _target(self, mod: "Module", imp: StaticImport) -> Optional[Path]:
        res = self._project().resolver.resolve(imp.specifier, mod.path, "import")
        return res.path if res.kind == "file" else None

    def only_types(self, mod: "Module", imp: StaticImport) -> bool:
        """Are the names the re-export ``imp`` of ``mod`` takes all only types in the module it
        names (not const enums, which are inlined values)? Then `export type` says it for every
        compiler (the quick fix's question; whatever builds the file). Asked only where every
        name starts with a capital letter (a type's name, by custom: the other module's exports
        are not read for `export { createUser }`); a type named otherwise gets no offer."""
        if imp.kind is not StatementKind.EXPORT or imp.type_only or not imp.bindings or \
                any(b.imported == "*" for b in imp.bindings):
            return False
        if not all(b.type_only or b.imported[:1].isupper() for b in imp.bindings):
            return False  # (a quick first look, the names' case: types are written so, values rarely)
        target = self._target(mod, imp)
        if target is None:
            return False
        for b in imp.bindings:
            bits = TYPE if b.type_only else self._meaning(target, b.imported, {}, mod.path)
            if not bits or bits & (VALUE | CONST_ENUM):
                return False
        return True

    def reexported_types(self, mod: "Module", imp: StaticImport) -> list[str]:
        """For an import whose only value uses are the file's own `export { … }`s
        (``import { DbConfig } from "./db"; export { DbConfig }``): the names it imports that
        way when each is only a type in the module it comes from (then `import type` with
        `export { type DbConfig }` says so for every compiler); else []. Asked only where those
        names start with a capital letter, as :meth:`only_types`."""
        if imp.kind is not StatementKind.IMPORT or imp.type_only:
            return []
        names = candidate_names(imp)
        if not names or not all(n[:1].isupper() for n in names):
            return []
        target = self._target(mod, imp)
        if target is None:
            return []
        for n in names:
            bits = self._meaning(target, n, {}, mod.path)
            if not bits or bits & (VALUE | CONST_ENUM):
                return []
        return names

    def _meaning(self, path: Path, name: str, seen: dict, reader: Path) -> int:
        """The meanings (syntax.exports' bits) of ``name`` as ``path`` exports it: 0 where it
        does not; VALUE where it cannot tell (not TypeScript, unreadable, a cycle). ``seen``:
        the answers of this decision so far (None: being worked out — a cycle)."""
        key = (path, name)
        if key in seen:
            got = seen[key]
            return VALUE if got is None else got
        seen[key] = None
        self.readers.setdefault(path, set()).add(reader)
        seen[key] = bits = self._exported(path, name, seen, reader)
        return bits

    def _exported(self, path: Path, name: str, seen: dict, reader: Path) -> int:
        table = self._table(path)
        if table is None:
            return VALUE
        bits = 0
        found = False
        for e in table:
            if e.name == name:
                found = True
                bits |= e.meaning if e.meaning else self._follow(path, e.specifier, e.imported, seen, reader)
        if found or name == "default":
            return bits
        for e in table:
            if e.name == "*":
                got = self._follow(path, e.specifier, name, seen, reader)
                bits |= TYPE if got and e.meaning == TYPE else got
        return bits

    def _follow(self, path: Path, specifier: Optional[str], name: Optional[str], seen: dict, reader: Path) -> int:
        if specifier is None or name is None:
            return VALUE
        res = self._project().resolver.resolve(specifier, path, "import")
        if res.kind != "file" or res.path is None:
            return VALUE
        return self._meaning(res.path, name, seen, reader)

    def _table(self, path: Path) -> Optional[tuple[Export, ...]]:
        if not path.name.endswith(_TS_SUFFIXES):
            # JavaScript (a package's build): what tsc reads is its declaration file, where
            # it sits beside it (`x.js` and `x.d.ts`; a `types` path elsewhere is not looked for)
            stem, dot, ext = path.name.rpartition(".")
            if not dot or ext not in _DECLARED:
                return None
            path = path.with_name(f"{stem}{_DECLARED[ext]}")
            if not self._project().resolver.fs.is_file(str(path)):
                return None
        table = self.tables.get(path)
        if table is None:
            data = self._project().read_quietly(path)
            if data is None:
                return None
            dialect = dialect_for_path(path)
            table = self.tables[path] = export_table(data, Dialect.TSX if dialect is Dialect.TSX else Dialect.TS)
        return table
