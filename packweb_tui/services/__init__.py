"""Use cases shared by the console, the command line and the portal."""
