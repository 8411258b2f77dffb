"""Procurement: SKPD, budget lines (DPA) and, later, orders."""
