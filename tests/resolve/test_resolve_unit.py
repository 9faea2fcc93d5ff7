"""Unit tests for tla_lens.resolve on real directory trees built in tmp_path."""
from __future__ import annotations

import json
import os
from pathlib import Path


from tla_lens.resolve import NODE_BUILTINS, Resolution, Resolver, TsConfig


def make(root: Path, files: dict[str, object]) -> Path:
    for rel, content in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, (dict, list)):
            p.write_text(json.dumps(content, indent=2))
        else:
            p.write_text(str(content))
    return root


def link(root: Path, at: str, to: str) -> None:
    p = root / at
    p.parent.mkdir(parents=True, exist_ok=True)
    os.symlink(to, p)


def res(r: Resolver, spec: str, importer: Path, mode: str = "import") -> Resolution:
    return r.resolve(spec, importer, mode)  # type: ignore[arg-type]


def path_of(r: Resolver, spec: str, importer: Path, mode: str = "import") -> Path | None:
    x = res(r, spec, importer, mode)
    assert x.kind == "file", x
    return x.path


# ----------------------------------------------------------------------------- relative ---
def test_relative_exact_probing_index_and_ts_mapping(tmp_path: Path) -> None:
    make(tmp_path, {
        "src/a.ts": "", "src/b.ts": "", "src/b.js": "", "src/c.tsx": "", "src/m.mts": "", "src/k.cts": "",
        "src/j.jsx": "", "src/dir/index.ts": "", "src/pkgdir/package.json": {"main": "lib/main"},
        "src/pkgdir/lib/main.js": "", "src/x.service.ts": "", "src/plain.mjs": "", "src/only.js": "",
        "src/v.tsx": "",
    })
    r = Resolver(tmp_path)
    imp = tmp_path / "src" / "main.ts"
    s = tmp_path / "src"
    assert path_of(r, "./a.js", imp) == s / "a.ts"          # .js -> .ts
    assert path_of(r, "./a", imp) == s / "a.ts"             # probing
    assert path_of(r, "./b.js", imp) == s / "b.js"          # exact file wins
    assert path_of(r, "./b", imp) == s / "b.ts"             # .ts probed before .js
    assert path_of(r, "./c.js", imp) == s / "c.tsx"         # .js -> .tsx
    assert path_of(r, "./v.jsx", imp) == s / "v.tsx"        # .jsx -> .tsx
    assert path_of(r, "./m.mjs", imp) == s / "m.mts"        # .mjs -> .mts
    assert path_of(r, "./k.cjs", imp) == s / "k.cts"        # .cjs -> .cts
    assert path_of(r, "./j", imp) == s / "j.jsx"
    assert path_of(r, "./dir", imp) == s / "dir" / "index.ts"
    assert path_of(r, "./dir/", imp) == s / "dir" / "index.ts"
    assert path_of(r, "./dir/index.js", imp) == s / "dir" / "index.ts"
    assert path_of(r, "./pkgdir", imp) == s / "pkgdir" / "lib" / "main.js"
    assert path_of(r, "./x.service", imp) == s / "x.service.ts"
    assert path_of(r, "../src/plain.mjs", imp) == s / "plain.mjs"
    assert path_of(r, str(s / "only.js"), imp) == s / "only.js"   # absolute path
    assert path_of(r, (s / "only.js").as_uri(), imp) == s / "only.js"  # file: URL
    # lenient like a bundler: extensionless import from a .js file
    assert path_of(r, "./only", s / "user.js") == s / "only.js"
    u = res(r, "./missing.js", imp)
    assert u.kind == "unresolved" and u.path is None
    assert u.message == "cannot find module './missing.js' from src/main.ts"


def test_require_mode_probing_and_json(tmp_path: Path) -> None:
    make(tmp_path, {"lib/data.json": "{}", "lib/native.node": "", "lib/x.js": "", "lib/dir/index.js": ""})
    r = Resolver(tmp_path)
    imp = tmp_path / "lib" / "main.cjs"
    assert path_of(r, "./x", imp, "require") == tmp_path / "lib" / "x.js"
    assert path_of(r, "./dir", imp, "require") == tmp_path / "lib" / "dir" / "index.js"
    d = res(r, "./data", imp, "require")
    assert d.kind == "ignored" and d.path == tmp_path / "lib" / "data.json"
    n = res(r, "./native", imp, "require")
    assert n.kind == "ignored" and n.path == tmp_path / "lib" / "native.node"
    assert res(r, "./native", imp, "import").kind == "unresolved"  # .node only probed for require


