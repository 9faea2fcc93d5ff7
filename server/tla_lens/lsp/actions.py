"""Code actions: the fixes layer's edits as LSP quick fixes and refactors."""
from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Optional, Union

from lsprotocol import types as T

from ..fixes import Fix, Refusal, export_type, ignore_comment, import_type, lazy_import, respell
from ..fixes.config_edit import TLA_TARGET, allow_async, new_config, tsconfig_target
from ..fixes.config_rename import config_rename
from ..fixes.esm_build import esm_build
from ..fixes.webpack_external import external_fix
from ..text import LineIndex
from ..project.graph import EdgeKind, Module
from ..syntax.facts import Dialect, StatementKind, StaticImport

if TYPE_CHECKING:
    from .server import TlaLensServer

CMD_SHOW_DOCS = "tla-lens.showDocumentation"


def _overlaps(a: T.Range, b: T.Range) -> bool:
    return not ((a.end.line, a.end.character) < (b.start.line, b.start.character)
                or (b.end.line, b.end.character) < (a.start.line, a.start.character))


def _edit(ls: "TlaLensServer", mod: Module, fix: Fix) -> T.WorkspaceEdit:
    doc = ls.docs.get(mod.path)
    edits = [T.TextEdit(range=ls.range(mod.path, e.span), new_text=e.new_text) for e in fix.edits]
    return T.WorkspaceEdit(document_changes=[T.TextDocumentEdit(
        text_document=T.OptionalVersionedTextDocumentIdentifier(
            uri=ls.uri(mod.path), version=doc.version if doc else None),
        edits=edits)])


def _action(ls: "TlaLensServer", mod: Module, result: Union[Fix, Refusal], kind: str,
            diagnostics: list[T.Diagnostic]) -> T.CodeAction:
    if isinstance(result, Refusal):
        return T.CodeAction(title=result.title, kind=kind, diagnostics=diagnostics or None,
                            disabled=T.CodeActionDisabled(reason=result.reason))
    return T.CodeAction(title=result.title, kind=kind, diagnostics=diagnostics or None,
                        edit=_edit(ls, mod, result), is_preferred=result.preferred or None)


def _docs_action(d: T.Diagnostic) -> T.CodeAction:
    title = f"Show documentation for {d.code}"
    return T.CodeAction(title=title, kind=T.CodeActionKind.QuickFix, diagnostics=[d],
                        command=T.Command(title=title, command=CMD_SHOW_DOCS, arguments=[str(d.code)]))


def _wanted(kind: str, only: Optional[list]) -> bool:
    if not only:
        return True
    return any(kind == o or kind.startswith(f"{o}.") for o in (getattr(x, "value", x) for x in only))


