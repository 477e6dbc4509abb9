"""Load test: registrars, case workers and finance officers doing their day's mix against a
real `haven serve` on loopback, driven by Locust (`python -m bench.load`, `make bench-load`).

`bench/load/__main__.py` prepares the database and the server and runs Locust headless;
`bench/load/locustfile.py` is what each simulated user does.
"""
