"""AWS CDK's `NodejsFunction`: Lambda handlers CDK bundles with esbuild when it synthesizes the
app (read, never run).

In a CDK app (a folder with cdk.json), a file that constructs `new NodejsFunction(scope, id,
props)` — imported from "aws-cdk-lib/aws-lambda-nodejs" (or "@aws-cdk/aws-lambda-nodejs"), also
as `lambda_nodejs.NodejsFunction` through a namespace or `aws_lambda_nodejs` of "aws-cdk-lib" —
makes one esbuild bundle of its handler: `props.entry` (a path, `path.join(__dirname, …)`
read as esbuild_api reads strings; relative to the app's folder, where `cdk synth` runs), else
`<defining file>.<id>.ts` (or .js, .mjs, .mts, .cts, .cjs) beside the file. CDK (2.x) bundles
into CommonJS unless `bundling.format` is `OutputFormat.ESM`: a top-level await in the bundle
fails the synth ("Top-level await is currently not supported with the "cjs" output format"),
and a package kept external — `bundling.externalModules` (default `@aws-sdk/*`, or `aws-sdk`
for Node 16 and before), `bundling.nodeModules` (installed beside the bundle), `--packages:
external` in `bundling.esbuildArgs` — is a `require()` when the handler runs. `bundling.target`
(esbuild's) is read too. Props that are not literals (a helper function's parameters, spreads
of computed objects) make a build :attr:`CjsBuild.unread`. Checked with aws-cdk-lib 2.276
synthesizing apps with esbuild 0.28 and Node 26 requiring the bundles.
"""
from __future__ import annotations

import os
from typing import Callable, Optional

from .bundler import _text, _Unread
from .computed import arguments_of
from .esbuild_api import _Script
from .targets import target_words
from .tsup import CjsBuild, read_once

__all__ = ["cdk_builds", "MODULES"]

MODULES = ("aws-cdk-lib/aws-lambda-nodejs", "@aws-cdk/aws-lambda-nodejs")
_CONSTRUCT = "NodejsFunction"
_DEFAULT_EXTERNAL = (("wildcard", "@aws-sdk/*"), ("name", "aws-sdk"))
_ENTRY_EXTENSIONS = (".ts", ".js", ".mjs", ".mts", ".cts", ".cjs")


