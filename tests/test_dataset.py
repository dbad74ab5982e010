"""The dataset description (VoID + DCAT) and the dumps, checked against the live store over HTTP.

Every number in ``/.well-known/void`` and ``/dataset`` is compared with a COUNT the same server's
``/sparql`` answers; every dump is parsed with rdflib and compared with the store's quad count and
named graphs; an update through the endpoint gives new dumps with a new ETag.
"""

from __future__ import annotations

from pathlib import Path

import pyshacl
import pytest
import requests
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, RDFS, SKOS, VOID

from graph import queries
from tests.conftest import start_server

DATA = Path(__file__).parent / "data" / "dataset"
DUMPS = {  # file name → (media type, rdflib format, keeps named graphs)
    "kompetensgraf.trig": ("application/trig", "trig", True),
    "kompetensgraf.nq": ("application/n-quads", "nquads", True),
    "kompetensgraf.jsonld": ("application/ld+json", "json-ld", True),
    "kompetensgraf.ttl": ("text/turtle", "turtle", False),
}


def sparql(server, query: str) -> list[dict]:
    response = requests.post(
        server.url + "/sparql", data={"query": query},
        headers={"Accept": "application/sparql-results+json"}, timeout=60,
    )
    assert response.status_code == 200, response.text
    return response.json()["results"]["bindings"]


def count(server, query: str) -> int:
    (row,) = sparql(server, query)
    return int(row["n"]["value"])


def description(server, path: str = "/.well-known/void", accept: str = "text/turtle") -> Graph:
    response = requests.get(server.url + path, headers={"Accept": accept}, timeout=60)
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"].startswith(accept)
    fmt = {"text/turtle": "turtle", "application/ld+json": "json-ld",
           "application/rdf+xml": "xml", "application/n-triples": "nt"}[accept]
    return Graph().parse(data=response.content, format=fmt)


def the_dataset(g: Graph) -> URIRef:
    (ds,) = set(g.subjects(RDF.type, DCAT.Dataset)) & set(g.subjects(RDF.type, VOID.Dataset))
    return ds


def number(g: Graph, node, prop) -> int:
    (value,) = list(g.objects(node, prop))
    return int(value)


QUADS = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
IRI_SUBJECTS = "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } FILTER isIRI(?s) }"
IRI_PER_CLASS = "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) { ?s a ?c FILTER isIRI(?s) } GROUP BY ?c"
SOURCES = ("SELECT ?g ?doc WHERE { GRAPH <https://w3id.org/kompetensgraf/graph/meta> "
           "{ ?g <http://www.w3.org/ns/prov#wasDerivedFrom> ?doc } }")
EXACT_MATCH = "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
WIKIDATA_LINKS = EXACT_MATCH + (
    "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?o WHERE { "
    "GRAPH ?g { ?s skos:exactMatch ?o } "
    'FILTER STRSTARTS(STR(?o), "http://www.wikidata.org/entity/") } }')
NUTS_LINKS = EXACT_MATCH + (
    "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?o WHERE { "
    "GRAPH ?g { ?s skos:exactMatch ?o } "
    'FILTER STRSTARTS(STR(?o), "http://data.europa.eu/nuts/code/") } }')
DISTINCT_TRIPLES = ("SELECT (COUNT(*) AS ?n) WHERE "
                    "{ SELECT DISTINCT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } } }")


@pytest.fixture(scope="module")
def void(live_server) -> Graph:
    return description(live_server)


def test_the_description_is_the_same_graph_in_every_format(live_server, void):
    for path in ("/.well-known/void", "/dataset"):
        for accept in ("application/ld+json", "application/rdf+xml", "application/n-triples"):
            assert isomorphic(description(live_server, path, accept), void), (path, accept)


