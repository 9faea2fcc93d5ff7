"""Fixes for a static import that makes its importer async.

``lazy_import`` — "Load `./m.js` lazily with `import()`"
=========================================================
Removes the static import and, in the functions that use its bindings as values, inserts
``const { a, b: c, default: d } = await import("./m.js");`` (``const ns = await import(...)``
for a namespace) as the first statement of the body, after any directive prologue.

Where the `import()` goes
  Each value use belongs to the innermost function that contains it. A use in a class field
  initializer or static block belongs to the function around the class; a use in a parameter
  list (a default value) belongs to the function around that function, because parameters
  are evaluated before the body. When a function and a function nested in it both use the
  import, only the outer one gets the ``import()``: the inner one sees the constant through
  its closure, and does not have to become async. Each function gets only the bindings used
  inside it (including by the functions nested in it), once.

Policy for functions that are not async
  * A function that is already ``async`` (including async generators) takes the import as
    is: the fix is *preferred* when every function that gets the import is already async.
  * A plain function, arrow function or method that is not async is made ``async``. That
    changes what its callers receive (a Promise), which cannot be proven harmless from one
    file, so the fix is still offered but **not preferred**, and its title names the
    functions that become async ("... (makes `save`, `load` async)"). Arrow functions with
    an expression body get a block body ``{ const ... = await import(...); return <expr>; }``.
    In TypeScript a declared return type ``T`` becomes ``Promise<T>`` (unless it already
    is a ``Promise<...>``); overload signatures elsewhere are not touched.
  * Refused: getters, setters, constructors and (non-async) generator functions (they cannot
    become async); uses at module top level (including TS namespaces/enums, class heritage
    and decorators outside functions), in a class field initializer or static block of a
    class that is not inside a function, in the parameters of a top-level function;
    functions with a type-predicate / assertion return type (``x is T``, ``asserts x``);
    bindings re-exported with ``export { x }``; ``export ... from`` statements; side-effect
    imports (``import "m"``: nothing to load lazily); imports with attributes; type-only
    imports; and imports with no binding used as a value (in TypeScript: use ``import type``).

TypeScript: bindings used in type positions are kept in an ``import type`` statement (which
TypeScript always erases), so the types still resolve; the ``import()`` gets value bindings.

Components: in an Astro component the frontmatter is the body of the async render function (its
imports and exported declarations aside), so the import becomes ``const … = await import()`` in
its place, seen by the template as before ("Load `m` with `await import()` when the component
renders"; refused when an exported declaration, which runs when the module loads, uses it). In
Vue and Svelte components the fixes are refused: the template may use the import.

The result keeps the quotes of the original specifier, the file's semicolon style (read from
its import statements), line breaks and indentation, and must parse: if the edited text has
syntax errors the original did not have, the fix is refused instead.

``import_type`` — "Convert to `import type`" (TypeScript only)
===============================================================
Offered when none of the statement's bindings is used as a value.
"""
from __future__ import annotations

import json
import re
from typing import Optional, Union

from ..syntax import extract, sfc
from ..syntax.facts import Binding, Dialect, ImportPhase, ModuleFacts, Span, StatementKind, StaticImport
from ..syntax.uses import FunctionInfo, Use, binding_uses
from ..syntax.words import word_positions
from ..text import LineIndex
from .edits import (
    Fix,
    Refusal,
    TextEdit,
    after_line_break,
    apply_edits,
    indent_unit,
    indentation_of_line,
    is_first_on_line,
    line_break,
    line_end,
    line_start,
)

_IDENT_RE = re.compile(r"^[A-Za-z_$][A-Za-z0-9_$]*$")
# A statement starting with one of these continues the previous line when there is no `;`.
_ASI_HAZARD = frozenset(b"([`+-/")


def _lazy_title(spec: str) -> str:
    return f"Load `{spec}` lazily with `import()`"


