/**
 * Whether a database error is about the data (the same row will fail every time: dead-letter it)
 * rather than the database (down, busy, deadlocked: try again later).
 */
export function isDataError(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  if (typeof code !== 'string') return false;
  if (code.startsWith('SQLITE_CONSTRAINT') || code === 'SQLITE_MISMATCH' || code === 'SQLITE_TOOBIG')
    return true;
  return mysqlDataErrors.has(code);
}

const mysqlDataErrors = new Set([
  'ER_DATA_TOO_LONG',
  'ER_TRUNCATED_WRONG_VALUE',
  'ER_TRUNCATED_WRONG_VALUE_FOR_FIELD',
  'ER_WARN_DATA_OUT_OF_RANGE',
  'ER_BAD_NULL_ERROR',
  'ER_NO_DEFAULT_FOR_FIELD',
  'ER_DUP_ENTRY',
  'ER_NO_REFERENCED_ROW_2',
  'ER_ROW_IS_REFERENCED_2',
  'ER_CHECK_CONSTRAINT_VIOLATED',
  'ER_SIGNAL_EXCEPTION',
  'ER_INVALID_CHARACTER_STRING',
  'ER_WRONG_VALUE_COUNT_ON_ROW',
]);
