"""The OWL ontology and the SKOS schemes: they parse, are consistent under OWL RL, document
every term in Swedish and English, and define every name that docs/model.md fixes."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import owlrl
import pytest
import rdflib
from ontology_support import union_of
from owlrl.Namespaces import ERRNS
from rdflib import OWL, RDF, RDFS, SKOS, Literal, URIRef
from rdflib.namespace import DCTERMS

ROOT = Path(__file__).resolve().parents[1]
ONTOLOGY = ROOT / "ontology"
MODEL = ROOT / "docs" / "model.md"
VALID = sorted((ROOT / "tests" / "data" / "valid").glob("*.trig"))

KF = rdflib.Namespace("https://w3id.org/kompetensgraf/def#")
ORG = rdflib.Namespace("http://www.w3.org/ns/org#")
FOAF = rdflib.Namespace("http://xmlns.com/foaf/0.1/")
ONTOLOGY_IRI = URIRef("https://w3id.org/kompetensgraf/def")
SCHEMES = {"RoleScheme", "ThemeScheme", "ActorCategoryScheme", "ValidationSettingScheme"}
TERM_KINDS = {OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, SKOS.Concept, SKOS.ConceptScheme}


def ontology_files() -> list[Path]:
    return sorted(ONTOLOGY.glob("*.ttl"))


def vocab_files() -> list[Path]:
    return sorted((ONTOLOGY / "vocab").glob("*.ttl"))


@cache
def terms_graph() -> rdflib.Graph:
    """Ontology and SKOS schemes together: every kf: term is defined in one of them."""
    graph = rdflib.Graph()
    for path in ontology_files() + vocab_files():
        graph.parse(path, format="turtle")
    return graph


def kf_terms(graph: rdflib.Graph) -> set[URIRef]:
    return {s for s in graph.subjects() if isinstance(s, URIRef) and s.startswith(str(KF))}


def owl_rl_closure(graph: rdflib.Graph) -> rdflib.Graph:
    closed = rdflib.Graph()
    for t in graph:
        closed.add(t)
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(closed)
    return closed


def inconsistencies(closed: rdflib.Graph) -> list[str]:
    """OWL RL's own error messages plus every member of owl:Nothing."""
    found = [str(m) for m in closed.objects(None, ERRNS.error)]
    found += [f"{s} is a member of owl:Nothing" for s in closed.subjects(RDF.type, OWL.Nothing)]
    return found


def model_names() -> set[str]:
    """The kf: names docs/model.md fixes: backticked ``kf:x``, bare names in the class tables."""
    text = re.sub(r"```.*?```", "", MODEL.read_text(encoding="utf-8"), flags=re.S)
    names: set[str] = set()
    for span in re.findall(r"`([^`\n]+)`", text):
        names.update(re.findall(r"(?<![\w#/])kf:([A-Za-z][A-Za-z0-9]*)", span))
    classes = text[text.index("## Classes") : text.index("## Properties")]
    names.update(re.findall(r"`([A-Z][A-Za-z0-9]+)`", classes))
    return names


# --- parsing and header -------------------------------------------------------------------


@pytest.mark.parametrize("path", ontology_files() + vocab_files(), ids=lambda p: p.name)
def test_file_parses_as_turtle(path: Path):
    assert len(rdflib.Graph().parse(path, format="turtle")) > 0


def test_ontology_header():
    g = terms_graph()
    assert (ONTOLOGY_IRI, RDF.type, OWL.Ontology) in g
    assert (ONTOLOGY_IRI, OWL.versionIRI, URIRef("https://w3id.org/kompetensgraf/def/0.3.0")) in g
    assert g.value(ONTOLOGY_IRI, OWL.versionInfo) is not None
    assert (
        ONTOLOGY_IRI,
        DCTERMS.license,
        URIRef("https://creativecommons.org/licenses/by/4.0/"),
    ) in g
    assert (ONTOLOGY_IRI, DCTERMS.creator, Literal("Kompetensgrafen project")) in g
    for prop in (DCTERMS.created, DCTERMS.modified):
        assert str(g.value(ONTOLOGY_IRI, prop)) == "2026-11-23"
    assert {t.language for t in g.objects(ONTOLOGY_IRI, DCTERMS.title)} >= {"sv", "en"}


# --- documentation of every term ----------------------------------------------------------


def test_every_kf_term_is_declared_as_class_property_or_concept():
    g = terms_graph()
    undeclared = sorted(str(t) for t in kf_terms(g) if not set(g.objects(t, RDF.type)) & TERM_KINDS)
    assert undeclared == []


def test_no_term_is_both_class_and_property_or_concept():
    g = terms_graph()
    mixed = []
    for term in kf_terms(g):
        kinds = set(g.objects(term, RDF.type)) & TERM_KINDS
        if len(kinds) > 1:
            mixed.append(f"{term}: {sorted(kinds)}")
    assert mixed == []


@pytest.mark.parametrize(
    "label_property", [RDFS.label, SKOS.prefLabel, SKOS.definition], ids=lambda p: p.n3()
)
def test_every_kf_term_is_documented_in_swedish_and_english(label_property: URIRef):
    g = terms_graph()
    missing = []
    for term in sorted(kf_terms(g)):
        is_concept = bool(set(g.objects(term, RDF.type)) & {SKOS.Concept, SKOS.ConceptScheme})
        if label_property == SKOS.prefLabel and not is_concept:
            continue
        languages = {o.language for o in g.objects(term, label_property) if isinstance(o, Literal)}
        if not {"sv", "en"} <= languages:
            missing.append(
                f"{term} {label_property.n3(g.namespace_manager)} {sorted(filter(None, languages))}"
            )
    assert missing == []