def _get_import(source: bytes, dialect: Dialect, import_index: int) -> tuple[ModuleFacts, Optional[StaticImport]]:
    facts = extract(source, dialect)
    if 0 <= import_index < len(facts.imports):
        return facts, facts.imports[import_index]
    return facts, None


def _line(index: LineIndex, offset: int) -> int:
    return index.line_of(offset) + 1


def _describe(fn: FunctionInfo, index: LineIndex) -> str:
    if fn.name:
        return f"`{fn.name}`"
    what = "the arrow function" if fn.kind == "arrow" else "the function"
    return f"{what} on line {_line(index, fn.span.start)}"


# ---------------------------------------------------------------------------------------
# lazy_import


_IN_COMPONENT = "in a component (or an MDX document) the template may use the import too, and tla-lens does " \
                "not rewrite templates: change it by hand"


def lazy_import(source: bytes, dialect: Dialect, import_index: int) -> Union[Fix, Refusal]:
    """Turn the static import ``extract(source, dialect).imports[import_index]`` into
    ``await import()`` calls in the functions that use it. See the module docstring.
    Never raises: an unexpected failure is a :class:`Refusal`."""
    try:
        return _lazy_import(source, dialect, import_index)
    except Exception as exc:  # pragma: no cover - defensive: an editor must not see a crash
        return Refusal(_lazy_title("?"), f"internal error: {exc!r}")


