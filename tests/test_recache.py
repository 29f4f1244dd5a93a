"""kg.recache: compiled patterns kept between runs of the command, checked in fresh interpreters."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# patterns of the kinds the rules use: classes, groups, look-arounds, alternations, flags
PATTERNS = [
    (r"(?P<n>[两三四])个?(省|市)", 0, "川渝两个市，三省"),
    (r"(?<![应面])对(?=[\u4e00-\u9fff])", 0, "应对 对接 面对 对川渝"),
    (r"^\s*(?:主持人|发布人)[：:]", 8, "x\n 主持人：张三\n发布人:李四"),  # re.M
    (r"《[^》]{1,80}》|[\u4e00-\u9fff]{2,12}(?:局|厅)", 0, "四川省生态环境厅印发《方案》"),
    (r"abc", 2, "xABCabc"),  # re.I
]

PROBE = """
import json, os, re, sys
if os.environ.get("PROBE_LIBRARY_ONLY") != "1":
    import kg.cli  # noqa: F401  (the command installs the cache)
from re import _compiler, _parser
if os.environ.get("PROBE_NO_PARSE") == "1":  # every pattern must come from the cache file
    def refuse(*a, **k):
        raise AssertionError("parsed although cached")
    _parser.parse = refuse
out = []
for p, flags, text in json.loads(sys.argv[1]):
    rx = re.compile(p, flags)
    out.append([[m.span(), m.groups(), m.groupdict()] for m in rx.finditer(text)])
print(json.dumps({"matches": out, "installed": _compiler.compile.__module__ == "kg.recache"}))
"""


def _probe(cache_home: Path, **env: str) -> dict:
    environment = {**{k: v for k, v in os.environ.items() if k != "KG_REGEX_CACHE"},
                   "XDG_CACHE_HOME": str(cache_home), "PYTHONPATH": str(ROOT), **env}
    proc = subprocess.run([sys.executable, "-c", PROBE, json.dumps(PATTERNS)], capture_output=True, text=True,
                          env=environment, cwd=ROOT, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def _expected() -> list:
    import re

    return [[[m.span(), m.groups(), m.groupdict()] for m in re.compile(p, f).finditer(t)] for p, f, t in PATTERNS]


def test_recache_second_run_matches_as_re_does_without_parsing(tmp_path):
    first = _probe(tmp_path)
    files = list((tmp_path / "chuanyu-kg").glob("re-*.marshal"))
    assert first["installed"] and len(files) == 1
    second = _probe(tmp_path, PROBE_NO_PARSE="1")  # would fail if any pattern were parsed again
    assert json.loads(json.dumps(_expected())) == first["matches"] == second["matches"]


@pytest.mark.parametrize("damage", [b"", b"not marshal at all", b"\xe3\x00\x00"])
def test_recache_damaged_file_is_ignored_and_rewritten(tmp_path, damage):
    _probe(tmp_path)
    (path,) = (tmp_path / "chuanyu-kg").glob("re-*.marshal")
    path.write_bytes(damage)
    again = _probe(tmp_path)
    assert again["matches"] == json.loads(json.dumps(_expected()))
    assert path.stat().st_size > 100  # written afresh


def test_recache_off_by_environment_and_for_library_use(tmp_path):
    off = _probe(tmp_path, KG_REGEX_CACHE="0")
    assert not off["installed"] and not (tmp_path / "chuanyu-kg").exists()
    library = _probe(tmp_path, PROBE_LIBRARY_ONLY="1")
    assert not library["installed"] and not (tmp_path / "chuanyu-kg").exists()


def test_recache_build_output_same_cold_and_warm(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text("四川省生态环境厅和重庆市生态环境局签订《川渝跨界河流联防联控合作协议》。", encoding="utf-8")
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache"), "PYTHONPATH": str(ROOT)}
    outputs = []
    for run in ("cold", "warm"):
        out = tmp_path / run
        proc = subprocess.run([str(Path(sys.executable).with_name("kg")), "build", str(docs), "--out", str(out), "-q", "--no-cache"],
                              capture_output=True, text=True, env=env, cwd=ROOT, timeout=300)
        assert proc.returncode == 0, proc.stderr
        outputs.append((out / "kg.nt").read_bytes())
    assert list((tmp_path / "cache" / "chuanyu-kg").glob("re-*.marshal"))
    assert outputs[0] == outputs[1]
