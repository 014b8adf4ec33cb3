"""What the tests and the benchmarks share, importable without pytest: the sample article (`samples`),
tiny MarianMT models built on the fly (`tiny_models`), and a real Qari server with Chromium (`server`).

Imports the app's `models` like any user of it would; never imported by `models`, `components` or `app.py`.
"""
