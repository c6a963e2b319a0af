"""The exceptions Backlog Desk raises, each naming the thing and the fix.

    BacklogDeskError
    ├── InputError            an export, mapping or table cannot be used as given
    │   ├── MappingError      the mapping file is wrong or does not fit the export
    │   └── RateError         a currency rate or unit conversion is missing
    ├── StoreError            the store file cannot be opened or written
    └── ReportError           a report cannot be built or written

The command line turns any of these into a short message and exit code 2; a
message always says which file (and where possible row and column) is at fault
and what to do about it.
"""

from __future__ import annotations


class BacklogDeskError(Exception):
    """Base of every error Backlog Desk raises on purpose."""


class InputError(BacklogDeskError):
    """An input file cannot be read as given."""


class MappingError(InputError):
    """The mapping file is wrong, or it does not fit the export."""


class RateError(InputError):
    """A currency rate or a unit conversion needed by a line is missing."""


class StoreError(BacklogDeskError):
    """The store cannot be opened, migrated or written."""


class ReportError(BacklogDeskError):
    """A report cannot be built or written."""
