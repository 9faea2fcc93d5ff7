"""tla-lens as a pre-commit hook (.pre-commit-hooks.yaml at the repository's root), run by
pre-commit itself: `pre-commit try-repo` installs this repository's package into its own
environment, as a user's `.pre-commit-config.yaml` would, and runs the hook on a project that is
a git repository. It fails on an error, passes once it is fixed, and is skipped when no file it
reads is staged."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PRE_COMMIT = Path(sys.executable).with_name("pre-commit")


def _git(root: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=root, check=True, capture_output=True, text=True,
                   env={**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
                        "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"})


def test_the_hook_as_pre_commit_runs_it(workspace, tmp_path):
    if not PRE_COMMIT.exists() or shutil.which("git") is None or not (REPO / ".git").exists():
        pytest.skip("pre-commit (the test extra), git and a git checkout of tla-lens are needed")
    root = workspace({"package.json": '{"name": "p", "private": true, "type": "module"}\n',
                      "src/db.mjs": "export const db = await Promise.resolve(1);\n",
                      "src/legacy.cjs": "const { db } = require('./db.mjs');\nmodule.exports = { db };\n",
                      "README.md": "# p\n"})
    _git(root, "init", "-q")
    _git(root, "add", "-A")
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home")}

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([str(PRE_COMMIT), "try-repo", str(REPO), "tla-lens", *args], cwd=root, env=env,
                              capture_output=True, text=True, timeout=600)

    first = run("--all-files")
    out = first.stdout + first.stderr
    assert first.returncode == 1, out
    assert "tla-lens check" in out and "Failed" in out, out
    assert "src/legacy.cjs" in out and "require-async" in out and "ERR_REQUIRE_ASYNC_MODULE" in out, out
    # fixed: the lazy import() the message advises
    (root / "src/legacy.cjs").write_text("module.exports = { db: () => import('./db.mjs') };\n")
    _git(root, "add", "-A")
    second = run("--all-files")
    assert second.returncode == 0 and "Passed" in second.stdout, second.stdout + second.stderr
    # nothing it reads staged: skipped
    _git(root, "commit", "-q", "-m", "start")
    (root / "README.md").write_text("# p\n\nmore\n")
    _git(root, "add", "README.md")
    third = run()
    assert third.returncode == 0 and "(no files to check)Skipped" in third.stdout, third.stdout + third.stderr
