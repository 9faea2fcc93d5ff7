"""The edit of an npm script that makes its build output ES modules only: the format option of
the bundler's command line set to ES modules (`esbuild … --format=esm`, `tsup … --format esm`,
`tsdown -f esm`, `bun build … --format=esm`), or added where the command takes CommonJS by
default (esbuild with `--platform=node`, tsup). package.json is edited in place (the script's
string replaced, the rest of the file as written).

Refused where the command line does not decide the format (a tsup configuration that sets it),
where the script runs the tool more than once, or where the format cannot be changed alone
(`bun build --bytecode`, which needs CommonJS outside `--compile`).
"""
from __future__ import annotations

import re
from typing import Optional, Union

from .config_edit import set_value
from .edits import Fix, Refusal

__all__ = ["esm_script", "names_format"]

# (the option as the tool spells it for ES modules, the pattern of a format option with its value)
_SPELLING = {
    "esbuild": ("--format=esm", re.compile(r"--format[= ](?:cjs|iife)\b")),
    "Bun": ("--format=esm", re.compile(r"--format[= ](?:cjs|iife)\b")),
    "tsup": ("--format esm", re.compile(r"(?:--format|-f)[= ](?:[a-z]+,)*[a-z]+\b")),
    "tsdown": ("--format esm", re.compile(r"(?:--format|-f)[= ](?:[a-z]+,)*[a-z]+\b")),
}
_PROGRAM = {"esbuild": r"\besbuild\b", "Bun": r"\bbun\s+build\b", "tsup": r"\btsup(?:-node)?\b",
            "tsdown": r"\btsdown\b"}


def names_format(command: str, tool: str) -> bool:
    """Does the command line ``command`` of ``tool`` name its output format (which then wins
    over a configuration file's)?"""
    spelled = _SPELLING.get(tool)
    return spelled is not None and spelled[1].search(command) is not None


def esm_script(manifest_text: bytes, script: str, command: str, tool: str,
               config: Optional[str] = None) -> Union[Fix, Refusal, None]:
    """The edit of package.json (``manifest_text``) that makes the script ``script`` (its text
    ``command``) build ES modules only with ``tool``; None where ``tool`` is not one whose
    command line this edits."""
    spelled = _SPELLING.get(tool)
    if spelled is None:
        return None
    option, pattern = spelled
    title = f"Build ES modules only: `{option}` in script `{script}` of package.json"
    runs = re.findall(_PROGRAM[tool], command)
    if len(runs) != 1:
        return Refusal(title, f"the script runs {tool} {len(runs)} times")
    if tool == "Bun" and "--bytecode" in command and "--compile" not in command:
        return Refusal(title, "`--bytecode` needs CommonJS without `--compile`")
    found = list(pattern.finditer(command))
    if len(found) > 1:
        return Refusal(title, "the command line names its format more than once")
    if found:
        new = command[:found[0].start()] + option + command[found[0].end():]
    elif tool in ("tsup", "tsdown") and config is not None:
        return Refusal(title, f"its format is set in {config.rsplit('/', 1)[-1]}")
    else:
        program = re.search(_PROGRAM[tool], command)
        assert program is not None
        # (right after the program: `esbuild --format=esm src/main.ts --bundle …`)
        new = command[:program.end()] + " " + option + command[program.end():]
    result = set_value(manifest_text, ("scripts", script), new, title)
    return result
