"""CommonJS builds made by tsup (or esbuild's command line), read from a package's npm scripts
and tsup's configuration (read, never run).

tsup (version 9; esbuild underneath) bundles its entries into CommonJS unless told otherwise
(`--format`, default `cjs`) and keeps every `dependencies` and `peerDependencies` package of the
package.json external (`lodash`, `lodash/get`), with `external` adding more and `noExternal`
taking some back (tsup-node, or `skipNodeModulesBundle`, keeps every package external). In the
CommonJS output an import of an external is `require("lodash")`: a package that is an ES module
with top-level await there throws ERR_REQUIRE_ASYNC_MODULE when the bundle runs. tsup keeps
`import()` as it is (it loads such a package), and esbuild refuses to bundle a top-level await
into CommonJS (a build error).

A command counts when its program is `tsup` or `tsup-node` (after what :mod:`scripts` skips,
and `npx`, `pnpm exec`, `yarn`, `bunx`). Its files and `--entry.NAME` are the entries (globs,
relative to the package), `--format`, `--external`, `--config` and `--no-config` are read; the
configuration (tsup.config.{ts,cts,mts,js,cjs,mjs,json}, or package.json's "tsup", from the
package's folder upward) gives `entry`, `format`, `external`, `noExternal` and
`skipNodeModulesBundle` where written as literals; the command line's win over it, as in tsup.
A build whose configuration cannot be read that way (a function, values computed) is not
modelled (:attr:`CjsBuild.unread` says why).

esbuild's own command line (`esbuild src/main.ts --bundle --platform=node
--packages=external`) is read the same way: a bundle whose format is CommonJS (`--format=cjs`,
or `--platform=node` without a format) keeps external what `--external:NAME` and
`--packages=external` say (esbuild bundles every other package, and refuses a top-level await
in CommonJS); without `--bundle` each file is compiled alone, into CommonJS with
`--format=cjs` (its imports are require() calls, its import()s stay), and tsup's `bundle:
false` does the same in its formats.
"""
from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional

from .bundler import _pattern
from .computed import _Unread, predicate_matches, tracking
from .scripts import script_commands, program_words
from .targets import missing_tla, target_words

__all__ = ["CjsBuild", "package_cjs_builds", "CONFIG_NAMES"]

TSUP_NAMES = ("tsup.config.ts", "tsup.config.cts", "tsup.config.mts", "tsup.config.js",
              "tsup.config.cjs", "tsup.config.mjs", "tsup.config.json")
TSDOWN_NAMES = ("tsdown.config.ts", "tsdown.config.mts", "tsdown.config.cts", "tsdown.config.js",
                "tsdown.config.mjs", "tsdown.config.cjs", "tsdown.config.json")
CONFIG_NAMES = TSUP_NAMES + TSDOWN_NAMES  # (a change of one changes the builds)
# tsup's options with a value (the next word when not written `--opt=value`); those with an
# optional value take the next word unless it is an option (as its argument parser does)
_VALUED = frozenset({"-d", "--out-dir", "--format", "-f", "--target", "--ignore-watch", "--onSuccess",
                     "--inject", "--external", "--global-name", "--jsxFactory", "--jsxFragment",
                     "--pure", "--platform", "--loader", "--tsconfig", "--config", "--killSignal"})
_OPTIONAL = frozenset({"--minify", "--dts", "--experimental-dts", "--sourcemap", "--watch",
                       "--treeshake", "--publicDir"})
# a specifier tsup-node leaves to esbuild (a path, not a package)
_NOT_A_PACKAGE = re.compile(r"^[A-Z]:[/\\]|^\.{0,2}/|^\.{1,2}$")


