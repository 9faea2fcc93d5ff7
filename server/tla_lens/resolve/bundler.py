"""The `resolve.alias` of a project's Vite (or Vitest) or webpack (or rspack) configuration, read
without running it.

A bundler's configuration is a program; tla-lens never runs project code, so it reads the
configuration's syntax tree and takes the aliases whose values are written in the forms projects
use: string literals, `path.resolve(__dirname, 'src')` and `path.join(…)` (also with
`import.meta.dirname` or `process.cwd()`), `fileURLToPath(new URL('./src', import.meta.url))`,
`new URL(…).pathname`, `+` and template strings of those, and a top-level `const` holding one.
Only Node's own path functions count (bound by an import or require() of "path", "node:path",
"pathe" or "upath"): a project's function that happens to be called `resolve` is not guessed at.
A Vite alias whose `find` is a regular expression is translated to Python's re (`js_regex`; one
it cannot translate faithfully is not read). An alias written any other way (a function call of
the project's own) is kept with the reason it was not read: an import it would match is reported
as unresolved with that reason, and the user can declare the alias in tla-lens.json, whose
aliases come first. (A computed name, `[key]: …`, matches nothing known and is skipped.)

Vite: an object `{name: target}` or a list of `{find, replacement}`; a name matches the import
itself and what starts with "name/" (`@rollup/plugin-alias`); a target "/x" is tried in the
project root first, as Vite does, then as an absolute path. webpack (and rspack): an object
whose names may end in "$" (that import only) or hold one "*", targets absolute paths (or a list
of them) or package names, or `false` (the module is ignored: an empty module).

SvelteKit: a Vite configuration that calls the `sveltekit()` plugin (imported from
"@sveltejs/kit/vite") gets the aliases the plugin adds before the configuration's own, as
SvelteKit 2 computes them: `$app` (SvelteKit's runtime), `$lib` (`kit.files.lib`, by default
src/lib) and `kit.alias` ("name", "name/*", and "name" exact when "name/*" is there too), from
the plugin's argument (`sveltekit({alias, files})`) or else from svelte.config.js / .ts beside
it; `$env/…` and `$service-worker` are modules the plugin generates (plain exports): ignored.

webpack's `externals` (requests the bundle takes from outside): read where written as requests,
as regular expressions, or as webpack-node-externals' function (`nodeExternals({…})`: every
package in node_modules but those its `allowlist` names), with their type (the value's own,
`externalsType`, or webpack 5's default); those of an async type (`import`, `promise`,
`script`, `amd-async`, `module` for a script output) are async modules (BundlerExternal;
resolver.py names them), those of a `commonjs` type are loaded by `require()` when the bundle
runs (an ES module with top-level await there: ERR_REQUIRE_ASYNC_MODULE), and those of type
`module` in an ES module output are static imports of the bundle (it waits for them).
"""
from __future__ import annotations

import functools
import json
import os
import re
from dataclasses import dataclass
from typing import Callable, Iterable, Optional, Union

from ..syntax.facts import Dialect
from .computed import Computed, _text, _Unread, arguments_of

VITE = ("vite.config.ts", "vite.config.mts", "vite.config.js", "vite.config.mjs", "vite.config.cts",
        "vite.config.cjs",
        # Vitest's, when a folder has no Vite configuration (same resolve.alias)
        "vitest.config.ts", "vitest.config.mts", "vitest.config.js", "vitest.config.mjs")
WEBPACK = ("webpack.config.js", "webpack.config.mjs", "webpack.config.cjs", "webpack.config.ts",
           "rspack.config.js", "rspack.config.mjs", "rspack.config.cjs", "rspack.config.ts")
CONFIG_NAMES = VITE + WEBPACK
SVELTE_CONFIGS = ("svelte.config.js", "svelte.config.ts")  # (SvelteKit reads the first there is)
# the files whose change can change the aliases
ALIAS_FILES = frozenset(CONFIG_NAMES + SVELTE_CONFIGS)
_KIT_PLUGIN = "@sveltejs/kit/vite"
_KIT_GENERATED = "a module SvelteKit generates (plain exports, no top-level await)"
_PATH_MODULES = frozenset({"path", "node:path", "path/posix", "node:path/posix", "pathe", "upath"})
_PATH_FNS = ("resolve", "join", "dirname", "isAbsolute")


_WASM_PLUGIN = "vite-plugin-wasm"


@dataclass(frozen=True)
class BundlerAlias:
    name: str                     # as the resolver matches it ("@", "lib$", "@app/*")
    targets: tuple[str, ...]      # absolute paths or package names, tried in order
    line: int                     # 1-based, in the configuration file
    unread: Optional[str] = None  # why the target could not be read (then no targets; no
    #                               targets and nothing unread: `false`, the module is ignored)
    file: Optional[str] = None    # where it is declared, when not in the configuration read
    ignored: Optional[str] = None  # why a module it matches is ignored, when not for `false`
    # a regular expression's (JavaScript source, flags): ``name`` is its text, ``targets`` the
    # replacements (`$1`, `$&`, … as JavaScript's replace reads them)
    regex: Optional[tuple[str, str]] = None


@dataclass(frozen=True)
class BundlerEntry:
    """A module the bundler starts a build from."""
    request: str   # as written: a module request (webpack), a path (Vite: a module or an HTML page)
    base: str      # the absolute folder it is relative to (webpack's `context`, Vite's `root`)
    line: int      # 1-based, in the configuration file
    what: str      # "webpack entry", "Vite build input", "Vite library entry"


def _read_text(path: str) -> Optional[str]:
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return f.read()
    except OSError:
        return None


@dataclass(frozen=True)
class BundlerConfig:
    path: str
    aliases: tuple[BundlerAlias, ...]
    entries: tuple[BundlerEntry, ...] = ()
    # why the entries could not be read (then none are given)
    entries_unread: Optional[str] = None
    # webpack's resolve.modules, in order: absolute folders, or folder names looked for in the
    # importer's folder and its ancestors as node_modules is; () when not set
    modules: tuple[str, ...] = ()
    # webpack's experiments.asyncWebAssembly (or futureDefaults, which turns it on): a `.wasm`
    # module is an async module, and so is every module that imports it
    async_wasm: bool = False
    # webpack's `externals`, in the order webpack tries them: those written as requests (object
    # keys, strings) and the rules (regular expressions, webpack-node-externals)
    externals: tuple[Union[BundlerExternal, ExternalRule], ...] = ()
    # webpack's experiments.topLevelAwait as written: True, False, None (not set, or not a literal)
    tla_experiment: Optional[bool] = None

    def external(self, request: str, listdir: Optional[Callable[[str], Optional[Iterable[str]]]] = None,
                 read: Callable[[str], Optional[str]] = _read_text) -> Optional[BundlerExternal]:
        """The external ``request`` is, or None. ``listdir`` and ``read``: how to list a folder
        and read a file, for webpack-node-externals' rule (which looks at node_modules and
        package.json); without ``listdir`` its rule matches nothing."""
        for e in self.externals:
            if isinstance(e, ExternalRule):
                found = e.match(request, listdir, read)
                if found is not None:
                    return found
            elif e.request == request:
                return e
        return None


# webpack 5's external types that make the external an async module (ExternalModule's build:
# the bundle waits for an `import()`, a promise, a script tag or an AMD require); "module" only
# when the output is not ES modules (and "module-import", which is "module" for static imports)
ASYNC_EXTERNAL_TYPES = frozenset({"import", "promise", "script", "amd-async"})
# the types whose module is `require(name)` when the bundle runs (ExternalModule's source for
# CommonJS: `module.exports = require("name")`; node-commonjs through createRequire in an ES
# module output)
REQUIRE_EXTERNAL_TYPES = frozenset({"commonjs", "commonjs2", "commonjs-module", "commonjs-static", "node-commonjs"})
NODE_EXTERNALS = "webpack-node-externals"
NX_APP_PLUGIN = "NxAppWebpackPlugin"
WITH_NX = "withNx"  # (Nx's older `composePlugins(withNx(), …)`: the same, by the Nx target's options)
# what webpack-node-externals always leaves to webpack (Module Federation's container references)
_CONTAINER_REFERENCES = ("regex", "^webpack\\/container\\/reference\\/\x00")
# what a rule made by a function of `externals` says it is (its external's `via` starts so)
FUNCTION_RULE = "the function of `externals`"
# the types webpack reads from the start of an external's value ("import lodash")
_EXTERNAL_TYPES = frozenset({
    "var", "module", "assign", "this", "window", "self", "global", "commonjs", "commonjs-module",
    "commonjs2", "commonjs-static", "amd", "amd-require", "umd", "umd2", "jsonp", "system",
    "promise", "import", "module-import", "script", "node-commonjs", "asset", "css-import",
    "css-url", "amd-async"})


@dataclass(frozen=True)
class BundlerExternal:
    """A request webpack takes from outside the bundle (`externals`), not from node_modules."""
    request: str   # the import as written that it matches
    kind: str      # webpack's external type ("import", "var", "commonjs", "module", …)
    is_async: bool  # the external is an async module (and so is every module importing it)
    start: int     # byte span of its key in the configuration (a rule's: the rule)
    end: int
    line: int      # 1-based
    name: str = ""  # the request the bundle loads when it runs (a CommonJS type's: what it requires)
    via: str = ""   # a rule's: what matched it ("webpack-node-externals", "/^lodash/")

    @property
    def requires(self) -> bool:
        """Does the bundle load it with `require(name)` when it runs?"""
        return self.kind in REQUIRE_EXTERNAL_TYPES and bool(self.name)

    @property
    def imports(self) -> bool:
        """Does the bundle (an ES module) import it statically, `import … from "name"`, and so
        wait for it as any importer does?"""
        return self.kind == "module" and not self.is_async and bool(self.name)


