"""RDF descriptions of a resource (CBD-like) and their serialisations, with pyoxigraph.

A description holds every statement with the resource as subject, the blank nodes hanging off
it (periods, amounts), the participation and membership nodes that tie it to others, and the
statements pointing at it (capped by ``incoming-all.rq``). Triple formats get the statements;
TriG and N-Quads keep the named graph (the source) of each.
"""

from __future__ import annotations

import pyoxigraph as ox

from graph.namespaces import PREFIXES
from graph.store import GraphStore
from service.browse.catalog import Catalog, browse_query

MEDIA_FORMATS: dict[str, ox.RdfFormat] = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/trig": ox.RdfFormat.TRIG,
    "application/n-quads": ox.RdfFormat.N_QUADS,
}
QUAD_MEDIA = {"application/trig", "application/n-quads"}
#: File suffix → media type of the explicit variants (``/id/x.ttl``…); ``json`` is the page data.
SUFFIXES: dict[str, str] = {
    "ttl": "text/turtle",
    "jsonld": "application/ld+json",
    "rdf": "application/rdf+xml",
    "nt": "application/n-triples",
    "trig": "application/trig",
    "nq": "application/n-quads",
    "json": "application/json",
    "html": "text/html",
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
    fmt = MEDIA_FORMATS[media]
    if media in QUAD_MEDIA:
        return ox.serialize(list(dict.fromkeys(quads)), format=fmt, prefixes=PREFIXES)
    triples = list(dict.fromkeys(q.triple for q in quads))
    return ox.serialize(triples, format=fmt, prefixes=PREFIXES)
