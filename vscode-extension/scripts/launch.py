"""Runs the tla-lens server bundled with the VS Code extension.

    python -I launch.py serve

The extension ships the server and its dependencies unpacked: `libs/common` (pure Python and
abi3 packages) and `libs/cp3XY` (what is built for one CPython version, e.g. tree-sitter's core).
This puts both on sys.path and runs the `tla-lens` command; `-I` keeps the user's PYTHONPATH and
user site-packages from shadowing them. Bytecode goes to $TLA_LENS_PYCACHE when it is set (the
extension's global storage), so the extension's own folder is never written to.
"""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
# At import time, not in main(): the server's worker processes (multiprocessing "spawn")
# import this file as their __main__ without running main(), and must not write bytecode
# into the extension's folder either.
if os.environ.get("TLA_LENS_PYCACHE"):
    sys.pycache_prefix = os.environ["TLA_LENS_PYCACHE"]


def main() -> int:
    tag = "cp%d%d" % sys.version_info[:2]
    libs = os.path.join(HERE, "libs")
    versioned = os.path.join(libs, tag)
    if sys.implementation.name != "cpython" or not os.path.isdir(versioned):
        have = sorted(d for d in os.listdir(libs) if d.startswith("cp")) if os.path.isdir(libs) else []
        sys.stderr.write(
            "tla-lens: the bundled server has no libraries for %s %d.%d (it has: %s)\n"
            % (sys.implementation.name, sys.version_info[0], sys.version_info[1], ", ".join(have) or "none"))
        return 3
    sys.path[0:0] = [versioned, os.path.join(libs, "common")]
    from tla_lens.cli import main as cli_main

    sys.argv[0] = "tla-lens"
    return cli_main() or 0


if __name__ == "__main__":
    sys.exit(main())
