"""Builds a package's npm scripts make with esbuild's JavaScript API: `node build.mjs`, `tsx
scripts/build.ts`, where the file calls `esbuild.build({…})` (read, never run).

A build script is a file an npm script runs with `node` or tsx (:mod:`scripts`) whose text
names esbuild. Its calls of esbuild's `build`, `buildSync` and `context` — through the names a
top-level `import * as esbuild from "esbuild"`, `import { build } from "esbuild"`, `const
esbuild = require("esbuild")`, `const { build } = require("esbuild")` bind, or
`require("esbuild").build(…)` — are read where their options are an object literal (or a
`const` bound to one; spreads of such objects are merged, the later key winning, as in
JavaScript): `entryPoints` (strings, `{in, out}` objects, or an object of names to files),
`bundle`, `platform`, `format`, `external` and `packages`; strings may be built with
`path.join`/`path.resolve` of `__dirname`, `import.meta.dirname` or `process.cwd()`.
Relative entries are relative to the package's folder (esbuild's working folder is the
script's: npm runs it there; `absWorkingDir` written as a literal moves it). A call inside
loops over strings (`for (const x of LIST)`, `LIST.map((x) => …)`; LIST a list
:meth:`string_list` reads) is read once per value, the loop's names standing for it (and
`x === "cjs" ? … : …` decided by it).

esbuild's defaults, as esbuild 0.28 applies them: without `format`, a bundle for `platform:
"node"` is CommonJS, for `"neutral"` an ES module, for the browser (the default platform) an
IIFE; in CommonJS (and an IIFE) an import of a package kept external (`external`, one `*`
matching any text; `packages: "external"`: every package) is a `require()` when the bundle
runs, and a top-level await anywhere in the bundle fails the build. Without `bundle: true`
esbuild compiles each file alone: into CommonJS with `format: "cjs"` (each entry a CommonJS
module, its imports require() calls), else keeping its format (not modelled).

A call whose options cannot be read that way (values computed, a loop over formats) gives a
build with :attr:`CjsBuild.unread` saying why: it is not modelled, and `check --print-config`
shows it.

Bun's own bundler API is read the same way in the files the npm scripts run with bun: calls of
`Bun.build({…})` (or of `build` imported from "bun") with `entrypoints`, `format` (default ES
modules; CommonJS with `bytecode: true`), `external`, `packages` and `target` ("bun": Bun runs
the output); it always bundles.
"""
from __future__ import annotations

import json
import os
from typing import Callable, Optional

from .bundler import _Reader, _text, _Unread
from .computed import arguments_of
from .scripts import node_script_files, package_bun_runs, tsx_script_files
from .targets import target_words
from .tsup import CjsBuild, read_once

__all__ = ["script_builds"]

_FUNCTIONS = ("build", "buildSync", "context")
_READ_KEYS = frozenset({"entryPoints", "bundle", "platform", "format", "external", "packages", "absWorkingDir",
                        "plugins", "target"})
_BUN_KEYS = frozenset({"entrypoints", "format", "external", "packages", "target", "bytecode"})
_NODE_EXTERNALS = "esbuild-node-externals"
_SECTIONS = ("dependencies", "devDependencies", "peerDependencies", "optionalDependencies")