@dataclass(frozen=True)
class CjsBuild:
    """A CommonJS build of a package by tsup (or esbuild's command line)."""
    script: str                  # the npm script that runs it
    package_dir: str
    entries: tuple[str, ...]     # as written: files or globs, relative to the package
    # external patterns: ("name", "lodash") matches `lodash` and `lodash/…`, ("regex",
    # "source\x00flags") a JavaScript regular expression
    external: tuple[tuple[str, str], ...] = ()
    no_external: tuple[tuple[str, str], ...] = ()
    every_package: bool = False  # tsup-node / skipNodeModulesBundle
    config: Optional[str] = None  # the configuration file read
    unread: Optional[str] = None
    formats: tuple[str, ...] = field(default=("cjs",))
    tool: str = "tsup"
    # False: each entry compiled alone (esbuild without `--bundle`, tsup's `bundle: false`):
    # the entries are the build's CommonJS modules, their imports require() calls
    bundle: bool = True
    keeps_import: bool = True  # import() stays import() (Babel's preset-env: a require() too)
    how: str = ""              # what makes it CommonJS, for the messages (Babel: its preset or plugin)
    # (with ``bundle`` False) every file the entries reach, outside node_modules, is compiled
    # alone too: Babel compiling what Node loads (@babel/register, babel-node)
    reaches: bool = False
    # esbuild's `target` (lower-case words: "es2020", "chrome88") and where it is set, for the
    # messages ("`--target=es2020`"); () where esbuild's default (esnext) applies
    target: tuple[str, ...] = ()
    target_from: str = ""
    target_file: Optional[str] = None  # the JSON file the target is read from (tsup's tsconfig), to edit
    # Angular's build of an app with Zone.js: esbuild compiles async/await down (`supported:
    # {"async-await": false}`), and a top-level await has no such form
    zone: bool = False
    # a Vite app's build (not its library mode): its entries are the module scripts of its pages,
    # which the project fills in (the resolver reads the pages)
    app: bool = False
    # webpack before 5.83 with `experiments.topLevelAwait` not set to true: the experiment is off
    # and webpack refuses a top-level await in any module it bundles
    experiment_off: bool = False
    # Vite's dev server pre-bundling the app's packages: it refuses only the packages' awaits
    packages_only: bool = False
    # an Nx target's (``script`` "project:target"): the project.json (or package.json) that
    # declares it, or nx.json where a plugin infers it from ``inferred_from`` (vite.config.*)
    declared_in: Optional[str] = None
    inferred_from: Optional[str] = None
    # which of its entries' files the build compiles (swc's `test`/`exclude`, Babel's
    # `overrides`): conditions that must all hold, each (groups of patterns — one of each group
    # must match —, patterns none of which may match, whether the file must match that); the
    # patterns are searched in the path relative to the package (swc), or in the absolute path
    # (``applies_absolute``: Babel); () every file
    applies: tuple = ()
    applies_absolute: bool = False
    # who runs the output: "bun" (`bun build --target=bun`, or `--compile`: an executable of
    # Bun's), else Node
    runtime: str = ""
    bytecode: bool = False  # `bun build --bytecode`: CommonJS by default, ES modules only with --compile
    # where a build declared in code is (AWS CDK's `new NodejsFunction(…)`, a call of esbuild's or
    # Bun's JavaScript API made once), 1-based; 0 where not one place
    line: int = 0
    # Vite's (or Vitest's) bundle of its own configuration file (the only entry), in CommonJS:
    # why it is CommonJS, for the messages (resolve/vite_config.py; ``how`` names the bundler
    # Vite runs); "" for any other build
    loads_config: str = ""

    def takes(self, path: str) -> bool:
        """Does the build compile the file ``path`` (absolute) of its entries (:attr:`applies`)?"""
        if not self.applies:
            return True
        subject = path if self.applies_absolute else os.path.relpath(path, self.package_dir).replace(os.sep, "/")
        return all((all(any(p.search(subject) for p in group) for group in groups)
                    and not any(p.search(subject) for p in excludes)) == wanted
                   for groups, excludes, wanted in self.applies)

    def origin(self, rel: Callable[[Path], str]) -> str:
        """Where the build is declared, for the messages: "script `build` of package.json", or
        an Nx target's "target `build` of apps/api/project.json"."""
        if self.loads_config:
            return f"{rel(Path(self.package_dir) / self.entries[0])}, {self.loads_config}"
        if self.declared_in is not None:
            project, _, target = self.script.rpartition(":")
            if self.inferred_from is not None:
                return (f"target `{target}` of project `{project}`, which @nx/vite/plugin in "
                        f"{rel(Path(self.declared_in))} infers from {rel(Path(self.inferred_from))}")
            return f"target `{target}` of project `{project}` in {rel(Path(self.declared_in))}"
        if self.tool == "Nx" and self.config is not None:
            return f"target `{self.script}` of {rel(Path(self.config))}"
        if self.tool == "Metro":
            return f"the React Native app of {rel(Path(self.package_dir) / 'package.json')}"
        if self.tool == "webpack" and self.config is not None:
            return rel(Path(self.config))
        if self.tool == "electron-vite":
            script, _, scope = self.script.rpartition(":")
            what = "main process" if scope == "main" else "preload scripts"
            return f"its {what}, script `{script}` of {rel(Path(self.package_dir) / 'package.json')}"
        if self.tool == "Angular" and self.config is not None:
            project, _, target = self.script.rpartition(":")
            return f"target `{target}` of project `{project}` in {rel(Path(self.config))}"
        if self.tool in ("SAM", "serverless-esbuild") and self.config is not None:  # (resolve/sam.py, serverless.py)
            return f"function `{self.script}` of {rel(Path(self.config))}"
        if self.tool == "NodejsFunction" and self.config is not None:  # (AWS CDK's: resolve/cdk.py)
            return f"`{self.script}` in {rel(Path(self.config))}, line {self.line}"
        return f"script `{self.script}` of {rel(Path(self.package_dir) / 'package.json')}"

    @property
    def bundler(self) -> str:
        """The bundler that makes the output, as the messages name it: esbuild for the tools that
        run it for their users (Nx's executor, CDK's NodejsFunction, SAM, serverless-esbuild); for
        Vite's bundle of its configuration, the one Vite runs (Rolldown, or esbuild before Vite 8)."""
        if self.loads_config:
            return self.how
        return "esbuild" if self.tool in ("Nx", "NodejsFunction", "SAM", "serverless-esbuild") else self.tool

    @property
    def is_cjs(self) -> bool:
        """Does the build make CommonJS (or UMD, which is CommonJS in Node): its imports of
        externals are require() calls?"""
        return "cjs" in self.formats or "umd" in self.formats

    @property
    def kind(self) -> str:
        """"CommonJS" or "UMD": the build's output that require()s."""
        return "CommonJS" if "cjs" in self.formats or "umd" not in self.formats else "UMD"

    @property
    def refuses_tla(self) -> str:
        """Why the bundler refuses a top-level await: "target" (esbuild's target environment
        has none: :attr:`lacks_tla`; esbuild says so first), else the output format ("cjs",
        "iife", "umd", "amd"), or ""."""
        if self.zone or self.lacks_tla:
            return "target"
        if self.experiment_off:
            return "experiment"
        return next((f for f in self.formats if f in ("cjs", "iife", "umd", "amd")), "")

    @property
    def lacks_tla(self) -> tuple[str, ...]:
        """The targets of the build that have no top-level await, or ()."""
        return missing_tla(self.target) if self.target else ()

    @property
    def refused_in(self) -> str:
        """The name of :attr:`refuses_tla`'s format: "CommonJS", "IIFE", "UMD", "AMD"."""
        return {"cjs": "CommonJS", "iife": "IIFE", "umd": "UMD", "amd": "AMD"}.get(self.refuses_tla, "")

    @property
    def build_name(self) -> str:
        """"tsup's CommonJS build" (by the format that refuses), "tsup's build" (by its target)."""
        if self.packages_only:
            return f"{self.tool}'s dev server"
        if self.loads_config:
            return f"{self.tool}'s CommonJS bundle of its configuration"
        kind = self.refused_in
        return f"{self.tool}'s {kind} build" if kind else f"{self.tool}'s build"

    @property
    def outcome(self) -> str:
        """What the refusal makes of the build: "that build fails"."""
        # (Vite 6's dev server exits when pre-bundling fails: right after it says it is ready,
        # as it pre-bundles what its scan of the pages finds, or before, for `optimizeDeps.include`)
        if self.loads_config:
            return f"{self.tool} fails to load its configuration, so " + (
                "it runs no test" if self.tool == "Vitest" else "every `vite` command (dev, build, preview) fails")
        return "the dev server exits as it starts (it pre-bundles the app's packages then)" if self.packages_only \
            else "that build fails"

    @property
    def verb(self) -> str:
        """"bundles", "compiles" (each file alone), "pre-bundles" (Vite's dev server)."""
        return "pre-bundles" if self.packages_only else "bundles" if self.bundle else "compiles"

    @property
    def refusal(self) -> str:
        """Who refuses a top-level await, and why: "esbuild refuses a top-level await in
        CommonJS", "… for its target (`--target=es2020`)", Angular's with Zone.js."""
        if self.zone:
            return ("with Zone.js among its polyfills, Angular has esbuild compile async/await down to a form "
                    "Zone.js can follow, which a top-level await has not, so esbuild refuses it")
        if self.experiment_off:
            return ("webpack before 5.83 parses a top-level await only with `experiments.topLevelAwait` on, which "
                    "this configuration does not set")
        if self.refuses_tla == "target":  # (Vite 7 and before: esbuild, as it transpiles the chunks)
            return f"esbuild refuses a top-level await for its target ({self.target_from})"
        if self.loads_config:  # (Vitest's too: Vite's loader)
            return f"Vite ({self.bundler}) refuses a top-level await in {self.refused_in}"
        # (Vite 8 bundles with Rolldown; Vite 7 and before, whose builds say so in `how`, with Rollup)
        refuser = {"Vite": f"Vite ({self.how or 'Rolldown'})", "Rollup": "Rollup", "Rolldown": "Rolldown",
                   "pkgroll": "Rollup", "unbuild": "Rollup",
                   "electron-vite": "Vite (Rolldown)", "tsdown": "Rolldown", "Bun": "Bun"}.get(self.tool, "esbuild")
        return f"{refuser} refuses a top-level await in {self.refused_in}"

    @property
    def refusal_fix(self) -> str:
        """What makes the build take the await, where its target refuses it ("" for a format)."""
        if self.zone:
            return ("; move the await into an async function, or make the app zoneless (no \"zone.js\" in "
                    "`polyfills`, `provideZonelessChangeDetection()`)")
        if self.loads_config:
            return "; move the await into an async function, or " + self.esm_advice
        if self.experiment_off:
            return ("; set `experiments: { topLevelAwait: true }` in the configuration, or upgrade webpack to 5.83 "
                    "or later (where it is on)")
        if self.packages_only:
            return ("; set `optimizeDeps.esbuildOptions.target` to one with top-level await (\"esnext\"), leave the "
                    "package out of pre-bundling (`optimizeDeps.exclude`), or upgrade to Vite 7")
        if self.refuses_tla == "target" and self.tool == "Vite":
            option = "the Nx target's `target` option (over `build.target`)" \
                if self.declared_in is not None and self.inferred_from is None else "`build.target`"
            return (f"; move the await into an async function, or set {option} to one with top-level await "
                    "(\"es2022\", \"esnext\", chrome89, firefox89, safari15 or later)" +
                    (", or upgrade to Vite 7, whose default target has it" if "default" in self.target_from else ""))
        if self.tool == "SAM":  # (esbuild says the target first; the format after)
            parts = ["`Target: es2022` (or later, or node18 and later)"] if self.refuses_tla == "target" else []
            if "cjs" in self.formats or "iife" in self.formats:
                parts.append("`Format: esm`")
            return (f"; move the await into an async function, or set {' and '.join(parts)} in the function's "
                    f"`Metadata.BuildProperties`")
        if self.tool == "serverless-esbuild":
            esm = "`format: esm` (with `outputFileExtension: .mjs`) in `custom.esbuild`"
            if self.refuses_tla != "target":
                return f"; move the await into an async function, or set {esm}"
            return ("; move the await into an async function, or build for a target with top-level await "
                    "(`provider.runtime` nodejs16.x or later, or `target: node14.8` or later in `custom.esbuild`)" +
                    (f" and set {esm}" if "cjs" in self.formats or "iife" in self.formats else ""))
        if self.refuses_tla == "target":
            return ("; move the await into an async function, or build for a target with top-level await (es2022, "
                    "chrome89, firefox89, safari15, node14.8 or later)")
        if self.tool == "NodejsFunction":  # (Lambda runs an ES module handler, which waits: Node 14 and later)
            return "; move the await into an async function, or bundle an ES module (" + self.esm_flag + ")"
        return ""

    @property
    def tla_refusal(self) -> str:
        """The bundler's words refusing a top-level await (in :attr:`refuses_tla`'s format)."""
        if self.refuses_tla == "experiment":  # (webpack's words, "enabled it" as it spells them)
            return "The top-level-await experiment is not enabled (set experiments.topLevelAwait: true to enabled it)"
        if self.refuses_tla == "target":
            shown = ", ".join(f'"{t}"' for t in sorted(self.target))  # (esbuild names them all, sorted)
            # (Vite adds two features of its own to esbuild's `supported`: its "overrides")
            overrides = " + 2 overrides" if self.tool == "Vite" else ""
            return "Top-level await is not available in the configured target environment" + \
                (f" ({shown}{overrides})" if shown else "")
        if self.loads_config and self.bundler == "esbuild":  # (Vite 6 and 7 bundle it with esbuild)
            return f"Top-level await is currently not supported with the \"{self.refuses_tla}\" output format"
        if self.tool in ("Vite", "Rollup", "Rolldown", "electron-vite", "pkgroll", "unbuild") or self.loads_config:
            return f"Module format \"{self.refuses_tla}\" does not support top-level await"
        if self.tool == "Bun":  # (Bun 1.4; in TypeScript a syntax error after the await may come first)
            return "\"await\" can only be used inside an \"async\" function"
        if self.tool == "tsdown":  # (the Rolldown of tsdown 0.21)
            return f"Top-level await is currently not supported with the '{self.refuses_tla}' output format"
        return f"Top-level await is currently not supported with the \"{self.refuses_tla}\" output format"

    @property
    def esm_advice(self) -> str:
        """What makes the build ES modules only, in words: "build ES modules only (`--format=esm`)",
        or the name that makes Vite bundle its configuration as an ES module."""
        if self.loads_config:
            from .vite_config import es_module_name  # (it builds these: imports this module)
            name = es_module_name(os.path.basename(self.entries[0]))
            # (a .cts/.cjs file is CommonJS by its extension, whatever the package says)
            alt = "" if self.entries[0].endswith((".cts", ".cjs")) else " (or make the package `\"type\": \"module\"`)"
            return (f"name the file `{name}`{alt}: "
                    f"{self.tool} then bundles it as an ES module and loads it with import()")
        return f"build ES modules only ({self.esm_flag})"

    @property
    def esm_flag(self) -> str:
        """How the command (or configuration) asks for ES modules only."""
        if self.tool == "electron-vite":
            return '`"type": "module"` in package.json'
        if self.tool == "Vite":
            return '`build.lib.formats: ["es"]`'
        if self.tool in ("Rollup", "Rolldown"):
            es = "es" if self.tool == "Rollup" else "esm"
            return f'`output.format: "{es}"`' if self.config is not None else f"`--format {es}`"
        if self.config is not None and self.tool == "esbuild":
            return '`format: "esm"`'  # (esbuild's JavaScript API, in a build script)
        if self.tool == "Nx":
            return '`"format": ["esm"]`'  # (the target's options)
        if self.tool == "NodejsFunction":
            return "`bundling: { format: OutputFormat.ESM }` in its props"
        if self.tool == "SAM":
            return ("`Format: esm` in the function's `Metadata.BuildProperties`, with a `Target` that has top-level "
                    "await (es2022 or later)")
        if self.tool == "serverless-esbuild":
            return "`format: esm` (with `outputFileExtension: .mjs`) in `custom.esbuild`"
        if self.tool in ("pkgroll", "unbuild"):  # (its outputs are package.json's)
            return ("no CommonJS output in package.json (no `require` condition, `.cjs` file or `main` of a "
                    "package without `\"type\": \"module\"`)" +
                    (f", and no `rollup.emitCJS: true` in {os.path.basename(self.config)}" if self.config else ""))
        if self.tool == "Bun" and self.config is not None:  # (`Bun.build({…})` in a build script)
            return '`format: "esm"`, without `bytecode: true`' if self.bytecode else '`format: "esm"`'
        if self.tool == "Bun":  # (Bun's default; `--bytecode` needs CommonJS without `--compile`)
            return "`--format=esm`, without `--bytecode`" if self.bytecode else "`--format=esm`"
        return "`--format=esm`" if self.tool == "esbuild" else "`--format esm`"

    @property
    def throws(self) -> str:
        """Who throws when the bundle require()s an async module, in its words: "Node throws
        ERR_REQUIRE_ASYNC_MODULE", or Bun's TypeError (`--target=bun`, `--compile`; Bun 1.4
        throws where the await is still waiting as require() returns: an await of I/O or a timer)."""
        if self.runtime == "bun":
            return "Bun throws \"TypeError: require() async module … is unsupported\""
        return "Node throws ERR_REQUIRE_ASYNC_MODULE"

    @property
    def external_shown(self) -> list[str]:
        """The external patterns as `--print-config` shows them: names, `/regex/flags`, the
        source of a function."""
        return [v for k, v in self.external if k in ("name", "wildcard", "exact")] + \
            ["/{}/{}".format(*v.split("\x00", 1)) for k, v in self.external if k == "regex"] + \
            [json.loads(v)[0] for k, v in self.external if k == "fn"]

    @property
    def tests_resolved(self) -> bool:
        """Does the build test its `external` against the file an import resolves to as well
        (Rollup and Vite do, once a plugin has resolved it: a regular expression or a
        function can match the path; node-resolve, or Vite itself, resolves packages)?"""
        return self.tool in ("Rollup", "Rolldown", "Vite") and not self.every_package and \
            any(kind in ("fn", "regex") for kind, _ in self.external)

    def keeps_external(self, specifier: str, resolved: Optional[str] = None) -> bool:
        """Does the build leave ``specifier`` (which resolves to the file ``resolved``, when
        known) to `require()` when the bundle runs?"""
        if _matches(specifier, self.no_external):
            return False
        if _matches(specifier, self.external):
            return True
        if resolved is not None and self.tests_resolved and \
                _matches(resolved, tuple(p for p in self.external if p[0] in ("fn", "regex"))):
            return True  # (Rollup asks `external` again with the resolved path, and keeps the import as written)
        return self.every_package and not _NOT_A_PACKAGE.match(specifier)


