"""Importing the resident registry (住民データ) from a CSV file: `tsunagu import residents FILE`.

The file's columns are described for users in docs/import-residents.md. The file is never held whole:

1. a first pass over its bytes decides the encoding, hashes it and refuses unsafe characters;
2. a second pass reads it in batches of rows (residents.BATCH_ROWS): each row checked (every bad row kept with
   its line number and a reason in Japanese), the batch's registered residents read in one query, what changes
   worked out in Python (an unchanged row costs one tuple comparison) and written set-based (COPY / executemany
   for new residents and events, one UPDATE statement per set of changed fields);
3. checks across the whole file run at the end in the database, over a temporary table of each row's number,
   household and address: repeated 宛名番号, the 世帯番号 rule.

All of it is one transaction, with one ImportBatch row and one audit entry for the whole run; any error rolls it
back, so nothing is written, and a dry run rolls back too.

Residents missing from the file are left as they are: a file may cover part of the ward. Nothing is deleted.

The package (the app's services: its writes) follows those steps: columns (the file's columns and cell
parsers), towns (finding a 町丁目), rows (reading and checking a row), households (the 世帯番号 rule and repeated
numbers, over the whole file), plan (comparing the rows with the registry), write (writing a batch's plan) and
residents (residents_import, which runs them). `from tsunagu.people.services import X` works for every
public name.
"""

from tsunagu.core.csvio import REQUIRED_VALUE_MESSAGE, SYSTEM_USERNAME, ImportFailed, RowError
from tsunagu.people.services.batching import IMPORT_BATCH_SIZE
from tsunagu.people.services.columns import (
    CARE_ALLOWED,
    CHOICE_MESSAGE,
    CODE_CHARS_MESSAGE,
    COLUMNS,
    DATE_EXAMPLES,
    DATE_IN_FUTURE,
    DATE_MESSAGE,
    FLAG_ALLOWED,
    GRADE_MESSAGE,
    INTELLECTUAL_ALLOWED,
    KANA_MESSAGE,
    PHONE_MESSAGE,
    REQUIRED_COLUMNS,
    SEX_ALLOWED,
    STATUS_ALLOWED,
    Column,
)
from tsunagu.people.services.households import HOUSEHOLD_ADDRESSES_DIFFER_MESSAGE, HOUSEHOLD_ELSEWHERE_MESSAGE
from tsunagu.people.services.residents import NOT_ALLOWED_MESSAGE, ImportNotAllowed, ImportResult, residents_import
from tsunagu.people.services.rows import DUPLICATE_NUMBER_MESSAGE, TOWN_HEADER_MESSAGE
from tsunagu.people.services.towns import (
    TOWN_AMBIGUOUS_MESSAGE,
    TOWN_MISMATCH_MESSAGE,
    TOWN_NAME_WITH_LOT_MESSAGE,
    TOWN_REQUIRED_MESSAGE,
    TOWN_UNKNOWN_CODE_MESSAGE,
    TOWN_UNKNOWN_NAME_MESSAGE,
)

__all__ = [
    "CARE_ALLOWED",
    "CHOICE_MESSAGE",
    "CODE_CHARS_MESSAGE",
    "COLUMNS",
    "DATE_EXAMPLES",
    "DATE_IN_FUTURE",
    "DATE_MESSAGE",
    "DUPLICATE_NUMBER_MESSAGE",
    "FLAG_ALLOWED",
    "GRADE_MESSAGE",
    "HOUSEHOLD_ADDRESSES_DIFFER_MESSAGE",
    "HOUSEHOLD_ELSEWHERE_MESSAGE",
    "IMPORT_BATCH_SIZE",
    "INTELLECTUAL_ALLOWED",
    "KANA_MESSAGE",
    "NOT_ALLOWED_MESSAGE",
    "PHONE_MESSAGE",
    "REQUIRED_COLUMNS",
    "REQUIRED_VALUE_MESSAGE",
    "SEX_ALLOWED",
    "STATUS_ALLOWED",
    "SYSTEM_USERNAME",
    "TOWN_AMBIGUOUS_MESSAGE",
    "TOWN_HEADER_MESSAGE",
    "TOWN_MISMATCH_MESSAGE",
    "TOWN_NAME_WITH_LOT_MESSAGE",
    "TOWN_REQUIRED_MESSAGE",
    "TOWN_UNKNOWN_CODE_MESSAGE",
    "TOWN_UNKNOWN_NAME_MESSAGE",
    "Column",
    "ImportFailed",
    "ImportNotAllowed",
    "ImportResult",
    "RowError",
    "residents_import",
]
