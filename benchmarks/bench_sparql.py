"""Benchmark: our SPARQL service against Oxigraph server, side by side, on the same data.

    .venv/bin/python benchmarks/bench_sparql.py [--store var/store] [--clients 8] [--seconds 20]

What it does, all on loopback, once on the project's graph and once on a synthetic graph of
``--synthetic`` quads (default 1,000,000; :mod:`synthetic`, written to a temporary directory):

1. takes the built store (``--store``; without one it loads the project graph into a temporary
   directory), dumps it to N-Quads with the merge of the named graphs as its default graph and
   loads that into a fresh Oxigraph server database (``oxigraph load``), served by ``oxigraph
   serve-read-only`` so that both engines see the same default graph (the merge);
2. starts ``kompetensgraf serve`` on the same store twice: with the answer cache off
   (``KG_CACHE_SIZE=0``, every query evaluated) and on (warmed by one pass over the mix first);
3. runs the same seeded mix of realistic queries (``benchmarks/queries/*.rq``: one entity's
   statements, its incoming links, its sources, a label search, counts per class) from
   ``--clients`` threads with keep-alive connections for ``--seconds`` against each (in
   ``--rounds`` interleaved rounds, so that other load on the machine hits all alike), and prints
   requests per second, p50/p95 latency overall and for single-entity queries, and the ratios:
   of the pooled runs, and the median (with the range) of the ratios of the single rounds;
4. first checks that both answer alike: the same number of solutions for a sample of the mix.

Targets (issue 14, :data:`TARGETS`): uncached throughput ≥ 0.6× Oxigraph server on the project's
graph and ≥ 0.9× on the synthetic one, single-entity p95 ≤ 1.5× Oxigraph's, and ≥ 1.5× with the
answer cache warm. It is a measurement script, not a test: it asserts nothing.
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.synthetic import synthetic_store  # noqa: E402
from graph.backends import open_store  # noqa: E402
from graph.queries import load as load_query  # noqa: E402

QUERIES = Path(__file__).parent / "queries"
BIN = Path(sys.executable).parent
MIX = [
    ("entity", 45),
    ("incoming", 15),
    ("provenance", 15),
    ("label-search", 15),
    ("class-counts", 10),
]
SINGLE_ENTITY = {"entity", "incoming", "provenance"}
#: the issue's targets per graph: (uncached throughput, cache-warm throughput) as ratios to
#: Oxigraph server; single-entity p95 at most P95_TARGET × Oxigraph's
TARGETS = {"project": (0.6, 1.5), "synthetic": (0.9, 1.5)}
P95_TARGET = 1.5
TERMS = ["region", "kommun", "förbund", "valider", "kompetens", "län", "myndighet", "råd"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(port: int, proc: subprocess.Popen, path: str = "/", seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server on port {port} exited with {proc.returncode}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", path)
            conn.getresponse().read()
            return
        except OSError:
            time.sleep(0.2)
    raise TimeoutError(f"server on port {port} did not answer")


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


# --- the query mix ------------------------------------------------------------------------------
def templates() -> dict[str, str]:
    return {name: load_query(QUERIES / f"{name}.rq").text for name, _ in MIX}


def bind(text: str, var: str, term: ox.NamedNode | ox.Literal) -> str:
    """``VALUES ?var { term }`` as the first pattern of the query's ``WHERE`` group, where it
    binds the variable before the patterns and filters that use it (appended after the query it
    would be joined at the end: a scan of the whole graph and a filter on an unbound variable).
    The term is serialised by pyoxigraph, never formatted."""
    head, where, rest = text.partition("WHERE {")
    if not where:
        raise ValueError("a benchmark query needs a WHERE { group")
    return f"{head}WHERE {{\n  VALUES ?{var} {{ {term} }}{rest}"


def requests_for(store_path: Path, count: int, seed: int) -> list[tuple[str, str]]:
    store = open_store(store_path, read_only=True)
    entities = [row["s"] for row in store.select(load_query(QUERIES / "entities.rq").text)]
    store.close()
    if not entities:
        raise SystemExit("the store has no entities to query")
    texts = templates()
    rng = random.Random(seed)
    names = [name for name, weight in MIX for _ in range(weight)]
    out = []
    for _ in range(count):
        name = rng.choice(names)
        text = texts[name]
        if name in SINGLE_ENTITY:
            text = bind(text, "entity", rng.choice(entities))
        elif name == "label-search":
            text = bind(text, "term", ox.Literal(rng.choice(TERMS)))
        out.append((name, text))
    return out


# --- load generation ----------------------------------------------------------------------------
@dataclass
class Run:
    label: str
    seconds: float = 0.0
    latencies: dict[str, list[float]] = field(default_factory=dict)
    errors: int = 0

    def add(self, other: Run) -> None:
        self.seconds += other.seconds
        self.errors += other.errors
        for name, values in other.latencies.items():
            self.latencies.setdefault(name, []).extend(values)

    @property
    def total(self) -> int:
        return sum(len(v) for v in self.latencies.values())

    @property
    def throughput(self) -> float:
        return self.total / self.seconds if self.seconds else 0.0

    def percentile(self, q: float, kinds: set[str] | None = None) -> float:
        values = sorted(
            v for k, vs in self.latencies.items() if kinds is None or k in kinds for v in vs
        )
        if not values:
            return float("nan")
        return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1] * 1000


def drive(
    label: str, port: int, path: str, work: list[tuple[str, str]], clients: int, seconds: float
) -> Run:
    run = Run(label)
    lock = threading.Lock()
    deadline = time.monotonic() + seconds
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "Accept": "application/sparql-results+json",
    }

    def client(offset: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        i = offset
        mine: dict[str, list[float]] = {}
        errors = 0
        while time.monotonic() < deadline:
            name, text = work[i % len(work)]
            i += clients
            body = urllib.parse.urlencode({"query": text})
            start = time.perf_counter()
            try:
                conn.request("POST", path, body=body, headers=headers)
                response = conn.getresponse()
                response.read()
                ok = response.status == 200
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                ok = False
            elapsed = time.perf_counter() - start
            if ok:
                mine.setdefault(name, []).append(elapsed)
            else:
                errors += 1
        conn.close()
        with lock:
            for name, values in mine.items():
                run.latencies.setdefault(name, []).extend(values)
            run.errors += errors

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    begin = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    run.seconds = time.monotonic() - begin
    return run


def bench_store(path: Path) -> Path:
    """The project's sources in a store of the build's layout. Measurement only: it skips the
    build's validation, so that a benchmark can run while the data is being edited."""
    from graph.build import load_into, sources_with
    from graph.embedded import DB_DIR, EmbeddedStore

    (path / DB_DIR).mkdir(parents=True)
    store = EmbeddedStore(path, read_only=False)
    load_into(store.raw, sources_with(), step=lambda _m: None)
    store.raw.flush()
    store.close()
    return path


