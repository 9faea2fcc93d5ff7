"""Values a build configuration computes from data, read without running it: the `external` of a
Rollup or Vite library configuration and of esbuild's API written as projects write them.

- **The package's manifest**: `Object.keys(pkg.dependencies)` (also `|| {}`, `?? {}`,
  `{...pkg.dependencies, ...pkg.peerDependencies}`, `.concat(…)`, spreads in an array) where
  `pkg` is a JSON file the configuration loads: `import pkg from "./package.json" with {type:
  "json"}` (its named imports too, as Vite's and esbuild's config bundling allow), `require()`,
  a `createRequire(import.meta.url)` require, or `JSON.parse(readFileSync(path, …))`. The JSON
  file is read (data, not code); what was read is remembered with the reading, so an edit of
  the manifest is seen (:func:`tracking`).
- **Node's builtins**: `builtinModules` of "module"/"node:module" (and `.map(m => `node:${m}`)`).
- **A predicate**: `external: (id) => …` (an arrow function, a function expression, or the name
  of a top-level one) whose body is an expression, or one `return`, made of `!`, `&&`, `||`,
  the conditional operator, `id === "x"` (`==`, `!==`, `!=`), `id.startsWith(s)`,
  `id.endsWith(s)`, `id.includes(s)`, `/re/.test(id)`, `id.match(/re/)`, `path.isAbsolute(id)`,
  `list.includes(id)`, `new Set(list).has(id)`, and `list.some(d => …)` (`find`, `every`) over
  a list of strings — where the strings may use the list's item (`id.startsWith(d + "/")`,
  `` `${d}/` ``). It is kept as a small tree (:func:`predicate_matches`) and applied to an import
  as written, and to the file it resolves to where a plugin resolves packages (Rollup asks
  again with the resolved path: :meth:`tsup.CjsBuild.keeps_external`). Any other form leaves
  the build unread, with the form named.
"""
from __future__ import annotations

import contextlib
import functools
import json
import os
import threading
from typing import Callable, Iterator, Optional

_TRACK = threading.local()


class _Unread(Exception):
    pass


class RegexLiteral(tuple):
    """A regular expression literal among literal values: (source, flags)."""


def _text(node, src: bytes) -> str:
    return src[node.start_byte:node.end_byte].decode("utf-8", "replace")


def arguments_of(call) -> list:
    """The argument nodes of a call (or `new`) expression, comments left out."""
    args = call.child_by_field_name("arguments")
    return [a for a in (args.named_children if args is not None else []) if a.type != "comment"]


@contextlib.contextmanager
def tracking() -> Iterator[list]:
    """``with tracking() as files:`` — the files the readers read inside (path, text), so that a
    reading remembered for a configuration's text is redone when one of them changed."""
    stack = _TRACK.__dict__.setdefault("stack", [])
    stack.append([])
    try:
        yield stack[-1]
    finally:
        stack.pop()


def note_read(path: str, text: Optional[str]) -> None:
    stack = getattr(_TRACK, "stack", None)
    if stack:
        stack[-1].append((path, text))


_JSON_MODULES = ("module", "node:module")
_METHODS = {"startsWith": "starts", "endsWith": "ends", "includes": "has"}
_ITERATORS = {"some": "or", "find": "or", "every": "and", "findIndex": None}


