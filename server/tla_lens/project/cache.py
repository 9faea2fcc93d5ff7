"""The persistent facts cache, and facts extraction on all cores.

Facts depend only on a file's bytes and dialect (and on this tool's version), so they are
cached under ``$XDG_CACHE_HOME/tla-lens/<project>/facts.sqlite`` keyed by
``sha256(bytes) + dialect``; an entry is the facts' compact form (``facts.to_record``) written
with marshal, which the workers send as is. SQLite gives atomic writes and safe concurrent runs (two `check`s of
the same project at once); every entry also carries a checksum, and an entry that does not load
— truncated, corrupt, from another version — is treated as a miss and rebuilt, never trusted. A
database that cannot be opened is moved aside and started afresh. The cache only ever writes
inside its own directory.

The same table keeps named blobs (``get_state``/``put_state``, sealed the same way): the CLI
saves the resolver's state there, which carries its own proof of validity
(``Resolver.export_state``). ``Workers`` extract facts on other processes.
"""
from __future__ import annotations

import hashlib
import marshal
import os
import signal
import sqlite3
import sys
import threading
import time
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path
from typing import Iterable, Optional

from .. import __version__
from ..syntax import Dialect, extract_record
from ..syntax.facts import ModuleFacts, from_record, to_record
from .files import read_source

# Bump when ModuleFacts or what extract() puts in it changes, or what the resolver saves
# (Resolver.export_state) or how it resolves.
SCHEMA = 22
# entries are marshal data (facts in their compact form), whose format may change between
# Python versions: the version is part of every entry's tag
_VERSION_TAG = f"{__version__}/{SCHEMA}/py{sys.version_info[0]}.{sys.version_info[1]}/m{marshal.version}".encode()
_HEADER = _VERSION_TAG + b"\0"  # what every entry starts with, then the payload's sha256


def cache_home() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "tla-lens"


def content_key(data: bytes, dialect: Dialect) -> str:
    return hashlib.sha256(data).hexdigest() + "." + dialect.value


def _busy(error: Exception) -> bool:
    """Is ``error`` SQLite's "database is locked" / busy (another run at work), not damage?"""
    text = str(error).lower()
    return isinstance(error, sqlite3.OperationalError) and ("locked" in text or "busy" in text)


