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
from .edits import Fix, Refusal, TextEdit, indentation_of_line, line_break

__all__ = ["esm_config"]


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
    from ..resolve.bundler import _Reader
    from ..resolve.tsup import options_object

    reader = _Reader(path, text.decode("utf-8", "surrogatepass"))
    if reader.src != text:
        return Refusal(title, "the file is not UTF-8 text")
    obj = options_object(reader)
    if obj is None or obj.type != "object":
        return Refusal(title, "its options are not one object literal (a list of builds, or a function)")
    pairs = [c for c in obj.named_children if c.type == "pair" and reader._key(c) == "format"]
    if any(c.type == "spread_element" for c in obj.named_children) and not pairs:
        return Refusal(title, "its options spread other options, which may set the format")
    if len(pairs) > 1:
        return Refusal(title, "its options name `format` more than once")
    if pairs:
        value = pairs[0].child_by_field_name("value")
        strings = [value] if value is not None and value.type == "string" else \
            [c for c in value.named_children if c.type != "comment"] \
            if value is not None and value.type == "array" else [None]
        if not all(s is not None and s.type == "string" for s in strings):
            return Refusal(title, "its `format` is not a string or a list of strings written here")
        if [reader._string(s) for s in strings] == ["esm"]:
            return None
        quote = chr(text[strings[0].start_byte]) if strings else '"'
        new = f"{quote}esm{quote}" if value.type == "string" else f"[{quote}esm{quote}]"
        return Fix(title, [TextEdit(Span(value.start_byte, value.end_byte), new)], preferred=True)
    # (no format: tsup's default, CommonJS; the option added first, in the file's layout)
    members = [c for c in obj.named_children if c.type != "comment"]
    opening = obj.children[0]
    quote = "'" if b"'" in text and text.count(b"'") > text.count(b'"') else '"'
    option = f"format: [{quote}esm{quote}]"
    if members and members[0].start_point[0] != obj.start_point[0]:
        edit = TextEdit(Span(opening.end_byte, opening.end_byte),
                        f"{line_break(text, opening.end_byte)}{indentation_of_line(text, members[0].start_byte)}{option},")
    else:
        edit = TextEdit(Span(opening.end_byte, opening.end_byte), f" {option}," if members else f" {option} ")
    return Fix(title, [edit], preferred=True)
