"""tla-lens: which ES modules are async modules (top-level await), and why."""

# The one place of the version (pyproject.toml reads it from here): a constant, so that start-up
# does not import importlib.metadata (~45 ms of every `tla-lens check`).
__version__ = "0.1.0"
