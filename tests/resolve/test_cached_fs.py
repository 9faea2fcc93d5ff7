"""The resolver's view of the disk: kinds read from a folder listing (no stat per entry) must be
what a stat says, for every kind of entry a workspace can hold."""
from __future__ import annotations

import os

import pytest

from tla_lens.resolve._fs import CachedFS, kind_on_disk


@pytest.fixture
def folder(tmp_path):
    (tmp_path / "file.ts").write_text("export {}\n")
    (tmp_path / "dir").mkdir()
    os.symlink(tmp_path / "file.ts", tmp_path / "link-to-file.ts")
    os.symlink(tmp_path / "dir", tmp_path / "link-to-dir")
    os.symlink(tmp_path / "nowhere.ts", tmp_path / "broken.ts")
    os.symlink(tmp_path / "loop-b", tmp_path / "loop-a")
    os.symlink(tmp_path / "loop-a", tmp_path / "loop-b")
    os.mkfifo(tmp_path / "fifo.ts")
    return tmp_path


def test_listed_kinds_agree_with_stat(folder):
    fs = CachedFS()
    names = ["file.ts", "dir", "link-to-file.ts", "link-to-dir", "broken.ts", "loop-a", "fifo.ts", "absent.ts"]
    got = {n: fs.kind(str(folder / n)) for n in names}
    assert got == {n: kind_on_disk(str(folder / n)) for n in names}
    assert got == {"file.ts": "file", "dir": "dir", "link-to-file.ts": "file", "link-to-dir": "dir",
                   "broken.ts": None, "loop-a": None, "fifo.ts": None, "absent.ts": None}


def test_a_regular_file_costs_no_stat_once_its_folder_is_listed(folder, monkeypatch):
    fs = CachedFS()
    fs.listdir(str(folder))
    calls = []
    monkeypatch.setattr("tla_lens.resolve._fs.kind_on_disk", lambda p: calls.append(p) or "file")
    assert fs.is_file(str(folder / "file.ts")) and fs.is_dir(str(folder / "dir"))
    assert not fs.is_file(str(folder / "absent.ts"))
    assert calls == []
    fs.kind(str(folder / "link-to-file.ts"))  # a symlink is asked of the disk
    assert calls == [str(folder / "link-to-file.ts")]


@pytest.mark.parametrize("listed", [True, False], ids=["folder listed", "not listed"])
def test_real_paths_agree_with_the_os(folder, listed):
    fs = CachedFS()
    if listed:  # a listed entry that is not a symlink is known not to be one without an lstat
        fs.listdir(str(folder))
        fs.listdir(str(folder / "dir"))
    os.symlink(folder / "link-to-dir", folder / "dir" / "link-back")
    names = ["file.ts", "dir", "link-to-file.ts", "link-to-dir", "broken.ts", "loop-a", "fifo.ts",
             "absent.ts", "dir/link-back", "dir/link-back/file.ts", "link-to-dir/../file.ts"]
    for n in names:
        p = os.path.normpath(str(folder / n)) if ".." not in n else str(folder / n)
        assert fs.realpath(os.path.normpath(p)) == os.path.realpath(os.path.normpath(p)), n


def test_a_listed_regular_file_costs_no_lstat_for_its_real_path(folder, monkeypatch):
    fs = CachedFS()
    fs.realpath(str(folder))
    fs.listdir(str(folder))
    calls = []
    real_islink = os.path.islink
    monkeypatch.setattr(os.path, "islink", lambda p: calls.append(p) or real_islink(p))
    assert fs.realpath(str(folder / "file.ts")) == os.path.realpath(folder / "file.ts")
    assert calls == []
    assert fs.realpath(str(folder / "link-to-file.ts")) == os.path.realpath(folder / "link-to-file.ts")
    assert calls == [str(folder / "link-to-file.ts")]
