"""Serve the real application (create_app() from the CASETRACK_* environment, as `casetrack
run` does) and, if asked, stop dead at a named step of an evidence upload so the test can kill
the process exactly there.

    python tests/assurance/fault_server.py PORT [STEP FLAG_FILE [NTH]]

STEP is one of the evidence store's fault points ("after_temp_write", "after_rename",
"before_commit"); the NTH time (default 1) an upload reaches it, FLAG_FILE is written and the
request thread sleeps until the process is killed.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path


def main() -> None:
    port = int(sys.argv[1])
    step = sys.argv[2] if len(sys.argv) > 2 else None
    flag = Path(sys.argv[3]) if len(sys.argv) > 3 else None
    nth = int(sys.argv[4]) if len(sys.argv) > 4 else 1
    seen = {"n": 0}

    from werkzeug.serving import make_server

    from casetrack import create_app
    from casetrack.evidence import storage

    def pause(name: str) -> None:
        if name == step and flag is not None:
            seen["n"] += 1
            if seen["n"] == nth:
                flag.write_text(name)
                time.sleep(3600)

    storage.fault_hook = pause
    server = make_server("127.0.0.1", port, create_app(), threaded=True)
    print(f"serving on {port}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