def script_builds(scripts: object, package_dir: str, is_file: Callable[[str], bool],
                  read: Callable[[str], Optional[str]]) -> list[CjsBuild]:
    """The builds the files the npm ``scripts`` run (with node or tsx) make with esbuild's
    JavaScript API, every format (:attr:`CjsBuild.formats`)."""
    runs = node_script_files(scripts, package_dir, is_file) + tsx_script_files(scripts, package_dir, is_file)
    out: list[CjsBuild] = []
    seen: set[str] = set()
    for name, file in runs:
        if file in seen or "node_modules" in file.split(os.sep):
            continue
        seen.add(file)
        text = read(file)
        if text is None or "esbuild" not in text:
            continue
        calls = read_once("esbuild", file, text, lambda: _calls(file, text, package_dir, read),
                          lambda why: [({}, why)], read)
        for opts, unread in calls:
            out.append(_build(name, file, package_dir, opts, unread))
    bun_seen: set[str] = set()
    for run in package_bun_runs({"scripts": scripts}, package_dir, is_file, lambda p: None, read):
        file = run.file
        if file is None or file in bun_seen or "node_modules" in file.split(os.sep):
            continue
        bun_seen.add(file)
        text = read(file)
        if text is None or "build" not in text or ("Bun" not in text and '"bun"' not in text and "'bun'" not in text):
            continue
        calls = read_once("Bun.build", file, text, lambda: _calls(file, text, package_dir, read, bun=True),
                          lambda why: [({}, why)], read)
        builds = [_bun_build(run.name, file, package_dir, opts, unread) for opts, unread in calls]
        out += [b for b in builds if b.unread is not None or b.refuses_tla]  # (ES modules: they wait)
    return out


def _bun_build(script: str, file: str, package_dir: str, opts: dict, unread: Optional[str]) -> CjsBuild:
    """A `Bun.build({…})` call's build (see :func:`.tsup._bun_build` for the command line's)."""
    rel = os.path.relpath(file, package_dir)
    entries = tuple(os.path.relpath(os.path.normpath(os.path.join(package_dir, e)), package_dir)
                    for e in opts.get("entrypoints", ()))
    if unread is not None:
        return CjsBuild(script, package_dir, entries, config=file, unread=f"{rel}: {unread}",
                        formats=(opts["format"],) if opts.get("format") else (), tool="Bun")
    bytecode = opts.get("bytecode") is True
    fmt = opts.get("format") or ("cjs" if bytecode else "esm")
    external = tuple(("wildcard" if "*" in x else "name", x) for x in opts.get("external", ()))
    return CjsBuild(script, package_dir, entries, external, (), opts.get("packages") == "external", config=file,
                    formats=(fmt,), tool="Bun", runtime="bun" if opts.get("target") == "bun" else "",
                    bytecode=bytecode, line=opts.get("_line", 0))


def _build(script: str, file: str, package_dir: str, opts: dict, unread: Optional[str]) -> CjsBuild:
    rel = os.path.relpath(file, package_dir)
    if unread is not None:
        return CjsBuild(script, package_dir, tuple(opts.get("entryPoints", ())), config=file,
                        unread=f"{rel}: {unread}", formats=(opts["format"],) if opts.get("format") else (),
                        tool="esbuild")
    platform = opts.get("platform") or "browser"
    fmt = opts.get("format") or {"node": "cjs", "neutral": "esm"}.get(platform, "iife")
    cwd = opts.get("absWorkingDir") or package_dir
    # (relative to the package, as tsup's are: globs too, which esbuild expands)
    entries = tuple(os.path.relpath(os.path.normpath(os.path.join(cwd, e)), package_dir)
                    for e in opts.get("entryPoints", ()))
    external = tuple(("wildcard" if "*" in x else "name", x) for x in opts.get("external", ()))
    target = target_words(opts.get("target") or "") or ()
    shown = json.dumps(list(target) if len(target) > 1 else target[0]) if target else ""
    return CjsBuild(script, package_dir, entries, external, (), opts.get("packages") == "external",
                    config=file, formats=(fmt,), tool="esbuild", bundle=opts.get("bundle") is True,
                    target=target, target_from=f"`target: {shown}` of {rel}" if target else "",
                    line=opts.get("_line", 0))


