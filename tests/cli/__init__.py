"""Tests of packweb_tui/cli."""
