"""The effective tsconfig.json / jsconfig.json of a file, after `extends`.

`TsConfig` is plain data; `Resolver.tsconfig_for` builds it (see resolver.py for the search).
Merging follows TypeScript: `compilerOptions` of the bases (in `extends` order, later wins) are
overlaid by the config's own; path-valued options (`baseUrl`, `outDir`, `rootDir`, `rootDirs`,
...) are relative to the config that sets them; `paths` are relative to `baseUrl` when one is in
effect, else to the config that sets `paths`; `files`/`include`/`exclude` are inherited whole
when the config does not set them; `${configDir}` means the directory of the leaf config.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any, Optional

# compilerOptions whose string value is a path (made absolute) or a list of paths.
PATH_OPTIONS = frozenset({"baseUrl", "outDir", "rootDir", "declarationDir", "outFile", "tsBuildInfoFile"})
PATH_LIST_OPTIONS = frozenset({"rootDirs", "typeRoots"})


@dataclass(frozen=True)
class TsConfig:
    path: Path                                   # the leaf config file
    verbatim_module_syntax: bool = False
    base_url: Optional[Path] = None
    paths: dict[str, list[str]] = field(default_factory=dict)
    paths_base: Optional[Path] = None            # directory `paths` substitutions are relative to
    module_resolution: Optional[str] = None      # lower-cased: "bundler", "node16", "nodenext", ...
    module: Optional[str] = None                 # lower-cased
    allow_js: bool = False
    check_js: bool = False
    isolated_modules: bool = False
    preserve_value_imports: bool = False
    imports_not_used_as_values: Optional[str] = None
    custom_conditions: tuple[str, ...] = ()
    out_dir: Optional[Path] = None
    root_dir: Optional[Path] = None
    root_dirs: tuple[Path, ...] = ()
    jsx: Optional[str] = None
    files: Optional[tuple[Path, ...]] = None     # None: not set anywhere in the chain
    include: Optional[tuple[str, ...]] = None    # absolute glob patterns
    exclude: Optional[tuple[str, ...]] = None
    references: tuple[Path, ...] = ()
    extends: tuple[Path, ...] = ()               # every config file read for this one, bases first
    compiler_options: dict[str, Any] = field(default_factory=dict)  # merged, paths made absolute

    @property
    def is_jsconfig(self) -> bool:
        return self.path.name.endswith("jsconfig.json")

    @cached_property
    def module_suffixes(self) -> tuple[str, ...]:
        """`moduleSuffixes` (React Native's `[".ios", ".native", ""]`): the suffixes TypeScript
        tries before each extension of a file it looks for, in order; () when unset or only
        `[""]`."""
        raw = self.compiler_options.get("moduleSuffixes")
        if not isinstance(raw, list) or not all(isinstance(x, str) for x in raw) or raw in ([], [""]):
            return ()
        return tuple(raw)

    def includes(self, file: "Path | str") -> bool:
        """Whether `file` is part of this project by `files`/`include`/`exclude` (TypeScript's
        defaults: include everything under the config's directory, exclude node_modules,
        bower_components, jspm_packages and outDir). Extensions are not checked."""
        f = os.path.normpath(str(file))
        files, include, exclude = self._membership
        if f in files:
            return True
        if os.sep != "/":
            f = f.replace(os.sep, "/")
        return include.match(f) is not None and exclude.match(f) is None

    @cached_property
    def _membership(self) -> tuple[frozenset, "re.Pattern[str]", "re.Pattern[str]"]:
        """(the `files`, one pattern for `include`, one for `exclude`), defaults applied; worked
        out once per config (every module of a project asks)."""
        files = frozenset(os.path.normpath(str(x)) for x in self.files or ())
        include = self.include
        if include is None:
            include = () if self.files is not None else (os.path.join(str(self.path.parent), "**", "*"),)
        exclude = self.exclude
        if exclude is None:
            base = str(self.path.parent)
            exclude = tuple(os.path.join(base, d) for d in ("node_modules", "bower_components", "jspm_packages"))
            if self.out_dir is not None:
                exclude += (str(self.out_dir),)
        return files, _any_glob(include), _any_glob(exclude)


@lru_cache(maxsize=4096)
def _glob(pattern: str) -> "re.Pattern[str]":
    """TypeScript's include/exclude wildcards: `*`, `?`, `**/`; a last segment without a wildcard
    or an extension is a directory and matches everything below it."""
    pattern = os.path.normpath(pattern).replace(os.sep, "/")
    last = pattern.rsplit("/", 1)[-1]
    out: list[str] = []
    parts = pattern.split("/")
    for i, part in enumerate(parts):
        if part == "**":
            out.append("(?:[^/]+/)*" if i < len(parts) - 1 else ".*")
            continue
        seg = "".join("[^/]*" if c == "*" else "[^/]" if c == "?" else re.escape(c) for c in part)
        out.append(seg + ("/" if i < len(parts) - 1 else ""))
    rx = "".join(out)
    if "*" not in last and "?" not in last:
        rx += "(?:/.*)?"  # a directory ("src") or an exact file: both match
    return re.compile(rx + r"\Z")


@lru_cache(maxsize=1024)
def _any_glob(patterns: tuple[str, ...]) -> "re.Pattern[str]":
    """One pattern for "matches any of ``patterns``" (none: matches nothing)."""
    if not patterns:
        return re.compile(r"(?!)")
    return re.compile("|".join(f"(?:{_glob(p).pattern})" for p in patterns))


def glob_matches(pattern: str, file: str) -> bool:
    return bool(_glob(pattern).match(os.path.normpath(file).replace(os.sep, "/")))