def _lazy_import(source: bytes, dialect: Dialect, import_index: int) -> Union[Fix, Refusal]:
    facts, imp = _get_import(source, dialect, import_index)
    if imp is None:
        return Refusal(_lazy_title("?"), f"there is no import number {import_index} in this file")
    spec = imp.specifier
    title = _lazy_title(spec)
    if facts.invalid_utf8:
        return Refusal(title, "the file is not valid UTF-8")
    if dialect is Dialect.ASTRO:
        return _astro_lazy(source, facts, imp)
    if dialect in (Dialect.VUE, Dialect.SVELTE):
        return _component_lazy(source, dialect, imp, title)
    if dialect.is_component:
        return Refusal(title, _IN_COMPONENT)
    if imp.kind is StatementKind.EXPORT:
        return Refusal(title, f"`export ... from \"{spec}\"` re-exports the module: a re-export cannot be loaded lazily")
    if imp.type_only:
        return Refusal(title, "a type-only import never loads the module")
    if imp.in_ambient:
        return Refusal(title, "an import in a `declare` block never loads the module")
    if imp.phase is ImportPhase.SOURCE:
        return Refusal(title, "an `import source` does not evaluate the module")
    if imp.attributes:
        return Refusal(title, "the import has attributes (`with { ... }`); move it by hand")
    if not imp.bindings:
        return Refusal(title, f"`import \"{spec}\"` is imported for its side effects: there is nothing to load lazily where it is used")

    index = LineIndex(source)
    value_bindings = [b for b in imp.bindings if not b.type_only and b.local]
    uses = binding_uses(source, dialect, [b.local for b in imp.bindings if b.local])

    # Value uses -> the function that would hold the import().
    candidates: list[FunctionInfo] = []
    seen: set[int] = set()
    placed: list[tuple[Binding, Use, FunctionInfo]] = []
    for b in value_bindings:
        for u in uses.get(b.local, ()):
            if u.in_type:
                continue
            where = f"line {_line(index, u.span.start)}"
            if u.context == "export":
                return Refusal(title, f"`{b.local}` is re-exported (`export {{ {b.local} }}`, {where}): a re-export needs the static import")
            host = u.function
            if u.context == "parameter":
                fn = u.function
                host = fn.parent if fn is not None else None
                if host is None:
                    return Refusal(
                        title,
                        f"`{b.local}` is used in the parameters of {_describe(fn, index)} ({where}), which are evaluated before its body",
                    )
            if host is None:
                what = {
                    "field": "in a class field initializer",
                    "static-block": "in a class static block",
                }.get(u.context, "at module top level")
                return Refusal(title, f"`{b.local}` is used {what} ({where}): it is needed when the module loads")
            if id(host) not in seen:
                seen.add(id(host))
                candidates.append(host)
            placed.append((b, u, host))
    if not placed:
        if dialect.is_typescript:
            return Refusal(title, "no binding is used as a value: convert it to `import type` instead")
        return Refusal(title, "no binding is used as a value: there is nothing to load lazily (remove the import?)")

    # Only the outermost candidates hold the import; nested ones see it through the closure.
    cand_ids = {id(f) for f in candidates}

    def host_of(fn: FunctionInfo) -> FunctionInfo:
        top = fn
        p = fn.parent
        while p is not None:
            if id(p) in cand_ids:
                top = p
            p = p.parent
        return top

    hosts: list[FunctionInfo] = []
    host_bindings: dict[int, list[Binding]] = {}
    for b, u, fn in placed:
        h = host_of(fn)
        lst = host_bindings.get(id(h))
        if lst is None:
            hosts.append(h)
            lst = host_bindings[id(h)] = []
        if b not in lst:
            lst.append(b)
    hosts.sort(key=lambda f: f.span.start)

    for h in hosts:
        name = _describe(h, index)
        if h.kind in ("getter", "setter", "constructor"):
            kind = {"getter": "a getter", "setter": "a setter", "constructor": "a constructor"}[h.kind]
            return Refusal(title, f"{name} is {kind}, which cannot be async")
        if h.is_generator and not h.is_async:
            return Refusal(title, f"{name} is a generator function: making it async would change what it returns")
        if not h.is_async and h.return_type_is_predicate:
            return Refusal(title, f"{name} declares a type predicate / assertion return type, which an async function cannot have")

    # ---- style
    semis = _uses_semicolons(source, facts, imp)
    spec_text = source[imp.specifier_span.start : imp.specifier_span.end].decode("utf-8", "replace")
    stmt_text = source[imp.span.start : imp.specifier_span.start]
    spaced = bool(re.search(rb"\{[ \t]", stmt_text)) or b"{" not in stmt_text
    unit = indent_unit(source)

    edits: list[TextEdit] = []
    made_async: list[FunctionInfo] = []
    for h in hosts:
        bindings = [b for b in imp.bindings if b in host_bindings[id(h)]]  # statement order
        decls = _declarations(bindings, spec_text, spaced)
        if not h.is_async:
            edits.append(TextEdit(Span(h.async_insert, h.async_insert), "async "))
            made_async.append(h)
            rt = h.return_type
            if rt is not None and not re.match(rb"Promise\s*<", source[rt.start : rt.end]):
                edits.append(TextEdit(Span(rt.start, rt.start), "Promise<"))
                edits.append(TextEdit(Span(rt.end, rt.end), ">"))
        eol = line_break(source, h.span.start)
        if h.is_arrow_expression_body:
            ind = indentation_of_line(source, h.span.start)
            inner = ind + unit
            semi = ";" if semis else ""
            expr = source[h.body_span.start : h.body_span.end].decode("utf-8", "replace")
            lines = [inner + d + semi for d in decls]
            text = "{" + eol + eol.join(lines) + eol + inner + "return " + expr + semi + eol + ind + "}"
            edits.append(TextEdit(h.body_span, text))
            continue
        first = h.body_first
        if first is not None and is_first_on_line(source, first) and line_start(source, first) > h.body_insert_after:
            ind = indentation_of_line(source, first)
            hazard = source[first] in _ASI_HAZARD
            semi = ";" if (semis or hazard) else ""
            text = "".join(ind + d + semi + eol for d in decls)
            pos = line_start(source, first)
            edits.append(TextEdit(Span(pos, pos), text))
        else:
            text = "".join(" " + d + ";" for d in decls)
            pos = h.body_insert_after
            if first is None:
                text += " "
            edits.append(TextEdit(Span(pos, pos), text))

    # ---- the import statement: removed, or reduced to `import type` for type uses
    type_kept = [
        b
        for b in imp.bindings
        if b.local and dialect.is_typescript and any(u.in_type for u in uses.get(b.local, ()))
    ]
    edits.append(_statement_edit(source, imp, type_kept, semis))

    fix_title = title
    if made_async:
        fix_title += f" (makes {', '.join(_describe(h, index) for h in made_async)} async)"
    fix = Fix(
        title=fix_title,
        edits=edits,
        functions_made_async=[_describe(h, index).strip("`") for h in made_async],
        preferred=not made_async,
    )

    new = apply_edits(source, edits)
    new_facts = extract(new, dialect)
    if new_facts.has_syntax_errors and not facts.has_syntax_errors:
        return Refusal(title, "the edited file would not parse (please report this)")
    return fix


