"""The console (Textual): a frame of tabbed panes over the services, keyboard first."""
