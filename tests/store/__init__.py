"""Tests of packweb_tui/store."""