def _component_lazy(source: bytes, dialect: Dialect, imp: StaticImport, title: str) -> Union[Fix, Refusal]:
    """A Vue or Svelte component's import, loaded with ``import()`` in the script's functions
    that use it — as in a module (the script blocks are the code, in place) — when the template
    does not use it (it needs the binding when the component renders) nor calls a function the
    fix would make async (it would get a Promise)."""
    code, blocks = sfc.code(source, dialect is Dialect.SVELTE)
    if not any(b.start <= imp.span.start < b.end for b in blocks):
        return Refusal(title, "the import is not in a script block")
    langs = {b.lang for b in blocks}
    grammar = Dialect.TSX if "tsx" in langs else Dialect.TS if "ts" in langs else \
        Dialect.JSX if "jsx" in langs else Dialect.JS
    used = _template_uses(source, dialect, blocks, imp, title)
    if used is not None:
        return Refusal(title, f"{used.reason}: the component needs it when it renders")
    index = next((i for i, m in enumerate(extract(code, grammar).imports) if m.span.start == imp.span.start), None)
    if index is None:
        return Refusal(title, "the import is not where the script's code has it")
    fix = _lazy_import(code, grammar, index)
    if not isinstance(fix, Fix):
        return Refusal(title, fix.reason.replace("at module top level", "at the top level of the component's script"))
    for name in fix.functions_made_async:
        if not name.startswith("the ") and _markup_mentions(source, blocks, name, handlers=False):
            # (an event handler may become async; a function the template calls while it
            # renders may not)
            return Refusal(title, f"the fix would make `{name}` async, and the template uses it outside an "
                                  f"event handler (it would get a Promise)")
    return Fix(title=title, edits=fix.edits, functions_made_async=fix.functions_made_async, preferred=fix.preferred)


# the value of an event handler attribute: Vue's `@click="…"` / `v-on:click="…"`, Svelte's
# `onclick={…}` / `on:click={…}` (code that runs on the event, not while the template renders)
_HANDLER = re.compile(rb"""(?:(?<=[\s])(?:@|v-on:)[\w.:\-\[\]]+|(?<=[\s])on:?[\w|\-]+)\s*=\s*(?:"[^"]*"|'[^']*'|\{[^{}]*\})""")


def _markup_mentions(source: bytes, blocks: list, name: str, handlers: bool = True) -> bool:
    """Does ``name`` appear as a word outside a component's script blocks (``handlers``: in
    event handler attributes too)?"""
    markup = bytearray(source)
    for b in blocks:
        markup[b.start:b.end] = b" " * (b.end - b.start)
    text = bytes(markup)
    if not handlers:
        text = _HANDLER.sub(lambda m: b" " * len(m.group(0)), text)
    return bool(word_positions(text, [name.encode("utf-8", "surrogatepass")]))


