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

For every table also its primary key, unique constraints (``unique=True`` included), foreign
keys with their ON DELETE / ON UPDATE, indexes (expressions, ``postgresql_where``,
``postgresql_using``, DESC) and CHECK constraints, named as the naming convention names them;
and every native enum type with the labels SQLAlchemy creates: for an ``enum.Enum`` those are
the member *names*, unless ``values_callable`` says otherwise.

Row-level security, policies and grants are not in SQLAlchemy's metadata; a table can carry
them in ``info["schema_sentinel"]`` (keys ``rls``, ``force_rls``, ``policies``, ``grants``, as in
the manifest), which is copied as it is:

    __table_args__ = {"info": {"schema_sentinel": {"rls": True, "grants": {"anon": ["select"]}}}}
"""
import argparse
import importlib
import json
import os
import re
import sys

from sqlalchemy import MetaData
from sqlalchemy import types as sqltypes
from sqlalchemy.dialects import postgresql
from sqlalchemy.exc import CompileError
from sqlalchemy.schema import CheckConstraint, CreateTable, DefaultClause, UniqueConstraint
from sqlalchemy.sql import expression


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


def constraint_name(constraint, ddl):
    """The name the DDL gives it (naming convention applied, truncated as PostgreSQL would), or None."""
    if constraint.name is None:
        return None
    try:
        name = ddl.preparer.format_constraint(constraint)
    except Exception:  # an unnamed constraint whose convention needs a name
        return None
    if name is None:
        return None
    return name[1:-1].replace('""', '"') if name.startswith('"') else name


def sql_text(element, ddl):
    """An expression as CREATE TABLE / CREATE INDEX prints it: literal values, no table prefix."""
    return ddl.sql_compiler.process(element, include_table=False, literal_binds=True)


def named(spec, name):
    if name:
        spec["name"] = name
    return spec


def action(text):
    return " ".join(text.lower().split()) if text else "no action"


def table_objects(table, ddl):
    out = {}
    pk = table.primary_key
    if pk is not None and len(pk.columns) > 0:
        out["primary_key"] = named({"columns": [c.name for c in pk.columns]}, constraint_name(pk, ddl))
    constraints = sorted(table.constraints, key=lambda c: (constraint_name(c, ddl) or "", [getattr(x, "name", "") for x in getattr(c, "columns", [])]))
    out["unique"] = [named({"columns": [c.name for c in u.columns]}, constraint_name(u, ddl))
                     for u in constraints if isinstance(u, UniqueConstraint)]
    out["foreign_keys"] = [named({
        "columns": [e.parent.name for e in fk.elements],
        "references": {"table": table_key(fk.referred_table), "columns": [e.column.name for e in fk.elements]},
        "on_delete": action(fk.ondelete),
        "on_update": action(fk.onupdate),
    }, constraint_name(fk, ddl)) for fk in sorted(table.foreign_key_constraints, key=lambda f: (constraint_name(f, ddl) or "", [e.parent.name for e in f.elements]))]
    out["indexes"] = [index_spec(index, ddl) for index in sorted(table.indexes, key=lambda i: constraint_name(i, ddl) or "")]
    out["checks"] = [named({"expression": sql_text(c.sqltext, ddl)}, constraint_name(c, ddl))
                     for c in constraints if isinstance(c, CheckConstraint)]
    return out


def index_spec(index, ddl):
    options = index.dialect_options["postgresql"]
    columns = []
    for expr in index.expressions:
        # As PGDDLCompiler.visit_create_index writes them: an expression is parenthesised unless
        # it is a function call, so anything that is not a column name carries a parenthesis.
        columns.append(sql_text(expr if isinstance(expr, expression.ColumnClause) else expr.self_group(), ddl))
    where = options.get("where")
    return named({
        "columns": columns,
        "unique": bool(index.unique),
        "using": (options.get("using") or "btree").lower(),
        "where": sql_text(where, ddl) if where is not None else None,
    }, constraint_name(index, ddl))


def native_enums(metadata, tables):
    """Every native enum the tables use: the labels SQLAlchemy creates (Enum.enums)."""
    enums = {}
    for table in tables:
        for column in table.columns:
            kind = column.type
            if isinstance(kind, sqltypes.ARRAY):
                kind = kind.item_type
            if isinstance(kind, sqltypes.Enum) and kind.native_enum and kind.name:
                key = f"{kind.schema}.{kind.name}" if kind.schema else kind.name
                enums.setdefault(key, list(kind.enums))
    return dict(sorted(enums.items(), key=lambda kv: ("." in kv[0], kv[0])))


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


SECURITY_KEYS = ("rls", "force_rls", "policies", "grants")


def table_security(table):
    """The manifest's rls, force_rls, policies and grants from info["schema_sentinel"], when given."""
    spec = table.info.get("schema_sentinel")
    if spec is None:
        return {}
    if not isinstance(spec, dict):
        raise ExportError(f"{table.name}: info['schema_sentinel'] must be a dict with {', '.join(SECURITY_KEYS)}")
    unknown = sorted(str(k) for k in spec if k not in SECURITY_KEYS)
    if unknown:
        raise ExportError(f"{table.name}: info['schema_sentinel'] has unknown key {unknown[0]!r} (expected {', '.join(SECURITY_KEYS)})")
    return {key: spec[key] for key in SECURITY_KEYS if key in spec}


