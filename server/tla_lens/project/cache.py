"""The persistent facts cache, and facts extraction on all cores.

Facts depend only on a file's bytes and dialect (and on this tool's version), so they are
cached under ``$XDG_CACHE_HOME/tla-lens/<project>/facts.sqlite`` keyed by
``sha256(bytes) + dialect``. SQLite gives atomic writes and safe concurrent runs (two `check`s of
the same project at once); every entry also carries a checksum, and an entry that does not load
— truncated, corrupt, from another version — is treated as a miss and rebuilt, never trusted. A
database that cannot be opened is moved aside and started afresh. The cache only ever writes
inside its own directory.
"""
from __future__ import annotations

import hashlib
import os
import pickle
import sqlite3
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Iterable, Optional

from .. import __version__
from ..syntax import Dialect, extract
from ..syntax.facts import ModuleFacts

# Bump when ModuleFacts or what extract() puts in it changes.
SCHEMA = 3
_VERSION_TAG = f"{__version__}/{SCHEMA}".encode()


def cache_home() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "tla-lens"


def content_key(data: bytes, dialect: Dialect) -> str:
    return hashlib.sha256(data).hexdigest() + "." + dialect.value


class FactsCache:
    """``get_many`` / ``put_many`` of ModuleFacts by content key. Never raises: any storage
    problem turns the cache off for the run (with a note in ``problem``)."""

    def __init__(self, root: Path, directory: Optional[Path] = None) -> None:
        project = hashlib.sha1(str(root).encode()).hexdigest()[:16]
        self.dir = (directory or cache_home()) / project
        self.path = self.dir / "facts.sqlite"
        self.db: Optional[sqlite3.Connection] = None
        self.problem: Optional[str] = None
        self.hits = 0
        self.misses = 0
        try:
            self._open()
        except Exception as e:
            self._reset(e)

    def _open(self) -> None:
        self.dir.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.execute("CREATE TABLE IF NOT EXISTS facts (key TEXT PRIMARY KEY, data BLOB NOT NULL)")
        self.db.execute("SELECT count(*) FROM facts LIMIT 1").fetchone()

    def _reset(self, error: Exception) -> None:
        """The database is unusable: move it aside and start afresh (or run without)."""
        try:
            if self.db is not None:
                self.db.close()
        except Exception:
            pass
        self.db = None
        try:
            if self.path.exists():
                self.path.replace(self.path.with_name(f"facts.corrupt-{int(time.time())}.sqlite"))
            self._open()
        except Exception as e:
            self.db = None
            self.problem = f"facts cache disabled ({type(e).__name__}: {e})"
            return
        self.problem = f"facts cache was unreadable ({type(error).__name__}); started afresh"

    @staticmethod
    def _pack(facts: ModuleFacts) -> bytes:
        payload = pickle.dumps(facts, protocol=5)
        return _VERSION_TAG + b"\0" + hashlib.sha256(payload).digest() + payload

    @staticmethod
    def _unpack(blob: bytes) -> Optional[ModuleFacts]:
        try:
            tag, rest = blob.split(b"\0", 1)
            if tag != _VERSION_TAG or len(rest) < 32:
                return None
            digest, payload = rest[:32], rest[32:]
            if hashlib.sha256(payload).digest() != digest:
                return None
            facts = pickle.loads(payload)
            return facts if isinstance(facts, ModuleFacts) else None
        except Exception:
            return None

    def get_many(self, keys: Iterable[str]) -> dict[str, ModuleFacts]:
        keys = list(dict.fromkeys(keys))
        out: dict[str, ModuleFacts] = {}
        if self.db is None or not keys:
            self.misses += len(keys)
            return out
        try:
            for i in range(0, len(keys), 500):
                chunk = keys[i:i + 500]
                rows = self.db.execute(
                    f"SELECT key, data FROM facts WHERE key IN ({','.join('?' * len(chunk))})", chunk)
                for key, blob in rows:
                    facts = self._unpack(blob)
                    if facts is not None:
                        out[key] = facts
        except sqlite3.DatabaseError as e:
            self._reset(e)
        self.hits += len(out)
        self.misses += len(keys) - len(out)
        return out

    def put_many(self, items: dict[str, ModuleFacts]) -> None:
        if self.db is None or not items:
            return
        try:
            rows = [(k, self._pack(f)) for k, f in items.items()]
            self.db.execute("BEGIN")
            self.db.executemany("INSERT OR REPLACE INTO facts (key, data) VALUES (?, ?)", rows)
            self.db.execute("COMMIT")
        except sqlite3.DatabaseError as e:
            try:
                self.db.execute("ROLLBACK")
            except Exception:
                pass
            if not isinstance(e, sqlite3.OperationalError):  # locked/busy: just skip this batch
                self._reset(e)
        except Exception:
            pass

    def close(self) -> None:
        if self.db is not None:
            try:
                self.db.close()
            except Exception:
                pass
            self.db = None


def _extract_chunk(items: list[tuple[bytes, str]]) -> list[ModuleFacts]:
    return [extract(data, Dialect(d)) for data, d in items]


def extract_all(items: list[tuple[bytes, Dialect]], jobs: int) -> list[ModuleFacts]:
    """Facts of many files, on ``jobs`` processes when it is worth it (in order)."""
    if jobs <= 1 or len(items) < 200:
        return [extract(data, d) for data, d in items]
    size = max(50, len(items) // (jobs * 8))
    chunks = [[(data, d.value) for data, d in items[i:i + size]] for i in range(0, len(items), size)]
    try:
        import multiprocessing

        ctx = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=jobs, mp_context=ctx) as pool:
            out: list[ModuleFacts] = []
            for part in pool.map(_extract_chunk, chunks):
                out.extend(part)
            return out
    except Exception:  # no processes here: do it in this one
        return [extract(data, d) for data, d in items]
