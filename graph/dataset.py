"""The dataset described from the live store (VoID + DCAT, DCAT-AP-SE conventions) and its dumps.

:func:`describe` counts what the store holds *now* with the ``queries/internal/void-*.rq`` queries
and returns an rdflib graph with

- a ``void:Dataset`` (triples, entities, distinct subjects/objects, classes, properties, one class
  partition per class, one property partition per property, one subset per named graph with the
  source document it comes from, linksets to Wikidata and — when the data holds NUTS IRIs — to
  NUTS, the SPARQL endpoint, the dumps, the vocabularies, the IRI space), which is also
- a ``dcat:Dataset`` in a ``dcat:Catalog``: titles and descriptions in Swedish and English,
  publisher, contact point, licence, language, EU data themes, spatial coverage, issued/modified,
  one ``dcat:Distribution`` per dump and a ``dcat:DataService`` for the SPARQL endpoint.

:class:`DumpCache` writes the dumps (TriG, N-Quads, Turtle, JSON-LD) into a folder per store
version, each file atomically (temporary file + ``os.replace``), and writes them again when the
store version changes (an update through the endpoint). This module never imports Flask.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import re
import shutil
import tempfile
import threading
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, RDFS, SKOS, VOID, XSD

from graph import queries
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
DUMP_STEM = "kompetensgraf"


@dataclass(frozen=True)
class DumpFormat:
    key: str  # the file extension: /data/kompetensgraf.<key>
    media_type: str
    eu_file_type: str  # code in the EU file-type authority list
    quads: bool  # named graphs kept (TriG, N-Quads, JSON-LD) or the merge of all graphs (Turtle)
    label_sv: str
    label_en: str

    @property
    def filename(self) -> str:
        return f"{DUMP_STEM}.{self.key}"

    @property
    def rdf_format(self) -> ox.RdfFormat:
        return ox.RdfFormat.from_media_type(self.media_type)


DUMP_FORMATS: dict[str, DumpFormat] = {
    f.key: f
    for f in (
        DumpFormat("trig", "application/trig", "RDF_TRIG", True,
                   "Hela grafen i TriG, med namngivna grafer",
                   "The whole graph in TriG, with named graphs"),
        DumpFormat("nq", "application/n-quads", "RDF_N_QUADS", True,
                   "Hela grafen i N-Quads, med namngivna grafer",
                   "The whole graph in N-Quads, with named graphs"),
        DumpFormat("ttl", "text/turtle", "RDF_TURTLE", False,
                   "Alla tripler i Turtle, som en sammanslagen graf: varje trippel en gång "
                   "(utan källgrafer)",
                   "All triples in Turtle, as one merged graph: every triple once "
                   "(without source graphs)"),
        DumpFormat("jsonld", "application/ld+json", "JSON_LD", True,
                   "Hela grafen i JSON-LD, med namngivna grafer",
                   "The whole graph in JSON-LD, with named graphs"),
    )
}  # fmt: skip


# --------------------------------------------------------------------------- dumps


@dataclass
class Dumps:
    """The dump files of one store version."""

    version: str
    folder: Path
    generated_at: datetime
    sizes: dict[str, int] = field(default_factory=dict)
    #: When the store last changed while this process served it (``None``: as built).
    changed_at: datetime | None = None

    def path(self, key: str) -> Path:
        return self.folder / DUMP_FORMATS[key].filename

    @property
    def etag(self) -> str:
        """The store version as this cache knows it (the folder name: version + cache token)."""
        return self.folder.name


def write_dump(fmt: DumpFormat, target: Path, nquads: bytes) -> int:
    """Serialise the dataset (given as N-Quads) into ``target`` atomically; returns the size."""
    quads = ox.parse(nquads, format=ox.RdfFormat.N_QUADS)
    if fmt.quads:
        items = quads
    else:  # the merge of all graphs: each distinct triple once
        items = iter(dict.fromkeys(q.triple for q in quads))
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            ox.serialize(items, out, fmt.rdf_format, prefixes=PREFIXES)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target.stat().st_size


class DumpCache:
    """Dumps on disk, one folder per store version, regenerated when the version changes.

    Safe for the threads of one server (a lock) and for several servers sharing the folder: every
    file, and last the ``manifest.json`` that marks a folder complete, is written atomically; each
    cache writes folders of its own (a version string names the content only within one process)
    and writes them again if another server pruned them.

    The processes of one multi-process server (``serve --processes N``, read-only) pass the same
    ``token``: they then share one folder per version, written once under a file lock and read
    back from its manifest by the others, so every process gives the same ETags, sizes and times.
    """

    MANIFEST = "manifest.json"
    KEEP = 3  # finished version folders kept (a download in flight may still read an older one)

    def __init__(self, store: GraphStore, root: str | Path, token: str | None = None):
        self.store = store
        self.root = Path(root)
        self._lock = threading.Lock()
        # A version names the content only within one process (a live database is reopened at
        # ``build:0`` after a restart; in-memory stores have no build id): key folders per cache,
        # or per server when its processes serve one read-only store (``token``).
        self._token = re.sub(r"[^A-Za-z0-9]", "", token or "") or uuid.uuid4().hex[:8]
        self._current: Dumps | None = None
        self._initial_version = store.version

    def folder_for(self, version: str) -> Path:
        safe = re.sub(r"[^A-Za-z0-9._-]", "_", version)
        return self.root / f"{safe}-{self._token}"

    def current(self) -> Dumps:
        """The dumps of the store's current version, written first if they are missing."""
        version = self.store.version
        cached = self._current
        if cached is not None and cached.version == version and self._complete(cached):
            return cached
        with self._lock:
            version = self.store.version
            current = self._current
            if current is None or current.version != version or not self._complete(current):
                dumps = self._generate(version)
                if version != self._initial_version:
                    dumps.changed_at = dumps.generated_at
                self._current = dumps
            return self._current

    def _complete(self, dumps: Dumps) -> bool:
        """Still on disk (another server sharing the folder may have pruned it)?"""
        return all(dumps.path(k).is_file() for k in DUMP_FORMATS)

    def _generate(self, version: str) -> Dumps:
        folder = self.folder_for(version)
        folder.mkdir(parents=True, exist_ok=True)
        with open(folder / ".lock", "a+b") as lock:  # one writer among processes sharing a token
            fcntl.flock(lock, fcntl.LOCK_EX)
            return self._written(folder, version) or self._write(folder, version)

    def _written(self, folder: Path, version: str) -> Dumps | None:
        """The dumps another process of this server already wrote into ``folder``, if complete."""
        try:
            manifest = json.loads((folder / self.MANIFEST).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if manifest.get("version") != version:
            return None
        dumps = Dumps(version, folder, datetime.fromisoformat(manifest["generated_at"]),
                      {k: int(v) for k, v in manifest["sizes"].items()})
        return dumps if self._complete(dumps) and set(dumps.sizes) == set(DUMP_FORMATS) else None

    def _write(self, folder: Path, version: str) -> Dumps:
        nquads = self.store.dump(ox.RdfFormat.N_QUADS)
        dumps = Dumps(version, folder, datetime.now(UTC).replace(microsecond=0))
        for key, fmt in DUMP_FORMATS.items():
            dumps.sizes[key] = write_dump(fmt, dumps.path(key), nquads)
        manifest = {"version": version, "generated_at": dumps.generated_at.isoformat(),
                    "sizes": dumps.sizes}
        tmp = folder / f".{self.MANIFEST}.{uuid.uuid4().hex[:6]}"
        tmp.write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
        os.replace(tmp, folder / self.MANIFEST)
        self._prune(keep=folder)
        return dumps

    def _prune(self, keep: Path) -> None:
        finished = sorted(
            (p for p in self.root.iterdir() if p.is_dir() and (p / self.MANIFEST).is_file()),
            key=lambda p: (p / self.MANIFEST).stat().st_mtime,
        )
        old = [p for p in finished if p != keep][: max(0, len(finished) - self.KEEP)]
        for path in old:
            shutil.rmtree(path, ignore_errors=True)


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
