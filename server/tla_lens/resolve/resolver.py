"""Node's module resolution, re-implemented in Python, with TypeScript's and bundlers' additions.

Hand-written on purpose: the analysis must resolve hundreds of thousands of specifiers inside a
Python language server, without a Node process, and it must see a workspace the way the user's
toolchain does (TypeScript sources that import `./x.js`, tsconfig `paths`, unbuilt workspace
packages) rather than only the way Node does. The algorithms follow
https://nodejs.org/api/esm.html#resolution-algorithm-specification (PACKAGE_RESOLVE,
PACKAGE_EXPORTS_RESOLVE, PACKAGE_IMPORTS_RESOLVE, PACKAGE_IMPORTS_EXPORTS_RESOLVE,
PATTERN_KEY_COMPARE, PACKAGE_TARGET_RESOLVE, LOOKUP_PACKAGE_SCOPE), Node's CommonJS `require`
(extension probing, `main`, `index`), and TypeScript's `bundler`/`node16` resolution. The tests
compare the result with Node 26's own resolver on a real package and on a generated one.

Choices (where Node is strict, or where tools disagree):
- Conditions: mode "import" uses {"node", "import", "module-sync", "node-addons", "default"} (Node
  26's defaults), mode "require" the same with "require"; plus the configured extra conditions,
  plus the `customConditions` of the importer's tsconfig. A configured condition "-name" removes a
  default one (e.g. ("browser", "-node") for a web-only build). "types" never matches.
- Relative and absolute specifiers: the exact file wins; then TypeScript's extension mapping
  (.js -> .ts/.tsx, .jsx -> .tsx, .mjs -> .mts, .cjs -> .cts); then extension probing in the order
  .ts .tsx .mts .cts .js .jsx .mjs .cjs .json (+ .node for require); then a directory's
  package.json "main" and its index file. Node's ESM would reject the last three (bundlers and
  TypeScript accept them), so an ESM import of "./a" here finds a.js where Node throws.
- Package `exports`/`imports` targets are exact, as in Node and bundlers; only for a package that
  is not inside node_modules (a workspace package, possibly reached through a symlink) a missing
  target is mapped .js -> .ts and, when the package's tsconfig has `outDir`, from outDir back to
  `rootDir` (or src/, or the package directory): what TypeScript does for unbuilt workspaces.
- Packages without "exports": "main" (or, with the "browser" condition, a string "browser" field)
  with probing, then index files. The "module" field is not used (Node ignores it).
- Configured aliases (a bundler's `resolve.alias`, which no file of the project states in a form
  that can be read without running it) apply to every specifier that is not relative, before
  anything else and inside node_modules too, as in webpack and Vite: the first alias whose name
  matches (exactly, or as a prefix followed by "/"; "name$": exactly; one "*": a pattern) maps
  the specifier to a path (then probed like a relative one) or to a package name (then resolved
  as usual from the importer); its targets are tried in order, and when none exists the import
  is unresolved (webpack 5 neither tries a later alias nor the specifier itself; checked). An
  alias to `false` makes the import "ignored" (webpack gives it an empty module).
  After them, the aliases of the Vite/webpack/rspack configuration nearest above the importer
  (not inside node_modules), read from its syntax (resolve/bundler.py), then those of
  babel-plugin-module-resolver in the Babel configuration nearest above it that uses the plugin
  (resolve/babel.py), whose `root` folders are then searched with its extensions.
- Platform files: in a React Native app's folder (the nearest package.json names `react-native`
  or `expo` in its dependencies; the packages in its node_modules too) each probe tries
  Metro's platform suffixes (.ios, .android, .native, then none) before each extension, the iOS
  file first, and packages resolve with Metro's conditions ("react-native", "import"/"require",
  "default") and main fields ("react-native", "browser", "main"); elsewhere the suffixes of the
  importer's tsconfig `moduleSuffixes`, as TypeScript.
- tsconfig `paths` and `baseUrl` apply first to every non-relative specifier (as in TypeScript),
  then Node's algorithm; they are not applied to importers inside node_modules.
- A bare name that is a Node builtin is a builtin even if node_modules has a package of that name.
- In import mode a relative specifier is a URL: "?query"/"#hash" are dropped and %-escapes decoded;
  a Vite asset query (?raw, ?url, ?worker, ...) makes the result "ignored".
- Result paths are realpath'd (symlinks resolved, as Node does without --preserve-symlinks);
  importers are realpath'd too before walking up for node_modules.
- Result kinds: "file" for .js .mjs .cjs .jsx .ts .tsx .mts .cts, extensionless files, Vue,
  Svelte and Astro components and MDX documents (.vue .svelte .astro .mdx: never probed for, as
  in Vite);
  "ignored" with `path` set for every other existing file (.json, .css, .wasm, .node, .d.ts, ...);
  "ignored" without a path for URLs (http:, https:, data:, ...); "builtin" with no path;
  "required" for a webpack external of a CommonJS type: the module require() finds when the
  bundle runs (the importer does not wait for it: it is loaded as require() loads it).
- On a case-insensitive file system a differently-cased specifier does not resolve (names are
  compared with the directory listing), like TypeScript's forceConsistentCasingInFileNames.
"""
from __future__ import annotations

import os
import pickle
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Literal, Optional, Sequence, Union
from urllib.parse import unquote, urljoin, urlsplit

from ..problems import Problem
from . import _jsonc
from . import babel, bundler, globs, metro
from . import denocache, importmap, denoremote
from . import pnp as pnp_manifest
from .pnp import in_zip as pnp_in_zip
from ..syntax.sfc import html_import_maps, inline_module_scripts, module_scripts
from ._fs import MISSING, CachedFS, kind_on_disk
from .builtins import builtin_name
from .tsconfig import PATH_LIST_OPTIONS, PATH_OPTIONS, TsConfig
from .tshy import Tshy, package_tshy

Kind = Literal["file", "builtin", "unresolved", "ignored", "required"]
Mode = Literal["import", "require"]


class _Alias:
    """One configured alias: ``name`` ("@", "lib$", "@app/*") and its targets, each (is a path,
    absolute path or package name)."""
    __slots__ = ("name", "targets", "exact", "prefix", "suffix", "star", "origin", "unread", "ignored", "regex")

    def __init__(self, name: str, targets: tuple[tuple[bool, str], ...], origin: str = "",
                 unread: Optional[str] = None, ignored: Optional[str] = None,
                 regex: Optional[tuple[str, str]] = None) -> None:
        self.name = name
        self.targets = targets
        self.origin = origin  # a bundler's: "vite.config.ts:12"
        self.unread = unread  # why a bundler's alias has no targets
        self.ignored = ignored  # what the modules it matches are (ignored), when not `false`
        # a regular expression's (compiled, global) when the name is one: targets are
        # replacements of what it matches
        self.regex = None
        if regex is not None:
            try:
                self.regex = bundler.js_regex(*regex)
            except ValueError:
                # not read (the reader said why): what it would match, as far as can be told,
                # is unresolved with that reason
                self.targets = ()
                try:
                    self.regex = bundler.js_regex(*regex, lenient=True)
                except ValueError:
                    self.regex = (re.compile(r"(?!)"), False)  # (matches nothing)
        self.star = "*" in name
        self.exact = name.endswith("$") and not self.star
        head = name[:-1] if self.exact else name
        self.prefix, _, self.suffix = head.partition("*")

    @classmethod
    def make(cls, name: str, targets: Sequence[str], base: str) -> "_Alias":
        out = []
        for t in targets:
            if t.startswith((".", "/")) or os.path.isabs(t):
                # a path: from the configuration's folder
                out.append((True, os.path.normpath(os.path.join(base, t))))
            else:
                out.append((False, t if "*" in name else t.rstrip("/")))
        return cls(name, tuple(out))

    def apply(self, target: str, rest: str) -> str:
        """The specifier ``target`` makes of an import this alias matched (``rest``: match's)."""
        if self.regex is not None:
            return bundler.js_replace(rest, self.regex[0], self.regex[1], target) or rest
        return target.replace("*", rest, 1) if self.star else target + rest

    def match(self, spec: str) -> Optional[str]:
        """What the target gets in place of the name ("" or "/" and the text after the name,
        or what "*" stands for; for a regular expression, ``spec``), or None when ``spec`` is
        not this alias's."""
        if self.regex is not None:
            return spec if self.regex[0].search(spec) is not None else None
        if self.star:
            pre, suf = self.prefix, self.suffix
            if len(spec) >= len(pre) + len(suf) and spec.startswith(pre) and spec.endswith(suf):
                return spec[len(pre):len(spec) - len(suf)]
            return None
        if spec == self.prefix:
            return ""
        if self.exact:
            return None
        return spec[len(self.prefix):] if spec.startswith(self.prefix + "/") else None


@dataclass(frozen=True)
class Resolution:
    kind: Kind
    path: Optional[Path] = None
    message: Optional[str] = None


JS_EXTS = (".ts", ".tsx", ".mts", ".cts", ".js", ".jsx", ".mjs", ".cjs")
_MODULE_EXTS = frozenset(JS_EXTS + (".vue", ".svelte", ".astro", ".mdx"))  # (components: imported by their full name)
_PROBE = {"import": JS_EXTS + (".json",), "require": JS_EXTS + (".json", ".node")}
# Metro's platform files (metro-resolver 0.87: `Foo.ios.js`, then `Foo.native.js`, then `Foo.js`,
# for each extension in turn): iOS's first, Android's where iOS has none
METRO_SUFFIXES = (".ios", ".android", ".native", "")
# the export conditions Metro matches in a React Native app, by the kind of import:
# @react-native/metro-config 0.87's `unstable_conditionNames` ("react-native"), and Metro's own
# "default" and "import" or "require" (never "node", "browser" or "module-sync"); and its
# `resolverMainFields`, for a package without "exports"
METRO_CONDITIONS = {"import": frozenset({"default", "import", "react-native"}),
                    "require": frozenset({"default", "require", "react-native"})}
METRO_MAIN_FIELDS = ("react-native", "browser", "main")
# the runtime_conditions of a file Metro bundles into a React Native app from outside the app's
# folder (a monorepo's shared package): resolved by Metro's rules all the same
METRO_RUNTIME = ("\0metro",)
_TS_MAP = {".js": (".ts", ".tsx"), ".jsx": (".tsx",), ".mjs": (".mts",), ".cjs": (".cts",)}
_DTS = (".d.ts", ".d.mts", ".d.cts")
_VITE_ASSET_QUERIES = frozenset({"raw", "url", "inline", "worker", "sharedworker", "worker&url"})
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*):")
_INVALID_SEG = re.compile(
    r"(?:^|[\\/])(?:(?:\.|%2e)(?:\.|%2e)?|(?:n|%6e)(?:o|%6f)(?:d|%64)(?:e|%65)(?:_|%5f)(?:m|%6d)"
    r"(?:o|%6f)(?:d|%64)(?:u|%75)(?:l|%6c)(?:e|%65)(?:s|%73))(?:[\\/]|$)", re.I)
_INDEX_KEY = re.compile(r"^(?:0|[1-9][0-9]*)$")
_STAR = "\x00tla-lens-star\x00"


class _UndefinedType:
    def __repr__(self) -> str:  # pragma: no cover
        return "undefined"


_UNDEF: Any = _UndefinedType()


class _Fail(Exception):
    """Resolution failed; the message is for the user ("{from}" is replaced by the importer)."""


class _InvalidTarget(_Fail):
    pass


class _Raw:
    """One tsconfig file with its bases merged; option values keep the directory they came from."""

    __slots__ = ("options", "files", "include", "exclude", "references", "chain")

    def __init__(self) -> None:
        self.options: dict[str, tuple[Any, str]] = {}
        self.files: Optional[tuple[list, str]] = None
        self.include: Optional[tuple[list, str]] = None
        self.exclude: Optional[tuple[list, str]] = None
        self.references: list[str] = []
        self.chain: tuple[str, ...] = ()


# a saved resolver state is only trusted for folders and files unchanged for this long
SETTLED_SECONDS = 2.0


def _in_node_modules(p: str) -> bool:
    return f"{os.sep}node_modules{os.sep}" in p or p.endswith(f"{os.sep}node_modules")


@dataclass(frozen=True)
class TscCjs:
    """Why tsc (:meth:`Resolver.tsc_emits_cjs`) or tsx compiles a TypeScript file into CommonJS."""
    why: str           # "tsconfig.json's `module` is `commonjs`"
    config: str        # the tsconfig (tsx: the package.json), as shown
    module: str        # its `module`, lower-cased ("" for tsx)
    keeps_import: bool  # import() stays import() (node16/nodenext, tsx); `commonjs` makes it require()
    tool: str = "tsc"  # or "tsx", which runs a TypeScript file of a package without "type": "module" so
    runs: bool = False  # Babel compiling what Node loads (@babel/register, babel-node), not a build
    via: str = ""      # "tshy": tsc building the CommonJS dialect of a package tshy builds


# how the module of an async webpack external is named: "<configuration file>#external:<request>"
EXTERNAL = "#external:"


def split_external(path: "str | Path") -> Optional[tuple[str, str]]:
    """(configuration file, request) of a module named for an async webpack external (its
    text and positions are the configuration's); None for any other path."""
    conf, sep, request = str(path).partition(EXTERNAL)
    return (conf, request) if sep else None


def located_in(path: Path) -> Path:
    """The file a module's text and positions belong to: its own, or for an async webpack
    external, the configuration that declares it."""
    parts = split_external(path)
    return Path(parts[0]) if parts is not None else path


