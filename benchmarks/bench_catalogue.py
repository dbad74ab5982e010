"""Benchmark: how long each catalogue query takes on the embedded store, bound and unbound.

    .venv/bin/python benchmarks/bench_catalogue.py [--store var/store] [--repeat 5] [NAME…] [F.rq…]

Runs every query of ``queries/catalogue/`` that needs no network (whatever files are there; or
the NAMEs given) on the built store (``--store``; without one it loads the project graph into a
temporary directory), in-process with pyoxigraph as the service and ``kompetensgraf query`` run
it: once with its header's default parameters (``#+ param:``) and once with no parameter bound
(``kompetensgraf query NAME --unbound``), each ``--repeat`` times after one warm-up run. Prints a
table of the rows and the median wall-clock and CPU seconds (reading the whole answer) of each,
the slowest first, with the machine's load average — other load slows the wall-clock figures most.
A ``F.rq`` (any catalogue file, say an earlier version of one written out with ``git show``) is
measured the same way in the same run, named by its path: a rewrite compared with what it replaces.
It is a measurement script, not a test: it asserts nothing (the target: every query under 1 s).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench_sparql import bench_store  # noqa: E402

from graph import queries  # noqa: E402
from graph.backends import open_store  # noqa: E402


def measure(store, qf, values, repeat: int) -> tuple[float, float, int]:
    """Median wall-clock and CPU seconds of ``repeat`` runs (after one warm-up), and the answer's
    size. pyoxigraph evaluates in the calling thread, so the CPU time is the query's own work,
    which other load on the machine changes less than the wall-clock time."""
    _, size = queries.timed(store, qf, values)
    walls, cpus = [], []
    for _ in range(repeat):
        cpu = time.process_time()
        walls.append(queries.timed(store, qf, values)[0])
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus), size


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", type=Path, default=ROOT / "var" / "store")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs of each (median)")
    parser.add_argument("names", nargs="*", help="only these queries; F.rq: that file too")
    args = parser.parse_args()
    files = [queries.load(Path(n)) for n in args.names if n.endswith(".rq")]
    names = [n for n in args.names if not n.endswith(".rq")]
    chosen = [(q.name, q) for q in queries.local() if not args.names or q.name in names]
    chosen += [(str(q.path), q) for q in files]
    workdir = Path(tempfile.mkdtemp(prefix="kg-bench-catalogue-"))
    try:
        path = args.store
        if not (path.resolve() / "oxigraph").is_dir():
            print(f"no built store at {path}: loading the project graph into {workdir}")
            path = bench_store(workdir / "store")
        store = open_store(path)
        rows = []
        for name, qf in chosen:
            bound = measure(store, qf, qf.bind(), args.repeat)
            unbound = bound  # a query without parameters is the same query
            if qf.params:
                unbound = measure(store, qf, qf.bind(defaults=False), args.repeat)
            rows.append((name, bound, unbound))
        store.close()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"{len(rows)} catalogue queries, median of {args.repeat} runs, store {path},"
          f" {os.cpu_count()} CPUs, load average {load}")
    width = max([28, *(len(name) for name, _, _ in rows)])
    print(f"{'query':<{width}} {'defaults: s':>11} {'CPU s':>6} {'rows':>6}"
          f" {'unbound: s':>11} {'CPU s':>6} {'rows':>6}")
    for name, (bs, bc, bn), (us, uc, un) in sorted(rows, key=lambda r: -max(r[1][0], r[2][0])):
        print(f"{name:<{width}} {bs:>11.3f} {bc:>6.3f} {bn:>6} {us:>11.3f} {uc:>6.3f} {un:>6}")
    slowest = max((max(b[0], u[0]), name) for name, b, u in rows) if rows else (0.0, "-")
    total = sum(b[0] + u[0] for _, b, u in rows)
    print(f"slowest: {slowest[1]} {slowest[0]:.3f} s; all together {total:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
