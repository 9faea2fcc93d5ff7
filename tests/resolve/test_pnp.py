"""Yarn Plug'n'Play manifests read without running them (resolve/pnp.py), on hand-made manifests:
the state inline in .pnp.cjs (a JavaScript string: escapes, line continuations) or in
.pnp.data.json; aliases, the top-level fallback and its exclusions, virtual folders, packages in
zip archives (read inside the archive: resolve/zips.py; outside the folder analysed only those of Yarn's
global cache are). tests/fuzz/test_package_managers.py holds the same reading to a real Yarn install."""
from __future__ import annotations

import json
import zipfile
from pathlib import Path

from tla_lens.resolve import Resolver
from tla_lens.resolve.pnp import Manifest, physical

STATE = {
    "__info": ["it's generated"],
    "enableTopLevelFallback": True,
    "fallbackExclusionList": [["@acme/app", ["workspace:packages/app"]]],
    "fallbackPool": [["pooled", "npm:1.0.0"]],
    "packageRegistryData": [
        [None, [[None, {"packageLocation": "./", "packageDependencies": [
            ["top", "workspace:packages/top"], ["root", "workspace:."]], "linkType": "SOFT"}]]],
        ["root", [["workspace:.", {"packageLocation": "./", "packageDependencies": [
            ["top", "workspace:packages/top"]], "linkType": "SOFT"}]]],
        ["@acme/app", [["workspace:packages/app", {"packageLocation": "./packages/app/", "packageDependencies": [
            ["@acme/app", "workspace:packages/app"], ["lib", "workspace:packages/lib"],
            ["renamed", ["lib", "workspace:packages/lib"]], ["zipped", "npm:2.0.0"], ["peer", None],
            ["virt", "virtual:abc#workspace:packages/virt"]], "linkType": "SOFT"}]]],
        ["@acme/other", [["workspace:packages/other", {"packageLocation": "./packages/other/",
                                                         "packageDependencies": [], "linkType": "SOFT"}]]],
        ["lib", [["workspace:packages/lib", {"packageLocation": "./packages/lib/", "packageDependencies": [],
                                              "linkType": "SOFT"}]]],
        ["top", [["workspace:packages/top", {"packageLocation": "./packages/top/", "packageDependencies": [],
                                              "linkType": "SOFT"}]]],
        ["zipped", [["npm:2.0.0", {"packageLocation": "./.yarn/cache/zipped-npm-2.0.0-abc.zip/node_modules/zipped/",
                                   "packageDependencies": [], "linkType": "HARD"}]]],
        ["pooled", [["npm:1.0.0", {"packageLocation": "./.yarn/unplugged/pooled-npm-1.0.0/node_modules/pooled/",
                                   "packageDependencies": [], "linkType": "HARD"}]]],
        ["virt", [["virtual:abc#workspace:packages/virt", {
            "packageLocation": "./.yarn/__virtual__/virt-virtual-abc/1/packages/virt/",
            "packageDependencies": [], "linkType": "SOFT", "discardFromLookup": True}]]],
    ],
}


def _cjs(state: dict) -> str:
    """.pnp.cjs as Yarn writes it: JSON in a single-quoted string, `\\` + newline per line."""
    body = json.dumps(state, indent=2).replace("\\", "\\\\").replace("'", "\\'").replace("\n", "\\\n")
    return "#!/usr/bin/env node\n\"use strict\";\n\nconst RAW_RUNTIME_STATE =\n'" + body + "';\n\nfunction $$SETUP_STATE() {}\n"


def test_inline_state_with_escapes_and_lookups(tmp_path: Path) -> None:
    m = Manifest(_cjs(STATE), str(tmp_path / ".pnp.cjs"))
    app = str(tmp_path / "packages/app/src/deep")
    assert m.locator_of(app) == ("@acme/app", "workspace:packages/app")
    assert m.locate("lib", app) == str(tmp_path / "packages/lib")
    assert m.locate("renamed", app) == str(tmp_path / "packages/lib")  # an alias
    assert m.locate("virt", app) == str(tmp_path / "packages/virt")  # a virtual folder's physical one
    assert m.locate("zipped", app).endswith("zipped-npm-2.0.0-abc.zip/node_modules/zipped")
    kind, why = m.locate("top", app)  # excluded from the fallback: workspaces are strict
    assert kind == "missing" and "'top' is not a dependency of @acme/app" in why
    assert m.locate("peer", app)[0] == "missing" and "peer dependency" in m.locate("peer", app)[1]
    other = str(tmp_path / "packages/other")
    assert m.locate("top", other) == str(tmp_path / "packages/top")  # the top-level fallback
    assert m.locate("pooled", other).endswith("unplugged/pooled-npm-1.0.0/node_modules/pooled")  # the pool
    assert m.locate("x", "/elsewhere") == ("outside", "")


