"""RDF descriptions of a resource (CBD-like) and their serialisations, with pyoxigraph.

A description holds every statement with the resource as subject, the blank nodes hanging off
it (periods, amounts), the participation and membership nodes that tie it to others, and the
statements pointing at it (capped by ``incoming-all.rq``). Triple formats get the statements;
TriG and N-Quads keep the named graph (the source) of each.
"""

from __future__ import annotations

import pyoxigraph as ox

from graph.formats import DOCUMENT_FORMATS, HTML, JSON, QUAD_FORMATS, media_type, rdf_format
from graph.namespaces import PREFIXES
from graph.store import GraphStore
from service.browse.catalog import Catalog, browse_query

#: the RDF formats of a description, in the order the pages offer them (after the page itself)
FORMATS = DOCUMENT_FORMATS + QUAD_FORMATS
#: File suffix → media type of the explicit variants (``/id/x.ttl``…); ``json`` is the page data.
SUFFIXES: dict[str, str] = {
    **{f.file_extension: media_type(f) for f in FORMATS},
    "json": JSON,
    "html": HTML,
}
LINKED_NODES = {PREFIXES["cv"] + "Participation", PREFIXES["org"] + "Membership",
                PREFIXES["org"] + "Post", PREFIXES["kf"] + "Grant"}
PARTICIPATION = PREFIXES["kf"] + "participation"


def _statements(store: GraphStore, subject) -> list[ox.Quad]:
    return [
        ox.Quad(subject, row["p"], row["o"], row["g"])
        for row in store.select(browse_query("subject-facts"), substitutions={"s": subject})
    ]


def description(store: GraphStore, cat: Catalog, iri: str) -> list[ox.Quad]:
    """The quads describing ``iri`` (see the module docstring)."""
    node = ox.NamedNode(iri)
    quads: list[ox.Quad] = []
    seen: set = {node}
    todo = [node]
    while todo:
        subject = todo.pop()
        for quad in _statements(store, subject):
            quads.append(quad)
            obj = quad.object
            hangs = isinstance(obj, ox.BlankNode) or (
                subject == node and quad.predicate.value == PARTICIPATION
            )
            if hangs and obj not in seen:
                seen.add(obj)
                todo.append(obj)
    for row in store.select(browse_query("incoming-all"), substitutions={"o": node}):
        s = row["s"]
        quads.append(ox.Quad(s, row["p"], node, row["g"]))
        linked = isinstance(s, ox.NamedNode) and LINKED_NODES & set(cat.types.get(s.value, []))
        if linked and s not in seen:
            seen.add(s)
            for quad in _statements(store, s):
                quads.append(quad)
                if isinstance(quad.object, ox.BlankNode) and quad.object not in seen:
                    seen.add(quad.object)
                    quads.extend(_statements(store, quad.object))
    return quads


def serialize(quads: list[ox.Quad], media: str) -> bytes:
    """``quads`` in ``media``: triple formats get each statement once, quad formats keep graphs."""
    fmt = rdf_format(media)
    if fmt in QUAD_FORMATS:
        return ox.serialize(list(dict.fromkeys(quads)), format=fmt, prefixes=PREFIXES)
    triples = list(dict.fromkeys(q.triple for q in quads))
    return ox.serialize(triples, format=fmt, prefixes=PREFIXES)