def test_assets_urls_and_queries(tmp_path: Path) -> None:
    make(tmp_path, {"src/a.css": "", "src/logo.svg": "", "src/w.wasm": "", "src/t.d.ts": "", "src/m.js": ""})
    r = Resolver(tmp_path)
    imp = tmp_path / "src" / "main.ts"
    for spec, name in (("./a.css", "a.css"), ("./logo.svg", "logo.svg"), ("./w.wasm", "w.wasm"), ("./t.d.ts", "t.d.ts")):
        x = res(r, spec, imp)
        assert x.kind == "ignored" and x.path == tmp_path / "src" / name and x.message
    for url in ("https://esm.sh/react", "http://x/y.js", "data:text/javascript,export default 1", "virtual:my-module"):
        x = res(r, url, imp)
        assert x.kind == "ignored" and x.path is None, x
    assert path_of(r, "./m.js?v=1", imp) == tmp_path / "src" / "m.js"
    assert path_of(r, "./m.js#frag", imp) == tmp_path / "src" / "m.js"
    assert res(r, "./m.js?raw", imp).kind == "ignored"
    assert res(r, "", imp).kind == "unresolved"


def test_percent_encoded_relative(tmp_path: Path) -> None:
    make(tmp_path, {"a b.js": ""})
    r = Resolver(tmp_path)
    assert path_of(r, "./a%20b.js", tmp_path / "m.mjs") == tmp_path / "a b.js"
    assert path_of(r, "./a b.js", tmp_path / "m.mjs") == tmp_path / "a b.js"


# ----------------------------------------------------------------------------- builtins ---
def test_builtins(tmp_path: Path) -> None:
    make(tmp_path, {"node_modules/fs/package.json": {"name": "fs"}, "node_modules/fs/index.js": ""})
    r = Resolver(tmp_path)
    imp = tmp_path / "a.mjs"
    for spec in ("fs", "node:fs", "fs/promises", "node:fs/promises", "path/posix", "node:test", "node:sqlite",
                 "bun", "bun:sqlite", "bun:test", "node:ffi", "worker_threads"):
        assert res(r, spec, imp).kind == "builtin", spec
    assert res(r, "node:nope", imp).kind == "unresolved"
    assert res(r, "test", imp).kind == "unresolved"  # only node:test exists
    assert "fs" in NODE_BUILTINS


# ----------------------------------------------------------------------------- packages ---
def test_node_modules_lookup_scoped_main_and_subpaths(tmp_path: Path) -> None:
    make(tmp_path, {
        "node_modules/plain/package.json": {"name": "plain", "main": "lib/index"},
        "node_modules/plain/lib/index.js": "", "node_modules/plain/util.js": "",
        "node_modules/noindex/package.json": {"name": "noindex"}, "node_modules/noindex/index.js": "",
        "node_modules/@sc/pkg/package.json": {"name": "@sc/pkg", "exports": {".": "./main.js", "./sub": "./sub.js"}},
        "node_modules/@sc/pkg/main.js": "", "node_modules/@sc/pkg/sub.js": "", "node_modules/@sc/pkg/hidden.js": "",
        "app/node_modules/plain/package.json": {"name": "plain", "main": "near.js"},
        "app/node_modules/plain/near.js": "",
        "app/src/x.ts": "",
        "node_modules/browserish/package.json": {"name": "browserish", "main": "node.js", "browser": "web.js"},
        "node_modules/browserish/node.js": "", "node_modules/browserish/web.js": "",
    })
    r = Resolver(tmp_path)
    imp = tmp_path / "src" / "a.ts"
    nm = tmp_path / "node_modules"
    assert path_of(r, "plain", imp) == nm / "plain" / "lib" / "index.js"
    assert path_of(r, "plain/util", imp) == nm / "plain" / "util.js"
    assert path_of(r, "plain/util.js", imp) == nm / "plain" / "util.js"
    assert path_of(r, "noindex", imp) == nm / "noindex" / "index.js"
    assert path_of(r, "@sc/pkg", imp) == nm / "@sc" / "pkg" / "main.js"
    assert path_of(r, "@sc/pkg/sub", imp) == nm / "@sc" / "pkg" / "sub.js"
    blocked = res(r, "@sc/pkg/hidden.js", imp)
    assert blocked.kind == "unresolved" and "does not export './hidden.js'" in (blocked.message or "")
    # nearest node_modules wins
    assert path_of(r, "plain", tmp_path / "app" / "src" / "x.ts") == tmp_path / "app" / "node_modules" / "plain" / "near.js"
    missing = res(r, "nope", imp)
    assert missing.kind == "unresolved" and "cannot find package 'nope'" in (missing.message or "")
    assert res(r, "@sc", imp).kind == "unresolved"
    # "browser" field only with the browser condition
    assert path_of(r, "browserish", imp) == nm / "browserish" / "node.js"
    assert path_of(Resolver(tmp_path, ("browser",)), "browserish", imp) == nm / "browserish" / "web.js"


