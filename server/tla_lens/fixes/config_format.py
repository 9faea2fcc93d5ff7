"""The edit of a tsup (or tsdown) configuration that makes its build output ES modules only:
its `format` set to `"esm"` — a string replaced, a list of formats made `["esm"]` — or, where
there is none (tsup's default is CommonJS), `format: ["esm"]` added as the first option.

A JavaScript or TypeScript configuration (tsup.config.ts, …) is parsed with tree-sitter and
its options found as tsup's reader finds them (resolve/tsup.py `options_object`); a JSON one
(tsup.config.json, the `"tsup"` of package.json) is edited as JSON. The edit replaces or inserts
a few characters and the rest of the file stays as written. Where the options or the format are
not written as literals here (a list of builds, a function, a format held in a constant) the
fix is refused with the reason.
"""
from __future__ import annotations

import os
from typing import Union

from ..syntax.facts import Span
from .config_edit import set_value
from .edits import Fix, Refusal, TextEdit, indentation_of_line, line_break, node_starting_on

__all__ = ["esm_config", "vite_esm", "api_esm"]


def esm_config(text: bytes, path: str, tool: str = "tsup") -> Union[Fix, Refusal, None]:
    """The edit of the configuration ``text`` (the file ``path``) that makes ``tool``'s build
    ES modules only; None where it is that already."""
    name = os.path.basename(path)
    if path.endswith(".json"):
        inside = name == "package.json"
        title = "Build ES modules only: `\"format\": \"esm\"` in " + \
            (f"the `\"{tool}\"` of package.json" if inside else name)
        return set_value(text, (tool, "format") if inside else ("format",), "esm", title)
    title = f"Build ES modules only: `format: \"esm\"` in {name}"
    from ..resolve.tsup import options_object

    reader = _reader(text, path)
    if reader is None:
        return Refusal(title, "the file is not UTF-8 text")
    return _set_formats(reader, text, options_object(reader), "format", "esm", title, "its options")


def vite_esm(text: bytes, path: str) -> Union[Fix, Refusal, None]:
    """The edit of a Vite configuration (the file ``path``) whose library build makes CommonJS
    or UMD: `build.lib.formats` set to `["es"]` (added where Vite's default, ES modules with UMD
    or CommonJS, applies); None where it is that already."""
    title = f"Build ES modules only: `build.lib.formats: [\"es\"]` in {os.path.basename(path)}"
    reader = _reader(text, path)
    if reader is None:
        return Refusal(title, "the file is not UTF-8 text")
    for cfg in reader._configs():  # (the first configuration with a `build.lib`, as vite_lib reads them)
        lib = reader._prop(reader._prop(cfg, "build"), "lib")
        if lib is not None:
            return _set_formats(reader, text, lib, "formats", "es", title, "`build.lib`")
    return Refusal(title, "no `build.lib` written as an object literal")


def api_esm(text: bytes, path: str, line: int, tool: str) -> Union[Fix, Refusal, None]:
    """The edit of a build script (the file ``path``) whose call of esbuild's (or Bun's)
    JavaScript API at ``line`` makes CommonJS or IIFE: its `format` set to "esm" (added where
    the default applies: CommonJS for `platform: "node"`); None where it is that already."""
    title = f"Build ES modules only: `format: \"esm\"` in the {tool} build at line {line} of {os.path.basename(path)}"
    from ..resolve.bundler import _text
    from ..resolve.computed import arguments_of

    reader = _reader(text, path)
    if reader is None:
        return Refusal(title, "the file is not UTF-8 text")

    def build_call(node) -> bool:
        return node.type == "call_expression" and \
            _text(node.child_by_field_name("function"), reader.src).replace(" ", "").endswith("build")

    call = node_starting_on(reader.root, line, build_call)
    if call is not None:
        argv = arguments_of(call)
        obj = reader._unwrap(argv[0]) if argv else None
        if obj is not None and obj.type == "object":
            for key, bad, why in (("outfile", ".cjs", "its `outfile` is a .cjs file"),
                                  ("bytecode", "true", "`bytecode: true` needs CommonJS")):
                pair = next((c for c in obj.named_children if c.type == "pair" and reader._key(c) == key), None)
                value = pair.child_by_field_name("value") if pair is not None else None
                if value is not None and _text(value, reader.src).strip("'\"`").endswith(bad):
                    return Refusal(title, why)
        return _set_formats(reader, text, obj, "format", "esm", title, "its options", as_list=False)
    return Refusal(title, f"no `build(…)` call at line {line}")


def _reader(text: bytes, path: str):
    """The configuration (or build script) ``text`` read as tla-lens reads configurations, or
    None where it is not UTF-8 (the edit's offsets would not be its bytes)."""
    from ..resolve.bundler import _Reader

    reader = _Reader(path, text.decode("utf-8", "surrogatepass"))
    return reader if reader.src == text else None


def _set_formats(reader, text: bytes, obj, key: str, value: str, title: str,
                 what: str, as_list: bool = True) -> Union[Fix, Refusal, None]:
    """The option ``key`` of the object literal ``obj`` set to ``value`` (a string stays a
    string, a list becomes ``[value]``), or added first (a list where ``as_list``); None where
    it is that."""
    if obj is None or obj.type != "object":
        return Refusal(title, f"{what} are not one object literal (a list of builds, or a function)"
                       if what == "its options" else f"{what} is not an object literal")
    pairs = [c for c in obj.named_children if c.type == "pair" and reader._key(c) == key]
    if any(c.type == "spread_element" for c in obj.named_children) and not pairs:
        return Refusal(title, f"{what} spread other options, which may set `{key}`")
    if len(pairs) > 1:
        return Refusal(title, f"{what} name `{key}` more than once")
    if pairs:
        found = pairs[0].child_by_field_name("value")
        strings = [found] if found is not None and found.type == "string" else \
            [c for c in found.named_children if c.type != "comment"] \
            if found is not None and found.type == "array" else [None]
        if not all(s is not None and s.type == "string" for s in strings):
            return Refusal(title, f"its `{key}` is not a string or a list of strings written here")
        if [reader._string(s) for s in strings] == [value]:
            return None
        quote = chr(text[strings[0].start_byte]) if strings else '"'
        new = f"{quote}{value}{quote}" if found.type == "string" else f"[{quote}{value}{quote}]"
        return Fix(title, [TextEdit(Span(found.start_byte, found.end_byte), new)], preferred=True)
    # (not set: the tool's default; the option added first, in the file's layout)
    members = [c for c in obj.named_children if c.type != "comment"]
    opening = obj.children[0]
    quote = "'" if b"'" in text and text.count(b"'") > text.count(b'"') else '"'
    option = f"{key}: [{quote}{value}{quote}]" if as_list else f"{key}: {quote}{value}{quote}"
    if members and members[0].start_point[0] != obj.start_point[0]:
        pad = indentation_of_line(text, members[0].start_byte)
        edit = TextEdit(Span(opening.end_byte, opening.end_byte), f"{line_break(text, opening.end_byte)}{pad}{option},")
    else:
        edit = TextEdit(Span(opening.end_byte, opening.end_byte), f" {option}," if members else f" {option} ")
    return Fix(title, [edit], preferred=True)