@dataclass(frozen=True)
class ExternalRule:
    """An entry of webpack's `externals` that matches requests by a rule: a regular expression
    (the request is the external's name, its type the default), or webpack-node-externals'
    function (`nodeExternals(options)`, version 3: a request whose package is a folder of
    `modulesDir` and `additionalModuleDirs`, or a dependency in package.json with
    `modulesFromFile`, and that `allowlist` does not name, is an external "<importType>
    <request>")."""
    default: str         # the type of an external without one of its own
    module_output: bool  # (the output is ES modules: a `module` external is not async)
    start: int
    end: int
    line: int
    regex: Optional[tuple[str, str]] = None  # JavaScript (source, flags)
    import_type: str = "commonjs"
    modules_dirs: tuple[str, ...] = ()        # absolute folders listed (node externals)
    binary_dirs: tuple[str, ...] = (".bin",)
    # modulesFromFile: (package.json path, its sections read); None: the folders are listed
    from_file: Optional[tuple[str, tuple[str, ...]]] = None
    allowlist: tuple[tuple[str, str], ...] = ()  # ("string", s) or ("regex", "source\x00flags")
    absolute_paths: bool = False              # includeAbsolutePaths
    unread: Optional[str] = None              # why its options could not be read (then it matches nothing)
    # a function of the request (`({ request }, callback) => …`): the predicate of the requests
    # it makes externals (JSON [source, tree]: :func:`computed.predicate_matches`), and their type
    # ("" for the default)
    predicate: Optional[str] = None
    fn_type: str = ""
    # Nx keeping every package external (Node): NX_APP_PLUGIN or WITH_NX ("": not Nx's)
    nx_plugin: str = ""

    @property
    def via(self) -> str:
        if self.predicate is not None:
            return f"{FUNCTION_RULE} at line {self.line}"
        if self.nx_plugin:
            return self.nx_plugin
        return f"/{self.regex[0]}/{self.regex[1]}" if self.regex is not None else NODE_EXTERNALS

    def match(self, request: str, listdir, read) -> Optional[BundlerExternal]:
        if self.unread is not None:
            return None
        if self.predicate is not None:
            from .computed import predicate_matches

            if not predicate_matches(self.predicate, request):
                return None
            return _make_external(request, self.start, self.end, self.line,
                                  f"{self.fn_type} {request}" if self.fn_type else request, self.default,
                                  self.module_output, self.via)
        if self.regex is not None:
            pattern = _pattern(*self.regex)
            if pattern is None or pattern.search(request) is None:
                return None
            return _make_external(request, self.start, self.end, self.line, request, self.default,
                                  self.module_output, self.via)
        if listdir is None or not self._listed(_package_of(request, self.absolute_paths), listdir, read):
            return None
        for kind, value in self.allowlist:
            if kind == "string" and value == request:
                return None
            if kind == "regex":
                pattern = _pattern(*value.split("\x00", 1))
                if pattern is None or pattern.search(request):
                    return None
        return _make_external(request, self.start, self.end, self.line, f"{self.import_type} {request}",
                              self.default, self.module_output, self.via)

    def _listed(self, name: str, listdir, read) -> bool:
        if self.from_file is not None:
            text = read(self.from_file[0])
            return text is not None and name in _dependencies(text, self.from_file[1])
        scope, _, rest = name.partition("/")
        for d in self.modules_dirs:
            names = listdir(d)
            if not names:
                continue
            if rest and scope.startswith("@"):
                if scope in names and scope not in self.binary_dirs:
                    inner = listdir(os.path.join(d, scope))
                    if inner is not None and rest in inner:
                        return True
                    if inner is None and name == scope:  # pragma: no cover - (a file named @x)
                        return True
            elif name in names and name not in self.binary_dirs and not name.startswith("@"):
                return True  # (a scope's folder is listed by the packages in it)
        return False


@functools.lru_cache(maxsize=512)
def _pattern(source: str, flags: str) -> Optional["re.Pattern[str]"]:
    """A JavaScript regular expression of an external rule, in Python (None: not readable)."""
    try:
        return js_regex(source, flags)[0]
    except ValueError:
        return None


@functools.lru_cache(maxsize=16)
def _dependencies(text: str, sections: tuple[str, ...]) -> frozenset:
    """The package names in these sections of a package.json's text (modulesFromFile)."""
    try:
        manifest = json.loads(text)
    except ValueError:
        return frozenset()
    if not isinstance(manifest, dict):
        return frozenset()
    return frozenset(n for sec in sections if isinstance(manifest.get(sec), dict) for n in manifest[sec])


# webpack-node-externals' test for a scoped package name (anywhere in the request, as it does)
_SCOPED = re.compile(r"@[a-zA-Z0-9][\w\-.]+/[a-zA-Z0-9][\w\-.]+([a-zA-Z0-9./]+)?")


def _package_of(request: str, absolute_paths: bool) -> str:
    """webpack-node-externals' module name of a request."""
    if absolute_paths:
        request = re.sub(r"^.*?/node_modules/", "", request, count=1)
    if _SCOPED.search(request):
        return "/".join(request.split("/", 2)[:2])
    return request.split("/")[0]


def _make_external(request: str, start: int, end: int, line: int, spec: str, default: str,
                   module_output: bool, via: str = "") -> BundlerExternal:
    """The external webpack makes of the value ``spec`` ("commonjs lodash", "jQuery"): its type is
    the value's first word when that is a type, else ``default``; the name the rest, else all."""
    first, _, rest = spec.partition(" ")
    kind = first if rest and first in _EXTERNAL_TYPES else default
    name = rest if rest and first in _EXTERNAL_TYPES else spec
    if kind == "module-import":
        kind = "module"  # (for a static import: what ExternalModule makes of it)
    is_async = kind in ASYNC_EXTERNAL_TYPES or (kind == "module" and not module_output)
    return BundlerExternal(request, kind, is_async, start, end, line, name.strip(), via)


def find_config(folder: str, names=CONFIG_NAMES, is_file=os.path.isfile) -> Optional[str]:
    """The bundler configuration file in ``folder`` (Vite's before webpack's), or None."""
    for n in names:
        p = os.path.join(folder, n)
        if is_file(p):
            return p
    return None


def read_config(path: str, text: str, read: Callable[[str], Optional[str]] = _read_text,
                is_file: Callable[[str], bool] = os.path.isfile,
                is_dir: Callable[[str], bool] = os.path.isdir) -> BundlerConfig:
    """The aliases ``path`` (a Vite or webpack configuration with the source ``text``)
    declares. ``read``, ``is_file`` and ``is_dir``: how to look at the other files a SvelteKit
    project's aliases come from. Never raises: a file it cannot make sense of declares none."""
    try:
        reader = _Reader(path, text)
        aliases = tuple(reader.aliases(read, is_file, is_dir))
    except Exception:  # pragma: no cover - defensive: a strange file is no aliases
        return BundlerConfig(path, ())
    try:
        entries, unread = reader.entries()
    except Exception:  # pragma: no cover - defensive
        entries, unread = [], "the configuration could not be read"
    try:
        modules = reader.modules()
    except Exception:  # pragma: no cover - defensive
        modules = ()
    try:
        async_wasm = reader.async_wasm()
    except Exception:  # pragma: no cover - defensive
        async_wasm = False
    try:
        externals = tuple(reader.externals())
    except Exception:  # pragma: no cover - defensive
        externals = ()
    try:
        tla = reader.tla_experiment()
    except Exception:  # pragma: no cover - defensive
        tla = None
    return BundlerConfig(path, aliases, tuple(entries), unread, modules, async_wasm, externals, tla)


