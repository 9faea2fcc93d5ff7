"""Helpers for the project tests."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

from tla_lens.project import Project


def loaded(root: Path, overlays: Optional[dict] = None) -> Project:
    """A live project of ``root`` (with editor buffers ``overlays``), discovered, loaded and
    with its verdicts computed, as the server holds it."""
    project = Project(root)
    if overlays:
        project.overlays.update(overlays)
    project.discover()
    project.load()
    project.recompute()
    return project
