"""Ingest: read ERP exports, apply a mapping, keep every row accounted for."""
