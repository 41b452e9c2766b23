"""Test-only helpers: real servers on loopback that the integration tests run against."""