def _astro_lazy(source: bytes, facts: ModuleFacts, imp: StaticImport) -> Union[Fix, Refusal]:
    """An Astro component's import, loaded with ``await import()`` in its frontmatter: the
    frontmatter (but its imports and exported declarations) is the body of the component's
    async render function, so the declaration takes the import statement's place and the
    template sees the same names; the module is loaded on the first render instead of when
    the component's module loads."""

    spec = imp.specifier
    title = f"Load `{spec}` with `await import()` when the component renders"
    if imp.kind is StatementKind.EXPORT:
        return Refusal(title, f"`export ... from \"{spec}\"` re-exports the module: a re-export cannot be loaded lazily")
    if imp.type_only:
        return Refusal(title, "a type-only import never loads the module")
    if imp.phase is not ImportPhase.EVALUATION:
        return Refusal(title, f"an `import {imp.phase.value}` cannot be loaded with `import()` this way")
    if imp.attributes:
        return Refusal(title, "the import has attributes (`with { ... }`); move it by hand")
    code, _, template_names = sfc.astro_code(source)
    index = LineIndex(source)
    names = [b.local for b in imp.bindings if b.local]
    uses = binding_uses(code, Dialect.TS, names)
    exports = sfc.astro_exports(code)
    for name in names:
        for u in uses.get(name, ()):
            where = f"line {_line(index, u.span.start)}"
            if any(a <= u.span.start < b for a, b in exports):
                return Refusal(title, f"`{name}` is used in an exported declaration ({where}), which runs "
                                      "when the module loads: it needs the static import")
            if u.span.start < imp.span.start and not u.in_type:
                return Refusal(title, f"`{name}` is used before the import ({where}): move the import up first")
    # bindings used only in types stay in an `import type`; the others are loaded
    template = {n.decode("utf-8", "surrogatepass") for n in template_names}
    type_kept = [b for b in imp.bindings if b.local and not b.type_only and b.local not in template
                 and uses.get(b.local) and all(u.in_type for u in uses[b.local])]
    type_kept += [b for b in imp.bindings if b.type_only and b.local]
    loaded = [b for b in imp.bindings if b.local and b not in type_kept]
    semis = _uses_semicolons(source, facts, imp) or b";" in source[imp.specifier_span.end:imp.span.end]
    semi = ";" if semis else ""
    spec_text = source[imp.specifier_span.start : imp.specifier_span.end].decode("utf-8", "replace")
    head = source[imp.span.start : imp.specifier_span.start]
    spaced = bool(re.search(rb"\{[ \t]", head)) or b"{" not in head
    eol = line_break(source, imp.span.start)
    ind = indentation_of_line(source, imp.span.start)
    if loaded:
        lines = _declarations(loaded, spec_text, spaced)
    elif not imp.bindings:
        lines = [f"await import({spec_text})"]  # (a side-effect import)
    else:
        return Refusal(title, "no binding is used as a value: convert it to `import type` instead")
    decl = (semi + eol + ind).join(lines) + semi
    stmt = _statement_edit(source, imp, type_kept, semis)
    if type_kept:  # `import type { … } from` stays, the declarations go above it
        edits = [TextEdit(Span(imp.span.start, imp.span.start), decl + eol + ind), stmt]
    elif source[stmt.span.end - 1:stmt.span.end] in (b"\n", b"\r"):  # (its whole line)
        edits = [TextEdit(stmt.span, ind + decl + eol)]
    else:
        edits = [TextEdit(imp.span, decl)]
    new = apply_edits(source, edits)
    new_facts = extract(new, Dialect.ASTRO)
    if new_facts.has_syntax_errors and not facts.has_syntax_errors:
        return Refusal(title, "the edited file would not parse (please report this)")
    return Fix(title=title, edits=edits, preferred=True)


def _uses_semicolons(source: bytes, facts: ModuleFacts, imp: StaticImport) -> bool:
    """Do the file's statements end with `;`? Read from its import/export statements."""

    def ends(i: StaticImport) -> bool:
        tail = source[i.specifier_span.end : i.span.end]
        return b";" in tail

    votes = [ends(i) for i in facts.imports if not i.in_ambient]
    yes = sum(votes)
    no = len(votes) - yes
    if yes != no:
        return yes > no
    return ends(imp)


