"""The dataset described from the live store (VoID + DCAT, DCAT-AP-SE conventions).

:func:`describe` counts what the store holds *now* with the ``queries/internal/void-*.rq`` queries
and returns an rdflib graph with

- a ``void:Dataset`` (triples, entities, distinct subjects/objects, classes, properties, one class
  partition per class, one property partition per property, one subset per named graph with the
  source document it comes from, linksets to Wikidata and — when the data holds NUTS IRIs — to
  NUTS, the SPARQL endpoint, the dumps, the vocabularies, the IRI space), which is also
- a ``dcat:Dataset`` in a ``dcat:Catalog``: titles and descriptions in Swedish and English,
  publisher, contact point, licence, language, EU data themes, spatial coverage, issued/modified,
  one ``dcat:Distribution`` per dump and a ``dcat:DataService`` for the SPARQL endpoint.

The dumps themselves are written by :mod:`graph.dumps`. This module never imports Flask.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import UTC, datetime

import pyoxigraph as ox
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, RDFS, SKOS, VOID, XSD

from graph import queries
from graph.dumps import DUMP_FORMATS, Dumps
from graph.namespaces import BASE, PREFIXES, bind_all, compact
from graph.store import GraphStore

VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
EU = "http://publications.europa.eu/resource/authority/"
IANA = "http://www.iana.org/assignments/media-types/"
WIKIDATA_SPACE = "http://www.wikidata.org/entity/"
NUTS_SPACE = "http://data.europa.eu/nuts/code/"
WIKIDATA_ENDPOINT = "https://query.wikidata.org/sparql"
#: The licence of the catalogue record itself: DCAT-AP-SE asks for CC0 on the catalogue.
METADATA_LICENSE = "http://creativecommons.org/publicdomain/zero/1.0/"
SPARQL_PROTOCOL = "https://www.w3.org/TR/sparql11-protocol/"


# --------------------------------------------------------------------------- counts


def _int(row: Mapping, key: str) -> int:
    term = row.get(key)
    return int(term.value) if term is not None else 0


def counts(store: GraphStore) -> dict:
    """Everything :func:`describe` states about the store, as plain data (also the HTML page's)."""
    totals = store.select(queries.internal("void-totals"))
    total = totals[0] if totals else {}
    classes = [
        {"class": r["class"].value, "entities": _int(r, "entities"),
         "distinctSubjects": _int(r, "distinctSubjects")}
        for r in store.select(queries.internal("void-classes"))
        if isinstance(r.get("class"), ox.NamedNode)
    ]
    properties = [
        {"property": r["property"].value, "triples": _int(r, "triples"),
         "distinctSubjects": _int(r, "distinctSubjects"),
         "distinctObjects": _int(r, "distinctObjects")}
        for r in store.select(queries.internal("void-properties"))
    ]
    graphs: dict[str, dict] = {}
    for r in store.select(queries.internal("void-graphs")):
        entry = graphs.setdefault(r["graph"].value, {
            "graph": r["graph"].value, "triples": _int(r, "triples"), "sources": []})
        if r.get("source") is not None:
            entry["sources"].append(r["source"].value)
    return {
        "triples": _int(total, "triples"),
        "entities": _int(total, "entities"),
        "distinctSubjects": _int(total, "distinctSubjects"),
        "distinctObjects": _int(total, "distinctObjects"),
        "properties": _int(total, "properties"),
        "classes": len(classes),
        "graphs": _int(total, "graphs"),
        # per graph: a triple stated by n sources counts n times (the TriG / N-Quads dumps)
        "statements": _int(total, "statements"),
        "classPartitions": classes,
        "propertyPartitions": properties,
        "subsets": list(graphs.values()),
        "linksets": {name: linkset(store, space) for name, space in
                     (("wikidata", WIKIDATA_SPACE), ("nuts", NUTS_SPACE))},
    }


def linkset(store: GraphStore, space: str) -> dict[str, int]:
    text = queries.internal("void-linkset")
    rows = store.select(text, substitutions={"space": ox.Literal(space)})
    row = rows[0] if rows else {}
    return {k: _int(row, k) for k in ("triples", "distinctSubjects", "distinctObjects")}


# --------------------------------------------------------------------------- the description


def dataset_iri(settings: Mapping) -> URIRef:
    return URIRef(str(settings.get("KG_BASE_IRI") or BASE) + "dataset")


def _dt(value: datetime) -> Literal:
    return Literal(value.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z"),
                   datatype=XSD.dateTime)


def _built_at(store: GraphStore, fallback: datetime) -> datetime:
    text = getattr(store, "info", {}).get("built_at")
    try:
        return datetime.fromisoformat(text) if text else fallback
    except ValueError:
        return fallback


def describe(
    store: GraphStore,
    base_url: str,
    settings: Mapping,
    dumps: Dumps | None = None,
    stats: dict | None = None,
) -> Graph:
    """VoID and DCAT for the store as it is now; ``base_url`` is where this service answers."""
    base_url = base_url.rstrip("/")
    stats = stats if stats is not None else counts(store)
    now = dumps.generated_at if dumps else datetime.now(UTC)
    issued = _built_at(store, now)
    modified = max(issued, dumps.changed_at) if dumps and dumps.changed_at else issued

    g = Graph()
    bind_all(g)
    g.bind("vcard", VCARD, override=True, replace=True)
    ds = dataset_iri(settings)
    frag = lambda name: URIRef(f"{ds}#{name}")  # noqa: E731 - hash IRIs under the dataset
    endpoint = URIRef(f"{base_url}/sparql")

    _describe_catalog(g, ds, frag, settings, base_url, issued, modified)
    _describe_void(g, ds, frag, stats, settings, endpoint)
    _describe_service(g, ds, frag, settings, endpoint)
    if dumps is not None:
        _describe_distributions(g, ds, frag, settings, base_url, dumps)
    return g


def _describe_catalog(g, ds, frag, settings, base_url, issued, modified) -> None:
    catalog, publisher, contact = frag("catalog"), frag("publisher"), frag("contact")
    licence = URIRef(str(settings.get("KG_LICENSE") or "https://creativecommons.org/licenses/by/4.0/"))
    g.add((catalog, RDF.type, DCAT.Catalog))
    g.add((catalog, DCTERMS.title, Literal("Kompetensgrafens datakatalog", lang="sv")))
    g.add((catalog, DCTERMS.title, Literal("Kompetensgrafen data catalogue", lang="en")))
    g.add((catalog, DCTERMS.description, Literal(
        "Katalog med Kompetensgrafens datamängd och dess SPARQL-tjänst.", lang="sv")))
    g.add((catalog, DCTERMS.description, Literal(
        "Catalogue of the Kompetensgrafen dataset and its SPARQL service.", lang="en")))
    g.add((catalog, DCTERMS.publisher, publisher))
    g.add((catalog, DCTERMS.license, URIRef(METADATA_LICENSE)))
    g.add((catalog, FOAF.homepage, URIRef(f"{base_url}/")))
    g.add((catalog, DCAT.dataset, ds))
    g.add((catalog, DCAT.service, frag("sparql")))
    g.add((catalog, DCTERMS.issued, _dt(issued)))
    g.add((catalog, DCTERMS.modified, _dt(modified)))
    g.add((catalog, DCTERMS.language, URIRef(EU + "language/SWE")))
    g.add((catalog, DCTERMS.language, URIRef(EU + "language/ENG")))
    g.add((catalog, DCAT.themeTaxonomy, URIRef(EU + "data-theme")))

    g.add((publisher, RDF.type, FOAF.Agent))
    g.add((publisher, FOAF.name, Literal("Kompetensgrafen project", lang="en")))
    g.add((publisher, FOAF.name, Literal("Projektet Kompetensgrafen", lang="sv")))
    g.add((publisher, FOAF.homepage, URIRef(f"{base_url}/")))

    g.add((contact, RDF.type, VCARD.Organization))
    g.add((contact, VCARD.fn, Literal("Kompetensgrafen project")))
    g.add((contact, VCARD.hasURL, URIRef(f"{base_url}/")))
    email = str(settings.get("KG_CONTACT_EMAIL") or "")
    if email:
        g.add((contact, VCARD.hasEmail, URIRef(f"mailto:{email}")))

    g.add((ds, RDF.type, DCAT.Dataset))
    g.add((ds, DCTERMS.title, Literal("Kompetensgrafen", lang="sv")))
    g.add((ds, DCTERMS.title, Literal("Kompetensgrafen", lang="en")))
    g.add((ds, DCTERMS.description, Literal(
        "Kunskapsgraf över hur regioner, kommunalförbund, kompetensråd, statliga myndigheter, "
        "ESF-projekt och valideringsmodeller samverkar om kompetensförsörjning och validering, "
        "med nationella referensdata (län, regioner, kommuner, myndigheter, lagar). Varje uppgift "
        "ligger i en namngiven graf som pekar ut källdokumentet och avsnittet.", lang="sv")))
    g.add((ds, DCTERMS.description, Literal(
        "Knowledge graph of how Swedish regions, municipal federations, competence councils, "
        "national authorities, ESF projects and validation models cooperate on competence supply "
        "and the validation of prior learning, with national reference data (counties, regions, "
        "municipalities, authorities, statutes). Every fact sits in a named graph that points to "
        "its source document and section.", lang="en")))
    g.add((ds, DCTERMS.publisher, publisher))
    g.add((ds, DCAT.contactPoint, contact))
    g.add((ds, DCTERMS.license, licence))
    g.add((ds, DCTERMS.accessRights, URIRef(EU + "access-right/PUBLIC")))
    for lang in ("SWE", "ENG"):
        g.add((ds, DCTERMS.language, URIRef(EU + f"language/{lang}")))
    for theme in ("GOVE", "SOCI", "EDUC"):
        g.add((ds, DCAT.theme, URIRef(EU + f"data-theme/{theme}")))
    g.add((ds, DCTERMS.spatial, URIRef(EU + "country/SWE")))
    g.add((ds, DCTERMS.issued, _dt(issued)))
    g.add((ds, DCTERMS.modified, _dt(modified)))
    g.add((ds, DCAT.landingPage, URIRef(f"{base_url}/dataset")))
    for keyword, lang in (("kompetensförsörjning", "sv"), ("validering", "sv"),
                          ("competence supply", "en"), ("validation of prior learning", "en"),
                          ("kommunalförbund", "sv"), ("regional development", "en")):
        g.add((ds, DCAT.keyword, Literal(keyword, lang=lang)))


def _describe_void(g, ds, frag, stats, settings, endpoint) -> None:
    base = str(settings.get("KG_BASE_IRI") or BASE)
    g.add((ds, RDF.type, VOID.Dataset))
    g.add((ds, VOID.sparqlEndpoint, endpoint))
    g.add((ds, VOID.uriSpace, Literal(base)))
    totals = ("triples", "entities", "distinctSubjects", "distinctObjects", "classes", "properties")
    for key in totals:
        g.add((ds, VOID[key], Literal(stats[key], datatype=XSD.integer)))
    for text, lang in _counts_note(stats):
        g.add((ds, RDFS.comment, Literal(text, lang=lang)))
    for part in stats["classPartitions"]:
        node = frag("class-" + _slug(part["class"]))
        g.add((ds, VOID.classPartition, node))
        g.add((node, VOID["class"], URIRef(part["class"])))
        for key in ("entities", "distinctSubjects"):
            g.add((node, VOID[key], Literal(part[key], datatype=XSD.integer)))
    for part in stats["propertyPartitions"]:
        node = frag("property-" + _slug(part["property"]))
        g.add((ds, VOID.propertyPartition, node))
        g.add((node, VOID.property, URIRef(part["property"])))
        for key in ("triples", "distinctSubjects", "distinctObjects"):
            g.add((node, VOID[key], Literal(part[key], datatype=XSD.integer)))
    for sub in stats["subsets"]:
        graph = URIRef(sub["graph"])
        g.add((ds, VOID.subset, graph))
        g.add((graph, RDF.type, VOID.Dataset))
        g.add((graph, SD.name, graph))
        g.add((graph, VOID.triples, Literal(sub["triples"], datatype=XSD.integer)))
        for source in sub["sources"]:
            g.add((graph, DCTERMS.source, URIRef(source)))
    used = {p["property"] for p in stats["propertyPartitions"]} | {
        c["class"] for c in stats["classPartitions"]}
    for name, ns in sorted(PREFIXES.items()):
        if name not in ("kfid", "kfsrc", "kfg", "wd") and any(i.startswith(ns) for i in used):
            g.add((ds, VOID.vocabulary, URIRef(ns)))
    _describe_linksets(g, ds, frag, stats["linksets"])


def _counts_note(stats: dict) -> list[tuple[str, str]]:
    """What the counts count: distinct triples, except in the named-graph subsets."""
    n, statements = stats["triples"], stats.get("statements", 0)
    return [
        (f"void:triples of the dataset, its class and property partitions and its linksets count "
         f"distinct triples: the default graph, the merge of the named graphs ({n} triples). "
         f"void:triples of each named-graph subset counts that graph's own triples; a fact stated "
         f"by several sources is in each of their graphs, so the subsets add up to {statements} "
         f"statements, as the TriG and N-Quads dumps hold them.", "en"),
        (f"void:triples för datamängden, dess klass- och egenskapspartitioner och länkmängder "
         f"räknar distinkta tripler: standardgrafen, sammanslagningen av de namngivna graferna "
         f"({n} tripler). void:triples för varje namngiven graf räknar grafens egna tripler; en "
         f"uppgift som flera källor anger finns i var och en av deras grafer, så graferna "
         f"summerar till {statements} påståenden, som i TriG- och N-Quads-dumparna.", "sv"),
    ]


def _slug(iri: str) -> str:
    """A fragment for a partition: ``kf-Municipality`` for kf:Municipality, else a short hash."""
    short = compact(iri)
    if short != iri:
        return short.replace(":", "-")
    return "x" + hashlib.sha1(iri.encode("utf-8")).hexdigest()[:12]


def _describe_linksets(g, ds, frag, linksets) -> None:
    targets = {
        "wikidata": (URIRef("https://www.wikidata.org/"), "Wikidata", WIKIDATA_SPACE,
                     URIRef(WIKIDATA_ENDPOINT)),
        "nuts": (URIRef("http://data.europa.eu/nuts"), "NUTS (Eurostat)", NUTS_SPACE, None),
    }
    for name, numbers in linksets.items():
        if not numbers["triples"]:
            continue  # no IRI links into this space (e.g. NUTS codes stated only as literals)
        target, title, space, sparql = targets[name]
        node = frag(f"linkset-{name}")
        g.add((ds, VOID.subset, node))
        g.add((node, RDF.type, VOID.Linkset))
        g.add((node, VOID.subjectsTarget, ds))
        g.add((node, VOID.objectsTarget, target))
        g.add((node, VOID.target, ds))
        g.add((node, VOID.target, target))
        g.add((node, VOID.linkPredicate, SKOS.exactMatch))
        for key in ("triples", "distinctSubjects", "distinctObjects"):
            g.add((node, VOID[key], Literal(numbers[key], datatype=XSD.integer)))
        g.add((target, RDF.type, VOID.Dataset))
        g.add((target, DCTERMS.title, Literal(title)))
        g.add((target, VOID.uriSpace, Literal(space)))
        if sparql is not None:
            g.add((target, VOID.sparqlEndpoint, sparql))


def _describe_service(g, ds, frag, settings, endpoint) -> None:
    service = frag("sparql")
    g.add((service, RDF.type, DCAT.DataService))
    g.add((service, DCTERMS.title, Literal("Kompetensgrafens SPARQL-ändpunkt", lang="sv")))
    g.add((service, DCTERMS.title, Literal("Kompetensgrafen SPARQL endpoint", lang="en")))
    g.add((service, DCTERMS.description, Literal(
        "SPARQL 1.1-frågor över hela grafen; standardgrafen är sammanslagningen av alla namngivna "
        "grafer, varje trippel en gång.", lang="sv")))
    g.add((service, DCTERMS.description, Literal(
        "SPARQL 1.1 queries over the whole graph; the default graph is the RDF merge of all named "
        "graphs, every triple once.", lang="en")))
    g.add((service, DCAT.endpointURL, endpoint))
    g.add((service, DCAT.endpointDescription, endpoint))
    g.add((service, DCAT.servesDataset, ds))
    g.add((service, DCTERMS.conformsTo, URIRef(SPARQL_PROTOCOL)))
    g.add((service, DCTERMS.publisher, frag("publisher")))
    g.add((service, DCAT.contactPoint, frag("contact")))
    g.add((service, DCTERMS.license, URIRef(str(settings.get("KG_LICENSE") or ""))))
    g.add((service, DCTERMS.accessRights, URIRef(EU + "access-right/PUBLIC")))


def _describe_distributions(g, ds, frag, settings, base_url, dumps: Dumps) -> None:
    licence = URIRef(str(settings.get("KG_LICENSE") or ""))
    for key, fmt in DUMP_FORMATS.items():
        dist = frag(f"dump-{key}")
        url = URIRef(f"{base_url}/data/{fmt.filename}")
        g.add((ds, DCAT.distribution, dist))
        g.add((ds, VOID.dataDump, url))
        g.add((dist, RDF.type, DCAT.Distribution))
        g.add((dist, DCTERMS.title, Literal(fmt.label_sv, lang="sv")))
        g.add((dist, DCTERMS.title, Literal(fmt.label_en, lang="en")))
        g.add((dist, DCAT.accessURL, url))
        g.add((dist, DCAT.downloadURL, url))
        g.add((dist, DCAT.mediaType, URIRef(IANA + fmt.media_type)))
        g.add((dist, DCTERMS.format, URIRef(EU + "file-type/" + fmt.eu_file_type)))
        g.add((dist, DCTERMS.license, licence))
        g.add((dist, DCTERMS.modified, _dt(dumps.generated_at)))
        g.add((dist, DCAT.byteSize, Literal(dumps.sizes[key], datatype=XSD.nonNegativeInteger)))
        g.add((dist, RDFS.comment, Literal(f"store version {dumps.version}")))