def test_exports_conditions_patterns_null_arrays(tmp_path: Path) -> None:
    make(tmp_path, {
        "node_modules/p/package.json": {
            "name": "p",
            "exports": {
                ".": {"types": "./types.d.ts", "browser": "./browser.js", "import": "./esm.mjs",
                      "require": "./cjs.cjs", "default": "./esm.mjs"},
                "./features/*.js": "./src/features/*.js",
                "./features/private/*": None,
                "./feat/*": {"node": "./node/*.js", "default": "./web/*.js"},
                "./arr": ["./nope-but-valid.js", "./arr.js"],
                "./arrbad": ["../bad.js", "./arr.js"],
                "./deep/*/x": "./deep/*/x.js",
                "./package.json": "./package.json",
            },
        },
        "node_modules/p/esm.mjs": "", "node_modules/p/cjs.cjs": "", "node_modules/p/browser.js": "",
        "node_modules/p/types.d.ts": "", "node_modules/p/src/features/a.js": "",
        "node_modules/p/src/features/sub/b.js": "", "node_modules/p/src/features/private/c.js": "",
        "node_modules/p/node/f.js": "", "node_modules/p/web/f.js": "", "node_modules/p/arr.js": "",
        "node_modules/p/deep/q/x.js": "",
    })
    nm = tmp_path / "node_modules" / "p"
    imp = tmp_path / "a.mjs"
    r = Resolver(tmp_path)
    assert path_of(r, "p", imp) == nm / "esm.mjs"
    assert path_of(r, "p", imp, "require") == nm / "cjs.cjs"
    assert path_of(Resolver(tmp_path, ("browser",)), "p", imp) == nm / "browser.js"
    assert path_of(r, "p/features/a.js", imp) == nm / "src" / "features" / "a.js"
    assert path_of(r, "p/features/sub/b.js", imp) == nm / "src" / "features" / "sub" / "b.js"
    assert res(r, "p/features/private/c.js", imp).kind == "unresolved"       # null blocks
    assert path_of(r, "p/feat/f", imp) == nm / "node" / "f.js"
    assert path_of(Resolver(tmp_path, ("-node",)), "p/feat/f", imp) == nm / "web" / "f.js"
    # arrays: the first *valid* target is taken even if the file is missing (as Node does)
    x = res(r, "p/arr", imp)
    assert x.kind == "unresolved" and "nope-but-valid.js" in (x.message or "")
    assert path_of(r, "p/arrbad", imp) == nm / "arr.js"       # invalid target skipped
    assert path_of(r, "p/deep/q/x", imp) == nm / "deep" / "q" / "x.js"  # pattern trailer
    pj = res(r, "p/package.json", imp)
    assert pj.kind == "ignored" and pj.path == nm / "package.json"
    assert any("../bad.js" in p.message for p in r.problems)


def test_self_reference_and_imports(tmp_path: Path) -> None:
    make(tmp_path, {
        "package.json": {
            "name": "@me/app", "type": "module",
            "exports": {".": "./src/index.js", "./util": "./src/util.js"},
            "imports": {
                "#config": {"browser": "./src/config.browser.js", "default": "./src/config.js"},
                "#lib/*": "./src/lib/*.js",
                "#lib/secret/*": None,
                "#dep": "dep",
                "#dep-sub/*": "dep/sub/*.js",
                "#fs": {"node": "fs", "default": "./src/fs-shim.js"},
            },
        },
        "src/index.ts": "", "src/util.ts": "", "src/config.js": "", "src/config.browser.js": "",
        "src/lib/a.js": "", "src/lib/secret/b.js": "", "src/fs-shim.js": "",
        "node_modules/dep/package.json": {"name": "dep", "main": "main.js"},
        "node_modules/dep/main.js": "", "node_modules/dep/sub/x.js": "",
    })
    r = Resolver(tmp_path)
    imp = tmp_path / "src" / "index.ts"
    s = tmp_path / "src"
    assert path_of(r, "@me/app", imp) == s / "index.ts"          # self-reference, .js -> .ts (workspace)
    assert path_of(r, "@me/app/util", imp) == s / "util.ts"
    assert path_of(r, "#config", imp) == s / "config.js"
    assert path_of(Resolver(tmp_path, ["browser"]), "#config", imp) == s / "config.browser.js"
    assert path_of(r, "#lib/a", imp) == s / "lib" / "a.js"
    assert res(r, "#lib/secret/b", imp).kind == "unresolved"
    assert path_of(r, "#dep", imp) == tmp_path / "node_modules" / "dep" / "main.js"
    assert path_of(r, "#dep-sub/x", imp) == tmp_path / "node_modules" / "dep" / "sub" / "x.js"
    assert res(r, "#fs", imp).kind == "builtin"
    assert path_of(Resolver(tmp_path, ["-node"]), "#fs", imp) == s / "fs-shim.js"
    u = res(r, "#nope", imp)
    assert u.kind == "unresolved" and "#nope" in (u.message or "") and "imports" in (u.message or "")
    assert res(r, "#", imp).kind == "unresolved"
    assert r.package_type(imp) == "module"
    found = r.package_json_for(imp)
    assert found is not None and found[0] == tmp_path and found[1]["name"] == "@me/app"


def test_package_type_scope_stops_at_node_modules(tmp_path: Path) -> None:
    make(tmp_path, {"package.json": {"type": "module"}, "node_modules/x/a.js": "", "lib/package.json": {"type": "commonjs"},
                    "lib/a.js": "", "other/package.json": {"name": "o"}, "other/a.js": ""})
    r = Resolver(tmp_path)
    assert r.package_type(tmp_path / "src" / "a.js") == "module"
    assert r.package_type(tmp_path / "lib" / "a.js") == "commonjs"
    assert r.package_type(tmp_path / "other" / "a.js") is None
    assert r.package_type(tmp_path / "node_modules" / "x" / "a.js") is None
    assert r.package_json_for(tmp_path / "node_modules" / "x" / "a.js") is None


