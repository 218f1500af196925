"""Separation of duties (SPEC §9.1): case roles take effect when a head of PSD approves."""
