"""The roots: command line, worker, one cycle's wiring, checks. The only layer that sequences I/O."""
