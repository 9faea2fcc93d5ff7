"""Shared fixtures: where the real engines the tests compare against live.

`make test` installs them (`make engines`: npm install in tests/engines). A test that needs an
engine fails with a clear message when it is missing rather than being skipped, so a green run
always means the engine was consulted.
"""
from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
ENGINES = REPO / "tests" / "engines" / "node_modules"


def _need(path: Path, what: str) -> Path:
    if not path.exists():
        pytest.fail(f"{what} is missing at {path}: run `make engines` (make test does it)")
    return path


@pytest.fixture(scope="session")
def sam_cli() -> Path:
    """AWS SAM CLI 1.170 (`sam build`), in its own virtualenv (`make sam-engine`)."""
    return _need(REPO / "tests" / "engines" / "sam" / "bin" / "sam", "AWS SAM CLI")


@pytest.fixture(scope="session")
def serverless_cli() -> Path:
    """The Serverless Framework 3.40 with serverless-esbuild 1.57, in its own folder
    (`make serverless-engine`)."""
    return _need(REPO / "tests" / "engines" / "serverless" / "node_modules" / ".bin" / "serverless",
                 "the Serverless Framework")


@pytest.fixture(scope="session")
def eslint_engine() -> Path:
    """ESLint 10 with jiti, in its own folder (`make eslint-engine`): its node_modules."""
    return _need(REPO / "tests" / "engines" / "eslint" / "node_modules" / "eslint", "ESLint").parent


@pytest.fixture(scope="session")
def next_engine() -> Path:
    """Next.js 16.5, in its own folder (`make next-engine`): its node_modules."""
    return _need(REPO / "tests" / "engines" / "next" / "node_modules" / "next", "Next.js").parent


@pytest.fixture(scope="session")
def vitest_engine() -> Path:
    """Vitest 4.1 with Vite 8, in its own folder (`make vitest-engine`): its node_modules."""
    return _need(REPO / "tests" / "engines" / "vitest" / "node_modules" / "vitest", "Vitest").parent


@pytest.fixture(scope="session")
def node26() -> Path:
    """The Node 26 binary (has vm.SourceTextModule#hasTopLevelAwait/#hasAsyncGraph)."""
    return _need(ENGINES / "node26" / "bin" / "node", "Node 26")


@pytest.fixture(scope="session")
def bun() -> Path:
    """The Bun 1.4 binary (the runtime, its transpiler and its test runner)."""
    return _need(ENGINES / "@oven" / "bun-linux-x64" / "bin" / "bun", "Bun 1.4")


@pytest.fixture(scope="session")
def ts5() -> Path:
    """The TypeScript 5.9 package directory (require() it from Node for transpileModule)."""
    return _need(ENGINES / "ts5", "TypeScript 5.9")


@pytest.fixture(scope="session")
def engines_node_modules() -> Path:
    return _need(ENGINES, "tests/engines/node_modules")


@pytest.fixture
def workspace(tmp_path):
    """write({relative path: text}) -> root: a real project on disk."""

    def write(files: dict, root: Path = None) -> Path:
        base = root or tmp_path / "ws"
        for rel, text in files.items():
            p = base / rel
            p.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(text, bytes):
                p.write_bytes(text)
            else:
                p.write_text(text)
        return base.resolve()

    return write


@pytest.fixture(autouse=True, scope="session")
def _private_cache_home(tmp_path_factory):
    """The facts cache of every CLI and server the tests start goes to a temporary folder,
    never into the user's ~/.cache."""
    import os

    old = os.environ.get("XDG_CACHE_HOME")
    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("xdg-cache"))
    yield
    if old is None:
        os.environ.pop("XDG_CACHE_HOME", None)
    else:
        os.environ["XDG_CACHE_HOME"] = old
