"""The closed ``KF`` namespace and the ontology define the same terms."""

from pathlib import Path

import pytest
import rdflib

from graph.namespaces import DEF
from graph.terms import KF

ROOT = Path(__file__).resolve().parent.parent


def ontology_terms() -> set[str]:
    g = rdflib.Graph()
    for path in [
        ROOT / "ontology" / "kompetensgraf.ttl",
        *sorted((ROOT / "ontology" / "vocab").glob("*.ttl")),
    ]:
        g.parse(path)
    return {
        str(s)[len(DEF) :]
        for s in g.subjects(rdflib.RDF.type, None)
        if isinstance(s, rdflib.URIRef) and str(s).startswith(DEF) and str(s) != DEF
    }


def test_kf_namespace_lists_exactly_the_ontology_terms():
    declared = set(KF.__annotations__)
    assert declared == ontology_terms()


def test_a_misspelt_term_is_an_error():
    assert KF.Municipality == rdflib.URIRef(DEF + "Municipality")
    with pytest.raises(AttributeError):
        KF.Muncipality  # noqa: B018
