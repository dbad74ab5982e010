"""The SPARQL 1.1 Service Description answered by a bare ``GET /sparql``.

An ``sd:Service`` with its endpoint, the languages (Query; Update when a token is configured),
the result formats (W3C format IRIs), the features (``sd:UnionDefaultGraph``: the default graph
is the RDF merge of the named graphs, as its ``rdfs:comment`` says; ``sd:BasicFederatedQuery``
when SERVICE is allowed), the default dataset with one ``sd:namedGraph`` per named graph, and the
prefixes a query may use without declaring them (:data:`graph.namespaces.PREDECLARED`), each an
``sh:declare`` of the service: an ``sh:PrefixDeclaration`` with ``sh:prefix`` and
``sh:namespace`` (SHACL's vocabulary for prefix declarations). Content-negotiated among the RDF
formats; Turtle by default.
"""

from __future__ import annotations

import pyoxigraph as ox
from flask import Response, current_app, request, url_for

from graph.formats import rdf_format
from graph.namespaces import PREDECLARED, PREFIXES
from service.sparql.results import GRAPH_TYPES
from service.sparql.state import choose
from service.state import app_state

SD = PREFIXES["sd"]
RDF_TYPE = ox.NamedNode(PREFIXES["rdf"] + "type")
RDFS_COMMENT = ox.NamedNode(PREFIXES["rdfs"] + "comment")
#: What the default graph is (sd:UnionDefaultGraph: "the RDF merge of all the named graphs").
DEFAULT_GRAPH_EN = (
    "The RDF merge of all named graphs: every triple once, however many sources state it. "
    "GRAPH ?g names the source graphs; a default-graph-uri list is merged the same way."
)
DEFAULT_GRAPH_SV = (
    "Sammanslagningen (RDF merge) av alla namngivna grafer: varje trippel en gång, hur många "
    "källor som än anger den. GRAPH ?g namnger källgraferna; en default-graph-uri-lista slås "
    "samman på samma sätt."
)
FORMATS = "http://www.w3.org/ns/formats/"
RESULT_FORMATS = [
    "SPARQL_Results_JSON",
    "SPARQL_Results_XML",
    "SPARQL_Results_CSV",
    "SPARQL_Results_TSV",
    "Turtle",
    "N-Triples",
    "RDF_XML",
    "JSON-LD",
    "TriG",
    "N-Quads",
]


def _sd(name: str) -> ox.NamedNode:
    return ox.NamedNode(SD + name)


def _sh(name: str) -> ox.NamedNode:
    return ox.NamedNode(PREFIXES["sh"] + name)


def prefix_declarations(service: ox.NamedNode) -> list[tuple]:
    """The predeclared prefixes, as ``sh:declare [ sh:prefix "kf" ; sh:namespace "…" ]``."""
    any_uri = ox.NamedNode(PREFIXES["xsd"] + "anyURI")
    triples: list[tuple] = []
    for name, namespace in PREDECLARED.items():
        node = ox.BlankNode(f"prefix-{name}")
        triples += [
            (service, _sh("declare"), node),
            (node, RDF_TYPE, _sh("PrefixDeclaration")),
            (node, _sh("prefix"), ox.Literal(name)),
            (node, _sh("namespace"), ox.Literal(namespace, datatype=any_uri)),
        ]
    return triples


def description(endpoint: str, graphs: list[str], *, update: bool, federated: bool) -> list:
    service = ox.NamedNode(endpoint)
    triples = [
        (service, RDF_TYPE, _sd("Service")),
        (service, _sd("endpoint"), service),
        (service, _sd("supportedLanguage"), _sd("SPARQL11Query")),
        (service, _sd("feature"), _sd("UnionDefaultGraph")),
        (
            service,
            _sd("defaultEntailmentRegime"),
            ox.NamedNode("http://www.w3.org/ns/entailment/Simple"),
        ),
        (
            service,
            ox.NamedNode(PREFIXES["dct"] + "title"),
            ox.Literal("Kompetensgrafen", language="sv"),
        ),
    ]
    if update:
        triples.append((service, _sd("supportedLanguage"), _sd("SPARQL11Update")))
    if federated:
        triples.append((service, _sd("feature"), _sd("BasicFederatedQuery")))
    triples += [(service, _sd("resultFormat"), ox.NamedNode(FORMATS + f)) for f in RESULT_FORMATS]
    triples += prefix_declarations(service)
    dataset = ox.BlankNode("dataset")
    default_graph = ox.BlankNode("defaultGraph")
    triples += [
        (service, _sd("defaultDataset"), dataset),
        (dataset, RDF_TYPE, _sd("Dataset")),
        (dataset, _sd("defaultGraph"), default_graph),
        (default_graph, RDF_TYPE, _sd("Graph")),
        (default_graph, RDFS_COMMENT, ox.Literal(DEFAULT_GRAPH_EN, language="en")),
        (default_graph, RDFS_COMMENT, ox.Literal(DEFAULT_GRAPH_SV, language="sv")),
    ]
    for index, graph in enumerate(graphs):
        node = ox.BlankNode(f"g{index}")
        triples += [
            (dataset, _sd("namedGraph"), node),
            (node, RDF_TYPE, _sd("NamedGraph")),
            (node, _sd("name"), ox.NamedNode(graph)),
        ]
    return [ox.Triple(*t) for t in triples]


def service_description(fmt: str | None) -> Response:
    chosen = choose(GRAPH_TYPES, fmt)
    config = current_app.config
    triples = description(
        url_for("sparql.endpoint", _external=True),
        app_state().store.named_graphs(),
        update=bool(config["KG_UPDATE_TOKEN"]),
        federated=bool(config["KG_SERVICE_ALLOWLIST"]),
    )
    fmt = rdf_format(chosen)
    data: list = triples
    if fmt.supports_datasets:
        data = [ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in triples]
    prefixes = {k: PREFIXES[k] for k in ("sd", "dct", "kfg", "sh", "xsd")}
    body = ox.serialize(
        data,
        format=fmt,
        prefixes=prefixes if fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG) else None,
    )
    response = Response(b"" if request.method == "HEAD" else body, content_type=chosen)
    response.headers["Vary"] = "Accept"
    return response
