"""The console's screens: the tabbed frame and its dialogs."""
