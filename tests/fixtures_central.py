"""Fixtures for the central tests."""
