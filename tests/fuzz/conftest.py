"""The fuzzers' engine: one long-lived Node 26 process (engine.mjs) for the whole session.

``engine.ask(op=..., ...)`` sends one JSON-line request and returns the JSON answer. Starting
Node and loading TypeScript happens once (~0.3 s); a request then costs well under a millisecond
to a few milliseconds, so thousands of cases fit in the CI budget.

Budget: every fuzz property runs ``max_examples = base * TLA_FUZZ_EXAMPLES`` (a float multiplier,
default 1) examples. ``derandomize=True`` (the same examples every run) unless ``TLA_FUZZ_RANDOM``
is set: ``make fuzz`` runs 20 times the examples, fresh random ones each run (a failure prints a
``@reproduce_failure`` blob; ``--hypothesis-seed=N`` repeats a run).
"""
from __future__ import annotations

import json
import os
import subprocess
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, settings

HERE = Path(__file__).resolve().parent
ENGINE = HERE / "engine.mjs"
SCALE = float(os.environ.get("TLA_FUZZ_EXAMPLES", "1"))
RANDOM = bool(os.environ.get("TLA_FUZZ_RANDOM"))


def budget(base: int):
    """Hypothesis settings for a property with ``base`` examples in `make test`."""
    return settings(
        max_examples=max(1, int(base * SCALE)),
        derandomize=not RANDOM,
        deadline=None,
        database=None,
        print_blob=True,
        # no "explain" phase: its tracing makes every example several times slower
        phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.target, Phase.shrink],
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                               HealthCheck.function_scoped_fixture, HealthCheck.filter_too_much],
    )


class Engine:
    def __init__(self, node: Path, ts5: Path, conditions: tuple[str, ...] = ()) -> None:
        self._stderr = tempfile.TemporaryFile()
        args = [str(node), "--experimental-vm-modules", "--experimental-import-meta-resolve", "--no-warnings"]
        args += [f"--conditions={c}" for c in conditions]
        self.proc = subprocess.Popen(args + [str(ENGINE), str(ts5)], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=self._stderr)
        self.requests = 0
        assert self.ask(op="ping") == {"ok": True}

    def ask(self, **request) -> dict:
        assert self.proc.poll() is None, f"the engine died: {self._tail()}"
        self.proc.stdin.write(json.dumps(request).encode() + b"\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            raise AssertionError(f"the engine died: {self._tail()}")
        answer = json.loads(line)
        self.requests += 1
        if "fatal" in answer:
            raise AssertionError(f"engine failure on {request.get('op')}: {answer['fatal']}")
        return answer

    def _tail(self) -> str:
        self._stderr.seek(0)
        return self._stderr.read().decode(errors="replace")[-3000:]

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.stdin.close()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        self._stderr.close()


@pytest.fixture(scope="session")
def engine(node26, ts5):
    e = Engine(node26, ts5)
    yield e
    e.close()
