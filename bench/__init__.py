"""Benchmarks: `make bench` runs them; figures go to docs/benchmarks.md with the command."""
