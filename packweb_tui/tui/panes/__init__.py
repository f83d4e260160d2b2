"""One pane per tab of the console."""
