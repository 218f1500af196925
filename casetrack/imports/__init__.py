"""Import historical case records from CSV and XLSX (SPEC §7, a contract)."""
