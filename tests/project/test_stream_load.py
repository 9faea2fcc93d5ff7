"""A one-shot analysis loads the workspace while it walks it (Project.discover_and_load):
files go to the extraction as the walk finds them. The result must be the one of a walk
first and a load after, whatever the order imports point in."""
import pytest

import tla_lens.project as project_module
from tla_lens.project import Project, analyse


def files_of(n_features: int) -> dict:
    """Imports that point forwards and backwards in walk order, into node_modules (a second
    wave), a cycle, TLA, a broken import and a syntax error."""
    files = {
        "package.json": '{"type": "module"}',
        "node_modules/dep/package.json": '{"name": "dep", "type": "module", "exports": "./i.js"}',
        "node_modules/dep/i.js": "export const d = await 1;",
        "a/first.ts": "import { z } from '../z/last';\nimport { d } from 'dep';\nexport const a = () => z + d;",
        "z/last.ts": "import { a } from '../a/first';\nexport const z = await 2; export const y = () => a;",
        "m/broken.js": "import x from './nowhere.js'; export default (",
    }
    for i in range(n_features):
        files[f"f{i:03d}/model.ts"] = f"import {{ z }} from '../z/last';\nexport const m{i} = () => z;"
        files[f"f{i:03d}/view.js"] = f"import {{ m{i} }} from './model';\nexport const v = m{i};"
    return files


def snapshot(p: Project) -> dict:
    return {
        "modules": {str(k): (m.workspace, m.format, m.is_async, [str(x) for x in m.chain],
                             [(e.kind.value, e.specifier, str(e.target)) for e in m.edges])
                    for k, m in p.modules.items()},
        "workspace": sorted(map(str, p.workspace_files)),
        "problems": sorted((str(x.path), x.message) for x in p.problems),
        "cycles": [[str(x) for x in c] for c in p.cycles],
        "findings": [(str(f.path), f.span.start, f.code, f.message) for f in p.findings],
    }


@pytest.mark.parametrize("n_features,jobs", [(3, 1), (150, 2)])  # 150: > 200 files, workers
def test_streamed_load_equals_walk_then_load(workspace, n_features, jobs):
    root = workspace(files_of(n_features))
    streamed = analyse(root, jobs=jobs)
    plain = Project(root, jobs=jobs)
    plain.discover()
    plain.load()
    plain.close_workers()
    plain.recompute()
    assert snapshot(streamed) == snapshot(plain)
    # every module is keyed by the very object resolution hands out for it
    for mod in streamed.modules.values():
        for e in mod.edges:
            if e.target in streamed.modules:
                assert e.target is mod.path or e.target is streamed.modules[e.target].path
    dep = root / "node_modules/dep/i.js"
    assert not streamed.modules[dep].workspace and streamed.modules[root / "a/first.ts"].is_async


def test_files_are_extracted_while_the_walk_goes_on(workspace, monkeypatch):
    root = workspace(files_of(400))
    events = []
    real_iter_files = project_module.iter_files

    def watched(*args, **kwargs):
        for path in real_iter_files(*args, **kwargs):
            events.append("walk")
            yield path
        events.append("walk done")

    real_make = Project._make_module

    def make(self, path, prepared=None):
        events.append("module")
        return real_make(self, path, prepared)

    monkeypatch.setattr(project_module, "iter_files", watched)
    monkeypatch.setattr(Project, "_make_module", make)
    result = analyse(root, jobs=2)
    assert len(result.modules) == 2 * 400 + 4
    first_module, done = events.index("module"), events.index("walk done")
    # the first modules are built after a few chunks are read ahead, long before the walk ends
    assert first_module < 1000 < done
