"""Oracle for speed work on ingest and extraction: the output must not change at all.

``save`` pickles ``read_document(p)`` and ``extract(doc)`` for every file of the given
folders (or the :class:`~kg.errors.IngestError` message a file raises); ``check``
recomputes them and reports every file whose results differ (``==`` on the frozen
dataclasses); ``time`` measures both stages, one process, after a warm-up pass.

``variants`` writes derived documents that exercise the paths a plain UTF-8 corpus
does not: HTML with navigation, scripts and entities, traditional characters, GB18030,
Big5, UTF-16, whitespace between characters, half-width punctuation, spam phrases and
boilerplate lines, CRLF line ends.

Usage (from the repository root)::

    .venv/bin/python -m benchmarks.extract_oracle variants /tmp/oracle/variants
    .venv/bin/python -m benchmarks.extract_oracle save /tmp/oracle/o.pkl seeds /tmp/kb/c1 /tmp/oracle/variants
    .venv/bin/python -m benchmarks.extract_oracle check /tmp/oracle/o.pkl
    .venv/bin/python -m benchmarks.extract_oracle time /tmp/kb/c1
"""

from __future__ import annotations

import argparse
import pickle
import random
import sys
import time
from pathlib import Path

from kg.errors import IngestError
from kg.ingest import read_document
from kg.nlp import extract

ROOT = Path(__file__).resolve().parent.parent


def _files(folders: list[str]) -> list[Path]:
    return sorted(p for f in folders for p in Path(f).iterdir() if p.is_file())


def _result(p: Path):
    try:
        doc = read_document(p)
    except IngestError as exc:
        return ("error", str(exc)), None
    return doc, extract(doc)


def save(out: Path, folders: list[str]) -> None:
    """Pickle every file's document and extraction into ``out``."""
    results = {str(p): _result(p) for p in _files(folders)}
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(pickle.dumps(results, protocol=pickle.HIGHEST_PROTOCOL))
    print(f"saved {len(results)} files to {out}")


def check(oracle: Path) -> int:
    """Number of files whose document or extraction differs from the oracle."""
    expected = pickle.loads(oracle.read_bytes())
    bad = 0
    for path, (doc, ex) in expected.items():
        got_doc, got_ex = _result(Path(path))
        if got_doc != doc or got_ex != ex:
            bad += 1
            what = "document" if got_doc != doc else "extraction"
            print(f"DIFFERENT {what}: {path}")
    print(f"{oracle}: {len(expected) - bad}/{len(expected)} identical")
    return bad


def timing(folders: list[str], repeat: int = 3) -> None:
    """Best of ``repeat`` warm passes of read_document and extract over the folders.

    CPU time of this process (``time.process_time``), which other processes on a shared
    machine disturb less than wall time; the best wall time is printed too.
    """
    files = _files(folders)
    size = sum(p.stat().st_size for p in files)
    docs = [read_document(p) for p in files]
    for d in docs:
        extract(d)
    best = {"read": [float("inf")] * 2, "extract": [float("inf")] * 2}

    def clocks() -> tuple[float, float]:
        return time.process_time(), time.perf_counter()

    for _ in range(repeat):
        t = clocks()
        docs = [read_document(p) for p in files]
        u = clocks()
        for d in docs:
            extract(d)
        v = clocks()
        best["read"] = [min(b, x - y) for b, x, y in zip(best["read"], u, t, strict=True)]
        best["extract"] = [min(b, x - y) for b, x, y in zip(best["extract"], v, u, strict=True)]
    mb = size / 1e6
    (rc, rw), (ec, ew) = best["read"], best["extract"]
    print(f"{', '.join(folders)}: {len(files)} files, {mb:.2f} MB; CPU s: read_document {rc:.3f}, extract {ec:.3f}, "
          f"together {(rc + ec) / mb:.3f} s/MB (wall: {rw:.3f} + {ew:.3f})")


_SPAM = ("大发体育开户,手机赌博官网", "在线百家乐", "皇冠体育网址", "免费成人视频", "代开发票", "澳门新葡京娱乐")
_BOILER = ("版权所有：重庆市生态环境局", "扫一扫在手机端查看", "首页 > 新闻中心 > 正文", "责任编辑：张三", "上一篇：无")


