"""Positions in UTF-16 (the default) and UTF-8 (when the client offers it), exactly right with
emoji, CRLF and U+2028 inside strings before the import / await, on the same and earlier lines."""
from __future__ import annotations

import pytest
from lsprotocol import types as T

from .conftest import WEBPACK, wait_for

# U+2028 is a line terminator for JavaScript source but inside a string literal it is just a
# character (ES2019), and LSP never breaks lines on it.
LINES = [
    'const a = "😀\u2028👩‍💻é";',
    'const b = "🎉\u2028"; import { listUsers } from "./UserApi.js";',
    'export const c = "𝒳\u2028"; export const d = await listUsers();',
    "",
]
TEXT = "\r\n".join(LINES)
IMPORT = 'import { listUsers } from "./UserApi.js";'


def col(text: str, encoding: str) -> int:
    if encoding == "utf-8":
        return len(text.encode("utf-8"))
    return len(text.encode("utf-16-le")) // 2


def pos(line: int, before: str, encoding: str) -> T.Position:
    """The position in ``LINES[line]`` just before the first occurrence of ``before``."""
    i = LINES[line].index(before)
    return T.Position(line, col(LINES[line][:i], encoding))


@pytest.mark.parametrize("encoding", ["utf-16", "utf-8"])
async def test_ranges_and_edits(lsp, encoding):
    files = dict(WEBPACK)
    files["src/emoji.js"] = TEXT
    offer = ["utf-8", "utf-16"] if encoding == "utf-8" else None
    s = await lsp(files, encodings=offer)
    chosen = s.result.capabilities.position_encoding
    assert (chosen or "utf-16") == encoding
    s.open("src/emoji.js")
    assert await wait_for(lambda: s.diagnostics("src/emoji.js", "async-import")
                          and s.diagnostics("src/emoji.js", "top-level-await"))
    [imp] = s.diagnostics("src/emoji.js", "async-import")
    start = pos(1, "import", encoding)
    assert imp.range == T.Range(start, T.Position(1, start.character + len(IMPORT)))
    [tla] = s.diagnostics("src/emoji.js", "top-level-await")
    aw = pos(2, "await", encoding)
    assert tla.range == T.Range(aw, T.Position(2, aw.character + 5))
    # hover at those positions
    assert (await s.hover("src/emoji.js", 2, aw.character + 2)).range == tla.range
    assert (await s.hover("src/emoji.js", 1, start.character + 1)).range == imp.range
    assert await s.hover("src/emoji.js", 1, start.character - 3) is None  # inside the string

    # an edit right after the emoji on line 1 (inside the string): the import moves by one char
    after_emoji = pos(1, "\u2028", encoding)
    s.change("src/emoji.js", ((1, after_emoji.character), (1, after_emoji.character), "x"))
    assert await wait_for(lambda: s.diagnostics("src/emoji.js", "async-import")[0].range.start.character
                          == start.character + 1)
    assert "no graph change" in s.logs("update emoji.js")[-1]
    # replace the specifier exactly: ./UserApi.js -> ./pool.js; the module stays async (own await)
    spec = pos(1, "UserApi", encoding)
    s.change("src/emoji.js", ((1, spec.character + 1), (1, spec.character + 1 + len("UserApi")), "pool"))
    assert await wait_for(lambda: not s.diagnostics("src/emoji.js", "async-import"))
    assert s.texts[s.uri("src/emoji.js")].split("\r\n")[1].endswith('from "./pool.js";')
    # delete `await ` on line 2, after the astral character and the U+2028
    aw = pos(2, "await", encoding)
    s.change("src/emoji.js", ((2, aw.character), (2, aw.character + 6), ""))
    assert await wait_for(lambda: not s.diagnostics("src/emoji.js"))
    r = await s.explain("src/emoji.js")
    assert r["async"] is False and r["hasTopLevelAwait"] is False
    # type it back in one change spanning the CRLF: join lines 1 and 2 and split them again
    end1 = T.Position(1, col(s.texts[s.uri("src/emoji.js")].split("\r\n")[1], encoding))
    s.change("src/emoji.js", ((1, end1.character), (2, aw.character),
                              "\r\n" + LINES[2][:LINES[2].index("await")] + "await "))
    assert await wait_for(lambda: s.diagnostics("src/emoji.js", "top-level-await"))
    assert s.diagnostics("src/emoji.js", "top-level-await")[0].range.start == pos(2, "await", encoding)


async def test_lone_cr_line_breaks_and_u2028_on_earlier_lines(lsp):
    text = 'const s = "\u2028\u2029";\rconst t = 1;\r\nimport { listUsers } from "./UserApi.js";\n'
    files = dict(WEBPACK)
    files["src/cr.js"] = text
    s = await lsp(files)
    s.open("src/cr.js")
    assert await wait_for(lambda: s.diagnostics("src/cr.js", "async-import"))
    [d] = s.diagnostics("src/cr.js")
    # \r alone ends a line; U+2028/U+2029 do not
    assert d.range == T.Range(T.Position(2, 0), T.Position(2, len(IMPORT)))


async def test_utf16_server_when_client_offers_only_utf16(lsp):
    s = await lsp(WEBPACK, encodings=["utf-16"])
    assert (s.result.capabilities.position_encoding or "utf-16") == "utf-16"
