"""Benchmarks behind `make bench`: figures for the closing notes, not timed tests."""
