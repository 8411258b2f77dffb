"""Administration by the catalog manager (BPBJ): pages and API over the modules' services."""
