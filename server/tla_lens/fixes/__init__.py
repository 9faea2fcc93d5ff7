"""The fixes layer: a finding plus a file's text -> text edits (shared by the CLI and the LSP).

Pure: bytes in, edits out (byte spans into the original bytes); no LSP, no file system.

* :func:`lazy_import` — turn a static import into ``await import()`` where its bindings are used.
* :func:`import_type` — ``import {T}`` -> ``import type {T}`` (TypeScript, type-only uses).
* :func:`ignore_comment` — ``// tla-lens-ignore-next-line <code> -- reason`` above a line.
* :func:`respell` — an import's specifier written as Node finds the module (``./util.ts``).

Each returns a :class:`Fix`, or a :class:`Refusal` saying why the fix is not offered.
The policy for functions that have to become async is in :mod:`.lazy`.
"""
from .edits import Fix, Refusal, TextEdit, apply_edits
from .ignore import ignore_comment
from .lazy import export_type, import_type, lazy_import
from .respell import respell

__all__ = ["Fix", "Refusal", "TextEdit", "apply_edits", "export_type", "ignore_comment", "import_type",
           "lazy_import", "respell"]
