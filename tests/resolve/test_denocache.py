"""deno.lock read for Deno's npm cache (resolve/denocache.py): the forms its entries take.
tests/fuzz/test_deno_npm_cache.py holds the whole reading to Deno installing and running."""
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
