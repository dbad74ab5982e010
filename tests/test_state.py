"""The app state owns the store: the one every part reads, replaced once by the endpoint."""

from __future__ import annotations

import pytest

from graph.backends import open_store
from service.app import create_app
from service.dataset.csvw import reference_tables
from service.sparql.state import state as sparql_state
from service.state import app_state


@pytest.fixture(scope="module")
def app():
    return create_app({"KG_STORE": "", "KG_LOAD": [], "KG_UPDATE_TOKEN": "secret"})


def test_the_app_serves_the_store_the_endpoint_writes(app):
    assert app_state(app).store is sparql_state(app).dataset.store
    assert "kg_store" not in app.extensions


def test_replacing_the_store_builds_the_derived_values_again_from_it(app):
    built = []

    def build(store):
        built.append(store)
        return len(built)

    state = app_state(app)
    assert state.derived("test-count", build) == state.derived("test-count", build) == 1
    before = state.store
    other = open_store(None)
    try:
        state.replace_store(other)
        assert state.store is other
        assert state.derived("test-count", build) == 2 and built[-1] is other
    finally:
        state.replace_store(before)
        other.close()


def test_the_app_state_is_the_one_place_for_what_the_parts_set_up(app):
    state = app_state(app)
    loose = {"kg_sparql", "kg_dumps", "kg_catalogue", "kg_tables"}
    assert not loose & app.extensions.keys()
    assert state.sparql is sparql_state(app) and state.dumps is not None
    catalogue = state.query_files("catalogue")
    files = [qf.path.name for qf in catalogue.values()]
    assert "forbund-member-counts" in catalogue and files == sorted(files)  # file-name order
    assert state.query_files("catalogue") is catalogue  # read once
    with app.test_request_context("/data/"):
        assert reference_tables() is state.query_files("tables")