class _Stack(_Script):
    """A file of a CDK app, read for its `new NodejsFunction(…)`."""

    def __init__(self, path: str, text: str, cwd: str, read: Callable[[str], Optional[str]]) -> None:
        self.constructors: set[str] = set()   # `NodejsFunction`, `nodejs.NodejsFunction`
        super().__init__(path, text, cwd, read)

    def _bindings(self, stmt) -> None:
        names = self.import_names(stmt)
        if names is not None:
            source, defaults, namespaces, named = names
            if source in MODULES:
                self.constructors.update(local for local, name in named.items() if name == _CONSTRUCT)
                self.constructors.update(f"{n}.{_CONSTRUCT}" for n in defaults + namespaces)
            elif source == "aws-cdk-lib":
                self.constructors.update(f"{local}.{_CONSTRUCT}" for local, name in named.items()
                                         if name == "aws_lambda_nodejs")
                self.constructors.update(f"{n}.aws_lambda_nodejs.{_CONSTRUCT}" for n in defaults + namespaces)
            return
        for module, whole, destructured in self.required_names(stmt):
            if module in MODULES:
                self.constructors.update(local for local, prop in destructured.items() if prop == _CONSTRUCT)
                self.constructors.update(f"{n}.{_CONSTRUCT}" for n in whole)
            elif module == "aws-cdk-lib":
                self.constructors.update(f"{local}.{_CONSTRUCT}" for local, prop in destructured.items()
                                         if prop == "aws_lambda_nodejs")

    def functions_built(self) -> list[tuple[str, int, dict, Optional[str]]]:
        """(construct id, line, options read, why they are not read, or None) per `new
        NodejsFunction(…)` and per value of the loops around it."""
        out: list[tuple[str, int, dict, Optional[str]]] = []
        if not self.constructors:
            return out
        stack = [self.root]
        while stack:
            node = stack.pop()
            stack.extend(reversed(node.named_children))
            if node.type != "new_expression":
                continue
            ctor = node.child_by_field_name("constructor")
            if ctor is None or _text(ctor, self.src).replace(" ", "") not in self.constructors:
                continue
            line = node.start_point[0] + 1
            argv = arguments_of(node)
            try:
                for env in self._loop_values(node):
                    self.env = env
                    ident = self.string_in(argv[1], env) if len(argv) > 1 else ""
                    out.append((ident, line, self._props(argv[2] if len(argv) > 2 else None), None))
            except _Unread as e:
                out.append(("", line, {}, f"the NodejsFunction at line {line} is not read: {e}"))
            finally:
                self.env = {}
        return out

    def _props(self, node) -> dict:
        opts: dict = {}
        if node is None:
            return opts
        props = self._unwrap(node)
        if props is None or props.type != "object":
            raise _Unread("its props are not an object literal")
        entry = self._prop(props, "entry")
        if entry is not None:
            opts["entry"] = self.string_in(entry, self.env)
        bundling = self._prop(props, "bundling")
        if bundling is None:
            return opts
        if bundling.type != "object":
            raise _Unread("its `bundling` is not an object literal")
        fmt = self._prop(bundling, "format")
        if fmt is not None:
            text = _text(fmt, self.src).rsplit(".", 1)[-1].strip("'\"` ").lower()
            if text not in ("esm", "cjs"):
                raise _Unread("its `bundling.format` is not `OutputFormat.ESM` or `OutputFormat.CJS`")
            opts["format"] = text
        for key in ("externalModules", "nodeModules"):
            value = self._prop(bundling, key)
            if value is not None:
                opts[key] = self.string_list(value, self.env)
        target = self._prop(bundling, "target")
        if target is not None:
            try:
                opts["target"] = self.string_in(target, self.env)
            except _Unread:
                pass  # (esbuild's default then: its target has top-level await)
        args = self._prop(bundling, "esbuildArgs")
        packages = self._prop(args, "--packages") if args is not None and args.type == "object" else None
        if packages is not None:
            opts["packages"] = self.string_in(packages, self.env)
        return opts


def cdk_builds(app_dir: str, files: list[str], is_file: Callable[[str], bool],
               read: Callable[[str], Optional[str]]) -> list[CjsBuild]:
    """The bundles the `NodejsFunction`s of ``files`` (absolute paths of the CDK app in
    ``app_dir``, the folder of its cdk.json) make, every format."""
    out: list[CjsBuild] = []
    for file in files:
        text = read(file)
        if text is None or _CONSTRUCT not in text:
            continue
        # (remembered for that text: the builds are looked for again as files change)
        built = read_once(f"cdk:{app_dir}", file, text, lambda: _Stack(file, text, app_dir, read).functions_built(),
                          lambda why: [("", 0, {}, why)], read)
        rel = os.path.relpath(file, app_dir)
        for ident, line, opts, unread in built:
            if unread is not None:
                out.append(CjsBuild(ident, app_dir, (), config=file, unread=f"{rel}: {unread}", formats=("cjs",),
                                    tool=_CONSTRUCT, line=line))
                continue
            entry = opts.get("entry")
            if entry is None:
                stem = os.path.splitext(file)[0] + "." + ident
                entry = next((stem + e for e in _ENTRY_EXTENSIONS if is_file(stem + e)), stem + ".ts")
            entry = os.path.relpath(os.path.normpath(os.path.join(app_dir, entry)), app_dir)
            fmt = opts.get("format", "cjs")
            external = tuple(("wildcard" if "*" in x else "name", x) for x in opts["externalModules"]) \
                if "externalModules" in opts else _DEFAULT_EXTERNAL
            external += tuple(("name", x) for x in opts.get("nodeModules", ()))
            target = target_words(opts.get("target") or "") or ()
            build = CjsBuild(ident, app_dir, (entry,), external, (), opts.get("packages") == "external",
                             config=file, formats=(fmt,), tool=_CONSTRUCT, target=target, line=line,
                             target_from=f"`bundling.target` of the NodejsFunction `{ident}`" if target else "")
            if build.refuses_tla or build.is_cjs:
                out.append(build)  # (ES modules for a target with top-level await: they wait)
    return out
