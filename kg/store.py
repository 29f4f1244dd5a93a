"""Store: a real SPARQL endpoint (the ``oxigraph`` server from PyPI) and uploads to any store.

``serve`` loads a graph file into a temporary Oxigraph database and runs the server on
127.0.0.1, read-only; ``push`` uploads a graph file to any triple store through the
SPARQL 1.1 Graph Store HTTP Protocol (plain ``urllib``).

>>> graph_store_url("http://127.0.0.1:7878/store")
'http://127.0.0.1:7878/store?default'
>>> graph_store_url("http://h/ds/data", graph="https://e.org/g?x=1")
'http://h/ds/data?graph=https%3A%2F%2Fe.org%2Fg%3Fx%3D1'
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from kg.errors import KGError

#: Content types of the graph formats ``push`` can send, by file extension.
CONTENT_TYPES = {
    ".ttl": "text/turtle",
    ".nt": "application/n-triples",
    ".jsonld": "application/ld+json",
    ".rdf": "application/rdf+xml",
    ".owl": "application/rdf+xml",
}


class StoreError(KGError):
    """The server could not be started, or a store refused an upload."""


def oxigraph_executable() -> str:
    """The ``oxigraph`` server binary (installed by the ``oxigraph`` package from PyPI)."""
    beside = Path(sys.executable).parent / "oxigraph"
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    found = shutil.which("oxigraph")
    if not found:
        raise StoreError("the oxigraph server is not installed (pip install oxigraph)")
    return found


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port nobody listens on right now.

    >>> 0 < free_port() < 65536
    True
    """
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


@dataclass
class OxigraphServer:
    """A running Oxigraph server; use as a context manager or call :meth:`stop`."""

    process: subprocess.Popen
    host: str
    port: int
    location: Path
    owns_location: bool

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def query_url(self) -> str:
        return f"{self.base_url}/query"

    @property
    def store_url(self) -> str:
        return f"{self.base_url}/store"

    def stop(self) -> None:
        """Stop the server (SIGTERM, then SIGKILL after 10 s) and remove its temporary database."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.owns_location:
            shutil.rmtree(self.location, ignore_errors=True)

    def __enter__(self) -> OxigraphServer:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def load_database(graph_path: str | Path, location: str | Path) -> None:
    """Load a graph file (format by extension) into an Oxigraph database folder."""
    p = Path(graph_path)
    if not p.is_file():
        raise StoreError("graph file not found (run `kg build` first)", path=p)
    proc = subprocess.run([oxigraph_executable(), "load", "--location", str(location), "--file", str(p)],
                          capture_output=True, text=True)
    if proc.returncode != 0:
        raise StoreError(f"oxigraph could not load the graph: {proc.stderr.strip()[-500:]}", path=p)


def start_server(
    graph_path: str | Path | None = None,
    *,
    port: int = 7878,
    host: str = "127.0.0.1",
    read_only: bool = True,
    location: str | Path | None = None,
    timeout: float = 30.0,
) -> OxigraphServer:
    """Start an Oxigraph server on ``host:port`` (with ``graph_path`` loaded) and wait until it answers.

    Without ``location`` the database lives in a temporary folder removed by :meth:`OxigraphServer.stop`.
    Queries see the union of all graphs (``--union-default-graph``).
    """
    _check_port_free(host, port)  # else another server would answer the readiness check below
    owns = location is None
    loc = Path(tempfile.mkdtemp(prefix="kg-oxigraph-")) if owns else Path(location)
    try:
        if graph_path is not None:
            load_database(graph_path, loc)
        cmd = [oxigraph_executable(), "serve-read-only" if read_only else "serve", "--location", str(loc),
               "--bind", f"{host}:{port}", "--union-default-graph"]
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    except BaseException:
        if owns:
            shutil.rmtree(loc, ignore_errors=True)
        raise
    server = OxigraphServer(proc, host, port, loc, owns)
    deadline = time.monotonic() + timeout
    while True:
        if proc.poll() is not None:
            err = proc.stderr.read().decode("utf-8", "replace").strip() if proc.stderr else ""
            server.stop()
            raise StoreError(f"the oxigraph server exited at once (port {port} in use?): {err[-500:]}")
        try:
            with urllib.request.urlopen(f"{server.query_url}?query=ASK%7B%7D", timeout=2) as resp:
                if resp.status == 200:
                    return server
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        if time.monotonic() > deadline:
            server.stop()
            raise StoreError(f"the oxigraph server did not answer within {timeout:.0f} s")
        time.sleep(0.1)


def _check_port_free(host: str, port: int) -> None:
    """:class:`StoreError` if something already listens on ``host:port``."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(1)
        if sock.connect_ex((host, port)) == 0:
            raise StoreError(f"port {port} on {host} is in use (another `kg serve`?); choose another with --port")


