"""Every setting of the service, declared once: its default, how it is read from the
environment, and a line of help.

A setting is an ``app.config`` key. :func:`resolve` gives each its value the way the factory
(``create_app``) and ``serve`` both see it: the ``config`` mapping, else the ``KG_…``
environment variable of the same name, else the default. The README's settings table is
:func:`markdown_table` (``tests/test_settings.py`` keeps the two in step).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from graph.namespaces import BASE


@dataclass(frozen=True)
class Setting:
    """One setting: its name, default and help; ``option`` is its ``serve`` option, if any;
    ``means`` says what the default stands for, when it is not the value itself."""

    name: str
    default: Any
    help: str
    option: str = ""
    means: str = ""

    def parse(self, raw: str) -> Any:
        """The value of the environment text ``raw``, of the default's type."""
        if isinstance(self.default, bool):
            return raw.lower() in ("1", "true", "yes", "on")
        if isinstance(self.default, int | float):
            return type(self.default)(raw)
        if isinstance(self.default, list):
            return json.loads(raw) if raw.startswith("[") else raw.split(os.pathsep)
        return raw

    def shown_default(self) -> str:
        value = self.default
        if value in ("", []):
            text = "empty"
        elif isinstance(value, float):
            text = f"`{value:g}`"
        else:
            text = f"`{value}`"
        if not self.means:
            return text
        return f"{text}{'' if self.means.startswith(';') else ' '}{self.means}"


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "KG_STORE",
        "var/store",
        'A built store directory; empty: an empty store in memory.',
        option="--store",
    ),
    Setting(
        "KG_LOAD",
        [],
        'Extra RDF files served next to the graph, one named graph each (a JSON list, or '
        "paths separated by the system's path separator).",
        option="--load",
    ),
    Setting(
        "KG_BASE_IRI",
        BASE,
        'The IRI base this deployment answers for (`/id/…`, `/def/…` are its IRIs).',
    ),
    Setting(
        "KG_LICENSE",
        "https://creativecommons.org/licenses/by/4.0/",
        "The data's licence IRI (CC BY 4.0), shown on every page and in every description.",
    ),
    Setting(
        "KG_CONTACT_EMAIL",
        "",
        'Contact address in the DCAT description (`vcard:hasEmail`); optional.',
    ),
    Setting(
        "KG_DUMP_DIR",
        "",
        'Where the dump files (`/data/…`) are written, one folder per store version.',
        means=(
            '= `dumps/` beside the store'
        ),
    ),
    Setting(
        "KG_DUMP_TOKEN",
        "",
        'Set by `serve` itself with several read-only processes, so that they share one dump '
        'folder per store version (the same ETags whichever process answers); not for people '
        'to set.',
    ),
    Setting(
        "KG_CACHE_DIR",
        "",
        'Set by `serve` itself with several processes: the folder of the answer cache they '
        'share (`KG_CACHE_SIZE`); not for people to set.',
    ),
    Setting(
        "KG_NODE_MODULES",
        "",
        "Where the npm packages the pages use (YASGUI, the network view's library) are served "
        'from.',
        means=(
            '= `node_modules/` of the repository'
        ),
    ),
    Setting(
        "KG_QUERY_TIMEOUT",
        30.0,
        'Time limit per query **and per update**. Queries run in worker processes, updates in '
        'the update process (see *Updates*); at the limit the process is killed (SIGKILL) and '
        'replaced, so no CPU keeps burning, and the client gets **`504`** with `X-KG-Timeout: '
        '<seconds>` and a message naming the setting (an update: "nothing was changed"). A '
        "request's `timeout=` may lower a query's limit, never raise it.",
        option="--timeout",
        means=(
            's'
        ),
    ),
    Setting(
        "KG_QUERY_MEMORY",
        "1G",
        'Memory per query worker and for the update process: a size in bytes or with a unit '
        '(`512M`, `2G`, `1.5GiB`); `0` = no limit. While a query or update runs, the serving '
        "process reads its worker's resident memory (not counting the store's file pages, "
        "which are the kernel's shared cache) every 50 ms; past the limit the worker is "
        'killed and replaced, and the client gets **`507`** with `X-KG-Memory-Limit: <bytes>` '
        'and a message naming the setting — other clients and their workers are not touched. '
        'As a backstop each worker also runs under a data-segment limit (`RLIMIT_DATA`) of '
        'twice the setting, which catches a single huge allocation between two looks (the '
        'worker then ends: a `500`, logged in one line).',
    ),
    Setting(
        "KG_MAX_ROWS",
        10_000,
        'Rows (SELECT) or triples (CONSTRUCT/DESCRIBE) per answer. A longer answer is cut '
        '**and says so**: headers `X-KG-Truncated: true` and `X-KG-Row-Limit: N`; SPARQL JSON '
        'also gets top-level `"truncated": true, "rowLimit": N` (ignored by SPARQL clients); '
        'SPARQL XML a `<link href="urn:kompetensgraf:truncated:row-limit:N"/>` in its head.',
        option="--max-rows",
    ),
    Setting(
        "KG_MAX_REQUEST_BYTES",
        1 << 20,
        'Largest query string or body: larger is **`413`**.',
    ),
    Setting(
        "KG_PROCESSES",
        1,
        'Serving processes. `1`: waitress in one process. More: granian (a Rust HTTP server '
        "for Python's WSGI: HTTP is read and written in native code) forks that many worker "
        'processes (threads = `KG_MAX_CONCURRENT` + 4 each), each creating its own app after '
        'the fork — its own store handle, query workers and concurrency limit (the answer '
        'cache is one for all: `KG_CACHE_SIZE`); a response header `X-KG-Process` names the '
        'process that answered. The live writable database has one writer, so with updates on '
        '(embedded store) it is forced to 1 and the log says so. `--load` files are loaded '
        'once, before the fork, into a temporary derived store that every process opens '
        'read-only (removed at shutdown). SIGTERM stops gracefully (8 s for requests in '
        'flight). The processes share the dumps under `/data/` (written once per store '
        'version, under a file lock), so `/data/…`, `/dataset` and `/.well-known/void` give the '
        'same `ETag`, `Last-Modified` and `dct:modified` whichever process answers. `make run` '
        'uses `0` (`make run PROCESSES=1` for one).',
        option="--processes",
        means=(
            '; `0` = one per CPU core; **forced to 1 when `KG_UPDATE_TOKEN` is set** on the '
            'embedded store'
        ),
    ),
    Setting(
        "KG_WORKERS",
        0,
        'Query worker processes **per serving process** (each opens the store read-only '
        'once); total = N × (`KG_WORKERS` + `KG_SHORT_WORKERS`), about 2 × cores + N by '
        'default.',
        option="--workers",
        means=(
            '= 2 per CPU core, at least 2; with N processes: `max(1, 2 × cores // N)` per process'
        ),
    ),
    Setting(
        "KG_SHORT_WORKERS",
        1,
        'Query worker processes **per serving process** kept for short queries, besides '
        '`KG_WORKERS`: a query whose shape (its text with the IRIs, names, strings and numbers '
        'left out) ran in under 20 ms of CPU the last times may take any free worker, '
        'these when the others are busy; every other query only the `KG_WORKERS` ones. So a '
        'single-entity lookup does not wait while long queries hold every general worker. '
        '`0`: none. Each may hold '
        '`KG_QUERY_MEMORY` too (worst case in *Guards and settings*).',
    ),
    Setting(
        "KG_MAX_CONCURRENT",
        0,
        'Queries running or waiting for a worker, **per serving process** (total = N × '
        '`KG_MAX_CONCURRENT`). Beyond it: **`503`** with `Retry-After: 2` at once. A query '
        'that waits longer than its timeout for a worker is also `503`.',
        option="--max-concurrent",
        means=(
            '= 4 × (`KG_WORKERS` + `KG_SHORT_WORKERS`)'
        ),
    ),
    Setting(
        "KG_SERVICE_ALLOWLIST",
        "",
        'Federated `SERVICE` and `LOAD` (in updates): off by default (`400` naming this '
        'setting); space- or comma-separated endpoint IRIs that queries may call and updates '
        'may `LOAD` from (exact match; `SERVICE ?var` is always refused). Two guards. **The '
        'parsed request is checked** before the engine runs (`service/sparql/gate.py`), not '
        'its text: when the text (with `\\u` escapes decoded, any case) contains `service` or '
        '`load`, rdflib parses it and every `SERVICE` endpoint and `LOAD` source is collected '
        "— in subqueries, `EXISTS`, an update's `WHERE`, `LOAD SILENT` — with prefixes "
        'expanded and relative IRIs resolved against `BASE` by pyoxigraph itself; anything '
        'not on the list is `400`. A request that mentions SERVICE or LOAD but that rdflib '
        'cannot parse is refused too, and such a *query* may be at most 16 KiB (it is parsed '
        "in full first). Messages name the request's own IRIs, never what a remote answered. "
        '**While the list is empty, the query workers and the update process have no network '
        'at all**: each enters an empty Linux network namespace of its own as it starts, '
        'before it reads a query, so whatever a query or update says, the engine cannot '
        'connect anywhere. Should a worker fail to leave the network (no `unshare` allowed), '
        'the log says so and that worker refuses every query (the update process: every '
        'update) that mentions `SERVICE` (or `LOAD`) anywhere, in any case or `\\u` escape, '
        'even in a comment or string. With endpoints listed, the workers keep the network and '
        'the engine (pyoxigraph) makes the allowed HTTP calls from the worker, inside the '
        'timeout.',
    ),
    Setting(
        "KG_CACHE_SIZE",
        256,
        'Answers kept for repeated read queries, keyed by query text, dataset, negotiated '
        'format, row cap and store version; emptied by every update; never for `SERVICE` or '
        '`NOW()`/`RAND()`/`UUID()`/`STRUUID()`/`BNODE()`. Header `X-KG-Cache: hit\\|miss`. '
        '`0` turns it off. One cache for all serving processes: with N processes '
        '(`KG_PROCESSES`) `serve` makes one folder for the server\'s life, in memory '
        '(`/dev/shm` where there is one), where every process keeps its answers, one file '
        'each, written whole and then renamed into place, so an answer cached by one process '
        'is a hit in every other (`service/sparql/shared_cache.py`); an update empties it for '
        'all; the folder is removed when the server stops. At most about `KG_CACHE_SIZE` '
        'answers and 64 MiB in all (the oldest go first); one answer at most 4 MiB. With one '
        'process it is kept in the process\'s memory.',
    ),
    Setting(
        "KG_UPDATE_TOKEN",
        "",
        'Bearer token for Update and `/store`; empty = read-only endpoint.',
    ),
    Setting(
        "KG_DATA_DIR",
        "",
        'Where the updatable database lives (see *Updates*).',
        means=(
            '= `live/` beside the store'
        ),
    ),
    Setting(
        "KG_ENDPOINT",
        "",
        "A SPARQL 1.1 engine's query endpoint to serve instead of `KG_STORE` (see *Running on "
        'an existing SPARQL engine*).',
        option="--endpoint",
        means=(
            '= the embedded store'
        ),
    ),
    Setting(
        "KG_UPDATE_ENDPOINT",
        "",
        "The engine's update endpoint.",
        option="--update-endpoint",
        means=(
            '= `KG_ENDPOINT`'
        ),
    ),
    Setting(
        "KG_STORE_ENDPOINT",
        "",
        "The engine's Graph Store Protocol endpoint.",
        option="--store-endpoint",
        means=(
            '= loads by SPARQL Update'
        ),
    ),
    Setting(
        "KG_ENDPOINT_TIMEOUT",
        0.0,
        'Seconds per request to the engine.',
        means=(
            '= `KG_QUERY_TIMEOUT` (else 30)'
        ),
    ),
    Setting(
        "KG_ENDPOINT_DATASET",
        "auto",
        '`auto`, `default` or `graph`: where the engine holds the merge that is the default '
        'graph.',
    ),
    Setting(
        "KG_ENDPOINT_USER",
        "",
        'User name at the engine — environment only, never in the repository.',
    ),
    Setting(
        "KG_ENDPOINT_PASSWORD",
        "",
        'Password at the engine — environment only, never in the repository.',
    ),
    Setting(
        "KG_ENDPOINT_AUTH",
        "basic",
        "`basic` or `digest` (Virtuoso's `-auth` endpoints).",
    ),
    Setting(
        "KG_ENDPOINT_TOKEN",
        "",
        'A bearer token for the engine instead of user and password.',
    ),
)
#: name -> default, for every setting
DEFAULTS: dict[str, Any] = {s.name: s.default for s in SETTINGS}
_BY_NAME = {s.name: s for s in SETTINGS}


