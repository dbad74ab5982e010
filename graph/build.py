"""Build the store: parse, bulk-load into a fresh directory, validate with SHACL, run the checks,
then switch ``var/store`` to the new build in one atomic step.

A researcher's own files (``--load``) are parsed only by the bulk loader (:mod:`graph.bulk`) and
judged by the shapes only for what they say about the project's things
(:func:`graph.validate.user_scope`).

A build that fails at any point leaves the previous store exactly as it was: the new database is
written next to it under ``builds/.tmp-…`` and only a symlink rename (``os.replace``) publishes it.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

import pyoxigraph as ox

from graph import ROOT
from graph.bulk import BadData, holds_any, load_file
from graph.embedded import BUILD_INFO, DB_DIR, EmbeddedStore
from graph.merge import resync
from graph.namespaces import GRAPH, META_GRAPH, PREFIXES, SOURCE
from graph.terms import KF
from graph.validate import (
    BuildError,
    Parsed,
    Problem,
    Source,
    check_problems,
    parse_sources,
    project_sources,
    shacl_problems,
    source_of,
    user_scope,
)

#: How many finished builds to keep beside the current one (a running server may still use one).
KEEP_BUILDS = 2

Step = Callable[[str], None]


@dataclass
class BuildResult:
    build_id: str
    path: Path
    quads: int
    graphs: int
    files: int


def _user_slug(path: Path) -> str:
    return "".join(
        c if c.isascii() and (c.isalnum() or c in "-_.") else "-" for c in path.stem.lower()
    )


#: Text that every IRI of the project's namespace holds when spelt out: a file without it says
#: nothing about the project's things (one pass over its graph saved) — unless the syntax lets
#: the IRI be spelt otherwise. Those bytes send the file to the full pass: a backslash (``\u006B``
#: in an N-Triples, Turtle or TriG IRI, ``\/`` in a Turtle local name), a character reference or
#: an entity declaration in RDF/XML (``&#107;``, ``<!ENTITY``). JSON-LD can join an IRI from
#: parts (``@vocab``, compact IRIs), so a JSON-LD file always gets the full pass.
OUR_MARK = b"kompetensgraf"
OTHER_SPELLINGS = {
    ox.RdfFormat.RDF_XML: (b"&#", b"<!ENTITY"),
    ox.RdfFormat.JSON_LD: None,
}


def may_name_ours(path: Path, fmt: ox.RdfFormat) -> bool:
    """Could the file at ``path`` name one of the project's things?"""
    spellings = OTHER_SPELLINGS.get(fmt, (b"\\",))
    return spellings is None or holds_any(path, (OUR_MARK, *spellings))


#: Where the named graphs of researchers' own files (``--load``) live.
USER_GRAPHS = f"{GRAPH}user/"


def user_graph(path: Path) -> str:
    """The named graph for a researcher's own file loaded with ``--load``."""
    return f"{USER_GRAPHS}{_user_slug(path)}"


def user_source(path: Path) -> str:
    """The source document standing for a researcher's own file loaded with ``--load``."""
    return f"{SOURCE}user/{_user_slug(path)}"


def user_provenance(path: Path, graph: str) -> list[ox.Quad]:
    """Describe a researcher's file as a source document and its graph as a fact graph."""
    meta = ox.NamedNode(META_GRAPH)
    doc = ox.NamedNode(user_source(path))
    g = ox.NamedNode(graph)
    rdf = PREFIXES["rdf"]
    label = ox.NamedNode(PREFIXES["rdfs"] + "label")
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    xsd_datetime = ox.NamedNode(PREFIXES["xsd"] + "dateTime")
    xsd_date = ox.NamedNode(PREFIXES["xsd"] + "date")
    triples = [
        (doc, ox.NamedNode(rdf + "type"), ox.NamedNode(KF.SourceDocument)),
        (doc, ox.NamedNode(PREFIXES["dct"] + "title"), ox.Literal(path.name)),
        # read now: the day part of the graph's generatedAtTime
        (doc, ox.NamedNode(KF.accessed), ox.Literal(now[:10], datatype=xsd_date)),
        (g, ox.NamedNode(rdf + "type"), ox.NamedNode(KF.FactGraph)),
        (g, label, ox.Literal(f"Egen fil: {path.name}", language="sv")),
        (g, label, ox.Literal(f"User file: {path.name}", language="en")),
        (g, ox.NamedNode(PREFIXES["prov"] + "wasDerivedFrom"), doc),
        (g, ox.NamedNode(KF.locator), ox.Literal("hela filen", language="sv")),
        (g, ox.NamedNode(KF.locator), ox.Literal("the whole file", language="en")),
        (
            g,
            ox.NamedNode(PREFIXES["prov"] + "generatedAtTime"),
            ox.Literal(now, datatype=xsd_datetime),
        ),
    ]
    return [ox.Quad(s, p, o, meta) for s, p, o in triples]


def sources_with(extra: Iterable[Path] = (), root: Path = ROOT) -> list[Source]:
    sources = project_sources(root)
    for path in extra:
        src = replace(source_of(Path(path)), user=True)
        if src.syntax in ("trig", "nquads"):
            sources.append(src)  # quad files keep the graphs they name (and describe them)
            continue
        graph = user_graph(Path(path))
        provenance = ox.serialize(user_provenance(Path(path), graph), format=ox.RdfFormat.N_QUADS)
        sources.append(replace(src, graph=graph, provenance=provenance))
    return sources


