"""resolve: maps an import specifier written in a file to a file (or says why not).

Public API (used by tla_lens.project; nothing here knows of LSP or of the module graph):

    resolver = Resolver(root, conditions=("browser",))
    res = resolver.resolve("./a.js", importer=Path("/abs/src/b.ts"), mode="import")
    res.kind in {"file", "builtin", "unresolved", "ignored"}; res.path; res.message
    resolver.tsconfig_for(file) -> TsConfig | None   (.path, .verbatim_module_syntax, ...)
    resolver.package_type(file) -> "module" | "commonjs" | None   (nearest package.json "type")
    resolver.package_entries(package_json_dir) -> list[Path]  (exports/main/module/bin files)
    resolver.problems -> list[Problem]  (bad tsconfig/package.json, each reported once)
    resolver.invalidate(path)           (a config or source file changed on disk)
"""
