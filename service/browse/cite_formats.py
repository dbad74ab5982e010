"""Citations written out: BibTeX, RIS, CSL-JSON, and one line of text for people.

What is cited (:class:`Citation`) is gathered by :mod:`service.browse.cite`; here it only changes
form.
Field mapping: title; authors (creator, else publisher, as corporate names); publisher; issued
(BibTeX ``year``/``date``, RIS ``PY``/``DA``, CSL ``issued``); accessed (BibTeX ``urldate``, RIS
``Y2``, CSL ``accessed``); URL; version (release); an entity's dataset (BibTeX ``howpublished``,
RIS ``T2``, CSL ``container-title``); identifier, an entity's sources and the licence as a note.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from service.browse.i18n import t

#: Download formats: suffix -> media type.
MEDIA = {
    "bib": "application/x-bibtex",
    "ris": "application/x-research-info-systems",
    "csl.json": "application/vnd.citationstyles.csl+json",
}
#: biblatex's language names (``langid``) of the languages the data tags titles with
LANGIDS = {"sv": "swedish", "en": "english"}


@dataclass
class Citation:
    key: str
    kind: str  # dataset | document | entity
    title: str
    authors: list[str] = field(default_factory=list)
    publisher: str | None = None
    issued: str | None = None  # YYYY, YYYY-MM or YYYY-MM-DD
    accessed: str | None = None  # YYYY-MM-DD
    url: str | None = None
    identifier: str | None = None
    version: str | None = None
    container: str | None = None  # the dataset an entity is cited in
    sources: list[str] = field(default_factory=list)  # an entity's source documents (titles)
    license: str | None = None
    language: str | None = None  # the cited work's language (its title's tag), if known
    missing: list[str] = field(default_factory=list)



def ascii_key(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9]+", "-", plain).strip("-").lower() or "x"


def slug_key(iri: str) -> str:
    return ascii_key(iri.rstrip("/").rsplit("/", 1)[-1])


def date_parts(value: str | None) -> list[int] | None:
    if not value:
        return None
    parts = []
    for piece in value[:10].split("-"):
        if not piece.isdigit():
            break
        parts.append(int(piece))
    return parts or None


_BIB_SPECIAL = re.compile(r"([&%$#_{}~^\\])")


def _bib(text: str) -> str:
    text = " ".join(text.split())
    return _BIB_SPECIAL.sub(lambda m: {"\\": r"\textbackslash{}", "~": r"\textasciitilde{}",
                                       "^": r"\textasciicircum{}"}.get(m[1], "\\" + m[1]), text)


def _bib_url(url: str) -> str:
    return url.replace("{", "%7B").replace("}", "%7D").replace("\\", "%5C").replace(" ", "%20")


def _note(c: Citation, lang: str) -> str:
    notes = []
    if c.identifier:
        notes.append(f"{t('cite_identifier')}: {c.identifier}")
    if c.sources:
        notes.append(f"{t('cite_sources')}: " + "; ".join(c.sources))
    if c.license:
        notes.append(f"{t('license')}: {c.license}")
    return ". ".join(notes)


def to_bibtex(items: list[Citation], lang: str) -> str:
    entries = []
    for c in items:
        lines = [f"@misc{{{c.key},", f"  title = {{{{{_bib(c.title)}}}}},"]
        if c.authors:
            names = " and ".join("{" + _bib(a) + "}" for a in c.authors)
            lines.append(f"  author = {{{names}}},")
        if c.container:
            lines.append(f"  howpublished = {{{_bib(c.container)}}},")
        if c.publisher:
            lines.append(f"  publisher = {{{_bib(c.publisher)}}},")
        parts = date_parts(c.issued)
        if parts:
            lines.append(f"  year = {{{parts[0]}}},")
            lines.append(f"  date = {{{c.issued[:10]}}},")
        if c.version:
            lines.append(f"  version = {{{_bib(c.version)}}},")
        if c.url:
            lines.append(f"  url = {{{_bib_url(c.url)}}},")
        if c.accessed:
            lines.append(f"  urldate = {{{c.accessed}}},")
        note = _note(c, lang)
        if note:
            lines.append(f"  note = {{{_bib(note)}}},")
        if c.language in LANGIDS:
            lines.append(f"  langid = {{{LANGIDS[c.language]}}},")
        lines.append("}")
        entries.append("\n".join(lines))
    return "\n\n".join(entries) + "\n"


def _ris_date(value: str | None) -> str | None:
    parts = date_parts(value)
    if not parts:
        return None
    padded = [f"{parts[0]:04d}"] + [f"{p:02d}" for p in parts[1:]]
    return "/".join(padded + [""] * (3 - len(padded))) + "/"


def to_ris(items: list[Citation], lang: str) -> str:
    out = []
    for c in items:
        kind = "DATA" if c.kind != "document" else ("ELEC" if c.url else "GEN")
        fields: list[tuple[str, str | None]] = [("TY", kind), ("ID", c.key), ("TI", c.title)]
        fields += [("AU", a) for a in c.authors]
        parts = date_parts(c.issued)
        fields += [
            ("T2", c.container),
            ("PB", c.publisher),
            ("PY", f"{parts[0]:04d}" if parts else None),
            ("DA", _ris_date(c.issued)),
            ("ET", c.version),
            ("UR", c.url),
            ("Y2", _ris_date(c.accessed)),
            ("N1", _note(c, lang) or None),
            ("LA", c.language),
        ]
        out += [f"{tag}  - {' '.join(value.split())}" for tag, value in fields if value]
        out.append("ER  - ")
        out.append("")
    return "\r\n".join(out)


def to_csl(items: list[Citation], lang: str) -> list[dict]:
    out = []
    for c in items:
        kind = "dataset" if c.kind != "document" else ("webpage" if c.url else "document")
        item: dict = {"id": c.key, "type": kind, "title": c.title}
        if c.language:
            item["language"] = c.language
        if c.authors:
            item["author"] = [{"literal": a} for a in c.authors]
        optional = {"publisher": c.publisher, "URL": c.url, "version": c.version,
                    "container-title": c.container, "note": _note(c, lang) or None}
        item.update({k: v for k, v in optional.items() if v})
        for name, value in (("issued", c.issued), ("accessed", c.accessed)):
            parts = date_parts(value)
            if parts:
                item[name] = {"date-parts": [parts]}
        out.append(item)
    return out


def formatted(c: Citation, lang: str) -> str:
    """The citation as one line of text (author–date style), in the page's language."""
    year = (c.issued or "")[:4] or t("cite_no_date")
    who = "; ".join(c.authors) or t("cite_no_author")
    title = c.title if c.kind != "entity" else f"“{c.title}”"
    parts = [f"{who} ({year}). {title}."]
    if c.kind == "entity":
        parts.append(f"{t('cite_in')} {c.container} [{t('cite_dataset')}].")
    elif c.kind == "dataset":
        parts[0] = f"{who} ({year}). {title} [{t('cite_dataset')}]."
    if c.publisher and c.publisher not in c.authors:
        parts.append(f"{c.publisher}.")
    if c.version:
        parts.append(f"{t('cite_version')} {c.version}.")
    if c.url:
        parts.append(f"{c.url}.")
    if c.identifier:
        parts.append(f"{c.identifier}.")
    if c.accessed:
        parts.append(f"{t('cite_read' if c.kind == 'document' else 'cite_accessed')} "
                     f"{c.accessed}.")
    if c.sources:
        parts.append(f"{t('cite_sources')}: " + "; ".join(c.sources) + ".")
    if c.license:
        parts.append(f"{t('license')}: {c.license}.")
    return " ".join(parts)
