"""Background jobs: long work (large imports, recomputations, batch preparation) done in
short steps by a worker, with progress, resumable after a crash."""
