"""What Node would fail on when it loads a TypeScript file itself, with import() (type
stripping, no compiler), where a tool compiled it before: Next.js's next.config.ts, renamed
next.config.mts or loaded under `--experimental-next-config-strip-types`. Asked of the file and
of the project files it loads, from their facts and edges; each reason held to Node 26
(tests/fixes/test_next_config_rename.py, tests/syntax/test_strip_only.py)."""
from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Callable, Mapping, Optional

from ..syntax.strip_only import unsupported

__all__ = ["node_load_refusal"]

# CommonJS's own names, which an ES module does not have
_COMMONJS = re.compile(rb"\bmodule\.exports\b|\bexports\.\w|\brequire\s*\(|__dirname|__filename")
_JSON_TYPE = re.compile(rb"""\btype\s*:\s*["']json["']""")


def node_load_refusal(config: Path, modules: Mapping, rel: Callable[[Path], str]) -> Optional[str]:
    """Why Node could not load the TypeScript file ``config`` itself with import() (type
    stripping, no compiler), looking at it and at the project files it loads (``modules``: path -> module, with its edges and source); None where
    it could. Node keeps each import as written: a relative one must name the file itself (no
    extension left out, no index folder, no `.js` for a `.ts`), a tsconfig `paths` alias is
    not read, a JSON import needs `with { type: "json" }`, JSX is not loaded; and it refuses
    TypeScript that needs code generated (:func:`~tla_lens.syntax.strip_only.unsupported`) and,
    in an ES module, CommonJS's `require()`, `module.exports` and `__dirname`."""
    seen = {config}
    stack = [config]
    while stack:
        path = stack.pop()
        mod = modules.get(path)
        if mod is None:
            continue
        source = mod.source
        if path.suffix in (".ts", ".mts"):
            bad = unsupported(source)
            if bad is not None:
                line = source.count(b"\n", 0, bad[0]) + 1
                return f"{bad[1]} at {rel(path)}:{line}: Node's type stripping refuses it"
            m = _COMMONJS.search(source)
            if m is not None:
                return (f"{rel(path)} uses `{m.group().decode().strip('( ')}`, which an ES module does not have "
                        f"(`import.meta.dirname`, `import.meta.filename`, `createRequire` are its own)")
        for e in mod.edges:
            t = e.target
            where = f"`{e.specifier}` in {rel(path)}"
            if e.specifier.endswith(".json") and not _JSON_TYPE.search(source[e.span.start:e.span.end]):
                return f"{where}: Node needs `with {{ type: \"json\" }}` on a JSON import"
            if t is None or t in seen or not getattr(modules.get(t), "workspace", False):
                continue
            if t.suffix in (".tsx", ".jsx"):
                return f"{where}: Node does not load JSX"
            spec = e.specifier
            if spec.startswith(("./", "../")):
                named = os.path.realpath(os.path.join(str(path.parent), spec))
                if named != os.path.realpath(str(t)):
                    return (f"{where}: Node needs the file's own name (`{_named(spec, path, t)}`), as it keeps each "
                            f"import as written")
            elif not os.path.isabs(spec) and not _installed(spec, path):
                return f"{where}: an alias (tsconfig `paths`), which Node does not read"
            seen.add(t)
            stack.append(t)
    return None


def _named(spec: str, importer: Path, target: Path) -> str:
    """The specifier that names ``target`` itself from ``importer``."""
    r = os.path.relpath(str(target), str(importer.parent)).replace(os.sep, "/")
    return r if r.startswith("../") else "./" + r


def _installed(spec: str, importer: Path) -> bool:
    """Is the package ``spec`` names in a node_modules folder Node looks in from ``importer``?"""
    parts = spec.split("/")
    name = "/".join(parts[:2]) if spec.startswith("@") else parts[0]
    return any(os.path.isdir(os.path.join(str(d), "node_modules", name)) for d in importer.parents)
