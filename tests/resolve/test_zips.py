"""Paths through zip archives (resolve/zips.py), as Yarn Plug'n'Play's cache holds packages."""
from __future__ import annotations

import zipfile
from pathlib import Path

from tla_lens.project.files import read_source
from tla_lens.resolve import zips
from tla_lens.resolve._fs import CachedFS


def _archive(tmp_path: Path) -> Path:
    a = tmp_path / "cache" / "x-npm-1.0.0-abc.zip"
    a.parent.mkdir()
    with zipfile.ZipFile(a, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("node_modules/x/package.json", '{"name": "x"}')
        z.writestr("node_modules/x/lib/index.js", "export const x = await 1;\n")
        z.writestr("node_modules/x/big.js", "x" * 5000)
        z.writestr("node_modules/x/bin.js", b"\x00\x01binary")
        z.writestr("node_modules/x/empty/", "")
        z.writestr("../escape.js", "no")
    return a


def test_paths_inside_an_archive(tmp_path: Path) -> None:
    a = _archive(tmp_path)
    s = str(a)
    assert zips.split(s + "/node_modules/x/lib/index.js") == (s, "node_modules/x/lib/index.js")
    assert zips.split(s) == (s, "")
    assert zips.split(str(tmp_path / "cache" / "nothing.zip" / "a.js")) is None  # no such archive
    assert zips.split(str(tmp_path / "a.zipper" / "b.js")) is None
    assert zips.listdir(s, "node_modules/x") == {"package.json": "file", "lib": "dir", "big.js": "file",
                                                 "bin.js": "file", "empty": "dir"}
    assert zips.listdir(s, "") == {"node_modules": "dir"}  # (the entry that climbs out is left out)
    assert zips.kind(s, "node_modules/x/lib") == "dir" and zips.kind(s, "node_modules/x/nope") is None
    assert zips.exists(s + "/node_modules/x/lib/index.js") and not zips.exists(s + "/node_modules/y")


def test_reading_entries_as_files_are_read(tmp_path: Path) -> None:
    a = str(_archive(tmp_path))
    assert read_source(a + "/node_modules/x/lib/index.js", 1000) == (b"export const x = await 1;\n", None)
    data, why = read_source(a + "/node_modules/x/big.js", 1000)
    assert data is None and "over maxFileSize" in why
    data, why = read_source(a + "/node_modules/x/bin.js", 1000)
    assert data is None and "binary" in why
    assert read_source(a + "/node_modules/x/gone.js", 1000) == (None, None)  # (gone: no reason)
    fs = CachedFS()
    assert fs.is_dir(a + "/node_modules/x") and fs.is_file(a + "/node_modules/x/package.json")
    assert fs.read_text(a + "/node_modules/x/package.json") == '{"name": "x"}'
    assert fs.realpath(a + "/node_modules/x/lib/index.js") == a + "/node_modules/x/lib/index.js"


def test_a_damaged_archive_reads_as_nothing(tmp_path: Path) -> None:
    a = tmp_path / "bad.zip"
    a.write_bytes(b"PK\x03\x04 not really")
    assert zips.listdir(str(a), "") is None and zips.kind(str(a), "x") is None
    data, why = read_source(str(a) + "/x.js", 1000)
    assert data is None and "zip archive" in why
