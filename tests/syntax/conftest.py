"""Make `tla_lens` importable when the package is not installed (e.g. before `make install`)."""
from __future__ import annotations

import sys
from pathlib import Path

_SERVER = Path(__file__).resolve().parents[2] / "server"
try:
    import tla_lens  # noqa: F401
except ImportError:  # pragma: no cover - depends on the environment
    sys.path.insert(0, str(_SERVER))
