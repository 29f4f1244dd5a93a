"""Document cache: documents whose bytes and pipeline are unchanged are not processed again.

One entry per document, in ``OUT/.cache/extractions/``, keyed by the SHA-256 of the
document's file name and bytes, :data:`kg.PIPELINE_VERSION`, the base IRI and a fingerprint
of the code and lexicons that decide a document's output (so editing a rule or a lexicon
never serves stale results).  An entry holds what the build made of the document — its
:class:`~kg.graph.DocumentPart` (summary and triples already written), or an
:class:`~kg.model.Extraction` — and the document's ingest warnings.  New entries can be
held in a ``pending`` folder until :meth:`ExtractionCache.commit`, so a failed build adds none.
Entries are written atomically; an unreadable or foreign entry is a miss, never an error.
The cache lives in the output folder, which the build itself wrote: entries are trusted
like the rest of that folder.

>>> import tempfile, pathlib
>>> from kg.model import DocumentMeta, Extraction, SourceDocument
>>> cache = ExtractionCache(pathlib.Path(tempfile.mkdtemp()) / ".cache")
>>> key = cache.key(b"\\xe5\\xb7\\x9d", file_name="a.txt")
>>> cache.get(key) is None
True
>>> ex = Extraction(SourceDocument("a.txt", "0" * 64, 1, "utf-8", DocumentMeta()), (), ())
>>> cache.put(key, ex, ("w",))
>>> cache.get(key) == (ex, ("w",))
True
>>> cache.prune(keep=set()), cache.get(key)
(1, None)
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import tempfile
from functools import lru_cache
from importlib import resources
from pathlib import Path

import kg
from kg.graph import DocumentPart
from kg.model import Extraction

log = logging.getLogger("kg")

#: Folder name of the cache inside the output folder.
CACHE_DIR = ".cache"
_FORMAT = b"chuanyu-kg document cache 2\n"
#: The modules and data whose content decides what a document yields.
_EXTRACTION_MODULES = ("ingest.py", "noise.py", "nlp.py", "rules.py", "lexicon.py", "model.py", "resolve.py",
                       "graph.py", "serialize.py")


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """A hash of the extraction code and lexicons (changes whenever they do).

    >>> len(code_fingerprint())
    16
    """
    h = hashlib.sha256()
    pkg = resources.files("kg")
    files = [pkg / name for name in _EXTRACTION_MODULES]
    data = pkg / "data"
    if data.is_dir():
        files += sorted((f for f in data.iterdir() if f.is_file()), key=lambda f: f.name)
    for f in files:
        try:
            content = f.read_bytes()
        except OSError:
            content = b"<missing>"
        h.update(f.name.encode() + b"\0" + hashlib.sha256(content).digest())
    return h.hexdigest()[:16]


class ExtractionCache:
    """Extractions on disk, one pickle per document key (see the module docstring)."""

    def __init__(self, folder: str | Path, *, base_iri: str = "", pending: str | Path | None = None) -> None:
        self.folder = Path(folder) / "extractions"
        self.base_iri = base_iri
        self.pending = Path(pending) if pending is not None else None
        #: Keys of the documents of the current build (what :meth:`prune` keeps).
        self.used: set[str] = set()

    def key(self, data: bytes, *, file_name: str) -> str:
        """The cache key of a document: its name and bytes, the pipeline version, code and base IRI."""
        h = hashlib.sha256()
        for part in (kg.PIPELINE_VERSION, code_fingerprint(), self.base_iri, file_name):
            h.update(part.encode("utf-8", "surrogatepass") + b"\0")
        h.update(data)
        return h.hexdigest()

    def _path(self, key: str) -> Path:
        return self.folder / f"{key}.pickle"

    def has(self, key: str) -> bool:
        """Whether there is an entry for ``key`` (:meth:`get` may still find it unreadable)."""
        return self._path(key).is_file()

    def get(self, key: str) -> tuple[object, tuple[str, ...]] | None:
        """The cached ``(value, warnings)`` of ``key``, or None."""
        try:
            blob = self._path(key).read_bytes()
        except OSError:
            return None
        if not blob.startswith(_FORMAT):
            return None
        try:
            value = pickle.loads(blob[len(_FORMAT):])
        except Exception:  # a truncated or foreign entry is a miss
            return None
        if not (isinstance(value, tuple) and len(value) == 2 and isinstance(value[0], Extraction | DocumentPart)):
            return None
        return value[0], tuple(value[1])

    def put(self, key: str, value: Extraction | DocumentPart, warnings: tuple[str, ...] = ()) -> None:
        """Store an entry atomically (in ``pending`` if set); a cache that cannot be written only logs."""
        folder = self.pending or self.folder
        try:
            folder.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".entry.", suffix=".tmp", dir=folder)
            try:
                with os.fdopen(fd, "wb") as fh:
                    fh.write(_FORMAT + pickle.dumps((value, tuple(warnings)), protocol=pickle.HIGHEST_PROTOCOL))
                os.replace(tmp, folder / f"{key}.pickle")
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        except OSError as exc:
            log.warning("cache not written (%s)", exc)

    def commit(self) -> int:
        """Move the pending entries into the cache; returns how many."""
        if self.pending is None or not self.pending.is_dir():
            return 0
        moved = 0
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            for p in self.pending.glob("*.pickle"):
                os.replace(p, self.folder / p.name)
                moved += 1
        except OSError as exc:
            log.warning("cache not written (%s)", exc)
        return moved

    def prune(self, *, keep: set[str]) -> int:
        """Delete entries not in ``keep`` (documents gone or changed); returns how many."""
        removed = 0
        if not self.folder.is_dir():
            return 0
        for p in self.folder.iterdir():
            if p.suffix in (".pickle", ".tmp") and p.stem not in keep:
                try:
                    p.unlink()
                    removed += 1
                except OSError:
                    pass
        return removed
