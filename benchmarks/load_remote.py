"""Load test: our service in front of Oxigraph server (the remote backend), on loopback.

    .venv/bin/python benchmarks/load_remote.py [--clients 8] [--seconds 20] [--workers 2]

What it does, all on 127.0.0.1, bounded in time (``--seconds`` per setup) and stopping by itself:

1. loads the project's sources into a fresh Oxigraph server (``oxigraph serve``, its own default
   graph holding the merge, started as the tests start it) through ``RemoteStore.publish`` —
   the same staged upload and one-request switch as ``build --target``, without the SHACL run so
   that it also works while the data is being edited;
2. serves it with ``kompetensgraf serve --endpoint …`` (waitress, one process) with the answer
   cache off and on, and with granian (``--workers`` processes, ``service.app:create_app``,
   cache on) — the deployment the README describes;
3. drives the query mix of ``bench_sparql.py`` (one entity, its links, its sources, a label
   search, counts per class) from ``--clients`` threads against each, and against Oxigraph
   server directly, in interleaved rounds; prints requests/s, p50/p95 latency and errors.

It is a measurement script, not a test: it asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pyoxigraph as ox

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(ROOT), str(HERE), str(ROOT / "tests")]

from bench_sparql import Run, bench_store, drive, free_port, requests_for, stop, table, wait_for  # noqa: E402
from engines import start_oxigraph  # noqa: E402

from graph.backends import open_store  # noqa: E402
from graph.namespaces import GRAPH  # noqa: E402


def fill(engine, store_path: Path) -> int:
    """The bench store's named graphs into the engine, as build --target publishes them."""
    local = open_store(store_path)
    graphs = {g: local.dump(ox.RdfFormat.N_TRIPLES, g) for g in local.named_graphs()}
    local.close()
    engine.open(read_only=False).publish(graphs, GRAPH, "load-test", step=lambda _m: None)
    return len(graphs)


def start(command: list[str], env: dict[str, str], log: Path, port: int) -> subprocess.Popen:
    with log.open("ab") as handle:
        proc = subprocess.Popen(command, cwd=ROOT, env={**os.environ, **env},
                                stdout=handle, stderr=subprocess.STDOUT)
    wait_for(port, proc, "/sparql")
    return proc


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=20.0, help="per setup, in all rounds")
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2, help="granian worker processes")
    parser.add_argument("--requests", type=int, default=2000, help="distinct requests in the mix")
    parser.add_argument("--seed", type=int, default=20261123)
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="kg-load-remote-"))
    procs: list[subprocess.Popen] = []
    engine = None
    try:
        store = bench_store(workdir / "store")
        work = requests_for(store, args.requests, args.seed)
        engine = start_oxigraph(workdir, free_port())
        graphs = fill(engine, store)
        env = {"KG_ENDPOINT": engine.query_url, "KG_UPDATE_ENDPOINT": engine.update_url,
               "KG_STORE_ENDPOINT": engine.store_url}
        ox_port = int(engine.query_url.rsplit(":", 1)[1].split("/")[0])
        targets = [(Run("oxigraph serve (direct)"), ox_port, "/query")]
        for label, cache in (("waitress, no cache", "0"), ("waitress, cache", "4096")):
            port = free_port()
            serve = [sys.executable, "-m", "graph.cli", "serve", "--port", str(port)]
            procs.append(start(serve, {**env, "KG_CACHE_SIZE": cache}, workdir / "serve.log", port))
            targets.append((Run(f"kompetensgraf {label}"), port, "/sparql"))
        port = free_port()
        granian = [str(Path(sys.executable).with_name("granian")), "--interface", "wsgi",
                   "--factory", "--workers", str(args.workers), "--blocking-threads", "4",
                   "--host", "127.0.0.1", "--port", str(port), "service.app:create_app"]
        procs.append(start(granian, {**env, "KG_CACHE_SIZE": "4096"}, workdir / "granian.log",
                           port))
        targets.append((Run(f"granian {args.workers}x4, cache"), port, "/sparql"))
        print(f"{graphs} graphs in Oxigraph server; {len(work)} requests in the mix, "
              f"{args.clients} clients, {args.seconds:g} s per setup, {os.cpu_count()} CPU cores")

        for _, port, path in targets:  # warm-up: caches and connections
            drive("warm-up", port, path, work, args.clients, 2.0)
        for round_ in range(args.rounds):  # interleaved: other load on the machine hits all alike
            for offset in range(len(targets)):
                total, port, path = targets[(round_ + offset) % len(targets)]
                total.add(drive(total.label, port, path, work, args.clients,
                                args.seconds / args.rounds))
        print()
        table([run for run, _, _ in targets])
    finally:
        for proc in procs:
            if proc.poll() is None:
                stop(proc)
        if engine is not None:
            engine.stop()
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