_READS: dict[tuple[str, str, str], tuple[object, tuple]] = {}


def read_once(kind: str, path: str, text: str, read: Callable[[], object], failed: Callable[[str], object],
              reread: Optional[Callable[[str], Optional[str]]] = None):
    """``read()`` of the build file ``path`` (its ``text``), remembered for that text (the
    builds are looked for on every recompute, a keystroke's too) and for the texts of the JSON
    files the reading loaded (the package's manifest an `external` lists; ``reread`` reads them
    again); ``failed(why)`` where the reading raises (a strange file is not read, never a
    crash)."""
    key = (kind, path, text)
    hit = _READS.get(key)
    if hit is not None and (not hit[1] or reread is not None and all(reread(p) == t for p, t in hit[1])):
        return hit[0]
    with tracking() as loaded:
        try:
            got = read()
        except Exception as e:  # pragma: no cover - defensive
            got = failed(f"it could not be read ({type(e).__name__})")
    if len(_READS) > 256:
        _READS.clear()
    _READS[key] = (got, tuple(loaded))
    return got


def _matches(specifier: str, patterns: tuple[tuple[str, str], ...]) -> bool:
    for kind, value in patterns:
        if kind == "exact":  # (Rollup's and Rolldown's `external` strings: that import only)
            if specifier == value:
                return True
        elif kind == "name":
            if specifier == value or specifier.startswith(value + "/") or specifier.startswith(value + "\\"):
                return True
        elif kind == "wildcard":  # (esbuild's `--external:@aws-sdk/*`: one `*`, any text)
            head, _, tail = value.partition("*")
            if len(specifier) >= len(head) + len(tail) and specifier.startswith(head) and specifier.endswith(tail):
                return True
        elif kind == "fn":  # (Rollup's and Rolldown's `external` function, read: computed.py)
            if predicate_matches(value, specifier):
                return True
        else:
            pattern = _pattern(*value.split("\x00", 1))
            if pattern is not None and pattern.search(specifier):
                return True
    return False


