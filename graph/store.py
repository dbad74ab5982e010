"""What a store is: the interface :class:`GraphStore` and its errors.

Results are always pyoxigraph's own types (``QuerySolutions``, ``QueryTriples``,
``QueryBoolean``), whichever backend answers, so the service and the catalogue have one way to read
them. The backends are :class:`graph.embedded.EmbeddedStore` (pyoxigraph in this process) and
:class:`graph.remote.store.RemoteStore` (a SPARQL 1.1 engine); :func:`graph.backends.open_store`
is the only place that chooses and constructs one.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping
from contextlib import AbstractContextManager, nullcontext

import pyoxigraph as ox

QueryResult = ox.QuerySolutions | ox.QueryTriples | ox.QueryBoolean
Term = ox.NamedNode | ox.BlankNode | ox.Literal


class QueryError(ValueError):
    """The query or update itself is wrong (a client error): carries the parser's message."""


class StoreError(RuntimeError):
    """The store failed (a server error): never reported as the client's fault."""


class StoreTimeout(StoreError):
    """The store gave up on the time limit (a remote engine's own limit or its HTTP timeout)."""


class GraphStore(ABC):
    """What the service, the catalogue and the CLI need from a quad store."""

    #: ``embedded`` or ``remote``: shown in the service description and logs.
    kind: str = "abstract"

    @abstractmethod
    def query(
        self,
        sparql: str,
        *,
        substitutions: Mapping[str, Term] | None = None,
        default_graph: Iterable[str] | None = None,
        named_graphs: Iterable[str] | None = None,
        prefixes: Mapping[str, str] | None = None,
    ) -> QueryResult:
        """Evaluate a SPARQL 1.1 query.

        Without ``default_graph`` the default graph is the RDF merge of all named graphs (every
        triple once, :mod:`graph.merge`); ``default_graph`` lists graphs to merge instead, and
        ``GRAPH ?g`` ranges over the named graphs (``named_graphs``, if given). Values reach
        the query only through ``substitutions`` (variable name -> term), never by formatting.
        ``prefixes`` (name -> IRI) may be used without a PREFIX; the query's own declarations win.
        Raises :class:`QueryError` for a malformed query, :class:`StoreError` for a storage fault.
        """

    @abstractmethod
    def update(self, sparql: str, *, prefixes: Mapping[str, str] | None = None) -> None:
        """Apply a SPARQL 1.1 Update atomically: all of it, or (on error) none of it. The default
        graph (the merge) follows; an update that writes it itself is a :class:`QueryError`.
        ``prefixes`` as for :meth:`query`."""

    @abstractmethod
    def load(self, data: bytes, fmt: ox.RdfFormat, graph: str | None = None) -> None:
        """Add RDF. Quad formats keep their graph names; triples go to ``graph``. Triples for the
        default graph (the merge) are a :class:`QueryError`."""

    @abstractmethod
    def replace_graph(self, graph: str, data: bytes, fmt: ox.RdfFormat) -> None:
        """Replace the content of one named graph atomically."""

    @abstractmethod
    def remove_graph(self, graph: str) -> bool:
        """Drop one named graph; ``False`` if it did not exist."""

    @abstractmethod
    def named_graphs(self) -> list[str]:
        """IRIs of all named graphs, sorted."""

    @abstractmethod
    def dump(self, fmt: ox.RdfFormat, graph: str | None = None) -> bytes:
        """Serialise the whole dataset (quad formats) or one graph (triple formats)."""

    @property
    @abstractmethod
    def version(self) -> str:
        """Changes whenever the content changes (keys caches)."""

    def close(self) -> None:  # noqa: B027 - optional for backends
        """Release resources."""

    def time_limit(self, seconds: float | None) -> AbstractContextManager:
        """The time limit for this thread's queries, where the backend enforces it itself (a
        remote engine); the embedded store's limit is its worker processes'."""
        return nullcontext()

    # Convenience built on ``query`` -------------------------------------------------------
    def select(self, sparql: str, **kwargs) -> list[dict[str, Term]]:
        """Rows of a SELECT as dicts of bound variables (unbound ones left out)."""
        solutions = self.query(sparql, **kwargs)
        if not isinstance(solutions, ox.QuerySolutions):
            raise QueryError("expected a SELECT query")
        names = [v.value for v in solutions.variables]
        rows = []
        for solution in solutions:
            row = {}
            for name in names:
                value = solution[name]
                if value is not None:
                    row[name] = value
            rows.append(row)
        return rows

    def ask(self, sparql: str, **kwargs) -> bool:
        return bool(self.query(sparql, **kwargs))
