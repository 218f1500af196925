"""Retention (SPEC §9): closed cases past the retention period, reviewed and deleted by the
head of PSD, leaving a tombstone in the audit log."""