def _key(name: str, quote: str) -> str:
    if _IDENT_RE.match(name):
        return name
    body = json.dumps(name)[1:-1]
    if quote == "'":
        body = body.replace('\\"', '"').replace("'", "\\'")
    return quote + body + quote


def _declarations(bindings: list[Binding], spec_text: str, spaced: bool) -> list[str]:
    """`const ... = await import(spec)` declarations (without the final `;`)."""
    quote = spec_text[:1] if spec_text[:1] in ("'", '"') else '"'
    call = f"await import({spec_text})"
    ns = next((b for b in bindings if b.imported == "*"), None)
    entries = []
    for b in bindings:
        if b.imported == "*":
            continue
        if b.imported == b.local:
            entries.append(b.local)
        else:
            entries.append(f"{_key(b.imported, quote)}: {b.local}")
    pad = " " if spaced else ""
    pattern = "{" + pad + ", ".join(entries) + pad + "}"
    if ns is not None:
        out = [f"const {ns.local} = {call}"]
        if entries:
            out.append(f"const {pattern} = {ns.local}")
        return out
    return [f"const {pattern} = {call}"]


def _statement_edit(source: bytes, imp: StaticImport, type_kept: list[Binding], semis: bool) -> TextEdit:
    span = imp.span
    if type_kept:
        # Keep `from "m"` and whatever follows; rewrite the head.
        eol = line_break(source, span.start)
        ind = indentation_of_line(source, span.start)
        heads = _type_heads(source, imp, type_kept)
        semi = ";" if semis else ""
        text = "".join(h + "from " + source[imp.specifier_span.start : imp.specifier_span.end].decode() + semi + eol + ind for h in heads[:-1])
        text += heads[-1] + "from "
        return TextEdit(Span(span.start, imp.specifier_span.start), text)
    start, end = span.start, span.end
    if is_first_on_line(source, start):
        le = line_end(source, end)
        if not source[end:le].strip(b" \t"):
            return TextEdit(Span(line_start(source, start), after_line_break(source, le)), "")
    while end < len(source) and source[end] in (0x20, 0x09):
        end += 1
    return TextEdit(Span(start, end), "")


def _specifier_text(source: bytes, b: Binding) -> str:
    text = source[b.span.start : b.span.end].decode("utf-8", "replace")
    if b.type_only and re.match(r"type\s", text):
        text = text[4:].lstrip()
    return text


def _type_heads(source: bytes, imp: StaticImport, bindings: list[Binding]) -> list[str]:
    """`import type ... ` heads (each to be followed by `from "m"`): a default, a namespace
    and named bindings cannot share one `import type` statement."""
    head_text = source[imp.span.start : imp.specifier_span.start]
    spaced = bool(re.search(rb"\{[ \t]", head_text)) or b"{" not in head_text
    pad = " " if spaced else ""
    heads = []
    default = next((b for b in bindings if b.imported == "default" and b.span.end <= imp.specifier_span.start and not _in_braces(source, imp, b)), None)
    ns = next((b for b in bindings if b.imported == "*"), None)
    named = [b for b in bindings if b is not default and b is not ns]
    if default is not None:
        heads.append(f"import type {default.local} ")
    if ns is not None:
        heads.append(f"import type * as {ns.local} ")
    if named:
        heads.append("import type {" + pad + ", ".join(_specifier_text(source, b) for b in named) + pad + "} ")
    return heads


def _in_braces(source: bytes, imp: StaticImport, b: Binding) -> bool:
    """Is the binding's specifier inside `{ }` (`{ default as X }`)?"""
    before = source[imp.span.start : b.span.start]
    return before.count(b"{") > before.count(b"}")


# ---------------------------------------------------------------------------------------
# import_type


