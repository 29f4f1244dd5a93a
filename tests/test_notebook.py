from __future__ import annotations

import shutil

import nbformat
import pytest
from nbclient import NotebookClient

from .conftest import ROOT

NOTEBOOK = ROOT / "notebooks" / "explore.ipynb"


def test_notebook_committed_without_outputs():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(nb)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code, "the notebook has no code"
    stale = [i for i, c in enumerate(code) if c.outputs or c.execution_count is not None]
    assert not stale, f"code cells {stale} carry stale outputs: clear them before committing"


@pytest.fixture(scope="module")
def executed(seed_build, tmp_path_factory, request):
    _, out = seed_build
    work = tmp_path_factory.mktemp("nb")
    shutil.copy(NOTEBOOK, work / NOTEBOOK.name)
    nb = nbformat.read(work / NOTEBOOK.name, as_version=4)
    mp = pytest.MonkeyPatch()
    mp.setenv("KG_TTL", str(out / "kg.ttl"))
    mp.setenv("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    try:
        NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(work)}}).execute()
    finally:
        mp.undo()
    return nb, out


@pytest.mark.parametrize(("what", "minimum"), [("image/png", 2), ("text/plain", 1)])
def test_notebook_executes_and_draws(executed, what, minimum):
    nb, _ = executed
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    found = sum(1 for o in outputs if what in o.get("data", {}))
    assert found >= minimum, f"expected at least {minimum} {what} outputs, got {found}"


@pytest.mark.parametrize("needle", ["triples", "cross-provincial ties", "community 1", "Entities per class"])
def test_notebook_reports_findings_from_the_graph(executed, needle):
    nb, out = executed
    text = "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs)
    assert needle in text
    assert str(out / "kg.ttl") in text  # it read the graph it was pointed at, not a stale one


def _execute(path, graph, work):
    nb = nbformat.read(path, as_version=4)
    mp = pytest.MonkeyPatch()
    mp.setenv("KG_TTL", str(graph))
    try:
        NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(work)}}).execute()
    finally:
        mp.undo()
    return nb


@pytest.mark.parametrize("text", ["四川省生态环境厅与重庆市生态环境局签订《联合执法机制协议》。", "nothing to find here"])
def test_notebook_runs_on_a_small_or_empty_graph(tmp_path, text):
    from kg.pipeline import build

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text(text, encoding="utf-8")
    build([docs], out=tmp_path / "out", quiet=True, queries=False)
    nb = _execute(NOTEBOOK, tmp_path / "out" / "kg.ttl", tmp_path)
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    assert sum(1 for o in outputs if "image/png" in o.get("data", {})) >= 2
