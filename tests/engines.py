"""Start real SPARQL engines on loopback for the remote-backend tests, and stop them again.

* Oxigraph server: the ``oxigraph`` command of the PyPI package (dev group), in-directory storage,
  its own default graph (which ``build --target`` fills with the merge of the named graphs).
* OpenLink Virtuoso: Debian's ``virtuoso-opensource`` (``make setup-virtuoso``), with a temporary
  ``virtuoso.ini`` patched from the packaged default (ports, database files, row cap) and its own
  database directory. Writes use the digest-authenticated endpoints (``/sparql-auth``,
  ``/sparql-graph-crud-auth``) as the ``dba`` user of the fresh database.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

VIRTUOSO_BIN = "virtuoso-t"
VIRTUOSO_INI = Path("/usr/share/virtuoso-opensource-7/virtuoso.ini")
VIRTUOSO_DBA = ("dba", "dba")  # a fresh database's default: loopback-only test instances


@dataclass
class Engine:
    """A running engine: its addresses, the CLI/ service options that reach it, its process."""

    name: str
    query_url: str
    update_url: str
    store_url: str
    proc: subprocess.Popen
    log: Path
    env: dict[str, str] = field(default_factory=dict)  # credentials, as the service reads them

    def cli_options(self) -> list[str]:
        return [
            "--endpoint",
            self.query_url,
            "--update-endpoint",
            self.update_url,
            "--store-endpoint",
            self.store_url,
        ]

    def target_options(self) -> list[str]:
        return [
            "--target",
            self.query_url,
            "--target-update",
            self.update_url,
            "--target-store",
            self.store_url,
        ]

    def open(self, **kwargs):
        from graph.backends import open_store

        return open_store(
            endpoint=self.query_url,
            update_endpoint=self.update_url,
            store_endpoint=self.store_url,
            auth=self.auth(),
            **kwargs,
        )

    def auth(self):
        from graph.remote.io import Auth

        if not self.env:
            return None
        return Auth(
            self.env["KG_ENDPOINT_USER"],
            self.env["KG_ENDPOINT_PASSWORD"],
            self.env.get("KG_ENDPOINT_AUTH", "basic"),
        )

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def _wait(url: str, proc: subprocess.Popen, log: Path, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"engine exited ({proc.returncode}):\n{_tail(log)}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                response.read()
                return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.3)
    proc.kill()
    raise TimeoutError(f"{url} did not answer within {timeout}s:\n{_tail(log)}")


def _tail(log: Path) -> str:
    return log.read_text(errors="replace")[-3000:] if log.exists() else ""


def start_oxigraph(workdir: Path, port: int, *options: str) -> Engine:
    exe = Path(sys.executable).with_name("oxigraph")
    command = str(exe) if exe.exists() else shutil.which("oxigraph")
    if command is None:
        raise RuntimeError("the oxigraph server is missing: `make setup` installs the dev group")
    data = workdir / "oxigraph-data"
    data.mkdir(parents=True, exist_ok=True)
    log = workdir / "oxigraph.log"
    with log.open("ab") as handle:  # the child keeps its own descriptor
        proc = subprocess.Popen(
            [
                command,
                "serve",
                "--location",
                str(data),
                "--bind",
                f"127.0.0.1:{port}",
                "--timeout-s",
                "60",  # stops what a client gave up on
                *options,
            ],
            stdout=handle,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    _wait(base + "/query?query=ASK%7B%7D", proc, log)
    return Engine("oxigraph", base + "/query", base + "/update", base + "/store", proc, log)


def virtuoso_ini(template: str, db: Path, sql_port: int, http_port: int) -> str:
    """The packaged ini with our ports, database directory and limits (section-aware edits)."""
    changes = {
        "Database": {
            "DatabaseFile": db / "virtuoso.db",
            "ErrorLogFile": db / "virtuoso.log",
            "LockFile": db / "virtuoso.lck",
            "TransactionFile": db / "virtuoso.trx",
            "xa_persistent_file": db / "virtuoso.pxa",
        },
        "TempDatabase": {
            "DatabaseFile": db / "virtuoso-temp.db",
            "TransactionFile": db / "virtuoso-temp.trx",
        },
        "Parameters": {
            "ServerPort": f"127.0.0.1:{sql_port}",
            "DirsAllowed": f"., {db}",
            "NumberOfBuffers": 20000,
            "MaxDirtyBuffers": 15000,
            # ORDER BY … LIMIT n refuses n > 10000 by default (pages ask for 20000)
            "MaxSortedTopRows": 100000,
        },
        "HTTPServer": {"ServerPort": f"127.0.0.1:{http_port}", "ServerRoot": db},
        # The packaged row cap (10000) would cut whole-graph reads; the service reports caps.
        # Its cost estimates for queries on one graph as the default graph (the merge) run
        # far above the real time: refused at the packaged 400 s, though answered in under 1 s.
        "SPARQL": {"ResultSetMaxRows": 1000000, "MaxQueryExecutionTime": 120,
                   "MaxQueryCostEstimationTime": 100000},
    }
    out, section, seen = [], "", set()

    def missing() -> list[str]:  # keys the packaged ini lacks: at the end of their section
        return [f"{k} = {v}" for k, v in changes.get(section, {}).items() if k not in seen]

    for line in template.splitlines():
        header = re.match(r"^\[(.+)\]\s*$", line)
        if header:
            out += missing()
            section, seen = header.group(1), set()
        key = re.match(r"^\s*([A-Za-z_]+)\s*=", line)
        if key and key.group(1) in changes.get(section, {}):
            seen.add(key.group(1))
            line = f"{key.group(1)} = {changes[section][key.group(1)]}"
        out.append(line)
    out += missing()
    return "\n".join(out) + "\n"


def start_virtuoso(workdir: Path, sql_port: int, http_port: int) -> Engine:
    if shutil.which(VIRTUOSO_BIN) is None or not VIRTUOSO_INI.exists():
        raise RuntimeError("Virtuoso is missing: run `make setup-virtuoso` (Debian's package)")
    db = workdir / "virtuoso-db"
    db.mkdir(parents=True, exist_ok=True)
    ini = workdir / "virtuoso.ini"
    ini.write_text(virtuoso_ini(VIRTUOSO_INI.read_text(), db, sql_port, http_port))
    log = workdir / "virtuoso.out"
    # -f: stay in the foreground, so the process we hold is the server itself.
    with log.open("ab") as handle:
        proc = subprocess.Popen(
            [VIRTUOSO_BIN, "-f", "-c", str(ini)], cwd=db, stdout=handle, stderr=subprocess.STDOUT
        )
    base = f"http://127.0.0.1:{http_port}"
    _wait(base + "/sparql?query=ASK%7B%7D", proc, log)
    user, password = VIRTUOSO_DBA
    _private_system_graphs(base + "/sparql", sql_port, log)
    env = {"KG_ENDPOINT_USER": user, "KG_ENDPOINT_PASSWORD": password, "KG_ENDPOINT_AUTH": "digest"}
    return Engine(
        "virtuoso",
        base + "/sparql",
        base + "/sparql-auth",
        base + "/sparql-graph-crud-auth",
        proc,
        log,
        env,
    )


PRIVATE_GRAPHS = "http://www.openlinksw.com/schemas/virtrdf#PrivateGraphs"


def virtuoso_privacy_sql(graphs: list[str]) -> str:
    """Virtuoso's graph-level security, as the README recommends: its own graphs become private,
    so that the anonymous query user ("nobody") reads only data graphs."""
    lines = [f"DB.DBA.RDF_GRAPH_GROUP_CREATE ('{PRIVATE_GRAPHS}', 1);"]
    lines += [f"DB.DBA.RDF_GRAPH_GROUP_INS ('{PRIVATE_GRAPHS}', '{g}');" for g in graphs]
    lines += ["DB.DBA.RDF_DEFAULT_USER_PERMS_SET ('nobody', 0, 1);",  # private graphs: nothing
              "DB.DBA.RDF_DEFAULT_USER_PERMS_SET ('nobody', 1, 0);"]  # other graphs: read
    return " ".join(lines)


def _private_system_graphs(query_url: str, sql_port: int, log: Path) -> None:
    """Every graph of a fresh database is Virtuoso's own: make them all private."""
    import json
    import urllib.parse

    text = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
    url = query_url + "?" + urllib.parse.urlencode({"query": text})
    request = urllib.request.Request(url, headers={"Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(request, timeout=60) as response:
        rows = json.loads(response.read())["results"]["bindings"]
    graphs = [row["g"]["value"] for row in rows]
    if any("'" in g for g in graphs):
        raise RuntimeError(f"unexpected system graph names: {graphs}")
    user, password = VIRTUOSO_DBA
    sql = "exec=" + virtuoso_privacy_sql(graphs)
    done = subprocess.run(["isql-vt", f"127.0.0.1:{sql_port}", user, password, sql],
                          capture_output=True, text=True, timeout=120)
    with log.open("a") as out:
        out.write(done.stdout + done.stderr)
    if done.returncode != 0 or "Error" in done.stdout + done.stderr:
        raise RuntimeError(f"could not make Virtuoso's graphs private:\n{done.stdout}{done.stderr}")
