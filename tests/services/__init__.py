"""Tests of packweb_tui/services."""