def export(metadata, heads=None):
    dialect = postgresql.dialect()
    tables = {}
    ordered = sorted(metadata.tables.values(), key=lambda t: (t.schema or "", t.name))
    for table in ordered:
        ddl = CreateTable(table).compile(dialect=dialect)
        try:
            tables[table_key(table)] = {
                "columns": {column.name: column_spec(column, ddl, dialect) for column in table.columns},
                **table_objects(table, ddl),
                **table_security(table),
            }
        except CompileError as exc:
            raise ExportError(f"{table.name}: cannot compile for PostgreSQL: {exc}") from exc
    manifest = {"version": 1}
    if heads:
        manifest["alembic"] = {"heads": heads}
    manifest["tables"] = tables
    manifest["enums"] = native_enums(metadata, ordered)
    return manifest


REVISION_ID = re.compile(r"^[A-Za-z0-9_.-]+$")


def check_heads(heads):
    # The sentinel refuses such a manifest at start; say so here, where "$(alembic heads ...)" went wrong.
    for head in heads:
        if not REVISION_ID.match(head):
            raise ExportError(f'--alembic-heads: {json.dumps(head)} is not a revision id (letters, digits, _ . -); did "alembic heads" fail?')


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
        check_heads(heads)
        manifest = export(load_metadata(args.target), heads)
    except ExportError as exc:
        print(f"export_models: {exc}", file=sys.stderr)
        return 2
    if args.post is not None:
        return post_check(dumps(manifest), args.post, adopt=args.adopt, release=args.release)
    sys.stdout.write(dumps(manifest))
    return 0


def block(entries, indent, open_, close):
    return f"{open_}{close}" if not entries else f"{open_}\n" + ",\n".join(entries) + f"\n{indent}{close}"


def dumps(manifest):
    """JSON with one line per column, key, constraint, index and enum, so a diff of two exports reads object by object."""
    tables = []
    for key, table in manifest["tables"].items():
        parts = []
        for part, value in table.items():
            if part in ("columns", "policies") and isinstance(value, dict):
                items = block([f"        {json.dumps(name)}: {json.dumps(spec)}" for name, spec in value.items()], "      ", "{", "}")
            elif isinstance(value, list):
                items = block([f"        {json.dumps(item)}" for item in value], "      ", "[", "]")
            else:
                items = json.dumps(value)
            parts.append(f"      {json.dumps(part)}: {items}")
        tables.append(f"    {json.dumps(key)}: {{\n" + ",\n".join(parts) + "\n    }")
    head = "".join(f'  {json.dumps(k)}: {json.dumps(v)},\n' for k, v in manifest.items() if k not in ("tables", "enums"))
    enums = ""
    if "enums" in manifest:
        enums = ',\n  "enums": ' + block([f"    {json.dumps(k)}: {json.dumps(v)}" for k, v in manifest["enums"].items()], "  ", "{", "}")
    return f'{{\n{head}  "tables": ' + block(tables, "  ", "{", "}") + f"{enums}\n}}\n"


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
