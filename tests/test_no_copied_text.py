"""No sentence of a source document is pasted into the project: the graph paraphrases and cites.

Every text file the project ships (data, ontology, queries, templates, docs) is scanned for runs of
eight or more consecutive words that also stand in one of the seed documents. Names are shorter
than that; a sentence is not. A document's own title (its first line) may be quoted: citing it is
how the graph names its source.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT.parent / "shared" / "seeds"
RUN = 8
TEXT_SUFFIXES = {".ttl", ".trig", ".rq", ".md", ".html", ".py", ".js", ".json", ".txt", ".csv"}
WORD = re.compile(r"[0-9A-Za-zÅÄÖåäöÉéÜü]+")


def words(text: str) -> list[str]:
    return [w.lower() for w in WORD.findall(text)]


def shingles(tokens: list[str], n: int = RUN) -> set[tuple[str, ...]]:
    return {tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1)}


def seed_shingles() -> set[tuple[str, ...]]:
    found: set[tuple[str, ...]] = set()
    titles: set[tuple[str, ...]] = set()
    for seed in sorted(SEEDS.glob("*.txt")):
        text = seed.read_text(encoding="utf-8")
        found |= shingles(words(text))
        titles |= shingles(words(text.strip().splitlines()[0]))
    return found - titles


def project_files() -> list[Path]:
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    skip = ("tests/test_no_copied_text.py", "package-lock.json")
    return [ROOT / p for p in listed if Path(p).suffix in TEXT_SUFFIXES and p not in skip]


def test_seed_documents_are_present():
    assert len(list(SEEDS.glob("*.txt"))) == 2


def test_the_scan_detects_a_pasted_sentence():
    sample = sorted(SEEDS.glob("*.txt"))[1].read_text(encoding="utf-8").split("\n")
    sentence = next(line for line in sample if len(line.split()) > 20)
    assert shingles(words(sentence)) & seed_shingles()


@pytest.mark.parametrize("path", project_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_run_of_eight_words_from_a_source(path: Path):
    copied = shingles(words(path.read_text(encoding="utf-8", errors="replace"))) & seed_shingles()
    assert not copied, f"{path.name} repeats source text: " + " | ".join(
        " ".join(run) for run in sorted(copied)[:5]
    )
