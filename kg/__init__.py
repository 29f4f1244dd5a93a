"""chuanyu-kg: the knowledge graph of Sichuan–Chongqing (川渝) environmental cooperation.

Stages, data flowing one way::

    ingest → nlp → resolve → graph → export / viz / query

>>> from kg import __version__
>>> isinstance(__version__, str)
True
"""

__version__ = "0.1.0"

#: Bumped whenever extraction output may change; part of the document cache key.
PIPELINE_VERSION = "1"