class Computed:
    """Methods of the configuration reader (:class:`bundler._Reader`, which provides `src`,
    `root`, `dir`, `consts`, `path_fns`, `_unwrap`, `_eval`, `_string`, `regex`,
    `import_names`, `required_names`, `_required`) for computed values."""

    read_file: Callable[[str], Optional[str]]

    # -- the JSON files the configuration loads ----------------------------------------------
    @functools.cached_property
    def json_bindings(self) -> dict[str, tuple[str, Optional[str]]]:
        """{local name: (JSON file, its top-level key or None for the whole)} of the top-level
        imports and require()s of .json files; also the names bound to `builtinModules`
        ("\\x00builtins", None)."""
        out: dict[str, tuple[str, Optional[str]]] = {}
        for stmt in self.root.named_children:
            got = self.import_names(stmt)
            # (module, the names bound to all of it, {local name: the part it takes})
            bound = [(got[0], got[1] + got[2], got[3])] if got is not None else self.required_names(stmt)
            for module, wholes, parts in bound:
                if module.endswith(".json") and module.startswith("."):
                    path = os.path.normpath(os.path.join(self.dir, module))
                    out.update((n, (path, None)) for n in wholes)
                    out.update((local, (path, part)) for local, part in parts.items())
                elif module in _JSON_MODULES:
                    out.update((local, ("\x00builtins", None)) for local, part in parts.items()
                               if part == "builtinModules")
        return out

    def _load_json(self, path: str):
        text = self.read_file(path)
        note_read(path, text)
        if text is None:
            raise _Unread(f"{os.path.basename(path)} cannot be read")
        try:
            return json.loads(text)
        except ValueError:
            raise _Unread(f"{os.path.basename(path)} is not valid JSON") from None

    def json_value(self, node, depth: int = 0):
        """The JSON data ``node`` evaluates to (a loaded JSON file, a part of one, `|| {}`,
        an object of spreads of such); raises _Unread for anything else."""
        raw = node
        node = self._unwrap(node)
        if node is None or depth > 20:
            raise _Unread("no value")
        t = node.type
        src = self.src
        if t == "identifier":
            bound = self.json_bindings.get(_text(node, src))
            if bound is not None and bound[0] != "\x00builtins":
                data = self._load_json(bound[0])
                return data.get(bound[1]) if bound[1] is not None and isinstance(data, dict) else data
        elif t in ("member_expression", "subscript_expression"):
            key_node = node.child_by_field_name("property" if t == "member_expression" else "index")
            obj = self.json_value(node.child_by_field_name("object"), depth + 1)
            key = _text(key_node, src) if t == "member_expression" else self._eval(key_node)
            return obj.get(key) if isinstance(obj, dict) else None
        elif t == "binary_expression" and _text(node.child_by_field_name("operator"), src) in ("||", "??"):
            left = self.json_value(node.child_by_field_name("left"), depth + 1)
            if left is None or (left in ({}, [], "", 0, False) and _text(node.child_by_field_name("operator"), src) == "||"):
                return self.json_value(node.child_by_field_name("right"), depth + 1)
            return left
        elif t == "object":
            out: dict = {}
            for item in node.named_children:
                if item.type == "comment":
                    continue
                if item.type != "spread_element" or not item.named_children:
                    raise _Unread(f"`{_text(item, src)[:40]}` in an object of package fields is not read")
                part = self.json_value(item.named_children[0], depth + 1)
                if isinstance(part, dict):
                    out.update(part)
            return out
        elif t == "call_expression":
            path = self._json_call(node)
            if path is not None:
                return self._load_json(path)
        raise _Unread(f"`{_text(raw if raw is not None else node, src)[:60]}` is not data tla-lens reads "
                      f"without running the configuration")

    def _json_call(self, call) -> Optional[str]:
        """The JSON file a call loads: `require("./x.json")` (any require made by
        createRequire too), `createRequire(import.meta.url)("./x.json")`,
        `JSON.parse(readFileSync(path, …))`; else None."""
        src = self.src
        fn = call.child_by_field_name("function")
        argv = arguments_of(call)
        if fn is None or not argv:
            return None
        module = self._required(call)
        if module is None and fn.type == "call_expression" and \
                _text(fn.child_by_field_name("function"), src).rsplit(".", 1)[-1] == "createRequire" and \
                argv[0].type == "string":
            module = self._string(argv[0])
        if module is not None:
            return os.path.normpath(os.path.join(self.dir, module)) if module.endswith(".json") else None
        if _text(fn, src).replace(" ", "") == "JSON.parse":
            inner = self._unwrap(argv[0])
            if inner is not None and inner.type == "call_expression" and \
                    _text(inner.child_by_field_name("function"), src).rsplit(".", 1)[-1] == "readFileSync":
                iv = arguments_of(inner)
                if iv:
                    first = self._unwrap(iv[0])
                    if first is not None and first.type == "new_expression":
                        return self._url(first, 0)
                    path = self._eval(first)
                    return os.path.normpath(os.path.join(self.cwd, path))  # (relative: to the working folder)
        return None

    def literal(self, node, depth: int = 0):
        """A value written as literals (objects, arrays, strings, numbers, `true`/`false`/
        `null`, constants holding them) as Python data; raises _Unread for anything else."""
        raw = node
        node = self._unwrap(node)
        if node is None or depth > 30:
            raise _Unread("no value")
        t = node.type
        if t == "object":
            out: dict = {}
            for item in node.named_children:
                if item.type == "comment":
                    continue
                if item.type == "pair":
                    key = self._key(item)
                    if key is None:
                        raise _Unread(f"`{_text(item, self.src)[:40]}` has a computed key")
                    out[key] = self.literal(item.child_by_field_name("value"), depth + 1)
                elif item.type == "shorthand_property_identifier":
                    out[_text(item, self.src)] = self.literal(item, depth + 1)
                elif item.type == "spread_element" and item.named_children:
                    part = self.literal(item.named_children[0], depth + 1)
                    if not isinstance(part, dict):
                        raise _Unread(f"`{_text(item, self.src)[:40]}` is not an object")
                    out.update(part)
                else:
                    raise _Unread(f"`{_text(item, self.src)[:40]}` is not read")
            return out
        if t == "array":
            out_list: list = []
            for item in node.named_children:
                if item.type == "comment":
                    continue
                if item.type == "spread_element" and item.named_children:
                    part = self.literal(item.named_children[0], depth + 1)
                    if not isinstance(part, list):
                        raise _Unread(f"`{_text(item, self.src)[:40]}` is not an array")
                    out_list.extend(part)
                else:
                    out_list.append(self.literal(item, depth + 1))
            return out_list
        if t in ("true", "false"):
            return t == "true"
        if t in ("null", "undefined"):
            return None
        if t == "number":
            text = _text(node, self.src).replace("_", "")
            try:
                return float(text) if any(c in text for c in ".eE") and not text.startswith("0x") else int(text, 0)
            except ValueError:
                raise _Unread(f"`{text}` is not a number tla-lens reads") from None
        if t == "unary_expression" and _text(node.child_by_field_name("operator"), self.src) == "!":
            value = self.literal(node.child_by_field_name("argument"), depth + 1)
            return not value
        if t == "identifier" and _text(raw if raw is not None else node, self.src) == "undefined":
            return None
        if t == "regex":
            regex, _ = self.regex(node)
            return RegexLiteral(regex)
        return self._eval(node)  # (strings; raises _Unread for the rest)

    # -- rollup-plugin-node-externals -------------------------------------------------------
    def externals_plugin(self, plugins, cwd: str) -> list[tuple[str, str]]:
        """The external patterns rollup-plugin-node-externals (9) adds where `plugins` (Rollup's,
        Vite's; arrays nest) calls it: the names of the package.json files from ``cwd`` up (to
        the git repository's top, a monorepo's root, or a package.json with `workspaces`) in
        `dependencies`, `peerDependencies`, `optionalDependencies` (and `devDependencies` with
        `devDeps: true`), their subpaths too, less `exclude`, with `include`. [] without it."""
        fns = {local for stmt in self.root.named_children
               for got in [self.import_names(stmt)] if got is not None and got[0] == _EXTERNALS_PLUGIN
               for local in got[1] + [n for n, imported in got[3].items() if imported == "nodeExternals"]}
        if not fns or plugins is None:
            return []
        out: list[tuple[str, str]] = []
        for call in self._calls_of(plugins, fns, 0):
            argv = arguments_of(call)
            opts = self._unwrap(argv[0]) if argv else None
            options: dict = {}
            if opts is not None:
                if opts.type != "object":
                    raise _Unread("rollup-plugin-node-externals' options are not an object literal")
                for pair in opts.named_children:
                    key = self._key(pair) if pair.type == "pair" else None
                    value = pair.child_by_field_name("value") if key is not None else None
                    if key in ("include", "exclude"):
                        options[key] = self.literal_patterns(self._unwrap(value), key)
                    elif key in ("deps", "devDeps", "optDeps", "peerDeps"):
                        options[key] = bool(self.literal(value))
                    elif key == "packagePath":
                        v = self._unwrap(value)
                        items = v.named_children if v is not None and v.type == "array" else [v]
                        options[key] = [os.path.normpath(os.path.join(cwd, self._eval(x)))
                                        for x in items if x.type != "comment"]
            out += self._plugin_names(options, cwd)
        return out

    def _calls_of(self, node, names: set, depth: int = 0) -> list:
        """The calls of one of ``names`` in the array ``node`` (Rollup's and Vite's `plugins`:
        arrays nest), or ``node`` itself when it is one."""
        node = self._unwrap(node)
        if node is None or depth > 4:
            return []
        if node.type == "array":
            return [c for item in node.named_children for c in self._calls_of(item, names, depth + 1)]
        if node.type == "call_expression" and \
                _text(node.child_by_field_name("function"), self.src).replace(" ", "") in names:
            return [node]
        return []

    def _plugin_names(self, options: dict, cwd: str) -> list[tuple[str, str]]:
        from .tsup import _matches

        packages = options.get("packagePath") or _packages_up(cwd)
        sections = [sec for sec, key, default in (("dependencies", "deps", True), ("devDependencies", "devDeps", False),
                                                   ("peerDependencies", "peerDeps", True),
                                                   ("optionalDependencies", "optDeps", True))
                    if options.get(key, default)]
        names: dict[str, None] = {}
        for path in packages:
            data = self._load_json(path)
            if not isinstance(data, dict):
                continue
            for sec in sections:
                if isinstance(data.get(sec), dict):
                    names.update((n, None) for n in data[sec])
            if isinstance(data.get("workspaces"), list):
                break
        exclude = tuple(options.get("exclude", ()))
        return [("name", n) for n in names if not _matches(n, exclude)] + list(options.get("include", ()))

    # -- lists of strings ------------------------------------------------------------------
    def string_list(self, node, env: Optional[dict] = None, depth: int = 0) -> list[str]:
        """The strings a list value holds: an array of strings and spreads, `Object.keys(…)` of
        JSON data, `builtinModules`, `.concat(…)`, `.map(x => template)`, `.filter(x => predicate)`."""
        raw = node
        node = self._unwrap(node)
        if node is None or depth > 20:
            raise _Unread("no value")
        src = self.src
        t = node.type
        if t == "array":
            out: list[str] = []
            for item in node.named_children:
                if item.type == "comment":
                    continue
                if item.type == "spread_element" and item.named_children:
                    out.extend(self.string_list(item.named_children[0], env, depth + 1))
                else:
                    out.append(self.string_in(item, env))
            return out
        if t == "identifier" and self.json_bindings.get(_text(node, src), ("",))[0] == "\x00builtins":
            from .builtins import NODE_BUILTINS
            return sorted(NODE_BUILTINS)
        if t == "call_expression":
            fn = node.child_by_field_name("function")
            argv = arguments_of(node)
            name = _text(fn, src).replace(" ", "") if fn is not None else ""
            if name == "Object.keys" and len(argv) == 1:
                data = self.json_value(argv[0])
                if data is None:
                    return []
                if not isinstance(data, dict):
                    raise _Unread(f"`{_text(argv[0], src)[:40]}` is not an object")
                return list(data)
            if fn is not None and fn.type == "member_expression":
                method = _text(fn.child_by_field_name("property"), src)
                obj = fn.child_by_field_name("object")
                if method == "concat":
                    out = self.string_list(obj, env, depth + 1)
                    for a in argv:
                        inner = self._unwrap(a)
                        if inner is not None and inner.type in ("string", "template_string"):
                            out.append(self.string_in(a, env))
                        else:
                            out.extend(self.string_list(a, env, depth + 1))
                    return out
                if method == "filter" and len(argv) == 1:
                    items = self.string_list(obj, env, depth + 1)
                    param, body, others = self._lambda(argv[0])
                    tree = self._compile(body, param, {**(env or {}), **{o: None for o in others}}, depth + 1)
                    return [s for s in items if _holds(tree, s)]
                if method == "map" and len(argv) == 1:
                    items = self.string_list(obj, env, depth + 1)
                    param, body, _ = self._lambda(argv[0])
                    return [self.string_in(body, {**(env or {}), param: s}) for s in items]
        if t == "new_expression" and _text(node.child_by_field_name("constructor"), src) == "Set":
            argv = arguments_of(node)
            return self.string_list(argv[0], env, depth + 1) if argv else []
        raise _Unread(f"`{_text(raw if raw is not None else node, src)[:60]}` is not a list tla-lens reads "
                      f"without running the configuration")

    def string_in(self, node, env: Optional[dict]) -> str:
        """A string value, where names of ``env`` stand for their strings."""
        node = self._unwrap_only(node)
        if env and node is not None:
            t = node.type
            if t in ("identifier", "member_expression") and _text(node, self.src) in env:
                value = env[_text(node, self.src)]
                if value is None:
                    raise _Unread(f"the function's `{_text(node, self.src)}` (not the import) is not read")
                return value
            if t == "binary_expression" and _text(node.child_by_field_name("operator"), self.src) == "+":
                return self.string_in(node.child_by_field_name("left"), env) + \
                    self.string_in(node.child_by_field_name("right"), env)
            if t == "template_string":
                parts = []
                for c in node.named_children:
                    if c.type == "template_substitution" and c.named_children:
                        parts.append(self.string_in(c.named_children[0], env))
                    else:
                        parts.append(self._eval_part(c))
                return "".join(parts)
            if t == "call_expression":
                # `path.join(__dirname, `../lambda/${name}.ts`)`: the loop's names in its parts
                fn = _text(node.child_by_field_name("function"), self.src).replace(".posix.", ".").replace(" ", "")
                short = getattr(self, "path_fns", {}).get(fn, "")
                if short in ("join", "resolve"):
                    return self._joined(short, [self.string_in(a, env) for a in arguments_of(node)])
        return self._eval(node)

    def truth(self, node, env: Optional[dict]) -> bool:
        """A condition over strings, where names of ``env`` stand for their strings:
        `===`/`!==` (`==`/`!=`), `!`, `&&`, `||`. Raises _Unread for any other."""
        node = self._unwrap_only(node)
        if node is not None and node.type == "unary_expression" and \
                _text(node.child_by_field_name("operator"), self.src) == "!":
            return not self.truth(node.child_by_field_name("argument"), env)
        if node is not None and node.type == "binary_expression":
            op = _text(node.child_by_field_name("operator"), self.src)
            left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
            if op == "&&":
                return self.truth(left, env) and self.truth(right, env)
            if op == "||":
                return self.truth(left, env) or self.truth(right, env)
            if op in ("===", "==", "!==", "!="):
                same = self.string_in(left, env) == self.string_in(right, env)
                return same if op in ("===", "==") else not same
        raise _Unread(f"`{_text(node, self.src)[:60] if node is not None else ''}` is not a condition "
                      f"tla-lens reads")

    def _eval_part(self, c) -> str:
        from .bundler import _unescape
        if c.type == "string_fragment":
            return _text(c, self.src)
        if c.type == "escape_sequence":
            return _unescape(_text(c, self.src))
        return ""

    # -- predicates ------------------------------------------------------------------------
    def _lambda(self, node) -> tuple[str, object, frozenset]:
        """(its one parameter's name, the expression it returns) of a function of one
        parameter (an arrow function, a function expression, a top-level function), and the names
        of its other parameters."""
        name, node, others = self.parameters(node)
        body = node.child_by_field_name("body")
        if body is not None and body.type == "statement_block":
            stmts = [s for s in body.named_children if s.type != "comment"]
            if len(stmts) != 1 or stmts[0].type != "return_statement" or not stmts[0].named_children:
                raise _Unread(f"`{_text(node, self.src)[:60]}` is more than one `return` of an expression")
            body = stmts[0].named_children[0]
        return name, body, others

    def parameters(self, node) -> tuple[str, object, frozenset]:
        """(its first parameter's name, the function, the names of its other parameters) of a
        function (an arrow function, a function expression, a top-level function)."""
        node = self._unwrap(node)
        if node is not None and node.type == "identifier":
            node = self.functions.get(_text(node, self.src), node)
        if node is None or node.type not in ("arrow_function", "function_expression", "function",
                                             "function_declaration"):
            raise _Unread(f"`{_text(node, self.src)[:60] if node is not None else ''}` is not a function "
                          f"tla-lens reads")
        params = node.child_by_field_name("parameters")
        names = [p for p in (params.named_children if params is not None else [])
                 if p.type != "comment"] if params is not None else []
        if params is None:
            single = node.child_by_field_name("parameter")
            names = [single] if single is not None else []
        if names and names[0].type == "required_parameter":
            names[0] = names[0].child_by_field_name("pattern") or names[0]
        if not names or names[0].type != "identifier":
            raise _Unread(f"`{_text(node, self.src)[:60]}` does not take one named parameter")
        others = frozenset(_text(p, self.src) for p in names[1:])
        return _text(names[0], self.src), node, others

    @functools.cached_property
    def functions(self) -> dict:
        """{name: node} of the top-level function declarations."""
        out = {}
        for stmt in self.root.named_children:
            decl = stmt.child_by_field_name("declaration") if stmt.type == "export_statement" else stmt
            if decl is not None and decl.type == "function_declaration":
                name = decl.child_by_field_name("name")
                if name is not None:
                    out[_text(name, self.src)] = decl
        return out

    def predicate(self, node) -> tuple[str, list]:
        """(the function's source, its tree) of a function of an import (``external``)."""
        fn = self._unwrap(node)
        if fn is not None and fn.type == "identifier":
            fn = self.functions.get(_text(fn, self.src), fn)
        param, body, others = self._lambda(fn)
        return _text(fn, self.src), self._compile(body, param, {name: None for name in others}, 0)

    def _compile(self, node, param: str, env: dict, depth: int) -> list:
        src = self.src
        node = self._unwrap_only(node)
        if node is None or depth > 30:
            raise _Unread("no value")
        t = node.type
        if t in ("true", "false"):
            return ["const", t == "true"]
        if t == "unary_expression" and _text(node.child_by_field_name("operator"), src) == "!":
            return ["not", self._compile(node.child_by_field_name("argument"), param, env, depth + 1)]
        if t == "ternary_expression":
            return ["if", *(self._compile(node.child_by_field_name(f), param, env, depth + 1)
                            for f in ("condition", "consequence", "alternative"))]
        if t == "binary_expression":
            op = _text(node.child_by_field_name("operator"), src)
            left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
            if op in ("&&", "||"):
                return ["and" if op == "&&" else "or", self._compile(left, param, env, depth + 1),
                        self._compile(right, param, env, depth + 1)]
            if op in ("===", "==", "!==", "!="):
                if self._is_param(right, param):
                    left, right = right, left
                if self._is_param(left, param):
                    eq = ["in", [self.string_in(right, env)]]
                    return eq if op in ("===", "==") else ["not", eq]
        if t == "call_expression":
            got = self._compile_call(node, param, env, depth)
            if got is not None:
                return got
        other = self._other_parameter(node, env)
        if other is not None:
            raise _Unread(f"the function's `{other}` (not the import) is not read")
        raise _Unread(f"`{_text(node, src)[:60]}` is not a form tla-lens reads without running the configuration")

    def _other_parameter(self, node, env: dict) -> Optional[str]:
        """The first parameter other than the import's that ``node`` mentions."""
        others = {k for k, v in env.items() if v is None}
        stack = [node] if others else []
        while stack:
            n = stack.pop()
            if n.type == "identifier" and _text(n, self.src) in others:
                return _text(n, self.src)
            stack.extend(n.named_children)
        return None

    def _unwrap_only(self, node):
        while node is not None and node.type in ("parenthesized_expression", "as_expression",
                                                 "satisfies_expression", "non_null_expression"):
            node = node.named_children[0] if node.named_children else None
        return node

    def _is_param(self, node, param: str) -> bool:
        node = self._unwrap_only(node)
        return node is not None and node.type == "identifier" and _text(node, self.src) == param

    def _compile_call(self, node, param: str, env: dict, depth: int) -> Optional[list]:
        src = self.src
        fn = node.child_by_field_name("function")
        argv = arguments_of(node)
        if fn is None:
            return None
        if fn.type != "member_expression":
            name = _text(fn, src)
            if len(argv) == 1 and self._is_param(argv[0], param) and self.path_fns.get(name) == "isAbsolute":
                return ["abs"]
            return None
        method = _text(fn.child_by_field_name("property"), src)
        obj = fn.child_by_field_name("object")
        if self._is_param(obj, param) and len(argv) >= 1:
            if method in _METHODS:
                return [_METHODS[method], self.string_in(argv[0], env)]
            if method == "match":
                return self._regex_of(argv[0])
            return None
        if len(argv) == 1 and self._is_param(argv[0], param):
            if method == "test":
                return self._regex_of(obj)
            if method == "isAbsolute" and self.path_fns.get(_text(fn, src).replace(" ", "")) == "isAbsolute":
                return ["abs"]
            if method in ("includes", "has"):
                return ["in", self.string_list(obj, env)]
        if method in _ITERATORS and _ITERATORS[method] is not None and len(argv) == 1:
            items = self.string_list(obj, env)
            item, body, _ = self._lambda(argv[0])
            return [_ITERATORS[method], *(self._compile(body, param, {**env, item: s}, depth + 1) for s in items)] \
                if items else ["const", method == "every"]
        return None

    def _regex_of(self, node) -> list:
        node = self._unwrap(node)
        if node is None or node.type != "regex":
            raise _Unread(f"`{_text(node, self.src)[:60] if node is not None else ''}` is not a regular "
                          f"expression literal")
        regex, unread = self.regex(node)
        if unread is not None:
            raise _Unread(f"its regular expression has {unread}")
        return ["re", *regex]


