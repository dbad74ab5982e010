"""Benchmark: loading a researcher's file, side by side with ``oxigraph load``.

    .venv/bin/python benchmarks/bench_load.py [--triples 1000000] [--rounds 3] [--validate 100000]

What it does, on loopback and in a temporary directory:

1. writes a synthetic researcher's file of ``--triples`` N-Triples in standard vocabularies
   (foaf:, schema:, org:, skos:) in the researcher's own namespace, with Swedish text;
2. ``oxigraph load`` of that file into a fresh database (the engine's own bulk load into its
   default graph), and ``oxigraph load --graph`` (into a named graph), timed with their peak RSS;
3. ``kompetensgraf serve --store <project build> --load <file>`` (waitress): the time from the
   start of the process to its first SPARQL answer, and the serving process's peak RSS (VmHWM) —
   the file goes into a named graph *and* into the merge (the default graph);
4. the same file with blank nodes (the memberships), which takes the loader's other way;
   steps 2–4 run in ``--rounds`` interleaved rounds, so that other load on the machine hits
   them alike, and the ratios are given per round and as their median;
5. the build's validation (parse, load, SHACL, check queries: seconds per phase) of the project
   with and without a ``--validate``-triple researcher's file (blank nodes, and statements about
   the project's own organisations): the difference is what the file costs.

It prints the times, the peak RSS and the ratios to ``oxigraph load`` (target: serving ≤ 2× its
time). It is a measurement script, not a test: it asserts nothing.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(ROOT), str(HERE)]

import pyoxigraph as ox  # noqa: E402
from bench_sparql import bench_store, free_port, stop  # noqa: E402

from graph.build import sources_with, validated_load  # noqa: E402
from graph.embedded import EmbeddedStore  # noqa: E402

BIN = Path(sys.executable).parent
EX = "https://forskning.example.org/"
RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
FOAF, SCHEMA = "http://xmlns.com/foaf/0.1/", "https://schema.org/"
ORG, SKOS = "http://www.w3.org/ns/org#", "http://www.w3.org/2004/02/skos/core#"
#: Organisations of the project's own graph that the file says something about.
OURS = ["tillvaxtverket", "region-lan-14", "valideringsdelegationen"]


def synthetic(triples: int, path: Path, *, blank_nodes: bool = False, ours: int = 0) -> Path:
    """A researcher's file: people, their memberships and roles, their topics (10 triples a
    person); ``ours`` statements about the project's organisations (``schema:employee``)."""
    with path.open("w", encoding="utf-8") as out:
        written, i = 0, 0
        while written < triples:
            person, org = f"<{EX}person/{i}>", f"<{EX}org/{i % 500}>"
            role, topic = f"<{EX}roll/{i % 40}>", f"<{EX}amne/{i % 300}>"
            member = f"_:m{i}" if blank_nodes else f"<{EX}medlemskap/{i}>"
            lines = [
                f"{person} {RDF_TYPE} <{FOAF}Person> .",
                f'{person} <{FOAF}name> "Forskare {i}, Åsa Öberg"@sv .',
                f"{person} <{SCHEMA}knowsAbout> {topic} .",
                f"{member} {RDF_TYPE} <{ORG}Membership> .",
                f"{member} <{ORG}member> {person} .",
                f"{member} <{ORG}organization> {org} .",
                f"{member} <{ORG}role> {role} .",
                f"{role} {RDF_TYPE} <{ORG}Role> .",
                f"{topic} {RDF_TYPE} <{SKOS}Concept> .",
                f'{topic} <{SKOS}prefLabel> "Ämne {i % 300}"@sv .',
            ]
            if i < ours:
                ours_iri = f"<https://w3id.org/kompetensgraf/id/{OURS[i % len(OURS)]}>"
                lines[2] = f"{ours_iri} <{SCHEMA}employee> {person} ."
            lines = lines[: triples - written]
            out.write("\n".join(lines) + "\n")
            written += len(lines)
            i += 1
    return path


