"""Import a refreshed SCB code list of counties and municipalities ("Kommuner och län").

SCB publishes the classification as a small table: optional title lines, a header row such as
``Code;Name`` or ``"Kod","Benämning"``, then one row per code, where a two-digit code is a län and
a four-digit code is a kommun. Separators ``;``, ``,`` or tab and the encodings UTF-8 (with or
without BOM) and cp1252/latin-1 are accepted. The result is the project's RDF for the reference
layer: ``kf:County`` and ``kf:Municipality`` nodes with their codes and names, ``kf:inCounty``
from the first two digits of each kommunkod, in one fact graph named after the file
(``kfg:ref-scb-import-<file>``), described in ``kfg:meta`` with its own ``kf:SourceDocument``.

A refreshed list can then sit beside the committed layer, so a change such as a municipality
merger shows as codes that are new or gone (:func:`compare_codes`).

    kompetensgraf import-scb FILE [-o OUT.trig]
    python -m graph.scb FILE [-o OUT.trig]
"""

from __future__ import annotations

import argparse
import csv
import os
import re
import sys
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import rdflib
from rdflib import RDF, RDFS, XSD, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, SKOS

from graph.namespaces import GRAPH, ID, META_GRAPH, SOURCE, bind_all
from graph.terms import KF

HEADER_CODES = {"code", "kod", "kommunkod", "lanskod", "länskod", "regionkod", "kommunkod/länskod"}
HEADER_NAMES = {"name", "namn", "benämning", "benamning", "kommunnamn", "länsnamn", "lansnamn"}
SEPARATORS = (";", ",", "\t")


class ScbFormatError(ValueError):
    """The file is not an SCB code list we can read; the message names the line and the reason."""

    def __init__(self, path: Path | str, line: int | None, reason: str):
        self.path, self.line, self.reason = Path(path), line, reason
        where = f"{Path(path).name}, line {line}" if line else Path(path).name
        super().__init__(f"{where}: {reason}")


@dataclass(frozen=True)
class CodeRow:
    line: int
    code: str
    name: str


@dataclass(frozen=True)
class CodeList:
    """What was read from the file: its title lines, header, encoding, separator and rows."""

    path: Path
    title: str
    header: tuple[str, ...]
    encoding: str
    separator: str
    rows: tuple[CodeRow, ...]

    @property
    def counties(self) -> dict[str, str]:
        return {r.code: r.name for r in self.rows if len(r.code) == 2}

    @property
    def municipalities(self) -> dict[str, str]:
        return {r.code: r.name for r in self.rows if len(r.code) == 4}


@dataclass(frozen=True)
class CodeChanges:
    added: dict[str, str]
    removed: dict[str, str]
    renamed: dict[str, tuple[str, str]]


def _decode(path: Path, data: bytes) -> tuple[str, str]:
    for encoding in ("utf-8-sig", "cp1252", "latin-1"):
        try:
            return data.decode(encoding), "utf-8" if encoding == "utf-8-sig" else encoding
        except UnicodeDecodeError:
            continue
    raise ScbFormatError(path, None, "cannot decode the file as UTF-8, cp1252 or latin-1")


def _cells(line: str, separator: str) -> list[str]:
    return [c.strip() for c in next(csv.reader([line], delimiter=separator))]


def _norm(cell: str) -> str:
    return cell.strip().strip('"').strip().lower()


def _find_header(path: Path, lines: list[str]) -> tuple[int, str]:
    """Index of the header row and the separator it uses."""
    for index, line in enumerate(lines):
        for separator in SEPARATORS:
            cells = _cells(line, separator) if line.strip() else []
            if (
                len(cells) >= 2
                and _norm(cells[0]) in HEADER_CODES
                and _norm(cells[1]) in HEADER_NAMES
            ):
                return index, separator
        if line.strip() and re.match(r'^\s*"?\d', line):
            break  # data before any header
    raise ScbFormatError(
        path, None, "no header row found: expected columns such as 'Code;Name' or 'Kod;Benämning' "
        "before the first code"
    )  # fmt: skip


