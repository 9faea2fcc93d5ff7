"""tree-sitter languages and parsers, created lazily once per process (parsers once per thread)."""
from __future__ import annotations

import os
import re
import threading
from pathlib import Path
from typing import Optional, Union

import tree_sitter
import tree_sitter_javascript
import tree_sitter_typescript

from .facts import Dialect

_languages: dict[Dialect, tree_sitter.Language] = {}
_lang_lock = threading.Lock()
_local = threading.local()


def language(dialect: Dialect) -> tree_sitter.Language:
    """The grammar for ``dialect``: JavaScript (which includes JSX) for JS/JSX,
    tree-sitter-typescript's ``typescript`` for TS and ``tsx`` for TSX."""
    lang = _languages.get(dialect)
    if lang is None:
        with _lang_lock:
            lang = _languages.get(dialect)
            if lang is None:
                if dialect is Dialect.TS or (dialect.is_component and dialect is not Dialect.MDX):
                    # (a component's code: see sfc; MDX's is JavaScript with JSX)
                    raw = tree_sitter_typescript.language_typescript()
                elif dialect is Dialect.TSX:
                    raw = tree_sitter_typescript.language_tsx()
                else:
                    raw = tree_sitter_javascript.language()
                lang = tree_sitter.Language(raw)
                _languages[dialect] = lang
    return lang


def parser(dialect: Dialect) -> tree_sitter.Parser:
    """This thread's parser for ``dialect`` (tree-sitter parsers are not thread-safe)."""
    parsers = getattr(_local, "parsers", None)
    if parsers is None:
        parsers = _local.parsers = {}
    p = parsers.get(dialect)
    if p is None:
        p = parsers[dialect] = tree_sitter.Parser(language(dialect))
    return p


_QUERIES: dict[tuple[Dialect, str], tree_sitter.Query] = {}


def query(dialect: Dialect, source: str) -> tree_sitter.Query:
    """A compiled query, cached per (dialect, source)."""
    key = (dialect, source)
    q = _QUERIES.get(key)
    if q is None:
        q = _QUERIES[key] = tree_sitter.Query(language(dialect), source)
    return q


_EXTENSIONS = {
    ".js": Dialect.JS,
    ".mjs": Dialect.JS,
    ".cjs": Dialect.JS,
    ".jsx": Dialect.JSX,
    ".ts": Dialect.TS,
    ".mts": Dialect.TS,
    ".cts": Dialect.TS,
    ".tsx": Dialect.TSX,
    ".vue": Dialect.VUE,
    ".svelte": Dialect.SVELTE,
    ".astro": Dialect.ASTRO,
    ".mdx": Dialect.MDX,
}
_DECLARATION_RE = re.compile(r"\.d(\.[^.]+)?\.[mc]?ts$")


def dialect_for_path(path: Union[str, Path]) -> Optional[Dialect]:
    """The dialect a file is parsed with, from its extension; None for anything else,
    including TypeScript declaration files (``.d.ts``/``.d.mts``/``.d.cts``, and the
    ``.d.<ext>.ts`` form of ``allowArbitraryExtensions``), which never run.
    """
    name = path.name if isinstance(path, Path) else path[path.rfind(os.sep) + 1:]  # (basename)
    dot = name.rfind(".")
    if dot <= 0:  # no extension (a leading dot starts a name, as for Path.suffix)
        return None
    dialect = _EXTENSIONS.get(name[dot:])
    if dialect is None or (".d." in name and dialect.is_typescript and _DECLARATION_RE.search(name)):
        return None
    return dialect
