"""kg.spacy_import: spaCy without its command-line interface, checked in fresh interpreters."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PROBE = """
import sys
from kg.spacy_import import spacy
assert spacy.blank("zh").pipe_names == []
assert "typer" not in sys.modules, "the CLI's libraries were loaded"
import spacy.cli
assert hasattr(spacy.cli, "download"), "the real CLI loads on demand"
print("ok")
"""

# stand-ins without ``info``: spaCy's ``from .cli.info import info`` fails, so spaCy is imported whole
BROKEN = """
import importlib.util, sys, types
spec = importlib.util.find_spec("kg.spacy_import")
source = open(spec.origin, encoding="utf-8").read()
assert "info_module.info = info" in source
module = types.ModuleType("kg.spacy_import")
module.__file__ = spec.origin
sys.modules["kg.spacy_import"] = module
exec(compile(source.replace("info_module.info = info", "pass"), spec.origin, "exec"), module.__dict__)
assert module.spacy.blank("zh").pipe_names == []
assert "typer" in sys.modules, "imported whole, with its CLI"
print("ok")
"""


def _run(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT)}, cwd=ROOT, timeout=120)


def test_spacy_import_skips_the_cli_and_leaves_it_importable():
    proc = _run(PROBE)
    assert proc.returncode == 0 and proc.stdout.strip() == "ok", proc.stderr


def test_spacy_import_falls_back_when_the_stand_ins_do_not_suffice():
    proc = _run(BROKEN)
    assert proc.returncode == 0 and proc.stdout.strip() == "ok", proc.stderr
