"""Evidence: preserved files with SHA-256, chain of custody, verification and export."""
