"""The JSON API of shared/API.md: one blueprint, helpers, and the OpenAPI document."""
