"""spaCy, imported without its command-line interface.

``spacy/__init__`` imports ``spacy.cli.info`` (for ``spacy.info``), and with it the whole
command-line interface: typer, weasel, requests, httpx, every subcommand — about 360
modules and 0.15 s of every process that analyses documents, none of them used there.
While spaCy is imported, ``spacy.cli`` and ``spacy.cli.info`` are stand-ins; they are gone
afterwards, so ``import spacy.cli`` loads the real package, and ``spacy.info`` imports the
real function when it is called.  Nothing else in spaCy imports its CLI (the pipeline, its
registries and its tokenizers are as before).  If spaCy was imported already, this does
nothing.

>>> from kg.spacy_import import spacy
>>> spacy.blank("zh").pipe_names
[]
"""

from __future__ import annotations

import sys
import types


def _without_cli() -> None:
    if "spacy" in sys.modules or "spacy.cli" in sys.modules or "spacy.cli.info" in sys.modules:
        return
    cli = types.ModuleType("spacy.cli")
    cli.__path__ = []  # a package: ``spacy.cli.info`` is looked up in sys.modules
    info_module = types.ModuleType("spacy.cli.info")

    def info(*args, **kwargs):
        from spacy.cli.info import info as real  # the stand-ins are gone by now: the real one

        return real(*args, **kwargs)

    info_module.info = info  # type: ignore[attr-defined]
    sys.modules["spacy.cli"], sys.modules["spacy.cli.info"] = cli, info_module
    try:
        import spacy  # noqa: F401
    finally:
        for name, stand_in in (("spacy.cli.info", info_module), ("spacy.cli", cli)):
            if sys.modules.get(name) is stand_in:
                del sys.modules[name]
        package = sys.modules.get("spacy")
        if package is not None and package.__dict__.get("cli") is cli:
            del package.cli


_without_cli()

import spacy  # noqa: E402
from spacy.language import Language  # noqa: E402
from spacy.tokens import Doc, Span  # noqa: E402

__all__ = ["Doc", "Language", "Span", "spacy"]
