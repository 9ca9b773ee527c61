"""Pydantic models of every boundary: API bodies and responses, stored items, bus events."""