def validated_load(
    store: EmbeddedStore, sources: list[Source], root: Path = ROOT, step: Step = print
) -> Parsed:
    """Parse, load into ``store`` and validate (SHACL, then the check queries): the sources as a
    store, or a :class:`BuildError` saying which file, which subject and why."""
    step(f"Parsing {sum(not s.user for s in sources)} project files")
    parsed = parse_sources(sources)
    user_graphs = load_into(store.raw, sources, step)
    step(f"Validating {len(parsed.dataset)} quads (and loaded files' statements about ours)")
    problems = shacl_problems(parsed, root, user_scope(store, user_graphs, parsed))
    if problems:
        raise BuildError(f"The data breaks SHACL constraints {len(problems)} time(s)", problems)
    step("Running the check queries")
    problems = check_problems(store, parsed, root)
    if problems:
        raise BuildError(f"{len(problems)} check query row(s) found problems", problems)
    return parsed


def load_into(store: ox.Store, sources: list[Source], step: Step = print) -> dict[str, str]:
    """Bulk-load the sources, with the merge as the default graph; returns the named graphs
    that researchers' files naming the project's namespace filled (graph IRI -> file)."""
    for src in sources:
        if not src.user:
            step(f"Loading {src.display()}")
            target = {"to_graph": ox.NamedNode(src.graph)} if src.graph else {}
            store.bulk_load(path=str(src.path), format=src.ox_format, **target)
        if src.provenance:
            store.load(src.provenance, format=ox.RdfFormat.N_QUADS)
    step("Merging the named graphs into the default graph")
    store.update(resync())  # every triple once, however many sources state it
    user_graphs: dict[str, str] = {}
    for src in (s for s in sources if s.user):
        step(f"Loading {src.display()}")
        before = _graph_names(store)
        try:
            load_file(store, src.path, src.ox_format, src.graph)  # and into the merge
        except BadData as exc:
            raise BuildError("A loaded file could not be parsed", [
                Problem(src.display(), "-", "syntax", str(exc).removeprefix(f"{src.path}: "))
            ]) from exc
        if may_name_ours(src.path, src.ox_format):
            filled = _graph_names(store) - before | ({src.graph} if src.graph else set())
            user_graphs.update(dict.fromkeys(filled, src.display()))
    return user_graphs


def _graph_names(store: ox.Store) -> set[str]:
    return {g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode)}


def build(
    store_path: str | Path,
    *,
    extra: Iterable[Path] = (),
    root: Path = ROOT,
    step: Step = print,
) -> BuildResult:
    """Validate everything, then publish a new store at ``store_path`` (a symlink)."""
    store_path = Path(store_path)
    if store_path.exists() and not store_path.is_symlink():
        raise BuildError(f"{store_path} exists and is not a store built by kompetensgraf")
    sources = sources_with(extra, root)

    builds = store_path.parent / "builds"
    builds.mkdir(parents=True, exist_ok=True)
    build_id = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ") + "-" + uuid.uuid4().hex[:6]
    tmp = builds / f".tmp-{build_id}"
    (tmp / DB_DIR).mkdir(parents=True)
    try:
        store = EmbeddedStore(tmp, read_only=False)
        validated_load(store, sources, root, step)
        result = BuildResult(
            build_id, builds / build_id, len(store), len(store.named_graphs()), len(sources)
        )
        store.raw.flush()
        store.raw.optimize()
        store.close()
        info = {
            "build_id": build_id,
            "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "quads": result.quads,
            "graphs": result.graphs,
            "files": [s.display() for s in sources],
        }
        (tmp / BUILD_INFO).write_text(json.dumps(info, indent=2, ensure_ascii=False), "utf-8")
        os.rename(tmp, result.path)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    publish(store_path, result.path)
    prune(builds, keep=result.path)
    return result


def publish(store_path: Path, build_dir: Path) -> None:
    """Point ``store_path`` at ``build_dir`` atomically (rename of a fresh symlink)."""
    link = store_path.with_name(f".{store_path.name}.{build_dir.name}.link")
    target = os.path.relpath(build_dir, store_path.parent)
    os.symlink(target, link)
    os.replace(link, store_path)


def prune(builds: Path, keep: Path) -> None:
    """Remove all but the newest :data:`KEEP_BUILDS` builds besides ``keep`` — except those that
    a process still reads (a server, a query worker: they hold a :func:`graph.embedded.lease`)."""
    finished = sorted(p for p in builds.iterdir() if p.is_dir() and not p.name.startswith("."))
    old = [p for p in finished if p != keep][:-KEEP_BUILDS] if len(finished) > KEEP_BUILDS else []
    for path in old:
        try:
            handle = open(path / BUILD_INFO, "rb")  # noqa: SIM115 - closed below
        except OSError:
            shutil.rmtree(path, ignore_errors=True)  # not a complete build
            continue
        with handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                continue  # still being read: a later build removes it
            shutil.rmtree(path, ignore_errors=True)


def build_remote(
    target,
    *,
    extra: Iterable[Path] = (),
    root: Path = ROOT,
    step: Step = print,
) -> BuildResult:
    """Validate exactly as :func:`build`, then publish every named graph into a SPARQL engine.

    ``target`` is a :class:`graph.remote.store.RemoteStore`. The sources are parsed, loaded into an
    in-memory pyoxigraph store, SHACL-validated and checked with the same check queries; only then
    does :meth:`RemoteStore.publish` stage each graph in the engine and switch them in with one
    update request. Graphs outside the project's graph namespace are left alone.
    """
    sources = sources_with(extra, root)
    store = EmbeddedStore()
    validated_load(store, sources, root, step)
    build_id = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ") + "-" + uuid.uuid4().hex[:6]
    graphs = {g: store.dump(ox.RdfFormat.N_TRIPLES, g) for g in store.named_graphs()}
    target.publish(graphs, managed=GRAPH, build_id=build_id, step=step)
    return BuildResult(build_id, Path(), len(store), len(graphs), len(sources))
