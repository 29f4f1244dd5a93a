"""Benchmark: the whole ``kg build`` against the anchors, on a synthetic corpus of N MB.

Usage (from the repository root, after ``.venv/bin/pip install -e ".[bench]"``)::

    .venv/bin/python -m benchmarks.bench --sizes 1 4 --jobs 1 2

For every size it writes the corpus (:mod:`benchmarks.corpus`, deterministic), then
measures, each in a fresh process so peak memory is that run's own:

* ``build``: the whole command as a user runs it, ``kg build --no-cache`` for every ``--jobs``:
  wall time from the process's start to its exit (interpreter start-up and imports
  included, reported as the ``start-up`` stage), CPU time of the process and its workers,
  MB/s of source bytes, peak RSS including worker processes, seconds per stage;
* ``jieba``: ``jieba.lcut`` of every file (dictionary loaded before the clock starts);
* ``regex``: one regular-expression pass over every file (the floor);
* ``incremental`` (first size only): a cached build, one file changed, the rebuild, each a
  whole command in its own process as a user runs them.

Prints a Markdown report (``--json`` for machine-readable results).  MB = 10^6 bytes.

>>> rows = run([0.02], jobs=[1], anchors=False, incremental=False, workdir=None)
>>> rows[0]["kind"], rows[0]["documents"] > 0
('build', True)
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.corpus import write_corpus

ROOT = Path(__file__).resolve().parent.parent

# Each measurement runs in its own interpreter; it prints one JSON object.
_PRELUDE = """
import time
STARTED = time.perf_counter()
import json, os, resource, sys
from pathlib import Path
corpus, out, arg = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
files = sorted(p for p in corpus.iterdir() if p.is_file())
size = sum(p.stat().st_size for p in files)
def peak_mb():
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return round((own + kids) / 1024, 1)
def cpu_s():
    return sum(u.ru_utime + u.ru_stime for u in (resource.getrusage(resource.RUSAGE_SELF),
                                                  resource.getrusage(resource.RUSAGE_CHILDREN)))
"""

_BUILD = _PRELUDE + """
import kg.cli  # as the kg command starts (it keeps compiled regular expressions between runs)
from kg.pipeline import build
imported = time.perf_counter()
r = build([corpus], out=out, quiet=True, jobs=int(arg), cache=os.environ.get("KG_BENCH_CACHE") == "1")
print(json.dumps({"bytes": size, "documents": r.documents, "cached": r.cached, "triples": r.triples,
                  "peak_mb": peak_mb(), "stages": {"start-up": imported - STARTED, **r.timings}}))
"""

_JIEBA = _PRELUDE + """
import jieba, logging
jieba.setLogLevel(logging.WARNING)
jieba.initialize()
texts = [p.read_text(encoding="utf-8") for p in files]
c, t = cpu_s(), time.perf_counter()
words = sum(len(jieba.lcut(x)) for x in texts)
s = time.perf_counter() - t
print(json.dumps({"seconds": s, "cpu_seconds": cpu_s() - c, "bytes": size, "documents": len(files), "words": words, "peak_mb": peak_mb()}))
"""

_REGEX = _PRELUDE + """
import re
pattern = re.compile(r"《[^》]{1,80}》|[\\u4e00-\\u9fff]{2,12}(?:局|厅|委员会|办公室|政府)")
texts = [p.read_text(encoding="utf-8") for p in files]
c, t = cpu_s(), time.perf_counter()
hits = sum(1 for x in texts for _ in pattern.finditer(x))
s = time.perf_counter() - t
print(json.dumps({"seconds": s, "cpu_seconds": cpu_s() - c, "bytes": size, "documents": len(files), "hits": hits,
                  "peak_mb": peak_mb()}))
