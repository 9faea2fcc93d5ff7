"""Reading JSON with comments (tsconfig.json, jsconfig.json) and strict JSON (package.json).

`json` (fast, strict) is tried first; `json5` (comments, trailing commas, ...) second. Errors come
back as (message, line, column) so they can become `Problem`s pointing at the spot.
"""
from __future__ import annotations

import json
import re
from typing import Any, Optional, Tuple

ParseError = Tuple[str, Optional[int], Optional[int]]

_JSON5_ERR = re.compile(r"^<string>:(\d+) (.*?)(?: at column (\d+))?$", re.S)


def parse_json(text: str, *, lenient: bool) -> tuple[Any, Optional[ParseError]]:
    """Parse `text`. With lenient=True JSONC/JSON5 is valid; otherwise a JSONC-only file still
    yields its value (never fatal) but also the strict parser's error."""
    text = text.lstrip("\ufeff")
    try:
        return json.loads(text), None
    except ValueError as e:
        strict_err: ParseError = (
            getattr(e, "msg", str(e)), getattr(e, "lineno", None), getattr(e, "colno", None))
    except RecursionError:
        return None, ("nesting too deep", None, None)
    if not text.strip():
        return None, ("empty file", 1, 1)
    import json5  # (only for JSONC/JSON5: most files are plain JSON)

    try:
        value = json5.loads(text)
    except RecursionError:
        return None, ("nesting too deep", None, None)
    except Exception as e:  # json5 raises ValueError; be safe with anything else
        m = _JSON5_ERR.match(str(e))
        if m:
            col = int(m.group(3)) if m.group(3) else None
            return None, (m.group(2), int(m.group(1)), col)
        return None, (str(e), None, None)
    if lenient:
        return value, None
    return value, strict_err


def locate(text: str, needle: str) -> tuple[Optional[int], Optional[int]]:
    """1-based line and column of the first occurrence of `needle` in `text` (None when absent)."""
    i = text.find(needle)
    if i < 0:
        return None, None
    line = text.count("\n", 0, i) + 1
    col = i - (text.rfind("\n", 0, i) + 1) + 1
    return line, col
