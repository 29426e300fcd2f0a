#!/usr/bin/env python3
"""Print the schema-sentinel manifest of SQLAlchemy models: what the code expects.

    python3 export_models.py app.models:Base > expected-schema.json
    python3 export_models.py app.db:metadata --alembic-heads "$(alembic heads | cut -d' ' -f1)"
    SCHEMA_SENTINEL_TOKEN=... python3 export_models.py app.models:Base --post https://sentinel/check --adopt

TARGET is ``module:attribute``: a declarative Base (its ``.metadata`` is used) or a
MetaData object. Works with SQLAlchemy 1.4 and 2.x and needs nothing else.

For every column: the type as compiled for PostgreSQL, nullability, and the server default
(``server_default=``) when there is one. A client-side ``default=`` runs in Python, not in the
database, and autoincrement keys get their sequence from the migration, so for those the
manifest says nothing about the default ("not checked") rather than "must have none".
"""
import argparse
import importlib
import json
import os
import sys

from sqlalchemy import MetaData
from sqlalchemy.dialects import postgresql
from sqlalchemy.exc import CompileError
from sqlalchemy.schema import CreateTable, DefaultClause


class ExportError(Exception):
    """A problem the user can fix; printed as one line, exit code 2."""


def load_metadata(target):
    module_name, _, attribute = target.partition(":")
    if not module_name or not attribute:
        raise ExportError(f'"{target}" is not module:attribute (for example app.models:Base)')
    try:
        obj = importlib.import_module(module_name)
    except Exception as exc:  # the application's own import errors, whatever they are
        raise ExportError(f"cannot import {module_name}: {type(exc).__name__}: {exc}") from exc
    for part in attribute.split("."):
        if not hasattr(obj, part):
            raise ExportError(f"{module_name} has no attribute {attribute}")
        obj = getattr(obj, part)
    metadata = obj if isinstance(obj, MetaData) else getattr(obj, "metadata", None)
    if not isinstance(metadata, MetaData):
        raise ExportError(f"{target} is neither a declarative Base nor a MetaData object")
    return metadata


def table_key(table):
    # Unqualified names mean the first schema of SCHEMAS in schema-sentinel.
    return f"{table.schema}.{table.name}" if table.schema else table.name


def column_spec(column, ddl, dialect):
    try:
        type_text = column.type.compile(dialect=dialect)
    except CompileError as exc:
        raise ExportError(f"{column.table.name}.{column.name}: cannot compile its type for PostgreSQL: {exc}") from exc
    spec = {"type": type_text, "nullable": bool(column.nullable)}
    # Only a DefaultClause is a database default; Identity() and Computed() are not defaults,
    # and a bare FetchedValue() says "the database has something" without saying what.
    if isinstance(column.server_default, DefaultClause):
        spec["default"] = ddl.get_column_default_string(column)
    return spec


def export(metadata, heads=None):
    dialect = postgresql.dialect()
    tables = {}
    for table in sorted(metadata.tables.values(), key=lambda t: (t.schema or "", t.name)):
        ddl = CreateTable(table).compile(dialect=dialect)
        tables[table_key(table)] = {
            "columns": {column.name: column_spec(column, ddl, dialect) for column in table.columns}
        }
    manifest = {"version": 1}
    if heads:
        manifest["alembic"] = {"heads": heads}
    manifest["tables"] = tables
    return manifest


def main(argv=None):
    parser = argparse.ArgumentParser(description="Print the schema-sentinel manifest of SQLAlchemy models (JSON).")
    parser.add_argument("target", help="module:attribute naming a declarative Base or a MetaData object")
    parser.add_argument("--alembic-heads", default="", help="comma-separated revision ids to write as alembic.heads")
    parser.add_argument("--path", action="append", default=[], help="directory to import from (default: the current one)")
    add_post_arguments(parser)
    args = parser.parse_args(argv)
    # Like `alembic`, import the application from where the command runs.
    for directory in [*args.path, os.getcwd()]:
        if directory not in sys.path:
            sys.path.insert(0, directory)
    heads = [h.strip() for h in args.alembic_heads.split(",") if h.strip()]
    try:
        manifest = export(load_metadata(args.target), heads)
    except ExportError as exc:
        print(f"export_models: {exc}", file=sys.stderr)
        return 2
    if args.post is not None:
        return post_check(dumps(manifest), args.post, adopt=args.adopt, release=args.release)
    sys.stdout.write(dumps(manifest))
    return 0


