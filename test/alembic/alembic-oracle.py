"""Real Alembic as the oracle for the differential test: one process for every directory.

stdin: JSON list of {"root": DIR (holding versions/), "states": [[rev, ...], ...]}
stdout: JSON list, per case, of {"heads", "versionedHeads", "pending"} or {"error"}.
"""
import io
import json
import sys
import warnings

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory


def run(case):
    out = io.StringIO()
    config = Config(stdout=out)
    config.set_main_option("script_location", case["root"])
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            command.heads(config, resolve_dependencies=True)
            script = ScriptDirectory.from_config(config)
            versioned = list(script.revision_map.heads)
            pending = []
            for state in case["states"]:
                try:
                    pending.append(len(script._upgrade_revs("heads", tuple(state))))
                except Exception:
                    pending.append(None)
    except Exception as err:  # the directory itself is broken
        return {"error": "%s: %s" % (type(err).__name__, err)}
    # Lines look like "abc123 (label) (head)": the id is the first word.
    heads = [line.split()[0] for line in out.getvalue().splitlines() if line.strip()]
    return {"heads": heads, "versionedHeads": versioned, "pending": pending}


json.dump([run(case) for case in json.load(sys.stdin)], sys.stdout)
