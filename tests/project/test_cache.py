"""The persistent facts cache: hits on a second run, never trusts a bad entry or database,
safe with runs in parallel, and off with --no-cache."""
import json
import sqlite3
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest

from tla_lens.project import Project, analyse
from tla_lens.resolve import resolver
from tla_lens.project.cache import FactsCache, content_key, wait_for_writes
from tla_lens.syntax import Dialect, extract

FILES = {"package.json": '{"type": "module"}', "db.js": "export const x = await 1;",
         "a.js": "import { x } from './db.js'; export const y = x;",
         "b.ts": "import type { T } from './t.js'; export const z: T = 1;", "t.ts": "export type T = number;"}


def verdicts(project):
    return {p.name: (m.is_async, m.has_tla) for p, m in project.modules.items()}


def test_second_run_hits_and_agrees(workspace, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    root = workspace(FILES)
    first = analyse(root, cache=True)
    assert first.cache.misses == 4 and first.cache.hits == 0
    second = analyse(root, cache=True)
    assert second.cache.hits == 4 and second.cache.misses == 0
    assert verdicts(first) == verdicts(second) == verdicts(analyse(root))
    # a changed file is a new key: a miss, and the new facts
    (root / "db.js").write_text("export const x = 1;")
    third = analyse(root, cache=True)
    assert third.cache.misses == 1 and not third.modules[root / "a.js"].is_async
    assert (tmp_path / "cache" / "tla-lens").is_dir()


def test_corrupt_entries_are_rebuilt_not_trusted(tmp_path):
    cache = FactsCache(tmp_path / "proj", directory=tmp_path / "c")
    data = b"export const x = await 1;"
    key = content_key(data, Dialect.JS)
    cache.put_many({key: extract(data, Dialect.JS)})
    assert cache.get_many([key])[key].has_tla  # waiting to be written: still found
    db = sqlite3.connect(cache.path)
    assert db.execute("SELECT data FROM facts WHERE key = ?", (key,)).fetchone() is None
    cache.flush()
    assert cache.get_many([key])[key].has_tla
    blob = db.execute("SELECT data FROM facts WHERE key = ?", (key,)).fetchone()[0]
    for bad in (blob[:-5], blob[:-1] + b"x", b"garbage", b""):
        db.execute("UPDATE facts SET data = ? WHERE key = ?", (bad, key))
        db.commit()
        assert cache.get_many([key]) == {}
    # a stale entry from another version of the tool is a miss too
    db.execute("UPDATE facts SET data = ? WHERE key = ?", (b"0.0.1/1\0" + blob.split(b"\0", 1)[1], key))
    db.commit()
    assert cache.get_many([key]) == {}
    cache.close()


@pytest.mark.parametrize("max_parameters", [32766, 7])
def test_every_entry_of_a_batch_is_written(tmp_path, monkeypatch, max_parameters):
    """One INSERT of many rows, or several in one transaction when SQLite takes fewer
    parameters per statement than the batch has."""
    monkeypatch.setattr(FactsCache, "MAX_PARAMETERS", max_parameters)
    cache = FactsCache(tmp_path / "proj", directory=tmp_path / "c")
    sources = [f"export const v{i} = {i};".encode() for i in range(25)]
    keys = [content_key(d, Dialect.JS) for d in sources]
    cache.put_many({k: extract(d, Dialect.JS) for k, d in zip(keys, sources)})
    cache.close(wait=False)
    again = FactsCache(tmp_path / "proj", directory=tmp_path / "c")  # (waits for the writer)
    assert sorted(again.get_many(keys)) == sorted(keys)
    again.close()


def test_corrupt_database_is_moved_aside(tmp_path):
    first = FactsCache(tmp_path / "proj", directory=tmp_path / "c")
    path = first.path
    first.close()
    path.write_bytes(b"this is not a database" * 100)
    for suffix in ("-wal", "-shm"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)
    cache = FactsCache(tmp_path / "proj", directory=tmp_path / "c")
    assert cache.db is not None and "afresh" in (cache.problem or "")
    assert list(path.parent.glob("facts.corrupt-*.sqlite"))
    data = b"await 0;"
    cache.put_many({content_key(data, Dialect.JS): extract(data, Dialect.JS)})
    assert cache.get_many([content_key(data, Dialect.JS)])


def test_concurrent_runs_share_the_cache(workspace, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    files = dict(FILES)
    for i in range(60):
        files[f"m{i}.js"] = f"import './db.js'; export const v{i} = {i};"
    root = workspace(files)
    cmd = [sys.executable, "-m", "tla_lens.cli", "check", str(root), "--format", "json"]
    with ThreadPoolExecutor(4) as pool:
        runs = list(pool.map(lambda _: subprocess.run(cmd, capture_output=True, text=True, timeout=120), range(4)))
    outs = [json.loads(r.stdout) for r in runs]
    assert all(r.returncode in (0, 1) for r in runs), [r.stderr for r in runs]
    assert all(o["modules"] == outs[0]["modules"] for o in outs)
    assert not any("cache" in r.stderr for r in runs), [r.stderr for r in runs]


def test_a_run_ends_after_its_facts_are_written(workspace, tmp_path, monkeypatch, capsys):
    """The CLI writes the last entries on a thread while it reports; its command returns (and
    its process ends) only once they are in the database, even when writing is slow."""
    import time
    from tla_lens import cli
    from tla_lens.project import cache as cache_module

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    finish = cache_module.FactsCache._finish.__func__

    def slow_finish(cls, db, items):
        time.sleep(0.5)
        finish(cls, db, items)

    monkeypatch.setattr(cache_module.FactsCache, "_finish", classmethod(slow_finish))
    root = workspace(FILES)
    assert cli.main(["check", str(root), "--format", "json"]) in (0, 1)
    modules = len(json.loads(capsys.readouterr().out)["modules"])
    db = sqlite3.connect(next((tmp_path / "cache").glob("tla-lens/*/facts.sqlite")))
    keys = [k for (k,) in db.execute("SELECT key FROM facts") if not k.startswith("state:")]
    assert len(keys) == modules == 4


def test_no_cache_writes_nothing(workspace, tmp_path):
    root = workspace(FILES)
    env_home = tmp_path / "nocache"
    r = subprocess.run([sys.executable, "-m", "tla_lens.cli", "check", str(root), "--no-cache"],
                       capture_output=True, text=True, timeout=60,
                       env={**__import__("os").environ, "XDG_CACHE_HOME": str(env_home)})
    assert r.returncode in (0, 1), r.stderr
    assert not env_home.exists()


def _many(n: int = 300) -> dict:
    files = dict(FILES)
    for i in range(n):
        files[f"m{i}.ts"] = (f"import {{ x }} from './db.js';\nimport type {{ T }} from './t.js';\n"
                             f"export const v{i}: T = {i};\n" + ("await 0;\n" if i % 37 == 0 else ""))
    return files


def _loaded(root, jobs, **kw):
    project = Project(root, jobs=jobs, **kw)
    project.discover()
    try:
        project.load()
    finally:
        project.close_workers()
    project.recompute()
    return project


@pytest.mark.parametrize("start_method", ["fork", "spawn"])  # the CLI's, the server's
def test_parallel_extraction_equals_serial(workspace, start_method):
    root = workspace(_many())
    serial = analyse(root, jobs=1)
    project = _loaded(root, 2, start_method=start_method)
    assert project._workers.extracted == len(project.modules) == len(serial.modules)
    assert verdicts(project) == verdicts(serial)
    assert {p: m.facts for p, m in project.modules.items()} == {p: m.facts for p, m in serial.modules.items()}


def _stored_keys(cache_home) -> set:
    wait_for_writes()  # analyse() leaves the last write to a thread of its own
    db = sqlite3.connect(next(cache_home.glob("tla-lens/*/facts.sqlite")))
    try:
        return {k for (k,) in db.execute("SELECT key FROM facts") if not k.startswith("state:")}
    finally:
        db.close()


def test_workers_that_read_files_fill_the_cache_a_second_run_reads(workspace, tmp_path, monkeypatch):
    # an empty cache: the workers read the files themselves; what they key the facts with is
    # what the next run computes from the bytes it reads
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    root = workspace(_many())
    cold = analyse(root, cache=True, jobs=2)
    assert cold.cache.hits == 0
    want = {content_key(p.read_bytes(), m.facts.dialect) for p, m in cold.modules.items()}
    assert _stored_keys(tmp_path / "cache") == want and len(want) == len(cold.modules)
    warm = analyse(root, cache=True, jobs=2)
    assert warm.cache.hits == len(warm.modules) and warm.cache.misses == 0
    assert verdicts(warm) == verdicts(cold) == verdicts(analyse(root))


def test_a_cache_of_other_files_hands_the_reading_to_the_workers(workspace, tmp_path, monkeypatch):
    # a cache that knows none of these files (another version's, a renamed folder's): the
    # first chunk is looked up and missed, the rest read by the workers; all stored
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    root = workspace(_many(600))
    other = FactsCache(root)
    other.put_many({content_key(b"export {}", Dialect.JS): extract(b"export {}", Dialect.JS)})
    other.close()
    project = _loaded(root, 2, cache=FactsCache(root))
    project.cache.close()
    serial = analyse(root, jobs=1)
    assert project._workers.extracted == len(project.modules) == len(serial.modules)
    assert {p: m.facts for p, m in project.modules.items()} == {p: m.facts for p, m in serial.modules.items()}
    want = {content_key(p.read_bytes(), m.facts.dialect) for p, m in project.modules.items()}
    assert want < _stored_keys(tmp_path / "cache")


def test_files_workers_do_not_read_are_reported_as_in_one_process(workspace, tmp_path):
    files = _many()
    files.update({"bin.js": b"export const a = 1;\x00\x01", "big.js": "export const b = 1;\n" * 100,
                  "broken.ts": "export const ok = 1;\n\nexport const = ;\n",
                  "tla-lens.json": '{"maxFileSize": 1000}'})
    root = workspace(files)
    (tmp_path / "outside.js").write_text("export const o = await 1;")
    (root / "link.js").symlink_to(tmp_path / "outside.js")
    (root / "uses.js").write_text("import './link.js'; import './gone.js';")

    def problems(project):
        return sorted((p.path.name if p.path else None, p.severity, p.message) for p in project.problems)

    from tla_lens.config import find_config, load_file
    config = load_file(find_config(root))[0]
    serial = analyse(root, config, jobs=1)
    parallel = _loaded(root, 2, config=config)
    assert problems(parallel) == problems(serial)
    messages = " ".join(m for _, _, m in problems(serial))
    for expected in ("binary file", "maxFileSize", "syntax error", "first at line 3",
                     "outside the workspace folder"):
        assert expected in messages, (expected, messages)
    assert {p: m.facts for p, m in parallel.modules.items()} == {p: m.facts for p, m in serial.modules.items()}


@pytest.fixture
def settled(monkeypatch):
    """A run saves its resolutions only when nothing it looked at changed in the last two
    seconds (timestamps are coarse); these tests change files a moment before each run."""
    monkeypatch.setattr(resolver, "SETTLED_SECONDS", -60.0)


RESOLVING = {"package.json": '{"type": "module"}', "db.js": "export const x = await 1;",
             "a.js": "import { x } from './db.js'; import { l } from './late.js'; export const y = x + l;",
             "lib/b.js": "import { y } from '../a.js'; export const b = y;"}


def test_resolutions_are_reused_while_no_folder_changed(workspace, tmp_path, monkeypatch, settled):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    root = workspace(RESOLVING)
    first = analyse(root, cache=True)
    assert not first.resolutions_reused
    second = analyse(root, cache=True)
    assert second.resolutions_reused
    assert verdicts(second) == verdicts(first) == verdicts(analyse(root))
    assert [str(p) for p in second.problems] == [str(p) for p in first.problems]
    # editing a file's text changes no folder: still reused, and the new facts are used
    (root / "lib" / "b.js").write_text("import { x } from '../db.js'; export const b = x;")
    third = analyse(root, cache=True)
    assert third.resolutions_reused and third.modules[root / "lib" / "b.js"].is_async


def test_a_new_file_invalidates_saved_resolutions(workspace, tmp_path, monkeypatch, settled):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    root = workspace(RESOLVING)
    first = analyse(root, cache=True)
    assert not first.modules[root / "a.js"].edges[1].target  # ./late.js: not there yet
    (root / "late.js").write_text("export const l = await 2;")
    second = analyse(root, cache=True)
    assert not second.resolutions_reused
    assert second.modules[root / "a.js"].edges[1].target == root / "late.js"
    # and once saved again, the next run reuses it
    assert analyse(root, cache=True).resolutions_reused


def test_a_changed_package_json_invalidates_saved_resolutions(workspace, tmp_path, monkeypatch, settled):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    root = workspace(RESOLVING)
    assert analyse(root, cache=True).modules[root / "db.js"].format == "esm"
    (root / "package.json").write_text('{"type": "commonjs"}')
    second = analyse(root, cache=True)
    assert not second.resolutions_reused
    assert second.modules[root / "db.js"].format == "cjs" and not second.modules[root / "a.js"].is_async
    assert verdicts(second) == verdicts(analyse(root))


def test_a_changed_bundler_configuration_invalidates_saved_resolutions(workspace, tmp_path, monkeypatch,
                                                                     settled):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    files = dict(RESOLVING, **{"vite.config.js": "export default { resolve: { alias: { '@': '/lib' } } }",
                               "main.js": "import '@/b.js';"})
    root = workspace(files)
    assert analyse(root, cache=True).modules[root / "main.js"].edges[0].target == root / "lib" / "b.js"
    (root / "vite.config.js").write_text("export default { resolve: { alias: { '@': '/nowhere' } } }")
    second = analyse(root, cache=True)
    assert not second.resolutions_reused
    assert second.modules[root / "main.js"].edges[0].target is None


def test_fresh_files_are_not_trusted(workspace, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    root = workspace(RESOLVING)  # written just now
    analyse(root, cache=True)
    assert not analyse(root, cache=True).resolutions_reused


def test_a_saved_state_answers_every_kind_as_before(workspace, tmp_path, settled):
    """Kinds a saved folder listing gives again are not saved; a resolver that takes the
    state over still answers every path as the one that saved it (symlinks included)."""
    import os
    root = workspace({**RESOLVING, "lib/c.ts": "import './link.js'; import '../b/x.js';"})
    os.symlink(root / "db.js", root / "lib" / "link.js")
    old = resolver.Resolver(root)
    for spec, frm in [("./db.js", "a.js"), ("./link.js", "lib/c.ts"), ("../b/x.js", "lib/c.ts"),
                      ("../late.js", "lib/b.js"), ("./lib", "a.js")]:
        old.resolve(spec, root / frm)
    state = old.export_state(since=__import__("time").time())
    assert state is not None
    new = resolver.Resolver(root)
    assert new.import_state(state)
    assert len(new.fs._kind) < len(old.fs._kind)  # listed kinds were left out
    for p, kind in old.fs._kind.items():
        assert new.fs.kind(p) == kind, p
    for p, real in old.fs._real.items():
        assert new.fs.realpath(p) == real, p


def test_a_locked_database_is_waited_for_not_moved_aside(tmp_path, monkeypatch):
    """SQLite does not wait for a run that is creating the database or switching it to WAL (a
    concurrent first run: "database is locked" at once): the open is tried again, and the sound
    database is never moved aside as corrupt (found by 4 concurrent runs of the CLI under load)."""
    import sqlite3

    from tla_lens.project.cache import FactsCache

    first = FactsCache(tmp_path / "proj", directory=tmp_path / "c")
    data = b"await 0;"
    first.put_many({content_key(data, Dialect.JS): extract(data, Dialect.JS)})
    first.close()
    real_open = FactsCache._open
    calls = []

    def flaky(self):
        calls.append(1)
        if len(calls) <= 2:
            self.db = sqlite3.connect(":memory:")  # (closed again before the next try)
            raise sqlite3.OperationalError("database is locked")
        real_open(self)

    monkeypatch.setattr(FactsCache, "_open", flaky)
    cache = FactsCache(tmp_path / "proj", directory=tmp_path / "c")
    assert len(calls) == 3 and cache.problem is None and cache.get_many([content_key(data, Dialect.JS)])
    assert not list(cache.path.parent.glob("facts.corrupt-*"))
    cache.close()

    def locked(self):
        raise sqlite3.OperationalError("database is locked")

    monkeypatch.setattr(FactsCache, "_open", locked)
    monkeypatch.setattr("time.sleep", lambda s: None)
    busy = FactsCache(tmp_path / "proj", directory=tmp_path / "c")
    assert busy.db is None and "busy" in busy.problem
    assert not list(busy.path.parent.glob("facts.corrupt-*")) and busy.path.exists()
