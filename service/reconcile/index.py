"""What the reconciliation service knows beyond the catalogue and the search index: every code
of every thing (by property, and each code's owners), the class hierarchy, and the classes it
offers as reconciliation types. Built once per store version, like the search index.

A code is compared in a normal form (:func:`code_key`): case and spaces do not matter, the dash
of an organisationsnummer is optional (``2321000131`` is ``232100-0131``), a Wikidata item may
be given as ``Q…``, ``wd:Q…`` or its full IRI, an SFS number with or without ``SFS``.
"""

from __future__ import annotations

import re
from collections import defaultdict
from functools import cache

from flask import Flask, current_app

from graph.namespaces import PREFIXES
from graph.queries import QUERIES, load
from service.browse.catalog import Catalog, get_catalog
from service.state import app_state

KF = PREFIXES["kf"]
OWL_CLASS = PREFIXES["owl"] + "Class"
WIKIDATA = "http://www.wikidata.org/entity/"
#: The code properties, by the property id the service uses for them (also in data extension).
CODE_PROPERTIES = {
    KF + "orgnr": "orgnr",
    KF + "kommunkod": "kommunkod",
    KF + "lanskod": "lanskod",
    KF + "nuts3": "nuts",
    KF + "iso31662": "iso31662",
    KF + "esfDiarienummer": "esfDiarienummer",
    KF + "sfsNumber": "sfs",
    PREFIXES["eli"] + "id_local": "sfs",
    PREFIXES["skos"] + "exactMatch": "wikidata",
}
_QID = re.compile(r"(?:https?://(?:www\.)?wikidata\.org/(?:entity|wiki)/|wd:)?(Q[1-9][0-9]*)",
                  re.IGNORECASE)
_DIGITS_AND_DASHES = re.compile(r"[0-9]+(?:-[0-9]+)+")


@cache
def reconcile_query(name: str) -> str:
    """The text of ``queries/reconcile/<name>.rq``."""
    return load(QUERIES / "reconcile" / f"{name}.rq").text


def code_key(text: str) -> str:
    """The normal form a code is compared in (see the module's description)."""
    text = "".join(text.split()).upper()
    qid = _QID.fullmatch(text)
    if qid:
        return qid.group(1).upper()
    if text.startswith("SFS") and text[3:4].isdigit():
        text = text[3:]
    if _DIGITS_AND_DASHES.fullmatch(text):
        text = text.replace("-", "")
    return text


class ReconcileIndex:
    def __init__(self, store, cat: Catalog):
        self.version = cat.version
        self.cat = cat
        #: thing -> property id -> codes (as the data writes them; Wikidata items as ``Q…``)
        self.codes: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
        #: normal form of a code -> the things that hold it
        self.owners: dict[str, set[str]] = defaultdict(set)
        for row in store.select(reconcile_query("codes")):
            thing, prop, code = row["s"].value, row["p"].value, row["code"].value
            pid = CODE_PROPERTIES[prop]
            if pid == "wikidata":
                code = code[len(WIKIDATA):]
            if code not in self.codes[thing][pid]:
                self.codes[thing][pid].append(code)
            self.owners[code_key(code)].add(thing)
        supers: dict[str, set[str]] = defaultdict(set)
        for row in store.select(reconcile_query("subclasses")):
            supers[row["class"].value].add(row["super"].value)
        self.ancestors = {c: _closure(c, supers) for c in list(supers)}
        #: the classes offered as types: the ontology's own classes, by local name
        self.classes = {
            iri[len(KF):]: iri
            for iri, types in cat.types.items()
            if iri.startswith(KF) and OWL_CLASS in types
        }

    def types_of(self, iri: str) -> set[str]:
        """The classes of ``iri``, its stated ones and all their superclasses."""
        stated = self.cat.types.get(iri, [])
        return set(stated).union(*(self.ancestors.get(t, ()) for t in stated))

    def own_types(self, iri: str) -> list[str]:
        """The ontology's classes ``iri`` is stated to be in (the most specific ones)."""
        return [t for t in self.cat.types.get(iri, []) if t.startswith(KF)]

    def type_iri(self, given: str) -> str | None:
        """A type as a client names it (``Region``, ``kf:Region`` or the IRI) -> its IRI."""
        if given.startswith(KF):
            given = given[len(KF):]
        elif given.startswith("kf:"):
            given = given[3:]
        return self.classes.get(given)

    def by_code(self, text: str) -> set[str]:
        return self.owners.get(code_key(text), set())


def _closure(cls: str, supers: dict[str, set[str]]) -> set[str]:
    seen: set[str] = set()
    todo = [cls]
    while todo:
        for parent in supers.get(todo.pop(), ()):
            if parent not in seen:
                seen.add(parent)
                todo.append(parent)
    return seen




def get_index(app: Flask | None = None) -> ReconcileIndex:
    """The reconciliation index of the current store version (rebuilt when it changes)."""
    app = app or current_app
    return app_state(app).derived(
        "reconcile", lambda store: ReconcileIndex(store, get_catalog(app))
    )
