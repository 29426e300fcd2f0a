"""Real Alembic as the oracle over alembic.ini files and nested version locations.

stdin: JSON list of {"ini": PATH, "locations": [DIR, ...] or null, "states": [[rev, ...], ...]}
  With "locations", Alembic 1.8 (which has no recursive_version_locations) is handed every
  folder of the nested trees explicitly; without, it reads the ini itself.
stdout: JSON list of {"heads", "versionedHeads", "pending": [[rev, ...] or null, ...]} or {"error"}.
"""
import contextlib
import io
import json
import os
import sys
import warnings

from alembic.config import Config
from alembic.script import ScriptDirectory


def run(case):
    try:
        # Alembic runs every file it loads: a loose script's prints must not reach our JSON.
        with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
            warnings.simplefilter("ignore")
            if case["locations"] is None:
                script = ScriptDirectory.from_config(Config(case["ini"]))
            else:
                script = ScriptDirectory(os.path.dirname(case["ini"]), version_locations=case["locations"])
            heads = [r.revision for r in script.get_revisions("heads")]
            versioned = list(script.revision_map.heads)
            pending = []
            for state in case["states"]:
                try:
                    steps = script._upgrade_revs("heads", tuple(state))
                    pending.append([s.revision.revision for s in steps])
                except Exception:
                    pending.append(None)
    except Exception as err:
        return {"error": "%s: %s" % (type(err).__name__, err)}
    return {"heads": heads, "versionedHeads": versioned, "pending": pending}


json.dump([run(case) for case in json.load(sys.stdin)], sys.stdout)
