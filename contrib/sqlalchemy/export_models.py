#!/usr/bin/env python3
"""Print the schema-sentinel manifest of SQLAlchemy models: what the code expects.

    python3 export_models.py app.models:Base > expected-schema.json
    python3 export_models.py app.db:metadata --alembic-heads "$(alembic heads | cut -d' ' -f1)"

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


if __name__ == "__main__":
    sys.exit(main())
