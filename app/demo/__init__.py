"""Demo data of a Kota Batu–like region."""
