"""Start-up: the workspace is indexed in the background with cancellable work-done progress;
open files (and their forward closure) come first."""
from __future__ import annotations

import json
import re

from lsprotocol import types as T

from .conftest import wait_for

N_FILLER = 1_100


def _workspace() -> dict[str, str]:
    files = {"package.json": json.dumps({"name": "big", "type": "module"})}
    for i in range(N_FILLER):
        nxt = f'import {{ v as w }} from "./f{i + 1:04}.js";\n' if i + 1 < N_FILLER and i % 10 else ""
        files[f"a/f{i:04}.js"] = f"{nxt}export const v = {i};\n"
    # sorted last: the open file and its closure
    files["zz/app.js"] = 'import { db } from "./lib/db.js";\nexport const app = db;\n'
    files["zz/lib/db.js"] = 'import { v } from "../../a/f0005.js";\nexport const db = await Promise.resolve(v);\n'
    return files


TOTAL = N_FILLER + 2


async def test_progress_reports_and_open_files_first(lsp):
    s = await lsp(_workspace(), wait=False)
    s.open("zz/app.js")
    await s.wait_indexed(timeout=60)
    assert await wait_for(lambda: any(isinstance(e[1], T.WorkDoneProgressEnd)
                                      for e in s.client.events if e[0] == "progress"))
    [(token, values)] = s.client.progress_reports.items()
    begin, *reports, end = values
    assert isinstance(begin, T.WorkDoneProgressBegin) and begin.cancellable is True
    assert begin.title == "tla-lens"
    assert isinstance(end, T.WorkDoneProgressEnd) and end.message == "Indexed"
    assert len(reports) >= 10
    messages = [r.message for r in reports]
    for m in messages:
        assert re.fullmatch(r"Indexing \d{1,3}(,\d{3})*/1,102 files", m), m
    assert messages[-1] == f"Indexing {TOTAL:,}/{TOTAL:,} files"
    percents = [r.percentage for r in reports]
    assert percents == sorted(percents) and percents[-1] == 100

    # the open file's diagnostics (which need its closure: zz/lib/db.js) came before any
    # progress report of the rest
    events = s.client.events
    first_publish = next(i for i, e in enumerate(events)
                         if e[0] == "publish" and e[1] == s.uri("zz/app.js") and e[2] > 0)
    first_report = next(i for i, e in enumerate(events)
                        if e[0] == "progress" and isinstance(e[1], T.WorkDoneProgressReport))
    assert first_publish < first_report
    [d] = s.diagnostics("zz/app.js")
    assert d.code == "async-import" and d.related_information[-1].location.uri == s.uri("zz/lib/db.js")
    assert await s.is_async("a/f0005.js") is False


async def test_cancel_stops_the_index(lsp):
    s = await lsp(_workspace(), wait=False)
    cancelled = []

    def on_progress(token, value):
        if isinstance(value, T.WorkDoneProgressReport) and not cancelled:
            cancelled.append(token)
            s.client.window_work_done_progress_cancel(T.WorkDoneProgressCancelParams(token=token))

    s.client.on_progress = on_progress
    s.open("zz/app.js")
    assert await wait_for(lambda: s.logs("indexing cancelled"), 60)
    await s.wait_indexed(timeout=30)
    assert await wait_for(lambda: any(isinstance(e[1], T.WorkDoneProgressEnd)
                                      for e in s.client.events if e[0] == "progress"))
    [(token, values)] = s.client.progress_reports.items()
    assert cancelled == [token]
    assert isinstance(values[-1], T.WorkDoneProgressEnd) and values[-1].message == "Indexing cancelled"
    reports = [v for v in values if isinstance(v, T.WorkDoneProgressReport)]
    assert reports[-1].message != f"Indexing {TOTAL:,}/{TOTAL:,} files"
    # (a whole index reports at least 20 times; how many batches go by before the cancel is
    # read depends on the machine's load)
    assert len(reports) < 20
    # verdicts cover what was indexed; the open file's closure is complete; the server works
    assert await s.is_async("zz/app.js") is True
    assert s.diagnostics("zz/app.js", "async-import")
    assert await s.explain("a/f1090.js") is None
    assert not s.error_popups()


async def test_no_progress_without_client_support(lsp):
    s = await lsp(_workspace(), progress=False)
    assert s.client.progress_reports == {}
    assert await s.is_async("zz/app.js") is True
