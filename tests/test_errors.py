"""Errors no route answers itself, mapped once to the house shape (``service/errors.py``), over
real HTTP: plain text for SPARQL clients and scripts, JSON where asked, and for a browser a page
in the site's layout, in Swedish or English, with where to go next."""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request

import pytest
from werkzeug.serving import make_server

from service.app import create_app
from service.state import app_state
from tests.web_support import scan, unsafe_urls

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


def serve(app):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join()
        app_state(app).sparql.close()


@pytest.fixture(scope="module")
def site():
    yield from serve(create_app({"KG_STORE": "", "KG_LOAD": []}))


def call(url: str, accept: str | None = None, method: str = "GET"):
    request = urllib.request.Request(url, method=method, data=b"" if method == "POST" else None)
    if accept:
        request.add_header("Accept", accept)
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, answer.headers, answer.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode("utf-8")


def heading(html: str) -> str:
    return html.split("<h1>", 1)[1].split("<", 1)[0].strip()


def test_an_unknown_address_is_plain_text_for_scripts_and_json_where_asked(site):
    status, headers, body = call(site + "/no-such-page")
    assert status == 404 and headers["Content-Type"].startswith("text/plain")
    assert body.startswith("404 Not Found: There is no page at /no-such-page")
    status, headers, body = call(site + "/no-such-page", "application/json")
    assert status == 404 and headers["Content-Type"] == "application/json"
    assert json.loads(body)["error"]["status"] == 404


@pytest.mark.parametrize("lang, title", [("sv", "Sidan finns inte"), ("en", "Page not found")])
def test_a_browser_gets_a_404_page_with_a_search(site, lang, title):
    status, headers, body = call(f"{site}/vart-tog-den-vagen?lang={lang}", BROWSER)
    assert status == 404 and headers["Content-Type"].startswith("text/html")
    assert heading(body) == title
    assert f'<html lang="{lang}">' in body
    assert 'action="/search"' in body and 'value="vart tog den vagen"' in body
    assert 'class="site-header"' in body  # the site's layout
    assert headers["Content-Security-Policy"].startswith("default-src 'self'")
    assert unsafe_urls(scan(body)) == []


@pytest.mark.parametrize("accept, media", [(None, "text/plain"), ("application/json",
                                           "application/json"), (BROWSER, "text/html")])
def test_a_method_no_route_takes_is_405_in_the_house_shape(site, accept, media):
    status, headers, body = call(site + "/id/x", accept, method="POST")
    assert status == 405 and headers["Content-Type"].startswith(media)
    assert "GET" in headers["Allow"] and "POST" not in headers["Allow"]
    if media == "text/plain":
        assert body == "405 Method Not Allowed: POST is not allowed at /id/x\n"
    elif media == "application/json":
        assert json.loads(body)["error"]["message"] == "POST is not allowed at /id/x"
    else:
        assert heading(body) == "Metoden stöds inte"
        assert "<code>POST</code>" in body


def test_a_browser_asking_for_a_missing_catalogue_query_gets_the_page(site):
    status, headers, body = call(site + "/queries/finns-inte?lang=en", BROWSER)
    assert status == 404 and headers["Content-Type"].startswith("text/html")
    assert heading(body) == "Page not found"
    assert "no catalogue query named &#39;finns-inte&#39;" in body  # the message, as data
    status, headers, body = call(site + "/queries/finns-inte.csv", BROWSER)  # data: plain
    assert status == 404 and body.startswith("404 Not Found: no catalogue query named")


@pytest.fixture(scope="module")
def broken():
    """A site whose store has gone away under it: every page that reads it fails."""
    app = create_app({"KG_STORE": "", "KG_LOAD": []})
    app_state(app).store.close()
    yield from serve(app)


@pytest.mark.parametrize("lang, title", [("sv", "Något gick fel hos oss"),
                                         ("en", "Something went wrong on our side")])
def test_a_server_fault_is_a_500_page_for_a_browser(broken, lang, title):
    status, headers, body = call(f"{broken}/?lang={lang}", BROWSER)
    assert status == 500 and headers["Content-Type"].startswith("text/html")
    assert heading(body) == title
    assert "Traceback" not in body


def test_a_server_fault_is_plain_text_for_a_script(broken):
    status, headers, body = call(broken + "/")
    assert status == 500 and headers["Content-Type"].startswith("text/plain")
    assert body == "500 Internal Server Error: The server failed while answering\n"
