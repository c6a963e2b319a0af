"""Reports: one ``Report`` object, rendered as HTML, Excel, JSON and terminal text."""
