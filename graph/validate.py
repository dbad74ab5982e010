"""Collect the project's RDF sources, parse them, and validate them before anything is loaded.

Two kinds of check, both refusing the build:

* SHACL (pyshacl) over the union of the project's data graphs, with the ontology for RDFS
  inference, and over what a researcher's own files (``--load``) say about the project's things;
* zero-row check queries ``queries/checks/*-violation.rq`` over the loaded dataset.

The shapes judge the project's own things: every node of its files, and in a researcher's file
the subjects in its namespace (:data:`graph.namespaces.BASE`) or typed with one of its classes,
with what they reach (:func:`user_scope`). A researcher's file is otherwise only parsed: its own
``org:Role``, ``skos:Concept`` or ``schema:`` data, in its own namespace, is theirs to shape.

Every problem is reported with the file, the focus node, the shape (or check) and the reason;
a refusal lists each distinct problem once, with how often it occurs and one example.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
import rdflib
from rdflib.namespace import SH

from graph import ROOT, queries
from graph.namespaces import BASE, DEF, ONTOLOGY_GRAPH, VOCAB_GRAPH, compact

TRIPLE_SUFFIXES = {".ttl": "turtle", ".nt": "nt", ".rdf": "xml", ".jsonld": "json-ld"}
QUAD_SUFFIXES = {".trig": "trig", ".nq": "nquads"}
_DTD = re.compile(rb"<!\s*(?:DOCTYPE|ENTITY)", re.IGNORECASE)
OX_FORMATS = {
    "turtle": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "xml": ox.RdfFormat.RDF_XML,
    "json-ld": ox.RdfFormat.JSON_LD,
    "trig": ox.RdfFormat.TRIG,
    "nquads": ox.RdfFormat.N_QUADS,
}


#: Kinds of problem (shape or check, and reason) a refusal lists; each with a count and an example.
MAX_KINDS = 100


class BuildError(Exception):
    """The sources cannot become a store; ``problems`` says where and why."""

    def __init__(self, summary: str, problems: list[Problem] | None = None):
        super().__init__(summary)
        self.summary = summary
        self.problems = problems or []

    def __str__(self) -> str:
        groups: dict[tuple[str, str], list[Problem]] = {}
        for problem in self.problems:
            groups.setdefault((problem.check, problem.reason), []).append(problem)
        lines = [self.summary]
        for found in list(groups.values())[:MAX_KINDS]:
            first = found[0]
            if len(found) == 1:
                lines.append(f"  - {first}")
                continue
            files = len({p.file for p in found})
            where = f" in {files} files" if files > 1 else ""
            lines.append(
                f"  - {len(found)}× {first.reason} [{first.check}]{where}; "
                f"e.g. {first.file}: {first.focus}"
            )
        if len(groups) > MAX_KINDS:
            lines.append(f"  … and {len(groups) - MAX_KINDS} more kinds of problem")
        return "\n".join(lines)


@dataclass(frozen=True)
class Source:
    """One RDF file and the named graph its triples go to (``None``: the graphs in the file)."""

    path: Path
    syntax: str
    graph: str | None = None
    #: N-Quads the build adds for this file (the provenance of a researcher's own file).
    provenance: bytes = b""
    #: A researcher's own file (``--load``): bulk-loaded, and judged only about our things.
    user: bool = False

    @property
    def ox_format(self) -> ox.RdfFormat:
        return OX_FORMATS[self.syntax]

    def display(self) -> str:
        try:
            return str(self.path.resolve().relative_to(ROOT))
        except ValueError:
            return str(self.path)


@dataclass(frozen=True)
class Problem:
    file: str
    focus: str
    check: str
    reason: str

    def __str__(self) -> str:
        return f"{self.file}: {self.focus}: {self.reason} [{self.check}]"


@dataclass
class Report:
    conforms: bool
    problems: list[Problem] = field(default_factory=list)
    triples: int = 0
    files: int = 0


def source_of(path: Path, graph: str | None = None) -> Source:
    suffix = path.suffix.lower()
    if suffix in QUAD_SUFFIXES:
        return Source(path, QUAD_SUFFIXES[suffix], graph)
    if suffix in TRIPLE_SUFFIXES:
        syntax = TRIPLE_SUFFIXES[suffix]
        why = dtd_refusal(path.read_bytes()) if syntax == "xml" and path.is_file() else None
        if why:
            raise BuildError(f"{path}: {why}")
        return Source(path, syntax, graph)
    raise BuildError(f"{path}: unknown RDF file type {suffix!r}")


def dtd_refusal(data: bytes) -> str | None:
    """Why RDF/XML ``data`` must not be parsed, or ``None``: a DTD (``<!DOCTYPE``, ``<!ENTITY``)
    can declare entities that expand a few hundred bytes into gigabytes ("billion laughs"), so
    RDF/XML with one is refused before any parser sees it (NUL bytes are dropped first, so that
    UTF-16 text cannot hide it)."""
    if _DTD.search(data.replace(b"\x00", b"")):
        return (
            "RDF/XML with a DTD (<!DOCTYPE or <!ENTITY) is refused: its entities could expand "
            "without bound; remove the DTD and write the IRIs out"
        )
    return None


def project_sources(root: Path = ROOT) -> list[Source]:
    """The ontology, the SKOS schemes and every curated data file, in a stable order."""
    ontology = root / "ontology"
    sources = [Source(p, "turtle", ONTOLOGY_GRAPH) for p in sorted(ontology.glob("*.ttl"))]
    vocab = sorted((ontology / "vocab").glob("*.ttl"))
    sources += [Source(p, "turtle", VOCAB_GRAPH) for p in vocab]
    data = root / "graph" / "data"
    sources += [source_of(p) for p in sorted(data.rglob("*")) if p.suffix in QUAD_SUFFIXES]
    return sources


def shapes_files(root: Path = ROOT) -> list[Path]:
    return sorted((root / "ontology" / "shapes").glob("*.ttl"))


def check_queries(root: Path = ROOT) -> list[Path]:
    return sorted((root / "queries" / "checks").glob("*-violation.rq"))


@dataclass
class Parsed:
    """The parsed sources: one rdflib dataset, and which file states which subject."""

    dataset: rdflib.Dataset
    files_of: dict[str, set[str]]
    sources: list[Source]
    mentioned_in: dict[str, set[str]] = field(default_factory=dict)
    #: Every node of the project's own files (all judged by the shapes).
    project_nodes: set[str] = field(default_factory=set)
    #: The IRIs of researchers' files that are the project's things (:func:`user_scope`).
    user_nodes: set[str] = field(default_factory=set)

    def judges(self, iri: str) -> bool:
        """Is the node ``iri`` one the checks judge: the project's own, not a researcher's?"""
        return iri in self.project_nodes or iri in self.user_nodes or iri.startswith(BASE)

    def where(self, node: str) -> str:
        """The files that describe ``node`` (or, failing that, that mention it)."""
        files = sorted(self.files_of.get(node) or self.mentioned_in.get(node) or ())
        return ", ".join(files) if files else "?"

    def union(self, *, exclude: frozenset[str] = frozenset()) -> rdflib.Graph:
        g = rdflib.Graph()
        for ctx in self.dataset.graphs():
            if str(ctx.identifier) not in exclude:
                for t in ctx:
                    g.add(t)
        return g


def parse_sources(sources: list[Source]) -> Parsed:
    """Parse the project's files (and the provenance of a researcher's file; the file itself is
    parsed by the bulk loader); a syntax error refuses the build with file and line."""
    dataset = rdflib.Dataset()
    files_of: dict[str, set[str]] = {}
    mentioned_in: dict[str, set[str]] = {}
    problems: list[Problem] = []
    for src in sources:
        one = rdflib.Dataset()
        try:
            if not src.user:  # a researcher's file is parsed where it is loaded (graph.bulk)
                target = one.graph(rdflib.URIRef(src.graph)) if src.graph is not None else one
                target.parse(src.path, format=src.syntax)
            if src.provenance:
                one.parse(data=src.provenance, format="nquads")
        except Exception as exc:  # rdflib raises many parser types; each becomes a Problem
            problems.append(Problem(src.display(), "-", "syntax", _one_line(exc)))
            continue
        for s, p, o, g in one.quads((None, None, None, None)):
            dataset.add((s, p, o, g))
            files_of.setdefault(str(s), set()).add(src.display())
            if isinstance(o, rdflib.URIRef):
                mentioned_in.setdefault(str(o), set()).add(src.display())
    if problems:
        raise BuildError("Some source files could not be parsed", problems)
    return Parsed(dataset, files_of, sources, mentioned_in, set(files_of) | set(mentioned_in))


def _one_line(exc: Exception) -> str:
    return " ".join(str(exc).split())[:500]


def user_scope(store, graphs: dict[str, str], parsed: Parsed | None = None) -> rdflib.Graph:
    """What the researcher's ``graphs`` (graph IRI -> file) say about the project's things and
    what those reach (``queries/internal/user-roots.rq``, ``user-reach.rq``, run on the loaded
    ``store``, a :class:`graph.store.GraphStore`), noting in ``parsed`` which file states each
    subject. The reach is followed from each thing of ours, so a file that says nothing about
    them costs one pass over its graph."""
    roots, reach = queries.internal("user-roots"), queries.internal("user-reach")
    scoped = rdflib.Graph()
    for graph, file in graphs.items():
        g = ox.NamedNode(graph)
        data = b"".join(
            store.query(reach, substitutions={"g": g, "root": row["root"]}).serialize(
                format=ox.RdfFormat.N_TRIPLES
            )
            for row in store.select(roots, substitutions={"g": g})
        )
        for s, p, o in rdflib.Graph().parse(data=data, format="nt") if data else ():
            scoped.add((s, p, o))
            if parsed is not None:
                parsed.files_of.setdefault(str(s), set()).add(file)
    if parsed is not None:
        parsed.user_nodes |= {
            str(s) for s in set(scoped.subjects()) if isinstance(s, rdflib.URIRef)
            and _judged(s, scoped, parsed)
        }
    return scoped


def _judged(node: rdflib.term.Node, data: rdflib.Graph, parsed: Parsed, seen=frozenset()) -> bool:
    """Is ``node`` one of the project's things: a node of its files, an IRI in its namespace,
    typed with one of its classes, or a blank node that one of those describes?"""
    if str(node) in parsed.project_nodes:
        return True
    if isinstance(node, rdflib.URIRef):
        return str(node).startswith(BASE) or any(
            str(c).startswith(DEF) for c in data.objects(node, rdflib.RDF.type)
        )
    if isinstance(node, rdflib.BNode) and node not in seen:
        return any(_judged(s, data, parsed, seen | {node}) for s in data.subjects(None, node))
    return False


def shacl_problems(
    parsed: Parsed, root: Path = ROOT, scoped: rdflib.Graph | None = None
) -> list[Problem]:
    """Validate the union of all non-ontology graphs, with ``scoped`` (:func:`user_scope`),
    against the shapes; problems of nodes that are not the project's own are left out.

    The ontology is mixed into the data graph, so SHACL's own instance semantics follow
    ``rdfs:subClassOf`` for ``sh:targetClass`` and ``sh:class``; a full RDFS closure finds the
    same violations on this data at twice the cost, so none is computed.
    """
    import pyshacl  # imported late: it is slow to import and only the build needs it

    shapes = rdflib.Graph()
    for path in shapes_files(root):
        shapes.parse(path, format="turtle")
    if len(shapes) == 0:
        return []
    ontology = rdflib.Graph()
    for t in parsed.dataset.graph(rdflib.URIRef(ONTOLOGY_GRAPH)):
        ontology.add(t)
    data = parsed.union(exclude=frozenset({ONTOLOGY_GRAPH}))
    if scoped is not None:
        data += scoped
    conforms, results, _text = pyshacl.validate(
        data,
        shacl_graph=shapes,
        ont_graph=ontology,
        inference="none",
        advanced=True,
        allow_warnings=True,
    )
    if conforms:
        return []
    problems = []
    for result in results.subjects(rdflib.RDF.type, SH.ValidationResult):
        if results.value(result, SH.resultSeverity) != SH.Violation:
            continue
        focus_node = results.value(result, SH.focusNode)
        if not _judged(focus_node, data, parsed):
            continue  # a researcher's own thing, reached from one of ours
        focus = str(focus_node)
        shape = results.value(result, SH.sourceShape)
        path = results.value(result, SH.resultPath)
        messages = {m.language: str(m) for m in results.objects(result, SH.resultMessage)}
        reason = messages.get("en") or messages.get(None) or next(iter(messages.values()), "")
        if "sv" in messages and messages["sv"] != reason:
            reason = f"{reason} / {messages['sv']}"
        if path is not None and isinstance(path, rdflib.URIRef):
            reason = f"{compact(str(path))}: {reason}"
        component = results.value(result, SH.sourceConstraintComponent)
        named = shape if isinstance(shape, rdflib.URIRef) else component
        shape_name = compact(str(named)) if named is not None else "shape"
        problems.append(Problem(parsed.where(focus), compact(focus), shape_name, reason))
    return sorted(problems, key=lambda p: (p.file, p.focus, p.reason))


def check_problems(store, parsed: Parsed | None = None, root: Path = ROOT) -> list[Problem]:
    """Run each ``*-violation.rq`` against a loaded store; every row is a problem, unless its
    focus is a researcher's own thing (:meth:`Parsed.judges`)."""
    problems = []
    for path in check_queries(root):
        rows = store.select(path.read_text(encoding="utf-8"))
        for row in rows:
            focus = row.get("focus")
            focus_iri = focus.value if focus is not None else "-"
            if parsed and isinstance(focus, ox.NamedNode) and not parsed.judges(focus_iri):
                continue  # a researcher's own thing (their labels, their vocabulary)
            reason = row.get("reason")
            problems.append(
                Problem(
                    parsed.where(focus_iri) if parsed else "?",
                    compact(focus_iri),
                    path.name,
                    reason.value if reason is not None else "check query returned a row",
                )
            )
    return problems
