"""Tests of packweb_tui/domain."""
