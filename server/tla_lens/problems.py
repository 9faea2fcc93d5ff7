"""Problems with the user's configuration files or inputs (not findings about their code).

Collected by the resolver (tsconfig.json, package.json), the config loader (tla-lens.json) and
the project (unreadable, binary or oversized files); the CLI prints them on stderr and the
language server logs them. Never fatal.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Optional


@dataclass(frozen=True)
class Problem:
    path: Optional[Path]
    message: str
    line: Optional[int] = None    # 1-based, when known
    column: Optional[int] = None  # 1-based, when known
    severity: str = "warning"     # "error" | "warning" | "information"

    def __str__(self) -> str:
        where = ""
        if self.path is not None:
            where = str(self.path)
            if self.line is not None:
                where += f":{self.line}"
                if self.column is not None:
                    where += f":{self.column}"
            where += ": "
        return f"{where}{self.message}"
