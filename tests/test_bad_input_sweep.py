"""A client's mistake is a 4xx, never a 5xx: every route of the app, with hostile path segments,
hostile parameters, wrong methods and broken bodies, in both the browser's and a script's shape.

The routes are read from the app's own URL map, so a route added later is swept too. In process
(the ``client`` fixture over the small browse fixture graph); an exception the app lets through
counts as the 500 a server would answer. It found ``/cite/id/%ff%fe`` (no valid IRI) failing.
"""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest

#: path segments a route's variables get: a plain word, bytes that are not UTF-8, a line break,
#: a climb out of the folder, Swedish letters and a very long segment
SEGMENTS = ("x", "%ff%fe", "a%0Ab", "..%2f..%2fetc", "%C3%A5-%C3%B6", "a" * 400)
#: parameters the routes read, each with a value it cannot use
PARAMETERS = (
    "", "?q=%ff", "?q=" + "ö" * 2000, "?asof=notadate", "?asof=99999-99-99", "?depth=-1",
    "?depth=99999999999999999999", "?page=-5&limit=abc", "?format=xyz", "?lang=zz",
    "?query=SELEC", "?query=" + quote("SELECT * WHERE { ?s ?p ?o } LIMIT 1") + "&timeout=abc",
    "?queries=%7Bbad", "?extend=%7B%22ids%22%3A1%7D", "?id=&prefix=%00&type=",
    "?graph=x&default", "?callback=alert(1)",
)
ACCEPTS = ("text/html", "application/json", "*/*")
VARIABLE = re.compile(r"<(?:(?P<conv>[a-z]+)(?:\((?P<args>[^)]*)\))?:)?(?P<name>\w+)>")


def concrete(rule: str) -> list[str]:
    """Addresses matching ``rule``: each ``any(…)`` option, each of :data:`SEGMENTS` else."""
    paths = [""]
    position = 0
    for match in VARIABLE.finditer(rule):
        literal = rule[position:match.start()]
        if match["conv"] == "any":
            values = [v.strip() for v in match["args"].split(",")]
        else:
            values = list(SEGMENTS)
        paths = [p + literal + v for p in paths for v in values]
        position = match.end()
    return [p + rule[position:] for p in paths]


def addresses(app) -> list[tuple[str, str]]:
    """(methods the rule takes, address) for every address of every rule."""
    found = []
    for rule in app.url_map.iter_rules():
        methods = ",".join(sorted(rule.methods - {"HEAD", "OPTIONS"}))
        found += [(methods, path) for path in concrete(rule.rule)]
    return sorted(set(found))


def test_the_sweep_reaches_every_route(app):
    """Each rule's first address (plain words for its variables) is swept and is that rule's."""
    swept = {path for _methods, path in addresses(app)}
    adapter = app.url_map.bind("localhost")
    rules = list(app.url_map.iter_rules())
    assert len(rules) >= 30
    for rule in rules:
        first = concrete(rule.rule)[0]
        method = sorted(rule.methods - {"HEAD", "OPTIONS"})[0]
        assert first in swept
        assert adapter.match(first, method=method, return_rule=True)[0] is rule, first


def status_of(client, method: str, address: str, **kwargs) -> str | None:
    """What went wrong, or ``None``: a 5xx, or an exception the app let through (which a
    server would answer with a 500)."""
    try:
        response = client.open(address, method=method, **kwargs)
    except Exception as exc:  # noqa: BLE001 - the app let it through: listed, not raised
        return f"{method} {address[:100]}: {type(exc).__name__}: {str(exc)[:100]}"
    if response.status_code >= 500:
        return f"{method} {address[:100]}: {response.status_code}"
    return None


@pytest.mark.parametrize("accept", ACCEPTS)
def test_no_address_answers_a_server_error_to_a_bad_request(client, app, accept):
    failures = []
    for index, (_methods, path) in enumerate(addresses(app)):
        for parameters in PARAMETERS[index % 3::3]:  # a third of them per address, in turn
            failures.append(status_of(client, "GET", path + parameters,
                                      headers={"Accept": accept}))
        for method in ("POST", "PUT", "DELETE"):  # a broken form, where the rule takes it or not
            failures.append(status_of(
                client, method, path, data=b"query=%ff%fe&update=DROP ALL",
                headers={"Accept": accept, "Content-Type": "application/x-www-form-urlencoded"},
            ))
    assert [f for f in failures if f] == []