def test_every_name_in_the_contract_exists():
    g = terms_graph()
    names = model_names()
    assert len(names) > 100  # the parser still finds the contract's names
    missing = sorted(n for n in names if not set(g.objects(KF[n], RDF.type)) & TERM_KINDS)
    assert missing == []


def test_only_class_axioms_and_labels_are_stated_about_reused_vocabularies():
    """No domains, ranges or types for terms we do not own: only restated subclass axioms and
    display labels, and a reused term that gets a label gets exactly one in Swedish and English."""
    g = rdflib.Graph()
    for path in ontology_files():
        g.parse(path, format="turtle")
    reused = {s for s in g.subjects() if isinstance(s, URIRef) and not s.startswith(str(KF))}
    reused.discard(ONTOLOGY_IRI)
    foreign = sorted(
        f"{s} {p}"
        for s in reused
        for p in g.predicates(s)
        if p not in (RDFS.subClassOf, RDFS.label)
    )
    assert foreign == []
    badly_labelled = sorted(
        str(s)
        for s in reused
        if (labels := list(g.objects(s, RDFS.label)))
        and sorted(str(getattr(lbl, "language", None)) for lbl in labels) != ["en", "sv"]
    )
    assert badly_labelled == []


# --- SKOS schemes ---------------------------------------------------------------------------


def test_concepts_belong_to_a_scheme_and_hang_in_its_hierarchy():
    g = terms_graph()
    problems = []
    for concept in g.subjects(RDF.type, SKOS.Concept):
        schemes = set(g.objects(concept, SKOS.inScheme))
        if len(schemes) != 1 or not all(
            s.startswith(str(KF)) and s.fragment in SCHEMES for s in schemes
        ):
            problems.append(f"{concept}: inScheme {schemes}")
            continue
        scheme = next(iter(schemes))
        top = (concept, SKOS.topConceptOf, scheme) in g
        listed = (scheme, SKOS.hasTopConcept, concept) in g
        broader = list(g.objects(concept, SKOS.broader))
        if top != listed:
            problems.append(f"{concept}: topConceptOf and hasTopConcept disagree")
        if not top and not broader:
            problems.append(f"{concept}: neither top concept nor narrower")
        if any((b, SKOS.inScheme, scheme) not in g for b in broader):
            problems.append(f"{concept}: broader concept outside its scheme")
    assert problems == []
    assert {s.fragment for s in g.subjects(RDF.type, SKOS.ConceptScheme)} == SCHEMES


def test_roles_are_org_roles():
    g = terms_graph()
    roles = set(g.subjects(SKOS.inScheme, KF.RoleScheme))
    assert roles and all((r, RDF.type, ORG.Role) in g for r in roles)


def test_actor_categories_of_the_contract_exist_and_point_at_classes():
    g = terms_graph()
    text = MODEL.read_text(encoding="utf-8")
    bullet = text[
        text.index("`kf:ActorCategoryScheme`") : text.index("`kf:ValidationSettingScheme`")
    ]
    listed = set(re.findall(r"`kf:([a-z][A-Za-z0-9]*)`", bullet)) - {"categoryClass"}
    assert len(listed) >= 20
    in_scheme = {c.fragment for c in g.subjects(SKOS.inScheme, KF.ActorCategoryScheme)}
    assert listed == in_scheme
    for concept in g.subjects(SKOS.inScheme, KF.ActorCategoryScheme):
        for cls in g.objects(concept, KF.categoryClass):
            assert (cls, RDF.type, OWL.Class) in g or not cls.startswith(str(KF)), cls


# --- reasoning ------------------------------------------------------------------------------


def test_owl_rl_closure_of_ontology_and_vocab_is_consistent():
    assert inconsistencies(owl_rl_closure(terms_graph())) == []


def test_owl_rl_closure_with_the_valid_fixtures_is_consistent_and_sane():
    data = rdflib.Graph()
    for t in terms_graph():
        data.add(t)
    for path in VALID:
        for t in union_of(path):
            data.add(t)
    closed = owl_rl_closure(data)
    assert inconsistencies(closed) == []
    # no absurd inferences: areas, people and concepts never become organisations
    for kind in (KF.County, FOAF.Person, SKOS.Concept):
        merged = [
            str(s)
            for s in closed.subjects(RDF.type, kind)
            if (s, RDF.type, ORG.Organization) in closed
        ]
        assert merged == [], kind
    # participations, memberships and amounts stay structural nodes, not agents
    for kind in (URIRef("http://data.europa.eu/m8g/Participation"), ORG.Membership):
        merged = [
            str(s) for s in closed.subjects(RDF.type, kind) if (s, RDF.type, FOAF.Agent) in closed
        ]
        assert merged == [], kind


def test_owl_rl_closure_finds_a_county_that_is_also_a_region():
    """The consistency test can fail: the County/Organization disjointness is live."""
    data = rdflib.Graph()
    for t in terms_graph():
        data.add(t)
    node = URIRef("https://w3id.org/kompetensgraf/id/lan-14")
    data.add((node, RDF.type, KF.County))
    data.add((node, RDF.type, KF.Region))
    assert inconsistencies(owl_rl_closure(data)) != []