@dataclass
class _Cli:
    entries: list[str] = field(default_factory=list)
    named: list[str] = field(default_factory=list)  # --entry.NAME (then the files are not entries)
    formats: Optional[list[str]] = None
    external: Optional[list[str]] = None
    config: Optional[str] = None
    no_config: bool = False
    target: Optional[str] = None


def _parse(words: list[str]) -> _Cli:
    cli = _Cli()
    i = 1
    while i < len(words):
        w = words[i]
        if not w.startswith("-") or w == "-":
            cli.entries.append(w)
            i += 1
            continue
        name, eq, value = w.partition("=")
        if name in _VALUED and not eq:
            value = words[i + 1] if i + 1 < len(words) else ""
            i += 1
        elif name in _OPTIONAL and not eq and i + 1 < len(words) and not words[i + 1].startswith("-"):
            i += 1  # (its value, not an entry)
        elif name.startswith("--entry.") and not eq:
            value = words[i + 1] if i + 1 < len(words) else ""
            i += 1
        if name in ("--format", "-f"):
            cli.formats = (cli.formats or []) + [value]
        elif name == "--external":
            cli.external = (cli.external or []) + [value]
        elif name == "--config":
            cli.config = value
        elif name == "--no-config":
            cli.no_config = True
        elif name == "--target":
            cli.target = value
        elif name.startswith("--entry.") and value:
            cli.named.append(value)
        i += 1
    if cli.named:
        cli.entries = cli.named
    # (one value is a comma-separated list, several are taken as they are: tsup's ensureArray)
    if cli.formats is not None and len(cli.formats) == 1:
        cli.formats = [f for f in cli.formats[0].split(",") if f]
    if cli.external is not None and len(cli.external) == 1:
        cli.external = [x for x in cli.external[0].split(",") if x]
    return cli