def test_workspace_symlinks_realpath_and_outdir_mapping(tmp_path: Path) -> None:
    make(tmp_path, {
        "packages/lib/package.json": {"name": "@ws/lib", "exports": {".": "./dist/index.js", "./x": "./src/x.js"}},
        "packages/lib/tsconfig.json": {"compilerOptions": {"outDir": "dist", "rootDir": "src"}},
        "packages/lib/src/index.ts": "", "packages/lib/src/x.ts": "",
        "packages/old/package.json": {"name": "old", "main": "main.js"}, "packages/old/main.js": "",
        "apps/web/src/a.ts": "",
    })
    link(tmp_path, "node_modules/@ws/lib", "../../packages/lib")
    link(tmp_path, "node_modules/old", "../packages/old")
    r = Resolver(tmp_path)
    imp = tmp_path / "apps" / "web" / "src" / "a.ts"
    assert path_of(r, "@ws/lib", imp) == tmp_path / "packages" / "lib" / "src" / "index.ts"  # outDir -> rootDir
    assert path_of(r, "@ws/lib/x", imp) == tmp_path / "packages" / "lib" / "src" / "x.ts"
    assert path_of(r, "old", imp) == tmp_path / "packages" / "old" / "main.js"               # realpath'd


def test_node_modules_package_gets_no_ts_mapping(tmp_path: Path) -> None:
    make(tmp_path, {"node_modules/p/package.json": {"name": "p", "exports": "./index.js"}, "node_modules/p/index.ts": ""})
    r = Resolver(tmp_path)
    assert res(r, "p", tmp_path / "a.ts").kind == "unresolved"


def test_symlink_loops_do_not_hang(tmp_path: Path) -> None:
    make(tmp_path, {"src/a.ts": ""})
    link(tmp_path, "node_modules/loop", "loop")            # a self-loop
    link(tmp_path, "node_modules/ping", "pong")
    link(tmp_path, "node_modules/pong", "ping")            # a two-link loop
    link(tmp_path, "node_modules/up", "..")                # a directory cycle
    link(tmp_path, "src/self", ".")
    r = Resolver(tmp_path)
    imp = tmp_path / "src" / "a.ts"
    assert res(r, "loop", imp).kind == "unresolved"
    assert res(r, "ping", imp).kind == "unresolved"
    assert res(r, "up", imp).kind == "unresolved"          # no package.json, no index
    assert path_of(r, "up/src/a", imp) == tmp_path / "src" / "a.ts"
    assert path_of(r, "./self/self/self/a", imp) == tmp_path / "src" / "a.ts"
    assert res(r, "./loop", tmp_path / "node_modules" / "x.js").kind == "unresolved"


def test_odd_exports_shapes_are_problems_once(tmp_path: Path) -> None:
    make(tmp_path, {
        "node_modules/mixed/package.json": {"name": "mixed", "exports": {".": "./a.js", "import": "./b.js"}},
        "node_modules/mixed/a.js": "", "node_modules/mixed/b.js": "",
        "node_modules/bad/package.json": {"name": "bad", "exports": {".": "../outside.js", "./n": {"0": "./a.js"},
                                                                       "./nm": "./node_modules/x.js", "./dir/": "./dir/"}},
        "node_modules/bad/a.js": "",
        "node_modules/broken/package.json": '{"name": "broken", "main": "a.js",',
        "node_modules/broken/index.js": "",
        "node_modules/jsonc/package.json": '{"name": "jsonc", // comment\n "main": "a.js",}',
        "node_modules/jsonc/a.js": "",
    })
    r = Resolver(tmp_path)
    imp = tmp_path / "a.mjs"
    for _ in range(3):
        assert res(r, "mixed", imp).kind == "unresolved"
        assert res(r, "bad", imp).kind == "unresolved"
        assert res(r, "bad/n", imp).kind == "unresolved"
        assert res(r, "bad/nm", imp).kind == "unresolved"
    assert path_of(r, "broken", imp) == tmp_path / "node_modules" / "broken" / "index.js"  # read as {}
    assert path_of(r, "jsonc", imp) == tmp_path / "node_modules" / "jsonc" / "a.js"  # lenient read
    msgs = [str(p) for p in r.problems]
    assert len(msgs) == len(set(msgs)), msgs
    text = "\n".join(msgs)
    assert "mixes subpath keys" in text
    assert "../outside.js" in text
    assert "numeric key '0'" in text
    assert "node_modules/x.js" in text
    assert "folder mapping" in text
    broken = [p for p in r.problems if p.path and "broken" in str(p.path)]
    assert broken and broken[0].line is not None and broken[0].column is not None
    assert any("jsonc" in str(p.path) for p in r.problems)
    mixed = [p for p in r.problems if "mixes" in p.message][0]
    assert mixed.line == 3 and mixed.path == tmp_path / "node_modules" / "mixed" / "package.json"


