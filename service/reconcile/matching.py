"""Reconciliation queries: candidates for a name or a code, ranked, with a certain ``match`` flag.

Candidates come from two places: the codes (:mod:`service.reconcile.index`: an exact
organisationsnummer, kommunkod, länskod, NUTS or ISO 3166-2 code, SFS number, ESF diarienummer
or Wikidata item, or one of our own IRIs) and the search index (:meth:`SearchIndex.ranked`: names
and alternative names in both languages, abbreviations, Swedish endings, case and diacritics).
Only things of ours (``…/id/…``) of the wanted type are candidates.

``match: true`` only when it is certain: one thing of the wanted type holds the code, or one
thing of the wanted type has the query as its name or alternative name once case, diacritics and
spacing are folded (:func:`service.browse.search.fold`) — and no property constraint of the query
contradicts it. Anything else (an inflected form, a partial name, a namesake) is a candidate
with a lower score for a person to decide.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from service.browse.search import SearchIndex, fold, query_words
from service.browse.terms import iri_of
from service.reconcile.extend import BY_ID, Extender, slug_of
from service.reconcile.index import code_key

#: Score of a candidate by how its name matched (search tiers 0–5); a code match scores 100.
TIER_SCORES = (100.0, 95.0, 90.0, 80.0, 60.0, 40.0)
CONSTRAINT_BONUS = 5.0


@dataclass
class Query:
    text: str
    types: list[str]  # type IRIs (empty: any type)
    limit: int
    properties: list[tuple[str, list]]  # (property id, wanted values)


@dataclass
class Candidate:
    iri: str
    score: float
    code: bool = False
    exact: bool = False
    tier: int = 5
    fits: list[bool] = field(default_factory=list)  # one per property constraint


class Matcher:
    def __init__(self, search: SearchIndex, extender: Extender):
        self.search, self.extender = search, extender
        self.index, self.cat = extender.index, extender.cat
        self.ours = iri_of("id", "")

    def wanted(self, iri: str, types: list[str]) -> bool:
        if not iri.startswith(self.ours) or iri not in self.cat.labels:
            return False
        return not types or bool(self.index.types_of(iri) & set(types))

    def names(self, iri: str) -> set[str]:
        return {fold(n) for n in self.cat.labels.get(iri, {}).values()} | {
            fold(a) for a in self.cat.alt_labels.get(iri, [])
        }

    def candidates(self, query: Query) -> dict[str, Candidate]:
        found: dict[str, Candidate] = {}
        text = query.text
        if text:
            owners = set(self.index.by_code(text))
            if text.startswith(self.ours):
                owners.add(text)
            for iri in owners:
                if self.wanted(iri, query.types):
                    found[iri] = Candidate(iri, 100.0, code=True, tier=0)
            ranked = self.search.ranked(text)
            if not ranked and len(query_words(text)) > 1:
                ranked = self.search.ranked(text, any_word=True)
            folded = fold(text)
            for iri, (tier, _kind, _bm25) in ranked:
                if iri in found or not self.wanted(iri, query.types):
                    continue
                exact = folded in self.names(iri)
                found[iri] = Candidate(iri, TIER_SCORES[tier], exact=exact, tier=tier)
        for pid, values in query.properties:  # codes given as properties also find things
            if BY_ID[pid].kind == "code":
                for value in values:
                    for iri in self.index.by_code(str(value)):
                        if iri not in found and self.wanted(iri, query.types):
                            found[iri] = Candidate(iri, TIER_SCORES[-1])
        return found

    def fits(self, iri: str, pid: str, values: list) -> bool:
        """Does one of ``iri``'s values of ``pid`` equal one of the wanted ``values``?"""
        have = self.extender.values(iri, pid, None)
        keys = set()
        for value in have:
            if "str" in value:
                keys.add(code_key(value["str"]) if BY_ID[pid].kind == "code" else
                          fold(value["str"]))
            elif "id" in value:
                thing = iri_of("id", value["id"])
                keys |= {value["id"], thing} | self.names(thing)
        for wanted in values:
            if isinstance(wanted, dict):
                wanted = str(wanted.get("id", ""))
                wanted = wanted[len(self.ours):] if wanted.startswith(self.ours) else wanted
            elif BY_ID[pid].kind == "code":
                wanted = code_key(str(wanted))
            else:
                wanted = fold(str(wanted))
            if wanted in keys:
                return True
        return False

    def reconcile(self, query: Query, lang: str) -> list[dict]:
        found = list(self.candidates(query).values())
        for cand in found:
            cand.fits = [self.fits(cand.iri, pid, vals) for pid, vals in query.properties]
            cand.score = max(0.0, min(100.0, cand.score + CONSTRAINT_BONUS * (
                sum(cand.fits) - 2 * (len(cand.fits) - sum(cand.fits)))))
            if cand.fits and all(cand.fits) and any(
                    BY_ID[pid].kind == "code" for pid, _ in query.properties):
                cand.code = True  # a code given as a property constraint matches
                cand.score = 100.0
        order = {c.iri: n for n, c in enumerate(found)}
        found.sort(key=lambda c: (-c.score, order[c.iri]))
        certain = self.certain(found)
        return [self.result(c, c is certain, lang) for c in found[: query.limit]]

    @staticmethod
    def certain(found: list[Candidate]) -> Candidate | None:
        """The one candidate that is certainly meant, if there is one."""
        agreeing = [c for c in found if all(c.fits)]
        by_code = [c for c in agreeing if c.code]
        if by_code:
            return by_code[0] if len(by_code) == 1 else None
        if any(c.code for c in found):
            return None  # a code points elsewhere than the constraints
        exact = [c for c in found if c.exact]
        return exact[0] if len(exact) == 1 and all(exact[0].fits) else None

    def result(self, cand: Candidate, match: bool, lang: str) -> dict:
        hit = self.search.hit(cand.iri, lang)
        out = {
            "id": slug_of(cand.iri),
            "name": hit["label"],
            "score": round(cand.score, 2),
            "match": match,
            "type": [{"id": t.rsplit("#", 1)[-1], "name": self.cat.label(t, lang)}
                     for t in self.index.own_types(cand.iri)],
            "features": [
                {"id": "code", "value": cand.code},
                {"id": "name_exact", "value": cand.exact},
                {"id": "name_tier", "value": cand.tier},
            ],
        }
        if hit["description"]:
            out["description"] = hit["description"]
        return out