class _Script(_Reader):
    """A build script, read for its calls of esbuild's API."""

    def __init__(self, path: str, text: str, cwd: str, read: Callable[[str], Optional[str]],
                 bun: bool = False) -> None:
        super().__init__(path, text, read)
        self.cwd = cwd  # (npm runs the script in the package's folder)
        # Bun's API (`Bun.build`, `build` from "bun") instead of esbuild's
        self.bun = bun
        self.module, self.functions_read, self.keys = ("bun", ("build",), _BUN_KEYS) if bun else \
            ("esbuild", _FUNCTIONS, _READ_KEYS)
        self.env: dict[str, str] = {}  # the loop names around the call being read
        self.plugin_fns: set[str] = set()    # esbuild-node-externals' plugin: `nodeExternalsPlugin`
        self.namespaces: set[str] = {"Bun"} if bun else set()    # `esbuild` in `esbuild.build(…)`
        # local name -> `build` / `buildSync` / `context` (not :attr:`functions`: the script's own)
        self.api_functions: dict[str, str] = {}
        for stmt in self.root.named_children:
            self._bindings(stmt)

    def _bindings(self, stmt) -> None:
        names = self.import_names(stmt)
        if names is not None:
            source, defaults, namespaces, named = names
            if source == self.module:
                self.namespaces.update(defaults + namespaces)  # (the default export: the API object)
                self.api_functions.update((local, name) for local, name in named.items()
                                          if name in self.functions_read)
            elif source == _NODE_EXTERNALS:
                self.plugin_fns.update(defaults)
                self.plugin_fns.update(local for local, name in named.items() if name == "nodeExternalsPlugin")
                self.plugin_fns.update(f"{n}.nodeExternalsPlugin" for n in namespaces)
            return
        for module, names, destructured in self.required_names(stmt):
            if module == _NODE_EXTERNALS:
                self.plugin_fns.update(local for local, prop in destructured.items()
                                       if prop in ("nodeExternalsPlugin", "default"))
                self.plugin_fns.update(f"{n}.nodeExternalsPlugin" for n in names)
            if module == self.module:
                self.namespaces.update(names)
                self.api_functions.update((local, prop) for local, prop in destructured.items()
                                          if prop in self.functions_read)

    def _is_api_call(self, call) -> bool:
        fn = call.child_by_field_name("function")
        if fn is None:
            return False
        if fn.type == "identifier":
            return _text(fn, self.src) in self.api_functions
        if fn.type == "member_expression":
            obj, prop = fn.child_by_field_name("object"), fn.child_by_field_name("property")
            if prop is None or _text(prop, self.src) not in self.functions_read:
                return False
            if obj is not None and obj.type == "identifier" and _text(obj, self.src) in self.namespaces:
                return True  # (also `Bun`, a global: not a binding of the script)
            obj = self._unwrap(obj)
            return obj is not None and (_text(obj, self.src) in self.namespaces or self._requires(obj, self.module))
        return False

    def calls(self) -> list[tuple[dict, Optional[str]]]:
        out = []
        stack = [self.root]
        while stack:
            node = stack.pop()
            if node.type == "call_expression" and self._is_api_call(node):
                argv = arguments_of(node)
                opts: dict = {}
                try:
                    if not argv:
                        raise _Unread("a call without options")
                    # (one call per value of the loops around it: `for (const format of […])`)
                    envs = self._loop_values(node)
                    for env in envs:
                        opts = {}
                        self.env = env
                        self._options(argv[0], opts, 0)
                        if envs == [{}]:  # (a call made once: where an edit of its options goes)
                            opts["_line"] = node.start_point[0] + 1
                        for plugin in opts.pop("plugins", ()):
                            opts["external"] = list(opts.get("external", ())) + \
                                self._plugin_externals(plugin, opts.get("absWorkingDir") or self.cwd)
                        if not self.bun and opts.get("bundle") is not True and opts.get("format") != "cjs":
                            continue  # (each file compiled alone, its format kept: nothing to model)
                        out.append((opts, None))
                except _Unread as e:
                    line = node.start_point[0] + 1
                    out.append((opts, f"the options of the call at line {line} are not read: {e}"))
                finally:
                    self.env = {}
                continue
            stack.extend(reversed(node.named_children))
        return out

    def _loop_values(self, call, depth: int = 0) -> list[dict[str, str]]:
        """The values the names of the loops around ``call`` take, one dict per iteration:
        `for (const x of LIST)` and `LIST.map((x) => …)` (also `forEach`) over a list of
        strings (:meth:`string_list`), and a function of the script called with strings
        (`function bundle(format) {…}` and its calls `bundle("cjs")`, in loops too); [{}]
        outside loops. Raises _Unread for a loop over anything else."""
        if depth > 4:
            raise _Unread("functions calling functions too deep")
        envs: list[dict[str, str]] = [{}]
        node, child = call.parent, call
        while node is not None:
            called = self._called_with(node, depth) if node.type in (
                "function_declaration", "arrow_function", "function_expression") else None
            if called is not None:
                # (the function's parameters take the values of its calls; the loops around
                # those calls are theirs)
                envs = [{**outer, **env} for env in envs for outer in called][:64]
                break
            name, values = None, None
            if node.type == "for_in_statement" and child == node.child_by_field_name("body"):
                op, left = node.child_by_field_name("operator"), node.child_by_field_name("left")
                if op is None or _text(op, self.src) != "of" or left is None or left.type != "identifier":
                    raise _Unread(f"the loop at line {node.start_point[0] + 1} is not a `for … of` over strings")
                name, values = _text(left, self.src), self.string_list(node.child_by_field_name("right"))
            elif node.type in ("arrow_function", "function_expression") and node.parent is not None and \
                    node.parent.type == "arguments" and node.parent.parent is not None:
                outer = node.parent.parent.child_by_field_name("function")
                prop = outer.child_by_field_name("property") if outer is not None and \
                    outer.type == "member_expression" else None
                if prop is not None and _text(prop, self.src) in ("map", "forEach", "flatMap"):
                    name, _, _ = self.parameters(node)
                    values = self.string_list(outer.child_by_field_name("object"))
            if name is not None and values is not None:
                envs = [{**env, name: v} for v in values for env in envs][:64]
            node, child = node.parent, node
        return envs

    def _called_with(self, fn, depth: int) -> Optional[list[dict[str, str]]]:
        """For a function of the script named by a declaration or a `const` (not a callback):
        the values its parameters take at each of its calls (string arguments, read in the
        loops around each call); None for any other function."""
        if fn.type == "function_declaration":
            name_node = fn.child_by_field_name("name")
        elif fn.parent is not None and fn.parent.type == "variable_declarator":
            name_node = fn.parent.child_by_field_name("name")
        else:
            return None
        if name_node is None or name_node.type != "identifier":
            return None
        name = _text(name_node, self.src)
        params = fn.child_by_field_name("parameters")
        names = [p.child_by_field_name("pattern") or p if p.type in ("required_parameter", "optional_parameter")
                 else p for p in (params.named_children if params is not None else []) if p.type != "comment"]
        if params is None and fn.child_by_field_name("parameter") is not None:
            names = [fn.child_by_field_name("parameter")]
        if not all(n.type == "identifier" for n in names):
            raise _Unread(f"the parameters of `{name}` are not plain names")
        out: list[dict[str, str]] = []
        stack = [self.root]
        while stack:
            site = stack.pop()
            stack.extend(site.named_children)
            if site.type != "call_expression" or fn.start_byte <= site.start_byte < fn.end_byte:
                continue  # (not a call; or a call of itself)
            callee = site.child_by_field_name("function")
            if callee is None or callee.type != "identifier" or _text(callee, self.src) != name:
                continue
            argv = arguments_of(site)
            used = [(p, a) for p, a in zip(names, argv) if a.type != "spread_element"]
            for env in self._loop_values(site, depth + 1):
                out.append({_text(p, self.src): self._argument(a, env) for p, a in used})
        # (never called by the script itself — exported, handed to another function: read as
        # written, its parameters unknown)
        return out or [{}]

    def _argument(self, node, env: dict) -> Optional[str]:
        """A string argument, or None (not read: an error only where the function uses it)."""
        try:
            return self.string_in(node, env)
        except _Unread:
            return None

    def _options(self, node, opts: dict, depth: int) -> None:
        obj = self._unwrap(node)
        if obj is None or obj.type != "object" or depth > 10:
            raise _Unread(f"`{_text(obj, self.src)[:60] if obj is not None else ''}` is not an object literal")
        for item in obj.named_children:
            if item.type == "comment":
                continue
            if item.type == "spread_element":
                self._options(item.named_children[0] if item.named_children else None, opts, depth + 1)
                continue
            if item.type == "shorthand_property_identifier":
                key = _text(item, self.src)
                value = item if key in self.env else self._unwrap(item)
                if value is item and key not in self.env:
                    if key in self.keys and key not in ("plugins", "target"):  # (plugins: none modelled here)
                        raise _Unread(f"`{key}` is not a value written in the file")
                    continue
            elif item.type == "pair":
                key = self._key(item)
                if key is None:
                    raise _Unread(f"`{_text(item, self.src)[:60]}` has a computed key")
                value = self._unwrap(item.child_by_field_name("value"))
            else:
                continue  # (methods: plugins' and others)
            if key not in self.keys:
                continue
            if key == "target":
                try:  # (a target not written as strings: esbuild's default taken, the build read all the same)
                    opts[key] = self._value(key, value)
                except _Unread:
                    opts.pop(key, None)
                continue
            opts[key] = self._value(key, value)

    def _plugins(self, node) -> list[dict]:
        """The options of each call of esbuild-node-externals' plugin in `plugins` (an array
        literal; other plugins are not modelled)."""
        if node is None or node.type != "array" or not self.plugin_fns:
            return []
        out = []
        for call in self._calls_of(node, self.plugin_fns):
            argv = arguments_of(call)
            opts = self._unwrap(argv[0]) if argv else None
            got: dict = {}
            if opts is not None:
                if opts.type != "object":
                    raise _Unread("esbuild-node-externals' options are not an object literal")
                for pair in opts.named_children:
                    if pair.type == "comment":
                        continue
                    key = self._key(pair) if pair.type == "pair" else None
                    value = pair.child_by_field_name("value") if key is not None else None
                    if key in ("allowList", "forceExternalList"):
                        got[key] = self.literal_patterns(self._unwrap(value), key)
                    elif key in (*_SECTIONS, "allowWorkspaces"):
                        got[key] = self.literal(value)
                    elif key in ("packagePath", "cwd"):
                        v = self._unwrap(value)
                        items = v.named_children if v is not None and v.type == "array" else [v]
                        got[key] = [self.string_in(x, self.env) for x in items if x.type != "comment"]
                    else:
                        raise _Unread(f"esbuild-node-externals' option "
                                      f"`{_text(pair, self.src)[:40]}` is not read")
            out.append(got)
        return out

    def _plugin_externals(self, options: dict, cwd: str) -> list[str]:
        """The packages esbuild-node-externals (2) keeps external: the dependencies of the
        package.json files from the working folder up (each one's parent folder on; not
        beyond the git repository), or of `packagePath`; less `allowList`; with
        `forceExternalList`'s names."""
        from .tsup import _matches

        cwd = os.path.normpath(os.path.join(cwd, options["cwd"][0])) if options.get("cwd") else cwd
        if options.get("packagePath"):
            paths = [os.path.normpath(os.path.join(cwd, p)) for p in options["packagePath"]]
        else:
            paths = _package_paths(cwd)
        sections = [s for s in _SECTIONS if options.get(s, True)]
        names: list[str] = []
        for path in paths:
            data = self._load_json(path)
            for sec in sections:
                deps = data.get(sec) if isinstance(data, dict) else None
                if isinstance(deps, dict):
                    names += [n for n, v in deps.items() if not (options.get("allowWorkspaces") and
                                                                 isinstance(v, str) and v.startswith("workspace:"))]
        allow = tuple(options.get("allowList", ()))
        names = [n for n in dict.fromkeys(names) if not _matches(n, allow)]
        return names + [v for k, v in options.get("forceExternalList", ()) if k == "exact"]

    def _value(self, key: str, node):
        if key == "plugins":
            return self._plugins(node)
        if node is not None and node.type in ("identifier", "shorthand_property_identifier") and \
                _text(node, self.src) in self.env:
            value = self.env[_text(node, self.src)]
            if key in ("platform", "format", "packages", "absWorkingDir", "target"):
                return value
            raise _Unread(f"`{key}` is a loop's string")
        if key in ("bundle", "bytecode"):
            if node is None or node.type not in ("true", "false"):
                raise _Unread(f"`{key}` is not `true` or `false`")
            return node.type == "true"
        if key == "target" and node is not None and node.type == "array":
            return ",".join(self.string_in(self._unwrap(x), self.env) for x in node.named_children
                            if x.type != "comment")
        if key in ("platform", "format", "packages", "target"):
            if node is None or node.type not in ("string", "template_string", "binary_expression",
                                                 "ternary_expression"):
                raise _Unread(f"`{key}` is not a string")
            return self._choice(node)
        if key == "absWorkingDir":
            return self.string_in(node, self.env)
        if key == "external":
            return self.string_list(node, self.env)  # (strings, spreads, `Object.keys(pkg.dependencies)`: computed.py)
        if node is None or node.type not in ("array", "object") or key == "entrypoints" and node.type != "array":
            raise _Unread(f"`{key}` is not an array or object literal")
        out = []
        for item in node.named_children:
            if item.type == "comment":
                continue
            if item.type == "pair" and key == "entryPoints" and node.type == "object":
                item = item.child_by_field_name("value")  # ({name: file})
            item = self._unwrap(item)
            if item is not None and item.type == "object" and key == "entryPoints":
                item = self._prop(item, "in")  # ({in: file, out: name})
            out.append(self.string_in(item, self.env))
        return out

    def _choice(self, node) -> str:
        """A string option: a string, one built of the loop's names, or `x === "cjs" ? "a" :
        "b"` of them."""
        node = self._unwrap_only(node)
        if node is not None and node.type == "ternary_expression":
            branch = "consequence" if self._truth(node.child_by_field_name("condition")) else "alternative"
            return self._choice(node.child_by_field_name(branch))
        return self.string_in(node, self.env)

    def _truth(self, node) -> bool:
        return self.truth(node, self.env)


def _package_paths(cwd: str) -> list[str]:
    """esbuild-node-externals' package.json files: the nearest one at or above ``cwd``, then
    the nearest above its folder's parent, and so on — inside the git repository (the folder
    with `.git` at or above ``cwd``), if there is one."""
    d = cwd
    git = None
    while True:
        if os.path.exists(os.path.join(d, ".git")):
            git = d
            break
        parent = os.path.dirname(d)
        if parent == d:
            break
        d = parent
    out: list[str] = []
    d = cwd
    while True:
        found = None
        while True:
            if os.path.isfile(os.path.join(d, "package.json")):
                found = os.path.join(d, "package.json")
                break
            parent = os.path.dirname(d)
            if parent == d:
                break
            d = parent
        if found is None or (git is not None and os.path.relpath(found, git).startswith("..")):
            return out
        out.append(found)
        parent = os.path.dirname(os.path.dirname(found))
        if parent == os.path.dirname(found):
            return out
        d = parent


def _calls(file: str, text: str, package_dir: str, read: Callable[[str], Optional[str]],
           bun: bool = False) -> list[tuple[dict, Optional[str]]]:
    return _Script(file, text, package_dir, read, bun).calls()
