"""A synthetic graph shaped like the project's, of any size: for benchmarks only.

Nothing in it is a fact: the IRIs are under ``https://example.org/kg-synthetic/`` and the labels
are made of generated syllables (with the words the benchmark's label search looks for mixed in).
It has what the benchmark's queries use: entities of a few dozen classes, each described in one or
two source graphs (labels in Swedish and English, a notation, a number, links to other entities),
each graph derived from a source document (``prov:wasDerivedFrom``), and the default graph as the
merge of the named graphs, as a build has it. It is written into a temporary store directory of
the build's layout and never into the repository.
"""

from __future__ import annotations

import random
from pathlib import Path

import pyoxigraph as ox

BASE = "https://example.org/kg-synthetic/"
RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
LABEL = "<http://www.w3.org/2000/01/rdf-schema#label>"
NOTATION = "<http://www.w3.org/2004/02/skos/core#notation>"
DERIVED = "<http://www.w3.org/ns/prov#wasDerivedFrom>"
INTEGER = "<http://www.w3.org/2001/XMLSchema#integer>"
WORDS = ["region", "kommun", "förbund", "validering", "kompetens", "län", "myndighet", "råd"]
SYLLABLES = ["ska", "ra", "borg", "fyr", "bo", "dal", "sjö", "hä", "rad", "väst", "norr", "å"]
#: triples per entity: type, two labels, notation, number, five links
PER_ENTITY = 10
ENTITIES_PER_GRAPH = 100


def _iri(kind: str, n: int) -> str:
    return f"<{BASE}{kind}/{n}>"


def _entity(rng: random.Random, n: int, entities: int) -> list[str]:
    """The triples (N-Triples lines without the final dot) of entity ``n``."""
    name = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))).capitalize()
    word = rng.choice(WORDS)
    s = _iri("id", n)
    out = [
        f"{s} {RDF_TYPE} {_iri('class', rng.randrange(40))}",
        f'{s} {LABEL} "{name} {word}"@sv',
        f'{s} {LABEL} "{name} {word} ({n})"@en',
        f'{s} {NOTATION} "{n:07d}"',
        f'{s} {_iri("def", 0)} "{rng.randrange(10_000)}"^^{INTEGER}',
    ]
    out += [
        f"{s} {_iri('def', 1 + rng.randrange(12))} {_iri('id', rng.randrange(entities))}"
        for _ in range(PER_ENTITY - len(out))
    ]
    return out


def write_nquads(path: Path, triples: int, seed: int = 20261203) -> int:
    """Write about ``triples`` quads in named graphs, then their merge as the default graph
    (N-Triples lines), to ``path``; returns the number of quads in named graphs."""
    rng = random.Random(seed)
    entities = max(1, triples // PER_ENTITY)
    graphs = max(1, entities // ENTITIES_PER_GRAPH)
    quads = 0
    with path.open("w", encoding="utf-8") as out:
        for n in range(entities):
            lines = _entity(rng, n, entities)
            graph = n % graphs
            # one entity in ten is also stated by a second source: the merge keeps it once
            places = [graph] if rng.random() >= 0.1 else [graph, (graph + 1) % graphs]
            for g in places:
                quads += len(lines)
                out.writelines(f"{line} {_iri('graph', g)} .\n" for line in lines)
            out.writelines(f"{line} .\n" for line in lines)
        for g in range(graphs):
            fact = f"{_iri('graph', g)} {DERIVED} {_iri('document', g)}"
            out.write(f"{fact} {_iri('graph', 'meta')} .\n{fact} .\n")
            quads += 1
    return quads


def synthetic_store(path: Path, triples: int, db_dir: str) -> Path:
    """A store directory of the build's layout (``path/db_dir``) holding a synthetic graph of
    about ``triples`` quads with its merge."""
    (path / db_dir).mkdir(parents=True)
    dump = path.parent / "synthetic.nq"
    write_nquads(dump, triples)
    store = ox.Store(str(path / db_dir))
    store.bulk_load(path=str(dump), format=ox.RdfFormat.N_QUADS)
    store.flush()
    del store
    dump.unlink()
    return path
