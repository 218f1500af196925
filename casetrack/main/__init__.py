"""Home pages and error pages."""
