"""The edit of an AWS SAM template that makes a function's esbuild build an ES module: in its
`Metadata.BuildProperties`, `Format: esm`, a `Target` with top-level await (es2022) where its
own (or SAM's default, es2020) has none, and `OutExtension: [.js=.mjs]` (as AWS's examples of ES
module functions write it: Lambda runs an `.mjs` handler as an ES module) where the function's
package.json is not `"type": "module"` and no `OutExtension` is set. `BuildProperties` is added
under `Metadata` where there is none.

The template is edited in place (:mod:`yaml_edit`): values replaced, lines inserted with the
indentation of their neighbours, the rest of the file as written; what is not written as plain
block YAML (flow mappings, `!Ref …` values) is refused with the reason. A JSON template is
edited as JSON.
"""
from __future__ import annotations

from typing import Optional, Union

from .edits import Fix, Refusal
from .yaml_edit import values_fix

__all__ = ["sam_esm", "TLA_TARGET"]

TLA_TARGET = "es2022"
_EXTENSION = ".js=.mjs"


def sam_esm(text: bytes, function: str, json_file: bool, target: bool, format_: bool,
            out_extension: bool) -> Union[Fix, Refusal, None]:
    """The edit of the template ``text`` that builds the function ``function`` as an ES
    module: `Target` set where ``target``, `Format` where ``format_``, `OutExtension` added
    where ``out_extension`` (and none is there). None where there is nothing to change."""
    wanted: list = ([("Target", TLA_TARGET)] if target else []) + ([("Format", "esm")] if format_ else [])
    shown = ", ".join(f"`{k}: {v}`" for k, v in wanted)
    title = f"Build `{function}` as an ES module ({shown} in its `Metadata.BuildProperties`)"
    if not wanted:
        return None
    if out_extension and format_:
        wanted.append(("OutExtension", [_EXTENSION]))
    return values_fix(text, json_file, ("Resources", function, "Metadata", "BuildProperties"), wanted, title)


def package_is_module(manifest: Optional[bytes]) -> bool:
    """Is the function's package.json `"type": "module"` (its `.js` output an ES module)?"""
    import json

    try:
        data = json.loads(manifest or b"")
    except ValueError:
        return False
    return isinstance(data, dict) and data.get("type") == "module"
