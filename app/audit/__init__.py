"""The append-only, hash-chained audit log of PRODUCT.md §7."""
