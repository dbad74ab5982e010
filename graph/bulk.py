"""Load a big RDF file into a named graph *and* the merge at the speed of the engine.

The default graph is the RDF merge of the named graphs (:mod:`graph.merge`), so every triple of a
file goes into the store twice: into the file's named graph and into the merge. A graph loaded
fresh only adds to the merge, so no :func:`graph.merge.resync` (a SPARQL pass over everything) is
needed; both copies are written by pyoxigraph's bulk loader (``Store.bulk_load``), which parses in
native code and writes sorted files straight into the database. One bulk load works out its
batches one after another, so loads run side by side where they can (the loader runs without the
GIL) and each core of the machine sorts its share.

Three ways, chosen per file:

* **no blank nodes possible** (N-Triples or Turtle whose bytes hold no ``_:``, ``[`` or ``(``):
  loads side by side, the named graph's strictly parsed (a syntax error is reported with its
  line), the merge's leniently (the strict loads judge the syntax). The named graph costs twice
  the merge's work (six indexes to its three), so an N-Triples file is cut at a line in the middle
  and its two halves go into the graph side by side with the whole file into the merge;
* **N-Triples with blank nodes**: the bulk loader gives each blank node of a load a fresh name, so
  both copies come from one load: a TriG document of the file inside ``GRAPH <g> { … }`` followed
  by the file again (its triples: the merge). A blank node label names one node in the whole
  document, so both copies of a node are the same node. Only for a file without ``{`` or ``}``
  (which N-Triples allows in literals only): its text can then never close the block and state
  something in another graph;
* **otherwise** (Turtle with blank nodes, RDF/XML, JSON-LD, quad files): the file is parsed once
  (strict) and written as N-Quads that state every triple in its graph and in the merge (a
  triple file through N-Triples, whose lines are doubled as text; a quad file's quads one by
  one); that one file is bulk-loaded.

A syntax error found in a file of our own making (a half, the TriG document) is reported as the
file's own parser reports it, with the file's line. A bulk load writes nothing unless it
completes, but of loads side by side one may fail and another complete: callers load into a
directory of their own and publish it only once complete (:mod:`graph.build`,
:mod:`service.sparql.live`), or drop the graph again.
"""

from __future__ import annotations

import shutil
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
#: A file smaller than this is not cut in halves (two loads would cost more than they share).
SPLIT_BYTES = 1 << 24


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
    with tempfile.TemporaryDirectory(prefix="kompetensgraf-load-") as tmp:
        try:
            if graph is not None and fmt not in QUAD_FORMATS and without_blank_nodes(path, fmt):
                _side_by_side(store, path, fmt, ox.NamedNode(graph), Path(tmp))
            elif graph is not None and fmt == ox.RdfFormat.N_TRIPLES and not holds_any(
                path, (b"{", b"}")
            ):  # braces (only in literals, in N-Triples): no way to end the GRAPH block early
                trig = Path(tmp) / "both.trig"
                _wrap(path, ox.NamedNode(graph), trig)
                try:
                    store.bulk_load(path=str(trig), format=ox.RdfFormat.TRIG)
                except SyntaxError:
                    _own_error(path, fmt)  # with the file's line, not the document's
                    raise
            else:
                both = Path(tmp) / "both.nq"
                if graph is None or fmt in QUAD_FORMATS or fmt == ox.RdfFormat.JSON_LD:
                    with both.open("wb") as out:  # JSON-LD may name graphs too
                        ox.serialize(_twice(path, fmt, graph), out, format=ox.RdfFormat.N_QUADS)
                else:
                    _write_twice(path, fmt, ox.NamedNode(graph), Path(tmp))
                store.bulk_load(path=str(both), format=ox.RdfFormat.N_QUADS, lenient=True)
        except SyntaxError as exc:
            raise BadData(_where(path, exc)) from exc


def _side_by_side(
    store: ox.Store, path: Path, fmt: ox.RdfFormat, graph: ox.NamedNode, tmp: Path
) -> None:
    """The file into ``graph`` (strict; an N-Triples file in two halves) and into the merge
    (lenient), all at once."""
    parts = [path]
    if fmt == ox.RdfFormat.N_TRIPLES and path.stat().st_size >= SPLIT_BYTES:
        parts = _halves(path, tmp)
    loads = [{"path": str(part), "to_graph": graph} for part in parts]
    loads.append({"path": str(path), "lenient": True})
    with ThreadPoolExecutor(len(loads)) as pool:
        done = [pool.submit(store.bulk_load, format=fmt, **options) for options in loads]
    errors = [future.exception() for future in done]
    if any(isinstance(error, SyntaxError) for error in errors) and parts != [path]:
        _own_error(path, fmt)  # with the file's line, not a half's
    for error in errors:
        if error is not None:
            raise error


def _halves(path: Path, tmp: Path) -> list[Path]:
    """The lines of an N-Triples file in two files (cut after the line that holds its middle
    byte): one triple per line, so each half is N-Triples, and no blank node is cut apart."""
    first, second = tmp / "first.nt", tmp / "second.nt"
    with path.open("rb") as source:
        source.seek(path.stat().st_size // 2)
        source.readline()
        cut = source.tell()
        source.seek(0)
        with first.open("wb") as out:
            _copy(source, out, cut)
        with second.open("wb") as out:
            shutil.copyfileobj(source, out, 1 << 22)
    return [first, second]


def _copy(source, out, size: int) -> None:
    while size > 0 and (chunk := source.read(min(size, 1 << 22))):
        out.write(chunk)
        size -= len(chunk)


def _wrap(path: Path, graph: ox.NamedNode, target: Path) -> None:
    """``target``: a TriG document of the N-Triples file in ``graph``, then the file again
    (in the default graph, the merge). An N-Triples line is a TriG statement."""
    with path.open("rb") as source, target.open("wb") as out:
        out.write(f"GRAPH {graph} {{\n".encode())
        shutil.copyfileobj(source, out, 1 << 22)
        out.write(b"\n}\n")  # a comment on the file's last line ends before the brace
        source.seek(0)
        shutil.copyfileobj(source, out, 1 << 22)


def _own_error(path: Path, fmt: ox.RdfFormat) -> None:
    """Raise the syntax error of ``path``'s own strict parse, if it has one (what was made of a
    file failed: the error is told as the file's parser tells it, with the file's line)."""
    for _ in ox.parse(path=str(path), format=fmt):
        pass


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
