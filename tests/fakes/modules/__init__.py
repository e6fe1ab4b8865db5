"""A stand-in for the WebUI's `modules` package, just big enough to load scripts/sdpa.py outside a
WebUI (unit tests and the start-up benchmark). The real hosts are checked by tests/host/."""