def _template_uses(source: bytes, dialect: Dialect, blocks: list, imp: StaticImport, title: str) -> Optional[Refusal]:
    """A refusal when a component's template may use one of ``imp``'s bindings as a value:
    Vue's template names (as read for elision); for Svelte, whose markup tla-lens does not
    parse, any whole-word mention of the name outside the script blocks."""
    names = [b.local for b in imp.bindings if b.local and not b.type_only]
    if dialect is Dialect.VUE:
        template = sfc.vue_template_names(source, blocks)
        used = [n for n in names if n.encode("utf-8", "surrogatepass") in template]
        return Refusal(title, f"`{used[0]}` is used by the template") if used else None
    for n in names:
        if _markup_mentions(source, blocks, n):
            return Refusal(title, f"`{n}` is mentioned in the markup (tla-lens does not read Svelte markup)")
    return None


def import_type(source: bytes, dialect: Dialect, import_index: int, reexported: bool = False) -> Union[Fix, Refusal]:
    """``import {A} from`` -> ``import type {A} from`` when no binding is used as a value
    (``import X, {A}`` becomes two ``import type`` statements). With ``reexported`` (the
    caller knows the names the file re-exports, `export { A }`, are only types where they come
    from), those re-exports become `export { type A }` as well. Never raises."""
    try:
        return _import_type(source, dialect, import_index, reexported)
    except Exception as exc:  # pragma: no cover - defensive
        return Refusal("Convert to `import type`", f"internal error: {exc!r}")


def _import_type(source: bytes, dialect: Dialect, import_index: int, reexported: bool = False) -> Union[Fix, Refusal]:
    title = "Convert to `import type` and its re-export to `export { type … }`" if reexported \
        else "Convert to `import type`"
    if not dialect.is_typescript and dialect not in (Dialect.VUE, Dialect.SVELTE):
        return Refusal(title, "`import type` is TypeScript syntax")
    facts, imp = _get_import(source, dialect, import_index)
    if imp is None:
        return Refusal(title, f"there is no import number {import_index} in this file")
    if imp.kind is not StatementKind.IMPORT:
        return Refusal(title, "only `import` statements can be converted (use `export type` for re-exports)")
    if facts.invalid_utf8:
        return Refusal(title, "the file is not valid UTF-8")
    code, grammar = source, dialect
    if dialect in (Dialect.VUE, Dialect.SVELTE):
        # the script blocks' TypeScript, in place; what the template uses stays a value
        code, blocks = sfc.code(source, dialect is Dialect.SVELTE)
        block = next((b for b in blocks if b.start <= imp.span.start < b.end), None)
        if block is None or block.lang not in ("ts", "tsx"):
            return Refusal(title, "`import type` is TypeScript syntax: the script block is not `lang=\"ts\"`")
        grammar = Dialect.TSX if any(b.lang == "tsx" for b in blocks) else Dialect.TS
        refusal = _template_uses(source, dialect, blocks, imp, title)
        if refusal is not None:
            return refusal
    elif dialect.is_component:
        return Refusal(title, _IN_COMPONENT)
    if imp.type_only:
        return Refusal(title, "it is already `import type`")
    if not imp.bindings:
        return Refusal(title, "a side-effect import has no bindings to import as types")
    if imp.phase is not ImportPhase.EVALUATION:
        return Refusal(title, f"`import {imp.phase.value}` cannot be type-only")
    index = LineIndex(source)
    uses = binding_uses(code, grammar, [b.local for b in imp.bindings if b.local])
    marks: list[TextEdit] = []  # (`export { A }` -> `export { type A }`)
    for b in imp.bindings:
        if b.type_only:
            continue
        for u in uses.get(b.local, ()):
            if not u.in_type:
                if reexported and u.context == "export" and dialect in (Dialect.TS, Dialect.TSX):
                    if not re.search(rb"\btype\s+$", source[max(0, u.span.start - 16):u.span.start]):
                        marks.append(TextEdit(Span(u.span.start, u.span.start), "type "))
                    continue
                how = "re-exported" if u.context == "export" else "used as a value"
                return Refusal(title, f"`{b.local}` is {how} (line {_line(index, u.span.start)})")
    if reexported and not marks:
        return Refusal(title, "no `export { … }` of its names to convert")
    semis = _uses_semicolons(source, facts, imp)
    heads = _type_heads(source, imp, list(imp.bindings))
    named_only = len(heads) == 1 and not any(b.imported in ("default", "*") and not _in_braces(source, imp, b) for b in imp.bindings)
    if len(heads) == 1 and not any(b.type_only for b in imp.bindings):
        # Just insert the keyword: `import {A}` -> `import type {A}`.
        pos = imp.span.start + len("import")
        edits = [TextEdit(Span(pos, pos), " type")]
    elif named_only:
        pos = imp.span.start + len("import")
        edits = [TextEdit(Span(pos, pos), " type")]
        for b in imp.bindings:
            text = source[b.span.start : b.span.end]
            if b.type_only and re.match(rb"type\s", text):
                m = re.match(rb"type\s+", text)
                edits.append(TextEdit(Span(b.span.start, b.span.start + m.end()), ""))
    else:
        edits = [_statement_edit(source, imp, list(imp.bindings), semis)]
    if marks:
        edits += marks
        fixed = extract(apply_edits(source, edits), dialect)
        mine = [i for i in fixed.imports if i.kind is StatementKind.IMPORT and i.specifier == imp.specifier]
        if not mine or not all(i.erased_verbatim for i in mine) or fixed.has_syntax_errors:
            return Refusal(title, "the converted statements do not read as type-only")
    return Fix(title=title, edits=edits, functions_made_async=[], preferred=True)