# ----------------------------------------------------------------------------- tsconfig ---
def test_tsconfig_paths_baseurl_and_jsonc(tmp_path: Path) -> None:
    make(tmp_path, {
        "tsconfig.json": """{
          // comments and trailing commas are fine
          "compilerOptions": {
            "baseUrl": "./src",
            "paths": {
              "@/*": ["./*"],
              "@app/*": ["./app/*", "./fallback/*"],
              "@app/special/*": ["./special/*"],
              "exact": ["./exact/main.ts"],
              "react": ["../vendor/preact"],
            },
            "verbatimModuleSyntax": true,
            "moduleResolution": "Bundler",
            "customConditions": ["my-cond"],
          },
        }""",
        "src/util/x.ts": "", "src/app/a.ts": "", "src/fallback/b.ts": "", "src/special/s.ts": "",
        "src/exact/main.ts": "", "src/lone.ts": "", "vendor/preact/package.json": {"main": "dist/p.js"},
        "vendor/preact/dist/p.js": "",
        "node_modules/cc/package.json": {"name": "cc", "exports": {"my-cond": "./mine.js", "default": "./def.js"}},
        "node_modules/cc/mine.js": "", "node_modules/cc/def.js": "",
        "node_modules/lone/index.js": "",
    })
    r = Resolver(tmp_path)
    imp = tmp_path / "src" / "main.ts"
    s = tmp_path / "src"
    ts = r.tsconfig_for(imp)
    assert isinstance(ts, TsConfig) and ts.path == tmp_path / "tsconfig.json"
    assert ts.verbatim_module_syntax and ts.module_resolution == "bundler" and ts.base_url == s
    assert path_of(r, "@/util/x", imp) == s / "util" / "x.ts"
    assert path_of(r, "@/util/x.js", imp) == s / "util" / "x.ts"
    assert path_of(r, "@app/a", imp) == s / "app" / "a.ts"
    assert path_of(r, "@app/b", imp) == s / "fallback" / "b.ts"           # second fallback
    assert path_of(r, "@app/special/s", imp) == s / "special" / "s.ts"    # longest prefix
    assert path_of(r, "exact", imp) == s / "exact" / "main.ts"
    assert path_of(r, "react", imp) == tmp_path / "vendor" / "preact" / "dist" / "p.js"
    assert path_of(r, "lone", imp) == s / "lone.ts"                       # baseUrl before node_modules
    assert path_of(r, "cc", imp) == tmp_path / "node_modules" / "cc" / "mine.js"  # customConditions
    assert r.problems == []


def test_tsconfig_paths_without_baseurl_relative_to_defining_config(tmp_path: Path) -> None:
    make(tmp_path, {
        "configs/base.json": {"compilerOptions": {"paths": {"~/*": ["../src/*"]}, "allowJs": True}},
        "tsconfig.json": {"extends": "./configs/base.json", "compilerOptions": {"checkJs": True}},
        "src/m.js": "",
    })
    r = Resolver(tmp_path)
    ts = r.tsconfig_for(tmp_path / "src" / "a.ts")
    assert ts is not None and ts.allow_js and ts.check_js and ts.paths_base == tmp_path / "configs"
    assert ts.extends == (tmp_path / "configs" / "base.json",)
    assert path_of(r, "~/m", tmp_path / "src" / "a.ts") == tmp_path / "src" / "m.js"


def test_tsconfig_extends_package_array_and_configdir(tmp_path: Path) -> None:
    make(tmp_path, {
        "node_modules/@tsconfig/node20/package.json": {"name": "@tsconfig/node20"},
        "node_modules/@tsconfig/node20/tsconfig.json": {"compilerOptions": {"module": "node16", "moduleResolution": "node16",
                                                                             "outDir": "${configDir}/dist"}},
        "node_modules/shared-cfg/package.json": {"name": "shared-cfg", "tsconfig": "cfg/strict.json"},
        "node_modules/shared-cfg/cfg/strict.json": {"compilerOptions": {"verbatimModuleSyntax": True, "isolatedModules": True}},
        "node_modules/exp-cfg/package.json": {"name": "exp-cfg", "exports": {"./base": "./configs/base.json"}},
        "node_modules/exp-cfg/configs/base.json": {"compilerOptions": {"jsx": "react-jsx"}},
        "pkg/tsconfig.json": {"extends": ["@tsconfig/node20/tsconfig.json", "shared-cfg", "exp-cfg/base"],
                              "compilerOptions": {"moduleResolution": "NodeNext"}},
        "pkg/jsconfig.json": {"compilerOptions": {"allowJs": True}},
        "pkg/src/a.ts": "",
        "pkg2/tsconfig.json": {"extends": "@tsconfig/node20"},
    })
    r = Resolver(tmp_path)
    ts = r.tsconfig_for(tmp_path / "pkg" / "src" / "a.ts")
    assert ts is not None and ts.path == tmp_path / "pkg" / "tsconfig.json"   # tsconfig before jsconfig
    assert ts.module == "node16" and ts.module_resolution == "nodenext"
    assert ts.verbatim_module_syntax and ts.isolated_modules and ts.jsx == "react-jsx"
    assert ts.out_dir == tmp_path / "pkg" / "dist"                              # ${configDir} = leaf dir
    assert len(ts.extends) == 3
    ts2 = r.tsconfig_for(tmp_path / "pkg2" / "x.ts")
    assert ts2 is not None and ts2.module == "node16"                           # package dir -> tsconfig.json
    assert r.problems == []


