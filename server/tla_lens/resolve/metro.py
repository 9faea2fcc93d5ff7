"""React Native apps, which Metro bundles (read from the package.json, never run).

Metro (0.87, with @react-native/babel-preset) bundles every module the app's entry reaches —
the project's and its packages', `import()`ed ones too — each compiled into a function of its
module system. A top-level await stays as it is inside that function: Metro writes the bundle,
but the bundle does not parse ("await is only valid in async functions and the top level bodies
of modules" in V8; Hermes refuses it too), so the app fails to start (checked by building with
Metro and parsing the bundle with Node 26).

A package is such an app when its package.json's `dependencies` name `react-native` or `expo`
(a library names them among its peer or dev dependencies). Its entry
is its `main` when that names a file of the package; `expo-router/entry` makes every file of
the routes folder (`app/`, or `src/app/`) an entry; `expo/AppEntry` (Expo's default without a
`main`) the package's App.{js,jsx,ts,tsx}; else React Native's index.{js,jsx,ts,tsx}.
"""
from __future__ import annotations

import os
from typing import Callable, Optional

from .tsup import CjsBuild

__all__ = ["is_app", "metro_app"]

_EXTENSIONS = ("js", "jsx", "ts", "tsx")


def is_app(manifest: dict) -> bool:
    """Is the package (its package.json ``manifest``) a React Native (or Expo) app: its own
    `dependencies` name `react-native` or `expo` (a library names them among its peer or dev
    ones)?"""
    deps = manifest.get("dependencies")
    return isinstance(deps, dict) and ("react-native" in deps or "expo" in deps)


def metro_app(manifest: dict, package_dir: str, is_file: Callable[[str], bool],
              is_dir: Callable[[str], bool]) -> Optional[CjsBuild]:
    """The Metro bundle of the React Native (or Expo) app of ``package_dir``, or None."""
    if not is_app(manifest):
        return None
    deps = manifest["dependencies"]
    main = manifest.get("main")
    main = main if isinstance(main, str) else ("expo/AppEntry" if "expo" in deps else "")
    entries: list[str] = []
    if main.startswith("expo-router/entry"):
        routes = "src/app" if is_dir(os.path.join(package_dir, "src", "app")) else "app"
        entries.append(f"{routes}/**/*.{{{','.join(_EXTENSIONS)}}}")
    elif main.startswith(("expo/AppEntry", "node_modules/expo/AppEntry")):
        entries += _first(package_dir, "App", is_file)
    elif main and is_file(os.path.normpath(os.path.join(package_dir, main))):
        entries.append(main)
    else:
        entries += _first(package_dir, "index", is_file)
    if not entries:
        return None
    return CjsBuild("", package_dir, tuple(entries), formats=("cjs",), tool="Metro")


def _first(package_dir: str, name: str, is_file: Callable[[str], bool]) -> list[str]:
    return next(([f"{name}.{ext}"] for ext in _EXTENSIONS if is_file(os.path.join(package_dir, f"{name}.{ext}"))),
                [])
