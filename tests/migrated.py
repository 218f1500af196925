"""The migrated SQLite database of the first test session in this process, as bytes.

Kept here, not in conftest.py, because pytest imports conftest.py afresh for every session.
mutmut runs one pytest session per mutant, each forked from the process that ran the whole
selection, so each session starts from this copy instead of running every migration again
(over a second per mutant). A `make test` process runs one session and migrates once.
"""

from __future__ import annotations

SQLITE: list[bytes] = []