def test_virtual_paths() -> None:
    assert physical("/p/.yarn/__virtual__/a-virtual-1/0/cache/a.zip/node_modules/a") == \
        "/p/.yarn/cache/a.zip/node_modules/a"
    assert physical("/p/.yarn/__virtual__/a-virtual-1/2/x/y") == "/x/y"
    assert physical("/p/packages/a") == "/p/packages/a"


def _project(root: Path, data_file: bool) -> None:
    files = {
        "package.json": json.dumps({"name": "root", "private": True}),
        "packages/app/package.json": json.dumps({"name": "@acme/app"}),
        "packages/app/src/main.js": "",
        "packages/lib/package.json": json.dumps({"name": "lib", "exports": {".": "./lib.js", "./x": "./x.js"}}),
        "packages/lib/lib.js": "", "packages/lib/x.js": "",
        "packages/virt/package.json": json.dumps({"name": "virt", "main": "v.js"}),
        "packages/virt/v.js": "",
    }
    archive = root / ".yarn/cache/zipped-npm-2.0.0-abc.zip"
    archive.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(archive, "w") as z:  # (as Yarn writes them: entries under node_modules/<name>/)
        z.writestr("node_modules/zipped/package.json", json.dumps({"name": "zipped", "exports": {
            ".": "./dist/index.js", "./extra": "./extra.js"}}))
        z.writestr("node_modules/zipped/dist/index.js", "export const z = await Promise.resolve(1);\n")
        z.writestr("node_modules/zipped/extra.js", "export const e = 1;\n")
    if data_file:
        files[".pnp.cjs"] = "#!/usr/bin/env node\n// pnpEnableInlining: false\nrequire('./.pnp.data.json');\n"
        files[".pnp.data.json"] = json.dumps(STATE)
    else:
        files[".pnp.cjs"] = _cjs(STATE)
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)


def test_resolver_follows_the_manifest(tmp_path: Path) -> None:
    for data_file in (False, True):
        root = tmp_path / ("data" if data_file else "inline")
        _project(root, data_file)
        r = Resolver(root)
        main = root / "packages/app/src/main.js"
        assert r.resolve("lib", main).path == (root / "packages/lib/lib.js").resolve()
        assert r.resolve("lib/x", main).path == (root / "packages/lib/x.js").resolve()
        assert r.resolve("renamed/x", main).path == (root / "packages/lib/x.js").resolve()
        assert r.resolve("virt", main).path == (root / "packages/virt/v.js").resolve()
        # a package in a zip archive of the project's cache: read inside the archive
        zipped = r.resolve("zipped", main)
        archive = root / ".yarn/cache/zipped-npm-2.0.0-abc.zip"
        assert zipped.path == archive / "node_modules/zipped/dist/index.js", zipped
        assert r.resolve("zipped/extra", main).path == archive / "node_modules/zipped/extra.js"
        strict = r.resolve("top", main)
        assert strict.path is None and "'top' is not a dependency of @acme/app" in strict.message
        assert ".pnp.cjs" in strict.message


def test_a_broken_manifest_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    root = tmp_path / "p"
    _project(root, False)
    (root / ".pnp.cjs").write_text("const RAW_RUNTIME_STATE =\n'{not json';\n")
    r = Resolver(root)
    res = r.resolve("lib", root / "packages/app/src/main.js")
    assert res.path is None and "could not be read" in res.message
    assert any("Plug'n'Play manifest" in p.message and "not valid JSON" in p.message for p in r.problems)


