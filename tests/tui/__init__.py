"""Tests of packweb_tui/tui."""
