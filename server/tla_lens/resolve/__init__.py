"""resolve: maps an import specifier written in a file to a file (or says why not).

Public API (used by tla_lens.project; nothing here knows of LSP or of the module graph):

    resolver = Resolver(root, conditions=("browser",))
    res = resolver.resolve("./a.js", importer=Path("/abs/src/b.ts"), mode="import")
    res.kind in {"file", "builtin", "unresolved", "ignored", "required"}; res.path; res.message
        "file":       res.path is the realpath of an existing JS/TS module file
        "builtin":    node:fs, fs, fs/promises, bun:* ... (a hard list, see builtins.py)
        "ignored":    an existing non-module file (.json .css .svg .wasm .node .d.ts ...: res.path
                      set) or a URL import (http:, https:, data:: res.path None); res.message says why
        "unresolved": res.message is for humans ("cannot find module 'x' from src/a.ts")
        "required":   a webpack external the bundle loads with require() when it runs: res.path
                      is the module Node's require() finds; res.message says which external
    resolver.tsconfig_for(file) -> TsConfig | None   (.path, .verbatim_module_syntax, .paths, ...)
    resolver.package_type(file) -> "module" | "commonjs" | None   (nearest package.json "type")
    resolver.package_json_for(file) -> (dir, dict) | None
    resolver.package_entries(package_json_dir) -> list[Path]  (exports/main/module/bin files)
    resolver.problems -> list[Problem]  (bad tsconfig/package.json, each reported once)
    resolver.invalidate(path)           (a config or source file changed on disk; None = all)

The resolution rules and the places where they knowingly differ from Node are in the docstring
of tla_lens.resolve.resolver.
"""
from .builtins import NODE_BUILTINS, builtin_name
from .resolver import JS_EXTS, Resolution, Resolver
from .tsconfig import TsConfig

__all__ = ["Resolver", "Resolution", "TsConfig", "NODE_BUILTINS", "builtin_name", "JS_EXTS"]