def _find_config(package_dir: str, is_file: Callable[[str], bool],
                 read: Callable[[str], Optional[str]], tool: str = "tsup") -> Optional[str]:
    """tsup's configuration file for a build run in ``package_dir``: the first of its names in
    that folder or above, or a package.json there with a "tsup" key (tsdown's: its names)."""
    d = package_dir
    while True:
        for n in (TSDOWN_NAMES if tool == "tsdown" else TSUP_NAMES):
            if is_file(os.path.join(d, n)):
                return os.path.join(d, n)
        pkg = os.path.join(d, "package.json")
        if tool == "tsup" and is_file(pkg):
            try:
                data = json.loads(read(pkg) or "")
            except ValueError:
                data = None
            if isinstance(data, dict) and "tsup" in data:
                return pkg
        parent = os.path.dirname(d)
        if parent == d:
            return None
        d = parent


def options_object(reader):
    """The options a tsup (tsdown) configuration file exports (`export default defineConfig({…})`,
    `export default {…}`, `module.exports = …`, through a constant), unwrapped: an `object` node
    where they are an object literal; None where nothing is exported."""
    from .bundler import _text
    from .computed import arguments_of

    cfg = reader._default_export()
    if cfg is None:
        # `module.exports = {…}`
        for stmt in reader.root.named_children:
            expr = stmt.named_children[0] if stmt.type == "expression_statement" and stmt.named_children else None
            if expr is not None and expr.type == "assignment_expression" and \
                    _text(expr.child_by_field_name("left"), reader.src) == "module.exports":
                cfg = reader._unwrap(expr.child_by_field_name("right"))
    if cfg is not None and cfg.type == "call_expression":
        argv = arguments_of(cfg)
        cfg = reader._unwrap(argv[0]) if argv else None
    return cfg


