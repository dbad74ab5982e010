"""Full-text search over labels, alternative labels, descriptions and codes — in Swedish.

An SQLite FTS5 index (Python's ``sqlite3``) is built in memory from the store, once per store
version. The ``unicode61 remove_diacritics 2`` tokenizer folds case and diacritics (``overgang``
finds ``övergång``); every word is matched as a prefix (``kompetens`` and ``kompetens*`` both find
``kompetensförsörjning``); bm25 ranks label > alternative label > code > description, and a query
that *is* an abbreviation or a name (``MYh``, ``GR``, ``VGR``, ``ESF``) puts that thing first.

Routes: ``/search?q=…&type=kf:Region`` (HTML; ``/search.json`` for the data) and
``/search/autocomplete?q=…`` (a JSON list of ``{iri, label, type, href}``).
"""

from __future__ import annotations

import math
import re
import sqlite3
import threading
import unicodedata
from collections import Counter

from flask import Blueprint, Flask, Response, current_app, jsonify, render_template, request

from graph.namespaces import PREFIXES, compact
from service.browse.catalog import Catalog, browse_query, get_catalog
from service.browse.common import page_int, render, twin
from service.browse.i18n import current_lang
from service.browse.terms import href
from service.errors import HttpError
from service.negotiation import negotiate
from service.state import app_state

bp = Blueprint("search", __name__)

#: Nodes that only tie others together; they are reached from the pages of what they tie.
EXCLUDED_TYPES = {
    PREFIXES["cv"] + "Participation",
    PREFIXES["org"] + "Membership",
    PREFIXES["dct"] + "PeriodOfTime",
}
WEIGHTS = (10.0, 6.0, 1.0, 4.0)  # label, altlabel, description, notation
MAX_MATCHES = 1000
PAGE = 25
MAX_WORDS = 12  # a longer query is cut: the FTS work stays bounded
_WORD = re.compile(r"\w+\*?")
_TERM = re.compile(r"\w+(?:[-:/]\w+)*\*?")
_JOINED = re.compile(r"\w[-:/]\w")