# --- the engines --------------------------------------------------------------------------------
def start_oxigraph(store_path: Path, workdir: Path) -> tuple[subprocess.Popen, int]:
    dump = workdir / "dump.nq"
    store = open_store(store_path, read_only=True)
    # the named graphs, then the merge (N-Triples lines are N-Quads of the default graph)
    dump.write_bytes(store.dump(ox.RdfFormat.N_QUADS) + store.dump(ox.RdfFormat.N_TRIPLES))
    store.close()
    location = workdir / "oxigraph-server"
    subprocess.run(
        [str(BIN / "oxigraph"), "load", "--location", str(location), "--file", str(dump)],
        check=True,
        capture_output=True,
    )
    port = free_port()
    proc = subprocess.Popen(
        [
            str(BIN / "oxigraph"),
            "serve-read-only",
            "--location",
            str(location),
            "--bind",
            f"127.0.0.1:{port}",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wait_for(port, proc, "/query?query=ASK%7B%7D")
    return proc, port


def start_ours(
    store_path: Path, cache: bool, log: Path, processes: int = 1
) -> tuple[subprocess.Popen, int]:
    port = free_port()
    env = {**os.environ, "KG_CACHE_SIZE": "4096" if cache else "0"}
    with log.open("ab") as handle:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "graph.cli",
                "serve",
                "--store",
                str(store_path),
                "--port",
                str(port),
                "--processes",
                str(processes),
            ],
            cwd=ROOT,
            env=env,
            stdout=handle,
            stderr=subprocess.STDOUT,
        )
    wait_for(port, proc, "/sparql")
    return proc, port


def table(runs: list[Run]) -> None:
    print(
        f"{'run':<28}{'requests':>9}{'errors':>8}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}"
        f"{'entity p95':>12}"
    )
    for run in runs:
        print(
            f"{run.label:<28}{run.total:>9}{run.errors:>8}{run.throughput:>9.1f}"
            f"{run.percentile(50):>9.2f}{run.percentile(95):>9.2f}"
            f"{run.percentile(95, SINGLE_ENTITY):>12.2f}"
        )


def ratios(ours: Run, base: Run, target: float, name: str) -> None:
    tp = ours.throughput / base.throughput
    p50 = ours.percentile(50) / base.percentile(50)
    p95 = ours.percentile(95) / base.percentile(95)
    entity = ours.percentile(95, SINGLE_ENTITY) / base.percentile(95, SINGLE_ENTITY)
    verdict = "met" if tp >= target else "MISSED"
    print(
        f"{name:<24} throughput {tp:5.2f}x (target >= {target}x: {verdict})   "
        f"p50 {p50:5.2f}x   p95 {p95:5.2f}x   single-entity p95 {entity:5.2f}x "
        f"(target <= {P95_TARGET}x: {'met' if entity <= P95_TARGET else 'MISSED'})"
    )


