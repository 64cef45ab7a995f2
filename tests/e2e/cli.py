"""Running the ``liubu`` command as a user does: a separate process, a data directory of its own,
the development environment (SQLite under the data directory)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def run_cli(
    *args: str, data_dir: Path, extra: dict[str, str] | None = None, check: bool = False
) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "LIUBU_ENV": "development",
        "LIUBU_DATA_DIR": str(data_dir),
        **(extra or {}),
    }
    env.pop("LIUBU_DATABASE_URL", None)
    result = subprocess.run(
        [sys.executable, "-m", "liubu", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if check:
        assert result.returncode == 0, (args, result.stderr)
    return result


# Both binding declarations, as `liubu quotes bind` requires them.
DECLARE = ("--truthful", "--terms-read")