def dumps(manifest):
    """JSON with one line per column, so a diff of two exports reads column by column."""
    tables = []
    for key, table in manifest["tables"].items():
        columns = ",\n".join(f"        {json.dumps(name)}: {json.dumps(spec)}" for name, spec in table["columns"].items())
        tables.append(f'    {json.dumps(key)}: {{\n      "columns": {{\n{columns}\n      }}\n    }}')
    head = "".join(f'  {json.dumps(k)}: {json.dumps(v)},\n' for k, v in manifest.items() if k != "tables")
    body = ",\n".join(tables)
    return f'{{\n{head}  "tables": {{\n{body}\n  }}\n}}\n' if tables else f'{{\n{head}  "tables": {{}}\n}}\n'


# --- The deploy gate: POST the manifest to a running sentinel (POST /check) --------------------
# Standard library only: the app's image has Python, not Node. Exit codes as `schema-sentinel
# check`: 0 pass or warn, 1 fail, 2 could not check. Errors are one line; the token is never shown.

import urllib.error
import urllib.parse
import urllib.request

TOKEN_VARIABLE = "SCHEMA_SENTINEL_TOKEN"


def add_post_arguments(parser):
    parser.add_argument("--post", metavar="URL", help="POST the manifest to a sentinel's /check instead of printing it")
    parser.add_argument("--adopt", action="store_true", help="with --post: on success the sentinel monitors this manifest from now on")
    parser.add_argument("--release", metavar="ID", help="with --post: the release id the sentinel shows (X-Release-Id)")


def _cannot(message):
    print(f"export_models: {message}", file=sys.stderr)
    return 2


def _where(url):
    parts = urllib.parse.urlsplit(url)
    return f"{parts.scheme}://{parts.hostname or ''}{f':{parts.port}' if parts.port else ''}{parts.path}"


def post_check(body, url, adopt=False, release=None, timeout=120):
    """POSTs the manifest and prints the findings; returns the exit code."""
    try:
        parts = urllib.parse.urlsplit(url)
        parts.port  # noqa: B018 (raises on a bad port)
    except ValueError:
        return _cannot("--post: not a valid URL")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return _cannot("--post: expected an http:// or https:// URL (with the scheme)")
    token = os.environ.get(TOKEN_VARIABLE, "").strip()
    if not token:
        return _cannot(f"{TOKEN_VARIABLE} is not set (the sentinel's DEPLOY_TOKEN)")
    if adopt:
        query = urllib.parse.urlencode([*urllib.parse.parse_qsl(parts.query), ("adopt", "true")])
        url = urllib.parse.urlunsplit(parts._replace(query=query))
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {token}", "Accept": "application/json"}
    if release:
        headers["X-Release-Id"] = release
    request = urllib.request.Request(url, data=body.encode("utf-8"), headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            code, text = response.status, response.read()
    except urllib.error.HTTPError as exc:
        code, text = exc.code, exc.read()
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        return _cannot(f"cannot reach the sentinel at {_where(url)}: {reason}")
    try:
        answer = json.loads(text)
    except ValueError:
        answer = {}
    if code in (200, 409):
        print_findings(answer)
        return 0 if code == 200 else 1
    output = answer.get("output") if isinstance(answer, dict) else None
    why = {401: "the sentinel refused the token (401)", 404: "no /check there (404): is DEPLOY_TOKEN set on the sentinel?",
           413: "the manifest is too large for the sentinel (413)", 429: "another check is running on the sentinel (429)",
           503: "the sentinel could not check the database (503)"}.get(code, f"the sentinel answered {code}")
    return _cannot(f"{why}{f': {output}' if isinstance(output, str) and output else ''}".replace("\n", " "))


def print_findings(answer):
    """The verdict, then each finding under its table, as `schema-sentinel check` shows them."""
    status = answer.get("status", "?")
    print(f"schema-sentinel: {str(status).upper()}{' (adopted: the sentinel monitors these models now)' if answer.get('adopted') else ''}")
    for name, entries in (answer.get("checks") or {}).items():
        entry = entries[0] if entries else {}
        findings = entry.get("findings")
        line = f"{entry.get('status', '?'):4}  {name}"
        if entry.get("output"):
            line += f": {entry['output']}"
        print(line)
        if not findings:
            continue
        by_table = {}
        for finding in findings:
            by_table.setdefault(finding.get("table", "?"), []).append(finding)
        for table, group in by_table.items():
            print(f"      {table}")
            for finding in group:
                print(f"        {finding.get('severity', ''):4}  {finding.get('kind', ''):20}  {finding.get('message', '')}")


if __name__ == "__main__":
    sys.exit(main())
