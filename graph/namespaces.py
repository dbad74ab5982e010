"""The project's IRIs and the prefixes bound everywhere (queries, serialisations, the editor)."""

from __future__ import annotations

BASE = "https://w3id.org/kompetensgraf/"
DEF = BASE + "def#"
ID = BASE + "id/"
SOURCE = BASE + "source/"
GRAPH = BASE + "graph/"

#: Named graphs that hold no facts of a source: the ontology, the SKOS schemes, the provenance.
ONTOLOGY_GRAPH = GRAPH + "ontology"
VOCAB_GRAPH = GRAPH + "vocab"
META_GRAPH = GRAPH + "meta"
STRUCTURAL_GRAPHS = frozenset({ONTOLOGY_GRAPH, VOCAB_GRAPH, META_GRAPH})

#: Prefixes bound in every serialisation and offered to every query (one list, one place).
PREFIXES: dict[str, str] = {
    "kf": DEF,
    "kfid": ID,
    "kfsrc": SOURCE,
    "kfg": GRAPH,
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dct": "http://purl.org/dc/terms/",
    "dcat": "http://www.w3.org/ns/dcat#",
    "prov": "http://www.w3.org/ns/prov#",
    "org": "http://www.w3.org/ns/org#",
    "cv": "http://data.europa.eu/m8g/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "schema": "https://schema.org/",
    "eli": "http://data.europa.eu/eli/ontology#",
    "adms": "http://www.w3.org/ns/adms#",
    "time": "http://www.w3.org/2006/time#",
    "void": "http://rdfs.org/ns/void#",
    "sd": "http://www.w3.org/ns/sparql-service-description#",
    "sh": "http://www.w3.org/ns/shacl#",
    "esco": "http://data.europa.eu/esco/model#",
    "wd": "http://www.wikidata.org/entity/",
    "wdt": "http://www.wikidata.org/prop/direct/",
}

#: Prefixes a query sent to the endpoint may use without declaring them (as on Wikidata's
#: endpoint): ours and the reused vocabularies', plus the other names people write for them.
#: A query's own PREFIX declarations win. Listed in the Service Description and the README.
PREDECLARED: dict[str, str] = {
    **PREFIXES,
    "dcterms": PREFIXES["dct"],
    "dc": "http://purl.org/dc/elements/1.1/",
    "vcard": "http://www.w3.org/2006/vcard/ns#",
}


def sparql_prologue(names: list[str] | None = None) -> str:
    """``PREFIX`` lines for the given prefix names (all of them by default)."""
    chosen = names if names is not None else list(PREFIXES)
    return "".join(f"PREFIX {n}: <{PREFIXES[n]}>\n" for n in chosen)


def bind_all(graph) -> None:  # rdflib Graph or Dataset
    """Bind our prefixes explicitly, replacing rdflib's defaults (no ``schema1:``)."""
    for prefix, iri in PREFIXES.items():
        graph.bind(prefix, iri, override=True, replace=True)


def compact(iri: str) -> str:
    """``kfid:fyrbodals-kommunalforbund`` for a full IRI, the IRI itself when no prefix fits."""
    best = ""
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns) and len(ns) > len(PREFIXES.get(best, "")):
            best = prefix
    if best:
        local = iri[len(PREFIXES[best]) :]
        if local and all(c.isalnum() or c in "-_." for c in local):
            return f"{best}:{local}"
    return iri