def test_void_totals_equal_the_live_store(live_server, void):
    ds = the_dataset(void)
    # distinct triples (the default graph, the merge), however many sources state each
    assert number(void, ds, VOID.triples) == count(live_server, DISTINCT_TRIPLES)
    merged = count(live_server, "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }")
    assert number(void, ds, VOID.triples) == merged
    assert number(void, ds, VOID.triples) < count(live_server, QUADS)  # sources agree on facts
    notes = {c.language: str(c) for c in void.objects(ds, RDFS.comment)}
    assert f"{count(live_server, QUADS)} statements" in notes["en"]
    assert f"{count(live_server, QUADS)} påståenden" in notes["sv"]
    assert number(void, ds, VOID.entities) == count(live_server, IRI_SUBJECTS)
    assert number(void, ds, VOID.distinctSubjects) == count(
        live_server, "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    )
    assert number(void, ds, VOID.distinctObjects) == count(
        live_server, "SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    )
    assert number(void, ds, VOID.properties) == count(
        live_server, "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    )
    assert number(void, ds, VOID.classes) == count(
        live_server, "SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { ?s a ?c }"
    )
    assert number(void, ds, VOID.triples) > 1000  # the real project graph, not an empty store


def test_class_partitions_match_the_count_per_class(live_server, void):
    ds = the_dataset(void)
    partitions = {
        str(void.value(p, VOID["class"])): (number(void, p, VOID.distinctSubjects),
                                            number(void, p, VOID.entities))
        for p in void.objects(ds, VOID.classPartition)
    }
    # The project's own per-class query (kompetensgraf stats) counts instances, blank nodes too.
    instances = {r["class"]["value"]: int(r["count"]["value"])
                 for r in sparql(live_server, queries.internal("class-counts"))}
    with_iri = {r["c"]["value"]: int(r["n"]["value"])
                for r in sparql(live_server, IRI_PER_CLASS)}
    assert {c: n for c, (n, _) in partitions.items()} == instances
    assert {c: e for c, (_, e) in partitions.items() if e} == with_iri
    kf = "https://w3id.org/kompetensgraf/def#"
    assert partitions[kf + "Municipality"][1] == 290
    assert partitions[kf + "County"][1] == 21


def test_property_partitions_and_subsets_match_the_store(live_server, void):
    ds = the_dataset(void)
    per_property = {str(void.value(p, VOID.property)): number(void, p, VOID.triples)
                    for p in void.objects(ds, VOID.propertyPartition)}
    expected = {r["p"]["value"]: int(r["n"]["value"]) for r in sparql(
        live_server, "SELECT ?p (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o "
        "WHERE { GRAPH ?g { ?s ?p ?o } } } GROUP BY ?p"
    )}
    assert per_property == expected  # distinct triples per property
    subsets = {str(s): number(void, s, VOID.triples) for s in void.objects(ds, VOID.subset)
               if (s, RDF.type, VOID.Linkset) not in void}
    per_graph = {r["g"]["value"]: int(r["n"]["value"]) for r in sparql(
        live_server, "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
    )}
    assert subsets == per_graph
    assert sum(subsets.values()) == count(live_server, QUADS)  # per graph: statements
    # A fact graph names the source document it was taken from.
    sources = {(g, str(doc)) for g in subsets for doc in void.objects(URIRef(g), DCTERMS.source)}
    expected_sources = {(r["g"]["value"], r["doc"]["value"]) for r in sparql(live_server, SOURCES)
                        if r["g"]["value"] in subsets}
    assert sources == expected_sources and sources


def test_linksets_count_the_links_to_wikidata_and_nuts(live_server, void):
    ds = the_dataset(void)
    linksets = {str(void.value(ls, VOID.objectsTarget)): ls
                for ls in void.subjects(RDF.type, VOID.Linkset)}
    for ls in linksets.values():
        assert (ds, VOID.subset, ls) in void
        assert void.value(ls, VOID.linkPredicate) == SKOS.exactMatch
    wikidata = count(live_server, WIKIDATA_LINKS)
    assert wikidata > 300  # counties, municipalities and authorities link to Wikidata
    assert number(void, linksets["https://www.wikidata.org/"], VOID.triples) == wikidata
    nuts = count(live_server, NUTS_LINKS)
    if nuts:
        assert number(void, linksets["http://data.europa.eu/nuts"], VOID.triples) == nuts
    else:  # NUTS codes stated only as kf:nuts3 literals: no linkset, but a property partition
        assert "http://data.europa.eu/nuts" not in linksets
        nuts3 = [p for p in void.objects(ds, VOID.propertyPartition)
                 if void.value(p, VOID.property) == URIRef("https://w3id.org/kompetensgraf/def#nuts3")]
        assert len(nuts3) == 1 and number(void, nuts3[0], VOID.triples) >= 21


def test_dcat_meets_the_dcat_ap_se_mandatory_properties(live_server, void):
    shapes = Graph().parse(DATA / "dcat-ap-se-mandatory.shapes.ttl")
    conforms, _report, text = pyshacl.validate(void, shacl_graph=shapes)
    assert conforms, text
    ds = the_dataset(void)
    assert (None, DCAT.dataset, ds) in void
    assert void.value(ds, DCTERMS.license) == URIRef("https://creativecommons.org/licenses/by/4.0/")
    publisher = void.value(ds, DCTERMS.publisher)
    assert Literal("Kompetensgrafen project", lang="en") in set(void.objects(publisher, FOAF.name))
    themes = {str(t).rsplit("/", 1)[1] for t in void.objects(ds, DCAT.theme)}
    assert themes == {"GOVE", "SOCI", "EDUC"}
    service = void.value(predicate=DCAT.servesDataset, object=ds)
    assert void.value(service, DCAT.endpointURL) == URIRef(live_server.url + "/sparql")
    assert void.value(ds, VOID.sparqlEndpoint) == URIRef(live_server.url + "/sparql")


def test_every_dump_parses_and_holds_the_whole_store(live_server, void):
    ds = the_dataset(void)
    quads = count(live_server, QUADS)
    graphs = {r["g"]["value"] for r in sparql(
        live_server, "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")}
    triples = count(live_server, DISTINCT_TRIPLES)
    dumps = {str(u) for u in void.objects(ds, VOID.dataDump)}
    assert dumps == {f"{live_server.url}/data/{name}" for name in DUMPS}
    for name, (media, fmt, named) in DUMPS.items():
        response = requests.get(f"{live_server.url}/data/{name}", timeout=120)
        assert response.status_code == 200
        assert response.headers["Content-Type"].startswith(media)
        assert response.headers["Content-Disposition"] == f"attachment; filename={name}"
        assert response.headers["ETag"] and response.headers["Last-Modified"]
        download = URIRef(f"{live_server.url}/data/{name}")
        distribution = void.value(predicate=DCAT.downloadURL, object=download)
        assert number(void, distribution, DCAT.byteSize) == len(response.content)
        if named:
            parsed = Dataset()
            parsed.parse(data=response.content, format=fmt)
            found = {str(c.identifier) for c in parsed.graphs() if len(c)}
            assert sum(1 for _ in parsed.quads((None, None, None, None))) == quads, name
            assert found == graphs, name
        else:
            parsed = Graph().parse(data=response.content, format=fmt)
            assert len(parsed) == triples, name
        again = requests.get(f"{live_server.url}/data/{name}",
                             headers={"If-None-Match": response.headers["ETag"]}, timeout=60)
        assert again.status_code == 304


def test_the_download_list_and_the_page(live_server, void):
    listing = requests.get(live_server.url + "/data/", headers={"Accept": "application/json"},
                           timeout=60).json()
    assert {d["filename"] for d in listing["dumps"]} == set(DUMPS)
    assert listing["license"] == "https://creativecommons.org/licenses/by/4.0/"
    page = requests.get(live_server.url + "/dataset?lang=sv", headers={"Accept": "text/html"},
                        timeout=60)
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
    triples = number(void, the_dataset(void), VOID.triples)
    assert f'<td data-count="triples">{triples}</td>' in page.text
    assert "Nedladdningar" in page.text and "/data/kompetensgraf.trig" in page.text
    english = requests.get(live_server.url + "/dataset?lang=en", headers={"Accept": "text/html"},
                           timeout=60)
    assert "Downloads" in english.text
    refused = requests.get(live_server.url + "/dataset", headers={"Accept": "image/png"},
                           timeout=60)
    assert refused.status_code == 406
    missing = requests.get(live_server.url + "/data/kompetensgraf.zip", timeout=60)
    assert missing.status_code == 404 and "kompetensgraf.trig" in missing.text


def test_dumps_are_written_again_after_an_update(built_store, tmp_path):
    token = "dataset-test-token"
    env = {"KG_UPDATE_TOKEN": token, "KG_DATA_DIR": str(tmp_path / "live"),
           "KG_DUMP_DIR": str(tmp_path / "dumps")}
    server = start_server(built_store, tmp_path / "server.log", env=env)
    try:
        url = server.url + "/data/kompetensgraf.nq"
        before = requests.get(url, timeout=120)
        void_before = description(server)
        graph = "https://w3id.org/kompetensgraf/graph/user/dataset-test"
        update = requests.post(
            server.url + "/sparql",
            data={"update": f'INSERT DATA {{ GRAPH <{graph}> {{ '
                            '<https://w3id.org/kompetensgraf/id/dataset-test> '
                            '<http://www.w3.org/2000/01/rdf-schema#label> "Ändrad: å ä ö"@sv } }'},
            headers={"Authorization": f"Bearer {token}"}, timeout=60,
        )
        assert update.status_code in (200, 204), update.text
        after = requests.get(url, headers={"If-None-Match": before.headers["ETag"]}, timeout=120)
        assert after.status_code == 200
        assert after.headers["ETag"] != before.headers["ETag"]
        assert after.content != before.content
        parsed = Dataset()
        parsed.parse(data=after.content, format="nquads")
        in_dump = sum(1 for _ in parsed.quads((None, None, None, None)))
        assert in_dump == count(server, QUADS) == len(before.content.splitlines()) + 1
        assert (URIRef("https://w3id.org/kompetensgraf/id/dataset-test"), None,
                Literal("Ändrad: å ä ö", lang="sv"), URIRef(graph)) in parsed
        void_after = description(server)
        assert (number(void_after, the_dataset(void_after), VOID.triples)
                == number(void_before, the_dataset(void_before), VOID.triples) + 1)  # a new fact
        assert URIRef(graph) in set(void_after.objects(the_dataset(void_after), VOID.subset))
        modified = [g.value(the_dataset(g), DCTERMS.modified).toPython()
                    for g in (void_before, void_after)]
        assert modified[1] > modified[0]
        assert any((tmp_path / "dumps").iterdir())
    finally:
        server.stop()
