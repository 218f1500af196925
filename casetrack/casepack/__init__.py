"""The case pack: a case as a PDF to hand over (SPEC §12)."""