def test_tsconfig_cycles_missing_and_truncated(tmp_path: Path) -> None:
    make(tmp_path, {
        "a/tsconfig.json": {"extends": "./b.json", "compilerOptions": {"verbatimModuleSyntax": True}},
        "a/b.json": {"extends": "./tsconfig.json", "compilerOptions": {"allowJs": True}},
        "m/tsconfig.json": {"extends": "@nope/cfg", "compilerOptions": {"allowJs": True}},
        "t/tsconfig.json": '{\n  "compilerOptions": {\n    "verbatimModuleSyntax": true,\n',
        "j/jsconfig.json": '{"compilerOptions": {"baseUrl": "."}}', "j/x.js": "",
        "self/tsconfig.json": {"extends": "./tsconfig.json"},
    })
    r = Resolver(tmp_path)
    a = r.tsconfig_for(tmp_path / "a" / "x.ts")
    assert a is not None and a.verbatim_module_syntax and a.allow_js
    m = r.tsconfig_for(tmp_path / "m" / "x.ts")
    assert m is not None and m.allow_js
    t = r.tsconfig_for(tmp_path / "t" / "x.ts")
    assert t is not None and not t.verbatim_module_syntax                     # defaults
    j = r.tsconfig_for(tmp_path / "j" / "y.js")
    assert j is not None and j.is_jsconfig and j.base_url == tmp_path / "j"
    assert path_of(r, "x", tmp_path / "j" / "y.js") == tmp_path / "j" / "x.js"
    assert r.tsconfig_for(tmp_path / "self" / "x.ts") is not None
    for _ in range(2):  # asking again reports nothing new
        r.tsconfig_for(tmp_path / "a" / "x.ts")
        r.tsconfig_for(tmp_path / "a" / "y.ts")
    msgs = [p.message for p in r.problems]
    assert len(msgs) == len(set(msgs))
    assert sum("cyclic" in m for m in msgs) == 2, msgs
    assert any("cannot find '@nope/cfg'" in m for m in msgs)
    trunc = [p for p in r.problems if p.path == tmp_path / "t" / "tsconfig.json"]
    assert len(trunc) == 1 and trunc[0].line == 4 and trunc[0].column is not None


def test_tsconfig_include_exclude_and_references(tmp_path: Path) -> None:
    make(tmp_path, {
        "tsconfig.json": {"files": [], "references": [{"path": "./tsconfig.app.json"}, {"path": "./tools"}]},
        "tsconfig.app.json": {"include": ["src"], "exclude": ["src/**/*.test.ts"], "compilerOptions": {"verbatimModuleSyntax": True}},
        "tools/tsconfig.json": {"include": ["*.ts"], "compilerOptions": {"allowJs": True}},
        "src/a.ts": "", "src/a.test.ts": "", "tools/build.ts": "", "other/z.ts": "",
        "node_modules/pkg/tsconfig.json": {"compilerOptions": {"allowJs": True}},
        "node_modules/pkg/lib/x.js": "",
    })
    r = Resolver(tmp_path)
    app = r.tsconfig_for(tmp_path / "src" / "a.ts")
    assert app is not None and app.path == tmp_path / "tsconfig.app.json" and app.verbatim_module_syntax
    t = r.tsconfig_for(tmp_path / "src" / "a.test.ts")
    assert t is not None and t.path == tmp_path / "tsconfig.json"                 # excluded -> nearest
    tools = r.tsconfig_for(tmp_path / "tools" / "build.ts")
    assert tools is not None and tools.path == tmp_path / "tools" / "tsconfig.json"
    other = r.tsconfig_for(tmp_path / "other" / "z.ts")
    assert other is not None and other.path == tmp_path / "tsconfig.json"
    inner = r.tsconfig_for(tmp_path / "node_modules" / "pkg" / "lib" / "x.js")
    assert inner is not None and inner.path == tmp_path / "node_modules" / "pkg" / "tsconfig.json"
    assert r.tsconfig_for(tmp_path / "node_modules" / "other" / "y.js") is None  # stops at the package


