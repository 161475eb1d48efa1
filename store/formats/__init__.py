"""Warraq."""
