"""Every reused class and property the data uses has a Swedish label in the store itself.

The browser keeps its own table of labels for reused terms; the graph should not depend on it.
``queries/checks/reused-term-labels.rq`` lists the types and predicates of other vocabularies
that some graph uses but ``kfg:ontology`` gives no ``@sv`` label; over a fresh build of the
project graph it must list nothing.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from graph.embedded import EmbeddedStore
from graph.queries import header_problems, load

ROOT = Path(__file__).resolve().parent.parent
QUERY = ROOT / "queries" / "checks" / "reused-term-labels.rq"
ORG_SITE = "http://www.w3.org/ns/org#Site"


def test_the_query_file_has_a_proper_header():
    assert header_problems(load(QUERY)) == []


def test_every_reused_type_and_predicate_of_a_fresh_build_has_a_swedish_label(built_store):
    store = EmbeddedStore(built_store, read_only=True)
    rows = store.select(load(QUERY).text)
    missing = sorted(f"{row['focus'].value} ({row['kind'].value})" for row in rows)
    assert missing == []


def test_the_query_finds_an_unlabelled_reused_term():
    """The same query on a tiny store: a used org:Site without a label in kfg:ontology is found."""
    s = ox.Store()
    site = ox.NamedNode("https://w3id.org/kompetensgraf/id/kontor")
    s.add(
        ox.Quad(
            site,
            ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
            ox.NamedNode(ORG_SITE),
            ox.NamedNode("https://w3id.org/kompetensgraf/graph/x"),
        )
    )
    found = {row["focus"].value for row in s.query(load(QUERY).text)}
    assert ORG_SITE in found