def test_a_new_install_re_resolves_the_project(tmp_path: Path) -> None:
    """A `yarn install` rewrites the manifest: the project resolves again (as the server does
    when its watcher reports .pnp.cjs or .pnp.data.json)."""
    from tla_lens.config import Config
    from tla_lens.project import analyse

    root = tmp_path / "p"
    _project(root, True)
    (root / "packages/lib/lib.js").write_text("export const db = await Promise.resolve(1);\n")
    (root / "packages/app/src/main.js").write_text("import { db } from 'lib';\nexport default db;\n")
    project = analyse(root, Config(), cache=False)
    main = root / "packages/app/src/main.js"
    assert project.modules[main].edges[0].target == root / "packages/lib/lib.js"
    assert project.modules[main].is_async
    # lib is no longer the app's dependency
    state = json.loads((root / ".pnp.data.json").read_text())
    for name, refs in state["packageRegistryData"]:
        if name == "@acme/app":
            refs[0][1]["packageDependencies"] = [d for d in refs[0][1]["packageDependencies"] if d[0] != "lib"]
    (root / ".pnp.data.json").write_text(json.dumps(state))
    project.files_changed([root / ".pnp.data.json"])
    edge = project.modules[main].edges[0]
    assert edge.target is None and "'lib' is not a dependency of @acme/app" in edge.unresolved
    assert not project.modules[main].is_async


def test_zipped_modules_are_analysed_and_only_yarns_global_cache_is_read_outside(tmp_path: Path, monkeypatch) -> None:
    from tla_lens.config import Config
    from tla_lens.project import analyse

    root = tmp_path / "p"
    _project(root, False)
    (root / "packages/app/src/main.js").write_text("import { z } from 'zipped';\nexport default z;\n")
    project = analyse(root, Config(), cache=False)
    main = root / "packages/app/src/main.js"
    target = root / ".yarn/cache/zipped-npm-2.0.0-abc.zip/node_modules/zipped/dist/index.js"
    assert project.modules[main].edges[0].target == target
    assert project.modules[target].has_tla and not project.modules[target].workspace
    assert project.modules[main].is_async
    (f,) = [f for f in project.findings if f.code == "async-import"]
    assert "top-level await at line 1" in f.message
    # the same project analysed from the app's folder: the project's cache is outside it, and
    # not Yarn's global cache: not read, and the import says why
    monkeypatch.setenv("YARN_GLOBAL_FOLDER", str(tmp_path / "yarn-global"))
    app = analyse(root / "packages/app", Config(), cache=False)
    edge = app.modules[main].edges[0]
    assert edge.target is None and "outside the folder analysed and outside Yarn's global cache" in edge.unresolved
    assert not app.modules[main].is_async
    # Yarn 4's default: the archives in the global cache (here $YARN_GLOBAL_FOLDER/cache), which
    # the manifest names by a path relative to the project: read there
    gcache = tmp_path / "yarn-global" / "cache"
    gcache.mkdir(parents=True)
    (root / ".yarn/cache/zipped-npm-2.0.0-abc.zip").rename(gcache / "zipped-npm-2.0.0-abc-10c0.zip")
    state = json.loads(json.dumps(STATE))
    for name, entries in state["packageRegistryData"]:
        if name == "zipped":
            entries[0][1]["packageLocation"] = "../yarn-global/cache/zipped-npm-2.0.0-abc-10c0.zip/node_modules/zipped/"
    (root / ".pnp.cjs").write_text(_cjs(state))
    for base in (root, root / "packages/app"):
        a = analyse(base, Config(), cache=False)
        t = gcache / "zipped-npm-2.0.0-abc-10c0.zip/node_modules/zipped/dist/index.js"
        assert a.modules[main].edges[0].target == t, a.modules[main].edges[0]
        assert a.modules[t].has_tla and a.modules[main].is_async
    # with the global folder elsewhere, the same archive is outside every folder read
    monkeypatch.setenv("YARN_GLOBAL_FOLDER", str(tmp_path / "elsewhere"))
    a = analyse(root, Config(), cache=False)
    assert a.modules[main].edges[0].target is None and not a.modules[main].is_async


def test_a_stray_manifest_above_a_node_modules_project_is_not_used(tmp_path: Path) -> None:
    """A .pnp.cjs left in a folder above (the home folder, say) does not take over a project
    whose packages are in node_modules."""
    home = tmp_path / "home"
    (home).mkdir()
    (home / ".pnp.cjs").write_text(_cjs(STATE))
    root = home / "work" / "app"
    (root / "node_modules/lib").mkdir(parents=True)
    (root / "node_modules/lib/package.json").write_text(json.dumps({"name": "lib", "main": "i.js"}))
    (root / "node_modules/lib/i.js").write_text("")
    (root / "src").mkdir()
    (root / "src/main.js").write_text("")
    r = Resolver(root)
    assert r.resolve("lib", root / "src/main.js").path == root / "node_modules/lib/i.js"
