"""Load a big RDF file into a named graph *and* the merge at the speed of the engine.

The default graph is the RDF merge of the named graphs (:mod:`graph.merge`), so every triple of a
file goes into the store twice: into the file's named graph and into the merge. A graph loaded
fresh only adds to the merge, so no :func:`graph.merge.resync` (a SPARQL pass over everything) is
needed; both copies are written by pyoxigraph's bulk loader (``Store.bulk_load``), which parses in
native code and writes sorted files straight into the database.

Two ways, chosen per file:

* **no blank nodes possible** (N-Triples or Turtle whose bytes hold no ``_:``, ``[`` or ``(``):
  the file is bulk-loaded twice at the same time, into the named graph (strict: a syntax error
  is reported with its line) and into the merge (lenient: the strict load judges the syntax);
* **otherwise** (blank nodes, RDF/XML, JSON-LD, quad files): the bulk loader gives each blank
  node of a load a fresh name, so two loads of one file would not share them. The file is parsed
  once (strict) and written as N-Quads that state every triple in its graph and in the merge
  (the lines of a triple file are doubled as text; a quad file's quads are doubled one by one);
  that one file is bulk-loaded, so both copies of a blank node are the same node.

The bulk loader is not transactional: a failure can leave part of a file in the store. Callers
load into a directory of their own and publish it only once complete (:mod:`graph.build`,
:mod:`service.sparql.live`), or drop the graph again.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pyoxigraph as ox

from graph.formats import QUAD_FORMATS

#: Byte sequences without which a file of that syntax cannot hold a blank node.
_BLANK_MARKS = {
    ox.RdfFormat.N_TRIPLES: (b"_:",),
    ox.RdfFormat.TURTLE: (b"_:", b"[", b"("),
}


class BadData(ValueError):
    """The file cannot be loaded: its syntax (with the line), or triples for the default graph
    in a quad file (the default graph is the merge)."""


def holds_any(path: Path, marks: tuple[bytes, ...]) -> bool:
    """Do the bytes of ``path`` hold one of ``marks`` (read in chunks, never whole)?"""
    overlap = max(map(len, marks)) - 1
    with path.open("rb") as handle:
        tail = b""
        while chunk := handle.read(1 << 22):
            window = tail + chunk
            if any(mark in window for mark in marks):
                return True
            tail = window[-overlap:] if overlap else b""
    return False


def without_blank_nodes(path: Path, fmt: ox.RdfFormat) -> bool:
    """Can ``path`` be loaded twice without the two loads disagreeing (no blank nodes in it)?"""
    marks = _BLANK_MARKS.get(fmt)
    return marks is not None and not holds_any(path, marks)


def load_file(store: ox.Store, path: Path, fmt: ox.RdfFormat, graph: str | None) -> None:
    """Add the file at ``path`` to ``store``: its triples into ``graph`` (quad files: into the
    graphs they name) and each of them into the merge. Raises :class:`BadData`."""
    if graph is not None and fmt not in QUAD_FORMATS and without_blank_nodes(path, fmt):
        # both loads at once (the bulk loader runs without the GIL): the graph's strictly
        # parsed, the merge's leniently (a bad file fails the strict one, and the caller drops
        # what either wrote)
        with ThreadPoolExecutor(2) as pool:
            loads = [
                pool.submit(store.bulk_load, path=str(path), format=fmt, **options)
                for options in ({"to_graph": ox.NamedNode(graph)}, {"lenient": True})
            ]
        try:
            for done in loads:
                done.result()
        except SyntaxError as exc:
            raise BadData(_where(path, exc)) from exc
        return
    with tempfile.TemporaryDirectory(prefix="kompetensgraf-load-") as tmp:
        both = Path(tmp) / "both.nq"
        try:
            if graph is None or fmt in QUAD_FORMATS or fmt == ox.RdfFormat.JSON_LD:
                with both.open("wb") as out:  # JSON-LD may name graphs too
                    ox.serialize(_twice(path, fmt, graph), out, format=ox.RdfFormat.N_QUADS)
            else:
                _write_twice(path, fmt, ox.NamedNode(graph), Path(tmp))
        except SyntaxError as exc:
            raise BadData(_where(path, exc)) from exc
        store.bulk_load(path=str(both), format=ox.RdfFormat.N_QUADS, lenient=True)


def _write_twice(path: Path, fmt: ox.RdfFormat, graph: ox.NamedNode, tmp: Path) -> None:
    """``tmp/both.nq``: the file's triples as N-Quads, in ``graph`` and in the merge.

    The file is parsed (strict) and written as N-Triples by pyoxigraph, one triple a line, each
    ending in `` .`` and a newline (a newline inside a literal is escaped); that text, once with
    the graph's name before each line's end and once as it is, is the N-Quads file."""
    canonical = tmp / "canonical.nt"
    with canonical.open("wb") as out:
        ox.serialize(ox.parse(path=str(path), format=fmt), out, format=ox.RdfFormat.N_TRIPLES)
    named = f" {graph} .\n".encode()
    with canonical.open("rb") as source, (tmp / "both.nq").open("wb") as out:
        while chunk := source.read(1 << 22):
            chunk += source.readline()  # whole lines only
            out.write(chunk.replace(b" .\n", named))
            out.write(chunk)
    canonical.unlink()


def _twice(path: Path, fmt: ox.RdfFormat, graph: str | None) -> Iterator[ox.Quad]:
    """Every triple of the file in its named graph and in the merge (the default graph)."""
    target = ox.NamedNode(graph) if graph is not None else None
    merge = ox.DefaultGraph()
    for item in ox.parse(path=str(path), format=fmt):
        name = getattr(item, "graph_name", merge)
        if isinstance(name, ox.DefaultGraph):
            if target is None:
                raise BadData(
                    f"{path}: triples outside a named graph: the default graph is the merge of "
                    "the named graphs and is not loaded itself; put them in a GRAPH block"
                )
            name = target
        yield ox.Quad(item.subject, item.predicate, item.object, name)
        yield ox.Quad(item.subject, item.predicate, item.object, merge)


def _where(path: Path, exc: SyntaxError) -> str:
    """``file: message``, with the line when the parser's message does not give it."""
    message = exc.msg or str(exc)
    if exc.lineno and f"line {exc.lineno}" not in message:
        message = f"line {exc.lineno}: {message}"
    return f"{path}: {message}"