def code_actions(ls: "TlaLensServer", mod: Module, params: T.CodeActionParams) -> list[T.CodeAction]:
    project = ls.project
    assert project is not None
    only = params.context.only
    ours = [d for d in params.context.diagnostics if d.source == "tla-lens"]
    out: list[T.CodeAction] = []
    covered: set[int] = set()  # diagnostics given their ignore and docs actions on an import
    lo = ls.offset(mod.path, params.range.start)
    hi = ls.offset(mod.path, params.range.end)
    imports = mod.facts.imports
    for edge in mod.edges:
        if edge.span.end < lo or edge.span.start > hi:
            continue
        if edge.target is None:
            # a relative import Node does not find (type stripping): the name it finds
            spelled = project.node_spelling(edge)
            if spelled is not None and edge.specifier_span is not None and \
                    _wanted(T.CodeActionKind.QuickFix, only):
                erange = ls.range(mod.path, edge.span)
                diags = [d for d in ours if _overlaps(d.range, erange) and str(d.code) == "unresolved-import"]
                fix = respell(mod.source, edge.specifier_span, edge.specifier, spelled)
                out.append(_action(ls, mod, fix, T.CodeActionKind.QuickFix, diags))
            continue  # (its diagnostic's ignore and docs actions: below, with the others')
        if edge.kind not in (EdgeKind.STATIC, EdgeKind.REQUIRE):
            continue
        # an external the bundle require()s, here or in a bundled package it imports
        inner = project.throwing_require(edge)
        if inner is not None:
            erange = ls.range(mod.path, edge.span)
            diags = [d for d in ours if _overlaps(d.range, erange) and str(d.code) == "require-async"]
            action = _external_action(ls, inner, diags)
            if action is not None and _wanted(action.kind or "", only):
                out.append(action)
        if not project.infection.is_async(edge.target):
            continue
        erange = ls.range(mod.path, edge.span)
        diags = [d for d in ours if _overlaps(d.range, erange)]
        kind = T.CodeActionKind.QuickFix if diags else T.CodeActionKind.RefactorRewrite
        if project.lazy_import_helps(edge) and isinstance(edge.fact, StaticImport) and _wanted(kind, only):
            try:
                index = imports.index(edge.fact)
            except ValueError:
                index = -1
            if index >= 0:
                out.append(_action(ls, mod, lazy_import(mod.source, mod.facts.dialect, index), kind, diags))
                if mod.facts.dialect.is_typescript or mod.facts.dialect in (Dialect.VUE, Dialect.SVELTE):
                    # (`import { DbConfig }; export { DbConfig }` of a type: both say so)
                    reexported = bool(project.type_reexports.reexported_types(mod, edge.fact))
                    result = import_type(mod.source, mod.facts.dialect, index, reexported=reexported)
                    if isinstance(result, Fix):  # only offered when it applies
                        out.append(_action(ls, mod, result, kind, diags))
        fact = edge.fact
        if isinstance(fact, StaticImport) and fact.kind is StatementKind.EXPORT and _wanted(kind, only) and \
                project.type_reexports.only_types(mod, fact) and fact in imports:
            # (names that are only types in the other module: `export type` for every compiler)
            result = export_type(mod.source, mod.facts.dialect, imports.index(fact))
            if isinstance(result, Fix):
                out.append(_action(ls, mod, result, kind, diags))
        line = mod.lines.line_of(edge.span.start)
        for d in diags or []:
            code = str(d.code)
            if _wanted(T.CodeActionKind.QuickFix, only):
                covered.add(id(d))
                fix = ignore_comment(mod.source, line, code)
                out.append(_action(ls, mod, fix, T.CodeActionKind.QuickFix, [d]))
                build = project.cjs_bundled.get(edge.target) if code == "async-import" else \
                    project.tsup_build_of(edge) if code == "require-async" else None
                out += _present(_allow_async_action(ls, project.infection.root_of(edge.target), d),
                                _target_action(ls, edge.target, d) if code == "async-import" else None,
                                _esm_build_action(ls, build, d),
                                _config_rename_action(ls, mod.path, d) if code in _RENAMED_ON else None)
                out.append(_docs_action(d))
    # the other diagnostics (top-level-await, async-cycle, async-entry on an await, an
    # unresolved import)
    for d in ours:
        if id(d) in covered or not _wanted(T.CodeActionKind.QuickFix, only):
            continue
        rng = d.range
        if rng.end.line < params.range.start.line or rng.start.line > params.range.end.line:
            continue
        code = str(d.code)
        out.append(_action(ls, mod, ignore_comment(mod.source, rng.start.line, code),
                           T.CodeActionKind.QuickFix, [d]))
        if code == "top-level-await":
            out += _present(_allow_async_action(ls, mod.path, d), _target_action(ls, mod.path, d),
                            _esm_build_action(ls, project.cjs_bundled.get(mod.path), d))
        out += _present(_config_rename_action(ls, mod.path, d) if code in _RENAMED_ON else None)
        out.append(_docs_action(d))
    return out


# the diagnostics a configuration's rename fix is offered on (fixes/config_rename.py)
_RENAMED_ON = frozenset({"require-async", "async-import", "async-entry", "top-level-await"})


def _present(*actions: Optional[T.CodeAction]) -> list[T.CodeAction]:
    """The actions that apply (None: one that does not), in order."""
    return [a for a in actions if a is not None]