_EXTERNALS_PLUGIN = "rollup-plugin-node-externals"
_MONOREPO_ROOTS = ("pnpm-workspace.yaml", "lerna.json", "rush.json")


def _packages_up(cwd: str) -> list[str]:
    """rollup-plugin-node-externals' package.json files: each folder's from ``cwd`` up, to the
    git repository's top (a folder with `.git`) or a monorepo's root."""
    out: list[str] = []
    d = cwd
    while True:
        f = os.path.join(d, "package.json")
        if os.path.isfile(f):
            out.append(f)
        if os.path.exists(os.path.join(d, ".git")) or \
                any(os.path.isfile(os.path.join(d, m)) for m in _MONOREPO_ROOTS):
            return out
        parent = os.path.dirname(d)
        if parent == d:
            return out
        d = parent


def predicate_matches(value: str, specifier: str) -> bool:
    """Does the predicate kept as ``value`` (JSON: [source, tree]) hold for ``specifier``?"""
    return _holds(_tree(value), specifier)


@functools.lru_cache(maxsize=64)
def _tree(value: str):
    return json.loads(value)[1]


def _holds(p: list, s: str) -> bool:
    op = p[0]
    if op == "const":
        return p[1]
    if op == "not":
        return not _holds(p[1], s)
    if op == "and":
        return all(_holds(q, s) for q in p[1:])
    if op == "or":
        return any(_holds(q, s) for q in p[1:])
    if op == "if":
        return _holds(p[2], s) if _holds(p[1], s) else _holds(p[3], s)
    if op == "in":
        return s in p[1]
    if op == "starts":
        return s.startswith(p[1])
    if op == "ends":
        return s.endswith(p[1])
    if op == "has":
        return p[1] in s
    if op == "abs":
        return s.startswith("/")
    if op == "re":
        from .bundler import _pattern
        pattern = _pattern(p[1], p[2])
        return pattern is not None and pattern.search(s) is not None
    return False
