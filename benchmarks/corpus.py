"""A deterministic synthetic corpus made of the seed documents' sentences.

Sentences of every seed document are recombined across files; numbers and city names
vary from file to file, so no two files are the same, but the text stays the kind of
text the rules were written for.  Same ``size`` and ``seed`` → byte-identical files.

>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> files = write_corpus(d / "a", megabytes=0.05)
>>> files == write_corpus(d / "b", megabytes=0.05)
True
>>> [(d / "a" / f).read_bytes() == (d / "b" / f).read_bytes() for f in files][:2]
[True, True]
"""

from __future__ import annotations

import random
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
#: Target size of one synthetic file, in UTF-8 bytes (the seeds are 8–17 KB).
FILE_BYTES = 12_000
_CITIES = ("成都", "绵阳", "德阳", "宜宾", "泸州", "南充", "达州", "广安", "遂宁", "内江", "资阳", "眉山", "乐山", "自贡")
_CITY = re.compile("|".join(_CITIES))
_NUMBER = re.compile(r"(?<![\d.\-/:])\d+(?![\d.\-/:年月日号])")  # dates and document numbers stay valid
_SENTENCE = re.compile(r"[^。！？\n]*[。！？]?")


def seed_material(seeds: Path = SEEDS) -> tuple[list[list[str]], list[str]]:
    """``(headers, sentences)``: the first lines of every seed and all of their sentences."""
    headers, sentences = [], []
    for p in sorted(seeds.glob("*.txt")):
        lines = p.read_text(encoding="utf-8").splitlines()
        headers.append(lines[:3])
        for line in lines[3:]:
            sentences.extend(s for s in _SENTENCE.findall(line) if len(s.strip()) > 4)
    return headers, sentences


def _vary(text: str, rng: random.Random) -> str:
    text = _NUMBER.sub(lambda m: str(rng.randint(10 ** (len(m.group()) - 1) if len(m.group()) > 1 else 1,
                                                  10 ** len(m.group()) - 1)), text)
    return _CITY.sub(lambda m: rng.choice(_CITIES), text)


def make_document(index: int, *, headers: list[list[str]], sentences: list[str], seed: int = 0) -> str:
    """The text of synthetic document number ``index``."""
    rng = random.Random(f"{seed}:{index}")
    lines = [_vary(h, rng) for h in rng.choice(headers)]
    size = sum(len(ln.encode()) for ln in lines)
    while size < FILE_BYTES:
        para = "".join(_vary(rng.choice(sentences), rng) for _ in range(rng.randint(2, 6)))
        lines.append(para)
        size += len(para.encode()) + 1
    return "\n".join(lines) + "\n"


def write_corpus(folder: str | Path, *, megabytes: float, seed: int = 0) -> list[str]:
    """Write about ``megabytes`` MB (10^6 bytes) of documents into ``folder``; returns the file names."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    headers, sentences = seed_material()
    target, total, names = int(megabytes * 1_000_000), 0, []
    while total < target:
        name = f"synthetic_{len(names):06d}.txt"
        data = make_document(len(names), headers=headers, sentences=sentences, seed=seed).encode("utf-8")
        (folder / name).write_bytes(data)
        total += len(data)
        names.append(name)
    return names