def variants(out: Path, sources: list[Path] | None = None) -> list[str]:
    """Write derived documents (see the module docstring) into ``out``; returns the file names."""
    import opencc

    s2t = opencc.OpenCC("s2t.json")
    out.mkdir(parents=True, exist_ok=True)
    sources = sources or sorted((ROOT / "seeds").glob("*.txt"))
    names: list[str] = []

    def write(name: str, data: bytes) -> None:
        (out / name).write_bytes(data)
        names.append(name)

    for k, src in enumerate(sources):
        text = src.read_text(encoding="utf-8")
        rng = random.Random(k)
        lines = text.splitlines()
        stem = src.stem
        # HTML: paragraphs, navigation, scripts, entities, whitespace runs, noisy class names
        body = []
        for i, ln in enumerate(lines):
            ln = ln.replace("&", "&amp;").replace("<", "&lt;")
            if i % 7 == 3:
                ln = ln.replace("，", "&#xff0c;", 1).replace("。", "&nbsp;。", 1)
            if i % 5 == 2:
                ln = ln[: len(ln) // 2] + "\n   \t " + ln[len(ln) // 2 :]
            body.append(f"<p class=\"text\">{ln}</p>" if i % 4 else f"<div>{ln}<br/>  </div>")
        page = (
            "<!DOCTYPE html><html><head><title>t</title><style>p{color:red}</style></head><body>"
            "<nav><a href='/'>首页</a> &gt; 新闻</nav><div class=\"navbar\">菜单<div>子菜单</div></div>"
            "<script>var a = '<p>x</p>';</script><!-- comment 《协议》 -->"
            + "\n".join(body)
            + "<footer>版权所有 &copy; 2024</footer><div id=\"share-box\">分享到</div><p>结束&#12290;</p></body></html>"
        )
        write(f"{stem}_page.html", page.encode("utf-8"))
        write(f"{stem}_page_gb.htm", page.encode("gb18030", errors="replace"))
        trad = s2t.convert(text)
        write(f"{stem}_trad.txt", trad.encode("utf-8"))
        try:
            write(f"{stem}_big5.txt", trad.encode("big5"))
        except UnicodeEncodeError:
            write(f"{stem}_big5.txt", trad.encode("big5", errors="ignore"))
        write(f"{stem}_gb.txt", text.encode("gb18030"))
        write(f"{stem}_u16.txt", text.encode("utf-16"))
        write(f"{stem}_u16le.txt", text.encode("utf-16-le"))
        write(f"{stem}_bom.md", b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))
        # whitespace between characters: single spaces, runs, tabs, ideographic spaces
        spaced = "".join(ch + (rng.choice([" ", "  ", "\t", "\u3000", " \n", "\xa0"]) if rng.random() < 0.08 else "") for ch in text)
        write(f"{stem}_spaced.txt", spaced.encode("utf-8"))
        half = text.replace("，", ",").replace("（", "(").replace("）", ")").replace("：", ":").replace("；", ";")
        half = half.replace("2021", "1,800:2021")
        write(f"{stem}_half.txt", half.encode("utf-8"))
        noisy = []
        for ln in lines:
            if ln and rng.random() < 0.5:
                cut = rng.randrange(len(ln))
                ln = ln[:cut] + rng.choice(_SPAM) + ln[cut:]
            noisy.append(ln)
            if rng.random() < 0.15:
                noisy.append(rng.choice(_BOILER))
            if rng.random() < 0.05:
                noisy.append("手机赌博官网 大发体育开户")
        write(f"{stem}_spam.txt", "\n".join(noisy).encode("utf-8"))
    write("broken_utf8.txt", ("两地签订《联合执法机制协议》。" * 50).encode("utf-8")[:-1] + b"\xff\xfe" + "重庆。".encode())
    write("binary.txt", bytes(range(256)) * 20)
    write("empty.txt", b"   \n")
    write("spam_only.html", "<html><body><p>手机赌博官网</p></body></html>".encode())
    return names


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("save")
    s.add_argument("out", type=Path)
    s.add_argument("folders", nargs="+")
    c = sub.add_parser("check")
    c.add_argument("oracles", type=Path, nargs="+")
    t = sub.add_parser("time")
    t.add_argument("folders", nargs="+")
    t.add_argument("--repeat", type=int, default=3)
    v = sub.add_parser("variants")
    v.add_argument("out", type=Path)
    args = ap.parse_args(argv)
    if args.cmd == "save":
        save(args.out, args.folders)
    elif args.cmd == "check":
        return 1 if sum(check(o) for o in args.oracles) else 0
    elif args.cmd == "time":
        timing(args.folders, args.repeat)
    else:
        print(f"wrote {len(variants(args.out))} files to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