class _Reader(Computed):
    def __init__(self, path: str, text: str, read: Optional[Callable[[str], Optional[str]]] = None) -> None:
        from ..syntax.grammar import parser

        self.path = path
        self.read_file = read or _read_text  # (JSON files the configuration loads: Computed)
        self.dir = os.path.dirname(path)
        self.cwd = self.dir  # (what process.cwd() and path.resolve() start from)
        name = os.path.basename(path)
        self.vite = name in VITE
        dialect = Dialect.TS if name.endswith(("ts", "mts", "cts")) else Dialect.JS
        self.src = text.encode("utf-8", "surrogatepass")
        self.root = parser(dialect).parse(self.src).root_node
        self.consts: dict[str, object] = {}
        # callees that are Node's path functions: "path.resolve" -> "resolve", "join" -> "join"
        self.path_fns: dict[str, str] = {}
        # callees that are SvelteKit's Vite plugin: "sveltekit", "kit.sveltekit"
        self.kit_fns: set[str] = set()
        # callees that are vite-plugin-wasm's plugin (its default export)
        self.wasm_fns: set[str] = set()
        for stmt in self.root.named_children:
            self._path_bindings(stmt)
        for stmt in self.root.named_children:
            decl = stmt.child_by_field_name("declaration") if stmt.type == "export_statement" else stmt
            if decl is not None and decl.type == "lexical_declaration":
                for d in decl.named_children:
                    if d.type == "variable_declarator":
                        n, v = d.child_by_field_name("name"), d.child_by_field_name("value")
                        if n is not None and v is not None and n.type == "identifier":
                            self.consts[_text(n, self.src)] = v

    def _path_bindings(self, stmt) -> None:
        """Names a top-level import or require() of Node's path module binds."""

        def module(name: str) -> None:
            for f in _PATH_FNS:
                self.path_fns[f"{name}.{f}"] = f

        if stmt.type == "import_statement":
            source = stmt.child_by_field_name("source")
            if source is not None and self._string(source) == _KIT_PLUGIN:
                self._kit_bindings(stmt)
                return
            names = self.import_names(stmt)
            if names is None:
                return
            source_text, defaults, namespaces, named = names
            if source_text == _WASM_PLUGIN:
                self.wasm_fns.update(defaults)  # (its default export is the plugin)
            elif source_text in _PATH_MODULES:
                for name in (*defaults, *namespaces):
                    module(name)
                self.path_fns.update((local, name) for local, name in named.items() if name in _PATH_FNS)
            return
        for module_name, names, destructured in self.required_names(stmt):
            if module_name in _PATH_MODULES:
                for name in names:
                    module(name)
                self.path_fns.update((local, prop) for local, prop in destructured.items() if prop in _PATH_FNS)

    def import_names(self, stmt) -> Optional[tuple[str, list[str], list[str], dict[str, str]]]:
        """For an import statement: (its source, the local names of its default import and of
        its namespace import, {local name: imported name} of its named imports); None for
        another statement."""
        source = stmt.child_by_field_name("source") if stmt.type == "import_statement" else None
        if source is None:
            return None
        src = self.src
        defaults: list[str] = []
        namespaces: list[str] = []
        named: dict[str, str] = {}
        for clause in stmt.named_children:
            for c in clause.named_children if clause.type == "import_clause" else ():
                if c.type == "identifier":
                    defaults.append(_text(c, src))
                elif c.type == "namespace_import" and c.named_children:
                    namespaces.append(_text(c.named_children[-1], src))
                elif c.type == "named_imports":
                    for spec in c.named_children:
                        name = spec.child_by_field_name("name") if spec.type == "import_specifier" else None
                        if name is not None:
                            named[_text(spec.child_by_field_name("alias") or name, src)] = _text(name, src)
        return self._string(source), defaults, namespaces, named

    def required_names(self, stmt) -> list[tuple[str, list[str], dict[str, str]]]:
        """For a declaration: per `const x = require("module")` in it, (module, the name it binds
        to the whole module, {local name: property} of what `const { join, resolve: r } =
        require(…)` takes from it); [] for another statement."""
        if stmt.type not in ("lexical_declaration", "variable_declaration"):
            return []
        src = self.src
        out = []
        for d in stmt.named_children:
            if d.type != "variable_declarator":
                continue
            target, value = d.child_by_field_name("name"), self._unwrap(d.child_by_field_name("value"))
            module = self._required(value)
            if target is None or module is None:
                continue
            names = [_text(target, src)] if target.type == "identifier" else []
            destructured: dict[str, str] = {}
            for prop in target.named_children if target.type == "object_pattern" else ():
                if prop.type == "shorthand_property_identifier_pattern":
                    destructured[_text(prop, src)] = _text(prop, src)
                elif prop.type == "pair_pattern":
                    k, v = prop.child_by_field_name("key"), prop.child_by_field_name("value")
                    if k is not None and v is not None:
                        destructured[_text(v, src)] = _text(k, src)
            out.append((module, names, destructured))
        return out

    def literal_patterns(self, node, key: str, functions: bool = False) -> list[tuple[str, str]]:
        """A value written as a string, a regular expression or an array of them (Rollup's and
        Vite's `external`, Jest's `testMatch`/`testRegex`), strings computed from the package's
        manifest among them (:mod:`computed`): [("exact", text) | ("regex",
        "source\\x00flags")]; with ``functions``, a function of the import too: [("fn", JSON of
        [source, tree])]. Raises _Unread for anything else."""
        if node is None:
            return []
        whole = self._unwrap(node)
        if functions and whole is not None and (
                whole.type in ("arrow_function", "function_expression", "function")
                or whole.type == "identifier" and _text(whole, self.src) in self.functions):
            try:
                return [("fn", json.dumps(self.predicate(whole)))]
            except _Unread as e:
                raise _Unread(f"`{key}` is a function: {e}") from None
        items = whole.named_children if whole is not None and whole.type == "array" else [node]
        out = []
        for item in items:
            if item.type == "comment":
                continue
            if item.type == "spread_element" and item.named_children:
                out.extend(("exact", s) for s in self.string_list(item.named_children[0]))
                continue
            item = self._unwrap(item)
            if item is not None and item.type == "regex":
                regex, unread = self.regex(item)
                if unread is not None:
                    raise _Unread(f"its `{key}` has {unread}")
                out.append(("regex", "\x00".join(regex)))
            elif item is not None and item.type in ("string", "template_string"):
                out.append(("exact", self._eval(item)))
            elif item is not None and item.type in ("call_expression", "identifier", "new_expression"):
                try:
                    out.extend(("exact", s) for s in self.string_list(item))
                except _Unread as e:
                    raise _Unread(f"`{key}` (`{_text(item, self.src)[:40]}`) is not strings or regular "
                                  f"expressions: {e}") from None
            else:
                raise _Unread(f"`{key}` (`{_text(item, self.src)[:40] if item is not None else ''}`) is not "
                              f"strings or regular expressions")
        return out

    # -- where the aliases are -------------------------------------------------------------
    def _kit_bindings(self, stmt) -> None:
        src = self.src
        for clause in stmt.named_children:
            if clause.type != "import_clause":
                continue
            for c in clause.named_children:
                if c.type == "namespace_import" and c.named_children:
                    self.kit_fns.add(_text(c.named_children[-1], src) + ".sveltekit")
                elif c.type == "named_imports":
                    for spec in c.named_children:
                        name = spec.child_by_field_name("name")
                        if spec.type == "import_specifier" and name is not None and _text(name, src) == "sveltekit":
                            self.kit_fns.add(_text(spec.child_by_field_name("alias") or name, src))

    def aliases(self, read: Callable[[str], Optional[str]] = _read_text,
                is_file: Callable[[str], bool] = os.path.isfile,
                is_dir: Callable[[str], bool] = os.path.isdir) -> list[BundlerAlias]:
        out: list[BundlerAlias] = []
        seen: set[str] = set()
        if self.vite and self.kit_fns:
            # the plugin's aliases come before the configuration's (Vite puts a plugin's
            # `config()` result first)
            for a in self._kit_aliases(read, is_file, is_dir):
                if a.name not in seen:
                    seen.add(a.name)
                    out.append(a)
        stack = [self.root]
        while stack:
            node = stack.pop()
            shorthand = node.type == "shorthand_property_identifier" and _text(node, self.src) == "alias"
            if (shorthand or (node.type == "pair" and self._key(node) == "alias")) and self._inside_resolve(node):
                # `alias: {…}`, or `alias` alone naming a top-level constant
                value = self._unwrap(node if shorthand else node.child_by_field_name("value"))
                if shorthand and value is node:
                    continue
                for a in self._alias_value(value):
                    if a.name not in seen:  # (several configurations: the first one wins)
                        seen.add(a.name)
                        out.append(a)
                continue
            stack.extend(reversed(node.named_children))
        return out

    # -- entry points ----------------------------------------------------------------------
    def _configs(self) -> list:
        """The configuration objects: what ``export default`` or ``module.exports =`` gives,
        through ``defineConfig(…)`` and ``(env) => ({…})``; each object of an array (webpack's
        several configurations)."""
        out: list = []
        self._collect_configs(self._exported(), out, 0)
        return out

    def _exported(self):
        """What the file exports: ``export default …``, else the last ``module.exports = …``."""
        value = self._default_export()
        if value is None:
            for stmt in self.root.named_children:
                expr = stmt.named_children[0] if stmt.type == "expression_statement" and stmt.named_children else None
                if expr is not None and expr.type == "assignment_expression" and \
                        _text(expr.child_by_field_name("left"), self.src).replace(" ", "") == "module.exports":
                    value = self._unwrap(expr.child_by_field_name("right"))
        return value

    def _literal_options(self, call) -> dict:
        """The options object a call or `new` takes first, as literals (a value not written as
        one: ``_Unread``)."""
        argv = arguments_of(call)
        opts = self._unwrap(argv[0]) if argv else None
        options: dict = {}
        for pair in opts.named_children if opts is not None and opts.type == "object" else ():
            key = self._key(pair) if pair.type == "pair" else None
            if key is not None:
                try:
                    options[key] = self.literal(pair.child_by_field_name("value"))
                except _Unread:
                    options[key] = _Unread
        return options

    def _collect_configs(self, node, out: list, depth: int, env: Optional[dict] = None) -> None:
        node = self._unwrap(node)
        if node is None or depth > 8:
            return
        t = node.type
        if t == "object":
            out.append(node)
        elif t == "array":
            for item in node.named_children:
                self._collect_configs(item, out, depth + 1, env)
        elif t == "call_expression":  # defineConfig({…}), defineConfig(() => …)
            argv = arguments_of(node)
            if argv:
                self._collect_configs(argv[0], out, depth + 1, env)
        elif t == "ternary_expression":  # `command === "build" ? {…} : {…}`
            for branch in self._branches(node.child_by_field_name("condition"), node.child_by_field_name("consequence"),
                                         node.child_by_field_name("alternative"), env):
                self._collect_configs(branch, out, depth + 1, env)
        elif t in ("arrow_function", "function_expression", "function"):
            env = self._config_env(node)
            body = node.child_by_field_name("body")
            if body is not None and body.type == "statement_block":
                returned: list = []
                self._returns(body, env, returned)
                for value in returned:
                    self._collect_configs(value, out, depth + 1, env)
            else:
                self._collect_configs(body, out, depth + 1, env)

    # what `vite build` passes a configuration function (`defineConfig(({ command, mode }) => …)`)
    _VITE_BUILD_ENV = {"command": "build", "mode": "production"}

    def _config_env(self, fn) -> dict:
        """The strings a Vite configuration function's parameter gives for a build (`command`,
        `mode`: by name in an object pattern, or as `env.command` of a named parameter);
        none for webpack's (its `env` and `argv` come from the command line)."""
        if not self.vite:
            return {}
        params = fn.child_by_field_name("parameters")
        first = next((p for p in params.named_children if p.type != "comment"), None) if params is not None \
            else fn.child_by_field_name("parameter")
        if first is not None and first.type in ("required_parameter", "optional_parameter"):
            first = first.child_by_field_name("pattern")
        if first is None:
            return {}
        if first.type == "identifier":
            name = _text(first, self.src)
            return {f"{name}.{k}": v for k, v in self._VITE_BUILD_ENV.items()}
        env: dict = {}
        if first.type == "object_pattern":
            for c in first.named_children:
                if c.type == "shorthand_property_identifier_pattern" and _text(c, self.src) in self._VITE_BUILD_ENV:
                    env[_text(c, self.src)] = self._VITE_BUILD_ENV[_text(c, self.src)]
                elif c.type == "pair_pattern":
                    key, value = c.child_by_field_name("key"), c.child_by_field_name("value")
                    if key is not None and value is not None and value.type == "identifier" and \
                            _text(key, self.src) in self._VITE_BUILD_ENV:
                        env[_text(value, self.src)] = self._VITE_BUILD_ENV[_text(key, self.src)]
        return env

    def _branches(self, condition, yes, no, env: Optional[dict]) -> list:
        """The branch a condition takes where it reads (a string comparison of the function's
        names), else both."""
        try:
            return [yes if self.truth(condition, env) else no]
        except _Unread:
            return [yes, no]

    def _returns(self, node, env: Optional[dict], out: list) -> bool:
        """Add to ``out`` what the statement ``node`` (of a configuration function's body) may
        return — an `if` whose condition reads takes its branch, else both; not into nested
        functions. Returns whether it always returns."""
        t = node.type
        if t == "return_statement":
            if node.named_children:
                out.append(node.named_children[0])
            return True
        if t == "statement_block":
            for stmt in node.named_children:
                if self._returns(stmt, env, out):
                    return True
            return False
        if t == "if_statement":
            alt = node.child_by_field_name("alternative")
            alt = alt.named_children[0] if alt is not None and alt.named_children else None
            ends = [self._returns(branch, env, out) if branch is not None else False
                    for branch in self._branches(node.child_by_field_name("condition"),
                                                 node.child_by_field_name("consequence"), alt, env)]
            return all(ends)
        if t in ("function_declaration", "class_declaration", "lexical_declaration", "variable_declaration",
                 "expression_statement"):
            return False
        for c in node.named_children:  # (try, switch, loops: every return in them)
            if c.type not in ("arrow_function", "function_expression", "function", "class"):
                self._returns(c, env, out)
        return False

    def entries(self) -> tuple[list[BundlerEntry], Optional[str]]:
        """The modules the configuration builds from: webpack's `entry` (relative to its
        `context`; `./src` when there is none), Vite's `build.rollupOptions.input` and
        `build.lib.entry` (relative to its `root`), else the root's index.html when `root` is
        another folder (the index.html beside the configuration the project reads itself)."""
        out: list[BundlerEntry] = []
        for cfg in self._configs():
            try:
                if self.vite:
                    root_node = self._prop(cfg, "root")
                    base = os.path.normpath(os.path.join(self.dir, self._eval(root_node))) \
                        if root_node is not None else self.dir
                    build = self._prop(cfg, "build")
                    inputs = self._prop(self._prop(build, "rollupOptions"), "input")
                    lib = self._prop(self._prop(build, "lib"), "entry")
                    out += self._entry_values(inputs, base, "Vite build input")
                    out += self._entry_values(lib, base, "Vite library entry")
                    if inputs is None and lib is None and base != self.dir:
                        # Vite's default page is the root's index.html (the one beside the
                        # configuration the project finds itself)
                        out.append(BundlerEntry("index.html", base, root_node.start_point[0] + 1, "Vite build input"))
                else:
                    ctx = self._prop(cfg, "context")
                    base = os.path.normpath(os.path.join(self.dir, self._eval(ctx))) if ctx is not None else self.dir
                    entry = self._prop(cfg, "entry")
                    if entry is None:
                        out.append(BundlerEntry("./src", base, cfg.start_point[0] + 1, "webpack entry"))
                    else:
                        out += self._entry_values(entry, base, "webpack entry")
            except _Unread as e:
                return [], str(e)
        return out, None

    def modules(self) -> tuple[str, ...]:
        """webpack's `resolve.modules` of the first configuration that sets it (a path is made
        absolute from the configuration's folder; a bare name stays a folder name); () when
        none does, or when a value cannot be read (then webpack's default applies here)."""
        if self.vite:
            return ()
        for cfg in self._configs():
            value = self._prop(self._prop(cfg, "resolve"), "modules")
            if value is None:
                continue
            if value.type != "array":
                return ()
            out = []
            for item in value.named_children:
                if item.type == "comment":
                    continue
                try:
                    v = self._eval(item)
                except _Unread:
                    return ()
                out.append(os.path.normpath(v) if os.path.isabs(v) else v)
            return tuple(out)
        return ()

    def async_wasm(self) -> bool:
        """Does the bundler load `.wasm` modules asynchronously: webpack's
        `experiments.asyncWebAssembly` (or `experiments.futureDefaults`) set to true in the first
        configuration that sets either (a value that is not the literal `true`: not known to
        be on); Vite's `plugins` calling vite-plugin-wasm's plugin (the module it makes of a
        `.wasm` file has a top-level await)."""
        if self.vite:
            return bool(self.wasm_fns) and any(self._calls_of(self._prop(cfg, "plugins"), self.wasm_fns)
                                               for cfg in self._configs())
        for cfg in self._configs():
            experiments = self._prop(cfg, "experiments")
            if experiments is None:
                continue
            for key in ("asyncWebAssembly", "futureDefaults"):
                value = self._prop(experiments, key)
                if value is not None and value.type == "true":
                    return True
            return False
        return False

    def tla_experiment(self) -> Optional[bool]:
        """webpack's `experiments.topLevelAwait` in the first configuration that has
        `experiments`: True or False where written as a literal; None where it is not set, or
        not known (Vite's configuration: None)."""
        if self.vite:
            return None
        for cfg in self._configs():
            experiments = self._unwrap(self._prop(cfg, "experiments"))
            if experiments is None:
                continue
            if experiments.type != "object":
                return True  # (computed: not known to be off)
            value = self._unwrap(self._prop(experiments, "topLevelAwait"))
            if value is None:
                return None
            return value.type == "true" if value.type in ("true", "false") else True
        return None

    def externals(self) -> list[BundlerExternal]:
        """webpack's `externals` of the first configuration that sets them, where they are
        written as requests: an object `{request: value}` (a string value may start with its
        type, "import lodash"; an array value's first string does; `true`), a string, a regular
        expression, webpack-node-externals' `nodeExternals({…})`, or an array of those (in
        order). Other functions match what cannot be known without running them: not read. The type of a value without one is `externalsType`, else
        `output.library.type` when it is an external type, else "module-import" for an ES
        module output and "var" (webpack 5's defaults)."""
        if self.vite:
            return []
        compose = self._nx_compose()
        if compose is not None:
            # (withNx sets `output.libraryTarget` "commonjs" for Node, and `externals` over the
            # configuration's unless `mergeExternals`; what the functions after it do is not read)
            default = "commonjs" if compose[1].get("target") == "node" else "var"
            return self._nx_externals(compose, default, False, WITH_NX) or []
        for cfg in self._configs():
            value = self._prop(cfg, "externals")
            nx = self._nx_app_plugin(cfg)
            if value is None and nx is None:
                continue
            output = self._prop(cfg, "output")
            module_output = self._is_true(self._prop(output, "module")) or \
                self._is_true(self._prop(self._prop(cfg, "experiments"), "outputModule"))
            default = self._literal(self._prop(cfg, "externalsType"))
            if default is None:
                library = self._prop(output, "library")
                lib_type = self._literal(self._prop(library, "type")) or self._literal(self._prop(output, "libraryTarget"))
                if lib_type is None and nx is not None and nx[1].get("target") == "node":
                    lib_type = "commonjs"  # (the plugin's `output.libraryTarget` for Node)
                default = lib_type if lib_type in _EXTERNAL_TYPES else ("module-import" if module_output else "var")
            out: list = []
            if nx is not None:
                rules = self._nx_externals(nx, default, module_output)
                if rules is not None:
                    # (the plugin sets `externals`, over the configuration's unless `mergeExternals`)
                    if nx[1].get("mergeExternals") is not True:
                        return rules
                    out.extend(rules)
                if value is None:
                    return out
            items = value.named_children if value.type == "array" else [value]
            node_externals = None
            for item in items:
                if item.type == "spread_element" and item.named_children:
                    out.extend(self._computed_externals(item.named_children[0], default, module_output))
                    continue
                item = self._unwrap(item)
                if item is None:
                    continue
                if item.type == "regex":
                    regex, unread = self.regex(item)
                    out.append(ExternalRule(default, module_output, item.start_byte, item.end_byte,
                                            item.start_point[0] + 1, regex=regex, unread=unread))
                elif item.type == "call_expression":
                    if node_externals is None:
                        node_externals = self._bound_to(NODE_EXTERNALS)
                    fn = item.child_by_field_name("function")
                    if fn is not None and (_text(fn, self.src) in node_externals or self._requires(fn, NODE_EXTERNALS)):
                        out.append(self._node_externals(item, default, module_output))
                    else:
                        out.extend(self._computed_externals(item, default, module_output))
                elif item.type in ("arrow_function", "function_expression", "function") or (
                        item.type == "identifier" and _text(item, self.src) in self.functions):
                    out.extend(self._function_externals(item, default, module_output))
                elif item.type == "identifier":
                    out.extend(self._computed_externals(item, default, module_output))
                elif item.type == "string":
                    out.append(self._external(self._string(item), item, self._string(item), default, module_output))
                elif item.type == "object":
                    for pair in item.named_children:
                        if pair.type != "pair":
                            continue
                        key = self._key(pair)
                        if key is None:
                            continue
                        v = self._unwrap(pair.child_by_field_name("value"))
                        if v is not None and v.type == "array":
                            first = next((c for c in v.named_children if c.type != "comment"), None)
                            v = self._unwrap(first)
                        if v is not None and v.type == "string":
                            spec = self._string(v)
                        elif v is not None and v.type == "true":
                            spec = key
                        else:
                            spec = None  # (an object of per-type names: its type is the default)
                        out.append(self._external(key, pair.child_by_field_name("key"), spec or "", default,
                                                  module_output))
            return out
        return []

    def _function_externals(self, node, default: str, module_output: bool) -> list[ExternalRule]:
        """A function of `externals` (webpack 5's `({ request }, callback) => …`, webpack 4's
        `(context, request, callback)`, or an async function returning the value): each
        `if (condition) return callback(null, value)` (or `return value`) before the final
        `callback()` is a rule — the condition a predicate of the request, the value
        `"commonjs " + request` (a type and the request) or `request` (the default type). Any
        other form is a rule that matches nothing, with why."""
        fn = self._unwrap(node)
        if fn is not None and fn.type == "identifier":
            fn = self.functions.get(_text(fn, self.src), fn)
        line = fn.start_point[0] + 1 if fn is not None else node.start_point[0] + 1

        def rule(tree=None, kind: str = "", unread: Optional[str] = None) -> ExternalRule:
            # (an unread one keeps an empty predicate: it is still the function, matching nothing)
            return ExternalRule(default, module_output, node.start_byte, node.end_byte, line,
                                predicate=json.dumps([_text(fn, self.src), tree]) if tree is not None else "",
                                fn_type=kind, unread=unread)

        try:
            request, callback = self._external_params(fn)
            body = fn.child_by_field_name("body")
            if body is None or body.type != "statement_block":
                raise _Unread("its body is not a block of `if` statements")
            out: list[ExternalRule] = []
            for st in (c for c in body.named_children if c.type != "comment"):
                if st.type == "if_statement" and st.child_by_field_name("alternative") is None:
                    value = self._given(st.child_by_field_name("consequence"), callback)
                    if value is None:
                        raise _Unread(f"the `if` at line {st.start_point[0] + 1} does not give an external")
                    kind = self._external_kind(value, request)
                    tree = self._compile(st.child_by_field_name("condition"), request, {}, 0)
                    out.append(rule(tree, kind))
                    continue
                if self._gives_nothing(st, callback):
                    return out  # (the request is not an external)
                raise _Unread(f"the statement at line {st.start_point[0] + 1} is not an `if` giving an external")
            return out
        except _Unread as e:
            return [rule(unread=f"{FUNCTION_RULE} at line {line} is not read: {e}")]

    def _external_params(self, fn) -> tuple[str, Optional[str]]:
        """(the request's name, the callback's) of a function of `externals`."""
        if fn is None or fn.type not in ("arrow_function", "function_expression", "function", "function_declaration"):
            raise _Unread("it is not a function")
        params = fn.child_by_field_name("parameters")
        names = [p.child_by_field_name("pattern") or p if p.type in ("required_parameter", "optional_parameter")
                 else p for p in (params.named_children if params is not None else []) if p.type != "comment"]
        if names and names[0].type == "object_pattern":  # (webpack 5: `({ context, request }, callback)`)
            request = None
            for c in names[0].named_children:
                if c.type == "shorthand_property_identifier_pattern" and _text(c, self.src) == "request":
                    request = "request"
                elif c.type == "pair_pattern" and _text(c.child_by_field_name("key"), self.src) == "request" and \
                        c.child_by_field_name("value").type == "identifier":
                    request = _text(c.child_by_field_name("value"), self.src)
            callback = names[1] if len(names) > 1 else None
        elif len(names) >= 2 and names[1].type == "identifier":  # (webpack 4: `(context, request, callback)`)
            request, callback = _text(names[1], self.src), names[2] if len(names) > 2 else None
        else:
            raise _Unread("its parameters are not `({ request }, callback)` or `(context, request, callback)`")
        if request is None:
            raise _Unread("it does not take `request`")
        if callback is not None and callback.type != "identifier":
            raise _Unread("its callback is not a name")
        return request, _text(callback, self.src) if callback is not None else None

    def _given(self, node, callback: Optional[str]):
        """The value a branch gives: `callback(null, value)` or `return value` (alone, or the
        only statement of a block); None for anything else."""
        if node is not None and node.type == "statement_block":
            stmts = [c for c in node.named_children if c.type != "comment"]
            node = stmts[0] if len(stmts) == 1 else None
        if node is None:
            return None
        if node.type in ("return_statement", "expression_statement") and node.named_children:
            expr = self._unwrap_only(node.named_children[0])
            if expr is not None and expr.type == "call_expression" and callback is not None and \
                    _text(expr.child_by_field_name("function"), self.src) == callback:
                argv = arguments_of(expr)
                return argv[1] if len(argv) == 2 and argv[0].type == "null" else None
            return expr if node.type == "return_statement" and callback is None else None
        return None

    def _gives_nothing(self, node, callback: Optional[str]) -> bool:
        """`callback()` / `return callback()` / `return` / `return undefined`: not an external."""
        if node.type == "return_statement" and (not node.named_children or
                                                _text(node.named_children[0], self.src) == "undefined"):
            return True
        if node.type in ("return_statement", "expression_statement") and node.named_children and callback:
            expr = self._unwrap_only(node.named_children[0])
            return expr is not None and expr.type == "call_expression" and \
                _text(expr.child_by_field_name("function"), self.src) == callback and not arguments_of(expr)
        return False

    def _external_kind(self, value, request: str) -> str:
        """The type of the external a function gives: "commonjs" for `"commonjs " + request` (or
        its template), "" (the default) for `request` itself."""
        value = self._unwrap_only(value)
        if self._is_param(value, request):
            return ""
        prefix = None
        if value is not None and value.type == "binary_expression" and \
                _text(value.child_by_field_name("operator"), self.src) == "+" and \
                self._is_param(value.child_by_field_name("right"), request):
            prefix = self._eval(value.child_by_field_name("left"))
        elif value is not None and value.type == "template_string":
            parts = value.named_children
            if len(parts) == 2 and parts[0].type == "string_fragment" and parts[1].type == "template_substitution" \
                    and parts[1].named_children and self._is_param(parts[1].named_children[0], request):
                prefix = _text(parts[0], self.src)
        if prefix is None or not prefix.endswith(" ") or prefix.strip() not in _EXTERNAL_TYPES:
            raise _Unread(f"`{_text(value, self.src)[:60] if value is not None else ''}` is not "
                          "`\"<type> \" + request` or `request`")
        return prefix.strip()

    def _computed_externals(self, node, default: str, module_output: bool) -> list[BundlerExternal]:
        """Requests computed from the manifest (`Object.keys(pkg.dependencies)`, spread or not:
        :mod:`computed`); none where the value is not read."""
        try:
            names = self.string_list(node)
        except _Unread:
            return []
        return [self._external(n, node, n, default, module_output) for n in names]

    def _bound_to(self, module: str) -> set[str]:
        """The names a top-level `import x from "module"` or `const x = require("module")` binds."""
        names: set[str] = set()
        for stmt in self.root.named_children:
            imported = self.import_names(stmt)
            if imported is not None:
                if imported[0] == module:
                    names.update(imported[1])
                continue
            for required, bound, _ in self.required_names(stmt):
                if required == module:
                    names.update(bound)
        return names

    def _requires(self, node, module: str) -> bool:
        """Is ``node`` `require("module")`?"""
        return self._required(node) == module

    def _required(self, node) -> Optional[str]:
        """The module of ``node`` when it is `require("module")`; else None."""
        if node is None or node.type != "call_expression" or _text(node.child_by_field_name("function"), self.src) != "require":
            return None
        argv = arguments_of(node)
        return self._string(argv[0]) if len(argv) == 1 and argv[0].type == "string" else None

    def _nx_app_plugin(self, cfg):
        """(the `new NxAppWebpackPlugin({…})` among the configuration's `plugins`, its options as
        literals — a value not written as one is left out), or None."""
        plugins = self._unwrap(self._prop(cfg, "plugins"))
        if plugins is None or plugins.type != "array":
            return None
        for item in plugins.named_children:
            item = self._unwrap(item)
            ctor = item.child_by_field_name("constructor") if item is not None and item.type == "new_expression" \
                else None
            if ctor is None or _text(ctor, self.src).rsplit(".", 1)[-1] != NX_APP_PLUGIN:
                continue
            return item, self._literal_options(item)
        return None

    def _nx_compose(self):
        """Nx's older form, `module.exports = composePlugins(withNx({…}), …)`: (the withNx call,
        the options it configures webpack with — the Nx target's, `withNx`'s literal ones over
        them, `target` the target's or "web"), or None."""
        value = self._unwrap(self._exported())
        if value is None or value.type != "call_expression" or \
                _text(value.child_by_field_name("function"), self.src).rsplit(".", 1)[-1] != "composePlugins":
            return None
        call = next((a for a in map(self._unwrap, arguments_of(value)) if a is not None and a.type == "call_expression"
                     and _text(a.child_by_field_name("function"), self.src).rsplit(".", 1)[-1] == WITH_NX), None)
        if call is None:
            return None
        from .nx import webpack_target_options

        target = webpack_target_options(self.path, os.path.isfile, _read_text)
        if target is None:
            return None  # (run by something else than Nx's webpack executor: its options are not known)
        return call, {**target, **self._literal_options(call), "target": target.get("target") or "web"}

    def _nx_externals(self, nx, default: str, module_output: bool, who: str = NX_APP_PLUGIN) -> Optional[list]:
        """The externals Nx's NxAppWebpackPlugin sets (@nx/webpack 23): for `target: "node"` with
        `externalDependencies` "all" (its default), webpack-node-externals over the workspace's
        node_modules (the folder of nx.json), every package a `commonjs` external; a list of
        names, those; None where it sets none ("none", another target)."""
        node, options = nx
        where = (default, module_output, node.start_byte, node.end_byte, node.start_point[0] + 1)
        deps = options.get("externalDependencies", "all")
        if deps is _Unread or options.get("target") is _Unread:
            return [ExternalRule(*where, unread=f"{who}'s `target` or `externalDependencies` is not "
                                                "written as a literal")]
        if isinstance(deps, list) and all(isinstance(d, str) for d in deps):
            return [_make_external(d, *where[2:], f"commonjs {d}", default, module_output, who)
                    for d in deps]
        if deps != "all" or options.get("target") != "node":
            return None
        from .nx import workspace_root

        root = workspace_root(self.dir, os.path.isfile, os.path.abspath(os.sep)) or self.dir
        return [ExternalRule(*where, import_type="commonjs", modules_dirs=(os.path.join(root, "node_modules"),),
                             allowlist=(_CONTAINER_REFERENCES,), nx_plugin=who)]

    def _node_externals(self, call, default: str, module_output: bool) -> ExternalRule:
        """webpack-node-externals' `nodeExternals(options)`, its options read as it reads them
        (version 3); an option written as anything but literals leaves the rule unread."""
        where = (default, module_output, call.start_byte, call.end_byte, call.start_point[0] + 1)
        argv = arguments_of(call)
        opts = self._unwrap(argv[0]) if argv else None
        fields: dict[str, object] = {}
        if opts is not None:
            if opts.type != "object":
                return ExternalRule(*where, unread="its options are not an object literal")
            for pair in opts.named_children:
                if pair.type == "comment":
                    continue
                key = self._key(pair) if pair.type == "pair" else None
                if key is None:
                    return ExternalRule(*where, unread=f"`{_text(pair, self.src)}` in its options is not read")
                fields[key] = self._unwrap(pair.child_by_field_name("value"))

        def strings(key: str, default_value: tuple[str, ...]) -> tuple[str, ...]:
            v = fields.get(key)
            if v is None:
                return default_value
            items = v.named_children if v.type == "array" else [v]  # type: ignore[attr-defined]
            items = [self._unwrap(i) for i in items if i.type != "comment"]
            if not all(i is not None and i.type == "string" for i in items):
                raise _Unread(f"its `{key}` is not a list of strings")
            return tuple(self._string(i) for i in items)

        try:
            import_type = strings("importType", ("commonjs",))
            if len(import_type) != 1:
                raise _Unread("its `importType` is not a string")
            modules_dir = strings("modulesDir", ("node_modules",))
            if len(modules_dir) != 1:
                raise _Unread("its `modulesDir` is not a string")
            dirs = modules_dir + strings("additionalModuleDirs", ())
            binary = strings("binaryDirs", (".bin",))
            allow: list[tuple[str, str]] = [_CONTAINER_REFERENCES]
            v = fields.get("allowlist")
            for item in (v.named_children if v is not None and v.type == "array" else [v] if v is not None else []):  # type: ignore[attr-defined]
                item = self._unwrap(item)
                if item is None or item.type == "comment":
                    continue
                if item.type == "string":
                    allow.append(("string", self._string(item)))
                elif item.type == "regex":
                    regex, unread = self.regex(item)
                    if unread is not None:
                        raise _Unread(f"its `allowlist` has {unread}")
                    allow.append(("regex", "\x00".join(regex)))
                else:
                    raise _Unread(f"`{_text(item, self.src)}` in its `allowlist` is not read")
            from_file = None
            mff = fields.get("modulesFromFile")
            if mff is not None and mff.type != "false":  # type: ignore[attr-defined]
                sections = ("dependencies", "devDependencies", "peerDependencies", "optionalDependencies")
                name = "package.json"
                if mff.type == "object":  # type: ignore[attr-defined]
                    sub = {self._key(p): self._unwrap(p.child_by_field_name("value"))
                           for p in mff.named_children if p.type == "pair"}  # type: ignore[attr-defined]
                    for k, n in sub.items():
                        if k not in ("fileName", "include", "exclude", "includeInBundle", "excludeFromBundle"):
                            raise _Unread(f"`modulesFromFile.{k}` is not read")
                        if n is None or (n.type != "string" and n.type != "array"):
                            raise _Unread(f"`modulesFromFile.{k}` is not a literal")
                    fields.update({f"mff.{k}": n for k, n in sub.items()})
                    name = strings("mff.fileName", (name,))[0]
                    excluded = strings("mff.include", ()) or strings("mff.excludeFromBundle", ())
                    included = strings("mff.exclude", ()) or strings("mff.includeInBundle", ())
                    if excluded:
                        sections = excluded
                    sections = tuple(x for x in sections if x not in included)
                elif mff.type != "true":  # type: ignore[attr-defined]
                    raise _Unread("its `modulesFromFile` is not a literal")
                from_file = (os.path.join(self.dir, name), sections)
            absolute = fields.get("includeAbsolutePaths")
            if absolute is not None and absolute.type not in ("true", "false"):  # type: ignore[attr-defined]
                raise _Unread("its `includeAbsolutePaths` is not a literal")
            known = {"importType", "modulesDir", "additionalModuleDirs", "binaryDirs", "allowlist",
                     "modulesFromFile", "includeAbsolutePaths"}
            other = sorted(k for k in fields if k not in known and not k.startswith("mff."))
            if other:
                raise _Unread(f"its option `{other[0]}` is not read")
        except _Unread as e:
            return ExternalRule(*where, unread=str(e))
        # (webpack-node-externals lists its folders relative to the working folder: webpack is
        # run from the configuration's)
        return ExternalRule(*where, import_type=import_type[0],
                            modules_dirs=tuple(os.path.join(self.dir, d) for d in dirs), binary_dirs=binary,
                            from_file=from_file, allowlist=tuple(allow),
                            absolute_paths=absolute is not None and absolute.type == "true")  # type: ignore[attr-defined]

    def _external(self, request: str, node, spec: str, default: str, module_output: bool) -> BundlerExternal:
        return _make_external(request, node.start_byte, node.end_byte, node.start_point[0] + 1, spec, default,
                              module_output)

    def regex(self, node) -> tuple[tuple[str, str], Optional[str]]:
        """A regular expression literal's (JavaScript source, flags), and why Python's re cannot
        read it the same way (None: it can)."""
        pattern, flags = node.child_by_field_name("pattern"), node.child_by_field_name("flags")
        regex = (_text(pattern, self.src) if pattern is not None else "",
                 _text(flags, self.src) if flags is not None else "")
        try:
            js_regex(*regex)
        except ValueError as e:
            return regex, str(e)
        return regex, None

    def _is_true(self, node) -> bool:
        return node is not None and node.type == "true"

    def _literal(self, node) -> Optional[str]:
        return self._string(node) if node is not None and node.type == "string" else None

    def _entry_values(self, node, base: str, what: str, depth: int = 0) -> list[BundlerEntry]:
        node = self._unwrap(node)
        if node is None or depth > 4:
            return []
        if node.type == "array":
            return [e for item in node.named_children if item.type != "comment"
                    for e in self._entry_values(item, base, what, depth + 1)]
        if node.type == "object":
            if what == "webpack entry" and depth > 0:  # a descriptor: {import: …, dependOn: …}
                return self._entry_values(self._prop(node, "import"), base, what, depth + 1)
            out = []
            for pair in node.named_children:
                if pair.type == "pair":
                    out += self._entry_values(pair.child_by_field_name("value"), base, what, depth + 1)
                elif pair.type == "spread_element":
                    raise _Unread(f"`{_text(pair, self.src)[:60]}` is not a value tla-lens reads without "
                                  f"running the configuration")
            return out
        return [BundlerEntry(self._eval(node), base, node.start_point[0] + 1, what)]

    # -- SvelteKit -------------------------------------------------------------------------
    def _kit_call(self):
        """The first call of SvelteKit's plugin (None: the configuration does not use it)."""
        stack = [self.root]
        while stack:
            node = stack.pop()
            if node.type == "call_expression":
                fn = node.child_by_field_name("function")
                if fn is not None and _text(fn, self.src).replace(" ", "") in self.kit_fns:
                    return node
            stack.extend(reversed(node.named_children))
        return None

    def _kit_aliases(self, read, is_file, is_dir) -> list[BundlerAlias]:
        call = self._kit_call()
        if call is None:
            return []
        line = call.start_point[0] + 1
        argv = arguments_of(call)
        reader, kit = self, None
        if argv:  # options given to the plugin (SvelteKit's at the top): svelte.config.* is not read
            kit = self._unwrap(argv[0])
        else:
            conf = find_config(self.dir, SVELTE_CONFIGS, is_file)
            text = read(conf) if conf is not None else None
            if text is not None:
                reader = _Reader(conf, text)
                kit = reader._prop(reader._default_export(), "kit")
        out = [self._kit_runtime(line, is_dir)]
        out += reader._kit_config(kit)
        out += [BundlerAlias("$env/*", (), line, ignored=_KIT_GENERATED),
                BundlerAlias("$service-worker$", (), line, ignored=_KIT_GENERATED)]
        return out

    def _kit_runtime(self, line: int, is_dir) -> BundlerAlias:
        """`$app`: the app folder of SvelteKit's runtime, where Node finds the package."""
        d = self.dir
        while True:
            app = os.path.join(d, "node_modules", "@sveltejs", "kit", "src", "runtime", "app")
            if is_dir(app):
                return BundlerAlias("$app", (os.path.realpath(app),), line)
            parent = os.path.dirname(d)
            if parent == d:
                return BundlerAlias("$app", (), line, "@sveltejs/kit is not installed")
            d = parent

    def _kit_config(self, kit) -> list[BundlerAlias]:
        """`$lib` and `kit.alias` of the options ``kit`` (this reader's syntax tree)."""
        files = self._prop(kit, "files")
        line = (kit.start_point[0] + 1) if kit is not None else 1
        where = self.path if kit is not None else None
        out: list[BundlerAlias] = []
        try:
            lib_node, src_node = self._prop(files, "lib"), self._prop(files, "src")
            if lib_node is not None:
                lib = self._eval(lib_node)
            else:
                lib = os.path.join(self._eval(src_node) if src_node is not None else "src", "lib")
            out.append(BundlerAlias("$lib", (os.path.normpath(os.path.join(self.dir, lib)),), line, file=where))
        except _Unread as e:
            out.append(BundlerAlias("$lib", (), line, str(e), file=where))
        alias = self._prop(kit, "alias")
        if alias is None or alias.type != "object":
            return out
        pairs = [(self._key(p), p) for p in alias.named_children if p.type == "pair"]
        names = {k for k, _ in pairs if k}
        for key, pair in pairs:
            if not key:
                continue
            at = pair.start_point[0] + 1
            try:
                value = self._eval(pair.child_by_field_name("value")).replace("\\", "/")
            except _Unread as e:
                out.append(BundlerAlias(key, (), at, str(e), file=self.path))
                continue
            if value.endswith("/*"):
                value = value[:-2]
            target = os.path.normpath(os.path.join(self.dir, value))
            if key.endswith("/*"):  # `^key/(.+)$`
                out.append(BundlerAlias(key, (target + "/*",), at, file=self.path))
            elif key + "/*" in names:  # that import only
                out.append(BundlerAlias(key + "$", (target,), at, file=self.path))
            else:
                out.append(BundlerAlias(key, (target,), at, file=self.path))
        return out

    def _default_export(self):
        for stmt in self.root.named_children:
            if stmt.type == "export_statement" and any(c.type == "default" for c in stmt.children):
                value = stmt.child_by_field_name("value")
                if value is None:
                    value = next((c for c in stmt.named_children if c.type not in ("comment", "decorator")), None)
                return self._unwrap(value)
        return None

    def _prop(self, obj, name: str):
        """The value of the property ``name`` of the object literal ``obj`` (or of the object
        a call such as ``defineConfig({…})`` is given), unwrapped; None when not there."""
        obj = self._unwrap(obj)
        if obj is not None and obj.type == "call_expression":
            argv = arguments_of(obj)
            obj = self._unwrap(argv[0]) if argv else None
        if obj is None or obj.type != "object":
            return None
        found = None
        for pair in obj.named_children:
            if pair.type == "pair" and self._key(pair) == name:
                found = self._unwrap(pair.child_by_field_name("value"))
            elif pair.type == "shorthand_property_identifier" and _text(pair, self.src) == name:
                found = self._unwrap(pair)
                if found is pair:
                    found = None
        return found

    def _key(self, pair) -> Optional[str]:
        k = pair.child_by_field_name("key")
        if k is None:
            return None
        if k.type in ("property_identifier", "identifier"):
            return _text(k, self.src)
        if k.type == "string":
            return self._string(k)
        return None

    def _inside_resolve(self, pair) -> bool:
        obj = pair.parent
        outer = obj.parent if obj is not None else None
        return outer is not None and outer.type == "pair" and self._key(outer) == "resolve"

    def _unwrap(self, node, depth: int = 0):
        while node is not None and node.type in ("parenthesized_expression", "as_expression",
                                                 "satisfies_expression", "non_null_expression"):
            node = node.named_children[0] if node.named_children else None
        if node is not None and node.type in ("identifier", "shorthand_property_identifier") \
                and _text(node, self.src) in self.consts and depth < 20:
            return self._unwrap(self.consts[_text(node, self.src)], depth + 1)
        return node

    def _alias_value(self, value, depth: int = 0) -> list[BundlerAlias]:
        if value is None or depth > 20:
            return []
        if value.type == "object":
            out = []
            for pair in value.named_children:
                if pair.type == "spread_element" and pair.named_children:
                    # `...common` (a top-level constant object): its aliases, in place
                    spread = self._unwrap(pair.named_children[0])
                    if spread is not None and spread.type == "object" and spread is not value:
                        out.extend(self._alias_value(spread, depth + 1))
                    continue
                if pair.type != "pair":
                    continue
                name = self._key(pair)
                line = pair.start_point[0] + 1
                if name is None:
                    continue  # a computed name: nothing to match against
                out.extend(self._alias(name, pair.child_by_field_name("value"), line))
            return out
        if value.type == "array":
            out = []
            for item in value.named_children:
                item = self._unwrap(item)
                if item is None or item.type != "object":
                    continue
                fields = {self._key(p): p.child_by_field_name("value") for p in item.named_children
                          if p.type == "pair"}
                line = item.start_point[0] + 1
                find = self._unwrap(fields.get("find" if self.vite else "name"))
                target = fields.get("replacement" if self.vite else "alias")
                if find is None:
                    continue
                if find.type == "regex":
                    out.append(self._regex_alias(find, target, line))
                    continue
                try:
                    name = self._eval(find)
                except _Unread:
                    continue
                if not self.vite and fields.get("onlyModule") is not None \
                        and _text(fields["onlyModule"], self.src) == "true":
                    name += "$"
                out.extend(self._alias(name, target, line))
            return out
        return []

    def _regex_alias(self, find, target, line: int) -> BundlerAlias:
        """`{find: /re/, replacement}` (Vite): the part of an import the expression matches is
        replaced, as JavaScript's String.prototype.replace does, and the result resolved."""
        name = _text(find, self.src)
        regex, unread = self.regex(find)
        if unread is not None:
            return BundlerAlias(name, (), line, unread, regex=regex)
        value = self._unwrap(target)
        try:
            repl = self._eval(value)
        except _Unread as e:
            return BundlerAlias(name, (), line, str(e), regex=regex)
        targets = [repl]
        if value is not None and value.type == "string" and repl.startswith("/") and not repl.startswith("//"):
            targets.insert(0, os.path.join(self.dir, repl.lstrip("/")))  # (Vite: from the root first)
        return BundlerAlias(name, tuple(targets), line, regex=regex)

    def _alias(self, name: str, value, line: int) -> list[BundlerAlias]:
        if not name:
            return []
        if self.vite and (name.endswith("$") or "*" in name):
            # plain text for Vite (matching only imports written with that "$" or "*", which
            # no one writes); they mean something else to the resolver: left out
            return []
        value = self._unwrap(value)
        if value is not None and value.type == "false":
            # webpack: the module is ignored (an empty module); Vite has no such value
            return [] if self.vite else [BundlerAlias(name, (), line)]
        nodes = value.named_children if value is not None and value.type == "array" else [value]
        try:
            # (a string written as such: Vite takes "/src" from the project root first)
            targets = [(self._eval(v), (self._unwrap(v) or v).type == "string") for v in nodes]
        except _Unread as e:
            return [BundlerAlias(name, (), line, str(e))]
        out: list[str] = []
        for t, literal in targets:
            if not t:
                continue
            if self.vite and literal and t.startswith("/") and not t.startswith("//"):
                out.append(os.path.normpath(os.path.join(self.dir, t.lstrip("/"))))  # root-relative first
            if os.path.isabs(t):
                out.append(os.path.normpath(t))
            elif t.startswith("."):
                out.append(os.path.normpath(os.path.join(self.dir, t)))
            else:
                out.append(t)
        return [BundlerAlias(name, tuple(dict.fromkeys(out)), line)] if out else []

    # -- values ---------------------------------------------------------------------------
    def _eval(self, node, depth: int = 0) -> str:
        node = self._unwrap(node)
        if node is None or depth > 20:
            raise _Unread("no value")
        t = node.type
        src = self.src
        if t == "string":
            return self._string(node)
        if t == "template_string":
            parts = []
            for c in node.named_children:
                if c.type == "string_fragment":
                    parts.append(_text(c, src))
                elif c.type == "template_substitution" and c.named_children:
                    parts.append(self._eval(c.named_children[0], depth + 1))
                elif c.type == "escape_sequence":
                    parts.append(_unescape(_text(c, src)))
            return "".join(parts)
        if t == "binary_expression" and _text(node.child_by_field_name("operator"), src) == "+":
            return self._eval(node.child_by_field_name("left"), depth + 1) + \
                self._eval(node.child_by_field_name("right"), depth + 1)
        if t == "identifier" and _text(node, src) == "__dirname":
            return self.dir
        if t == "member_expression":
            whole = _text(node, src)
            if whole in ("import.meta.dirname", "__dirname"):
                return self.dir
            if node.child_by_field_name("property") is not None and \
                    _text(node.child_by_field_name("property"), src) == "pathname":
                return self._url(node.child_by_field_name("object"), depth)
        if t == "call_expression":
            fn = _text(node.child_by_field_name("function"), src)
            argv = arguments_of(node)
            short = self.path_fns.get(fn.replace(".posix.", ".").replace(" ", ""), "")
            if fn in ("process.cwd",):
                return self.cwd
            if short in ("resolve", "join"):
                return self._joined(short, [self._eval(a, depth + 1) for a in argv])
            if short == "dirname" and len(argv) == 1:
                inner = self._unwrap(argv[0])
                if inner is not None and _text(inner, src) in ("__filename", "import.meta.filename") or \
                        (inner is not None and inner.type == "call_expression"
                         and _text(inner, src).replace(" ", "") in ("fileURLToPath(import.meta.url)",
                                                                    "url.fileURLToPath(import.meta.url)")):
                    return self.dir
                return os.path.dirname(self._eval(argv[0], depth + 1))
            if fn.rsplit(".", 1)[-1] == "fileURLToPath" and len(argv) == 1:
                return self._url(argv[0], depth)
        if t == "identifier" and _text(node, src) == "__filename":
            return self.path
        raise _Unread(f"`{_text(node, src)[:60]}` is not a value tla-lens reads without running the configuration")

    def _joined(self, short: str, parts: list[str]) -> str:
        """`path.join(…parts)`, or `path.resolve(…parts)` from the working folder."""
        if short == "resolve":
            return os.path.normpath(os.path.join(self.cwd, *parts))
        return os.path.normpath(os.path.join(*parts)) if parts else "."

    def _url(self, node, depth: int) -> str:
        """``new URL('./src', import.meta.url)`` as a path."""
        node = self._unwrap(node)
        if node is not None and node.type == "new_expression" and \
                _text(node.child_by_field_name("constructor"), self.src) == "URL":
            argv = arguments_of(node)
            if len(argv) == 2 and _text(argv[1], self.src) == "import.meta.url":
                rel = self._eval(argv[0], depth + 1)
                from urllib.parse import unquote
                return os.path.normpath(os.path.join(self.dir, unquote(rel)))
        raise _Unread(f"`{_text(node, self.src)[:60] if node is not None else ''}` is not a value "
                      f"tla-lens reads without running the configuration")

    def _string(self, node) -> str:
        parts = []
        for c in node.named_children:
            if c.type == "string_fragment":
                parts.append(_text(c, self.src))
            elif c.type == "escape_sequence":
                parts.append(_unescape(_text(c, self.src)))
        return "".join(parts)


