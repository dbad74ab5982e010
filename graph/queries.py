"""SPARQL files of the project (``queries/``) with their headers.

A file starts with header lines such as::

    #+ summary: Who signed the declaration of intent
    #+ summary_sv: Vem undertecknade avsiktsförklaringen
    #+ description: …
    #+ param: actor iri kfid:region-lan-14
    #+ tags: agreement, roles

Values reach a query only through ``substitutions`` (pyoxigraph) — never by string formatting.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from graph import ROOT

QUERIES = ROOT / "queries"
_HEADER = re.compile(r"^#\+\s*([A-Za-z_]+)\s*:\s*(.*)$")
_PREFIX_DECL = re.compile(r"^\s*PREFIX\s+([A-Za-z][\w-]*)?:", re.IGNORECASE | re.MULTILINE)
_PREFIX_USE = re.compile(r"(?<![\w<\"'#/.:])([A-Za-z][\w-]*):(?=[A-Za-z0-9_])")


@dataclass
class QueryFile:
    name: str
    path: Path
    text: str
    header: dict[str, list[str]] = field(default_factory=dict)

    def get(self, key: str, default: str = "") -> str:
        values = self.header.get(key)
        return values[0] if values else default

    @property
    def summary(self) -> str:
        return self.get("summary")


def parse_header(text: str) -> dict[str, list[str]]:
    header: dict[str, list[str]] = {}
    for line in text.splitlines():
        if not line.startswith("#"):
            if line.strip():
                break
            continue
        match = _HEADER.match(line)
        if match:
            header.setdefault(match.group(1).lower(), []).append(match.group(2).strip())
    return header


def load(path: Path) -> QueryFile:
    text = path.read_text(encoding="utf-8")
    return QueryFile(path.stem, path, text, parse_header(text))


def load_dir(folder: str) -> list[QueryFile]:
    return [load(p) for p in sorted((QUERIES / folder).glob("*.rq"))]


def internal(name: str) -> str:
    """The text of ``queries/internal/<name>.rq``."""
    return (QUERIES / "internal" / f"{name}.rq").read_text(encoding="utf-8")


def undeclared_prefixes(text: str) -> set[str]:
    """Prefixes a query uses without declaring them (comments and strings ignored)."""
    body = "\n".join(_strip_line(line) for line in text.splitlines())
    declared = {m.group(1) or "" for m in _PREFIX_DECL.finditer(body)}
    used = {m.group(1) for m in _PREFIX_USE.finditer(body)}
    return used - declared - {"http", "https", "urn", "mailto"}


def _strip_line(line: str) -> str:
    line = re.sub(r"<[^>\s]*>", "<>", line)  # IRIs may hold '#'
    out, quote = [], None
    for ch in line:
        if quote:
            if ch == quote:
                quote = None
            continue
        if ch in "\"'":
            quote = ch
            continue
        if ch == "#":
            break
        out.append(ch)
    return "".join(out)
