"""Errors a steward can fix; the command line prints them without a traceback."""

from geo.nuts import NutsError
from ingest.dates import DateProblem
from ingest.fetch import FetchError
from ingest.mapping import MappingError
from ingest.sources import UnknownSource
from ingest.store import SourceConflict
from ingest.tables import TableError

USER_ERRORS = (UnknownSource, MappingError, FetchError, TableError, FileNotFoundError,
               DateProblem, SourceConflict, NutsError, IsADirectoryError, PermissionError)
