"""The `tla-lens` command: check, explain, graph.

Exit codes: 0 clean; 1 when there are errors (or more warnings than --max-warnings);
2 on usage errors or a bad configuration (which is reported, and the defaults are used).
"""
from __future__ import annotations

import argparse
import gc
import os
import sys
import time
from pathlib import Path
from typing import Optional, Sequence

from . import __version__
from .config import Config, find_config, load_file
from .problems import Problem
from .text import printable

EPILOG = """\
commands: check, explain, graph, serve (the language server)
codes: async-import, require-async, top-level-await, async-cycle, async-entry, unresolved-import
config: tla-lens.json (JSONC) or "tlaLens" in package.json, found from the root upward
exit status: 0 clean, 1 errors (or warnings over --max-warnings), 2 usage or config error
"""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # exit 2 with usage, as argparse does, but clearer
        self.print_usage(sys.stderr)
        self.exit(2, f"tla-lens: error: {message}\n")


def _parser() -> argparse.ArgumentParser:
    p = _Parser(prog="tla-lens", description="Shows which ES modules are async modules "
                "(top-level await, and every module that imports one) and why.",
                epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--version", action="version", version=f"tla-lens {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    def common(sp: argparse.ArgumentParser) -> None:
        sp.add_argument("--config", metavar="FILE", type=Path,
                        help="configuration file (default: tla-lens.json or package.json "
                             "\"tlaLens\" found from the root upward)")
        sp.add_argument("--condition", dest="conditions", action="append", default=[],
                        metavar="NAME", help="extra package.json export condition (repeatable)")
        sp.add_argument("--no-cache", dest="cache", action="store_false",
                        help="do not use the facts cache in $XDG_CACHE_HOME/tla-lens")
        sp.add_argument("--jobs", "-j", type=int, default=0, metavar="N",
                        help="processes for parsing (default: one per core)")

    c = sub.add_parser("check", help="report imports that pull in async modules (like a linter)",
                       description="Analyse a project and print every import that pulls in an "
                                   "async module, with the chain down to the await.")
    c.add_argument("paths", nargs="*", type=Path, metavar="PATH",
                   help="project folder, or files/folders inside it (default: .)")
    c.add_argument("--format", choices=("text", "json", "sarif", "github", "gitlab"), default="text")
    c.add_argument("--max-warnings", type=int, default=-1, metavar="N",
                   help="exit 1 when there are more than N warnings (default: no limit)")
    c.add_argument("--color", choices=("auto", "always", "never"), default="auto")
    c.add_argument("--quiet", action="store_true", help="report errors only")
    c.add_argument("--print-config", action="store_true",
                   help="print the configuration in effect, with the aliases read from Vite/webpack "
                        "configurations, as JSON, and exit (nothing is analysed)")
    g = c.add_argument_group("bulk suppressions (the findings a project already has, so that CI fails "
                             "only on new ones)")
    g.add_argument("--suppress-all", action="store_true",
                   help="record every error and warning found now in the suppressions file")
    g.add_argument("--suppress-code", action="append", default=[], metavar="CODE",
                   help="record the errors and warnings of CODE (repeatable)")
    g.add_argument("--prune-suppressions", action="store_true",
                   help="remove the suppressions that no longer match a finding")
    g.add_argument("--pass-on-unpruned-suppressions", action="store_true",
                   help="do not fail because of suppressions that no longer match a finding")
    g.add_argument("--suppressions-location", type=Path, metavar="FILE",
                   help="the suppressions file (default: tla-lens-suppressions.json in the project root)")
    common(c)

    e = sub.add_parser("explain", help="explain why one module is async (or that it is not)",
                       description="Explain why one module is async: the shortest chain of imports "
                                   "from it down to a top-level await.")
    e.add_argument("file", type=Path, metavar="FILE", help="the module to explain")
    e.add_argument("--root", type=Path, help="project root (default: found from FILE upward)")
    common(e)

    g = sub.add_parser("graph", help="draw the async part of the module graph",
                       description="Print the async modules and the imports between them as a "
                                   "Graphviz (dot) or Mermaid graph; modules with a top-level await "
                                   "are marked.")
    g.add_argument("path", nargs="?", type=Path, default=Path("."), metavar="PATH",
                   help="project folder (default: .)")
    g.add_argument("--format", choices=("dot", "mermaid"), default="dot",
                   help="graph language (default: dot)")
    common(g)

    s = sub.add_parser("serve", help="run the language server (stdio by default)",
                       description="Run the tla-lens language server over stdio (what editors "
                                   "launch), or over TCP for debugging.")
    s.add_argument("--stdio", action="store_true", help="use stdio (the default)")
    s.add_argument("--tcp", type=int, metavar="PORT", help="listen on 127.0.0.1:PORT instead")
    return p


_ROOT_MARKERS = ("tla-lens.json", "package.json", "tsconfig.json", "jsconfig.json", "deno.json", "deno.jsonc", ".git")


def _project_root(start: Path) -> Path:
    """The nearest folder at or above ``start`` with a project file (package.json, tsconfig,
    deno.json, tla-lens.json); a folder with an index.html and no project file (a buildless
    app, whose page's import map applies) below the repository's root (.git) wins over it.
    Without either: the working folder when ``start`` is below it, else ``start``'s folder."""
    d = start if start.is_dir() else start.parent
    page = None
    for folder in (d, *d.parents):
        if any((folder / m).exists() for m in _ROOT_MARKERS if m != ".git"):
            return folder
        if page is None and (folder / "index.html").is_file():
            page = folder
        if (folder / ".git").exists():
            return page or folder
    if page is None:
        # no project file above it: the folder tla-lens runs in, when the file is inside it
        cwd = Path.cwd().resolve()
        if cwd in d.parents:
            return cwd
    return page or d


def _load_config(args, root: Path) -> tuple[Config, list[Problem], bool]:
    path = args.config if args.config else find_config(root)
    if args.config and not args.config.exists():
        return Config(), [Problem(args.config, "configuration file not found; using the defaults",
                                  severity="error")], True
    config, problems = (load_file(path.resolve()) if path else (Config(), []))
    if args.conditions:
        from dataclasses import replace
        config = replace(config, conditions=tuple(dict.fromkeys(config.conditions + tuple(args.conditions))))
    bad = any(p.severity == "error" for p in problems)
    return config, problems, bad


class _ProgressBar:
    def __init__(self, stream) -> None:
        self.stream = stream
        self.last = 0.0
        self.started = time.monotonic()
        self.shown = False

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self.last < 0.1 or now - self.started < 0.5:
            return
        self.last = now
        width = 30
        filled = int(width * done / max(total, 1))
        self.stream.write(f"\r  analysing [{'#' * filled}{'.' * (width - filled)}] {done}/{total} files")
        self.stream.flush()
        self.shown = True

    def close(self) -> None:
        if self.shown:
            self.stream.write("\r\x1b[K")
            self.stream.flush()


def _print_problems(problems: Sequence[Problem], root: Path) -> None:
    for p in problems:
        label = {"error": "error", "warning": "warning"}.get(p.severity, "info")
        text = str(p)
        if p.path is not None:
            try:
                text = text.replace(str(p.path), p.path.relative_to(root).as_posix(), 1)
            except ValueError:
                pass
        print(f"tla-lens: {label}: {printable(text, keep_newlines=False)}", file=sys.stderr)


def _analyse(args, root: Path, config: Config, files: Optional[list[Path]] = None):
    from .project import analyse
    bar = _ProgressBar(sys.stderr) if sys.stderr.isatty() else None
    jobs = args.jobs if args.jobs > 0 else (os.cpu_count() or 1)
    try:
        return analyse(root, config, files=files, progress=bar, cache=args.cache, jobs=jobs)
    finally:
        if bar:
            bar.close()


def cmd_check(args) -> int:
    from .project.discover import walk
    paths = [p.resolve() for p in (args.paths or [Path(".")])]
    for p in paths:
        if not p.exists():
            print(f"tla-lens: error: no such file or folder: {p}", file=sys.stderr)
            return 2
    if len(paths) == 1 and paths[0].is_dir():
        root, files = paths[0], None
    else:
        root = _project_root(Path(os.path.commonpath(paths)))
        files = None
    config, problems, bad_config = _load_config(args, root)
    if args.print_config:
        _print_problems(problems, root)
        sys.stdout.write(_config_json(root, config))
        return 2 if bad_config else 0
    if len(paths) > 1 or not paths[0].is_dir():
        files = []
        for p in paths:
            if p.is_dir():
                files += walk(p, config).files
            else:
                files.append(p)
        files = sorted(set(files))
    analysis = _analyse(args, root, config, files)
    from . import report  # (after the analysis: the extraction workers start sooner)
    _print_problems(problems + analysis.problems, analysis.root)
    findings = analysis.findings
    findings, suppressed, unused, status = _suppressions(args, analysis, findings, files)
    if status is not None:
        return status
    if args.quiet:
        findings = [f for f in findings if f.severity == "error"]
    if args.format == "json":
        out = report.json_text(analysis, findings, suppressed)
    elif args.format == "sarif":
        out = report.sarif(analysis, findings)
    elif args.format == "github":
        out = report.github(analysis, findings)
    elif args.format == "gitlab":
        out = report.gitlab(analysis, findings)
    else:
        colour = args.color == "always" or (args.color == "auto" and sys.stdout.isatty()
                                             and not os.environ.get("NO_COLOR"))
        out = report.text(analysis, findings, colour)
        if suppressed:
            out += f"({suppressed} suppressed by {_suppressions_shown(args, analysis.root)})\n"
    sys.stdout.write(out)
    if not any(m.workspace for m in analysis.modules.values()):
        _nothing_found(analysis.root, config, paths)
    if bad_config:
        return 2
    if unused and not args.pass_on_unpruned_suppressions:
        where = ", ".join(f"{f} ({', '.join(sorted(c))})" for f, c in sorted(unused.items())[:5])
        more = f" and {len(unused) - 5} more files" if len(unused) > 5 else ""
        print(f"tla-lens: error: there are suppressions left that do not occur anymore: {where}{more}; "
              f"run with --prune-suppressions to remove them", file=sys.stderr)
        return 1
    n = report.counts(findings)
    if n["error"] or (args.max_warnings >= 0 and n["warning"] > args.max_warnings):
        return 1
    return 0


def _applies_shown(applies: tuple) -> list[dict]:
    """A build's conditions on the files it compiles (CjsBuild.applies), for --print-config."""
    return [{"matches" if wanted else "doesNotMatch": {
        **({"allOf": [[p.pattern for p in group] for group in groups]} if groups else {}),
        **({"noneOf": [p.pattern for p in excludes]} if excludes else {})}} for groups, excludes, wanted in applies]


def _nothing_found(root: Path, config: Config, paths: list[Path]) -> None:
    """Say why a check found no module to analyse: the folders it does not walk, where the
    paths given are (or are in) such folders."""
    skipped = set(config.skip_dirs)
    inside = sorted({part for p in paths if p.is_relative_to(root) for part in p.relative_to(root).parts
                     if part in skipped})
    under = sorted(d.name for p in paths if p.is_dir() for d in _subdirs(p) if d.name in skipped)
    where = ", ".join(str(p) for p in paths)
    why = []
    if inside:
        why.append(f"it is inside {', '.join(f'`{d}`' for d in inside)}, a folder never walked")
    elif under:
        why.append(f"{', '.join(f'`{d}`' for d in under)} {'is a folder' if len(under) == 1 else 'are folders'} "
                   f"never walked")
    if config.exclude:
        why.append(f"`exclude` leaves out {', '.join(f'`{g}`' for g in config.exclude)}")
    print(f"tla-lens: note: no JavaScript or TypeScript module found to analyse in {where}" +
          (f" ({'; '.join(why)}: see the `skipDirs` setting)" if why else ""), file=sys.stderr)


def _subdirs(p: Path) -> list[Path]:
    try:
        return [d for d in p.iterdir() if d.is_dir()]
    except OSError:
        return []


def _suppressions_path(args, root: Path) -> Path:
    from .report.suppressions import FILE_NAME

    return args.suppressions_location.resolve() if args.suppressions_location else root / FILE_NAME


def _suppressions_shown(args, root: Path) -> str:
    p = _suppressions_path(args, root)
    try:
        return p.relative_to(root).as_posix()
    except ValueError:
        return str(p)


def _suppressions(args, analysis, findings: list, files) -> tuple[list, int, dict, Optional[int]]:
    """The bulk suppressions of a check: recorded (--suppress-all, --suppress-code), pruned,
    then applied. (findings reported, how many suppressed, unused suppressions, an exit status
    when the file cannot be used)."""
    from .report import suppressions as sup

    path = _suppressions_path(args, analysis.root)
    try:
        current = sup.load(path)
    except sup.SuppressionsError as e:
        print(f"tla-lens: error: {e}", file=sys.stderr)
        return findings, 0, {}, 2
    analysed = None
    if files is not None:  # (a run of some files: the others' entries are not judged)
        analysed = {k for k in (sup.key_of(p, analysis.root) for p in files) if k is not None}
    changed = False
    if args.suppress_all or args.suppress_code:
        codes = None if args.suppress_all else set(args.suppress_code)
        current = sup.merge(current, sup.counts(findings, analysis.root, codes))
        changed = True
    kept, suppressed, unused = sup.apply(findings, analysis.root, current, analysed)
    if args.prune_suppressions and unused:
        current = sup.prune(current, unused)
        unused = {}
        changed = True
    if changed:
        try:
            sup.save(path, current)
        except OSError as e:
            print(f"tla-lens: error: cannot write {path}: {e.strerror or e}", file=sys.stderr)
            return findings, 0, {}, 2
        print(f"tla-lens: wrote {_suppressions_shown(args, analysis.root)}: "
              f"{sum(v['count'] for c in current.values() for v in c.values())} findings suppressed "
              f"in {len(current)} files", file=sys.stderr)
    return kept, suppressed, unused, None


def _shown_pattern(p: tuple) -> str:
    """A Playwright `testMatch`/`testIgnore` pattern as written: a glob, or `/regex/flags`."""
    return f"/{p[1]}/{p[2]}" if p[0] == "re" else p[1]


def _shown_path(p: str) -> str:
    """A path as a target is written (``./src``), so that it cannot be read as a package name."""
    return p if p.startswith("/") else "./" + p if p != "." else "."


def _config_json(root: Path, config: Config) -> str:
    """The configuration in effect (``config``: a valid tla-lens.json), where it was read from,
    and the aliases of the bundler configurations in the project, each with the folder it
    governs (and, when it is not read, why), the entry points they build from, and the Yarn
    Plug'n'Play manifest and deno.json that resolution follows."""
    import json
    from dataclasses import replace

    from .config import to_dict
    from .project.discover import iter_package_dirs, walk
    from .resolve.bundler import CONFIG_NAMES, ExternalRule, find_config as find_bundler, read_config

    def rel(p: str) -> str:
        try:
            return Path(p).relative_to(root).as_posix() or "."
        except ValueError:
            return p

    # (every folder of the project, whatever include/exclude say: they govern findings, not
    # which configurations resolution reads)
    every = walk(root, replace(config, include=(), exclude=())).files
    folders = sorted({str(f.parent) for f in every if f.name in CONFIG_NAMES})
    bundlers = []
    entries = []
    externals = []
    for folder in folders:
        conf = find_bundler(folder)
        if conf is None:
            continue
        text = Path(conf).read_text(encoding="utf-8", errors="replace")
        read = read_config(conf, text)
        for e in read.entries:
            entries.append({"file": rel(conf), "line": e.line, "kind": e.what, "request": e.request,
                            "base": _shown_path(rel(e.base))})
        if read.entries_unread:
            entries.append({"file": rel(conf), "notRead": read.entries_unread})
        for x in read.externals:
            if isinstance(x, ExternalRule):
                externals.append({"file": rel(conf), "line": x.line, "rule": x.via,
                                  "type": (x.fn_type or x.default) if x.predicate is not None else
                                  x.import_type if x.regex is None else x.default,
                                  **({"notRead": x.unread} if x.unread else {})})
            else:
                externals.append({"file": rel(conf), "line": x.line, "request": x.request, "type": x.kind,
                                  "async": x.is_async})
        for a in read.aliases:
            bundlers.append({"file": rel(a.file or conf), "line": a.line, "name": a.name, "appliesTo": rel(folder),
                             "targets": [_shown_path(rel(t)) if os.path.isabs(t) else t for t in a.targets],
                             **({"ignored": True} if not a.targets and a.unread is None else {}),
                             **({"ignoredBecause": a.ignored} if a.ignored else {}),
                             **({"notRead": a.unread} if a.unread else {})})
    from .resolve.babel import CONFIG_NAMES as BABEL_CONFIGS, module_resolver

    def read_text(path: str) -> Optional[str]:
        try:
            return Path(path).read_text(encoding="utf-8", errors="replace")
        except OSError:
            return None

    roots = []
    for folder in sorted({str(root), *(str(f.parent) for f in every)}):  # (.babelrc is no module: looked for)
        plugin = next((m for m in (module_resolver(os.path.join(folder, n), read_text) for n in BABEL_CONFIGS
                                   if os.path.isfile(os.path.join(folder, n))) if m is not None), None)
        if plugin is None:
            continue
        for name, targets, _ in plugin.aliases:
            bundlers.append({"file": rel(plugin.config), "via": "babel-plugin-module-resolver", "name": name,
                             "appliesTo": rel(folder),
                             "targets": [_shown_path(rel(t)) if os.path.isabs(t) else t for t in targets]})
        if plugin.roots:
            roots.append({"file": rel(plugin.config), "appliesTo": rel(folder),
                          "roots": [_shown_path(rel(r)) for r in plugin.roots], "extensions": list(plugin.extensions)})
    from itertools import chain

    from .resolve import Resolver
    from .resolve.scripts import package_bun_runs, package_node_runs, read_first_line, tsx_script_files
    from .resolve.jest import DEFAULT_TEST_MATCH, package_jest_runs
    from .resolve.nx import workspace_builds
    from .resolve.angular import angular_builds
    from .resolve.cdk import cdk_builds
    from .resolve.sam import sam_builds, sam_folders
    from .resolve.serverless import serverless_builds
    from .resolve.playwright import DEFAULT_TEST_MATCH as PW_DEFAULT_MATCH
    from .resolve.playwright import package_playwright_runs
    from .resolve.tsup import package_cjs_builds
    from .resolve.vite_config import vite_configs

    resolver = Resolver(root)
    runtime = resolver.runtime_files(root)
    # npm scripts that run files with `node`: TypeScript reached from them keeps its imports
    node_scripts = []
    bun_runs: list[dict] = []
    tsup_builds: list[dict] = []
    jest_runs: list[dict] = []
    playwright_runs: list[dict] = []
    vite_loads: list[dict] = []
    for folder in sorted(str(d) for d in iter_package_dirs(root, every)):
        manifest = resolver.package_json_for(Path(folder) / "package.json")
        if manifest is not None and str(manifest[0]) == folder:
            pkg = rel(os.path.join(folder, "package.json"))
            runs, globs = package_node_runs(manifest[1], folder, os.path.isfile, read_first_line)
            node_scripts += [{"file": pkg, "script": r.name, "runs": _shown_path(rel(r.file)),
                              **({"conditions": list(r.conditions)} if r.conditions else {})}
                             for r in runs if r.how == "script"]
            # (`node --test`: the files matching, in that folder)
            node_scripts += [{"file": pkg, "script": script, "tests": pattern} for script, pattern in globs]
            node_scripts += [{"file": pkg, "bin": r.name, "runs": _shown_path(rel(r.file)),
                              **({"conditions": list(r.conditions)} if r.conditions else {})}
                             for r in runs if r.how == "bin"]
            # tsx runs TypeScript as CommonJS in a package without "type": "module"
            node_scripts += [{"file": pkg, "script": name, "runs": _shown_path(rel(f)), "with": "tsx"}
                             for name, f in tsx_script_files(manifest[1].get("scripts"), folder)]
            # Bun drops the imports TypeScript drops, whatever verbatimModuleSyntax says
            for r in package_bun_runs(manifest[1], folder, os.path.isfile, read_first_line,
                                       resolver.fs.read_text):
                what = {"script": "script", "bin": "bin", "field": "field"}[r.how]
                bun_runs.append({"file": pkg, what: r.name, **({"runs": _shown_path(rel(r.file))} if r.file else {}),
                                 **({"tests": list(r.test), "in": _shown_path(rel(r.base))}
                                    if r.test is not None else {})})
            # tsup's and esbuild's builds: in CommonJS their imports of external packages are
            # require() calls; in any format esbuild compiles the TypeScript (not tsc)
            for b in package_cjs_builds(manifest[1], folder, os.path.isfile, resolver.fs.read_text,
                                        every_format=True):
                tsup_builds.append({"file": pkg, "script": b.script, "tool": b.tool, "entries": list(b.entries),
                                    "formats": list(b.formats),
                                    "external": b.external_shown,
                                    **({"noExternal": [v for _, v in b.no_external]} if b.no_external else {}),
                                    **({"everyPackage": True} if b.every_package else {}),
                                    **({"bundle": False} if not b.bundle else {}),
                                    **({"compilesWhatItLoads": True} if b.reaches else {}),
                                    **({"esbuildTarget": list(b.target)} if b.target else {}),
                                    **({"compiles": _applies_shown(b.applies)} if b.applies else {}),
                                    **({"config": rel(b.config)} if b.config else {}),
                                    **({"notRead": b.unread} if b.unread else {})})
            # Vite's own configuration: an ES module it import()s, or CommonJS it require()s
            for vite in vite_configs(manifest[1], folder, os.path.isfile, resolver.fs.read_text):
                vite_loads.append({"tool": vite.tool, "file": rel(vite.file),
                                   "loadedWith": "import()" if vite.esm else "require()", "why": vite.why})
            # AWS CDK's NodejsFunction: esbuild bundles of Lambda handlers, CommonJS by default
            if os.path.isfile(os.path.join(folder, "cdk.json")):
                sources = sorted(str(f) for f in every if f.suffix in (".ts", ".mts", ".cts", ".js", ".mjs", ".cjs")
                                 and str(f).startswith(folder + os.sep) and "node_modules" not in f.parts)
                for b in cdk_builds(folder, sources, os.path.isfile, resolver.fs.read_text):
                    tsup_builds.append({"file": rel(b.config or ""), "construct": b.script, "line": b.line,
                                        "tool": b.tool, "entries": [_shown_path(rel(os.path.join(folder, e)))
                                                                    for e in b.entries],
                                        "formats": list(b.formats), "external": b.external_shown,
                                        **({"everyPackage": True} if b.every_package else {}),
                                        **({"esbuildTarget": list(b.target)} if b.target else {}),
                                        **({"notRead": b.unread} if b.unread else {})})
            # Angular's application builder: esbuild, refusing a top-level await where Zone.js is
            for b in angular_builds(folder, os.path.isfile, resolver.fs.read_text):
                tsup_builds.append({"file": rel(b.config or ""), "target": b.script, "tool": b.tool,
                                    "entries": list(b.entries), "external": b.external_shown, "zoneJs": b.zone,
                                    **({"notRead": b.unread} if b.unread else {})})
            # Jest: its test files run as CommonJS unless in its ES module mode
            for j in package_jest_runs(manifest[1], folder, os.path.isfile, resolver.fs.read_text):
                jest_runs.append({"file": pkg, "script": j.script, "esModules": j.esm,
                                  **({"testRegex": [r.split(chr(0))[0] for r in j.test_regex]} if j.test_regex
                                     else {"testMatch": list(j.test_match)} if j.test_match != DEFAULT_TEST_MATCH
                                     else {}),
                                  **({"roots": list(j.roots)} if j.roots != ("<rootDir>",) else {}),
                                  **({"testPathIgnorePatterns": list(j.ignore)} if j.ignore != ("/node_modules/",)
                                     else {}),
                                  **({"modulePathIgnorePatterns": list(j.module_ignore)} if j.module_ignore else {}),
                                  **({"testPathPatterns": list(j.path_patterns)} if j.path_patterns else {}),
                                  **({"extensionsToTreatAsEsm": list(j.esm_extensions)} if j.esm_extensions else {}),
                                  **({"moduleNameMapper": {source: [rel(n) if os.path.isabs(n) else n for n in names]
                                                           for source, names in j.mapper}} if j.mapper else {}),
                                  **({"moduleNameMapperNotRead": j.mapper_unread} if j.mapper_unread else {}),
                                  **({"setupFiles": [rel(f) for f in j.setup]} if j.setup else {}),
                                  **{option: rel(f) for option, f in j.global_setup},
                                  **({"transform": {}} if j.transform == "none" else {}),
                                  **({"config": rel(j.config)} if j.config else {}),
                                  **({"notRead": j.unread} if j.unread else {})})
            # Playwright Test: compiles test files into CommonJS unless ES modules by their kind
            for w in package_playwright_runs(manifest[1], folder, os.path.isfile, resolver.fs.read_text):
                playwright_runs.append({"file": pkg, "script": w.script, **({"config": rel(w.config)} if w.config else {}),
                                        **({"project": w.project} if w.project else {}),
                                        **({"testDir": rel(w.test_dir)} if w.test_dir and w.test_dir != folder else {}),
                                        **({"testMatch": [_shown_pattern(p) for p in w.test_match]}
                                           if w.test_match != PW_DEFAULT_MATCH else {}),
                                        **({"testIgnore": [_shown_pattern(p) for p in w.test_ignore]}
                                           if w.test_ignore else {}),
                                        **({"filters": [f"/{s}/{f}" for s, f in w.filters]} if w.filters else {}),
                                        **({"globalSetup": [rel(f) for f in w.setup]} if w.setup else {}),
                                        **({"notRead": w.unread} if w.unread else {})})
    # AWS SAM's templates and Serverless services (serverless-esbuild): the functions they build
    # with esbuild (the root, the packages, the folders between)
    for folder in sam_folders(root, (Path(d) for d in iter_package_dirs(root, every))):
        for b in sam_builds(folder, os.path.isfile, resolver.fs.read_text) + \
                serverless_builds(folder, os.path.isfile, resolver.fs.read_text):
            tsup_builds.append({"file": rel(b.config or ""), "function": b.script, "tool": b.tool,
                                "entries": [_shown_path(rel(os.path.join(b.package_dir, e))) for e in b.entries],
                                "formats": list(b.formats), "external": b.external_shown,
                                **({"esbuildTarget": list(b.target)} if b.target else {}),
                                **({"notRead": b.unread} if b.unread else {})})
    # Nx's executors (esbuild, swc, Vite, Angular's builder) and the Vite targets its plugin
    # infers: the targets of the workspace's projects
    nx_dirs = (str(d) for d in chain(iter_package_dirs(root, every, os.path.isfile, "project.json"),
                                     iter_package_dirs(root, every)))
    for b in workspace_builds(str(root), nx_dirs, os.path.isfile, resolver.fs.read_text)[1]:
        tsup_builds.append({"file": rel(b.config or ""), "target": b.script, "tool": b.tool,
                            **({"declaredIn": rel(b.declared_in)} if b.declared_in else {}),
                            **({"inferredBy": "@nx/vite/plugin"} if b.inferred_from else {}),
                            "entries": list(b.entries), "formats": list(b.formats), "external": b.external_shown,
                            **({"excludeFromExternal": [v for _, v in b.no_external]} if b.no_external else {}),
                            **({"everyPackage": True} if b.every_package else {}),
                            **({"bundle": False} if not b.bundle else {}),
                            **({"devServer": True} if b.packages_only else {}),
                            **({"esbuildTarget": list(b.target)} if b.target else {}),
                            **({"compiles": _applies_shown(b.applies)} if b.applies else {}),
                            **({"notRead": b.unread} if b.unread else {})})
    out = {"root": str(root), "configFile": rel(str(config.source)) if config.source else None,
           "config": to_dict(config), "bundlerAliases": bundlers, "babelRoots": roots, "bundlerEntries": entries,
           "bundlerExternals": externals,
           "nodeScripts": node_scripts, "bunRuns": bun_runs, "tsupBuilds": tsup_builds, "jestRuns": jest_runs,
           "playwrightRuns": playwright_runs, "viteConfigs": vite_loads,
           **{k: rel(str(v)) if v else None for k, v in runtime.items()},
           # where packages outside the project are read from (tla-lens's environment decides)
           "caches": resolver.caches()}
    return json.dumps(out, indent=2, ensure_ascii=False) + "\n"


def cmd_explain(args) -> int:
    from .report.explain import explain
    file = args.file.resolve()
    if not file.is_file():
        print(f"tla-lens: error: no such file: {args.file}", file=sys.stderr)
        return 2
    root = args.root.resolve() if args.root else _project_root(file)
    config, problems, bad_config = _load_config(args, root)
    analysis = _analyse(args, root, config)
    _print_problems(problems + [p for p in analysis.problems if p.severity != "information"],
                    analysis.root)
    if file not in analysis.modules:
        print(f"tla-lens: error: {args.file} is not a JavaScript/TypeScript module of the project "
              f"at {root} (ignored, excluded, or unreadable)", file=sys.stderr)
        return 2
    sys.stdout.write(explain(analysis, file))
    return 2 if bad_config else 0


def cmd_graph(args) -> int:
    from .report.explain import dot, mermaid
    root = args.path.resolve()
    if not root.is_dir():
        print(f"tla-lens: error: not a folder: {args.path}", file=sys.stderr)
        return 2
    config, problems, bad_config = _load_config(args, root)
    analysis = _analyse(args, root, config)
    _print_problems(problems + [p for p in analysis.problems if p.severity != "information"],
                    analysis.root)
    sys.stdout.write(dot(analysis) if args.format == "dot" else mermaid(analysis))
    return 2 if bad_config else 0


def cmd_serve(args) -> int:
    from .lsp.server import serve
    return serve(tcp=args.tcp)


_command: Optional[str] = None  # the command main() ran last (for run())


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    global _command
    _command = args.command
    if args.command is None:
        parser.print_help()
        return 2
    if args.command != "serve":
        # a one-shot run builds a large graph and little garbage in cycles: the cyclic
        # collector would only re-traverse the graph (reference counting frees the rest)
        gc.disable()
    try:
        commands = {"check": cmd_check, "explain": cmd_explain, "graph": cmd_graph, "serve": cmd_serve}
        return commands[args.command](args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    finally:
        cache = sys.modules.get("tla_lens.project.cache")
        if cache is not None:
            cache.wait_for_writes()  # the facts of this run, written while it reported


def run() -> None:
    """The `tla-lens` command: :func:`main`, then the process ends without freeing its objects
    one by one (a one-shot run's graph is hundreds of thousands of them: ~0.2 s at 20,000
    modules, growing with the graph). Output is flushed first; nothing else is pending: the
    facts cache is closed and the worker processes are stopped before ``main`` returns. The
    server exits the usual way."""
    code = main()
    if _command in (None, "serve") or sys.getprofile() is not None or sys.gettrace() is not None:
        # the server leaves normally: its interpreter's exit handlers stop the worker
        # processes of a late re-index (they hold the client's pipes open); so does a run
        # under a profiler or a coverage tracer, which write their results at exit
        sys.exit(code)
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):  # a closed pipe: nothing more can be said
        pass
    os._exit(code if isinstance(code, int) else 0)


if __name__ == "__main__":
    run()
