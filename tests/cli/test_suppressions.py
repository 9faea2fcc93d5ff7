"""Bulk suppressions through the real command: `tla-lens check --suppress-all` records the
findings a project has; later runs leave them out and fail only on new ones; fixed code leaves
unused suppressions, which fail the run until `--prune-suppressions` removes them."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def run(root: Path, *args):
    return subprocess.run([sys.executable, "-m", "tla_lens.cli", "check", "--color", "never", "--no-cache",
                           *map(str, args)], capture_output=True, text=True, cwd=root, timeout=120)


def project(tmp_path: Path) -> Path:
    root = tmp_path / "app"
    shutil.copytree(REPO / "examples" / "webpack-app", root)
    return root


def test_record_then_only_new_findings_fail(tmp_path):
    root = project(tmp_path)
    before = run(root, ".", "--max-warnings", "0")
    assert before.returncode == 1 and "4 warnings" in before.stdout
    r = run(root, ".", "--suppress-all", "--max-warnings", "0")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "wrote tla-lens-suppressions.json: 4 findings suppressed in 3 files" in r.stderr
    data = json.loads((root / "tla-lens-suppressions.json").read_text())
    assert data == {"src/UserApi.js": {"async-import": {"count": 1}},
                    "src/index.js": {"async-entry": {"count": 1}, "async-import": {"count": 1}},
                    "src/reports.js": {"async-import": {"count": 1}}}
    again = run(root, ".", "--max-warnings", "0")
    assert again.returncode == 0 and "(4 suppressed by tla-lens-suppressions.json)" in again.stdout
    assert "warning  " not in again.stdout and "0 warnings" in again.stdout  # (the info on the await stays)
    # a new importer of the async chain: reported, and the run fails
    (root / "src" / "extra.js").write_text('import { listUsers } from "./UserApi.js";\nexport const x = listUsers;\n')
    new = run(root, ".", "--max-warnings", "0")
    assert new.returncode == 1 and "src/extra.js" in new.stdout and new.stdout.count("warning  ") == 1
    # a second one in a file that has one suppressed: both are reported (which is new is unknown)
    (root / "src" / "extra.js").unlink()
    reports = root / "src" / "reports.js"
    reports.write_text(reports.read_text() + 'export { query } from "./UserApi.js";\n')
    more = run(root, ".", "--format", "json")
    assert json.loads(more.stdout)["suppressed"] == 3  # (reports.js's one is no longer suppressed)
    ours = [d for d in json.loads(more.stdout)["diagnostics"] if d["path"] == "src/reports.js"]
    assert [d["code"] for d in ours] == ["async-import", "async-import"]


def test_fixed_code_leaves_unused_suppressions_until_pruned(tmp_path):
    root = project(tmp_path)
    assert run(root, ".", "--suppress-all").returncode == 0
    # the chain is broken in reports.js, as the quick fix does: its finding, and index.js's, go
    (root / "src" / "reports.js").write_text(
        'export async function userReport() {\n  const { listUsers } = await import("./UserApi.js");\n'
        '  const users = await listUsers();\n  return `${users.rows.length} users`;\n}\n')
    r = run(root, ".")
    assert r.returncode == 1
    assert "there are suppressions left that do not occur anymore" in r.stderr and "src/reports.js" in r.stderr
    assert run(root, ".", "--pass-on-unpruned-suppressions").returncode == 0
    p = run(root, ".", "--prune-suppressions")
    assert p.returncode == 0, p.stderr
    left = json.loads((root / "tla-lens-suppressions.json").read_text())
    assert left == {"src/UserApi.js": {"async-import": {"count": 1}}}
    assert run(root, ".").returncode == 0


def test_suppress_one_code_elsewhere_and_a_partial_run(tmp_path):
    root = project(tmp_path)
    where = tmp_path / "ci" / "suppressed.json"
    where.parent.mkdir()
    r = run(root, ".", "--suppress-code", "async-entry", "--suppressions-location", where)
    assert r.returncode == 0, r.stderr
    assert json.loads(where.read_text()) == {"src/index.js": {"async-entry": {"count": 1}}}
    assert not (root / "tla-lens-suppressions.json").exists()
    out = run(root, ".", "--suppressions-location", where)
    assert "async-entry" not in out.stdout and "async-import" in out.stdout
    # checking some files only: the others' suppressions are not judged unused
    part = run(root, "src/reports.js", "--suppressions-location", where)
    assert "do not occur anymore" not in part.stderr


def test_a_broken_suppressions_file_is_a_usage_error(tmp_path):
    root = project(tmp_path)
    (root / "tla-lens-suppressions.json").write_text('{"src/a.js": {"async-import": 2}}')
    r = run(root, ".")
    assert r.returncode == 2 and "is not a suppressions file" in r.stderr
    (root / "tla-lens-suppressions.json").write_text("{oops")
    r = run(root, ".")
    assert r.returncode == 2 and "is not valid JSON" in r.stderr
