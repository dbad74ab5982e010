"""Federation with Wikidata: the catalogue query, run through our /sparql against a stand-in.

A real ``oxigraph serve-read-only`` holds a handful of Wikidata-shaped triples
(``tests/data/federation/wikidata-standin.nt``); our server is started with that endpoint in
``KG_SERVICE_ALLOWLIST``, and the catalogue query ``federation-wikidata-codes`` — with its SERVICE
IRI pointed at the stand-in, as a researcher would point it at a mirror — joins our counties,
municipalities and authorities with it through the shared codes. Without the endpoint in the
allow-list the same query is refused with 400.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from SPARQLWrapper import JSON, POST, SPARQLWrapper

from graph import queries
from graph.sparql_text import undeclared_prefixes
from tests.conftest import free_port, start_server, wait_for_http

pytestmark = pytest.mark.slow

STANDIN = Path(__file__).parent / "data" / "federation" / "wikidata-standin.nt"
WIKIDATA_SERVICE = "<https://query.wikidata.org/sparql>"
KFID = "https://w3id.org/kompetensgraf/id/"
WD = "http://www.wikidata.org/entity/"


def oxigraph_cli() -> str:
    beside = Path(sys.executable).parent / "oxigraph"
    found = str(beside) if beside.exists() else shutil.which("oxigraph")
    assert found, "the oxigraph CLI (PyPI package oxigraph, dev group) is not installed"
    return found


@pytest.fixture(scope="module")
def standin(tmp_path_factory) -> Iterator[str]:
    """A local SPARQL endpoint (Oxigraph's server) standing in for query.wikidata.org."""
    folder = tmp_path_factory.mktemp("wikidata-standin")
    cli = oxigraph_cli()
    subprocess.run([cli, "load", "--location", str(folder / "db"), "--file", str(STANDIN)],
                   check=True, capture_output=True)
    port = free_port()
    log = (folder / "oxigraph.log").open("wb")
    proc = subprocess.Popen(
        [cli, "serve-read-only", "--location", str(folder / "db"), "--bind", f"127.0.0.1:{port}"],
        stdout=log, stderr=subprocess.STDOUT,
    )
    try:
        wait_for_http(f"http://127.0.0.1:{port}/", proc)
        yield f"http://127.0.0.1:{port}/query"
    finally:
        proc.terminate()
        proc.wait(timeout=15)
        log.close()


@pytest.fixture(scope="module")
def federating_server(built_store, standin, tmp_path_factory):
    folder = tmp_path_factory.mktemp("federation")
    env = {"KG_SERVICE_ALLOWLIST": standin, "KG_DUMP_DIR": str(folder / "dumps")}
    server = start_server(built_store, folder / "server.log", env=env)
    yield server
    server.stop()


def catalogue_query() -> str:
    return queries.load(queries.QUERIES / "catalogue" / "federation-wikidata-codes.rq").text


def pointed_at(endpoint: str) -> str:
    """The catalogue query with its SERVICE IRI replaced, as the query's description says."""
    text = catalogue_query()
    assert text.count(WIKIDATA_SERVICE) == 3
    return text.replace(WIKIDATA_SERVICE, f"<{endpoint}>")


def test_the_catalogue_query_has_a_catalogue_header():
    query = queries.load(queries.QUERIES / "catalogue" / "federation-wikidata-codes.rq")
    for key in ("summary", "summary_sv", "description", "description_sv", "tags"):
        assert query.get(key), key
    assert {"federation", "wikidata"} <= {t.strip() for t in query.get("tags").split(",")}
    assert not undeclared_prefixes(query.text)


def test_federated_join_with_wikidata_through_the_shared_codes(federating_server, standin):
    client = SPARQLWrapper(federating_server.url + "/sparql")
    client.setMethod(POST)
    client.setReturnFormat(JSON)
    client.setQuery(pointed_at(standin))
    bindings = client.queryAndConvert()["results"]["bindings"]
    rows = [
        (b["actor"]["value"], b["wikidataProperty"]["value"], b["code"]["value"],
         b["wikidataItem"]["value"], b.get("ourWikidata", {}).get("value"), b["agrees"]["value"])
        for b in bindings
    ]
    assert rows == [
        (KFID + "lan-14", "P507", "14", WD + "Q103093", WD + "Q103093", "true"),
        # The stand-in gives kommunkod 0180 to another item: our link to Stockholm disagrees.
        (KFID + "kommun-0180", "P525", "0180", WD + "Q4115189", WD + "Q506250", "false"),
        (KFID + "kommun-1480", "P525", "1480", WD + "Q52502", WD + "Q52502", "true"),
        (KFID + "tillvaxtverket", "P6460", "202100-6149", WD + "Q3370919", WD + "Q3370919", "true"),
        (KFID + "kommun-1480", "P6460", "212000-1355", WD + "Q52502", WD + "Q52502", "true"),
    ]
    labels = {b["actor"]["value"]: b["actorLabel"]["value"] for b in bindings}
    assert labels[KFID + "kommun-1480"] == "Göteborgs kommun"
    assert labels[KFID + "tillvaxtverket"] == "Tillväxtverket"


def test_service_outside_the_allow_list_is_refused(live_server, federating_server, standin):
    # The stand-in is not allowed on the default server (empty allow-list: SERVICE is off) …
    refused = requests.post(live_server.url + "/sparql", data={"query": pointed_at(standin)},
                            headers={"Accept": "application/sparql-results+json"}, timeout=60)
    assert refused.status_code == 400
    assert standin in refused.text and "KG_SERVICE_ALLOWLIST" in refused.text
    # … and the real Wikidata endpoint is not on the federating server's list.
    refused = requests.post(federating_server.url + "/sparql", data={"query": catalogue_query()},
                            headers={"Accept": "application/sparql-results+json"}, timeout=60)
    assert refused.status_code == 400
    assert "https://query.wikidata.org/sparql" in refused.text


def test_the_dataset_page_says_which_services_the_endpoint_may_call(
    live_server, federating_server, standin
):
    page = requests.get(federating_server.url + "/dataset?lang=en", timeout=60,
                        headers={"Accept": "text/html"}).text
    assert f"<code>{standin}</code>" in page
    page = requests.get(live_server.url + "/dataset?lang=sv", timeout=60,
                        headers={"Accept": "text/html"}).text
    assert "SERVICE är avstängt" in page