"""


def _measure(script: str, corpus: Path, out: Path, arg: str = "", *, cache: bool = False) -> dict:
    """Run ``script`` in a fresh interpreter; its JSON row plus the wall time of the whole process
    (``seconds``, unless the script timed itself) and the CPU time of it and its workers."""
    env = dict(os.environ, PYTHONPATH=str(ROOT), KG_BENCH_CACHE="1" if cache else "0")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", script, str(corpus), str(out), arg],
                          capture_output=True, text=True, env=env, cwd=ROOT)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise RuntimeError(f"benchmark step failed:\n{proc.stderr[-3000:]}")
    row = json.loads(proc.stdout.strip().splitlines()[-1])
    row.setdefault("seconds", wall)
    row.setdefault("cpu_seconds", after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    return row


def _incremental(corpus: Path, out: Path) -> dict:
    """A cached build, then one file changed and the rebuild: two commands, as a user runs them."""
    full = _measure(_BUILD, corpus, out, "1", cache=True)
    files = sorted(p for p in corpus.iterdir() if p.is_file())
    victim = files[len(files) // 2]
    victim.write_bytes(victim.read_bytes() + "两地签订《川渝跨界河流联防联控合作协议》。\n".encode())
    row = _measure(_BUILD, corpus, out, "1", cache=True)
    return {**row, "full_seconds": full["seconds"]}


def _have_jieba() -> bool:
    try:
        import jieba  # noqa: F401
    except ImportError:
        return False
    return True


def run(sizes: list[float], *, jobs: list[int], anchors: bool = True, incremental: bool = True,
        workdir: str | Path | None = None) -> list[dict]:
    """Measure every size; returns one row per measurement (see the module docstring)."""
    tmp = Path(workdir) if workdir else Path(tempfile.mkdtemp(prefix="kg-bench-"))
    rows: list[dict] = []
    try:
        for n, mb in enumerate(sizes):
            corpus = tmp / f"corpus-{mb:g}MB"
            if corpus.exists():
                shutil.rmtree(corpus)
            write_corpus(corpus, megabytes=mb)
            for j in jobs:
                r = _measure(_BUILD, corpus, tmp / f"out-{mb:g}-{j}", str(j))
                _add(rows, {"kind": "build", "size_mb": mb, "jobs": j, **r})
            if anchors:
                _add(rows, {"kind": "regex", "size_mb": mb, **_measure(_REGEX, corpus, tmp / "unused")})
                if _have_jieba():
                    _add(rows, {"kind": "jieba", "size_mb": mb, **_measure(_JIEBA, corpus, tmp / "unused")})
            if incremental and n == 0:
                _add(rows, {"kind": "incremental", "size_mb": mb, "jobs": 1,
                            **_incremental(corpus, tmp / f"out-{mb:g}-incremental")})
    finally:
        if not workdir:
            shutil.rmtree(tmp, ignore_errors=True)
    return rows


def _add(rows: list[dict], row: dict) -> None:
    row["mb_per_s"] = row["bytes"] / 1e6 / row["seconds"] if row["seconds"] else float("inf")
    rows.append(row)
    print(json.dumps(row), file=sys.stderr, flush=True)  # progress: a long run shows its rows as they come


def report(rows: list[dict]) -> str:
    """The rows as Markdown: a results table and the acceptance ratios."""
    lines = ["| what | corpus MB | jobs | docs | seconds | CPU s | MB/s | peak MB | stages (s) |",
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |"]
    for r in rows:
        stages = ", ".join(f"{k} {v:.2f}" for k, v in r.get("stages", {}).items())
        cpu = f"{r['cpu_seconds']:.2f}" if "cpu_seconds" in r else ""
        if r["kind"] == "incremental":
            stages = f"full cached build {r['full_seconds']:.2f}; {r['cached']} of {r['documents']} from cache; " + stages
        lines.append(f"| {r['kind']} | {r['bytes'] / 1e6:.2f} | {r.get('jobs', '')} | {r['documents']} | "
                     f"{r['seconds']:.2f} | {cpu} | {r['mb_per_s']:.2f} | {r['peak_mb']:.0f} | {stages} |")
    builds = {(r["size_mb"], r["jobs"]): r for r in rows if r["kind"] == "build"}
    jieba = {r["size_mb"]: r for r in rows if r["kind"] == "jieba"}
    lines.append("")
    sizes = sorted({s for s, _ in builds})
    for j in sorted({j for _, j in builds}):
        if len(sizes) >= 2:
            a, b = builds[(sizes[0], j)], builds[(sizes[-1], j)]
            growth = (b["seconds"] / a["seconds"]) / (b["bytes"] / a["bytes"])
            lines.append(f"- jobs {j}: time per byte at {sizes[-1]:g} MB is {growth:.2f}× that at {sizes[0]:g} MB "
                         f"(linear = 1.00)")
        for s in sizes:
            if s in jieba:
                lines.append(f"- jobs {j}, {s:g} MB: build / jieba segmentation time = "
                             f"{builds[(s, j)]['seconds'] / jieba[s]['seconds']:.2f}")
    for r in rows:
        if r["kind"] == "incremental":
            lines.append(f"- incremental rebuild (1 of {r['documents']} files changed): {r['seconds']:.2f} s = "
                         f"{100 * r['seconds'] / r['full_seconds']:.1f}% of the full build")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", type=float, nargs="+", default=[1.0, 4.0], help="corpus sizes in MB")
    ap.add_argument("--jobs", type=int, nargs="+", default=[1], help="--jobs values to measure")
    ap.add_argument("--no-anchors", action="store_true", help="skip jieba and the regex pass")
    ap.add_argument("--no-incremental", action="store_true", help="skip the incremental rebuild")
    ap.add_argument("--workdir", help="keep corpora and outputs here (default: a temporary folder)")
    ap.add_argument("--json", action="store_true", help="print the rows as JSON")
    args = ap.parse_args(argv)
    if not args.no_anchors and not _have_jieba():
        print("note: jieba not installed (pip install -e '.[bench]'): jieba anchor skipped", file=sys.stderr)
    rows = run(args.sizes, jobs=args.jobs, anchors=not args.no_anchors, incremental=not args.no_incremental,
               workdir=args.workdir)
    print(json.dumps(rows, indent=1) if args.json else report(rows), end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
