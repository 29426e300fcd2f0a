"""Python's configparser as the oracle for src/alembic/ini.ts (the reader Alembic uses).

stdin: JSON {"cases": [text, ...], "sections": [...], "keys": [...], "here": PATH}
stdout: JSON list, per case, of {"error": true} when reading fails, else
{"values": {"section\\u0000key": value-or-{"error": class name}}} for every pair that is set.
"""
import configparser
import json
import sys

req = json.load(sys.stdin)
out = []
for text in req["cases"]:
    parser = configparser.ConfigParser({"here": req["here"]})
    try:
        parser.read_string(text)
    except configparser.Error:
        out.append({"error": True})
        continue
    values = {}
    for section in req["sections"]:
        if not parser.has_section(section):
            continue
        for key in req["keys"]:
            if not parser.has_option(section, key):
                continue
            try:
                values[section + "\u0000" + key] = parser.get(section, key)
            except configparser.Error as err:
                values[section + "\u0000" + key] = {"error": type(err).__name__}
    out.append({"values": values})
json.dump(out, sys.stdout)
