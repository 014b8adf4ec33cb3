"""Fixtures of the web tests: the local news site and the guard against traffic beyond 127.0.0.1."""

from tests.support import news_site, only_loopback, tls_news_site  # noqa: F401 - fixtures for tests/inputs
