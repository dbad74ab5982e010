"""The SHACL shapes and the ontology's check queries, run on paired valid/invalid fixtures.

Each fixture in ``tests/data/valid`` and ``tests/data/invalid`` is a small TriG dataset. The
shapes are applied exactly as the build applies them: pyshacl over the union of the
fixture's graphs, the ontology and SKOS schemes as ``ont_graph``, RDFS inference, SHACL-AF on.
The check queries tagged ``ontology`` (``queries/checks/*-violation.rq``) run against a
pyoxigraph store holding the fixture plus ``kfg:ontology`` and ``kfg:vocab``, with the default
graph as the union of all graphs.

A valid fixture must conform and give no check rows; an invalid fixture starts with a line
``# expect: <text>`` and must be refused with that text in the SHACL report or a check's reason.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pyoxigraph as ox
import pyshacl
import pytest
import rdflib
from ontology_support import union_of

ROOT = Path(__file__).resolve().parents[1]
ONTOLOGY = ROOT / "ontology"
FIXTURES = ROOT / "tests" / "data"
CHECKS = ROOT / "queries" / "checks"
GRAPH_BASE = "https://w3id.org/kompetensgraf/graph/"

VALID = sorted((FIXTURES / "valid").glob("*.trig"))
INVALID = sorted((FIXTURES / "invalid").glob("*.trig"))


@cache
def ontology_files() -> tuple[list[Path], list[Path]]:
    return sorted(ONTOLOGY.glob("*.ttl")), sorted((ONTOLOGY / "vocab").glob("*.ttl"))


@cache
def ontology_graph() -> rdflib.Graph:
    graph = rdflib.Graph()
    for path in ontology_files()[0]:
        graph.parse(path, format="turtle")
    return graph


@cache
def vocab_graph() -> rdflib.Graph:
    """The SKOS schemes are data (kfg:vocab), not ontology: pyshacl's ont_graph mix-in copies
    only class and property axioms, so the concepts travel with the data graph, as in the build."""
    graph = rdflib.Graph()
    for path in ontology_files()[1]:
        graph.parse(path, format="turtle")
    return graph


@cache
def shapes_graph() -> rdflib.Graph:
    graph = rdflib.Graph()
    for path in sorted((ONTOLOGY / "shapes").glob("*.shapes.ttl")):
        graph.parse(path, format="turtle")
    return graph


def ontology_checks() -> list[Path]:
    """The check queries this ontology owns (header line ``#+ tags:`` naming ``ontology``)."""
    chosen = []
    for path in sorted(CHECKS.glob("*-violation.rq")):
        tags = re.search(r"^#\+ tags:(.*)$", path.read_text(encoding="utf-8"), re.M)
        if tags and "ontology" in [t.strip() for t in tags.group(1).split(",")]:
            chosen.append(path)
    return chosen


def validate(data: rdflib.Graph, inference: str = "rdfs") -> tuple[bool, str]:
    """pyshacl as the build calls it, on ``data`` plus the SKOS schemes."""
    conforms, _, text = pyshacl.validate(
        data + vocab_graph(),
        shacl_graph=shapes_graph(),
        ont_graph=ontology_graph(),
        inference=inference,
        advanced=True,
        allow_warnings=True,
    )
    return conforms, text


def shacl_report(path: Path, inference: str = "rdfs") -> tuple[bool, str]:
    return validate(union_of(path), inference)


def check_rows(path: Path) -> list[str]:
    """``<check>: <focus>: <reason>`` for every row of every ontology check query."""
    store = ox.Store()
    store.load(path=str(path), format=ox.RdfFormat.TRIG)
    owl_files, vocab_files = ontology_files()
    for files, graph in ((owl_files, "ontology"), (vocab_files, "vocab")):
        for file in files:
            store.load(
                path=str(file),
                format=ox.RdfFormat.TURTLE,
                to_graph=ox.NamedNode(GRAPH_BASE + graph),
            )
    rows = []
    for query in ontology_checks():
        for solution in store.query(
            query.read_text(encoding="utf-8"), use_default_graph_as_union=True
        ):
            focus, reason = solution["focus"], solution["reason"]
            rows.append(
                f"{query.stem}: {focus.value if focus else '-'}: {reason.value if reason else '-'}"
            )
    return rows


def expectation(path: Path) -> str:
    first = path.read_text(encoding="utf-8").splitlines()[0]
    match = re.match(r"#\s*expect:\s*(.+?)\s*$", first)
    assert match, f"{path.name} must start with '# expect: <text>'"
    return match.group(1)


def test_there_are_fixtures_and_checks():
    assert len(VALID) >= 5
    assert len(INVALID) >= 10
    assert len(ontology_checks()) >= 4


@pytest.mark.parametrize("path", VALID, ids=[p.stem for p in VALID])
def test_valid_fixture_conforms(path: Path):
    conforms, text = shacl_report(path)
    assert conforms, text
    assert check_rows(path) == []


@pytest.mark.parametrize("path", VALID, ids=[p.stem for p in VALID])
def test_valid_fixture_conforms_without_inference(path: Path):
    """The build may skip the RDFS closure (SHACL's class semantics still follow subClassOf)."""
    conforms, text = shacl_report(path, inference="none")
    assert conforms, text


@pytest.mark.parametrize("path", INVALID, ids=[p.stem for p in INVALID])
@pytest.mark.parametrize("inference", ["rdfs", "none"])
def test_invalid_fixture_is_refused_for_the_stated_reason(path: Path, inference: str):
    expected = expectation(path)
    conforms, text = shacl_report(path, inference)
    rows = check_rows(path)
    assert not conforms or rows, f"{path.name} was accepted"
    found = text + "\n".join(rows)
    assert expected in found, f"expected {expected!r} in:\n{found}"


def test_every_kf_class_is_the_target_of_a_shape():
    """Directly or through a superclass, as SHACL's class-based targets reach subclasses."""
    ontology, shapes = ontology_graph(), shapes_graph()
    sh_target = rdflib.URIRef("http://www.w3.org/ns/shacl#targetClass")
    targeted = set(shapes.objects(None, sh_target))
    kf = "https://w3id.org/kompetensgraf/def#"
    untargeted = []
    for cls in ontology.subjects(rdflib.RDF.type, rdflib.OWL.Class):
        if not cls.startswith(kf):
            continue
        supers = set(ontology.transitive_objects(cls, rdflib.RDFS.subClassOf))
        if not supers & targeted:
            untargeted.append(str(cls))
    assert sorted(untargeted) == []


def test_luhn_constraint_accepts_real_numbers_and_refuses_a_changed_digit():
    """The SHACL-SPARQL Luhn check on its own: every digit change of a valid number is caught."""
    template = (
        "@prefix kf: <https://w3id.org/kompetensgraf/def#> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        '<urn:x:org> a kf:GovernmentAgency ; rdfs:label "x"@sv ; kf:orgnr "{}" .\n'
    )

    def conforms(number: str) -> bool:
        data = rdflib.Graph().parse(data=template.replace("{}", number), format="turtle")
        return validate(data)[0]

    for number in ("202100-6149", "212000-1355", "232100-0131", "202100-5224"):
        assert conforms(number), number
    for number in ("202100-6148", "212000-1356", "232100-0113", "302100-5224"):
        assert not conforms(number), number