def oxigraph_load(data: Path, workdir: Path, *extra: str) -> tuple[float, float]:
    """Seconds and peak RSS (MB) of ``oxigraph load`` into a fresh database."""
    location = workdir / f"oxigraph-{len(list(workdir.iterdir()))}"
    command = [str(BIN / "oxigraph"), "load", "--location", str(location), "--file", str(data)]
    start = time.perf_counter()
    proc = subprocess.Popen([*command, *extra], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    _pid, status, usage = _wait4(proc)
    seconds = time.perf_counter() - start
    if status != 0:
        raise RuntimeError(f"oxigraph load failed ({status})")
    shutil.rmtree(location, ignore_errors=True)
    return seconds, usage.ru_maxrss / 1024


def _wait4(proc: subprocess.Popen):
    pid, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    return pid, proc.returncode, usage


def serve_first_answer(store: Path, data: Path, workdir: Path) -> tuple[float, float]:
    """Seconds from starting ``kompetensgraf serve --load`` to its first SPARQL answer, and the
    serving process's peak RSS (MB)."""
    port = free_port()
    command = [sys.executable, "-m", "graph.cli", "serve", "--store", str(store), "--port",
               str(port), "--load", str(data)]
    env = {**os.environ, "KG_DATA_DIR": str(workdir / "serving")}
    start = time.perf_counter()
    proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    last = ox.NamedNode(f"{EX}person/0")  # the file's first subject, asked of the merge
    query = urllib.parse.urlencode({"query": f"ASK {{ {last} ?p ?o }}"})
    try:
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"the server exited with {proc.returncode}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
                conn.request("GET", f"/sparql?{query}",
                             headers={"Accept": "application/sparql-results+json"})
                answer = json.loads(conn.getresponse().read())
                if answer.get("boolean") is not True:
                    raise RuntimeError(f"the server answered without the file: {answer}")
                break
            except OSError:
                time.sleep(0.1)
        seconds = time.perf_counter() - start
        peak = _peak_rss(proc.pid)
    finally:
        stop(proc)
    return seconds, peak


def _peak_rss(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def validation_phases(extra: list[Path]) -> dict[str, float]:
    """Seconds of each phase of the build's validation (in memory): parsing the project,
    loading, SHACL, the check queries."""
    marks: list[tuple[float, str]] = []
    validated_load(EmbeddedStore(), sources_with(extra),
                   step=lambda message: marks.append((time.perf_counter(), message)))
    marks.append((time.perf_counter(), "end"))
    phases = {"parse": 0.0, "load": 0.0, "shacl": 0.0, "checks": 0.0}
    names = {"Parsing": "parse", "Loading": "load", "Merging": "load", "Validating": "shacl",
             "Running": "checks"}
    for (start, message), (end, _next) in zip(marks, marks[1:], strict=False):
        phases[names[message.split()[0]]] += end - start
    return phases


def _median(values: list[float]) -> str:
    return f"{statistics.median(values):.2f}× ({min(values):.2f}–{max(values):.2f})"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--triples", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--validate", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kg-bench-load-") as tmp:
        work = Path(tmp)
        (work / "engines").mkdir()
        store = bench_store(work / "build")
        data = synthetic(args.triples, work / "forskning.nt")
        blank = synthetic(args.triples, work / "forskning-blanka.nt", blank_nodes=True)
        print(f"{args.triples} triples, {data.stat().st_size / 1e6:.0f} MB of N-Triples")
        ratios: dict[str, list[float]] = {"serve": [], "graph": [], "blank": []}
        for round_ in range(1, args.rounds + 1):
            print(f"round {round_} (load average {os.getloadavg()[0]:.1f})")
            ox_s, ox_rss = oxigraph_load(data, work / "engines")
            print(f"  oxigraph load                 {ox_s:7.1f} s   peak RSS {ox_rss:6.0f} MB")
            oxg_s, oxg_rss = oxigraph_load(data, work / "engines", "--graph", EX + "g")
            print(f"  oxigraph load --graph         {oxg_s:7.1f} s   peak RSS {oxg_rss:6.0f} MB")
            ours_s, ours_rss = serve_first_answer(store, data, work)
            print(f"  kompetensgraf serve --load    {ours_s:7.1f} s   peak RSS {ours_rss:6.0f} MB"
                  f"   {ours_s / ox_s:.2f}× oxigraph load (target ≤ 2×),"
                  f" {ours_s / oxg_s:.2f}× into a graph")
            blank_s, blank_rss = serve_first_answer(store, blank, work)
            print(f"  … with blank nodes            {blank_s:7.1f} s   peak RSS {blank_rss:6.0f} MB"
                  f"   {blank_s / ox_s:.2f}× oxigraph load")
            ratios["serve"].append(ours_s / ox_s)
            ratios["graph"].append(ours_s / oxg_s)
            ratios["blank"].append(blank_s / ox_s)
        print("median of the rounds (range): serve --load "
              + ", ".join(f"{name} {_median(values)}" for name, values in (
                  ("÷ oxigraph load", ratios["serve"]), ("÷ load --graph", ratios["graph"]),
                  ("with blank nodes ÷ oxigraph load", ratios["blank"]))))
        small = synthetic(args.validate, work / "forskning-liten.nt", blank_nodes=True,
                          ours=args.validate // 100)
        without, with_file = validation_phases([]), validation_phases([small])
        own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"{args.validate} triples validated as the build does (seconds per phase)")
        print("                                 parse    load   SHACL  checks   total")
        for name, phases in (("the project alone", without), ("with the file", with_file)):
            cells = "".join(f"{v:8.1f}" for v in phases.values())
            print(f"  {name:28}{cells}{sum(phases.values()):8.1f}")
        extra = sum(with_file.values()) - sum(without.values())
        print(f"  the file adds {extra:.1f} s; peak RSS of this process {own:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
