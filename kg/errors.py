"""The KGError family: every domain error carries the path it concerns."""

from __future__ import annotations

from pathlib import Path


class KGError(Exception):
    """Base class of chuanyu-kg errors.

    >>> str(KGError("cannot decode", path="a.txt"))
    'a.txt: cannot decode'
    """

    def __init__(self, reason: str, *, path: str | Path | None = None) -> None:
        self.reason = reason
        self.path = str(path) if path is not None else None
        super().__init__(f"{self.path}: {reason}" if self.path else reason)

    def __reduce__(self):
        """Pickled whole (reason and path), so an error raised in a worker process arrives intact.

        >>> import pickle
        >>> e = pickle.loads(pickle.dumps(IngestError("empty file", path="a.txt")))
        >>> type(e).__name__, e.reason, e.path
        ('IngestError', 'empty file', 'a.txt')
        """
        return _rebuild, (type(self), self.reason, self.path)


def _rebuild(cls: type[KGError], reason: str, path: str | None) -> KGError:
    return cls(reason, path=path)


class IngestError(KGError):
    """A source file could not be read as a document (empty, binary, undecodable)."""


class GoldError(KGError):
    """A gold annotation file is malformed."""


class QueryError(KGError):
    """A SPARQL query is unknown or invalid."""


class ValidationError(KGError):
    """The graph does not conform to the project's SHACL shapes."""