def round_ratios(rounds: list[tuple[Run, Run, Run]]) -> None:
    """The median (and range) over the rounds of each round's own ratios to Oxigraph."""
    for index, name in ((1, "uncached"), (2, "cache warm")):
        tp = sorted(r[index].throughput / r[0].throughput for r in rounds if r[0].throughput)
        entity = sorted(
            r[index].percentile(95, SINGLE_ENTITY) / r[0].percentile(95, SINGLE_ENTITY)
            for r in rounds
        )
        print(
            f"{name + ' per round':<24} throughput median {statistics.median(tp):5.2f}x "
            f"({tp[0]:.2f}-{tp[-1]:.2f})   single-entity p95 median "
            f"{statistics.median(entity):5.2f}x ({entity[0]:.2f}-{entity[-1]:.2f})"
        )


def agree(work: list[tuple[str, str]], ports: list[tuple[int, str]], sample: int = 100) -> None:
    """Like with like: every engine gives the same number of solutions to the same queries."""
    import json

    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "Accept": "application/sparql-results+json",
    }
    same = 0
    for _, text in work[:sample]:
        counts = set()
        for port, path in ports:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            conn.request("POST", path, urllib.parse.urlencode({"query": text}), headers)
            counts.add(len(json.loads(conn.getresponse().read())["results"]["bindings"]))
            conn.close()
        same += len(counts) == 1
    print(f"answers agree (number of solutions) on {same} of {sample} sampled queries")


def compare(name: str, store: Path, args: argparse.Namespace, workdir: Path) -> None:
    """One side-by-side comparison on ``store``: Oxigraph server, ours uncached, ours cache warm."""
    work = requests_for(store, args.requests, args.seed)
    print(
        f"\n=== {name}: {len(work)} requests in the mix, {args.clients} clients,"
        f" {args.seconds:g} s per run, {os.cpu_count()} CPU cores,"
        f" {args.processes or os.cpu_count()} serving process(es), store {store}"
    )
    procs: list[subprocess.Popen] = []
    try:
        ox_proc, ox_port = start_oxigraph(store, workdir)
        procs.append(ox_proc)
        cold_proc, cold_port = start_ours(store, False, workdir / "serve.log", args.processes)
        procs.append(cold_proc)
        warm_proc, warm_port = start_ours(store, True, workdir / "serve.log", args.processes)
        procs.append(warm_proc)
        targets = [
            (Run("oxigraph serve"), ox_port, "/query"),
            (Run("kompetensgraf (no cache)"), cold_port, "/sparql"),
            (Run("kompetensgraf (cache warm)"), warm_port, "/sparql"),
        ]
        agree(work, [(port, path) for _, port, path in targets])
        for _, port, path in targets:  # warm-up; fills the cache of the third with the mix
            drive("warm-up", port, path, work, args.clients, max(2.0, args.seconds / 2))
        # Interleaved rounds: the machine's other load hits all three alike.
        rounds = []
        for round_ in range(args.rounds):
            runs: list[Run] = [Run(""), Run(""), Run("")]
            for offset in range(len(targets)):
                index = (round_ + offset) % len(targets)
                total, port, path = targets[index]
                runs[index] = drive(
                    total.label, port, path, work, args.clients, args.seconds / args.rounds
                )
                total.add(runs[index])
            rounds.append((runs[0], runs[1], runs[2]))
        oxigraph, uncached, cached = (t[0] for t in targets)
        print()
        table([oxigraph, uncached, cached])
        print()
        uncached_target, warm_target = TARGETS[name]
        ratios(uncached, oxigraph, uncached_target, "uncached vs oxigraph")
        ratios(cached, oxigraph, warm_target, "cache warm vs oxigraph")
        round_ratios(rounds)
    finally:
        for proc in procs:
            if proc.poll() is None:
                stop(proc)
        shutil.rmtree(workdir / "oxigraph-server", ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", type=Path, default=ROOT / "var" / "store")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--requests", type=int, default=2000, help="distinct requests in the mix")
    parser.add_argument("--seed", type=int, default=20261123)
    parser.add_argument("--rounds", type=int, default=8, help="interleaved rounds per engine")
    parser.add_argument(
        "--processes",
        type=int,
        default=0,
        help="our serving processes (serve --processes; default 0 = one per core, as make run)",
    )
    parser.add_argument(
        "--synthetic",
        type=int,
        default=1_000_000,
        help="quads of the synthetic graph measured after the project's (0: none)",
    )
    parser.add_argument("--synthetic-only", action="store_true", help="skip the project's graph")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="kg-bench-"))
    try:
        store = args.store
        if not (store.resolve() / "oxigraph").is_dir():
            print(f"no built store at {store}: loading the project graph into {workdir}")
            store = bench_store(workdir / "store")
        if not args.synthetic_only:
            compare("project", store, args, workdir)
        if args.synthetic:
            from graph.embedded import DB_DIR

            print(f"\nwriting a synthetic graph of about {args.synthetic:,} quads")
            big = synthetic_store(workdir / "synthetic", args.synthetic, DB_DIR)
            compare("synthetic", big, args, workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
