"""Discovery yields the workspace files in sorted order as it walks (no sort at the end):
the order must be exactly what sorting every file by path gives, whatever the names."""
import os
from pathlib import Path

from hypothesis import given, settings, HealthCheck
from hypothesis import strategies as st

from tla_lens.config import Config
from tla_lens.project.discover import iter_files, walk
from tla_lens.project.graph import path_order


def reference(root: Path) -> list[Path]:
    """Every .js/.ts file below ``root`` found by os.walk, sorted with pathlib's comparison."""
    out = []
    for d, dirs, files in os.walk(root):
        dirs[:] = [x for x in dirs if x not in Config().skip_dirs]
        out += [Path(d) / f for f in files if f.endswith((".js", ".ts")) and not f.endswith(".d.ts")]
    return sorted(out)


def test_names_that_sort_around_their_folders(workspace):
    names = ["a.ts", "a/x.ts", "a-b.ts", "a0/y.js", "a/b/c.ts", "a/b.ts", "B.ts", "b/Z.ts",
             "é.js", "z/a/a/a.ts", "z/a.ts", "a b/q.ts", "a_/w.ts", ".hidden/h.ts", "~x.js"]
    root = workspace({n: "export {}" for n in names})
    files = walk(root, Config()).files
    assert files == reference(root)
    # a folder's files come before the names that extend its name ("a" < "a b" < "a-b.ts")
    assert [f.relative_to(root).as_posix() for f in files][:8] == \
        [".hidden/h.ts", "B.ts", "a/b/c.ts", "a/b.ts", "a/x.ts", "a b/q.ts", "a-b.ts", "a.ts"]


segment = st.text(alphabet="aAb.-_ 0é", min_size=1, max_size=4).filter(
    lambda s: s not in (".", "..") and not s.endswith(" "))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.lists(segment, min_size=0, max_size=3), min_size=1, max_size=12))
def test_random_trees_come_out_sorted(tmp_path, folders):
    root = tmp_path / f"ws{len(list(tmp_path.iterdir()))}"
    for i, parts in enumerate(folders):
        d = root.joinpath(*parts)
        if d.is_file() or any(p.is_file() for p in d.parents if p != tmp_path and root in p.parents):
            continue
        d.mkdir(parents=True, exist_ok=True)
        for name in (f"{i}.ts", f"{i}x.js"):
            if not (d / name).exists():
                (d / name).write_text("export {}")
    root = root.resolve()
    problems = []
    assert list(iter_files(root, Config(), problems)) == reference(root)
    assert problems == []


def test_symlinked_file_comes_once_by_its_real_path(workspace):
    root = workspace({"a/real.ts": "export {}", "b/other.ts": "export {}", "c.ts": "export {}"})
    (root / "a" / "link.ts").symlink_to(root / "b" / "other.ts")
    (root / "z.ts").symlink_to(root / "c.ts")
    late = []
    files = list(iter_files(root, Config(), [], late))
    assert files == [root / "a/real.ts", root / "b/other.ts", root / "c.ts"]
    assert late == []
    # a link to a file the walk does not list itself (in a skipped folder) comes last
    (root / "node_modules" / "p").mkdir(parents=True)
    (root / "node_modules" / "p" / "i.ts").write_text("export {}")
    (root / "a" / "dep.ts").symlink_to(root / "node_modules" / "p" / "i.ts")
    files = list(iter_files(root, Config(), [], late))
    assert files[-1] == root / "node_modules/p/i.ts" and late == [files[-1]]
    assert walk(root, Config()).files == sorted(files, key=path_order)
