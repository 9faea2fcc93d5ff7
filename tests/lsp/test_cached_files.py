"""Files the editor cannot open by a file: URI — a package inside a zip archive of Yarn's cache,
a JSR package in Deno's cache — are named `tla-lens-cached:…` for a client that says it can ask
for them (experimental capability `tlaLensCachedFiles`, as the VS Code extension does), and
their text is served by `tla-lens/cachedFile`; nothing else is served."""
from __future__ import annotations

import io
import json
import zipfile

from .conftest import wait_for

STATE = {
    "__info": [], "enableTopLevelFallback": False, "fallbackExclusionList": [], "fallbackPool": [],
    "packageRegistryData": [
        [None, [[None, {"packageLocation": "./", "packageDependencies": [["zipped", "npm:2.0.0"]],
                        "linkType": "SOFT"}]]],
        ["app", [["workspace:.", {"packageLocation": "./", "packageDependencies": [["zipped", "npm:2.0.0"]],
                                  "linkType": "SOFT"}]]],
        ["zipped", [["npm:2.0.0", {"packageLocation": "./.yarn/cache/zipped-npm-2.0.0-abc.zip/node_modules/zipped/",
                                   "packageDependencies": [], "linkType": "HARD"}]]],
    ],
}
DB = "export const z = await Promise.resolve(1);\n"


def _zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("node_modules/zipped/package.json", json.dumps({"name": "zipped", "type": "module",
                                                                    "exports": "./db.js"}))
        z.writestr("node_modules/zipped/db.js", DB)
    return out.getvalue()


FILES = {
    "package.json": json.dumps({"name": "app", "type": "module"}),
    ".pnp.cjs": "#!/usr/bin/env node\n// pnpEnableInlining: false\nrequire('./.pnp.data.json');\n",
    ".pnp.data.json": json.dumps(STATE),
    ".yarn/cache/zipped-npm-2.0.0-abc.zip": _zip(),
    "src/main.js": "import { z } from 'zipped';\nexport const m = z;\n",
}


def _related_uris(s, rel: str) -> list[str]:
    return [r.location.uri for d in s.diagnostics(rel, "async-import") for r in (d.related_information or [])]


async def test_zipped_modules_are_named_and_served_to_a_client_that_asks(lsp):
    s = await lsp(FILES, experimental={"tlaLensCachedFiles": True})
    s.open("src/main.js")
    assert await wait_for(lambda: s.diagnostics("src/main.js", "async-import"))
    (cached,) = [u for u in _related_uris(s, "src/main.js") if not u.startswith("file:")]
    assert cached.startswith("tla-lens-cached:") and cached.endswith("/zipped-npm-2.0.0-abc.zip/node_modules/zipped/db.js")
    got = await s.client.protocol.send_request_async("tla-lens/cachedFile", {"uri": cached})
    assert got == {"text": DB, "languageId": "javascript"}
    # the explain request names it so too
    r = await s.explain("src/main.js")
    assert r["cause"] == cached
    # nothing else is served: a workspace file, a file outside, a made-up archive path
    escape = cached[len("tla-lens-cached:"):].replace("node_modules/zipped/db.js", "../../../../../../../etc/passwd")
    for uri in (s.uri("src/main.js"), "tla-lens-cached:/etc/passwd", "tla-lens-cached:" + escape,
                "tla-lens-cached:" + cached[len("tla-lens-cached:"):].replace("db.js", "nope.js")):
        assert await s.client.protocol.send_request_async("tla-lens/cachedFile", {"uri": uri}) is None


async def test_other_clients_get_file_uris(lsp):
    s = await lsp(FILES)
    s.open("src/main.js")
    assert await wait_for(lambda: s.diagnostics("src/main.js", "async-import"))
    assert all(u.startswith("file:") for u in _related_uris(s, "src/main.js"))
    assert any("zipped-npm-2.0.0-abc.zip" in u for u in _related_uris(s, "src/main.js"))


async def test_a_module_deno_cached_for_a_url_with_a_query_is_named_and_served(lsp, tmp_path, monkeypatch):
    """esm.sh's `?dev`: Deno caches `path?query` under its own hashed name; the module is named by
    its URL, query included (`?` escaped in the URI), and served from the cache."""
    import hashlib

    host = tmp_path / "deno-dir" / "remote" / "https" / "esm.sh"
    host.mkdir(parents=True)
    body = "export const r = await Promise.resolve(1);\n"
    meta = {"headers": {"content-type": "application/javascript; charset=utf-8"}, "url": "https://esm.sh/react@18?dev"}
    (host / hashlib.sha256(b"/react@18?dev").hexdigest()).write_text(body + "\n// denoCacheMetadata=" + json.dumps(meta))
    monkeypatch.setenv("DENO_DIR", str(tmp_path / "deno-dir"))
    s = await lsp({"deno.json": "{}", "main.ts": 'import { r } from "https://esm.sh/react@18?dev";\nexport const m = r;\n'},
                  experimental={"tlaLensCachedFiles": True})
    s.open("main.ts")
    assert await wait_for(lambda: s.diagnostics("main.ts", "async-import"))
    (cached,) = [u for u in _related_uris(s, "main.ts") if not u.startswith("file:")]
    assert cached.startswith("tla-lens-cached:") and cached.endswith("/remote/https/esm.sh/react%4018%3Fdev"), cached
    got = await s.client.protocol.send_request_async("tla-lens/cachedFile", {"uri": cached})
    # (no extension in its name: the content type says JavaScript, and so does the answer)
    assert got == {"text": body, "languageId": "javascript"}
