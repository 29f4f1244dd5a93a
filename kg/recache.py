"""Compiled regular expressions kept between processes, as Python keeps the bytecode of modules.

Every ``kg`` command is a fresh process, and Python's ``re`` compiles each pattern in Python
code (parser and code generator): the rules, the lexicon's alternations, the noise filters
and the libraries' own patterns take ≈ 0.2–0.3 s per process, more than the analysis of
half a megabyte.  :func:`install` makes ``re`` keep what it generates for every ``str``
pattern (the pattern's opcodes, flags and groups: what ``re._compiler.compile`` hands to
``_sre.compile``) in a file, and build a pattern found there straight from it.  The pattern
objects are the same: same opcodes (``_sre`` checks them again), same groups and flags, so
the same matches; errors in a pattern are raised as before (it is parsed when not found).

The file is ``$XDG_CACHE_HOME/chuanyu-kg/re-<python>-<format>.marshal`` (``~/.cache`` by default),
named after the exact Python build, written (atomically) when a process exits having
compiled patterns the file lacks.  ``KG_REGEX_CACHE=0`` turns it off; so does a Python
other than CPython 3.11–3.13, whose ``re`` internals it relies on.

Only the ``kg`` command installs it (:mod:`kg.cli`, before any stage is imported; worker
processes are forked from it): importing the package as a library leaves ``re`` alone.

>>> import re
>>> re.compile(r"(?P<n>[两三])个?(省|市)").match("两个市").groupdict()
{'n': '两'}
"""

from __future__ import annotations

import atexit
import hashlib
import marshal
import os
import sys
from array import array
from pathlib import Path

#: Above this many patterns in the file, a process writes only those it used itself.
MAX_PATTERNS = 20_000

_state: dict = {}


#: The opcodes are kept as the bytes of an array of this type (loading a list of ints per
#: pattern would cost more than a tenth of a second for the build's thousand patterns).
_CODE = "I"
_FORMAT = 1


def enabled() -> bool:
    """Whether this Python and the environment allow the cache."""
    import _sre

    return (sys.implementation.name == "cpython" and (3, 11) <= sys.version_info[:2] <= (3, 13)
            and array(_CODE).itemsize == _sre.CODESIZE and os.environ.get("KG_REGEX_CACHE", "1") != "0")


def cache_file() -> Path | None:
    """Where the compiled patterns of this exact Python build are kept (None: no home folder)."""
    import _sre

    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    if not os.path.isabs(base):  # no home folder known: never a cache relative to the working folder
        return None
    build = f"{sys.version}|{_sre.MAGIC}|{_sre.CODESIZE}|{sys.maxunicode}"
    tag = hashlib.blake2b(build.encode(), digest_size=6).hexdigest()
    return Path(base) / "chuanyu-kg" / f"re-{sys.implementation.cache_tag}-{tag}-{_FORMAT}.marshal"


def install() -> None:
    """Serve ``re``'s compilation of ``str`` patterns from the cache file (once per process)."""
    if _state or not enabled():
        return
    import _sre
    from re import _compiler, _constants, _parser

    path = cache_file()
    if path is None:
        return
    try:
        with open(path, "rb") as fh:
            stored = marshal.load(fh)
        if not isinstance(stored, dict):
            stored = {}
    except Exception:  # missing, unreadable or damaged: start afresh
        stored = {}
    original = _compiler.compile
    used: dict = {}
    _state.update(path=path, stored=stored, used=used, new=False, original=original)
    debug = _constants.SRE_FLAG_DEBUG

    def compile(p, flags=0):  # noqa: A001 - stands in for re._compiler.compile
        if type(p) is not str or type(flags) is not int or flags & debug:
            return original(p, flags)
        key = (p, flags)
        entry = stored.get(key)
        if entry is not None:
            try:
                fl, code, groups, groupindex, indexgroup = entry
                compiled = _sre.compile(p, fl, array(_CODE, code).tolist(), groups, groupindex, indexgroup)
            except Exception:  # not what this Python generates: compile it again
                stored.pop(key, None)
            else:
                used[key] = entry
                return compiled
        # re._compiler.compile, keeping what it hands to _sre.compile
        try:
            parsed = _parser.parse(p, flags)
            code = _compiler._code(parsed, flags)
            groupindex = dict(parsed.state.groupdict)
            indexgroup = [None] * parsed.state.groups
            for name, i in groupindex.items():
                indexgroup[i] = name
            fl, groups = flags | parsed.state.flags, parsed.state.groups - 1
            compiled = _sre.compile(p, fl, code, groups, groupindex, tuple(indexgroup))
            entry = (fl, array(_CODE, code).tobytes(), groups, groupindex, tuple(indexgroup))
        except Exception:  # an error in the pattern (raised again, as re raises it) or re internals changed
            return original(p, flags)
        stored[key] = used[key] = entry
        _state["new"] = True
        return compiled

    _compiler.compile = compile
    atexit.register(save)


def save() -> None:
    """Write the cache file if this process compiled patterns it lacked (at exit)."""
    if not _state.get("new"):
        return
    _state["new"] = False
    path: Path = _state["path"]
    entries = _state["stored"] if len(_state["stored"]) <= MAX_PATTERNS else _state["used"]
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(tmp, "wb") as fh:
            marshal.dump(entries, fh)
        os.replace(tmp, path)
    except (OSError, ValueError):  # a read-only home, say: the next process compiles again
        try:
            tmp.unlink()
        except OSError:
            pass