def serve(graph_path: str | Path, *, port: int = 7878, host: str = "127.0.0.1", announce=print) -> None:
    """Serve ``graph_path`` read-only until interrupted (Ctrl-C, or SIGTERM from ``kill``, a
    service manager or ``docker stop``), then stop the server and remove its database."""
    server = start_server(graph_path, port=port, host=host, read_only=True)
    previous = None
    try:
        if threading.current_thread() is threading.main_thread():
            previous = signal.signal(signal.SIGTERM, _interrupt)
        announce(f"SPARQL endpoint: {server.query_url}")
        announce("Press Ctrl-C to stop.")
        if server.process.wait() != 0:  # the server ended on its own: say why
            err = server.process.stderr.read().decode("utf-8", "replace").strip() if server.process.stderr else ""
            raise StoreError(f"the oxigraph server stopped (exit {server.process.returncode}): {err[-500:]}")
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt


def graph_store_url(endpoint: str, *, graph: str | None = None) -> str:
    """The Graph Store Protocol URL of the default graph, or of the named ``graph``."""
    sep = "&" if "?" in endpoint else "?"
    return f"{endpoint}{sep}graph={urllib.parse.quote(graph, safe='')}" if graph else f"{endpoint}{sep}default"


@dataclass(frozen=True)
class PushResult:
    url: str
    status: int
    triples: int


def push(path: str | Path, *, endpoint: str, graph: str | None = None, replace: bool = False,
         timeout: float = 300.0) -> PushResult:
    """Upload a graph file to ``endpoint`` (a Graph Store Protocol URL such as Oxigraph's
    ``/store`` or Fuseki's ``/ds/data``): POST (add to the graph) or, with ``replace``, PUT.

    The default graph unless ``graph`` (an IRI) is given.  Raises :class:`StoreError` if the
    store refuses.  Returns the URL, the HTTP status and the number of triples sent.
    """
    p = Path(path)
    if not p.is_file():
        raise StoreError("graph file not found", path=p)
    ctype = CONTENT_TYPES.get(p.suffix.lower())
    if ctype is None:
        raise StoreError(f"cannot push {p.suffix or 'this'} files; use one of {', '.join(sorted(CONTENT_TYPES))}", path=p)
    if urllib.parse.urlparse(endpoint).scheme not in ("http", "https"):
        raise StoreError(f"the endpoint must be an http(s) URL, not {endpoint!r}")
    try:
        triples = sum(1 for _ in ox.parse(path=str(p), format=ox.RdfFormat.from_media_type(ctype)))
    except (SyntaxError, ValueError) as exc:
        raise StoreError(f"not a valid graph: {exc}", path=p) from exc
    url = graph_store_url(endpoint, graph=graph)
    with p.open("rb") as body:
        req = urllib.request.Request(url, data=body, method="PUT" if replace else "POST",
                                     headers={"Content-Type": f"{ctype}; charset=utf-8" if ctype.startswith("text/") else ctype,
                                              "Content-Length": str(p.stat().st_size)})
        try:
            with urllib.request.urlopen(req, timeout=timeout) as resp:
                status = resp.status
        except urllib.error.HTTPError as exc:
            detail = exc.read(500).decode("utf-8", "replace").strip()
            raise StoreError(f"the store refused the upload: HTTP {exc.code} {exc.reason}: {detail}", path=p) from exc
        except (urllib.error.URLError, OSError) as exc:
            raise StoreError(f"cannot reach {url}: {getattr(exc, 'reason', exc)}", path=p) from exc
    return PushResult(url, status, triples)
