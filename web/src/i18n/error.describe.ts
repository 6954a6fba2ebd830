import { ApiError, NETWORK_ERROR } from '../api/api.client';
import { errorMessages, isErrorCode } from './error.messages';
import { format, type I18n } from './i18n';
import type { MessageKey } from './messages';

/** Body fields the app sends, by the name the server reports in `error.field`. */
const fieldLabels: Record<string, MessageKey> = {
  email: 'form.email',
  password: 'form.password',
  displayName: 'field.displayName',
  title: 'field.title',
  content: 'chat.messageLabel',
};

/**
 * Words for an error, in the reader's language, chosen by the error's code (and, for a body
 * field, its name and limit). A code the app does not know yet is named, never explained in
 * the server's English.
 */
export function describeError(i18n: I18n, error: unknown): string {
  if (!(error instanceof ApiError)) {
    return i18n.t('error.generic', { code: error instanceof Error ? error.name : 'unknown' });
  }
  if (error.code === NETWORK_ERROR) return i18n.t('error.network');
  const { field, limit, retryAfterSeconds } = error.details;
  const code = error.code.startsWith('field_too_') && limit === undefined ? 'field_invalid' : error.code;
  const text = describeCode(i18n, code, { limit, retryAfterSeconds });
  const label = code.startsWith('field_') && field ? fieldLabels[field] : undefined;
  return label ? `${i18n.t(label)}: ${text}` : text;
}

/** Words for a bare code, such as the `error` event that ends a reply stream. */
export function describeCode(
  i18n: I18n,
  code: string,
  details: { limit?: number; retryAfterSeconds?: number } = {},
): string {
  if (!isErrorCode(code)) return i18n.t('error.generic', { code });
  const wait = details.retryAfterSeconds
    ? i18n.t('error.waitSeconds', { seconds: details.retryAfterSeconds })
    : i18n.t('error.waitMoment');
  return format(errorMessages[i18n.lang][code], { limit: details.limit ?? '', wait });
}