def _esm_build_action(ls: "TlaLensServer", build, d: T.Diagnostic) -> Optional[T.CodeAction]:
    """Where the CommonJS (or IIFE) output of ``build`` refuses the await (or require()s the
    async package): the edit that makes it output ES modules (fixes/esm_build.py), else None."""
    found = esm_build(build, lambda p: _text_of(ls, p))
    if found is None:
        return None
    path, text, result = found
    return _file_action(ls, path, text, result, [d], preferred=isinstance(result, Fix) and result.preferred)


def _config_rename_action(ls: "TlaLensServer", path: Path, d: T.Diagnostic) -> Optional[T.CodeAction]:
    """Where ``path`` is, or is bundled into, a configuration its tool loads as CommonJS
    (:meth:`Project.config_to_rename`): the configuration renamed to the ES module extension,
    with the tsconfig files and npm scripts that name or include it (fixes/config_rename.py).
    None elsewhere, or for a client that cannot rename files."""
    project = ls.project
    if project is None or not _can(ls, T.ResourceOperationKind.Rename):
        return None
    found = project.config_to_rename(path)
    if found is None:
        return None
    config, tool, then, refused = found

    def listdir(folder: Path) -> list[str]:
        try:
            return os.listdir(folder)
        except OSError:
            return []

    result = config_rename(config, tool, listdir, lambda p: p.exists() or p in ls.docs, lambda p: _text_of(ls, p),
                           refused=refused, then=then)
    if result is None:
        return None
    if isinstance(result, Refusal):
        return T.CodeAction(title=result.title, kind=T.CodeActionKind.QuickFix, diagnostics=[d],
                            disabled=T.CodeActionDisabled(reason=result.reason))
    changes: list = []
    for tsconfig, text, fix in result.edits:
        changes += _file_edit(ls, tsconfig, text, fix).document_changes or []
    changes.append(T.RenameFile(old_uri=ls.uri(result.old), new_uri=ls.uri(result.new),
                                options=T.RenameFileOptions(overwrite=False, ignore_if_exists=False)))
    return T.CodeAction(title=result.title, kind=T.CodeActionKind.QuickFix, diagnostics=[d],
                        edit=T.WorkspaceEdit(document_changes=changes), is_preferred=True)


def _target_action(ls: "TlaLensServer", awaits: Path, d: T.Diagnostic) -> Optional[T.CodeAction]:
    """Where a build refuses the await of ``awaits`` for the `target` of a JSON configuration
    (tsup's tsconfig): that file edited to a target with top-level await. None elsewhere."""
    project = ls.project
    found = project.target_config(awaits) if project is not None else None
    if found is None:
        return None
    path, tool = found
    text = _text_of(ls, path)
    if text is None:
        return None
    title = f"Set `\"target\": \"{TLA_TARGET}\"` in {project.graph.rel(path)} ({tool} builds for it)"
    result = tsconfig_target(text, title)
    return _file_action(ls, path, text, result, [d]) if result is not None else None


def _external_action(ls: "TlaLensServer", edge, diags: list[T.Diagnostic]) -> Optional[T.CodeAction]:
    """For an import the bundle require()s (a webpack external of a CommonJS type) whose module
    is async: the edit of the webpack configuration that makes webpack bundle it."""
    project = ls.project
    assert project is not None
    found = project.webpack_external(edge)
    if found is None:
        return None
    path, ext = found
    text = _text_of(ls, path)
    if text is None:
        return None
    result = external_fix(text, path.name, ext, edge.specifier)
    return _file_action(ls, path, text, result, diags, preferred=bool(diags))


def _file_action(ls: "TlaLensServer", path: Path, text: bytes, result: Union[Fix, Refusal],
                 diags: list[T.Diagnostic], preferred: bool = False) -> T.CodeAction:
    """The action of an edit of another file (``path``, whose content is ``text``): a quick fix
    for ``diags`` (a refactoring without them), or disabled with the refusal's reason."""
    kind = T.CodeActionKind.QuickFix if diags else T.CodeActionKind.RefactorRewrite
    if isinstance(result, Refusal):
        return T.CodeAction(title=result.title, kind=kind, diagnostics=diags or None,
                            disabled=T.CodeActionDisabled(reason=result.reason))
    return T.CodeAction(title=result.title, kind=kind, diagnostics=diags or None,
                        edit=_file_edit(ls, path, text, result), is_preferred=preferred or None)


