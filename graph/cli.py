"""``kompetensgraf`` — build, validate, query, export and inspect the graph; serve it."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import pyoxigraph as ox
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from graph import queries
from graph.backends import open_store
from graph.build import build, build_remote, sources_with, validated_load
from graph.embedded import EmbeddedStore
from graph.formats import QUAD_FORMATS, named_rdf, named_results
from graph.namespaces import compact
from graph.remote.io import auth_from
from graph.scb import ScbFormatError, import_scb_to_trig
from graph.store import GraphStore, QueryError, StoreError
from graph.validate import BuildError

DEFAULT_STORE = Path("var/store")

#: the command's format names (resolved by the one mapping, :mod:`graph.formats`)
RESULT_FORMATS = {name: named_results(name) for name in ("json", "xml", "csv", "tsv")}
GRAPH_FORMATS = {
    name: named_rdf(name) for name in ("turtle", "ntriples", "jsonld", "xml", "trig", "nquads")
}

err = Console(stderr=True)


def _step(status):
    def step(message: str) -> None:
        status.update(message)
        err.log(message)

    return step


def cmd_build(args) -> int:
    if args.target:
        return _build_remote(args)
    with err.status("Building the graph…") as status:
        result = build(args.store, extra=args.load, step=_step(status))
    err.print(
        f"[green]Built[/green] {result.quads} quads in {result.graphs} named graphs "
        f"from {result.files} files → {args.store} (build {result.build_id})"
    )
    return 0


def _build_remote(args) -> int:
    target = open_store(endpoint=args.target, update_endpoint=args.target_update,
                        store_endpoint=args.target_store, auth=auth_from(os.environ),
                        read_only=False, timeout=args.target_timeout)
    with err.status("Building the graph into the SPARQL engine…") as status:
        result = build_remote(target, extra=args.load, step=_step(status))
    err.print(
        f"[green]Loaded[/green] {result.quads} quads in {result.graphs} named graphs "
        f"from {result.files} files → {args.target} (build {result.build_id})"
    )
    return 0


def cmd_validate(args) -> int:
    with err.status("Validating…") as status:
        sources = sources_with(args.load)
        store = EmbeddedStore()
        validated_load(store, sources, step=_step(status))
    err.print(f"[green]Valid[/green]: {len(store)} quads from {len(sources)} files conform.")
    return 0


def _open(args) -> GraphStore:
    return open_store(args.store, read_only=True)


def _query_file(arg: str) -> Path | None:
    """The .rq file the argument names (a path, or a catalogue query's name); None: SPARQL text."""
    candidates = [Path(arg)]
    if "/" not in arg:
        candidates.append(queries.QUERIES / "catalogue" / f"{arg}.rq")
    try:
        return next((path for path in candidates if path.is_file()), None)
    except (OSError, ValueError):  # query text too long or odd to be a file name
        return None


def cmd_query(args) -> int:
    text, path = args.query, _query_file(args.query)
    substitutions = {}
    if path:
        qf = queries.load(path)
        text = qf.text
        given = dict(p.partition("=")[::2] for p in args.param)
        try:
            unknown = set(given) - {p.name for p in qf.params}
            if unknown:
                raise queries.ParamError(f"{path.name} has no parameter {', '.join(unknown)}")
            # left out: the default of the #+ param: line, or unbound with --unbound
            substitutions = qf.bind(given, defaults=not args.unbound)
        except (queries.ParamError, queries.HeaderError) as exc:
            raise QueryError(str(exc)) from exc
    elif args.param or args.unbound:
        raise QueryError("--param and --unbound need a .rq file or a catalogue query name")
    store = _open(args)
    result = store.query(text, substitutions=substitutions)
    out = sys.stdout.buffer
    if isinstance(result, ox.QueryTriples):
        fmt = GRAPH_FORMATS.get(args.format or "turtle")
        if fmt is None or fmt in QUAD_FORMATS:
            raise QueryError(f"--format {args.format} does not apply to CONSTRUCT/DESCRIBE results")
        result.serialize(out, fmt)
    elif args.format in RESULT_FORMATS:
        result.serialize(out, RESULT_FORMATS[args.format])
    elif args.format is None and isinstance(result, ox.QuerySolutions):
        _print_table(result)
    elif args.format is None:
        print("true" if bool(result) else "false")
    else:
        raise QueryError(f"--format {args.format} does not apply to SELECT/ASK results")
    out.flush()
    return 0


def _print_table(solutions: ox.QuerySolutions) -> None:
    names = [v.value for v in solutions.variables]
    table = Table(*names)
    count = 0
    for solution in solutions:
        table.add_row(*(_cell(solution[n]) for n in names))
        count += 1
    Console().print(table)
    err.print(f"{count} row(s)")


def _cell(term) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        return compact(term.value)
    if isinstance(term, ox.Literal) and term.language:
        return f"{term.value} @{term.language}"
    return term.value


def cmd_export(args) -> int:
    store = _open(args)
    data = store.dump(GRAPH_FORMATS[args.format])
    if args.output:
        Path(args.output).write_bytes(data)
        err.print(f"Wrote {len(data)} bytes to {args.output}")
    else:
        sys.stdout.buffer.write(data)
    return 0


def cmd_stats(args) -> int:
    store = _open(args)
    console = Console()
    classes = Table("class", "instances", title="Instances per class / Instanser per klass")
    for row in store.select(queries.internal("class-counts")):
        classes.add_row(compact(row["class"].value), row["count"].value)
    console.print(classes)
    graphs = Table(
        "named graph", "triples", "source", title="Triples per named graph / Tripler per graf"
    )
    for row in store.select(queries.internal("graph-counts")):
        sources = row["source"].value.split() if "source" in row else []
        graphs.add_row(
            compact(row["graph"].value), row["triples"].value, " ".join(map(compact, sources))
        )
    console.print(graphs)
    return 0


def cmd_import_scb(args) -> int:
    try:
        text = import_scb_to_trig(args.file, args.output)
    except ScbFormatError as exc:
        err.print("[red]Refused:[/red]", escape(str(exc)), highlight=False)
        return 1
    if args.output:
        err.print(f"Wrote {args.output}")
    else:
        sys.stdout.write(text)
    return 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="kompetensgraf", description=__doc__)
    sub = p.add_subparsers(dest="command", required=True)

    def with_store(sp):
        sp.add_argument("--store", type=Path, default=DEFAULT_STORE, help="built store directory")
        return sp

    b = with_store(sub.add_parser("build", help="validate and (re)build the store atomically"))
    b.add_argument("--load", type=Path, action="append", default=[], help="extra RDF file")
    b.add_argument("--target", metavar="URL",
                   help="load into this SPARQL 1.1 query endpoint instead of a local store")
    b.add_argument("--target-update", metavar="URL", help="its update endpoint (default: --target)")
    b.add_argument("--target-store", metavar="URL", help="its Graph Store Protocol endpoint")
    b.add_argument("--target-timeout", type=float, default=300.0, help="seconds per request")
    b.set_defaults(func=cmd_build)

    v = sub.add_parser("validate", help="SHACL and check queries, with a readable report")
    v.add_argument("--load", type=Path, action="append", default=[], help="extra RDF file")
    v.set_defaults(func=cmd_validate)

    q = with_store(sub.add_parser("query", help="run a SPARQL query (text or .rq file)"))
    q.add_argument("query", help="SPARQL text, a path to a .rq file or a catalogue query's name")
    q.add_argument("--param", action="append", default=[], metavar="NAME=VALUE",
                   help="a parameter of the .rq file (#+ param:), bound by substitution; "
                   "one left out takes its header's default")
    q.add_argument("--unbound", action="store_true",
                   help="leave the parameters not given with --param unbound (no defaults)")
    q.add_argument(
        "--format", choices=sorted(set(RESULT_FORMATS) | set(GRAPH_FORMATS) - {"trig", "nquads"})
    )
    q.set_defaults(func=cmd_query)

    e = with_store(sub.add_parser("export", help="the whole dataset with every named graph"))
    e.add_argument("--format", choices=["nquads", "trig"], default="trig")
    e.add_argument("-o", "--output", help="file to write (default: standard output)")
    e.set_defaults(func=cmd_export)

    s = with_store(sub.add_parser("stats", help="counts per class and per named graph"))
    s.set_defaults(func=cmd_stats)

    i = sub.add_parser("import-scb", help="convert an SCB code list of län and kommuner to TriG")
    i.add_argument("file", type=Path, help="SCB code list (CSV: Code;Name or Kod;Benämning)")
    i.add_argument(
        "-o", "--output", type=Path, help="TriG file to write (default: standard output)"
    )
    i.set_defaults(func=cmd_import_scb)

    r = with_store(sub.add_parser(
        "serve", help="serve the SPARQL endpoint and browser (waitress; granian for --processes)"
    ))
    r.add_argument("--host", default="127.0.0.1")
    r.add_argument("--port", type=int, default=5000)
    r.add_argument("--load", type=Path, action="append", default=[], help="extra RDF file")
    r.add_argument("--timeout", type=float, help="query timeout in seconds (KG_QUERY_TIMEOUT)")
    r.add_argument("--processes", type=int,
                   help="serving processes (KG_PROCESSES; default 1; 0: one per CPU core)")
    r.add_argument("--workers", type=int, help="query worker processes (KG_WORKERS)")
    r.add_argument("--max-concurrent", type=int, help="running + waiting (KG_MAX_CONCURRENT)")
    r.add_argument("--max-rows", type=int, help="rows per answer (KG_MAX_ROWS)")
    r.add_argument("--endpoint", metavar="URL",
                   help="serve a SPARQL 1.1 engine instead of --store (KG_ENDPOINT)")
    r.add_argument("--update-endpoint", metavar="URL", help="its update endpoint")
    r.add_argument("--store-endpoint", metavar="URL", help="its Graph Store Protocol endpoint")
    r.set_defaults(func=cmd_serve)
    return p


def cmd_serve(args) -> int:
    from service.server import serve  # the web layer, only to serve: graph never imports it
    from service.settings import SETTINGS

    config = {}
    for setting in SETTINGS:  # each setting with a serve option (--store, --load, --timeout…)
        value = getattr(args, setting.option.removeprefix("--").replace("-", "_"), None)
        if setting.option and value is not None:
            config[setting.name] = [str(v) for v in value] if isinstance(value, list) else (
                str(value) if isinstance(value, Path) else value)
    return serve(args.host, args.port, config)


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except BuildError as exc:
        err.print("[red]Refused:[/red]", escape(str(exc)), highlight=False)
        return 1
    except QueryError as exc:
        err.print("[red]Query error:[/red]", escape(str(exc)), highlight=False)
        return 2
    except StoreError as exc:
        err.print("[red]Store error:[/red]", escape(str(exc)), highlight=False)
        return 3


if __name__ == "__main__":
    sys.exit(main())