def from_environment(names: Iterable[str] = DEFAULTS) -> dict[str, Any]:
    """The settings among ``names`` that the environment sets, parsed."""
    values = {}
    for name in names:
        raw = os.environ.get(name)
        if raw is not None:
            values[name] = _BY_NAME[name].parse(raw)
    return values


def resolve(config: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Every setting's value: ``config``, else the environment, else the default (``config`` may
    hold other keys too; they are kept)."""
    return {**DEFAULTS, **from_environment(), **(config or {})}


def default_workers(processes: int = 1) -> int:
    """``KG_WORKERS`` when it is 0: two per CPU core (a worker waits on IPC too: overlap it), at
    least 2; with several serving processes, the cores' share of each, at least 1."""
    cores = os.cpu_count() or 1
    if processes > 1:
        return max(1, 2 * cores // processes)
    return max(2, 2 * cores)


def engine_sizes(settings: Mapping[str, Any], processes: int = 1) -> dict[str, int]:
    """The query workers of one serving process (general and short) and its concurrency
    limit, with a 0 of ``KG_WORKERS`` or ``KG_MAX_CONCURRENT`` replaced by its computed
    default (four queries per query worker): what ``serve`` hands each of its ``processes`` and
    the endpoint starts with."""
    workers = int(settings["KG_WORKERS"]) or default_workers(processes)
    short = max(0, int(settings["KG_SHORT_WORKERS"]))
    concurrent = int(settings["KG_MAX_CONCURRENT"]) or 4 * (workers + short)
    return {"KG_WORKERS": workers, "KG_SHORT_WORKERS": short, "KG_MAX_CONCURRENT": concurrent}


def markdown_table() -> str:
    """The README's table of settings."""
    lines = ["| setting (`serve` option) | default | what it sets |", "|---|---|---|"]
    for s in SETTINGS:
        name = f"`{s.name}`" + (f" (`{s.option}`)" if s.option else "")
        lines.append(f"| {name} | {s.shown_default()} | {s.help} |")
    return "\n".join(lines) + "\n"

