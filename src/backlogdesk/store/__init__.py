"""Store: the embedded database that keeps imported order lines by date."""
