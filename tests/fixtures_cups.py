"""Fixtures for the cups tests."""