class FactsCache:
    """``get_many`` / ``put_many`` of ModuleFacts by content key. Never raises: any storage
    problem turns the cache off for the run (with a note in ``problem``)."""

    def __init__(self, root: Path, directory: Optional[Path] = None) -> None:
        wait_for_writes()  # what an earlier analysis in this process still writes comes first
        project = hashlib.sha1(str(root).encode()).hexdigest()[:16]
        self.dir = (directory or cache_home()) / project
        self.path = self.dir / "facts.sqlite"
        self.db: Optional[sqlite3.Connection] = None
        self.problem: Optional[str] = None
        self.hits = 0
        self.misses = 0
        # entries waiting to be written: one transaction per few thousand rather than per chunk
        self._pending: dict[str, bytes] = {}
        for attempt in range(8):
            try:
                self._open()
                break
            except sqlite3.OperationalError as e:
                if not _busy(e):
                    self._reset(e)
                    break
                # another run is creating it or switching it to WAL (SQLite does not wait for
                # that one): its database is sound, so wait and try again, never move it aside
                self._close_quietly()
                if attempt == 7:
                    self.problem = "facts cache busy (another run holds it); not used by this run"
                    break
                time.sleep(0.02 * 2 ** attempt)
            except Exception as e:
                self._reset(e)
                break

    def _open(self) -> None:
        self.dir.mkdir(parents=True, exist_ok=True)
        # (check_same_thread off: close(wait=False) hands the connection to a writer thread;
        # no two threads ever use it at once)
        self.db = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
        # A cold run writes one ~0.7 KB entry per module under a random key: with 16 KB pages
        # (taken only by a new database) and a 16 MB page cache, which holds the key index of
        # ~100,000 entries, the inserts take half the CPU of SQLite's defaults (measured).
        self.db.execute("PRAGMA page_size=16384")
        self.db.execute("PRAGMA cache_size=-16384")
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        # checkpoint the log every 40 MB (2,500 pages), not every 1,000 pages
        self.db.execute("PRAGMA wal_autocheckpoint=2500")
        self.db.execute("CREATE TABLE IF NOT EXISTS facts (key TEXT PRIMARY KEY, data BLOB NOT NULL)")
        self.db.execute("SELECT count(*) FROM facts LIMIT 1").fetchone()

    def _close_quietly(self) -> None:
        try:
            if self.db is not None:
                self.db.close()
        except Exception:
            pass
        self.db = None

    def _reset(self, error: Exception) -> None:
        """The database is unusable: move it aside and start afresh (or run without)."""
        self._close_quietly()
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
    def _seal(payload: bytes) -> bytes:
        return _HEADER + hashlib.sha256(payload).digest() + payload

    @staticmethod
    def _unseal(blob: bytes) -> Optional[bytes]:
        """The payload of a sealed blob; None when it is from another version or damaged."""
        try:
            tag, rest = blob.split(b"\0", 1)
            if tag != _VERSION_TAG or len(rest) < 32:
                return None
            digest, payload = rest[:32], rest[32:]
            return payload if hashlib.sha256(payload).digest() == digest else None
        except Exception:
            return None

    @staticmethod
    def pack(facts: ModuleFacts) -> bytes:
        return FactsCache.pack_record(to_record(facts))

    @staticmethod
    def pack_record(record: tuple) -> bytes:
        """A cache entry of facts in the compact form (``facts.to_record``)."""
        return FactsCache._seal(marshal.dumps(record))

    @staticmethod
    def unpack(blob: bytes, trusted: bool = False) -> Optional[ModuleFacts]:
        """The facts of an entry; None when it does not load. ``trusted``: an entry this run
        just made (a worker's), whose checksum is not checked again."""
        if trusted and blob.startswith(_HEADER):
            payload: Optional[bytes] = blob[len(_HEADER) + 32:]  # (after the sha256)
        else:
            payload = FactsCache._unseal(blob)
        if payload is None:
            return None
        try:
            # (marshal only ever reads a payload whose checksum is the one written with it)
            return from_record(marshal.loads(payload))
        except Exception:  # another shape: not ours
            return None

    def get_many(self, keys: Iterable[str]) -> dict[str, ModuleFacts]:
        keys = list(dict.fromkeys(keys))
        out: dict[str, ModuleFacts] = {}
        asked = len(keys)
        if self._pending:  # written by this run, not yet in the database
            for k in keys:
                blob = self._pending.get(k)
                facts = self.unpack(blob) if blob is not None else None
                if facts is not None:
                    out[k] = facts
            if out:
                keys = [k for k in keys if k not in out]
        if self.db is not None and keys:
            try:
                for i in range(0, len(keys), 500):
                    chunk = keys[i:i + 500]
                    rows = self.db.execute(
                        f"SELECT key, data FROM facts WHERE key IN ({','.join('?' * len(chunk))})", chunk)
                    for key, blob in rows:
                        facts = self.unpack(blob)
                        if facts is not None:
                            out[key] = facts
            except sqlite3.DatabaseError as e:
                if not _busy(e):  # (locked by another run: these are misses, the database sound)
                    self._reset(e)
        self.hits += len(out)
        self.misses += asked - len(out)
        return out

    def is_empty(self) -> bool:
        """Nothing stored (a new cache: a cold run need not look anything up)."""
        if self._pending:
            return False
        if self.db is None:
            return True
        try:
            return self.db.execute("SELECT 1 FROM facts LIMIT 1").fetchone() is None
        except sqlite3.DatabaseError:
            return False

    def get_state(self, name: str) -> Optional[bytes]:
        """A blob stored with :meth:`put_state` (None when absent or damaged)."""
        if self.db is None:
            return None
        try:
            row = self.db.execute("SELECT data FROM facts WHERE key = ?", ("state:" + name,)).fetchone()
        except sqlite3.DatabaseError:
            return None
        return self._unseal(row[0]) if row else None

    def put_state(self, name: str, payload: bytes) -> None:
        """Store a named blob, with the entries that wait (or, with ``defer``, at :meth:`close`)."""
        if self.db is None:
            return
        self._pending["state:" + name] = self._seal(payload)
        if not self.defer:
            self.flush()

    def put_many(self, items: dict[str, ModuleFacts]) -> None:
        if self.db is not None and items:
            self.put_packed({k: self.pack(f) for k, f in items.items()})

    # how many entries wait before they are written
    BATCH = 10000
    # True: flush() writes only full batches; the rest waits for close() (a one-shot run
    # writes its last entries while it reports, see close(wait=False))
    defer = False

    def put_packed(self, items: dict[str, bytes]) -> None:
        """Store entries already packed with :meth:`pack` (written in batches: :meth:`flush`
        writes what waits)."""
        if self.db is None or not items:
            return
        self._pending.update(items)
        if len(self._pending) >= self.BATCH:
            self.flush()

    def flush(self) -> None:
        """Write the entries that wait (with ``defer``: only once a batch is full)."""
        if self.defer and len(self._pending) < self.BATCH:
            return
        items, self._pending = self._pending, {}
        if self.db is None or not items:
            return
        try:
            self._write(self.db, items)
        except sqlite3.DatabaseError as e:
            if not isinstance(e, sqlite3.OperationalError):  # locked/busy: just skip this batch
                self._reset(e)
        except Exception:
            pass

    MAX_PARAMETERS = 32766

    @classmethod
    def _write(cls, db: sqlite3.Connection, items: dict[str, bytes]) -> None:
        # As few statements as SQLite takes (each INSERT of many rows is atomic; SQLite >= 3.32
        # allows 32,766 parameters, before that 999): a writer thread takes the interpreter
        # lock once per statement, not once per row, and SQLite does the rest without it.
        rows = list(items.items())
        try:
            limit = db.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)  # Python >= 3.11
        except AttributeError:
            limit = 999
        n = max(1, min(limit, cls.MAX_PARAMETERS) // 2)
        parts = [rows[i:i + n] for i in range(0, len(rows), n)]
        several = len(parts) > 1  # (one statement is atomic by itself)
        try:
            if several:
                db.execute("BEGIN")
            for part in parts:
                db.execute("INSERT OR REPLACE INTO facts (key, data) VALUES "
                           + ",".join(["(?,?)"] * len(part)), [x for row in part for x in row])
            if several:
                db.execute("COMMIT")
        except Exception:
            if several:
                try:
                    db.execute("ROLLBACK")
                except Exception:
                    pass
            raise

    def close(self, wait: bool = True) -> None:
        """Write what waits and close the database. ``wait=False``: do that on a thread of
        its own (SQLite works without the interpreter lock, so a one-shot run reports
        meanwhile); :func:`wait_for_writes` waits for it, before the process ends. This
        object is closed at once either way."""
        db, items = self.db, self._pending
        self.db, self._pending = None, {}
        if db is None:
            return
        if wait:
            self._finish(db, items)
            return
        writer = threading.Thread(target=self._finish, args=(db, items), name="tla-lens facts cache")
        _writers.append(writer)
        writer.start()

    @classmethod
    def _finish(cls, db: sqlite3.Connection, items: dict[str, bytes]) -> None:
        try:
            if items:
                cls._write(db, items)
        except Exception:  # a damaged database is found (and moved aside) by the next run
            pass
        finally:
            try:
                db.close()
            except Exception:
                pass


_writers: list[threading.Thread] = []


def wait_for_writes() -> None:
    """Wait until the facts caches closed with ``close(wait=False)`` are written and closed."""
    while _writers:
        _writers.pop().join()


def _extract_packed(items: list[tuple[bytes, str]]) -> list[bytes]:
    """In a worker: facts of a chunk of files, packed as the cache stores them (the parent
    unpacks them once and stores the same bytes). No fact objects are built here."""
    return [FactsCache.pack_record(extract_record(data, Dialect(d))) for data, d in items]


def _extract_files(items: list[tuple[str, str]], limit: int, keyed: bool) -> list[Optional[tuple[str, bytes]]]:
    """In a worker: read the files of a chunk itself (the parent sends only their paths) and
    extract their facts: ``(content key or "", packed facts)`` per file, None for a file not
    read (gone, unreadable, too large, binary: the parent reads it again and says why)."""
    out: list[Optional[tuple[str, bytes]]] = []
    for path, d in items:
        data, _ = read_source(path, limit)
        if data is None:
            out.append(None)
            continue
        dialect = Dialect(d)
        out.append((content_key(data, dialect) if keyed else "",
                    FactsCache.pack_record(extract_record(data, dialect))))
    return out


def _worker_start() -> None:
    # Ctrl-C reaches the whole process group: the parent stops the pool (a worker finishes the
    # chunk at hand and exits) instead of every worker printing a traceback
    signal.signal(signal.SIGINT, signal.SIG_IGN)


class Workers:
    """Processes that extract facts, started on first use and kept until :meth:`close`.
    ``context``: the multiprocessing start method ("fork" for the CLI; a process with
    threads, like the language server, wants "spawn" or "forkserver")."""

    def __init__(self, jobs: int, context: str = "fork") -> None:
        self.jobs = jobs
        self.context = context
        self._pool: Optional[ProcessPoolExecutor] = None
        self.broken = jobs <= 1
        self.extracted = 0  # files whose facts came from a worker

    def submit(self, items: list[tuple[bytes, Dialect]]) -> Optional[Future]:
        """Extract ``items`` in a worker; None when there are no workers (do it here)."""
        return self._submit(_extract_packed, [(data, d.value) for data, d in items]) if items else None

    def submit_paths(self, items: list[tuple[str, Dialect]], limit: int, keyed: bool) -> Optional[Future]:
        """Read and extract the files ``items`` (path, dialect) in a worker (see
        :func:`_extract_files`); None when there are no workers (do it here)."""
        return self._submit(_extract_files, [(p, d.value) for p, d in items], limit, keyed) if items else None

    def _submit(self, fn, *args) -> Optional[Future]:
        if self.broken:
            return None
        try:
            if self._pool is None:
                import multiprocessing

                ctx = multiprocessing.get_context(self.context)
                self._pool = ProcessPoolExecutor(max_workers=self.jobs, mp_context=ctx,
                                                 initializer=_worker_start)
            return self._pool.submit(fn, *args)
        except Exception:  # no processes here: extract in this one
            self.broken = True
            return None

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
