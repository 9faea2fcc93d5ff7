"""What the readers of the tools' own configurations share: whether a package depends on a
tool, and which of a tool's configuration names is in a folder (the tools take the first in
their order), and what they say of one they read."""
from __future__ import annotations

import os
from typing import Callable, Iterable, NamedTuple, Optional

__all__ = ["Loaded", "depends_on", "first_file"]


class Loaded(NamedTuple):
    """A configuration a tool loads with import() (or require(), then import()), where an async
    graph only makes the tool wait."""
    file: str   # absolute
    how: str    # how the tool loads it, for the messages
    node: bool  # Node's own loader takes it (no bundler, compiler or loader hook in between):
    #             Node resolves its imports, and those of the ES modules it loads, as written


def depends_on(manifest: dict, *names: str) -> bool:
    """Does the package.json ``manifest`` list one of the packages ``names`` among its
    dependencies or devDependencies?"""
    deps = [manifest.get(k) for k in ("dependencies", "devDependencies")]
    return any(isinstance(d, dict) and name in d for d in deps for name in names)


def first_file(folder: str, names: Iterable[str], is_file: Callable[[str], bool]) -> Optional[str]:
    """The first of ``names`` (relative to ``folder``) that is a file there, or None."""
    return next((n for n in names if is_file(os.path.join(folder, n))), None)
