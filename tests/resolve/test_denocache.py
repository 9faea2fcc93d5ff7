"""deno.lock read for Deno's npm cache (resolve/denocache.py), the forms its entries take; JSR
packages read from Deno's HTTP cache as folders (resolve/denoremote.py).
tests/fuzz/test_deno_cache.py holds the whole reading to Deno installing and running."""
from __future__ import annotations

import os

from tla_lens.resolve.denocache import Lock, deno_dirs, package_of, split_name


def test_names_and_versions():
    assert split_name("@acme/util@0.3.1") == ("@acme/util", "0.3.1")
    assert split_name("dep-b@1.0.0_react@18.2.0") == ("dep-b", "1.0.0_react@18.2.0")
    assert split_name("dep-b") == ("dep-b", "")


def test_lock_versions_and_dependencies():
    lock = Lock({"version": "5",
                 "specifiers": {"npm:dep-a@2": "2.1.0", "npm:dep-b@1": "1.0.0", "npm:dep-b@2": "2.0.0",
                                "npm:alias@1": "dep-b@1.0.0"},
                 "npm": {"dep-a@2.1.0": {"dependencies": ["solo", "dep-b@1.0.0", "x@npm:dep-b@2.0.0"]},
                         "solo@3.0.0": {}, "dep-b@1.0.0": {}, "dep-b@2.0.0": {},
                         "peer@1.0.0_react@18.2.0": {"dependencies": ["react"]}, "react@18.2.0": {}}})
    assert lock.version_for("dep-a", "^2") == "2.1.0"  # (Deno writes `^2` as `2`)
    assert lock.version_for("dep-a", "2.1") == "2.1.0"  # (the only version of dep-a)
    assert lock.version_for("dep-b", "^2.0.0") == "2.0.0" and lock.version_for("dep-b", "1") == "1.0.0"
    assert lock.version_for("dep-b", "3") is None and lock.version_for("nope", "1") is None
    assert lock.dependencies("dep-a", "2.1.0") == {
        "solo": ("solo", "3.0.0"), "dep-b": ("dep-b", "1.0.0"), "x": ("dep-b", "2.0.0")}
    assert lock.dependencies("peer", "1.0.0") == {"react": ("react", "18.2.0")}  # (a peer variant)
    # a version 3 lock keeps them under "packages", dependencies as an object
    old = Lock({"version": "3", "packages": {"specifiers": {"npm:a@1": "npm:a@1.0.0"},
                                             "npm": {"a@1.0.0": {"dependencies": {"b": "b@2.0.0"}}}}})
    assert old.dependencies("a", "1.0.0") == {"b": ("b", "2.0.0")}
    assert old.version_for("a", "1") == "1.0.0"


def test_cache_folders(tmp_path):
    (tmp_path / "d").mkdir()
    (base,) = deno_dirs({"DENO_DIR": str(tmp_path / "d")})
    assert base == str((tmp_path / "d" / "npm").resolve())
    assert deno_dirs({"XDG_CACHE_HOME": "/x/cache"}) == (os.path.realpath("/x/cache/deno/npm"),)
    assert deno_dirs({"DENO_DIR": "relative"}) == ()  # (only an absolute folder)
    f = os.path.join(base, "registry.npmjs.org", "@s", "n", "1.0.0_2", "lib", "x.js")
    assert package_of(f, (base,)) == ("@s/n", "1.0.0", os.path.join(base, "registry.npmjs.org", "@s", "n", "1.0.0_2"))
    assert package_of(os.path.join(base, "registry.npmjs.org", "n"), (base,)) is None


def test_names_from_a_lock_cannot_leave_the_cache(tmp_path):
    from tla_lens.resolve.denocache import package_folder, valid

    (tmp_path / "npm" / "registry.npmjs.org" / "ok" / "1.0.0").mkdir(parents=True)
    (tmp_path / "etc" / "1.0.0").mkdir(parents=True)
    base = (str(tmp_path / "npm"),)
    assert package_folder(base, "ok", "1.0.0", os.path.isdir) is not None
    assert valid("@s/n", "1.0.0-beta.1+b") and not valid("../../etc", "1.0.0") and not valid("ok", "../..")
    assert package_folder(base, "../../etc", "1.0.0", os.path.isdir) is None
    assert package_folder(base, "ok", "../../../etc/1.0.0", os.path.isdir) is None