class Resolver:
    """See the module docstring. Never raises from its public methods; thread-unsafe caches."""

    def __init__(self, root: Path, conditions: Sequence[str] = (),
                 alias: Sequence[tuple[str, Sequence[str]]] = (), alias_base: Optional[Path] = None) -> None:
        self.root = Path(os.path.abspath(root))
        self._root_str = str(self.root)
        self._root_real = os.path.realpath(self._root_str)
        extra = [c for c in conditions if not c.startswith("-")]
        removed = {c[1:] for c in conditions if c.startswith("-")} - {"default"}
        base = {"node", "module-sync", "node-addons", "default", *extra}
        self.conditions: tuple[str, ...] = tuple(conditions)
        from_dir = os.path.abspath(alias_base if alias_base is not None else root)
        self._alias: tuple[_Alias, ...] = tuple(_Alias.make(name, targets, from_dir) for name, targets in alias)
        # what a saved state must agree on besides the conditions
        self.alias_key: tuple = tuple((a.name, a.targets) for a in self._alias)
        self._bundler_for: dict[str, tuple[_Alias, ...]] = {}  # real folder -> its bundler's aliases
        # real folder -> those of its bundler's aliases that are regular expressions (which
        # apply to relative imports too, as in Vite)
        self._bundler_rx: dict[str, tuple[_Alias, ...]] = {}
        self._globs: dict[tuple, list[str]] = {}  # (patterns, importer) -> files an eager glob imports
        self._tsc_runs: dict[str, bool] = {}  # tsconfig -> does a script run tsc to emit?
        self._tshy: dict[str, Optional[Tshy]] = {}  # package folder -> its tshy build (resolve/tshy.py), or None
        # has an import resolved to a webpack external the bundle require()s ("required")?
        self.required_seen = False
        self._bundler_read: dict[str, tuple[_Alias, ...]] = {}  # configuration file -> aliases
        self._bundler_cfg: dict[str, bundler.BundlerConfig] = {}  # configuration file -> what it says
        self._bundler_conf_for: dict[str, Optional[str]] = {}  # folder -> its bundler configuration
        self._conds: dict[str, frozenset[str]] = {
            "import": frozenset(base | {"import"}) - removed - {"types"},
            "require": frozenset(base | {"require"}) - removed - {"types"},
        }
        self.fs = CachedFS(confine=os.path.realpath(os.fspath(root)))
        # importer -> the export conditions its runtime adds ("name") or leaves out ("-name"):
        # Bun's, `node --conditions=…` (the project sets them as it finds which files run so)
        self.runtime_conditions: dict[Path, tuple[str, ...]] = {}
        self._runtime: Optional[tuple[str, ...]] = None  # (resolving for such an importer, now)
        # the suffixes tried before each extension (tsconfig `moduleSuffixes`) for the importer
        # being resolved for, now; ("",): none
        self._suffixes: tuple[str, ...] = ("",)
        self._metro = False  # (resolving for an importer in a React Native app, now: Metro's rules)
        self._platforms: dict[str, tuple[str, ...]] = {}  # real folder -> Metro's suffixes there, or ()
        # babel-plugin-module-resolver: the Babel configuration that governs a real folder (with
        # the plugin), and what each configuration says
        self._babel_for: dict[str, Optional[str]] = {}
        self._babel_read: dict[str, Optional[tuple[tuple["_Alias", ...], "babel.ModuleResolver"]]] = {}
        self.problems: list[Problem] = []
        self._problem_keys: set[Problem] = set()
        self._pkg: dict[str, Optional[dict]] = {}
        self._pkg_text: dict[str, str] = {}
        self._pnp: dict[str, Optional[pnp_manifest.Manifest]] = {}  # Yarn Plug'n'Play manifests read
        self._pnp_for: dict[str, Optional[str]] = {}  # folder -> the Plug'n'Play manifest above it
        self._imap_for: dict[str, Optional[importmap.Maps]] = {}  # folder -> Deno's import maps
        self._deno_conf_for: dict[str, Optional[str]] = {}  # folder -> the deno.json above it
        self._page_for: dict[str, Optional[str]] = {}  # folder -> the HTML page with an import map above it
        self._page_maps: dict[str, Optional[importmap.Maps]] = {}  # HTML page -> its import map
        self._deno_maps_of: dict[str, Optional[importmap.Maps]] = {}  # deno.json -> its import maps
        self._deno_parsed: dict[str, Optional[dict]] = {}  # deno.json -> its contents
        self._imap_files: set[str] = set()  # import map files deno.json files name
        self._scope: dict[str, Optional[str]] = {}
        self._ts_raw: dict[str, _Raw] = {}
        self._ts_final: dict[str, TsConfig] = {}
        self._ts_for: dict[str, Optional[TsConfig]] = {}
        self._ts_dirs: dict[tuple, tuple[str, ...]] = {}
        self._res: dict[tuple, tuple[Kind, Optional[str], Optional[str]]] = {}
        self._paths: dict[str, Path] = {}
        self._importers: dict[Any, tuple] = {}
        self._targets: dict[tuple, Optional[tuple]] = {}  # relative targets, by path
        self._found: dict[str, Resolution] = {}  # one Resolution per file found
        self._mapped: dict[tuple, Optional[str]] = {}  # tsconfig paths/baseUrl lookups
        self._yarn_caches: Optional[tuple[str, ...]] = None  # Yarn's global cache folders
        self._deno_npm: Optional[tuple[str, ...]] = None  # the npm folders of Deno's cache
        self._deno_locks: dict[str, Optional[denocache.Lock]] = {}  # deno.lock files read
        self._deno_lock_of: dict[str, str] = {}  # a package folder in Deno's cache -> the lock it came by

    # ======================================================================= public API ====
    def resolve(self, specifier: str, importer: Path, mode: Mode = "import") -> Resolution:
        try:
            ctx = self._importers.get(importer)
            if ctx is None:
                # per importing file (a module has several imports): its path, real folder,
                # tsconfig
                imp = os.path.abspath(os.fspath(importer))
                folder = os.path.dirname(imp)
                ts = None if _in_node_modules(self.fs.realpath(imp)) or denoremote.cached_path(imp) \
                    else self._tsconfig_for(imp)
                real = self.fs.realpath(folder)
                # (Metro's platform files in a React Native app, whatever tsconfig says; else tsconfig's)
                metro = bool(self._platform_suffixes(real))
                suffixes = METRO_SUFFIXES if metro else ts.module_suffixes if ts is not None else ()
                ctx = self._importers[importer] = (imp, folder, real, ts, ts.path if ts else None, suffixes, metro)
            imp, folder, real_folder, ts, ts_path, suffixes, metro = ctx
            if mode != "import" and mode != "require":
                mode = "import"
            runtime = self.runtime_conditions.get(importer) if self.runtime_conditions else None
            if runtime == METRO_RUNTIME and not metro:
                metro, suffixes = True, METRO_SUFFIXES
            key = (specifier, folder, mode, ts_path, runtime) if runtime else (specifier, folder, mode, ts_path)
            hit = self._res.get(key)
            if hit is None:
                hit = self._external(specifier, real_folder)
            if hit is None:
                self._runtime = runtime if runtime != METRO_RUNTIME else None
                if suffixes:
                    self._suffixes = suffixes
                self._metro = metro
                try:
                    hit = self._resolve(specifier, real_folder, mode, ts)
                finally:
                    self._runtime = None
                    self._suffixes = ("",)
                    self._metro = False
                if hit[0] == "ignored" and hit[1] is not None and hit[1].endswith(".wasm") and mode == "import" \
                        and self.async_wasm(real_folder):
                    hit = ("file", hit[1], None)  # (an async module: see project._wasm_module)
                self._res[key] = hit
            kind, path, msg = hit
            if msg is None and kind == "file":
                r = self._found.get(path)
                if r is None:
                    r = self._found[path] = Resolution("file", self._path(path))
                return r
            if msg is not None:
                msg = msg.replace("{from}", self._rel(imp))
            return Resolution(kind, self._path(path) if path is not None else None, msg)
        except Exception as e:  # never raise into the caller
            return Resolution("unresolved", None, f"internal error resolving {specifier!r}: {e!r}")

    def readable(self, path: str) -> bool:
        """Whether files at ``path`` (a real path) may be read: those in the folder analysed,
        and the package caches tla-lens's environment names — the zip archives of Yarn's
        global cache (Yarn 4's default for a Plug'n'Play project), Deno's npm cache and its
        HTTP cache (a Deno project without node_modules); nothing else outside the folder,
        whatever a link or a manifest of the project says."""
        root = self._root_real
        if path == root or path.startswith(root.rstrip(os.sep) + os.sep):
            return True
        if any(path.startswith(d.rstrip(os.sep) + os.sep) for d in self._deno_npm_dirs()):
            return True  # Deno's npm cache
        if denoremote.cached_path(path):
            return True  # a JSR package or a module in Deno's HTTP cache
        return ".zip" in path and pnp_manifest.in_global_cache(path, self._yarn_cache_dirs())

    def _deno_npm_dirs(self) -> tuple[str, ...]:
        if self._deno_npm is None:
            self._deno_npm = denocache.deno_dirs()
        return self._deno_npm

    def _yarn_cache_dirs(self) -> tuple[str, ...]:
        if self._yarn_caches is None:
            self._yarn_caches = pnp_manifest.global_caches()
        return self._yarn_caches

    def intern(self, paths: Iterable[Path]) -> None:
        """Resolve to these Path objects (the project's own keys: a dict lookup with the very
        same object skips comparing paths part by part)."""
        for p in paths:
            self._paths.setdefault(str(p), p)

    def canonical(self, path: Path) -> Path:
        """:meth:`intern` of one path, returning the object resolution hands out for it
        (``path`` itself, unless an equal one came first)."""
        return self._paths.setdefault(str(path), path)

    def _path(self, p: str) -> Path:
        """One Path object per resolved file (building Paths from strings is slow)."""
        r = self._paths.get(p)
        if r is None:
            r = self._paths[p] = Path(p)
        return r

    def tsconfig_for(self, file: "Path | str") -> Optional[TsConfig]:
        """The tsconfig.json/jsconfig.json that governs `file`: walking up from its directory, the
        first config (tsconfig.json before jsconfig.json in one directory) whose files/include/
        exclude, or one of whose `references`, contains the file; if none contains it, the
        nearest config. Inside node_modules the walk stops at the package's directory."""
        try:
            return self._tsconfig_for(os.path.abspath(os.fspath(file)))
        except Exception as e:  # pragma: no cover - defensive
            self._problem(Path(file), f"internal error reading tsconfig: {e!r}")
            return None

    def nearest_tsconfig(self, folder: Path) -> Optional[TsConfig]:
        """The first tsconfig.json at or above ``folder`` (what tsup reads, whatever its
        `include` says), read with what it extends; None where there is none."""
        try:
            d = os.path.abspath(os.fspath(folder))
            found = next((c for c in self._ts_candidates(d, None) if c.endswith("tsconfig.json")), None)
            return self._ts_load(found) if found is not None else None
        except Exception:  # pragma: no cover - defensive
            return None

    def package_json_for(self, file: Path) -> Optional[tuple[Path, dict]]:
        """The nearest package.json at or above `file`'s directory (Node's package scope: the walk
        stops at a node_modules directory). Unparsable files count, as an empty object."""
        try:
            p = os.path.abspath(os.fspath(file))
            d = p if self.fs.is_dir(p) else os.path.dirname(p)
            pd = self._scope_of(d)
            if pd is None:
                return None
            return Path(pd), self._pkg_json(pd) or {}
        except Exception:  # pragma: no cover - defensive
            return None

    def package_type(self, file: "Path | str") -> Optional[Literal["module", "commonjs"]]:
        """The "type" of the package.json that governs ``file`` (a file, not a folder)."""
        try:
            pd = self._scope_of(os.path.dirname(os.path.abspath(os.fspath(file))))
            t = (self._pkg_json(pd) or {}).get("type") if pd is not None else None
        except Exception:  # pragma: no cover - defensive
            return None
        return t if t in ("module", "commonjs") else None  # type: ignore[return-value]

    def package_entries(self, package_dir: Path, bins: bool = True) -> list[Path]:
        """Existing files a package publishes: every "exports" target (every subpath; patterns
        expanded against the files on disk; for both the import and the require conditions plus
        the configured ones; "types" ignored), "main", "module" and (unless not ``bins``)
        "bin". Realpath'd, in that order, without duplicates."""
        try:
            return self._package_entries(os.path.abspath(os.fspath(package_dir)), bins)
        except Exception as e:  # pragma: no cover - defensive
            self._problem(Path(package_dir) / "package.json", f"internal error listing entries: {e!r}")
            return []

    # -- persistence (the CLI's warm runs) -------------------------------------------------
    _STATE = ("_pkg", "_pkg_text", "_scope", "_ts_raw", "_ts_final", "_ts_for", "_ts_dirs",
              "_res", "problems", "_problem_keys")

    def export_state(self, since: float) -> Optional[bytes]:
        """Everything resolved and read so far, with what proves it still holds: inside the
        workspace folder, the modification time of every folder whose entries were looked
        at (an entry added, removed or renamed changes it); every file read (package.json,
        tsconfig) by its own time and size; above the workspace folder (where lookups walk
        up for configs, and sibling folders come and go), each path asked about, by its kind
        and real path. None when something inside changed less than 2 s before ``since``
        (when this run started; ``SETTLED_SECONDS``): a change within the timestamp granularity
        would go unseen."""
        fs = self.fs
        root = self._root_str
        prefix = root.rstrip(os.sep) + os.sep

        def inside(p: str) -> bool:
            return p == root or p.startswith(prefix)

        sep = os.sep

        # each path's folder, inline for the hundreds of thousands of paths asked about (all
        # normal absolute paths, where this is os.path.dirname)
        kind_parent = {k: k[:k.rfind(sep)] or sep for k in fs._kind}
        real_parent = {k: k[:k.rfind(sep)] or sep for k in fs._real}
        folders = set(fs._list)
        folders.update(kind_parent.values())
        folders.update(real_parent.values())
        folders.update(p[:p.rfind(sep)] or sep for p in fs._text)
        folders.update(p[:p.rfind(sep)] or sep for p in fs._real.values())  # symlink targets
        limit = int((since - SETTLED_SECONDS) * 1e9)
        stamps: dict[str, Optional[tuple[int, int, int]]] = {}
        for p in [f for f in folders if inside(f)] + list(fs._text):
            try:
                st = os.stat(p)
            except (OSError, ValueError):
                stamps[p] = None
                continue
            # the change time too: unlike the modification time, no tool can set it back
            if st.st_ctime_ns >= limit:
                return None
            stamps[p] = (st.st_mtime_ns, st.st_ctime_ns, st.st_size)
        kinds = {k: v for k, v in fs._kind.items() if not inside(kind_parent[k])}
        reals = {k: v for k, v in fs._real.items() if not inside(real_parent[k])}
        lists = {d: v for d, v in fs._list.items() if inside(d)}
        # kinds the saved listings give again (CachedFS.kind reads a listing first) need
        # not be saved: only those in folders not listed and of symlinks ("?")
        own_kinds = {}
        for k, v in fs._kind.items():
            d = kind_parent[k]
            names = lists.get(d)
            if names is None or names.get(k[len(d):].lstrip(sep), MISSING) == "?":
                own_kinds[k] = v
        state = {name: getattr(self, name) for name in self._STATE}
        # (real paths that are the path itself are cheap to find again: one lstat each)
        fs_state = (own_kinds, lists, {k: v for k, v in fs._real.items() if k != v}, fs._text)
        try:
            return pickle.dumps(((self.conditions, self.alias_key), root, stamps, kinds, reals, state, fs_state), protocol=5)
        except Exception:  # pragma: no cover - defensive
            return None

    def import_state(self, blob: bytes) -> bool:
        """Take over a state saved by :meth:`export_state` if everything it depends on is
        unchanged (else keep starting empty). True when it was taken."""
        try:
            conditions, root, stamps, kinds, reals, state, fs_state = pickle.loads(blob)
            if conditions != (self.conditions, self.alias_key) or root != self._root_str:
                return False
            for p, stamp in stamps.items():
                try:
                    st = os.stat(p)
                    now: Optional[tuple[int, int, int]] = (st.st_mtime_ns, st.st_ctime_ns, st.st_size)
                except (OSError, ValueError):
                    now = None
                if now != stamp:
                    return False
            for p, kind in kinds.items():
                if kind_on_disk(p) != kind:
                    return False
            for p, real in reals.items():
                if os.path.realpath(p) != real:
                    return False
            for name in self._STATE:
                setattr(self, name, state[name])
            self.fs._kind, self.fs._list, self.fs._real, self.fs._text = fs_state
            return True
        except Exception:
            return False

    def memo_size(self) -> int:
        """How many (specifier, folder, mode) resolutions are remembered."""
        return len(self._res)

    def invalidate(self, path: Optional[Path] = None) -> None:
        """Forget what is cached about `path` (a file or directory that changed, appeared or
        vanished), or everything when None. Problems reported for that file are dropped (and
        reported again if still there when the file is next read)."""
        self._importers.clear()
        self._targets.clear()
        self._tsc_runs.clear()
        self._tshy.clear()
        self._mapped.clear()
        self._bundler_for.clear()
        self._bundler_conf_for.clear()
        self._babel_for.clear()
        self._bundler_rx.clear()
        self._globs.clear()
        if path is None or os.path.basename(os.fspath(path)) in babel.CONFIG_NAMES:
            self._babel_read.clear()
            self._res.clear()
        if path is None or os.path.basename(os.fspath(path)) in bundler.ALIAS_FILES or \
                os.path.basename(os.fspath(path)) in ("project.json", "nx.json"):  # (withNx's options)
            self._bundler_read.clear()
            self._bundler_cfg.clear()
            self._res.clear()
        if path is None or os.path.basename(os.fspath(path)) in importmap.CONFIG_NAMES or \
                self.is_import_map(Path(path)):
            # deno.json (or the import map it names) changed: every mapping may have
            for c in (self._imap_for, self._deno_conf_for, self._deno_maps_of, self._deno_parsed):
                c.clear()
            self._res.clear()
        if path is None or self.page_with_import_map(Path(path)):
            # a page's import map may have appeared, changed or gone
            for c in (self._imap_for, self._page_for, self._page_maps):
                c.clear()
            self._res.clear()
        if path is None or os.path.basename(os.fspath(path)) == "deno.lock":
            # `deno install`: other versions of the npm packages
            self._deno_locks.clear()
            self._deno_lock_of.clear()
            self._res.clear()
        if path is None or os.path.basename(os.fspath(path)) in pnp_manifest.MANIFESTS:
            # a `yarn install` rewrote which package is where: every resolution may change
            self._pnp.clear()
            self._pnp_for.clear()
            self._res.clear()
        if path is None:
            self.fs.invalidate(None)
            for c in (self._pkg, self._pkg_text, self._scope, self._ts_raw, self._ts_final,
                      self._ts_for, self._ts_dirs, self._res, self._platforms):
                c.clear()
            self.problems.clear()
            self._problem_keys.clear()
            return
        p = os.path.abspath(os.fspath(path))
        before = self.fs.known_kind(p)
        was_link = os.path.islink(p)
        self.fs.invalidate(p)
        grew = self.fs.refresh_ancestors(p) if os.path.lexists(p) else False
        after = self.fs.kind(p)
        name = os.path.basename(p)
        is_json = name.endswith(".json")
        structural = (
            is_json or was_link or grew or after == "dir"
            or (before is not MISSING and before != after and not (before == "present" and after is not None))
        )
        if name == "package.json":
            self._pkg.pop(os.path.dirname(p), None)
            self._pkg_text.pop(os.path.dirname(p), None)
            self._platforms.clear()
        if after == "dir" or before == "dir":
            prefix = p.rstrip(os.sep) + os.sep
            for k in [k for k in self._pkg if k == p or k.startswith(prefix)]:
                self._pkg.pop(k, None)
                self._pkg_text.pop(k, None)
        if is_json or after == "dir":
            self._ts_raw.clear()
            self._ts_final.clear()
        if structural:
            self._res.clear()
            self._scope.clear()
            self._ts_for.clear()
            self._ts_dirs.clear()
        keep = []
        for pr in self.problems:
            drop = pr.path is not None and (
                str(pr.path) == p or (is_json and name != "package.json" and pr.path.name != "package.json"))
            if drop:
                self._problem_keys.discard(pr)
            else:
                keep.append(pr)
        self.problems[:] = keep

    # ================================================================ top-level resolve ====
    def _resolve(self, spec: str, imp_dir: str, mode: str, ts: Optional[TsConfig],
                 aliased: bool = False) -> tuple[Kind, Optional[str], Optional[str]]:
        """``spec`` imported from a file in the (real) folder ``imp_dir``: (kind, path,
        message with "{from}" for the importer). ``aliased``: ``spec`` is an alias's target."""
        if not aliased and mode == "import":
            imap = self._import_map(imp_dir)
            if imap is not None and (imap.has_path_keys or not spec.startswith(("./", "../"))):
                hit = imap.resolve(spec, imp_dir)
                if hit is not None:
                    return self._mapped_target(spec, hit[0], hit[1], imp_dir, mode, ts)
            if imap is not None and imap.served_from is not None and spec.startswith("/") and \
                    not spec.startswith("//"):
                # a page's module: `/x` is from the root the page is served from, as in the browser
                return self._resolve("." + spec, imap.served_from, mode, ts, aliased=True)
        if spec.startswith(("./", "../", "/")) and not spec.startswith("//") and denoremote.REMOTE in imp_dir:
            url = denoremote.url_of(imp_dir + os.sep)
            if url is not None and denoremote.split(imp_dir) is None:
                # a module Deno downloaded: its imports are URLs relative to its own
                return self._remote(urljoin(url, spec), f"'{spec}'")
        if spec.startswith(("./", "../")) and "?" not in spec and "#" not in spec and "%" not in spec:
            # the usual relative import (no query, fragment or escapes)
            if not aliased:
                rx = self._bundler_rx.get(imp_dir)
                if rx is None:
                    self._bundler_aliases(imp_dir)
                    rx = self._bundler_rx[imp_dir]
                if rx:
                    hit = self._aliased(spec, imp_dir, mode, ts, rx)
                    if hit is not None:
                        return hit
            return self._relative(spec, spec, os.path.normpath(os.path.join(imp_dir, spec)), mode, None)
        if not spec:
            return "unresolved", None, "empty module specifier in {from}"
        plugin = self._babel_module_resolver(imp_dir) if not aliased and spec[0] not in "./" else None
        if not aliased and (spec[0] not in "./" or self._bundler_rx.get(imp_dir)):
            aliases = self._alias + self._bundler_aliases(imp_dir) + (plugin[0] if plugin is not None else ())
            if aliases:
                hit = self._aliased(spec, imp_dir, mode, ts, aliases)
                if hit is not None:
                    return hit
        if plugin is not None and plugin[1].roots and not builtin_name(spec):
            for folder in plugin[1].roots:  # (babel-plugin-module-resolver's `root`: its extensions)
                p = self._babel_root_file(os.path.join(folder, spec), plugin[1].extensions)
                if p is not None:
                    # the plugin writes the name without the extension it added, which the bundler
                    # then resolves (a platform file, where there is one)
                    stem, ext = os.path.splitext(p)
                    if ext in plugin[1].extensions and not spec.endswith(ext):
                        p = self._load_path(stem, mode) or p
                    return self._classify(p)
        b = builtin_name(spec)
        if b is not None:
            if b:
                return "builtin", None, None
            return "unresolved", None, f"unknown Node builtin '{spec}' imported from {{from}}"
        m = _SCHEME.match(spec)
        if m and len(m.group(1)) > 1:
            scheme = m.group(1).lower()
            if scheme in ("npm", "jsr"):
                return self._deno_package(spec, spec, imp_dir, mode)
            if scheme in ("http", "https"):
                return self._remote(spec, f"'{spec}'")
            if scheme != "file":
                return "ignored", None, f"URL import '{spec}' is not followed"
            try:
                from urllib.request import url2pathname  # rare: not imported up front (12 ms)
                target = url2pathname(urlsplit(spec).path)
            except Exception:
                return "unresolved", None, f"invalid file URL '{spec}' in {{from}}"
            p = self._load_path(os.path.normpath(target), mode)
            if p:
                return self._classify(p)
            return "unresolved", None, f"cannot find module '{spec}' from {{from}}"
        conds = self._conds[mode]
        if self._metro:
            conds = METRO_CONDITIONS[mode]
        elif self._runtime:
            conds = (conds - {c[1:] for c in self._runtime if c.startswith("-")}) | \
                {c for c in self._runtime if not c.startswith("-")}
        if ts is not None and ts.custom_conditions and not self._metro:
            conds = conds | (frozenset(ts.custom_conditions) - {"types"})
        try:
            if spec.startswith(("./", "../", "/")) or spec in (".", "..") or os.path.isabs(spec):
                query = None
                path = spec
                if mode == "import":
                    cut = min((i for i in (spec.find("?"), spec.find("#")) if i > 0), default=-1)
                    if cut > 0:
                        q = spec[cut:]
                        path = spec[:cut]
                        if q.startswith("?"):
                            query = q[1:].split("#", 1)[0]
                    if "%" in path:
                        path = unquote(path)
                return self._relative(spec, path, os.path.normpath(os.path.join(imp_dir, path)), mode, query)
            if ts is not None:
                # a "paths"/baseUrl mapping does not depend on the importing folder (but for
                # Metro's platform files: a React Native app's folder and another share a tsconfig)
                mkey = (spec, ts.path, mode, self._suffixes)
                p = self._mapped.get(mkey, MISSING)
                if p is MISSING:
                    p = self._mapped[mkey] = self._try_tsconfig(spec, ts, mode)
                if p is not None:
                    return self._classify(p)
            if spec.startswith("#"):
                r = self._package_imports(spec, imp_dir, conds, mode)
            else:
                r = self._package_resolve(spec, imp_dir, conds, mode)
            if isinstance(r, Resolution):
                return r.kind, str(r.path) if r.path else None, r.message
            return self._classify(r)
        except _Fail as e:
            message = str(e)
            if not aliased and mode == "import" and spec[0] not in "./#":
                imap = self._import_map(imp_dir)
                if imap is not None and imap.served_from is not None:
                    # a buildless page's module: the browser knows bare names only from the map
                    message += f", nor does {imap.maps[0].origin} map it"
            return "unresolved", None, message

    def glob(self, patterns: tuple[str, ...], importer: Path) -> list[str]:
        """The files (real paths) Vite's ``import.meta.glob(patterns)`` in ``importer`` imports:
        see resolve/globs.py. A pattern starting with an alias (`@/plugins/*.js`) has it
        replaced first, as Vite does (inside the workspace only). Remembered until the next
        :meth:`invalidate` (an edit of the importer re-reads no folder)."""
        key = (patterns, os.fspath(importer))
        hit = self._globs.get(key)
        if hit is None:
            importer_s = os.fspath(importer)
            root = self._root_str
            mapped = []
            for p in patterns:
                if not p.startswith(("./", "../", "/", "!")):
                    target = self._glob_alias(p, importer_s)
                    inside = os.path.relpath(target, root) if target is not None else None
                    if inside is not None and not inside.startswith(".."):
                        p = "/" + inside.replace(os.sep, "/")
                mapped.append(p)
            fs = self.fs
            hit = self._globs[key] = [fs.realpath(f) for f in globs.expand(mapped, importer_s, root,
                                                                           fs.listdir, fs.is_dir)]
        return hit

    def _glob_alias(self, pattern: str, importer: str) -> Optional[str]:
        """``pattern`` with the alias it starts with replaced by its first path target (an
        absolute pattern); None when no alias with a path target matches."""
        imp_dir = os.path.dirname(self.fs.realpath(importer))
        for a in self._alias + self._bundler_aliases(imp_dir):
            rest = a.match(pattern)
            if rest is None or a.star:
                continue
            for is_path, target in a.targets:
                new = a.apply(target, rest)
                if is_path or os.path.isabs(new):
                    return new
            return None
        return None

    def _bundler_aliases(self, folder: str) -> tuple["_Alias", ...]:
        """The aliases of the Vite or webpack configuration nearest above ``folder`` (a real
        path) inside the workspace; configurations inside node_modules do not count."""
        hit = self._bundler_for.get(folder)
        if hit is not None:
            return hit
        root = self._root_real
        d = folder
        i = d.find(os.sep + "node_modules" + os.sep)
        if i >= 0 or d.endswith(os.sep + "node_modules"):
            d = d[:i] if i >= 0 else d[: -len("node_modules") - 1]
        found: tuple[_Alias, ...] = ()
        conf: Optional[str] = None
        walked = [folder]
        names = bundler.CONFIG_NAMES
        inside = root.rstrip(os.sep) + os.sep
        while d == root or d.startswith(inside):
            cached = self._bundler_for.get(d)
            if cached is not None:
                found, conf = cached, self._bundler_conf_for.get(d)
                break
            walked.append(d)
            listing = self.fs.listdir(d)  # (one listing per folder, which resolution reads anyway)
            if listing and not listing.keys().isdisjoint(names):
                conf = bundler.find_config(d, is_file=self.fs.is_file)
                if conf is not None:
                    found = self._bundler_read.get(conf)  # type: ignore[assignment]
                    if found is None:
                        found = self._bundler_read[conf] = self._read_bundler(conf)
                    break
            parent = os.path.dirname(d)
            if parent == d:
                break
            d = parent
        rx = tuple(a for a in found if a.regex is not None)
        for w in walked:
            self._bundler_for[w] = found
            self._bundler_rx[w] = rx
            self._bundler_conf_for[w] = conf
        return found

    def bundler_entries(self, folder: Path) -> tuple[list[tuple[Path, str]], Optional[str]]:
        """The entry points the Vite or webpack configuration in ``folder`` (itself, not above)
        builds from, as existing files with what they are ("entry point of webpack.config.js"),
        and why they could not be read (None: read). An HTML page given to Vite stands for its
        module scripts."""
        cfg = self.bundler_config_in(folder)
        if cfg is None:
            return [], None
        conf = cfg.path
        rel = self._rel(conf)
        what = {"webpack entry": f"entry point of {rel}", "Vite build input": f"build input of {rel}",
                "Vite library entry": f"library entry of {rel}"}
        out: list[tuple[Path, str]] = []
        for e in cfg.entries:
            label = what[e.what]
            if e.what == "webpack entry":
                r = self.resolve(e.request, Path(e.base) / os.path.basename(conf))
                if r.path is not None:
                    out.append((r.path, label))
                continue
            path = os.path.normpath(os.path.join(e.base, e.request))
            if path.endswith(".html"):
                out += [(f, f"module script of {self._rel(path)} ({label})")
                        for f in self.page_scripts(Path(path), Path(e.base))]
            elif self.fs.is_file(path):
                out.append((Path(self.fs.realpath(path)), label))
            else:
                r = self.resolve("./" + e.request if not os.path.isabs(e.request) else e.request,
                                 Path(e.base) / os.path.basename(conf))
                if r.path is not None:
                    out.append((r.path, label))
        return out, cfg.entries_unread

    def bundler_config_in(self, folder: Path) -> Optional[bundler.BundlerConfig]:
        """What the Vite or webpack configuration in ``folder`` (itself, not above) says, or None."""
        conf = bundler.find_config(os.fspath(folder), is_file=self.fs.is_file)
        if conf is None:
            return None
        if conf not in self._bundler_read:
            self._bundler_read[conf] = self._read_bundler(conf)
        return self._bundler_cfg.get(conf)

    def page_scripts(self, page: Path, root: Path) -> list[Path]:
        """The existing files an HTML page's module scripts name (`src="/…"` from ``root``, the
        folder the page is served from; any other from the page's folder), then the modules
        its inline module scripts import statically (resolved from the page, its import map
        applying), real paths, each once."""
        return [f for f, _ in self.page_script_entries(page, root)]

    def page_script_entries(self, page: Path, root: Path) -> list[tuple[Path, bool]]:
        """:meth:`page_scripts`, each with whether an inline script imports it."""
        p = os.fspath(page)
        text = self.fs.read_text(p) if self.fs.is_file(p) else None
        if not text:
            return []
        out: dict[Path, bool] = {}
        for src in module_scripts(text):
            base = os.fspath(root) if src.startswith("/") else os.path.dirname(p)
            f = os.path.normpath(os.path.join(base, src.lstrip("/")))
            if self.fs.is_file(f):
                out.setdefault(Path(self.fs.realpath(f)), False)
        inline = inline_module_scripts(text)
        if inline:
            from ..syntax.extract import extract  # (only for pages with inline module scripts)
            from ..syntax.facts import Dialect

            for script in inline:
                for imp in extract(script.encode("utf-8", "surrogatepass"), Dialect.JS).imports:
                    spec = imp.specifier
                    if imp.type_only or imp.in_ambient or imp.is_synthetic:
                        continue
                    if spec.startswith("/") and not spec.startswith("//"):
                        r = self.resolve("./" + spec.lstrip("/"), Path(os.fspath(root)) / "index.html")
                    else:
                        r = self.resolve(spec, Path(p))
                    if r.kind == "file" and r.path is not None:
                        out.setdefault(r.path, True)
        return list(out.items())

    def _bundler_config(self, folder: str) -> Optional[bundler.BundlerConfig]:
        """The bundler configuration that builds the modules of ``folder`` (a real path): the
        nearest one, whose aliases apply there."""
        self._bundler_aliases(folder)
        conf = self._bundler_conf_for.get(folder)
        return self._bundler_cfg.get(conf) if conf is not None else None

    def _external(self, specifier: str, folder: str) -> Optional[tuple]:
        """A request the webpack configuration that builds ``folder`` declares in `externals`:
        an async external is a module of its own (named :data:`EXTERNAL` after the
        configuration); one the bundle loads with `require()` when it runs is the module
        Node's require() finds from the configuration's folder ("required"); one an ES module
        bundle imports statically (type `module`) is the module Node's import finds from there
        (a "file": the bundle waits for it); one of another type is not followed (the bundle
        takes it from outside). None when it is not an external."""
        cfg = self._bundler_config(folder)
        ext = self._external_in(cfg, specifier)
        if ext is None:
            return None
        assert cfg is not None
        if _in_node_modules(folder):
            # a package that is an external itself is loaded by the runtime, not bundled:
            # webpack never sees its imports
            tail = folder.rsplit(f"{os.sep}node_modules{os.sep}", 1)[-1].split(os.sep)
            package = "/".join(tail[:2]) if tail[0].startswith("@") else tail[0]
            if self._external_in(cfg, package) is not None:
                return None
        if ext.is_async:
            return ("file", cfg.path + EXTERNAL + specifier, None)
        what = f"a webpack external of type `{ext.kind}` ({self._rel(cfg.path)}, line {ext.line}" + \
            (f", by {ext.via}" if ext.via else "") + ")"
        if ext.requires or ext.imports:
            # (what the bundle's require() or import finds: from the configuration's folder, as
            # Node walks up for node_modules from the output folder beside it)
            mode = "require" if ext.requires else "import"
            key = (ext.name, self.fs.realpath(os.path.dirname(cfg.path)), mode, None)
            hit = self._res.get(key)
            if hit is None:
                hit = self._res[key] = self._resolve(ext.name, key[1], mode, None)
            kind, path, _ = hit
            if kind == "file" and path is not None and ext.imports:
                return ("file", path, None)  # (a static import in the bundle: it waits for it)
            if kind == "file" and path is not None:
                self.required_seen = True
                return ("required", path, f"{what}: the bundle loads it with `require(\"{ext.name}\")`")
        return ("ignored", None, f"{what}: the bundle takes it from outside, not from node_modules")

    def _external_in(self, cfg: Optional["bundler.BundlerConfig"], specifier: str) -> Optional["bundler.BundlerExternal"]:
        if cfg is None or not cfg.externals:
            return None
        return cfg.external(specifier, self.fs.listdir, self.fs.read_text)

    def bundler_config_for(self, importer: Path) -> Optional[str]:
        """The webpack or Vite configuration that builds ``importer`` (its path), or None."""
        cfg = self._bundler_config(self.fs.realpath(os.path.dirname(os.path.abspath(os.fspath(importer)))))
        return cfg.path if cfg is not None else None

    def external_for(self, specifier: str, importer: Path) -> Optional["bundler.BundlerExternal"]:
        """The webpack external ``specifier`` is in the configuration that builds ``importer``
        (None: not one)."""
        cfg = self._bundler_config(self.fs.realpath(os.path.dirname(os.path.abspath(os.fspath(importer)))))
        return self._external_in(cfg, specifier)

    def external_of(self, path: str) -> Optional[tuple[str, "bundler.BundlerExternal"]]:
        """(configuration file, external) of a module named for an async webpack external, or
        None (not such a name, or no longer declared)."""
        parts = split_external(path)
        if parts is None:
            return None
        conf, request = parts
        if conf not in self._bundler_read:
            self._bundler_read[conf] = self._read_bundler(conf)
        cfg = self._bundler_cfg.get(conf)
        ext = cfg.external(request) if cfg is not None else None
        return (conf, ext) if ext is not None and ext.is_async else None

    def async_wasm(self, folder: str) -> bool:
        """Does the bundler that builds the modules of ``folder`` load `.wasm` modules
        asynchronously (webpack's experiments.asyncWebAssembly, Vite's vite-plugin-wasm)?"""
        cfg = self._bundler_config(folder)
        return bool(cfg is not None and cfg.async_wasm)

    def _bundler_modules(self, folder: str) -> tuple[str, ...]:
        """webpack's resolve.modules for imports from ``folder`` (() when it sets none)."""
        cfg = self._bundler_config(folder)
        return cfg.modules if cfg is not None else ()

    def _read_bundler(self, conf: str) -> tuple["_Alias", ...]:
        text = self.fs.read_text(conf)
        if text is None:
            return ()
        out = []
        fs = self.fs
        cfg = self._bundler_cfg[conf] = bundler.read_config(conf, text, fs.read_text, fs.is_file, fs.is_dir)
        for a in cfg.aliases:
            out.append(_Alias(a.name, tuple((os.path.isabs(t), t) for t in a.targets),
                              f"{self._rel(a.file or conf)}:{a.line}", a.unread, a.ignored, a.regex))
        return tuple(out)

    def _aliased(self, spec: str, imp_dir: str, mode: str, ts: Optional[TsConfig],
                 aliases: tuple["_Alias", ...]) -> Optional[tuple[Kind, Optional[str], Optional[str]]]:
        """``spec`` through ``aliases``: None when no alias matches it."""
        tried: list[str] = []
        for a in aliases:
            rest = a.match(spec)
            if rest is None:
                continue
            if not a.targets and a.unread is None:  # `false`: ignored, as webpack does
                origin = f" ({a.origin})" if a.origin else ""
                if a.ignored:
                    return "ignored", None, f"'{spec}' is {a.ignored}{origin}"
                return "ignored", None, f"'{spec}' is ignored: its alias '{a.name}'{origin} is false"
            if not a.targets:  # a bundler's alias whose value could not be read
                return "unresolved", None, (f"cannot find module '{spec}' from {{from}}: the alias '{a.name}' "
                                            f"of {a.origin} is not read ({a.unread}); declare it in "
                                            f"tla-lens.json \"alias\"")
            for is_path, target in a.targets:
                new = a.apply(target, rest)
                if a.regex is not None:
                    is_path = os.path.isabs(new)
                if is_path:
                    p = self._load_path(os.path.normpath(new), mode, dir_only=spec.endswith("/"))
                    if p is not None:
                        return self._classify(p)
                    tried.append(self._rel(os.path.normpath(new)))
                else:
                    r = self._resolve(new, imp_dir, mode, ts, aliased=True)
                    if r[0] != "unresolved":
                        return r
                    tried.append(new)
            break  # (webpack tries the first alias that matches, not the others)
        if not tried:
            return None
        where = ", ".join(f"'{t}'" for t in dict.fromkeys(tried))
        origin = f" ({a.origin})" if a.origin else ""
        return "unresolved", None, (f"cannot find module '{spec}' from {{from}}: the alias{origin} maps it to "
                                    f"{where}, which {'do' if len(tried) > 1 else 'does'} not exist")

    def _relative(self, spec: str, path: str, target: str, mode: str,
                  query: Optional[str]) -> tuple[Kind, Optional[str], Optional[str]]:
        """``spec``, a relative or absolute path (``path`` without its query), at ``target``."""
        dir_only = path.endswith("/") or path in (".", "..")
        # many files reach one file by different relative specifiers: look it up once
        tkey = (target, mode, dir_only, query, self._suffixes, self._metro)
        found = self._targets.get(tkey, MISSING)
        if found is MISSING:
            p = self._load_path(target, mode, dir_only=dir_only)
            found = self._targets[tkey] = self._classify(p, query) if p is not None else None
        if found is None:
            return "unresolved", None, f"cannot find module '{spec}' from {{from}}"
        return found  # type: ignore[return-value]

    def _classify(self, path: str, query: Optional[str] = None,
                  name: Optional[str] = None) -> tuple[Kind, Optional[str], Optional[str]]:
        """What the file at ``path`` is to an import: a module, or a file it ignores (by its
        extension: that of ``name`` when given, as for a URL with a query in Deno's cache)."""
        real = self.fs.realpath(path)
        if query is not None and query.split("&", 1)[0] in _VITE_ASSET_QUERIES:
            return "ignored", real, f"'?{query}' import is an asset, not a module"
        low = (name or path).lower()
        if low.endswith(_DTS):
            return "ignored", real, "a declaration file (.d.ts) has no runtime code"
        ext = os.path.splitext(os.path.basename(low))[1]
        if ext == "" or ext in _MODULE_EXTS:
            return "file", real, None
        return "ignored", real, f"not a JavaScript module ({ext})"

    def _rel(self, p: str) -> str:
        for base in (self._root_str, self._root_real):
            if p == base or p.startswith(base.rstrip(os.sep) + os.sep):
                return os.path.relpath(p, base)
        return p

    # ================================================================ files & dirs ====
    def _load_file(self, p: str, mode: str) -> Optional[str]:
        fs = self.fs
        if fs.is_file(p):
            return p
        base, ext = os.path.splitext(p)
        suffixes = self._suffixes
        for m in _TS_MAP.get(ext, ()):
            for s in suffixes:
                if fs.is_file(base + s + m):
                    return base + s + m
        for e in _PROBE[mode]:
            for s in suffixes:  # (TypeScript's order: each extension with every suffix, in turn)
                if fs.is_file(p + s + e):
                    return p + s + e
        return None

    def _load_index(self, d: str, mode: str) -> Optional[str]:
        for e in _PROBE[mode]:
            for s in self._suffixes:
                f = os.path.join(d, "index" + s + e)
                if self.fs.is_file(f):
                    return f
        return None

    def _load_dir(self, d: str, mode: str, conds: Optional[frozenset] = None) -> Optional[str]:
        pj = self._pkg_json(d) if self.fs.is_file(os.path.join(d, "package.json")) else None
        if pj:
            fields = ["main"]
            if self._metro:
                fields = list(METRO_MAIN_FIELDS)
            elif "browser" in (conds if conds is not None else self._conds[mode]) and isinstance(pj.get("browser"), str):
                fields.insert(0, "browser")
            for f in fields:
                main = pj.get(f)
                if isinstance(main, str) and main:
                    t = os.path.normpath(os.path.join(d, main))
                    r = self._load_file(t, mode) or (self._load_index(t, mode) if self.fs.is_dir(t) else None)
                    if r:
                        return r
        return self._load_index(d, mode)

    def _load_path(self, p: str, mode: str, dir_only: bool = False, conds: Optional[frozenset] = None) -> Optional[str]:
        if not dir_only:
            r = self._load_file(p, mode)
            if r:
                return r
        if self.fs.is_dir(p):
            return self._load_dir(p, mode, conds)
        return None

    # ================================================================ tsconfig paths ====
    def _try_tsconfig(self, spec: str, ts: TsConfig, mode: str) -> Optional[str]:
        if ts.paths and ts.paths_base is not None:
            best: Optional[str] = None
            best_len = -1
            star = ""
            if spec in ts.paths and "*" not in spec:
                best = spec
            else:
                for key in ts.paths:
                    i = key.find("*")
                    if i < 0:
                        continue
                    pre, suf = key[:i], key[i + 1:]
                    if (len(spec) >= len(pre) + len(suf) and spec.startswith(pre) and spec.endswith(suf)
                            and len(pre) > best_len):
                        best, best_len = key, len(pre)
                        star = spec[len(pre):len(spec) - len(suf)]
            if best is not None:
                for sub in ts.paths[best]:
                    s = sub.replace("*", star, 1) if "*" in best else sub
                    p = os.path.normpath(os.path.join(str(ts.paths_base), s))
                    r = self._load_path(p, mode)
                    if r:
                        return r
        if ts.base_url is not None:
            return self._load_path(os.path.normpath(os.path.join(str(ts.base_url), spec)), mode)
        return None

    # ================================================================ packages ====
    def _split_name(self, spec: str) -> tuple[str, str]:
        if spec.startswith("@"):
            parts = spec.split("/", 2)
            if len(parts) < 2 or not parts[1] or len(parts[0]) < 2:
                raise _Fail(f"invalid package specifier '{spec}' in {{from}}")
            name = parts[0] + "/" + parts[1]
        else:
            name = spec.split("/", 1)[0]
        if not name or name.startswith(".") or "\\" in name or "%" in name:
            raise _Fail(f"invalid package specifier '{spec}' in {{from}}")
        return name, spec[len(name):]

    def _package_resolve(self, spec: str, from_dir: str, conds: frozenset, mode: str) -> Union[str, Resolution]:
        b = builtin_name(spec)
        if b:
            return Resolution("builtin")
        name, sub = self._split_name(spec)
        fs = self.fs
        if self._deno_lock_of:
            cached = denocache.package_of(from_dir, self._deno_npm_dirs())
            if cached is not None:
                return self._deno_dependency(cached, name, sub, spec, conds, mode)
        pnp = self._pnp_above(from_dir)
        if pnp is not None:
            # inside a package of a Plug'n'Play project, Yarn's runtime alone decides (no
            # node_modules, no self-reference but the ones its manifest lists)
            manifest = self._pnp_manifest(pnp)
            if manifest is None or manifest.locator_of(from_dir) is not None:
                return self._pnp_resolve(pnp, manifest, name, sub, spec, from_dir, conds, mode)
        scope = self._scope_of(from_dir)
        if scope is not None:
            pj = self._pkg_json(scope)
            if pj and pj.get("name") == name and pj.get("exports") is not None:
                return self._exports(scope, pj, "." + sub, conds, mode, name)
        modules = self._bundler_modules(from_dir)
        for m in modules or ("node_modules",):
            if m == "node_modules":
                d = from_dir
                while True:
                    if os.path.basename(d) != "node_modules":
                        nm = os.path.join(d, "node_modules")
                        pd = os.path.join(nm, name)
                        if fs.is_dir(nm) and fs.is_dir(pd):
                            return self._in_package(pd, name, sub, spec, conds, mode)
                    parent = os.path.dirname(d)
                    if parent == d:
                        break
                    d = parent
                continue
            # webpack's resolve.modules: a folder searched as node_modules is (an absolute one
            # alone, a name in the importer's folder and each ancestor), in order
            bases = [m] if os.path.isabs(m) else [os.path.join(a, m) for a in _ancestors(from_dir)]
            for base in bases:
                if not fs.is_dir(base):
                    continue
                pd = os.path.join(base, name)
                try:
                    if fs.is_dir(pd):
                        return self._in_package(pd, name, sub, spec, conds, mode)
                except _Fail:
                    continue
                r = self._load_path(os.path.normpath(os.path.join(base, spec)), mode, conds=conds)
                if r:
                    return r
        types = self._types_only(name, from_dir)
        if types is not None:
            # TypeScript finds declarations (`vscode`, a host's API): the module is the host's,
            # given at run time; Node would not find it either, but there is nothing to follow
            return Resolution("ignored", None, f"package '{name}' has only type declarations "
                                               f"({self._rel(types)}): provided at run time")
        raise _Fail(f"cannot find package '{name}' from {{from}}")

    def _pnp_resolve(self, pnp: str, manifest: Optional[pnp_manifest.Manifest], name: str, sub: str, spec: str,
                     from_dir: str, conds: frozenset, mode: str) -> Union[str, Resolution]:
        """Package ``name`` (and subpath ``sub``) imported from ``from_dir``, a folder of one of
        the packages of the Plug'n'Play manifest ``pnp``, as Yarn's runtime finds it."""
        fs = self.fs
        found = manifest.locate(name, from_dir) if manifest is not None else ("unread", "")
        if isinstance(found, str):
            if pnp_in_zip(found) and not self.readable(found):
                raise _Fail(f"cannot find package '{name}' from {{from}}: Yarn Plug'n'Play keeps it in a zip "
                            f"archive outside the folder analysed and outside Yarn's global cache ({found}), "
                            f"which tla-lens does not read (`cacheFolder` in .yarnrc.yml moves the cache)")
            if fs.is_dir(found):
                return self._in_package(found, name, sub, spec, conds, mode)
            raise _Fail(f"cannot find package '{name}' from {{from}}: its Plug'n'Play folder "
                        f"{self._rel(found)} is missing (run `yarn install`)")
        if found[0] == "missing":
            raise _Fail(f"cannot find package '{name}' from {{from}}: {found[1]} ({self._rel(pnp)})")
        if found[0] == "unread":
            raise _Fail(f"cannot find package '{name}' from {{from}}: the project installs its packages with "
                        f"Yarn Plug'n'Play, and its manifest {self._rel(pnp)} could not be read")
        raise _Fail(f"cannot find package '{name}' from {{from}}")

    def _in_package(self, pd: str, name: str, sub: str, spec: str, conds: frozenset, mode: str) -> Union[str, Resolution]:
        """``spec`` (package ``name`` plus subpath ``sub``) inside the package folder ``pd``."""
        pj = self._pkg_json(pd) if self.fs.is_file(os.path.join(pd, "package.json")) else None
        if pj is not None and pj.get("exports") is not None:
            return self._exports(pd, pj, "." + sub, conds, mode, name)
        if not sub:
            r = self._load_dir(pd, mode, conds)
            if r:
                return r
            real = self.fs.realpath(pd)
            if not self.readable(real):
                # (`npm link`, a hand-made link: tla-lens reads nothing outside the folder)
                raise _Fail(f"package '{name}' ({self._rel(pd)}) is a link to {real}, outside the folder "
                            f"analysed, which tla-lens does not read, imported from {{from}}")
            raise _Fail(f"package '{name}' ({self._rel(pd)}) has no entry point "
                        f"(no \"exports\", \"main\" or index file), imported from {{from}}")
        r = self._load_path(os.path.normpath(pd + sub), mode, dir_only=sub.endswith("/"), conds=conds)
        if r:
            return r
        raise _Fail(f"cannot find module '{spec}' from {{from}}: no '{sub[1:]}' in {self._rel(pd)}")

    def _pnp_manifest(self, path: str) -> Optional[pnp_manifest.Manifest]:
        """The parsed Plug'n'Play manifest at ``path`` (cached; a problem, once, when unreadable)."""
        if path in self._pnp:
            return self._pnp[path]
        text = self.fs.read_text(path)
        data = None
        if text is not None and not path.endswith(".json") and "RAW_RUNTIME_STATE" not in text:
            data_path = os.path.join(os.path.dirname(path), ".pnp.data.json")
            data = self.fs.read_text(data_path) if self.fs.is_file(data_path) else None
        manifest = None
        if text is None:
            self._problem(Path(path), "cannot read the Yarn Plug'n'Play manifest")
        else:
            try:
                manifest = pnp_manifest.Manifest(text, path, data)
            except pnp_manifest.PnpError as e:
                self._problem(Path(path), f"cannot read the Yarn Plug'n'Play manifest: {e}")
        self._pnp[path] = manifest
        return manifest

    def _pnp_above(self, folder: str) -> Optional[str]:
        """The Yarn Plug'n'Play manifest (.pnp.cjs) of the nearest folder at or above ``folder``
        that has one (above the workspace folder too: a workspace package of a Yarn project
        opened alone), unless a folder on the way up holds a node_modules folder, or is one
        (None: no such project)."""
        hit = self._pnp_for.get(folder, MISSING)
        if hit is not MISSING:
            return hit  # type: ignore[return-value]
        found: Optional[str] = None
        d = folder
        while os.path.basename(d) != "node_modules":
            listing = self.fs.listdir(d)
            if listing:
                if listing.get("node_modules") in ("dir", "?"):
                    # packages installed in node_modules on the way up: Node's lookup applies (a
                    # stray .pnp.cjs higher up, say in the home folder, must not take over)
                    break
                name = next((n for n in pnp_manifest.MANIFESTS if n in listing), None)
                if name is not None:
                    found = os.path.join(d, name)
                    break
            parent = os.path.dirname(d)
            if parent == d:
                break
            d = parent
        self._pnp_for[folder] = found
        return found

    def _types_only(self, name: str, from_dir: str) -> Optional[str]:
        """The ``node_modules/@types`` folder of package ``name`` seen from ``from_dir``."""
        mangled = name[1:].replace("/", "__") if name.startswith("@") else name
        d = from_dir
        while True:
            if os.path.basename(d) != "node_modules":
                td = os.path.join(d, "node_modules", "@types", mangled)
                if self.fs.is_dir(td):
                    return td
            parent = os.path.dirname(d)
            if parent == d:
                return None
            d = parent

    def _exports(self, pd: str, pj: dict, subpath: str, conds: frozenset, mode: str, name: str) -> Union[str, Resolution]:
        pjpath = os.path.join(pd, "package.json")
        exports = pj["exports"]
        r: Any = _UNDEF
        if isinstance(exports, dict):
            dot = [k.startswith(".") for k in exports]
            if any(dot) and not all(dot):
                self._pkg_problem(pd, "\"exports\" mixes subpath keys (\"./x\") with condition keys; Node rejects it",
                                  '"exports"')
                raise _Fail(f"package '{name}' has an invalid \"exports\" ({self._rel(pjpath)}), imported from {{from}}")
        try:
            if subpath == ".":
                main: Any = _UNDEF
                if isinstance(exports, (str, list)) or (isinstance(exports, dict) and not any(k.startswith(".") for k in exports)):
                    main = exports
                elif isinstance(exports, dict) and "." in exports:
                    main = exports["."]
                if main is not _UNDEF:
                    r = self._target(pd, main, None, False, conds, mode)
            elif isinstance(exports, dict) and all(k.startswith(".") for k in exports):
                r = self._imports_exports(subpath, exports, pd, False, conds, mode)
        except _InvalidTarget as e:
            raise _Fail(f"package '{name}' has an invalid \"exports\" target for '{subpath}': {e} "
                        f"({self._rel(pjpath)}), imported from {{from}}") from None
        if r is None or r is _UNDEF:
            raise _Fail(f"package '{name}' does not export '{subpath}' for the conditions "
                        f"{self._cond_list(conds)} ({self._rel(pjpath)}), imported from {{from}}")
        if isinstance(r, Resolution):
            return r
        return self._finish_target(r, pd, f"package '{name}' exports '{subpath}' as")

    def _package_imports(self, spec: str, from_dir: str, conds: frozenset, mode: str) -> Union[str, Resolution]:
        if spec == "#" or (spec.endswith("/") and "*" not in spec):
            raise _Fail(f"invalid '#' specifier '{spec}' in {{from}}")
        scope = self._scope_of(from_dir)
        if scope is None:
            raise _Fail(f"'{spec}' used in {{from}}, which has no package.json with \"imports\"")
        pj = self._pkg_json(scope) or {}
        imports = pj.get("imports")
        pjpath = os.path.join(scope, "package.json")
        r: Any = None
        if isinstance(imports, dict):
            try:
                r = self._imports_exports(spec, imports, scope, True, conds, mode)
            except _InvalidTarget as e:
                raise _Fail(f"invalid \"imports\" target for '{spec}': {e} ({self._rel(pjpath)}), "
                            f"imported from {{from}}") from None
        if r is None or r is _UNDEF:
            raise _Fail(f"'{spec}' is not defined by \"imports\" in {self._rel(pjpath)} for the conditions "
                        f"{self._cond_list(conds)} (imported from {{from}})")
        if isinstance(r, Resolution):
            return r
        return self._finish_target(r, scope, f"'{spec}' maps to")

    def _cond_list(self, conds: frozenset) -> str:
        return "[" + ", ".join(sorted(conds)) + "]"

    def _finish_target(self, path: str, pd: str, what: str) -> str:
        fs = self.fs
        if fs.is_file(path):
            return path
        if not _in_node_modules(fs.realpath(pd)):
            base, ext = os.path.splitext(path)
            for m in _TS_MAP.get(ext, ()):
                if fs.is_file(base + m):
                    return base + m
            ts = self._tsconfig_for(os.path.join(pd, "package.json"))
            if ts is not None and ts.out_dir is not None:
                out = str(ts.out_dir)
                if path.startswith(out.rstrip(os.sep) + os.sep):
                    rel = os.path.relpath(path, out)
                    roots = [str(ts.root_dir)] if ts.root_dir else [os.path.join(str(ts.path.parent), "src"), str(ts.path.parent)]
                    for root in roots:
                        cand = os.path.join(root, rel)
                        base, ext = os.path.splitext(cand)
                        for c in (cand, *(base + m for m in _TS_MAP.get(ext, ()))):
                            if fs.is_file(c):
                                return c
        raise _Fail(f"{what} {self._rel(path)}, which does not exist (imported from {{from}})")

    def _imports_exports(self, key: str, obj: dict, pd: str, is_imports: bool, conds: frozenset, mode: str) -> Any:
        if key in obj and "*" not in key:
            return self._target(pd, obj[key], None, is_imports, conds, mode)
        best: Optional[str] = None
        for k in obj:
            i = k.find("*")
            if i < 0 or k.find("*", i + 1) >= 0:
                continue
            base, trailer = k[:i], k[i + 1:]
            if key.startswith(base) and key != base and (
                    not trailer or (key.endswith(trailer) and len(key) >= len(k))):
                if best is None or _pattern_key_less(k, best):
                    best = k
        if best is not None:
            i = best.find("*")
            trailer = best[i + 1:]
            match = key[i:len(key) - len(trailer)]
            return self._target(pd, obj[best], match, is_imports, conds, mode)
        return None

    def _target(self, pd: str, target: Any, match: Optional[str], is_imports: bool, conds: frozenset, mode: str) -> Any:
        if isinstance(target, str):
            if not target.startswith("./"):
                if (not is_imports or target.startswith(("../", "/")) or
                        (_SCHEME.match(target) and len(_SCHEME.match(target).group(1)) > 1)):  # type: ignore[union-attr]
                    self._pkg_problem(pd, f"invalid {'imports' if is_imports else 'exports'} target "
                                          f"{target!r}: targets must start with './'", target)
                    raise _InvalidTarget(f"{target!r} must start with './'")
                spec = target.replace("*", match) if match is not None else target
                r = self._package_resolve(spec, pd, conds, mode)
                return r
            if _INVALID_SEG.search(target[2:]):
                self._pkg_problem(pd, f"invalid target {target!r}: '.', '..' or 'node_modules' segments", target)
                raise _InvalidTarget(f"{target!r} has '.', '..' or 'node_modules' segments")
            if match is not None:
                if match != _STAR and _INVALID_SEG.search(match):
                    raise _Fail(f"invalid subpath '{match}' for pattern target {target!r} (imported from {{from}})")
                target = target.replace("*", match)
            if "%" in target:
                target = unquote(target)
            return os.path.normpath(os.path.join(pd, target))
        if isinstance(target, dict):
            for k, v in target.items():
                if _INDEX_KEY.match(k):
                    self._pkg_problem(pd, f"conditions object has a numeric key {k!r}; Node rejects it", f'"{k}"')
                    raise _InvalidTarget(f"numeric condition key {k!r}")
            for k, v in target.items():
                if k == "default" or k in conds:
                    r = self._target(pd, v, match, is_imports, conds, mode)
                    if r is _UNDEF:
                        continue
                    return r
            return _UNDEF
        if isinstance(target, list):
            if not target:
                return None
            last: Any = _UNDEF
            for v in target:
                try:
                    r = self._target(pd, v, match, is_imports, conds, mode)
                except _InvalidTarget as e:
                    last = e
                    continue
                if r is _UNDEF:
                    continue
                if r is None:
                    last = None
                    continue
                return r
            if isinstance(last, _InvalidTarget):
                raise last
            return last
        if target is None:
            return None
        self._pkg_problem(pd, f"invalid target {target!r}: expected a string, object, array or null", None)
        raise _InvalidTarget(f"{target!r} is not a string, object, array or null")

    def _scope_of(self, d: str) -> Optional[str]:
        """LOOKUP_PACKAGE_SCOPE: nearest directory with a package.json, not crossing node_modules."""
        seen = []
        cur = d
        result: Optional[str] = None
        while True:
            hit = self._scope.get(cur, MISSING)
            if hit is not MISSING:
                result = hit  # type: ignore[assignment]
                break
            seen.append(cur)
            if os.path.basename(cur) == "node_modules":
                result = None
                break
            if self.fs.is_file(os.path.join(cur, "package.json")):
                result = cur
                break
            parent = os.path.dirname(cur)
            if parent == cur:
                result = None
                break
            cur = parent
        for s in seen:
            self._scope[s] = result
        return result

    def _babel_module_resolver(self, folder: str) -> Optional[tuple[tuple["_Alias", ...], "babel.ModuleResolver"]]:
        """The aliases and options of babel-plugin-module-resolver in the Babel configuration
        nearest above the (real) ``folder`` that uses it, inside the workspace (not for the
        files of node_modules, whose imports are the packages' own); else None."""
        if folder in self._babel_for:
            conf = self._babel_for[folder]
            return self._babel_read.get(conf) if conf is not None else None
        found: Optional[str] = None
        walked: list[str] = []
        root = self._root_real
        inside = root.rstrip(os.sep) + os.sep
        d = folder
        while not _in_node_modules(d) and (d == root or d.startswith(inside)):
            if d in self._babel_for:
                found = self._babel_for[d]
                break
            walked.append(d)
            listing = self.fs.listdir(d)
            for name in (babel.CONFIG_NAMES if listing and not listing.keys().isdisjoint(babel.CONFIG_NAMES) else ()):
                conf = os.path.join(d, name)
                if name in listing and self._babel_options(conf) is not None:
                    found = conf
                    break
            if found is not None:
                break
            parent = os.path.dirname(d)
            if parent == d:
                break
            d = parent
        for w in walked:
            self._babel_for[w] = found
        return self._babel_read.get(found) if found is not None else None

    def _babel_options(self, conf: str) -> Optional[tuple[tuple["_Alias", ...], "babel.ModuleResolver"]]:
        """What the Babel configuration ``conf`` says of babel-plugin-module-resolver (read once
        per change of it), or None where it does not use it."""
        if conf not in self._babel_read:
            found = babel.module_resolver(conf, self.fs.read_text, self.fs.is_dir)
            origin = self._rel(conf)
            self._babel_read[conf] = None if found is None else (tuple(
                _Alias(name, tuple((os.path.isabs(t), t) for t in targets), origin,
                       regex=(regex, "") if regex is not None else None)
                for name, targets, regex in found.aliases), found)
        return self._babel_read[conf]

    def _babel_root_file(self, path: str, extensions: tuple[str, ...]) -> Optional[str]:
        """The file babel-plugin-module-resolver's `root` lookup finds at ``path`` (Node's
        lookup with the plugin's extensions: the file, with an extension, a folder's index)."""
        fs = self.fs
        if fs.is_file(path):
            return path
        for e in extensions:
            if fs.is_file(path + e):
                return path + e
        if fs.is_dir(path):
            for e in extensions:
                f = os.path.join(path, "index" + e)
                if fs.is_file(f):
                    return f
        return None

    def in_react_native_app(self, file: Path) -> bool:
        """Is ``file`` in a React Native app's folder (:meth:`_platform_suffixes`), where Metro's
        rules apply to its imports whatever reaches it?"""
        return bool(self._platform_suffixes(self.fs.realpath(os.path.dirname(os.path.abspath(file)))))

    def _platform_suffixes(self, folder: str) -> tuple[str, ...]:
        """:data:`METRO_SUFFIXES` where the (real) ``folder`` is in the folder of a React Native
        app — its nearest package.json (past those of the packages in node_modules: Metro
        resolves their platform files too) names `react-native` or `expo` among its
        `dependencies` —, below the root; else ()."""
        hit = self._platforms.get(folder)
        if hit is not None:
            return hit
        out: tuple[str, ...] = ()
        pj = self._pkg_json(folder) if self.fs.is_file(os.path.join(folder, "package.json")) else None
        if pj and metro.is_app(pj):
            out = METRO_SUFFIXES
        elif pj is not None and not _in_node_modules(folder):
            pass  # (another package of the workspace: not the app's)
        elif folder not in (self._root_str, self._root_real):
            parent = os.path.dirname(folder)
            if parent != folder and (parent + os.sep).startswith((self._root_str.rstrip(os.sep) + os.sep,
                                                                  self._root_real.rstrip(os.sep) + os.sep)):
                out = self._platform_suffixes(parent)
        self._platforms[folder] = out
        return out

    def _pkg_json(self, pd: str) -> Optional[dict]:
        """package.json of `pd` as a dict; None when absent; {} (with a problem) when broken."""
        if pd in self._pkg:
            return self._pkg[pd]
        p = os.path.join(pd, "package.json")
        text = self.fs.read_text(p) if self.fs.is_file(p) else None
        value: Optional[dict]
        if text is None:
            value = None
        else:
            self._pkg_text[pd] = text
            data, err = _jsonc.parse_json(text, lenient=False)
            if err is not None:
                msg, line, col = err
                self._problem(Path(p), f"package.json is not valid JSON: {msg}" +
                              ("" if data is None else " (read leniently)"), line, col, "error")
            if data is not None and not isinstance(data, dict):
                self._problem(Path(p), "package.json is not a JSON object", 1, 1, "error")
                data = None
            value = data if data is not None else {}
            self._check_pkg(pd, value)
        self._pkg[pd] = value
        return value

    def _check_pkg(self, pd: str, pj: dict) -> None:
        exports = pj.get("exports")
        if isinstance(exports, dict):
            dot = [k.startswith(".") for k in exports]
            if any(dot) and not all(dot):
                self._pkg_problem(pd, "\"exports\" mixes subpath keys (\"./x\") with condition keys; Node rejects it",
                                  '"exports"')
            elif all(dot):
                for k in exports:
                    if k != "." and not k.startswith("./"):
                        self._pkg_problem(pd, f"\"exports\" key {k!r} must be \".\" or start with \"./\"", f'"{k}"')
                    elif k.endswith("/") and "*" not in k:
                        self._pkg_problem(pd, f"\"exports\" folder mapping {k!r} is no longer supported by Node; "
                                              f"use a pattern like \"{k}*\"", f'"{k}"')
        elif exports is not None and not isinstance(exports, (str, list)):
            self._pkg_problem(pd, "\"exports\" must be a string, an array or an object", '"exports"')
        imports = pj.get("imports")
        if imports is not None:
            if not isinstance(imports, dict):
                self._pkg_problem(pd, "\"imports\" must be an object", '"imports"')
            else:
                for k in imports:
                    if not k.startswith("#") or k == "#":
                        self._pkg_problem(pd, f"\"imports\" key {k!r} must start with '#' (and not be '#' alone)", f'"{k}"')

        def walk(t: Any, is_imports: bool) -> None:
            if isinstance(t, str):
                bad = (not t.startswith("./") and (not is_imports or t.startswith(("../", "/"))))
                if bad or (t.startswith("./") and _INVALID_SEG.search(t[2:])):
                    self._pkg_problem(pd, f"invalid {'imports' if is_imports else 'exports'} target {t!r}"
                                          + (": targets must start with './'" if bad else
                                             ": '.', '..' or 'node_modules' segments"), t)
            elif isinstance(t, list):
                for x in t:
                    walk(x, is_imports)
            elif isinstance(t, dict):
                for k, v in t.items():
                    if _INDEX_KEY.match(k):
                        self._pkg_problem(pd, f"conditions object has a numeric key {k!r}; Node rejects it", f'"{k}"')
                    walk(v, is_imports)
            elif t is not None:
                self._pkg_problem(pd, f"invalid target {t!r}: expected a string, object, array or null", None)

        if isinstance(exports, dict) and all(k.startswith(".") for k in exports):
            for v in exports.values():
                walk(v, False)
        elif exports is not None:
            walk(exports, False)
        if isinstance(imports, dict):
            for v in imports.values():
                walk(v, True)

    def _pkg_problem(self, pd: str, message: str, needle: Optional[str]) -> None:
        text = self._pkg_text.get(pd, "")
        line = col = None
        if needle:
            line, col = _jsonc.locate(text, needle if needle.startswith('"') else f'"{needle}"')
        self._problem(Path(pd) / "package.json", message, line, col, "warning")

    def _problem(self, path: Optional[Path], message: str, line: Optional[int] = None,
                 column: Optional[int] = None, severity: str = "warning") -> None:
        pr = Problem(path, message, line, column, severity)
        if pr not in self._problem_keys:
            self._problem_keys.add(pr)
            self.problems.append(pr)

    # ================================================================ package entries ====
    def _package_entries(self, pd: str, bins: bool = True) -> list[Path]:
        fs = self.fs
        if not fs.is_file(os.path.join(pd, "package.json")):
            return []
        pj = self._pkg_json(pd) or {}
        out: list[Path] = []
        seen: set[str] = set()

        def add(p: Optional[str]) -> None:
            if p and fs.is_file(p):
                real = fs.realpath(p)
                if real not in seen:
                    seen.add(real)
                    out.append(Path(real))

        exports = pj.get("exports")
        if exports is not None:
            if isinstance(exports, dict) and all(k.startswith(".") for k in exports):
                keys = list(exports)
            elif isinstance(exports, dict) and any(k.startswith(".") for k in exports):
                keys = []  # invalid shape, reported
            else:
                keys = ["."]
            for mode in ("import", "require"):
                conds = self._conds[mode]
                for key in keys:
                    try:
                        if key == ".":
                            main = exports["."] if isinstance(exports, dict) and "." in exports else exports
                            r = self._target(pd, main, None, False, conds, mode)
                        elif "*" in key:
                            r = self._target(pd, exports[key], _STAR, False, conds, mode)
                            if isinstance(r, str) and _STAR in r:
                                for f in self._expand_pattern(r):
                                    add(f)
                                continue
                        else:
                            r = self._target(pd, exports[key], None, False, conds, mode)
                        if isinstance(r, str):
                            try:
                                add(self._finish_target(r, pd, "entry"))
                            except _Fail:
                                pass
                    except _Fail:
                        continue
        for fld in ("main", "module"):
            v = pj.get(fld)
            if isinstance(v, str) and v:
                add(self._load_path(os.path.normpath(os.path.join(pd, v)), "require"))
        if exports is None and not isinstance(pj.get("main"), str):
            add(self._load_index(pd, "require"))
        b = pj.get("bin") if bins else None
        files = [b] if isinstance(b, str) else list(b.values()) if isinstance(b, dict) else []
        for v in files:
            if isinstance(v, str) and v:
                add(self._load_file(os.path.normpath(os.path.join(pd, v)), "require"))
        return out

    def _expand_pattern(self, pattern_path: str, limit: int = 10000) -> list[str]:
        """Existing files matching an exports pattern target (`*` may span directories)."""
        i = pattern_path.index(_STAR)
        base_dir = os.path.dirname(pattern_path[:i])
        rx = re.compile(re.escape(pattern_path).replace(re.escape(_STAR), ".+") + r"\Z")
        found: list[str] = []
        if not self.fs.is_dir(base_dir):
            return found
        for dirpath, dirnames, filenames in os.walk(base_dir, followlinks=False):
            dirnames[:] = [d for d in dirnames if d != "node_modules"]
            for fn in filenames:
                f = os.path.join(dirpath, fn)
                if rx.match(f):
                    found.append(f)
                    if len(found) >= limit:
                        return found
        found.sort()
        return found

    # ================================================================ tsconfig ====
    # -- Deno: import maps and npm:/jsr: specifiers -----------------------------------------
    def _import_map(self, folder: str) -> Optional[importmap.Maps]:
        """The import maps that apply in ``folder``: the nearest deno.json(c)'s at or above it,
        then, when it is a member of a Deno workspace, the workspace root's and the members'
        names; without a deno.json, the import map of the nearest HTML page at or above it
        (None: neither)."""
        hit = self._imap_for.get(folder, MISSING)
        if hit is MISSING:
            conf = self._deno_config_above(folder)
            if conf is not None:
                hit = self._deno_maps(conf)
            else:
                page = self._page_above(folder)
                hit = self._page_maps.get(page) if page is not None else None
            self._imap_for[folder] = hit
        return hit  # type: ignore[return-value]

    def _page_above(self, folder: str) -> Optional[str]:
        """The HTML page with an import map in the nearest folder at or above ``folder`` inside
        the folder analysed (folders inside node_modules hold none that count): its map is the
        one a browser applies to the modules that page loads, taken here for every module
        below the page (cached per folder)."""
        root = self._root_real
        inside = root.rstrip(os.sep) + os.sep
        return self._nearest(
            folder, self._page_for, lambda d: d == root or d.startswith(inside),
            lambda d: self._page_in(d) if os.sep + "node_modules" not in d[len(root):] + os.sep else None)

    @staticmethod
    def _nearest(folder: str, cache: dict, within, probe) -> Optional[str]:
        """The first answer of ``probe`` (not None) for ``folder`` and the folders above it, as
        long as ``within`` them; every folder walked remembers it in ``cache``."""
        walked = []
        found: Optional[str] = None
        d = folder
        while within(d):
            cached = cache.get(d, MISSING)
            if cached is not MISSING:
                found = cached
                break
            walked.append(d)
            found = probe(d)
            parent = os.path.dirname(d)
            if found is not None or parent == d:
                break
            d = parent
        for w in walked:
            cache[w] = found
        return found

    def _served_root(self, d: str) -> str:
        """The folder a page in ``d`` is taken to be served from (where `/x` URLs go): the
        nearest folder at or above it with a package.json (the page's project: Vite's root, a
        static server started there); without one, the outermost folder between it and the
        folder analysed that has an index.html (the site's home page), else ``d``."""
        root = self._root_real
        inside = root.rstrip(os.sep) + os.sep
        site = d
        while d == root or d.startswith(inside):
            if self.fs.is_file(os.path.join(d, "package.json")):
                return d
            if self.fs.is_file(os.path.join(d, "index.html")):
                site = d
            if d == root:
                break
            d = os.path.dirname(d)
        return site

    def _page_in(self, d: str) -> Optional[str]:
        """The page of folder ``d`` whose import map applies there: index.html's, else that of
        the first page by name that has one (others with a different map: a problem)."""
        listing = self.fs.listdir(d)
        if not listing:
            return None
        pages = sorted((n for n, k in listing.items() if k != "dir" and n.lower().endswith((".html", ".htm"))),
                       key=lambda n: (n.lower() != "index.html", n))
        chosen: Optional[str] = None
        for name in pages:
            page = os.path.join(d, name)
            text = self.fs.read_text(page)
            if text is None or "importmap" not in text.lower():
                continue
            found, problems = importmap.from_html(page, html_import_maps(text), self._served_root(d))
            for pr in problems:
                self._problem(Path(page), pr)
            if found is None:
                continue
            self._imap_files.add(page)  # (its changes re-resolve imports; the server watches it)
            if chosen is None:
                chosen = page
                self._page_maps[page] = importmap.Maps([found])
            elif (found.imports, found.scopes) != (self._page_maps[chosen].maps[0].imports,
                                                   self._page_maps[chosen].maps[0].scopes):
                self._problem(Path(page), f"{name} has an import map other than {os.path.basename(chosen)}'s in "
                                          f"the same folder: tla-lens resolves the modules there with "
                                          f"{os.path.basename(chosen)}'s")
        return chosen

    def _deno_maps(self, conf: str) -> Optional[importmap.Maps]:
        """The import maps of the deno.json ``conf`` (and of its workspace), read once."""
        hit = self._deno_maps_of.get(conf, MISSING)
        if hit is not MISSING:
            return hit  # type: ignore[return-value]
        maps: list[importmap.ImportMap] = []
        own = self._deno_map(conf)
        if own is not None:
            maps.append(own)
        # a workspace root at or above (its map, then its members' names)
        w = os.path.dirname(conf)
        while True:
            root_conf = self._deno_config_in(w)
            data = self._deno_data(root_conf) if root_conf is not None else None
            if data is not None and "workspace" in data:
                if root_conf != conf:
                    root_map = self._deno_map(root_conf)
                    if root_map is not None:
                        maps.append(root_map)
                names = importmap.members(root_conf, data, self.fs.read_text, self.fs.listdir)
                if names is not None:
                    maps.append(names)
                break
            parent = os.path.dirname(w)
            if parent == w or os.path.basename(parent) == "node_modules":
                break
            w = parent
        found = self._deno_maps_of[conf] = importmap.Maps(maps) if maps else None
        return found

    def _deno_config_above(self, folder: str) -> Optional[str]:
        """The deno.json(c) of the nearest folder at or above ``folder`` that has one, not past
        a node_modules folder (cached per folder)."""
        hit = self._deno_conf_for.get(folder, MISSING)
        if hit is not MISSING:
            return hit  # type: ignore[return-value]
        if denoremote.cached_path(folder) or denocache.package_of(folder, self._deno_npm_dirs()) is not None:
            # a package of Deno's cache: none applies (Deno does not apply a JSR package's own
            # import map either)
            self._deno_conf_for[folder] = None
            return None
        return self._nearest(folder, self._deno_conf_for, lambda d: os.path.basename(d) != "node_modules",
                             self._deno_config_in)

    def import_map_files(self) -> set[str]:
        """The import map files read so far: those deno.json files name (``importMap``), and
        HTML pages with an import map (not to be changed by the caller)."""
        return self._imap_files

    def page_with_import_map(self, path: Path) -> bool:
        """Is ``path`` an HTML page whose import map was read, or one that now has one (its
        change may re-resolve imports)?"""
        p = os.path.abspath(os.fspath(path))
        if not p.lower().endswith((".html", ".htm")):
            return False
        if p in self._imap_files:
            return True
        try:
            with open(p, "rb") as f:
                return b"importmap" in f.read(4 * 1024 * 1024).lower()
        except OSError:
            return False

    def is_import_map(self, path: Path) -> bool:
        """Is ``path`` an import map file a deno.json named (its changes re-resolve imports)?"""
        return os.path.abspath(os.fspath(path)) in self._imap_files

    def runtime_files(self, folder: Path) -> dict[str, Optional[Path]]:
        """The files that change how imports from ``folder`` resolve beyond Node's rules: the
        Yarn Plug'n'Play manifest in use, the deno.json whose import map applies, else the HTML
        page whose import map does."""
        d = os.path.realpath(os.fspath(folder))
        pnp, deno = self._pnp_above(d), self._deno_config_above(d)
        page = self._page_above(d) if deno is None else None
        lock = self._deno_lock_path(deno) if deno is not None else None
        return {"pnpManifest": Path(pnp) if pnp else None, "denoConfig": Path(deno) if deno else None,
                "denoLock": Path(lock) if lock else None, "importMapPage": Path(page) if page else None}

    def caches(self) -> dict[str, list[str]]:
        """The folders outside the project that tla-lens reads packages from, as its environment
        gives them: Yarn's global cache, Deno's npm and HTTP caches."""
        return {"yarnGlobalCache": list(self._yarn_cache_dirs()), "denoNpmCache": list(self._deno_npm_dirs()),
                "denoHttpCache": list(denoremote.remote_roots())}

    def tsc_emits_cjs(self, file: Path) -> Optional["TscCjs"]:
        """For a TypeScript file (.ts, .tsx) that tsc (or ts-node, ts-loader, ts-jest: whatever
        compiles it with its tsconfig) turns into CommonJS — every import a `require()`, and
        under `module: commonjs` every import() too — why; else None. tsc emits CommonJS under
        `module: commonjs` (also its default, for an ES5 target, the default target: counted
        where a script runs tsc or ts-node), and under `node16`/`node18`/`node20`/`nodenext`
        where the package.json has no `"type": "module"` (TypeScript does not detect module
        syntax as Node does; checked with tsc 5.9 and Node 26). Not where nothing is emitted (`noEmit`, `emitDeclarationOnly`), in
        node_modules, under a deno.json (Deno ignores it), or where a Vite configuration (which
        ignores `module`) or a webpack one that does not use ts-loader builds the folder."""
        f = os.path.abspath(os.fspath(file))
        if _in_node_modules(f):
            return None
        tshy = self.tshy_for(f)
        if tshy is not None and tshy.compiles_cjs(f, self.fs.is_file):
            # (whatever the tsconfig says: tshy sets `module`, and src/'s "type" while it builds)
            return TscCjs(f"tshy, by {tshy.origin}, builds it into CommonJS too: tsc under `module: nodenext`, "
                          f"src/ a CommonJS folder",
                          self._rel(os.path.join(tshy.package_dir, "package.json")), "nodenext", True, via="tshy")
        ts = self.tsconfig_for(f)
        if ts is None or ts.is_jsconfig:
            return None
        opts = ts.compiler_options
        if opts.get("noEmit") is True or opts.get("emitDeclarationOnly") is True:
            return None
        module = ts.module
        if module is None:
            # tsc's default: `commonjs` for an ES5 (or ES3) target, which is the default target;
            # ES modules otherwise. Only where a script of the package runs tsc (or ts-node) to
            # emit: with `module` unset, a bundler may as well be what builds the files.
            target = opts.get("target")
            if (isinstance(target, str) and target.lower() not in ("es3", "es5")) or not self._runs_tsc(ts):
                return None
            module = "commonjs"
            why = (f"`module` is not set, and tsc's default for `target` "
                   f"{target if isinstance(target, str) else 'ES5 (its default)'} is `commonjs`")
        elif module == "commonjs":
            why = "`module` is `commonjs`"
        elif module in ("node16", "node18", "node20", "nodenext") and self.package_type(f) != "module":
            why = f"`module` is `{module}` and the package.json has no `\"type\": \"module\"`"
        else:
            return None
        folder = os.path.dirname(f)
        if self._deno_config_above(folder) is not None:
            return None
        cfg = self._bundler_config(self.fs.realpath(folder))
        if cfg is not None:
            if os.path.basename(cfg.path) in bundler.VITE or "ts-loader" not in (self.fs.read_text(cfg.path) or ""):
                return None
        config = self._rel(str(ts.path))
        return TscCjs(f"{config}'s {why}", config, module, module != "commonjs")

    def tshy_for(self, file: "Path | str") -> Optional[Tshy]:
        """The tshy build (resolve/tshy.py) of the package ``file`` is in, or None."""
        try:  # (a file: its folder's package scope; called for each TypeScript file, kept cheap)
            key = self._scope_of(os.path.dirname(os.path.abspath(os.fspath(file))))
        except Exception:  # pragma: no cover - defensive
            return None
        if key is None:
            return None
        if key not in self._tshy:
            manifest = self._pkg_json(key) or {}
            self._tshy[key] = package_tshy(manifest, key) if "tshy" in manifest or \
                "tshy" in str(manifest.get("scripts")) else None
        return self._tshy[key]

    def tsc_program(self, file: Path) -> Optional[TsConfig]:
        """The tsconfig with which a whole-program tsc build emits ``file`` (a TypeScript
        source outside node_modules), else None: a script of the package runs `tsc` to emit (not
        `--noEmit`), the tsconfig emits, and no bundler configuration (Vite, webpack, …) or
        deno.json governs the folder. Such a build reads the modules a file imports from, so it
        also drops the re-exports of names that are only types there (syntax/exports.py). (ts-node,
        ts-loader and ts-jest may compile so too; not counted: their own options decide.)"""
        f = os.path.abspath(os.fspath(file))
        if _in_node_modules(f) or f.endswith((".d.ts", ".d.mts", ".d.cts")):
            return None
        ts = self.tsconfig_for(f)
        if ts is None or ts.is_jsconfig or ts.verbatim_module_syntax:
            return None
        opts = ts.compiler_options
        if opts.get("noEmit") is True or opts.get("emitDeclarationOnly") is True:
            return None
        key = "tsc-only:" + str(ts.path)
        runs = self._tsc_runs.get(key)
        if runs is None:
            runs = self._tsc_runs[key] = self._scripts_run_tsc(ts, ("tsc",)) or self._nest_runs_tsc(ts) or \
                str(ts.path) in self._built_above(os.path.dirname(str(ts.path)))
        if not runs and self.tshy_for(f) is None:  # (tshy: tsc builds both dialects)
            return None
        folder = os.path.dirname(f)
        if self._deno_config_above(folder) is not None or self._bundler_config(self.fs.realpath(folder)) is not None:
            return None
        return ts

    def _built_above(self, folder: str) -> frozenset:
        """The tsconfig files the npm scripts of the package.json files above ``folder`` (within
        the folder analysed) build with `tsc -b`/`--build` (the projects named, default the
        folder's tsconfig.json, and those their `references` reach) or `tsc -p` (the one named):
        a monorepo's root build of its packages."""
        from .scripts import program_words, script_commands

        out: set[str] = set()
        d = os.path.dirname(folder)
        root = self._root_str
        while d == root or d.startswith(root.rstrip(os.sep) + os.sep):
            found = self.package_json_for(Path(d) / "package.json")
            if found is not None and str(found[0]) == d:
                for _, words in script_commands(found[1].get("scripts"), "tsc"):
                    words = program_words(words, ("tsc",))
                    if not words or any(w in ("--noEmit", "--noEmit=true", "--emitDeclarationOnly") for w in words):
                        continue
                    build = any(w in ("-b", "--build") for w in words)
                    named = [words[i + 1] for i, w in enumerate(words[:-1]) if w in ("-p", "--project")]
                    if build:
                        named += [w for w in words[1:] if not w.startswith("-")] or ["."]
                    queue = [os.path.normpath(os.path.join(d, n)) for n in named]
                    queue = [q if q.endswith(".json") else os.path.join(q, "tsconfig.json") for q in queue]
                    while queue:
                        c = queue.pop()
                        if c in out or not self.fs.is_file(c):
                            continue
                        out.add(c)
                        if build:
                            queue += [str(r) for r in self._ts_load(c).references]
            if d == root or os.path.dirname(d) == d:
                break
            d = os.path.dirname(d)
        return frozenset(out)

    def _runs_tsc(self, ts: TsConfig) -> bool:
        """Does a script of the package.json at or above ``ts``'s folder run tsc (or ts-node) to
        emit code (not `tsc --noEmit`), or one above build it (:meth:`_built_above`)?
        (Remembered per tsconfig until the next invalidate():
        asked of every TypeScript file as it is read, on each keystroke too.)"""
        key = str(ts.path)
        hit = self._tsc_runs.get(key)
        if hit is None:
            hit = self._tsc_runs[key] = self._scripts_run_tsc(ts) or self._nest_runs_tsc(ts) or \
                key in self._built_above(os.path.dirname(key))  # (a monorepo's root `tsc -b`)
        return hit

    def _nest_runs_tsc(self, ts: TsConfig) -> bool:
        """Does a script of the package.json at or above ``ts``'s folder build it with NestJS's
        CLI through tsc (`nest build`, `nest start`: resolve/nest.py)?"""
        from .nest import nest_builds_with_tsc

        found = self.package_json_for(ts.path)
        scripts = found[1].get("scripts") if found is not None else None
        return bool(scripts) and "nest" in str(scripts) and \
            nest_builds_with_tsc(scripts, str(found[0]), self.fs.read_text)

    def _scripts_run_tsc(self, ts: TsConfig, programs: tuple[str, ...] = ("tsc", "ts-node", "ts-node-dev")) -> bool:
        from .scripts import program_words, script_commands

        found = self.package_json_for(ts.path)
        scripts = found[1].get("scripts") if found is not None else None
        for _, words in script_commands(scripts, *programs):
            words = program_words(words, programs)
            if words and not any(w in ("--noEmit", "--noEmit=true", "--emitDeclarationOnly") for w in words):
                return True
        return False

    def verbatim_for(self, file: Path) -> bool:
        """Does TypeScript keep ``file``'s imports as written (verbatimModuleSyntax)? The nearest
        deno.json's `compilerOptions` when it sets it (Deno), else the file's tsconfig."""
        conf = self._deno_config_above(os.path.dirname(os.path.abspath(os.fspath(file))))
        if conf is not None:
            opts = (self._deno_data(conf) or {}).get("compilerOptions")
            if isinstance(opts, dict) and isinstance(opts.get("verbatimModuleSyntax"), bool):
                return opts["verbatimModuleSyntax"]
        ts = self.tsconfig_for(file)
        return bool(ts and ts.verbatim_module_syntax)

    def _deno_config_in(self, d: str) -> Optional[str]:
        listing = self.fs.listdir(d)
        return next((os.path.join(d, n) for n in importmap.CONFIG_NAMES if listing and n in listing), None)

    def _deno_data(self, conf: str) -> Optional[dict]:
        hit = self._deno_parsed.get(conf, MISSING)
        if hit is MISSING:
            text = self.fs.read_text(conf)
            hit = self._deno_parsed[conf] = importmap.parse(conf, text)[0] if text is not None else None
        return hit  # type: ignore[return-value]

    def _deno_map(self, conf: str) -> Optional[importmap.ImportMap]:
        text = self.fs.read_text(conf)
        if text is None:
            return None
        def read_map(path: str) -> Optional[str]:  # (the file `importMap` names: watched for changes)
            self._imap_files.add(path)
            return self.fs.read_text(path)

        found, problem = importmap.read(conf, text, read_map)
        if problem:
            self._problem(Path(conf), problem)
        return found

    def _mapped_target(self, spec: str, target: str, origin: str, imp_dir: str, mode: str,
                       ts: Optional[TsConfig]) -> tuple[Kind, Optional[str], Optional[str]]:
        via = f"'{spec}' (mapped to '{target}' by the import map of {origin})"
        if os.path.isabs(target):
            # Deno takes the file named, without trying extensions or index files
            if self.fs.is_file(target):
                return self._classify(self.fs.realpath(target))
            return "unresolved", None, f"cannot find module {via} from {{from}}: no such file"
        scheme = _SCHEME.match(target)
        kind = scheme.group(1).lower() if scheme else ""
        if kind in ("npm", "jsr"):
            return self._deno_package(target, via, imp_dir, mode)
        if kind == "node" or builtin_name(target):
            return "builtin", None, None
        if kind in ("http", "https"):
            return self._remote(target, via)
        if kind:
            return "ignored", None, f"URL import {via} is not followed"
        # a bare name mapped to another bare name: resolved as such (no map again)
        return self._resolve(target, imp_dir, mode, ts, aliased=True)

    def _deno_package(self, spec: str, shown: str, imp_dir: str, mode: str) -> tuple[Kind, Optional[str], Optional[str]]:
        """Deno's `npm:name@version/sub`: in the node_modules folder Deno installs with
        `nodeModulesDir`, else in Deno's own cache at the version deno.lock gives it; and
        `jsr:@scope/name@version/sub` (:meth:`_jsr_package`)."""
        scheme, _, rest = spec.partition(":")
        name, req, sub = _versioned_name(rest.lstrip("/"))
        if scheme.lower() == "jsr":
            return self._jsr_package(name, req, sub, shown, imp_dir)
        conds = self._conds[mode]
        try:
            r = self._package_resolve(name + ("/" + sub if sub else ""), imp_dir, conds, mode)
        except _Fail:
            r = None
        if r is None:
            found, why = self._deno_cached(name, req, imp_dir)
            if found is None:
                return "unresolved", None, f"cannot resolve {shown} from {{from}}: {why}"
            try:
                r = self._in_package(found, name, "/" + sub if sub else "", spec, conds, mode)
            except _Fail as e:
                return "unresolved", None, str(e)
        if isinstance(r, Resolution):
            return r.kind, str(r.path) if r.path else None, r.message
        return self._classify(r)

    def _remote(self, url: str, shown: str) -> tuple[Kind, Optional[str], Optional[str]]:
        """An http(s) import: the module Deno downloaded for it (its redirects followed), named
        by its URL in Deno's cache (resolve/denoremote.py); else not followed."""
        for _ in range(10):
            path = denoremote.url_file(url)
            remote = denoremote.remote_split(path) if path is not None else None
            if remote is None:
                break
            location = denoremote.redirect(*remote)
            if location is None:
                if not self.fs.is_file(path):
                    break
                bare = denoremote.query_free(path)  # (`mod.ts?dev`: a .ts module)
                if os.path.splitext(bare)[1].lower() in _MODULE_EXTS:
                    return self._classify(path, name=bare)
                # no extension Deno knows (esm.sh's URLs): the content type says
                if denoremote.media(*remote) is not None:
                    return "file", path, None
                return "ignored", path, f"{shown} is not a JavaScript module (its content type)"
            url = urljoin(url, location)
        return "ignored", None, f"URL import {shown} is not followed (not in Deno's cache)"

    def _jsr_package(self, name: str, req: str, sub: str, shown: str,
                     imp_dir: str) -> tuple[Kind, Optional[str], Optional[str]]:
        """`jsr:@scope/name@version/sub`: the file the package version deno.lock gives (else the
        only one Deno's cache has of that range) exports as ``./sub`` (or ``.``), in Deno's
        cache (resolve/denoremote.py)."""
        scope, _, base = name.partition("/")
        if not scope.startswith("@") or not base:
            return "unresolved", None, f"cannot resolve {shown} from {{from}}: not a JSR package name"
        lock_path = self._deno_lock_for(imp_dir)
        lock = self._deno_lock(lock_path) if lock_path is not None else None
        version = lock.version_for(name, req, "jsr") if lock is not None else None
        scheme, host, prefix = denoremote.jsr_base()
        roots = denoremote.remote_roots()
        if not roots:
            return "unresolved", None, f"cannot resolve {shown} from {{from}}: Deno's cache folder is not known"
        host_dir = os.path.join(roots[0], scheme, host)
        if version is None:  # no lock (or not in it): the versions Deno's cache lists
            meta = denoremote.cached_json(host_dir, f"{prefix}{name}/meta.json")
            versions = meta.get("versions") if meta is not None else None
            version = denocache.pick(sorted(versions), req) if isinstance(versions, dict) and versions else None
        if version is None:
            return "unresolved", None, (f"cannot resolve {shown} from {{from}}: JSR package {name} is not in "
                                        f"deno.lock or Deno's cache (run `deno install`)")
        exports = denoremote.exports(host_dir, name, version)
        if exports is None:
            return "unresolved", None, (f"cannot resolve {shown} from {{from}}: JSR package {name}@{version} is "
                                        f"not in Deno's cache (run `deno install`)")
        target = exports.get("./" + sub if sub else ".")
        if not isinstance(target, str):
            return "unresolved", None, (f"cannot resolve {shown} from {{from}}: JSR package {name}@{version} "
                                        f"exports no '{'./' + sub if sub else '.'}'")
        folder = denoremote.package_folder(name, version)
        path = os.path.normpath(os.path.join(folder, target)) if folder is not None else None
        if path is None or not self.fs.is_file(path):
            return "unresolved", None, (f"cannot resolve {shown} from {{from}}: {target} of JSR package "
                                        f"{name}@{version} is not in Deno's cache (run `deno install`)")
        if lock_path is not None:
            self._deno_lock_of[folder] = lock_path
        return self._classify(path)

    def _deno_lock_for(self, imp_dir: str) -> Optional[str]:
        """The deno.lock that governs imports from ``imp_dir``: the one the package of Deno's
        cache it is in came by, else its deno.json's."""
        cached = denocache.package_of(imp_dir, self._deno_npm_dirs())
        if cached is not None:
            return self._deno_lock_of.get(cached[2])
        package = denoremote.split(imp_dir)
        if package is not None:
            host_dir, name, version, _ = package
            return self._deno_lock_of.get(os.path.join(host_dir, *name.split("/"), version))
        conf = self._deno_config_above(imp_dir)
        return self._deno_lock_path(conf) if conf is not None else None

    def _deno_cached(self, name: str, req: str, imp_dir: str) -> tuple[Optional[str], str]:
        """The folder of Deno's npm cache that holds package ``name`` as the project's deno.lock
        resolved ``npm:name@req``, or None and why."""
        lock_path = self._deno_lock_for(imp_dir)
        if lock_path is None:
            return None, ("an npm package Deno keeps in its own cache, and without a deno.lock which version "
                          "is not known; `deno install` writes one")
        lock = self._deno_lock(lock_path)
        if lock is None:
            return None, f"an npm package Deno keeps in its own cache; {self._rel(lock_path)} could not be read"
        version = lock.version_for(name, req)
        if version is None:
            return None, f"npm package '{name}' is not in {self._rel(lock_path)} (run `deno install`)"
        folder = denocache.package_folder(self._deno_npm_dirs(), name, version, self.fs.is_dir)
        if folder is None:
            return None, (f"npm package {name}@{version} is not in Deno's cache "
                          f"({', '.join(self._deno_npm_dirs()) or 'DENO_DIR'}; run `deno install`)")
        self._deno_lock_of[folder] = lock_path
        return folder, ""

    def _deno_dependency(self, cached: tuple[str, str, str], name: str, sub: str, spec: str,
                         conds: frozenset, mode: str) -> Union[str, Resolution]:
        """A bare import from a package of Deno's npm cache (``cached``: its name, version and
        folder): the version of ``name`` deno.lock gave that package."""
        pkg, version, folder = cached
        lock_path = self._deno_lock_of.get(folder)
        lock = self._deno_lock(lock_path) if lock_path is not None else None
        if lock is None:
            raise _Fail(f"cannot find package '{name}' from {{from}}: no deno.lock says which version "
                        f"{pkg}@{version} depends on")
        if name == pkg:  # a self-reference through the package's own "exports"
            pj = self._pkg_json(folder)
            if pj and pj.get("exports") is not None:
                return self._exports(folder, pj, "." + sub, conds, mode, name)
        dep = lock.dependencies(pkg, version).get(name)
        if dep is None:
            raise _Fail(f"cannot find package '{name}' from {{from}}: not a dependency of {pkg}@{version} "
                        f"in {self._rel(lock_path)}")
        found = denocache.package_folder(self._deno_npm_dirs(), dep[0], dep[1], self.fs.is_dir)
        if found is None:
            raise _Fail(f"cannot find package '{name}' from {{from}}: {dep[0]}@{dep[1]} is not in Deno's cache "
                        f"(run `deno install`)")
        self._deno_lock_of[found] = lock_path
        return self._in_package(found, dep[0], sub, spec, conds, mode)

    def _deno_lock_path(self, conf: str) -> Optional[str]:
        """The deno.lock of the deno.json ``conf``: its `"lock"` option's file, else deno.lock
        beside it or beside the workspace's root deno.json above it (None: `"lock": false`,
        or none on disk)."""
        data = self._deno_data(conf) or {}
        option = data.get("lock")
        if option is False:
            return None
        if isinstance(option, dict):
            option = option.get("path")
        if isinstance(option, str) and option:
            p = os.path.normpath(os.path.join(os.path.dirname(conf), option))
            return p if self.fs.is_file(p) else None
        d = os.path.dirname(conf)
        while True:
            p = os.path.join(d, "deno.lock")
            if self.fs.is_file(p):
                return p
            parent = os.path.dirname(d)
            if parent == d or os.path.basename(parent) == "node_modules":
                return None
            d = parent

    def _deno_lock(self, path: str) -> Optional[denocache.Lock]:
        hit = self._deno_locks.get(path, MISSING)
        if hit is MISSING:
            text = self.fs.read_text(path)
            hit, problem = denocache.Lock.parse(text) if text is not None else (None, None)
            if problem:
                self._problem(Path(path), problem)
            self._deno_locks[path] = hit
        return hit  # type: ignore[return-value]

    def _tsconfig_for(self, f: str) -> Optional[TsConfig]:
        if f in self._ts_for:
            return self._ts_for[f]
        fs = self.fs
        d = f if fs.is_dir(f) else os.path.dirname(f)
        stop: Optional[str] = None
        parts = d.split(os.sep)
        if "node_modules" in parts:
            j = len(parts) - 1 - parts[::-1].index("node_modules")
            k = j + (3 if j + 1 < len(parts) and parts[j + 1].startswith("@") else 2)
            stop = os.sep.join(parts[:k])
        nearest: Optional[TsConfig] = None
        found: Optional[TsConfig] = None
        for c in self._ts_candidates(d, stop):
            cfg = self._ts_load(c)
            if nearest is None:
                nearest = cfg
            if cfg.includes(f):
                found = cfg
                break
            for ref in cfg.references:
                if fs.is_file(str(ref)):
                    rc = self._ts_load(str(ref))
                    if rc.includes(f):
                        found = rc
                        break
            if found is not None:
                break
        result = found or nearest
        self._ts_for[f] = result
        return result

    def _ts_candidates(self, d: str, stop: Optional[str]) -> tuple[str, ...]:
        """The config files from folder ``d`` up to ``stop`` (or the root), nearest first: in
        each folder tsconfig.json, else jsconfig.json. Cached per folder."""
        key = (d, stop)
        hit = self._ts_dirs.get(key)
        if hit is None:
            own = ()
            for name in ("tsconfig.json", "jsconfig.json"):
                c = os.path.join(d, name)
                if self.fs.is_file(c):
                    own = (c,)
                    break
            parent = os.path.dirname(d)
            hit = own if d == stop or parent == d else own + self._ts_candidates(parent, stop)
            self._ts_dirs[key] = hit
        return hit

    def _ts_load(self, path: str) -> TsConfig:
        cfg = self._ts_final.get(path)
        if cfg is None:
            cfg = self._ts_finalize(path, self._ts_read(path, ()))
            self._ts_final[path] = cfg
        return cfg

    def _ts_read(self, path: str, stack: tuple[str, ...]) -> _Raw:
        hit = self._ts_raw.get(path)
        if hit is not None:
            return hit
        d = os.path.dirname(path)
        raw = _Raw()
        text = self.fs.read_text(path)
        data: Any = {}
        if text is None:
            self._problem(Path(path), "cannot read the file", severity="error")
        else:
            data, err = _jsonc.parse_json(text, lenient=True)
            if err is not None:
                msg, line, col = err
                self._problem(Path(path), f"{os.path.basename(path)} is not valid JSON: {msg}; "
                                          f"using default settings", line, col, "error")
                data = {}
            elif not isinstance(data, dict):
                self._problem(Path(path), "the file is not a JSON object; using default settings", 1, 1, "error")
                data = {}
        chain: list[str] = []
        ext = data.get("extends")
        bases = [ext] if isinstance(ext, str) else ext if isinstance(ext, list) else []
        if ext is not None and not isinstance(ext, (str, list)):
            self._problem(Path(path), "\"extends\" must be a string or an array of strings",
                          *_jsonc.locate(text or "", '"extends"'))
        for e in bases:
            if not isinstance(e, str):
                self._problem(Path(path), f"\"extends\" entry {e!r} is not a string", *_jsonc.locate(text or "", '"extends"'))
                continue
            bp = self._find_extends(e, d)
            if bp is None:
                self._problem(Path(path), f"\"extends\": cannot find '{e}'", *_jsonc.locate(text or "", e))
                continue
            if bp == path or bp in stack:
                cyc = " -> ".join(self._rel(x) for x in (*stack, path, bp))
                self._problem(Path(path), f"cyclic \"extends\": {cyc}", *_jsonc.locate(text or "", e))
                continue
            base = self._ts_read(bp, stack + (path,))
            raw.options.update(base.options)
            for attr in ("files", "include", "exclude"):
                if getattr(base, attr) is not None:
                    setattr(raw, attr, getattr(base, attr))
            chain.extend(x for x in (*base.chain, bp) if x not in chain)
        opts = data.get("compilerOptions")
        if isinstance(opts, dict):
            for k, v in opts.items():
                raw.options[k] = (v, d)
        elif opts is not None:
            self._problem(Path(path), "\"compilerOptions\" must be an object", *_jsonc.locate(text or "", '"compilerOptions"'))
        for attr in ("files", "include", "exclude"):
            v = data.get(attr)
            if isinstance(v, list):
                setattr(raw, attr, ([x for x in v if isinstance(x, str)], d))
            elif v is not None:
                self._problem(Path(path), f"\"{attr}\" must be an array of strings", *_jsonc.locate(text or "", f'"{attr}"'))
        refs = data.get("references")
        if isinstance(refs, list):
            for r in refs:
                rp = r.get("path") if isinstance(r, dict) else None
                if isinstance(rp, str):
                    full = os.path.normpath(os.path.join(d, rp))
                    if not full.endswith(".json"):
                        full = os.path.join(full, "tsconfig.json")
                    raw.references.append(full)
        raw.chain = tuple(chain)
        if not stack or path not in stack:
            self._ts_raw[path] = raw
        return raw

    def _find_extends(self, e: str, d: str) -> Optional[str]:
        fs = self.fs
        if e.startswith(("./", "../")) or e in (".", "..") or os.path.isabs(e):
            p = os.path.normpath(os.path.join(d, e))
            if fs.is_file(p):
                return p
            if not p.endswith(".json") and fs.is_file(p + ".json"):
                return p + ".json"
            if fs.is_dir(p) and fs.is_file(os.path.join(p, "tsconfig.json")):
                return os.path.join(p, "tsconfig.json")
            return None
        try:
            name, sub = self._split_name(e)
        except _Fail:
            return None
        cur = d
        while True:
            nm = os.path.join(cur, "node_modules")
            if os.path.basename(cur) != "node_modules" and fs.is_dir(nm):
                p = os.path.join(nm, e)
                pd = os.path.join(nm, name)
                if fs.is_dir(pd):
                    pj = self._pkg_json(pd) if fs.is_file(os.path.join(pd, "package.json")) else None
                    if pj and pj.get("exports") is not None:
                        try:
                            conds = frozenset({"node", "import", "require", "default"})
                            r = self._exports(pd, pj, "." + sub, conds, "import", name)
                            if isinstance(r, str) and fs.is_file(r):
                                return r
                        except _Fail:
                            pass
                    if fs.is_file(p):
                        return p
                    if not p.endswith(".json") and fs.is_file(p + ".json"):
                        return p + ".json"
                    if not sub and pj and isinstance(pj.get("tsconfig"), str):
                        t = os.path.normpath(os.path.join(pd, pj["tsconfig"]))
                        if fs.is_file(t):
                            return t
                    if fs.is_file(os.path.join(p, "tsconfig.json")):
                        return os.path.join(p, "tsconfig.json")
            parent = os.path.dirname(cur)
            if parent == cur:
                return None
            cur = parent

    def _ts_finalize(self, path: str, raw: _Raw) -> TsConfig:
        leaf = os.path.dirname(path)

        def absp(v: str, d: str) -> str:
            return os.path.normpath(os.path.join(d, v.replace("${configDir}", leaf)))

        opts: dict[str, Any] = {}
        for k, (v, d) in raw.options.items():
            if k in PATH_OPTIONS and isinstance(v, str):
                v = absp(v, d)
            elif k in PATH_LIST_OPTIONS and isinstance(v, list):
                v = [absp(x, d) for x in v if isinstance(x, str)]
            opts[k] = v
        paths: dict[str, list[str]] = {}
        paths_dir: Optional[str] = None
        if "paths" in raw.options:
            pv, paths_dir = raw.options["paths"]
            if isinstance(pv, dict):
                for k, v in pv.items():
                    if isinstance(v, list) and all(isinstance(x, str) for x in v):
                        paths[k] = [x.replace("${configDir}", leaf) for x in v]
                    else:
                        self._problem(Path(path), f"\"paths\" entry {k!r} must be an array of strings")
            else:
                self._problem(Path(path), "\"paths\" must be an object")
        base_url = opts.get("baseUrl") if isinstance(opts.get("baseUrl"), str) else None
        paths_base = base_url or paths_dir

        def lower(k: str) -> Optional[str]:
            v = opts.get(k)
            return v.lower() if isinstance(v, str) else None

        def pth(k: str) -> Optional[Path]:
            v = opts.get(k)
            return Path(v) if isinstance(v, str) else None

        def globs(attr: str) -> Optional[tuple[str, ...]]:
            v = getattr(raw, attr)
            if v is None:
                return None
            items, d = v
            return tuple(absp(x, d) for x in items)

        cc = opts.get("customConditions")
        return TsConfig(
            path=Path(path),
            verbatim_module_syntax=opts.get("verbatimModuleSyntax") is True,
            base_url=Path(base_url) if base_url else None,
            paths=paths,
            paths_base=Path(paths_base) if paths_base else None,
            module_resolution=lower("moduleResolution"),
            module=lower("module"),
            allow_js=opts.get("allowJs") is True,
            check_js=opts.get("checkJs") is True,
            isolated_modules=opts.get("isolatedModules") is True,
            preserve_value_imports=opts.get("preserveValueImports") is True,
            imports_not_used_as_values=lower("importsNotUsedAsValues"),
            custom_conditions=tuple(x for x in cc if isinstance(x, str)) if isinstance(cc, list) else (),
            out_dir=pth("outDir"),
            root_dir=pth("rootDir"),
            root_dirs=tuple(Path(x) for x in opts.get("rootDirs", []) or [] if isinstance(x, str)),
            jsx=opts.get("jsx") if isinstance(opts.get("jsx"), str) else None,
            files=tuple(Path(x) for x in globs("files")) if raw.files is not None else None,  # type: ignore[union-attr]
            include=globs("include"),
            exclude=globs("exclude"),
            references=tuple(Path(r) for r in raw.references),
            extends=tuple(Path(x) for x in raw.chain),
            compiler_options=opts,
        )


def _pattern_key_less(a: str, b: str) -> bool:
    """PATTERN_KEY_COMPARE(a, b) == -1, i.e. `a` sorts before (is more specific than) `b`."""
    ia, ib = a.find("*"), b.find("*")
    la, lb = ia + 1, ib + 1
    if la != lb:
        return la > lb
    if ia < 0:
        return False
    if ib < 0:
        return True
    return len(a) > len(b)


def _versioned_name(rest: str) -> tuple[str, str, str]:
    """``name@version/sub`` (Deno's `npm:`/`jsr:` specifiers without the scheme; a scoped
    name keeps its scope) -> (name, version range, subpath), "" for what is not there."""
    if rest.startswith("@"):
        scope, _, after = rest.partition("/")
        first, _, sub = after.partition("/")
        base, _, req = first.partition("@")
        return scope + "/" + base, req, sub
    first, _, sub = rest.partition("/")
    name, _, req = first.partition("@")
    return name, req, sub


def _ancestors(folder: str) -> list[str]:
    """``folder`` and each folder above it, nearest first."""
    out = [folder]
    while True:
        parent = os.path.dirname(out[-1])
        if parent == out[-1]:
            return out
        out.append(parent)