def _read_config(path: str, read: Callable[[str], Optional[str]]) -> dict:
    """The literal options of a tsup configuration: entry (list of strings), format,
    external, noExternal (lists of ("name"|"regex", value)), skipNodeModulesBundle."""
    text = read(path)
    if text is None:
        raise _Unread("it cannot be read")
    if path.endswith(".json"):
        try:
            data = json.loads(text)
        except ValueError:
            raise _Unread("it is not JSON")
        if path.endswith("package.json"):
            data = data.get("tsup") if isinstance(data, dict) else None
        if not isinstance(data, dict):
            raise _Unread("it is not an object")
        out: dict = {}
        for key in ("entry", "format"):
            v = data.get(key)
            if v is not None:
                v = list(v.values()) if isinstance(v, dict) else [v] if isinstance(v, str) else v
                if not isinstance(v, list) or not all(isinstance(x, str) for x in v):
                    raise _Unread(f"its `{key}` is not read")
                out[key] = v
        for key in ("external", "noExternal"):
            v = data.get(key)
            if v is not None:
                if not isinstance(v, list) or not all(isinstance(x, str) for x in v):
                    raise _Unread(f"its `{key}` is not read")
                out[key] = [("name", x) for x in v]
        if data.get("target") is not None:
            out["target"] = target_words(data["target"])  # (None: not read)
        if data.get("skipNodeModulesBundle") is True:
            out["skipNodeModulesBundle"] = True
        if data.get("bundle") is False:
            out["bundle"] = False
        return out
    from .bundler import _Reader, _text

    reader = _Reader(path, text, read)
    cfg = options_object(reader)
    if cfg is None or cfg.type != "object":
        raise _Unread("its options are not an object literal (a list of builds, or a function)")
    out = {}
    for pair in cfg.named_children:
        if pair.type == "comment":
            continue
        key = reader._key(pair) if pair.type == "pair" else None
        if key is None:
            raise _Unread(f"`{_text(pair, reader.src)[:40]}` in its options is not read")
        if key == "deps":  # (tsdown's: `neverBundle` its external, `alwaysBundle` its noExternal)
            deps = reader._unwrap(pair.child_by_field_name("value"))
            if deps is None or deps.type != "object":
                raise _Unread("its `deps` is not an object literal")
            for inner in deps.named_children:
                name = reader._key(inner) if inner.type == "pair" else None
                if inner.type == "comment" or name in ("onlyBundle", "onlyAllowBundle"):
                    continue  # (what may be bundled: warnings and errors of its own)
                value = reader._unwrap(inner.child_by_field_name("value")) if name is not None else None
                if name in ("neverBundle", "alwaysBundle"):
                    out["external" if name == "neverBundle" else "noExternal"] = [
                        ("name" if kind == "exact" else kind, v) for kind, v in reader.literal_patterns(value, name)]
                elif name == "skipNodeModulesBundle" and value is not None and value.type in ("true", "false"):
                    out[name] = value.type == "true"
                else:
                    raise _Unread(f"`{_text(inner, reader.src)[:40]}` in its `deps` is not read")
            continue
        if key not in ("entry", "format", "external", "noExternal", "skipNodeModulesBundle", "bundle", "target"):
            continue
        value = reader._unwrap(pair.child_by_field_name("value"))
        if key in ("skipNodeModulesBundle", "bundle"):
            if value is None or value.type not in ("true", "false"):
                raise _Unread(f"its `{key}` is not a literal")
            out[key] = value.type == "true"
            continue
        if key in ("external", "noExternal"):
            # (a string is a package name here, its subpaths too: tsup's meaning)
            out[key] = [("name" if kind == "exact" else kind, v) for kind, v in reader.literal_patterns(value, key)]
            continue
        items = value.named_children if value is not None and value.type in ("array", "object") else [value]
        got: list = []
        for item in items:
            if item is not None and item.type == "comment":
                continue
            if item is not None and item.type == "pair" and key == "entry":
                item = reader._unwrap(item.child_by_field_name("value"))  # ({name: file})
            item = reader._unwrap(item)
            if item is not None and item.type == "string":
                got.append(reader._string(item))
            elif key == "target":
                got = None  # (not read: no refusal said, and not the tsconfig's either)
                break
            else:
                raise _Unread(f"its `{key}` is not written as literals")
        out[key] = (target_words(got) if got is not None else None) if key == "target" else got
    return out


