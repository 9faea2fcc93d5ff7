"""The rename fix of a Vite configuration bundled into CommonJS (fixes/config_rename.py): the
ES module name, the tsconfig files of its folder that name it, and the refusals. (The LSP
action, applied and held to Vite and tsc: tests/lsp/test_vite_config.py.)"""
from __future__ import annotations

import os
from pathlib import Path

from tla_lens.fixes.config_rename import ConfigRename, config_rename
from tla_lens.fixes.edits import Refusal, apply_edits


def _rename(tmp_path: Path, files: dict[str, str], name: str):
    tmp_path = tmp_path / name  # (a folder each)
    tmp_path.mkdir()
    for rel, text in files.items():
        (tmp_path / rel).write_text(text)
    return config_rename(tmp_path / name, "Vite", lambda d: os.listdir(d), lambda p: p.exists(),
                         lambda p: p.read_bytes() if p.exists() else None)


def test_renames_and_follows_in_tsconfig_files(tmp_path):
    r = _rename(tmp_path, {"vite.config.js": "export default {};\n",
                           "tsconfig.node.json": '{"include": ["vite.config.js", "./vite.config.js", "src"],\n'
                                                 ' "exclude": ["vite.config.jsx"]}\n',
                           "tsconfig.json": '{"files": []}\n', "other.json": '["vite.config.js"]'},
                "vite.config.js")
    assert isinstance(r, ConfigRename) and r.new == tmp_path / "vite.config.js" / "vite.config.mjs"
    ((path, text, fix),) = r.edits
    assert path.name == "tsconfig.node.json"
    assert apply_edits(text, fix.edits) == (b'{"include": ["vite.config.mjs", "./vite.config.mjs", "src"],\n'
                                            b' "exclude": ["vite.config.jsx"]}\n')
    assert r.title.endswith("and name it so in tsconfig.node.json")


def test_refusals(tmp_path):
    r = _rename(tmp_path, {"vite.config.ts": "export default {};\n", "vite.config.mts": "export default {};\n"},
                "vite.config.ts")
    assert isinstance(r, Refusal) and r.reason == "vite.config.mts exists already"
    r = _rename(tmp_path, {"vite.config.cjs": "module.exports = { plugins: [require('x')()] };\n"}, "vite.config.cjs")
    assert isinstance(r, Refusal) and "written as CommonJS" in r.reason
    r = _rename(tmp_path, {"vite.config.cts": "import x from 'x';\nexport default { plugins: [x()] };\n"},
                "vite.config.cts")
    assert isinstance(r, ConfigRename) and r.new.name == "vite.config.mts" and not r.edits
    assert _rename(tmp_path, {"vite.config.mjs": "export default {};\n"}, "vite.config.mjs") is None


def test_npm_scripts_that_name_it_follow(tmp_path):
    r = _rename(tmp_path, {"vite.lib.config.ts": "export default {};\n",
                           "package.json": '{"scripts": {"build": "tsc && vite build -c ./vite.lib.config.ts", '
                                           '"dev": "vite --config=vite.lib.config.ts", '
                                           '"other": "vite -c vite.lib.config.tsx"}}'},
                "vite.lib.config.ts")
    assert isinstance(r, ConfigRename)
    ((path, text, fix),) = r.edits
    assert path.name == "package.json"
    assert apply_edits(text, fix.edits) == (b'{"scripts": {"build": "tsc && vite build -c ./vite.lib.config.mts", '
                                            b'"dev": "vite --config=vite.lib.config.mts", '
                                            b'"other": "vite -c vite.lib.config.tsx"}}')


def test_an_include_glob_that_took_only_the_old_name_gets_the_new(tmp_path):
    r = _rename(tmp_path, {"vite.config.ts": "export default {};\n",
                           "tsconfig.node.json": '{\n  "include": [\n    "*.ts", // the configurations\n    "env.d.ts"\n'
                                                 '  ]\n}\n',
                           "tsconfig.json": '{"include": ["**/*"]}\n', "tsconfig.app.json": '{"include": ["."]}\n',
                           "tsconfig.lib.json": '{"include": ["src/**/*.ts"]}\n'},
                "vite.config.ts")
    assert isinstance(r, ConfigRename)
    ((path, text, fix),) = r.edits  # (`**/*` and `.` take .mts files; src/ never took it)
    assert path.name == "tsconfig.node.json"
    assert apply_edits(text, fix.edits) == (b'{\n  "include": [\n    "*.ts", // the configurations\n    "env.d.ts",\n'
                                            b'    "vite.config.mts"\n  ]\n}\n')
