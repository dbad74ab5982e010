"""Collect the project's RDF sources, parse them, and validate them before anything is loaded.

Two kinds of check, both refusing the build:

* SHACL (pyshacl) over the union of all data graphs, with the ontology for RDFS inference;
* zero-row check queries ``queries/checks/*-violation.rq`` over the loaded dataset.

Every problem is reported with the file, the focus node, the shape (or check) and the reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
import rdflib
from rdflib.namespace import SH

from graph import ROOT
from graph.namespaces import ONTOLOGY_GRAPH, VOCAB_GRAPH, compact

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


class BuildError(Exception):
    """The sources cannot become a store; ``problems`` says where and why."""

    def __init__(self, summary: str, problems: list[Problem] | None = None):
        super().__init__(summary)
        self.summary = summary
        self.problems = problems or []

    def __str__(self) -> str:
        lines = [self.summary] + [f"  - {p}" for p in self.problems[:200]]
        if len(self.problems) > 200:
            lines.append(f"  … and {len(self.problems) - 200} more")
        return "\n".join(lines)


@dataclass(frozen=True)
class Source:
    """One RDF file and the named graph its triples go to (``None``: the graphs in the file)."""

    path: Path
    syntax: str
    graph: str | None = None
    #: N-Quads the build adds for this file (the provenance of a researcher's own file).
    provenance: bytes = b""

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
    """Parse every file; a syntax error refuses the build with file and line."""
    dataset = rdflib.Dataset()
    files_of: dict[str, set[str]] = {}
    mentioned_in: dict[str, set[str]] = {}
    problems: list[Problem] = []
    for src in sources:
        one = rdflib.Dataset()
        try:
            if src.graph is not None:
                one.graph(rdflib.URIRef(src.graph)).parse(src.path, format=src.syntax)
            else:
                one.parse(src.path, format=src.syntax)
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
    return Parsed(dataset, files_of, sources, mentioned_in)


def _one_line(exc: Exception) -> str:
    return " ".join(str(exc).split())[:500]


def shacl_problems(parsed: Parsed, root: Path = ROOT) -> list[Problem]:
    """Validate the union of all non-ontology graphs against the shapes.

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
        focus = str(results.value(result, SH.focusNode))
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
    """Run each ``*-violation.rq`` against a loaded store; every row is a problem."""
    problems = []
    for path in check_queries(root):
        rows = store.select(path.read_text(encoding="utf-8"))
        for row in rows:
            focus = row.get("focus")
            focus_iri = focus.value if focus is not None else "-"
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
