"""tla-lens: which ES modules are async modules (top-level await), and why."""
from importlib.metadata import PackageNotFoundError, version as _version

try:
    __version__ = _version("tla-lens")
except PackageNotFoundError:  # running from a source tree
    __version__ = "0.0.0+unknown"
