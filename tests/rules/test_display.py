"""How findings name another module: the relative path from the file the message is in."""
import os
from pathlib import Path

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from tla_lens.rules import display

part = st.sampled_from(["a", "b", "bb", "a.js", "b.ts", "x y", "é", "..a", "a-b"])


@settings(max_examples=300, deadline=None)
@given(st.lists(part, min_size=1, max_size=5), st.lists(part, min_size=1, max_size=5))
def test_display_is_os_relpath(target, source):
    t, f = Path("/", *target), Path("/", *source)
    assume(t != f.parent and t not in f.parent.parents)  # a file is no folder of another
    rel = os.path.relpath(t, f.parent)
    assert display(t, f) == (rel if rel.startswith("../") else "./" + rel)


def test_display_inside_node_modules_is_the_package_path():
    assert display(Path("/w/node_modules/p/dist/x.js"), Path("/w/src/a.js")) == "p/dist/x.js"
    assert display(Path("/w/node_modules/a/node_modules/b/i.js"), Path("/w/a.js")) == "b/i.js"
