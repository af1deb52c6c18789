"""Page benchmarks: `make bench` (python -m benchmarks.run). See benchmarks/run.py."""
