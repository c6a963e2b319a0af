"""Backlog Desk: one honest weekly sales backlog report from ERP order exports."""

__version__ = "0.1.0"
