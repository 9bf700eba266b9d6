"""Shared, tested code for the makemore bigram notebooks (see README.md)."""
