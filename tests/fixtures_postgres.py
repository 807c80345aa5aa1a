"""Fixtures for the postgres tests."""
