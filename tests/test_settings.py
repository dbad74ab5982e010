"""One settings table: ``service/settings.py`` declares every setting once, and the factory, the
``serve`` command and the README's table all come from it."""

from __future__ import annotations

import re
from pathlib import Path

from graph.cli import parser
from service.app import create_app
from service.settings import (
    DEFAULTS,
    SETTINGS,
    default_workers,
    engine_sizes,
    markdown_table,
    resolve,
)

ROOT = Path(__file__).resolve().parent.parent
START = "<!-- settings table: from service/settings.py (tests/test_settings.py) -->\n"
END = "<!-- end of settings table -->"


def test_the_readme_table_is_the_code_s():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme.split(START, 1)[1].split(END, 1)[0]
    assert table == markdown_table(), (
        "regenerate the table: python -c 'from service.settings import markdown_table as t; "
        "print(t(), end=\"\")'"
    )


def test_every_setting_the_code_reads_is_declared_once():
    names = [s.name for s in SETTINGS]
    assert len(names) == len(set(names))
    used = set()
    for package in ("service", "graph"):
        for path in (ROOT / package).rglob("*.py"):
            used |= set(re.findall(r"\bKG_[A-Z_]+\b", path.read_text(encoding="utf-8")))
    assert sorted(used - set(names)) == []


def test_serve_options_are_the_table_s():
    serve = parser()._subparsers._group_actions[0].choices["serve"]
    offered = {o for action in serve._actions for o in action.option_strings}
    declared = {s.option for s in SETTINGS if s.option}
    assert declared <= offered
    per_setting = offered - declared - {"-h", "--help", "--host", "--port"}
    assert per_setting == set(), "a serve option that sets no declared setting"


def test_the_factory_reads_defaults_environment_and_config(monkeypatch):
    monkeypatch.setenv("KG_MAX_ROWS", "17")
    monkeypatch.setenv("KG_LOAD", '["a.ttl", "b.ttl"]')
    monkeypatch.setenv("KG_CONTACT_EMAIL", "å@example.org")
    monkeypatch.setenv("KG_QUERY_TIMEOUT", "12.5")
    app = create_app({"KG_STORE": "", "KG_LOAD": [], "KG_CACHE_SIZE": 3})
    assert app.config["KG_MAX_ROWS"] == 17  # the environment, parsed to the default's type
    assert app.config["KG_QUERY_TIMEOUT"] == 12.5
    assert app.config["KG_CONTACT_EMAIL"] == "å@example.org"
    assert app.config["KG_CACHE_SIZE"] == 3  # the config mapping over everything
    assert app.config["KG_LOAD"] == []
    assert app.config["KG_LICENSE"] == DEFAULTS["KG_LICENSE"]  # else the default
    assert app.config["KG_WORKERS"] == default_workers()  # 0 means the computed default


def test_default_workers():
    assert default_workers() >= 2
    assert default_workers(processes=1000) == 1


def test_engine_sizes_fill_in_the_computed_defaults_once():
    """``serve`` sizes each process's engine, and the endpoint keeps what it was handed."""
    settings = resolve({"KG_WORKERS": 0, "KG_SHORT_WORKERS": 1, "KG_MAX_CONCURRENT": 0})
    per_process = engine_sizes(settings, processes=1000)
    assert per_process == {"KG_WORKERS": 1, "KG_SHORT_WORKERS": 1, "KG_MAX_CONCURRENT": 8}
    assert engine_sizes({**settings, **per_process}) == per_process  # the endpoint's own pass
    explicit = resolve({"KG_WORKERS": 3, "KG_SHORT_WORKERS": -2, "KG_MAX_CONCURRENT": 5})
    assert engine_sizes(explicit) == {"KG_WORKERS": 3, "KG_SHORT_WORKERS": 0,
                                      "KG_MAX_CONCURRENT": 5}