# -- JavaScript regular expressions, in Python's re ---------------------------------------------

_JS_FLAGS = {"i": re.IGNORECASE, "m": re.MULTILINE, "s": re.DOTALL, "g": 0, "u": 0, "d": 0, "y": 0}


def js_regex(source: str, flags: str, lenient: bool = False) -> tuple["re.Pattern[str]", bool]:
    r"""A JavaScript regular expression (``/source/flags``) as a Python pattern that matches the
    same import specifiers, and whether it is global (`g`: every match replaced). Raises
    ValueError saying why when Python cannot read it the same way. Translated: named groups
    and their references, `\/`, `[^]`; classes like `\d`/`\w` match ASCII only, as in
    JavaScript (re.ASCII); `$` matches only at the end; `y` (sticky: at the start only, in a
    replace). ``lenient``: flags it does not read are left out (to tell which imports an alias
    it cannot read would have matched)."""
    bad = sorted(set(flags) - set(_JS_FLAGS)) + (["y"] if "y" in flags and "g" in flags else [])
    if bad:
        if not lenient:
            raise ValueError(f"the flag {bad[0]!r} of the regular expression /{source}/{flags} is not read")
        flags = "".join(f for f in flags if f in _JS_FLAGS and f not in bad)
    out: list[str] = []
    i, n = 0, len(source)
    in_class = False
    while i < n:
        c = source[i]
        if c == "\\" and i + 1 < n:
            nxt = source[i + 1]
            if nxt == "k" and source.startswith("<", i + 2) and not in_class:
                end = source.find(">", i + 3)
                if end > 0:
                    out.append(f"(?P={source[i + 3:end]})")
                    i = end + 1
                    continue
            if nxt in "cu" and not in_class:  # \cX, \u{…}: left as they are would mean another thing
                if nxt == "c" or source.startswith("{", i + 2):
                    raise ValueError(f"`\\{nxt}` in the regular expression /{source}/{flags} is not read")
            out.append(source[i:i + 2])
            i += 2
            continue
        if in_class:
            if c == "]":
                in_class = False
            elif c == "[":
                out.append("\\[")
                i += 1
                continue
            out.append(c)
            i += 1
            continue
        if c == "[":
            if source.startswith("[^]", i):
                out.append("[\\s\\S]")
                i += 3
                continue
            in_class = True
            out.append(c)
            if source.startswith("[]", i):  # JavaScript: matches nothing
                raise ValueError(f"`[]` in the regular expression /{source}/{flags} is not read")
            i += 1
            continue
        if c == "(" and source.startswith("(?<", i) and not source.startswith(("(?<=", "(?<!"), i):
            out.append("(?P<")
            i += 3
            continue
        if c == "$" and "m" not in flags:
            out.append("(?![\\s\\S])")
            i += 1
            continue
        out.append(c)
        i += 1
    mode = re.ASCII
    for f in flags:
        mode |= _JS_FLAGS[f]
    text = "".join(out)
    if "y" in flags:
        text = f"\\A(?:{text})"
    try:
        return re.compile(text, mode), "g" in flags
    except re.error as e:
        raise ValueError(f"the regular expression /{source}/{flags} is not one tla-lens reads ({e})") from None


