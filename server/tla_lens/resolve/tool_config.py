"""What the readers of the tools' own configurations share: whether a package depends on a
tool, and which of a tool's configuration names is in a folder (the tools take the first in
their order)."""
from __future__ import annotations

import os
from typing import Callable, Iterable, Optional

__all__ = ["depends_on", "first_file"]


def depends_on(manifest: dict, *names: str) -> bool:
    """Does the package.json ``manifest`` list one of the packages ``names`` among its
    dependencies or devDependencies?"""
    deps = [manifest.get(k) for k in ("dependencies", "devDependencies")]
    return any(isinstance(d, dict) and name in d for d in deps for name in names)


def first_file(folder: str, names: Iterable[str], is_file: Callable[[str], bool]) -> Optional[str]:
    """The first of ``names`` (relative to ``folder``) that is a file there, or None."""
    return next((n for n in names if is_file(os.path.join(folder, n))), None)
