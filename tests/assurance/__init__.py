"""Assurance suite (issue 8): access, injection, fuzzing, sessions, uploads, faults,
concurrency and accessibility, each with the figures published in docs/assurance.md."""