def export_type(source: bytes, dialect: Dialect, import_index: int) -> Union[Fix, Refusal]:
    """``export {A, B as C} from`` -> ``export type {A, B as C} from``: for a re-export whose
    names the caller knows are only types in the other module (the project's export tables).
    Erased by every compiler then (and what `isolatedModules` asks for). Never raises."""
    try:
        return _export_type(source, dialect, import_index)
    except Exception as exc:  # pragma: no cover - defensive
        return Refusal("Convert to `export type`", f"internal error: {exc!r}")


def _export_type(source: bytes, dialect: Dialect, import_index: int) -> Union[Fix, Refusal]:
    title = "Convert to `export type`"
    if dialect not in (Dialect.TS, Dialect.TSX):
        return Refusal(title, "`export type` is TypeScript syntax")
    facts, imp = _get_import(source, dialect, import_index)
    if imp is None:
        return Refusal(title, f"there is no import number {import_index} in this file")
    if imp.kind is not StatementKind.EXPORT or not imp.bindings or any(b.imported == "*" for b in imp.bindings):
        return Refusal(title, "only `export { … } from` re-exports of names can be converted")
    if imp.type_only:
        return Refusal(title, "it is already `export type`")
    if facts.invalid_utf8:
        return Refusal(title, "the file is not valid UTF-8")
    if not source.startswith(b"export", imp.span.start):
        return Refusal(title, "the statement is not read")
    pos = imp.span.start + len("export")
    edits = [TextEdit(Span(pos, pos), " type")]
    for b in imp.bindings:
        m = re.match(rb"type\s+", source[b.span.start:b.span.end]) if b.type_only else None
        if m is not None:
            edits.append(TextEdit(Span(b.span.start, b.span.start + m.end()), ""))
    fixed = apply_edits(source, edits)
    if len(extract(fixed, dialect).imports) != len(facts.imports) or \
            not extract(fixed, dialect).imports[import_index].type_only:
        return Refusal(title, "the converted statement does not read as `export type`")
    return Fix(title=title, edits=edits, functions_made_async=[], preferred=True)
