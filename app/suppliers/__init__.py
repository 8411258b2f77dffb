"""Suppliers: registration, documents, verification."""