def fold(text: str) -> str:
    """Case- and diacritics-insensitive form (the tokenizer's folding, for exact comparisons)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


#: Swedish inflection endings, longest first: "valideringslyftet" finds "Valideringslyft".
ENDINGS = ("arnas", "ernas", "ornas", "arna", "erna", "orna", "ens", "ets", "ans",
           "en", "et", "na", "ar", "er", "or", "s")


def stem(word: str) -> str:
    """A light Swedish stem: the word less a definite/plural/genitive ending (stem ≥ 5 letters)."""
    for ending in ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= 5:
            return word[: -len(ending)]
    return word


#: Words that say what kind of body a name is, not which: "Borås stad", "Borås kommun" and
#: "Borås" name one municipality; "Region Västra Götaland" is "Västra Götalandsregionen".
GENERIC_WORDS = {"kommun", "kommuns", "kommunen", "stad", "stads", "staden", "region",
                 "regionen", "regionens", "lan", "lans", "landsting", "landstinget",
                 "landstings", "county", "municipality", "city", "council", "of"}


def core_name(text: str) -> str:
    """A name without its generic words (:data:`GENERIC_WORDS`), a trailing "-regionen" of a
    name of more words ("Västra Götalandsregionen") and a final genitive s: the form in which
    "Borås stads", "Borås kommun" and "Borås" are one name."""
    words = [w for w in _WORD.findall(fold(text)) if w not in GENERIC_WORDS]
    if len(words) > 1 and words[-1].endswith("regionen") and len(words[-1]) > len("regionen"):
        words[-1] = words[-1][: -len("regionen")]
    if words and len(words[-1]) > 3 and words[-1].endswith("s"):
        words[-1] = words[-1][:-1]
    return " ".join(words)


def query_words(text: str) -> list[str]:
    """The words of a query (``*`` and quotes dropped). Codes joined by ``-`` or ``:``
    (``SE-O``, ``232100-0131``, ``2010:630``) stay one term, matched as a phrase; a genitive
    ``:s`` (``GR:s``) is dropped."""
    words = []
    for token in _TERM.findall(text.replace('"', " ")):
        token = re.sub(r":s$", "", token.rstrip("*"))
        if token:
            words.append(token)
    longer = [w for w in words if len(w) > 1]
    return (longer or words)[:MAX_WORDS]


def fts_query(text: str, any_word: bool = False) -> str | None:
    """The FTS5 MATCH expression for a user's words: each word as a whole word or a prefix (the
    whole word scores higher) or its stem as a prefix; all required (or, with ``any_word``, any)."""
    terms = []
    for word in query_words(text):
        if _JOINED.search(word):  # a code: its parts as one phrase
            terms.append('"' + " ".join(_WORD.findall(word)) + '"')
            continue
        forms = [f'"{word}"', f'"{word}"*']
        root = stem(fold(word))
        if root != fold(word) and f"{word}*" not in text:  # an explicit prefix is kept as given
            forms.append(f'"{root}"*')
        terms.append("(" + " OR ".join(forms) + ")")
    joiner = " OR " if any_word else " AND "
    return joiner.join(terms) if terms else None


class SearchIndex:
    def __init__(self, store, cat: Catalog):
        self.version = cat.version
        self.cat = cat
        self.lock = threading.Lock()
        self.texts: dict[str, dict[str, str]] = {}
        self.indegree = {row["o"].value: int(row["n"].value)
                         for row in store.select(browse_query("indegree"))}
        for row in store.select(browse_query("texts")):
            lit = row["text"]
            self.texts.setdefault(row["s"].value, {}).setdefault(
                (lit.language or "").split("-")[0], lit.value
            )
        self.db = sqlite3.connect(":memory:", check_same_thread=False)
        self.db.execute(
            "CREATE VIRTUAL TABLE docs USING fts5(iri UNINDEXED, label, altlabel, description,"
            " notation, tokenize = 'unicode61 remove_diacritics 2')"
        )
        rows = []
        for iri, labels in cat.labels.items():
            if EXCLUDED_TYPES & set(cat.types.get(iri, [])):
                continue
            slug = re.split(r"[/#]", iri)[-1].replace("-", " ")
            rows.append(
                (
                    iri,
                    " | ".join(dict.fromkeys(labels.values())),
                    " | ".join(cat.alt_labels.get(iri, [])),
                    " | ".join(self.texts.get(iri, {}).values()),
                    " ".join([*cat.notations.get(iri, []), slug]),
                )
            )
        self.db.executemany("INSERT INTO docs VALUES (?, ?, ?, ?, ?)", rows)
        self.db.commit()

    def ranked(self, text: str, any_word: bool = False) -> list[tuple[str, tuple]]:
        """Every thing that matches ``text``, best first, as ``(iri, (tier, kind, score))``.
        Tiers: 0 the query is an alternative label (an abbreviation), 1 a name (perhaps
        inflected), 2 a name but for generic words and endings (:func:`core_name`), 3 the start
        of a name, 4 every word is a word of a name, 5 other matches.
        Used by the search page, the autocomplete and the reconciliation service."""
        query = fts_query(text, any_word)
        if not query:
            return []
        with self.lock:
            rows = self.db.execute(
                "SELECT iri, bm25(docs, 0, ?, ?, ?, ?) FROM docs WHERE docs MATCH ? "
                "ORDER BY 2 LIMIT ?",
                (*WEIGHTS, query, MAX_MATCHES),
            ).fetchall()
        words = {fold(w) for w in query_words(text)}
        wanted = " ".join(fold(w) for w in query_words(text))
        stemmed = " ".join(stem(fold(w)) for w in query_words(text))
        roots = {stem(w) for w in words}
        core = core_name(text)
        found = []
        for iri, score in rows:
            names = [fold(n) for n in self.cat.labels.get(iri, {}).values()]
            alts = [fold(a) for a in self.cat.alt_labels.get(iri, [])]
            name_words = {w for n in names + alts for w in _WORD.findall(n)}
            if wanted in alts:
                tier = 0  # the query is this thing's abbreviation
            elif wanted in names or stemmed in names:
                tier = 1  # the query is this thing's name (perhaps inflected)
            elif core and any(core_name(n) == core for n in names + alts):
                tier = 2  # the same name but for "kommun", "stad", "Region", a genitive …
            elif any(n.startswith(wanted) or n.startswith(stemmed) for n in names):
                tier = 3
            elif words <= name_words or roots <= {stem(w) for w in name_words}:
                tier = 4  # every word of the query is a whole word of a name
            else:
                tier = 5
            prior = 1 + math.log1p(self.indegree.get(iri, 0)) / 4  # well-linked things first
            found.append((iri, (tier, self.kind(iri), score * prior)))
        found.sort(key=lambda r: r[1])
        return found

    def kind(self, iri: str) -> int:
        """Things first, then ontology terms and concepts, then sources and graphs."""
        if "/id/" in iri:
            return 0
        if "/source/" in iri or "/graph/" in iri:
            return 2
        return 1

    def main_type(self, iri: str) -> str | None:
        types = self.cat.types.get(iri, [])
        ours = [t for t in types if t.startswith(PREFIXES["kf"])]
        return (ours or types or [None])[0]

    def hit(self, iri: str, lang: str) -> dict:
        main = self.main_type(iri)
        texts = self.texts.get(iri, {})
        text = texts.get(lang) or texts.get("en" if lang == "sv" else "sv") or texts.get("")
        return {
            "iri": iri,
            "curie": compact(iri),
            "href": href(iri),
            "label": self.cat.label(iri, lang),
            "alt_labels": self.cat.alt_labels.get(iri, []),
            "type": compact(main) if main else None,
            "type_label": self.cat.label(main, lang) if main else None,
            "description": (text[:240] + "…") if text and len(text) > 240 else text,
        }

    def search(self, text: str, lang: str, type_curie: str | None = None, page: int = 1) -> dict:
        matches = self.ranked(text)
        relaxed = not matches and len(query_words(text)) > 1
        if relaxed:  # nothing has every word: show what has some of them, and say so
            matches = self.ranked(text, any_word=True)
        facets = Counter(compact(t) for iri, _ in matches for t in self.cat.types.get(iri, []))
        if type_curie:
            matches = [
                (i, s)
                for i, s in matches
                if type_curie in {compact(t) for t in self.cat.types.get(i, [])}
            ]
        pages = max(1, -(-len(matches) // PAGE))
        page = min(max(1, page), pages)
        chosen = matches[(page - 1) * PAGE : page * PAGE]
        return {
            "query": text,
            "type": type_curie,
            "relaxed": relaxed,
            "total": len(matches),
            "truncated": len(matches) >= MAX_MATCHES,
            "page": page,
            "pages": pages,
            "results": [self.hit(i, lang) for i, _ in chosen],
            "facets": [
                {"type": c, "label": self.cat.label(_expand(c), lang), "count": n}
                for c, n in sorted(facets.items(), key=lambda kv: (-kv[1], kv[0]))
            ],
        }


def _expand(curie: str) -> str:
    prefix, _, local = curie.partition(":")
    return PREFIXES[prefix] + local if prefix in PREFIXES else curie




def get_index(app: Flask | None = None) -> SearchIndex:
    app = app or current_app
    return app_state(app).derived("search", lambda store: SearchIndex(store, get_catalog(app)))


def suggest(text: str, lang: str, limit: int = 10, any_word: bool = False) -> list[dict]:
    index = get_index()
    return [index.hit(iri, lang) for iri, _ in index.ranked(text, any_word)[:limit]]


@bp.get("/search")
@bp.get("/search.json")
def search_page():
    text = request.args.get("q", "").strip()
    type_curie = request.args.get("type") or None
    lang = current_lang()
    if text:
        payload = get_index().search(text, lang, type_curie, page_int("page"))
    else:
        payload = {
            "query": "",
            "type": type_curie,
            "total": 0,
            "results": [],
            "facets": [],
            "page": 1,
            "pages": 1,
            "truncated": False,
        }
    fmt = "json" if request.path.endswith(".json") else None
    query = request.query_string.decode()
    return render(
        "search/search.html",
        payload,
        "search",
        "/search.json" + (f"?{query}" if query else ""),
        fmt,
    )


@bp.get("/search/autocomplete")
def autocomplete():
    text = request.args.get("q", "").strip()
    raw = request.args.get("limit", "10")
    limit = min(max(1, int(raw)), 50) if raw.isdigit() else 10
    hits = suggest(text, current_lang(), limit) if text else []
    return jsonify(
        [{k: h[k] for k in ("iri", "label", "type", "type_label", "href")} for h in hits]
    )


def not_found(iri: str) -> Response:
    """A helpful 404: what was asked, and where to look instead (search by the slug's words)."""
    words = iri.rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1].replace("-", " ")
    hits = suggest(words, current_lang(), limit=8, any_word=True) if words else []
    payload = {"iri": iri, "curie": compact(iri), "query": words, "suggestions": hits}
    wants_html = negotiate(request.headers.get("Accept"), ["text/html", "application/json"])
    if request.path.endswith(".json") or wants_html == "application/json":
        raise HttpError(404, f"Nothing in the graph has the IRI {iri}", detail=payload)
    if wants_html != "text/html":
        raise HttpError(404, f"Nothing in the graph has the IRI {iri}")
    html = render_template("browse/not_found.html", d=twin(payload, "not-found"), json_url=None)
    return Response(html, status=404)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
