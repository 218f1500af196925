"""Jinja's compiled page templates, shared by every app the tests make in this process.

Each test builds its own app, and each app its own Jinja environment, which compiled every
template it rendered afresh: about a quarter of a page test's time. The bytecode is keyed by
the template's name and a checksum of its source, so a changed template is compiled again.
Kept here, not in conftest.py, because pytest imports conftest.py afresh for every session
(mutmut runs one per mutant, forked from the process that ran the whole selection).
"""

from __future__ import annotations

from jinja2.bccache import Bucket, BytecodeCache


class MemoryBytecodeCache(BytecodeCache):
    def __init__(self) -> None:
        self.codes: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        code = self.codes.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: Bucket) -> None:
        self.codes[bucket.key] = bucket.bytecode_to_string()


TEMPLATES = MemoryBytecodeCache()
