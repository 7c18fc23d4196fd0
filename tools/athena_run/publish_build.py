"""`finlake build --target prod` as the scenarios run it: write-audit-publish through the runner.

    python -m tools.athena_run.publish_build [dbt arguments ...]

Runs finlake.build.write_audit_publish (what `finlake build --target prod` runs when
FINLAKE_WRITE_AUDIT_PUBLISH is on, the default) with the dbt arguments given and the profiles
folder of DBT_PROFILES_DIR, in its own process so that a scenario can kill it. Exits 0 when the
build passed and was published, 1 with the runner's one sentence otherwise.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from finlake.build import Dbt, project_root, write_audit_publish
from finlake.errors import FinlakeError


def main(args: list[str]) -> int:
    profiles = Path(os.environ["DBT_PROFILES_DIR"])
    try:
        dbt = Dbt(None, "prod", project=project_root(), profiles=profiles)
        result = write_audit_publish(dbt, "build", args)
    except FinlakeError as failed:
        print(f"finlake: {failed}", flush=True)
        return 1
    print(f"finlake: {result.describe()}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
