"""Reading a module's bytes from disk, the same way in the analysis and in its workers."""
from __future__ import annotations

import os
import stat
from typing import Optional

from ..resolve import virtual

_OPEN_FLAGS = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)


def read_source(path, limit: int) -> tuple[Optional[bytes], Optional[str]]:
    """The bytes of a file on disk, or None and why it is not read (why None: it is gone).
    Only regular files of at most ``limit`` bytes without NUL bytes near the start are read.
    A path through a zip archive (Yarn Plug'n'Play's cache) reads the entry inside it, a path in
    Deno's HTTP cache its cached file (resolve/virtual.py)."""
    found = virtual.read(os.fspath(path), limit)
    if found is not None:
        data, why = found
        if data is not None and b"\x00" in data[:8192]:
            return None, "skipped: binary file (contains NUL bytes)"
        return data, why
    try:
        # O_NONBLOCK: a FIFO named like a module must not block the analysis
        fd = os.open(path, _OPEN_FLAGS)
    except FileNotFoundError:
        return None, None
    except OSError as e:
        return None, f"cannot read: {e.strerror or e}"
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            return None, "skipped: not a regular file"
        if st.st_size > limit:
            return None, f"skipped: {st.st_size:,} bytes is over maxFileSize ({limit:,}); treated as a sync module"
        # one read when the size is right (asked for one byte more, got none: at the end);
        # otherwise it changed since the fstat: read on until the end, or past the limit
        data = os.read(fd, st.st_size + 1)
        if len(data) != st.st_size:
            chunks = [data]
            remaining = limit + 1 - len(data)
            while remaining > 0:
                chunk = os.read(fd, min(remaining, 1 << 20))
                if not chunk:
                    break
                chunks.append(chunk)
                remaining -= len(chunk)
            data = b"".join(chunks)
    except OSError as e:
        return None, f"cannot read: {e.strerror or e}"
    finally:
        os.close(fd)
    if len(data) > limit:
        return None, f"skipped: over maxFileSize ({limit:,} bytes); treated as a sync module"
    if b"\x00" in data[:8192]:
        return None, "skipped: binary file (contains NUL bytes)"
    return data, None
