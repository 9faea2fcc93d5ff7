"""Finding the workspace's JavaScript/TypeScript files.

Walks iteratively, never follows symlinked directories (so symlink loops cannot trap it; files
reached through symlinked workspace packages come in through resolution instead), skips build
output and other configured directory names, honours every `.gitignore` on the way down (with
`pathspec`'s gitignore semantics) and the configuration's include/exclude globs.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterator, Optional

if TYPE_CHECKING:
    import pathspec

from ..config import Config
from ..problems import Problem
from ..syntax import dialect_for_path
from .graph import path_order, relative_posix


@dataclass
class Discovery:
    files: list[Path] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def _spec(patterns) -> Optional["pathspec.PathSpec"]:
    patterns = [p for p in patterns if p and p.strip()]
    if not patterns:
        return None
    import pathspec  # (only for patterns: ~14 ms of start-up otherwise)

    return pathspec.GitIgnoreSpec.from_lines(patterns)


class Matcher:
    """include/exclude/allowAsync/entries globs, matched against root-relative POSIX paths."""

    def __init__(self, root: Path, patterns) -> None:
        self.root = root
        self.spec = _spec(patterns)

    def __bool__(self) -> bool:
        return self.spec is not None

    def matches(self, path: Path) -> bool:
        if self.spec is None:
            return False
        rel = relative_posix(path, self.root)
        return rel is not None and self.spec.match_file(rel)


def _read_gitignore(folder: Path, problems: list[Problem]) -> Optional["pathspec.PathSpec"]:
    gi = folder / ".gitignore"
    try:
        if not gi.is_file():
            return None
        lines = gi.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError as e:
        problems.append(Problem(gi, f"cannot read .gitignore: {e.strerror or e}"))
        return None
    return _spec(lines)


def walk(root: Path, config: Config) -> Discovery:
    """All analysable files under ``root`` (absolute, real paths), sorted."""
    out = Discovery()
    late: list[Path] = []
    out.files = list(iter_files(root, config, out.problems, late))
    if late:
        out.files.sort(key=path_order)
    return out


# files package managers generate at the top of a project (Yarn Plug'n'Play's resolver and
# loader, megabytes of code that no module imports): never walked
GENERATED_FILES = frozenset({".pnp.cjs", ".pnp.js", ".pnp.loader.mjs"})


def iter_files(root: Path, config: Config, problems: list[Problem],
               late: Optional[list[Path]] = None) -> Iterator[Path]:
    """The files :func:`walk` finds, as it finds them: in sorted order (``path_order``: each
    folder's entries by name, a folder's files before the entries that follow it), so that
    they can be loaded while the walk goes on; cannot-read notes go to ``problems``. Files
    reached through a symlink are yielded last, by their real paths, unless already yielded
    (and added to ``late``: only then is the whole sequence out of order)."""
    root = root.resolve()
    include = Matcher(root, config.include)
    exclude = Matcher(root, config.exclude)
    skip = set(config.skip_dirs)
    seen_dirs: set[tuple[int, int]] = set()
    linked: list[Path] = []  # real paths of symlinked files
    yielded: list[Path] = []

    def enter(folder: Path, ignores: tuple) -> Optional[tuple]:
        """A frame for ``folder``: its entries in name order and the gitignores in force."""
        try:
            st = folder.stat()
        except OSError:
            return None
        key = (st.st_dev, st.st_ino)
        if key in seen_dirs:
            return None
        seen_dirs.add(key)
        own = _read_gitignore(folder, problems)
        if own is not None:
            ignores = ignores + ((folder, own),)
        try:
            with os.scandir(folder) as it:
                entries = sorted(it, key=_entry_name)
        except OSError as e:
            problems.append(Problem(folder, f"cannot list folder: {e.strerror or e}"))
            return None
        return iter(entries), folder, ignores

    first = enter(root, ())
    frames = [first] if first is not None else []
    while frames:
        entries, folder, ignores = frames[-1]
        for entry in entries:
            name = entry.name
            path = _child(folder, name)
            try:
                is_dir = entry.is_dir(follow_symlinks=False)
                is_file = entry.is_file(follow_symlinks=True)
            except OSError:
                continue
            if is_dir:
                if name in skip or _ignored(path, ignores, True):
                    continue
                frame = enter(path, ignores)
                if frame is not None:
                    frames.append(frame)
                    break  # into the folder; this one's entries go on after it
            elif is_file:
                if dialect_for_path(name) is None or name in GENERATED_FILES:
                    continue
                if _ignored(path, ignores, False):
                    continue
                if include and not include.matches(path):
                    continue
                if exclude and exclude.matches(path):
                    continue
                if entry.is_symlink():
                    try:
                        linked.append(path.resolve(strict=True))
                    except (OSError, RuntimeError):
                        problems.append(Problem(path, "broken or looping symlink; skipped"))
                    continue
                yielded.append(path)
                yield path
        else:
            frames.pop()
    if linked:
        done = set(yielded)
        for path in sorted(set(linked), key=path_order):
            if path not in done:
                if late is not None:
                    late.append(path)
                yield path


def _entry_name(entry: os.DirEntry) -> str:
    return entry.name


# ``folder / name`` for a plain file name, without parsing the whole path again: pathlib's own
# shortcut for walking folders where this Python has it (~8× faster than ``/``, which shows at
# 100,000 files)
_child = getattr(Path, "_make_child_relpath", None) or Path.__truediv__


def _ignored(path: Path, ignores, is_dir: bool) -> bool:
    for base, spec in ignores:
        rel = relative_posix(path, base)
        if rel is None:
            continue
        if is_dir:
            rel += "/"
        if spec.match_file(rel):
            return True
    return False


def iter_package_dirs(root: Path, files: list[Path],
                      is_file: Callable[[str], bool] = os.path.isfile, name: str = "package.json") -> Iterator[Path]:
    """Folders inside the workspace (outside node_modules) that hold a package.json (or the
    file ``name``: Nx's project.json), for the package-entry check: the root and every folder
    of a discovered file up to the root, in the order the files first reach them.
    ``is_file``: a (cached) test of a path string."""
    seen: set[str] = set()
    top = str(root)
    dirname = os.path.dirname
    for d in dict.fromkeys(dirname(str(f)) for f in files):
        while d not in seen:
            seen.add(d)
            if "node_modules" not in d.split(os.sep) and is_file(os.path.join(d, name)):
                yield Path(d)
            up = dirname(d)
            if d == top or up == d:
                break
            d = up