# ----------------------------------------------------------------------------- entries ---
def test_package_entries(tmp_path: Path) -> None:
    make(tmp_path, {
        "p/package.json": {
            "name": "p", "main": "./cjs/index.js", "module": "./esm/index.js",
            "bin": {"p": "./bin/cli.js", "p2": "./bin/missing.js"},
            "exports": {
                ".": {"types": "./index.d.ts", "import": "./esm/index.js", "require": "./cjs/index.js"},
                "./utils/*": "./esm/utils/*.js",
                "./utils/internal/*": None,
                "./browser": {"browser": "./web.js", "default": "./esm/node.js"},
                "./package.json": "./package.json",
            },
        },
        "p/index.d.ts": "", "p/esm/index.js": "", "p/cjs/index.js": "", "p/esm/utils/a.js": "",
        "p/esm/utils/deep/b.js": "", "p/esm/node.js": "", "p/web.js": "", "p/bin/cli.js": "",
        "q/package.json": {"name": "q", "bin": "run.js"}, "q/run.js": "", "q/index.js": "",
    })
    r = Resolver(tmp_path)
    p = tmp_path / "p"
    got = r.package_entries(p)
    assert got[:2] == [p / "esm" / "index.js", p / "esm" / "utils" / "a.js"]
    assert set(got) == {p / "esm" / "index.js", p / "cjs" / "index.js", p / "esm" / "utils" / "a.js",
                        p / "esm" / "utils" / "deep" / "b.js", p / "esm" / "node.js", p / "package.json",
                        p / "bin" / "cli.js"}
    assert p / "web.js" in Resolver(tmp_path, ["browser"]).package_entries(p)
    assert set(r.package_entries(tmp_path / "q")) == {tmp_path / "q" / "index.js", tmp_path / "q" / "run.js"}
    assert r.package_entries(tmp_path / "nothing") == []


# ----------------------------------------------------------------------------- caching ---
def test_invalidate(tmp_path: Path) -> None:
    make(tmp_path, {"src/main.ts": "", "tsconfig.json": {"compilerOptions": {"paths": {"@/*": ["./src/*"]}}}})
    r = Resolver(tmp_path)
    imp = tmp_path / "src" / "main.ts"
    assert res(r, "./b", imp).kind == "unresolved"
    (tmp_path / "src" / "b.ts").write_text("")
    assert res(r, "./b", imp).kind == "unresolved"   # cached
    r.invalidate(tmp_path / "src" / "b.ts")
    assert path_of(r, "./b", imp) == tmp_path / "src" / "b.ts"
    # deleting
    (tmp_path / "src" / "b.ts").unlink()
    r.invalidate(tmp_path / "src" / "b.ts")
    assert res(r, "./b", imp).kind == "unresolved"
    # a config change
    (tmp_path / "src" / "lib").mkdir()
    (tmp_path / "src" / "lib" / "x.ts").write_text("")
    r.invalidate(tmp_path / "src" / "lib")
    assert path_of(r, "@/lib/x", imp) == tmp_path / "src" / "lib" / "x.ts"
    (tmp_path / "tsconfig.json").write_text('{"compilerOptions": {"paths": {"~/*": ["./src/lib/*"],},},}')
    r.invalidate(tmp_path / "tsconfig.json")
    assert res(r, "@/lib/x", imp).kind == "unresolved"
    assert path_of(r, "~/x", imp) == tmp_path / "src" / "lib" / "x.ts"
    assert len(r.problems) == 0  # json5 accepts the trailing comma
    (tmp_path / "tsconfig.json").write_text('{"compilerOptions": ')
    r.invalidate(tmp_path / "tsconfig.json")
    assert res(r, "~/x", imp).kind == "unresolved" and len(r.problems) == 1
    (tmp_path / "tsconfig.json").write_text("{}")
    r.invalidate(tmp_path / "tsconfig.json")
    r.tsconfig_for(imp)
    assert r.problems == []
    # package.json changes
    (tmp_path / "package.json").write_text('{"type": "module"}')
    r.invalidate(tmp_path / "package.json")
    assert r.package_type(imp) == "module"
    (tmp_path / "package.json").write_text('{"type": "commonjs"}')
    r.invalidate(tmp_path / "package.json")
    assert r.package_type(imp) == "commonjs"
    r.invalidate(None)
    assert r.package_type(imp) == "commonjs"


def test_never_raises(tmp_path: Path) -> None:
    r = Resolver(tmp_path)
    for spec in ("\x00", "./\x00", "@", "@/", "//", "..", ".", "#", "#/", "node:", "a" * 5000, "./" + "a/" * 3000,
                 "file://%zz", "%", "@x/%"):
        x = r.resolve(spec, tmp_path / "a.ts", "import")
        assert isinstance(x, Resolution) and x.kind in ("file", "builtin", "unresolved", "ignored")
    assert r.resolve("x", Path("relative/importer.ts"), "require").kind == "unresolved"


def test_many_calls_are_fast(tmp_path: Path) -> None:
    files = {f"src/m{i}.ts": "" for i in range(200)}
    files["node_modules/big/package.json"] = {"name": "big", "exports": {"./*": "./lib/*.js"}}
    files.update({f"node_modules/big/lib/x{i}.js": "" for i in range(50)})
    make(tmp_path, files)
    r = Resolver(tmp_path)
    import time
    t = time.perf_counter()
    n = 0
    for i in range(200):
        imp = tmp_path / "src" / f"m{i}.ts"
        for j in range(0, 200, 4):
            assert r.resolve(f"./m{j}.js", imp, "import").kind == "file"
            n += 1
        for j in range(50):
            assert r.resolve(f"big/x{j}", imp, "import").kind == "file"
            n += 1
    dt = time.perf_counter() - t
    assert n == 20000
    assert dt < 5, dt