def _check_code(path: Path, number: int, code: str) -> None:
    if re.fullmatch(r"\d{2}|\d{4}", code):
        return
    if re.fullmatch(r"\d|\d{3}", code):
        raise ScbFormatError(
            path, number, f"code {code!r} has {len(code)} digits: a leading zero seems lost "
            "(län codes have 2 digits, kommun codes 4)"
        )  # fmt: skip
    raise ScbFormatError(
        path, number, f"code {code!r} is neither a 2-digit länskod nor a 4-digit kommunkod"
    )


def read_code_list(csv_path: str | os.PathLike) -> CodeList:
    """Read and check an SCB code list; refuse it with :class:`ScbFormatError` if malformed."""
    path = Path(csv_path)
    if not path.is_file():
        raise ScbFormatError(path, None, "file not found")
    text, encoding = _decode(path, path.read_bytes())
    lines = text.splitlines()
    if not any(line.strip() for line in lines):
        raise ScbFormatError(path, None, "the file is empty")
    start, separator = _find_header(path, lines)
    title = " ".join(
        c for line in lines[:start] for c in _cells(line, separator) if c and line.strip()
    )
    header = tuple(_cells(lines[start], separator))
    rows: list[CodeRow] = []
    seen: dict[str, int] = {}
    for number, line in enumerate(lines[start + 1 :], start=start + 2):
        cells = _cells(line, separator) if line.strip() else []
        if not any(cells):
            continue
        if len(cells) < 2 or not cells[1]:
            raise ScbFormatError(path, number, "expected a code and a name separated by "
                                 f"{separator!r}, found {line.strip()!r}")  # fmt: skip
        code, name = cells[0].strip('"'), cells[1]
        _check_code(path, number, code)
        if code in seen:
            raise ScbFormatError(path, number, f"code {code} already given on line {seen[code]}")
        seen[code] = number
        rows.append(CodeRow(number, code, name))
    if not rows:
        raise ScbFormatError(path, None, "the file has a header but no codes")
    counties = {r.code for r in rows if len(r.code) == 2}
    for r in rows:
        if len(r.code) == 4 and r.code[:2] not in counties:
            raise ScbFormatError(
                path, r.line, f"kommun {r.code} ({r.name}) belongs to län {r.code[:2]}, "
                "which the file does not list"
            )  # fmt: skip
    return CodeList(path, title, header, encoding, separator, tuple(rows))


