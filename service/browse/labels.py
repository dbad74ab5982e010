"""Labels where people read, and inferences marked wherever they are shown.

* :func:`labelled` gives every IRI column of a catalogue answer a label column beside it
  (``<column>Label``, in the page's language, the other language as fallback), unless the query
  already returns one: the CSV and JSON twins then read without looking IRIs up.
* :func:`inferred` is what the data marks as an inference rather than a statement read in a
  source (``queries/quality/inferred.rq``: Färgelanda's membership of Fyrbodal): its graphs, its
  relation nodes and the (member, organisation) pairs of its memberships, read once per store
  version. :func:`mark_inferred` adds an ``inferred`` column to an answer with such a row.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

import pyoxigraph as ox
from flask import Flask

from graph import queries
from graph.namespaces import compact
from graph.store import GraphStore
from service.browse.catalog import Catalog
from service.state import app_state

if TYPE_CHECKING:  # the catalogue's answer type, for hints only (catalogue_data imports pages)
    from service.catalogue.data import Answer

XSD_BOOLEAN = ox.NamedNode("http://www.w3.org/2001/XMLSchema#boolean")
INFERRED_COLUMN = "inferred"


@dataclass
class Inferred:
    version: str
    graphs: set[str] = field(default_factory=set)
    nodes: set[str] = field(default_factory=set)  # relation nodes (memberships…) inferred
    pairs: set[tuple[str, str]] = field(default_factory=set)  # (member, organisation)

    def row(self, iris: set[str]) -> bool:
        """Does a row naming ``iris`` show an inferred relation or come from an inference?"""
        if iris & (self.graphs | self.nodes):
            return True
        return any(member in iris and org in iris for member, org in self.pairs)

    def edge(self, graph: str, source: str, target: str) -> bool:
        return graph in self.graphs or (source, target) in self.pairs


def inferred(app: Flask | None = None) -> Inferred:
    """The inferences of the current store version (read once per version)."""
    return app_state(app).derived("inferred", _read_inferred)


def _read_inferred(store: GraphStore) -> Inferred:
    found = Inferred(store.version)
    for row in store.select(queries.text("quality", "inferred")):
        found.graphs.add(row["graph"].value)
        if "subject" in row:
            found.nodes.add(row["subject"].value)
        if "member" in row and "organization" in row:
            found.pairs.add((row["member"].value, row["organization"].value))
    return found


def labelled(columns: list[str], rows: list[list], cat: Catalog, lang: str
             ) -> tuple[list[str], list[list]]:
    """``columns`` and ``rows`` with a label column after each IRI column that has none."""
    iri_columns = [i for i, c in enumerate(columns)
                   if f"{c}Label" not in columns
                   and any(isinstance(r[i], ox.NamedNode) for r in rows)]
    if not iri_columns:
        return columns, rows
    new_columns: list[str] = []
    for i, c in enumerate(columns):
        new_columns.append(c)
        if i in iri_columns:
            new_columns.append(f"{c}Label")
    new_rows = []
    for r in rows:
        out = []
        for i, term in enumerate(r):
            out.append(term)
            if i in iri_columns:
                out.append(_label(term, cat, lang))
        new_rows.append(out)
    return new_columns, new_rows


def _label(term, cat: Catalog, lang: str) -> ox.Literal | None:
    """The label of an IRI with its language tag; ``None`` when nothing labels it."""
    if not isinstance(term, ox.NamedNode):
        return None
    text = cat.label(term.value, lang)
    if text == compact(term.value):
        return None  # no label known: an empty cell rather than the IRI again
    found = cat.labels.get(term.value, {})
    other = "en" if lang == "sv" else "sv"
    language = next((k for k in (lang, other, "") if found.get(k) == text), lang)
    return ox.Literal(text, language=language) if language else ox.Literal(text)


def mark_inferred(columns: list[str], rows: list[list], marks: Inferred
                  ) -> tuple[list[str], list[list]]:
    """Add an ``inferred`` column (``true`` on rows showing an inference) when any row does."""
    flags = [marks.row({t.value for t in r if isinstance(t, ox.NamedNode)}) for r in rows]
    if not any(flags) or INFERRED_COLUMN in columns:
        return columns, rows
    true, false = (ox.Literal(v, datatype=XSD_BOOLEAN) for v in ("true", "false"))
    return columns + [INFERRED_COLUMN], [r + [true if f else false] for r, f in
                                         zip(rows, flags, strict=True)]


def readable(answer: Answer, cat: Catalog, lang: str, marks: Inferred) -> Answer:
    """A catalogue answer with label columns and, where a row shows one, inferences marked."""
    if answer.form == "ASK":
        return answer
    columns, rows = labelled(answer.columns, answer.rows, cat, lang)
    columns, rows = mark_inferred(columns, rows, marks)
    return replace(answer, columns=columns, rows=rows)
