"""Fixtures for the kiosk tests."""