def _dependencies(manifest: dict) -> list[str]:
    names: dict[str, None] = {}
    for sec in ("dependencies", "peerDependencies"):
        v = manifest.get(sec)
        if isinstance(v, dict):
            names.update((k, None) for k in v if isinstance(k, str))
    return list(names)


def package_cjs_builds(manifest: dict, package_dir: str, is_file: Callable[[str], bool],
                       read: Callable[[str], Optional[str]], every_format: bool = False) -> list[CjsBuild]:
    """The CommonJS builds the npm scripts of the package.json ``manifest`` (of
    ``package_dir``) make with tsup or esbuild (its command line, or its JavaScript API in a
    script they run: :mod:`esbuild_api`), each with its entries and what it keeps external.
    ``every_format``: the bundles in other formats too (esbuild compiles their TypeScript, not
    tsc)."""
    from .babel import babel_builds, babel_register_runs
    from .esbuild_api import script_builds
    from .rollup import rolldown_builds, rollup_builds
    from .electron_vite import electron_vite_builds
    from .pkglib import pkglib_builds
    from .swc import swc_builds
    from .vite_lib import vite_builds

    scripts = manifest.get("scripts")
    if not isinstance(scripts, dict):
        return []
    out: list[CjsBuild] = script_builds(scripts, package_dir, is_file, read)
    out += vite_builds(scripts, package_dir, is_file, read)
    out += rollup_builds(scripts, package_dir, is_file, read)
    out += rolldown_builds(scripts, package_dir, is_file, read)
    out += pkglib_builds(scripts, manifest, package_dir, is_file, read)
    out += babel_builds(scripts, package_dir, is_file, read, manifest)
    out += babel_register_runs(scripts, package_dir, is_file, read, manifest)
    out += swc_builds(scripts, package_dir, is_file, read)
    out += electron_vite_builds(scripts, manifest, package_dir, is_file, read)
    for name, words in script_commands(scripts, "tsup", "esbuild", "tsdown", "bun"):
        tsup = program_words(words, ("tsup", "tsup-node", "esbuild", "tsdown", "bun"))
        if tsup is None:
            continue
        if os.path.basename(tsup[0]) == "bun":
            build = _bun_build(name, tsup, package_dir)
            if build is not None:
                out.append(build)
            continue
        if os.path.basename(tsup[0]) == "esbuild":
            build = _esbuild(name, tsup, package_dir)
            if build is not None:
                out.append(build)
            continue
        out.append(_build(name, tsup, manifest, package_dir, is_file, read,
                          "tsdown" if os.path.basename(tsup[0]) == "tsdown" else "tsup"))
    return out if every_format else [b for b in out if b.is_cjs or (b.unread and b.tool != "tsup")]


def _esbuild(script: str, words: list[str], package_dir: str) -> Optional[CjsBuild]:
    """esbuild's command line: a bundle (`--bundle`) in CommonJS (`--format=cjs`, or the
    default for `--platform=node`) keeps the packages `--external:NAME` names (also their
    subpaths; one `*` matches any text) and, with `--packages=external`, every package."""
    entries: list[str] = []
    bundle = False
    platform = "browser"
    fmt = None
    external: list[tuple[str, str]] = []
    every = False
    target = ""
    for w in words[1:]:
        if not w.startswith("-"):
            entries.append(w.split("=", 1)[1] if "=" in w else w)  # (`out=src/in.ts`)
            continue
        name, _, value = w.partition("=")
        if name == "--bundle":
            bundle = True
        elif name == "--platform":
            platform = value
        elif name == "--format":
            fmt = value
        elif name == "--packages":
            every = value == "external"
        elif name == "--target":
            target = value
        elif w.startswith("--external:"):
            pattern = w[len("--external:"):]
            external.append(("wildcard" if "*" in pattern else "name", pattern))
    if not entries:
        return None
    words = target_words(target) or ()
    if not bundle:
        # each file compiled alone: converted to CommonJS only when asked (`--format=cjs`); in
        # its own format, a build only where its target refuses a top-level await
        if fmt == "cjs":
            return CjsBuild(script, package_dir, tuple(entries), formats=("cjs",), tool="esbuild", bundle=False)
        return CjsBuild(script, package_dir, tuple(entries), formats=(fmt or "esm",), tool="esbuild", bundle=False,
                        target=words, target_from=f"`--target={target}`") if missing_tla(words) else None
    fmt = fmt or ("cjs" if platform == "node" else "iife")
    return CjsBuild(script, package_dir, tuple(entries), tuple(external), (), every, None, None, (fmt,), "esbuild",
                    target=words, target_from=f"`--target={target}`" if target else "")


