"""Errors a steward can fix; the command line prints them without a traceback."""

from geo.nuts import NutsError
from ingest.load.write import SourceConflict
from ingest.normalise.dates import DateProblem
from ingest.sources import UnknownSource
from ingest.sources.fetch import FetchError
from ingest.sources.mapping import MappingError
from ingest.sources.table_files import TableError

USER_ERRORS = (UnknownSource, MappingError, FetchError, TableError, FileNotFoundError,
               DateProblem, SourceConflict, NutsError, IsADirectoryError, PermissionError)
