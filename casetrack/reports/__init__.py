"""Outcome statistics in the style of published FOI figures (SPEC §6)."""