# `bun build`'s options with a value (the next word, when not written `--opt=value`; checked
# with Bun 1.4: `--sourcemap` takes one only after `=`)
_BUN_VALUED = frozenset({
    "--target", "--outdir", "--outfile", "--metafile", "--metafile-md", "--banner", "--footer", "--format",
    "--root", "--public-path", "-e", "--external", "--allow-unresolved", "--packages", "--entry-naming",
    "--chunk-naming", "--asset-naming", "--conditions", "--env", "--compile-exec-argv", "--bytecode-order",
    "--compile-jit-policy", "--compile-executable-path", "--asset", "--bytecode-depth", "--min-chunk-size",
    "--windows-icon", "--windows-title", "--windows-publisher", "--windows-version", "--windows-description",
    "--windows-copyright", "-d", "--define", "-l", "--loader", "--tsconfig-override", "--drop", "--feature",
    "--jsx-factory", "--jsx-fragment", "--jsx-import-source", "--jsx-runtime", "--main-fields",
    "--extension-order", "--cwd", "-c", "--config",
})


def _bun_build(script: str, words: list[str], package_dir: str) -> Optional[CjsBuild]:
    """`bun build FILES` (Bun 1.4's bundler): a bundle in CommonJS (`--format=cjs`, or the default
    with `--bytecode`) or IIFE, where Bun refuses a top-level await ("\"await\" can only be used
    inside an \"async\" function"); it keeps external what `-e`/`--external NAME` (also its
    subpaths; `*` matches any text; one name per option) and `--packages=external` say, and
    bundles every other package. ES modules (its default), and `--no-bundle` (each file
    transpiled alone, in its own module syntax whatever `--format` says), are not builds here.
    `--target=bun` and `--compile` make output Bun runs."""
    if len(words) < 2 or words[1] != "build":
        return None
    entries: list[str] = []
    fmt = None
    target = "browser"
    external: list[tuple[str, str]] = []
    every = False
    bundle = True
    compile_ = bytecode = False
    i = 2
    while i < len(words):
        w = words[i]
        i += 1
        if not w.startswith("-") or w == "-":
            entries.append(w)
            continue
        opt, eq, value = w.partition("=")
        if opt in _BUN_VALUED and not eq:
            if i >= len(words):
                break
            value = words[i]
            i += 1
        if opt == "--format":
            fmt = value
        elif opt == "--target":
            target = value
        elif opt in ("-e", "--external") and value:
            external.append(("wildcard" if "*" in value else "name", value))
        elif opt == "--packages":
            every = value == "external"
        elif opt == "--no-bundle":
            bundle = False
        elif opt == "--compile":
            compile_ = True
        elif opt == "--bytecode":
            bytecode = True
    fmt = fmt or ("cjs" if bytecode else "esm")
    if not entries or not bundle or fmt not in ("cjs", "iife"):
        return None
    return CjsBuild(script, package_dir, tuple(entries), tuple(external), (), every, formats=(fmt,), tool="Bun",
                    runtime="bun" if target == "bun" or compile_ else "", bytecode=bytecode and not compile_)


def _build(script: str, words: list[str], manifest: dict, package_dir: str,
           is_file: Callable[[str], bool], read: Callable[[str], Optional[str]], tool: str = "tsup") -> CjsBuild:
    """tsup's build (or tsdown's: ES modules by default, src/index.ts without entries, Rolldown
    underneath; its dependencies kept external as tsup keeps them)."""
    cli = _parse(words)
    conf_path = None
    opts: dict = {}
    unread = None
    if not cli.no_config:
        conf_path = os.path.normpath(os.path.join(package_dir, cli.config)) if cli.config else \
            _find_config(package_dir, is_file, read, tool)
        if conf_path is not None:
            try:
                opts = _read_config(conf_path, read)
            except _Unread as e:
                unread = f"{os.path.basename(conf_path)}: {e}"
            except Exception as e:  # pragma: no cover - defensive: a strange file is not read
                unread = f"{os.path.basename(conf_path)}: could not be read ({type(e).__name__})"
    entries = cli.entries or opts.get("entry") or []
    formats = cli.formats or opts.get("format") or (["esm"] if tool == "tsdown" else ["cjs"])
    if tool == "tsdown":
        formats = ["cjs" if f in ("cjs", "commonjs") else "esm" if f in ("es", "esm", "module") else f for f in formats]
        if not entries and is_file(os.path.join(package_dir, "src", "index.ts")):
            entries = ["src/index.ts"]
    external: list[tuple[str, str]] = [("name", d) for d in _dependencies(manifest)]
    if cli.external is not None:
        external += [("name", x) for x in cli.external if not x.endswith("package.json")]
    else:
        external += [x for x in opts.get("external", []) if not (x[0] == "name" and x[1].endswith("package.json"))]
    every = os.path.basename(words[0]) == "tsup-node" or bool(opts.get("skipNodeModulesBundle"))
    if not entries and unread is None:
        unread = "no entry"
    # (none set: tsup takes the tsconfig's, which the project fills in, else node16, which has
    # top-level await)
    target, target_from = (target_words(cli.target) or (), f"`--target {cli.target}`") if cli.target else \
        (opts["target"] or (), f"`target` of {os.path.basename(conf_path or '')}") if "target" in opts else ((), "")
    if tool == "tsdown":  # (its `target` is Rolldown's, which lets a top-level await through)
        target, target_from = (), ""
    return CjsBuild(script, package_dir, tuple(entries), tuple(external), tuple(opts.get("noExternal", [])),
                    every, conf_path, unread, tuple(formats), tool=tool, bundle=opts.get("bundle", True),
                    target=target, target_from=target_from)
