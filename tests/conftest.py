from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
GOLD = ROOT / "gold"


@pytest.fixture(scope="session")
def seed_build(tmp_path_factory):
    """One build of the seeds, shared by the tests that only read it."""
    from kg.pipeline import build

    out = tmp_path_factory.mktemp("exports")
    result = build([SEEDS], out=out, quiet=True)
    return result, out


@pytest.fixture
def corpus(tmp_path):
    """A folder to put test documents in."""
    d = tmp_path / "docs"
    d.mkdir()
    return d


@pytest.fixture(scope="session")
def rapper():
    exe = shutil.which("rapper")
    assert exe, "raptor's rapper is required: run scripts/setup-test-env.sh"
    return exe