def test_invalidate_file_in_new_directory(tmp_path: Path) -> None:
    make(tmp_path, {"src/main.ts": ""})
    r = Resolver(tmp_path)
    imp = tmp_path / "src" / "main.ts"
    assert res(r, "./new/deeper/x", imp).kind == "unresolved"
    make(tmp_path, {"src/new/deeper/x.ts": ""})
    r.invalidate(tmp_path / "src" / "new" / "deeper" / "x.ts")  # only the file is reported
    assert path_of(r, "./new/deeper/x", imp) == tmp_path / "src" / "new" / "deeper" / "x.ts"


def test_invalidate_content_change_keeps_resolutions(tmp_path: Path) -> None:
    make(tmp_path, {"src/main.ts": "", "src/a.ts": ""})
    r = Resolver(tmp_path)
    imp = tmp_path / "src" / "main.ts"
    assert path_of(r, "./a", imp) == tmp_path / "src" / "a.ts"
    cached = len(r._res)
    (tmp_path / "src" / "a.ts").write_text("export const x = await 1")
    r.invalidate(tmp_path / "src" / "a.ts")
    assert len(r._res) == cached  # typing in a file costs no resolution work
    assert path_of(r, "./a", imp) == tmp_path / "src" / "a.ts"


def test_types_only_package_is_the_hosts(tmp_path: Path) -> None:
    # `vscode` (an extension host's API) and `@scope/api` exist only as declarations: not followed
    # (nothing to analyse), unlike a package that is simply missing
    make(tmp_path, {
        "node_modules/@types/vscode/index.d.ts": "declare module 'vscode' {}",
        "node_modules/@types/scope__api/index.d.ts": "export {}",
        "src/ext.ts": "",
    })
    r = Resolver(tmp_path)
    imp = tmp_path / "src" / "ext.ts"
    for spec, types in (("vscode", "vscode"), ("@scope/api", "scope__api")):
        got = res(r, spec, imp)
        assert got.kind == "ignored" and got.path is None, got
        assert f"node_modules/@types/{types}" in (got.message or "")
    assert res(r, "vscode-other", imp).kind == "unresolved"
    assert res(r, "@scope/other", imp).kind == "unresolved"


def test_a_yarn_plug_n_play_project_says_why_packages_are_not_found(workspace):
    root = workspace({
        "package.json": '{"name": "app", "type": "module", "packageManager": "yarn@4.5.0"}',
        ".pnp.cjs": "#!/usr/bin/env node\n/* eslint-disable */\nmodule.exports = {};\n",
        ".pnp.data.json": json.dumps({"packageRegistryData": [
            [None, [[None, {"packageLocation": "./", "packageDependencies": [["chalk", "npm:5.4.1"]]}]]],
            ["app", [["workspace:.", {"packageLocation": "./", "packageDependencies": [["chalk", "npm:5.4.1"]]}]]],
            ["chalk", [["npm:5.4.1", {"packageLocation": "./.yarn/cache/chalk-npm-5.4.1-1a2b.zip/node_modules/chalk/",
                                      "packageDependencies": []}]]]]}),
        ".pnp.loader.mjs": "export async function resolve() {}\n",
        ".yarn/releases/yarn-4.5.0.cjs": "module.exports = require('./x');\n",
        ".yarn/unplugged/esbuild/node_modules/esbuild/install.js": "await 1;\n",
        "src/main.js": "import chalk from 'chalk';\nexport const c = chalk;\n",
    })
    from tla_lens.config import Config
    from tla_lens.project import analyse

    project = analyse(root, Config(), cache=False)
    # Yarn's files are not the project's modules
    assert sorted(p.relative_to(root).as_posix() for p in project.modules) == ["src/main.js"]
    (edge,) = project.modules[root / "src/main.js"].edges
    # (read from the manifest: chalk is in Yarn's cache, a zip archive the install has not made)
    assert edge.target is None and "its Plug'n'Play folder .yarn/cache/chalk-npm-5.4.1-1a2b.zip" in edge.unresolved
    assert "run `yarn install`" in edge.unresolved


def test_link_outside_the_folder_says_so(tmp_path: Path) -> None:
    """`npm link` leaves a link to a folder outside the project: not read (nothing outside the
    folder analysed is), and the message says that rather than "no entry point"."""
    make(tmp_path, {"linked/package.json": {"name": "linked", "main": "main.js"}, "linked/main.js": "",
                    "app/src/a.js": "", "app/node_modules/empty/package.json": {"name": "empty"}})
    link(tmp_path, "app/node_modules/linked", str(tmp_path / "linked"))
    r = Resolver(tmp_path / "app")
    imp = tmp_path / "app" / "src" / "a.js"
    got = res(r, "linked", imp)
    assert got.kind == "unresolved"
    assert got.message == (f"package 'linked' (node_modules/linked) is a link to {tmp_path / 'linked'}, outside "
                           f"the folder analysed, which tla-lens does not read, imported from src/a.js")
    got = res(r, "empty", imp)
    assert got.kind == "unresolved" and "has no entry point" in got.message
