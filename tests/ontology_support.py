"""Helpers shared by the ontology and shape tests."""

from pathlib import Path

import rdflib


def union_of(path: Path) -> rdflib.Graph:
    """All triples of a TriG fixture, whatever graph they sit in, as one graph."""
    dataset = rdflib.Dataset()
    dataset.parse(path, format="trig")
    union = rdflib.Graph()
    for s, p, o, _ in dataset.quads((None, None, None, None)):
        union.add((s, p, o))
    return union
