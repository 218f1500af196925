"""Cases: concerns about social-media conduct, their subjects and the workflow."""