def _text_of(ls: "TlaLensServer", path: Path) -> Optional[bytes]:
    """A file's text: its editor buffer's, else the file's on disk (None: unreadable)."""
    doc = ls.docs.get(path)
    try:
        return doc.data if doc is not None else path.read_bytes()
    except OSError:
        return None


def _file_edit(ls: "TlaLensServer", path: Path, text: bytes, fix: Fix) -> T.WorkspaceEdit:
    """``fix``'s edits of ``text``, the content of ``path`` (open in the editor, or on disk)."""
    doc = ls.docs.get(path)
    lines = LineIndex(text)
    edits = [T.TextEdit(range=T.Range(_position(lines, text, e.span.start, ls), _position(lines, text, e.span.end, ls)),
                        new_text=e.new_text) for e in fix.edits]
    return T.WorkspaceEdit(document_changes=[T.TextDocumentEdit(
        text_document=T.OptionalVersionedTextDocumentIdentifier(uri=ls.uri(path), version=doc.version if doc else None),
        edits=edits)])


def _allow_async_action(ls: "TlaLensServer", cause: Optional[Path], d: T.Diagnostic) -> Optional[T.CodeAction]:
    """"Mark `x` as async on purpose": the module with the top-level await added to
    `allowAsync` in the project's configuration (tla-lens.json, package.json's "tlaLens", or
    a new tla-lens.json), which quiets every finding because of it. None when it cannot be
    offered (no such module, or a client that cannot create the file)."""
    project = ls.project
    if cause is None or project is None:
        return None
    try:
        pattern = cause.relative_to(project.root).as_posix()
    except ValueError:
        return None
    source = ls.file_config.source if ls.file_config else None
    where = Path(source).name if source else "tla-lens.json"
    title = f"Mark `{pattern}` as async on purpose (allowAsync in {where})"
    if source is None:
        if not _can(ls, T.ResourceOperationKind.Create):
            return None
        uri = ls.uri(project.root / "tla-lens.json")
        edit = T.WorkspaceEdit(document_changes=[
            T.CreateFile(uri=uri, options=T.CreateFileOptions(ignore_if_exists=True)),
            T.TextDocumentEdit(text_document=T.OptionalVersionedTextDocumentIdentifier(uri=uri, version=None),
                               edits=[T.TextEdit(range=T.Range(T.Position(0, 0), T.Position(0, 0)),
                                                 new_text=new_config(pattern))])])
        return T.CodeAction(title=title, kind=T.CodeActionKind.QuickFix, diagnostics=[d], edit=edit)
    path = Path(source)
    text = _text_of(ls, path)
    if text is None:
        return None
    result = allow_async(text, pattern, "tlaLens" if path.name == "package.json" else None, title)
    if result is None:
        return None  # (already there: the configuration was edited, not saved yet)
    if isinstance(result, Refusal):
        return T.CodeAction(title=title, kind=T.CodeActionKind.QuickFix, diagnostics=[d],
                            disabled=T.CodeActionDisabled(reason=result.reason))
    return T.CodeAction(title=title, kind=T.CodeActionKind.QuickFix, diagnostics=[d],
                        edit=_file_edit(ls, path, text, result))


def _can(ls: "TlaLensServer", operation: T.ResourceOperationKind) -> bool:
    """Can the client apply workspace edits that create (rename) files?"""
    caps = ls.client_capabilities
    edit = caps.workspace.workspace_edit if caps and caps.workspace else None
    return bool(edit and edit.resource_operations and operation in edit.resource_operations)


def _position(lines: LineIndex, text: bytes, offset: int, ls: "TlaLensServer") -> T.Position:
    line, character = lines.position(offset, ls.encoding)
    return T.Position(line=line, character=character)