def js_replace(spec: str, pattern: "re.Pattern[str]", global_: bool, replacement: str) -> Optional[str]:
    """``spec.replace(pattern, replacement)`` as JavaScript computes it (None: no match)."""
    count = 0

    def expand(m: "re.Match[str]") -> str:
        out: list[str] = []
        i, n = 0, len(replacement)
        groups = m.re.groups
        while i < n:
            c = replacement[i]
            if c != "$" or i + 1 == n:
                out.append(c)
                i += 1
                continue
            nxt = replacement[i + 1]
            if nxt == "$":
                out.append("$")
                i += 2
            elif nxt == "&":
                out.append(m.group(0))
                i += 2
            elif nxt == "`":
                out.append(m.string[:m.start()])
                i += 2
            elif nxt == "'":
                out.append(m.string[m.end():])
                i += 2
            elif nxt.isdigit():
                two = replacement[i + 1:i + 3]
                if len(two) == 2 and two.isdigit() and 1 <= int(two) <= groups:
                    out.append(m.group(int(two)) or "")
                    i += 3
                elif 1 <= int(nxt) <= groups:
                    out.append(m.group(int(nxt)) or "")
                    i += 2
                else:
                    out.append("$" + nxt)
                    i += 2
            elif nxt == "<" and m.re.groupindex:
                end = replacement.find(">", i + 2)
                if end < 0:
                    out.append("$<")
                    i += 2
                else:
                    name = replacement[i + 2:end]
                    out.append((m.group(name) or "") if name in m.re.groupindex else "")
                    i = end + 1
            else:
                out.append("$")
                i += 1
        return "".join(out)

    def sub(m: "re.Match[str]") -> str:
        nonlocal count
        count += 1
        return expand(m)

    new = pattern.sub(sub, spec, count=0 if global_ else 1)
    return new if count else None


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "v": "\v", "0": "\0"}


def _unescape(seq: str) -> str:
    c = seq[1:2]
    if c in _ESCAPES:
        return _ESCAPES[c]
    if c in ("x", "u"):
        m = re.match(r"\\(?:x([0-9a-fA-F]{2})|u\{([0-9a-fA-F]+)\}|u([0-9a-fA-F]{4}))", seq)
        if m:
            return chr(int(next(g for g in m.groups() if g), 16))
    return seq[1:]