def slug(text: str) -> str:
    """Lower-case ASCII slug: å, ä → a, ö → o, é → e, other characters joined by ``-``."""
    folded = unicodedata.normalize("NFKD", text.lower())
    ascii_text = "".join(c for c in folded if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-") or "scb"


def _facts(codes: CodeList) -> list[tuple]:
    triples: list[tuple] = []
    for code, label in sorted(codes.counties.items()):
        node = URIRef(f"{ID}lan-{code}")
        triples += [(node, RDF.type, KF.County), (node, KF.lanskod, Literal(code)),
                    (node, RDFS.label, Literal(label, lang="sv"))]  # fmt: skip
    for code, label in sorted(codes.municipalities.items()):
        node = URIRef(f"{ID}kommun-{code}")
        triples += [(node, RDF.type, KF.Municipality), (node, KF.kommunkod, Literal(code)),
                    (node, KF.inCounty, URIRef(f"{ID}lan-{code[:2]}")),
                    (node, SKOS.altLabel, Literal(label, lang="sv"))]  # fmt: skip
    return triples


def _provenance(codes: CodeList, fact_graph: URIRef, source: URIRef, when: datetime) -> list[tuple]:
    name = codes.path.name
    columns = " / ".join(codes.header[:2])
    locator = (f"{name}: columns {columns}; {len(codes.counties)} län (2-digit codes), "
               f"{len(codes.municipalities)} kommuner (4-digit codes)")  # fmt: skip
    about = (f"Statistics Sweden (SCB) code list of counties and municipalities, read from the "
             f"file {name} ({codes.encoding}, separator {codes.separator!r}).")  # fmt: skip
    stamp = Literal(when.strftime("%Y-%m-%dT%H:%M:%SZ"), datatype=XSD.dateTime)
    label_sv = f"SCB:s kodlista för län och kommuner ({name})"
    label_en = f"SCB code list of counties and municipalities ({name})"
    return [
        (fact_graph, RDF.type, KF.FactGraph),
        (fact_graph, RDFS.label, Literal(label_sv, lang="sv")),
        (fact_graph, RDFS.label, Literal(label_en, lang="en")),
        (fact_graph, PROV.wasDerivedFrom, source),
        (fact_graph, KF.locator, Literal(locator)),
        (fact_graph, PROV.generatedAtTime, stamp),
        (source, RDF.type, KF.SourceDocument),
        (source, DCTERMS.title, Literal(codes.title or f"SCB: {name}", lang="sv")),
        (source, DCTERMS.identifier, Literal(name)),
        (source, DCTERMS.description, Literal(about, lang="en")),
    ]  # fmt: skip


def to_dataset(codes: CodeList, generated_at: datetime | None = None) -> rdflib.Dataset:
    """The code list as a fact graph ``kfg:ref-scb-import-<file>``, described in ``kfg:meta``."""
    name = slug(codes.path.stem)
    fact_graph = URIRef(f"{GRAPH}ref-scb-import-{name}")
    source = URIRef(f"{SOURCE}scb-import-{name}")
    when = (generated_at or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    ds = rdflib.Dataset()
    bind_all(ds)
    facts, meta = ds.graph(fact_graph), ds.graph(URIRef(META_GRAPH))
    for triple in _facts(codes):
        facts.add(triple)
    for triple in _provenance(codes, fact_graph, source, when):
        meta.add(triple)
    return ds


def import_scb(
    csv_path: str | os.PathLike, *, generated_at: datetime | None = None
) -> rdflib.Dataset:
    """Read an SCB code list and return the project's RDF for it (see the module docstring)."""
    return to_dataset(read_code_list(csv_path), generated_at)


def to_trig(dataset: rdflib.Dataset) -> str:
    return dataset.serialize(format="trig")


def import_scb_to_trig(
    csv_path: str | os.PathLike, out: str | os.PathLike | None = None, *,
    generated_at: datetime | None = None,
) -> str:  # fmt: skip
    """TriG text for the file; written to ``out`` as well when given."""
    text = to_trig(import_scb(csv_path, generated_at=generated_at))
    if out is not None:
        Path(out).write_text(text, encoding="utf-8")
    return text


def codes_in(data: rdflib.Graph) -> dict[str, str]:
    """kommunkod → short name of every municipality in an imported dataset (all its graphs)."""
    quads = data.quads((None, KF.kommunkod, None, None)) if isinstance(data, rdflib.Dataset) else (
        (s, p, o, None) for s, p, o in data.triples((None, KF.kommunkod, None))
    )  # fmt: skip
    found = {}
    for node, _, code, _ in quads:
        names = sorted(str(n) for n in data.objects(node, SKOS.altLabel))
        if isinstance(data, rdflib.Dataset):
            names = sorted({str(q[2]) for q in data.quads((node, SKOS.altLabel, None, None))})
        found[str(code)] = names[0] if names else ""
    return found


def compare_codes(before: Mapping[str, str], after: Mapping[str, str]) -> CodeChanges:
    """Codes that appear, disappear or change name between two code lists (code → name)."""
    added = {c: n for c, n in after.items() if c not in before}
    removed = {c: n for c, n in before.items() if c not in after}
    renamed = {c: (before[c], n) for c, n in after.items() if c in before and before[c] != n}
    return CodeChanges(added, removed, renamed)


def describe_changes(changes: CodeChanges) -> Iterable[str]:
    for code, name in sorted(changes.removed.items()):
        yield f"- {code} {name}"
    for code, name in sorted(changes.added.items()):
        yield f"+ {code} {name}"
    for code, (old, new) in sorted(changes.renamed.items()):
        yield f"~ {code} {old} → {new}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m graph.scb",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("file", type=Path, help="SCB code list (CSV)")
    parser.add_argument("-o", "--output", type=Path, help="TriG file to write (default: stdout)")
    args = parser.parse_args(argv)
    try:
        text = import_scb_to_trig(args.file, args.output)
    except ScbFormatError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.output is None:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
