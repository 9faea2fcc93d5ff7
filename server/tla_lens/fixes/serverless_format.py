"""The edit of a Serverless service (serverless.yml, .yaml, .json) that makes serverless-esbuild
bundle its functions as ES modules: `format: esm` with `outputFileExtension: .mjs` (Lambda runs
an `.mjs` handler as an ES module; the plugin refuses `.mjs` for other formats) in its
`custom.esbuild`, which the plugin applies to every function of the service. The file is edited
in place (:mod:`yaml_edit`); what is not written as plain block YAML is refused with the reason.
"""
from __future__ import annotations

from typing import Union

from .edits import Fix, Refusal
from .yaml_edit import values_fix

__all__ = ["serverless_esm"]


def serverless_esm(text: bytes, json_file: bool) -> Union[Fix, Refusal, None]:
    """The edit of the service ``text``; None where it bundles ES modules already."""
    title = "Bundle the service's functions as ES modules (`format: esm`, `outputFileExtension: .mjs` in " \
            "`custom.esbuild`)"
    return values_fix(text, json_file, ("custom", "esbuild"), [("format", "esm"), ("outputFileExtension", ".mjs")],
                      title)
