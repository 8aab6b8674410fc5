"""Whether a process runs: one check for the Neo4j server manager and the embedded store's
stale-file clean-up (``os.kill(pid, 0)`` plus, on Linux, not counting a zombie as alive)."""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["pid_alive"]


def pid_alive(pid: int) -> bool:
    """True if process ``pid`` exists and is not a zombie (a process of another user counts).

    >>> pid_alive(os.getpid()), pid_alive(0)
    (True, False)
    """
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # Linux: a zombie is not alive
        stat = Path(f"/proc/{pid}/stat").read_text()
        return stat.rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True