def test_jsr_packages_are_read_as_folders_from_the_hashed_cache(tmp_path, monkeypatch):
    import hashlib
    import json

    from tla_lens.resolve import denoremote

    monkeypatch.setenv("DENO_DIR", str(tmp_path / "d"))
    monkeypatch.delenv("JSR_URL", raising=False)
    host = tmp_path / "d" / "remote" / "https" / "jsr.io"
    host.mkdir(parents=True)

    def cached(url_path: str, body: str) -> None:
        name = hashlib.sha256(url_path.encode()).hexdigest()
        (host / name).write_text(body + '\n// denoCacheMetadata={"url":"https://jsr.io' + url_path + '"}')

    cached("/@std/x/1.2.0_meta.json", json.dumps({"manifest": {"/mod.ts": {}, "/lib/a.ts": {}, "/lib/b.ts": {}},
                                                  "exports": {".": "./mod.ts"}}))
    cached("/@std/x/1.2.0/mod.ts", 'export * from "./lib/a.ts";')
    folder = denoremote.package_folder("@std/x", "1.2.0")
    assert folder == os.path.join(os.path.realpath(tmp_path / "d" / "remote"), "https", "jsr.io", "@std", "x", "1.2.0")
    assert denoremote.split(os.path.join(folder, "lib", "a.ts"))[1:] == ("@std/x", "1.2.0", "lib/a.ts")
    assert denoremote.listdir(*denoremote.split(folder)) == {"mod.ts": "file", "lib": "dir"}
    assert denoremote.kind(*denoremote.split(os.path.join(folder, "lib"))) == "dir"
    data, why = denoremote.read(*denoremote.split(os.path.join(folder, "mod.ts")), 1000)
    assert data == b'export * from "./lib/a.ts";' and why is None  # (the metadata line cut off)
    # listed in the manifest, not downloaded (Deno fetches only what the graph needs)
    assert denoremote.read(*denoremote.split(os.path.join(folder, "lib", "b.ts")), 1000)[0] is None
    assert denoremote.exports(*denoremote.split(folder)[:3]) == {".": "./mod.ts"}
    assert denoremote.split(os.path.join(folder[: -len("/x/1.2.0")])) is None  # (not a package)
    # another registry ($JSR_URL with a port): its own folder
    monkeypatch.setenv("JSR_URL", "http://localhost:8080/")
    assert denoremote.jsr_base() == ("http", "localhost_PORT8080", "/")


def test_urls_are_named_in_denos_http_cache(tmp_path, monkeypatch):
    import hashlib

    from tla_lens.resolve import denoremote

    monkeypatch.setenv("DENO_DIR", str(tmp_path / "d"))
    monkeypatch.delenv("JSR_URL", raising=False)
    f = denoremote.url_file("https://deno.land/x/oak@v12.6.1/mod.ts")
    assert f == os.path.join(os.path.realpath(tmp_path / "d" / "remote"), "https", "deno.land", "x", "oak@v12.6.1", "mod.ts")
    assert denoremote.url_of(f) == "https://deno.land/x/oak@v12.6.1/mod.ts"
    assert denoremote.url_of(denoremote.url_file("http://localhost:8080/a/b.ts")) == "http://localhost:8080/a/b.ts"
    # a query is part of the module's name (Deno caches each query of a URL on its own); the
    # fragment is not
    q = denoremote.url_file("https://esm.sh/preact@10?target=es2022&deps=a/b#x")
    assert q == os.path.join(os.path.realpath(tmp_path / "d" / "remote"), "https", "esm.sh", "preact@10?target=es2022&deps=a/b")
    assert denoremote.url_of(q) == "https://esm.sh/preact@10?target=es2022&deps=a/b"
    assert denoremote.remote_split(q)[1] == "/preact@10?target=es2022&deps=a/b"  # (what Deno hashes)
    assert denoremote.query_free(q) == os.path.join(os.path.realpath(tmp_path / "d" / "remote"), "https", "esm.sh", "preact@10")
    assert denoremote.query_free(f) == f
    for odd in ("https://esm.sh/?x", "https://esm.sh/a/?x", "https://esm.sh/a?x=/../../etc", "https://esm.sh/a?x=//y"):
        assert denoremote.url_file(odd) is None, odd
    assert denoremote.url_file("ftp://x/y.ts") is None
    host = tmp_path / "d" / "remote" / "https" / "deno.land"
    host.mkdir(parents=True)
    assert denoremote.remote_split(f) == (str(host.resolve()), "/x/oak@v12.6.1/mod.ts")
    assert denoremote.remote_kind(*denoremote.remote_split(f)) is None  # (not downloaded)
    (host / hashlib.sha256(b"/x/oak@v12.6.1/mod.ts").hexdigest()).write_text(
        'export * from "./app.ts";\n// denoCacheMetadata={"headers":{},"url":"https://deno.land/x/oak@v12.6.1/mod.ts"}')
    assert denoremote.remote_kind(*denoremote.remote_split(f)) == "file" and denoremote.exists(f)
    assert denoremote.remote_read(*denoremote.remote_split(f), 1000) == (b'export * from "./app.ts";', None)
    # a redirect: no body, a location header
    (host / hashlib.sha256(b"/x/oak/mod.ts").hexdigest()).write_text(
        '\n// denoCacheMetadata={"headers":{"location":"/x/oak@v12.6.1/mod.ts"},"url":"https://deno.land/x/oak/mod.ts"}')
    assert denoremote.redirect(*denoremote.remote_split(denoremote.url_file("https://deno.land/x/oak/mod.ts"))) == \
        "/x/oak@v12.6.1/mod.ts"
    # the JSR registry's host is read through package manifests, not as plain URLs
    assert denoremote.remote_split(denoremote.url_file("https://jsr.io/@std/path/1.0.8/mod.ts")) is None
