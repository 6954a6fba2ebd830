import type { ErrorCode } from '../../../services/gateway/error.codes';
import type { Lang } from './i18n';

/**
 * The app's own words for every error code the gateway sends (`Record<ErrorCode, …>`: a new code
 * without words here does not compile). The server's English `message` is never shown.
 * `{wait}` becomes "in 30 s" or "in a moment"; a `field_*` text follows the field's name.
 */
const ko: Record<ErrorCode, string> = {
  bad_request: '요청을 처리하지 못했어요. 다시 시도해 주세요.',
  invalid_json: '요청 형식이 올바르지 않아요. 페이지를 새로 고친 뒤 다시 시도해 주세요.',
  unsupported_media_type: '요청 형식이 올바르지 않아요. 페이지를 새로 고친 뒤 다시 시도해 주세요.',
  body_too_large: '보내는 내용이 너무 커요. 줄여서 다시 보내 주세요.',
  invalid_url: '주소가 올바르지 않아요.',
  invalid_request: '요청 형식이 올바르지 않아요. 페이지를 새로 고친 뒤 다시 시도해 주세요.',
  invalid_body: '요청 형식이 올바르지 않아요. 페이지를 새로 고친 뒤 다시 시도해 주세요.',
  field_required: '꼭 입력해야 해요.',
  field_too_short: '{limit}자 이상이어야 해요.',
  field_too_long: '{limit}자까지 쓸 수 있어요.',
  field_out_of_range: '허용된 범위를 벗어났어요.',
  field_not_allowed: '보낼 수 없는 항목이에요.',
  field_invalid: '형식이 올바르지 않아요.',
  unauthorized: '로그인이 끝났어요. 다시 로그인해 주세요.',
  invalid_credentials: '이메일 또는 비밀번호가 맞지 않아요.',
  email_taken: '이미 가입된 이메일이에요. 로그인해 주세요.',
  too_many_attempts: '로그인 시도가 너무 많았어요. {wait} 다시 시도해 주세요.',
  rate_limited: '요청이 너무 잦아요. {wait} 다시 시도해 주세요.',
  not_found: '찾을 수 없어요.',
  empty_message: '메시지를 입력해 주세요.',
  message_too_long: '메시지가 너무 길어요. 나눠서 보내 주세요.',
  wrong_version: '설문이 바뀌었어요. 페이지를 새로 고쳐 주세요.',
  unknown_question: '설문 답변을 저장하지 못했어요. 페이지를 새로 고쳐 주세요.',
  invalid_value: '설문 답변을 저장하지 못했어요. 페이지를 새로 고쳐 주세요.',
  duplicate_question: '설문 답변을 저장하지 못했어요. 페이지를 새로 고쳐 주세요.',
  invalid_last_event_id: '답변을 이어 받지 못했어요. 페이지를 새로 고쳐 주세요.',
  llm_failed: '답변을 만들지 못했어요.',
  timeout: '요청이 너무 오래 걸렸어요. 다시 시도해 주세요.',
  headers_too_large: '요청을 처리하지 못했어요. 다시 시도해 주세요.',
  unavailable: '서비스가 잠시 응답하지 않아요. {wait} 다시 시도해 주세요.',
  internal: '서버에 문제가 생겼어요. 잠시 후 다시 시도해 주세요.',
};

const en: Record<ErrorCode, string> = {
  bad_request: 'The request could not be handled. Please try again.',
  invalid_json: 'The request was malformed. Please reload the page and try again.',
  unsupported_media_type: 'The request was malformed. Please reload the page and try again.',
  body_too_large: 'That is too much to send at once. Please make it shorter.',
  invalid_url: 'That address is not valid.',
  invalid_request: 'The request was malformed. Please reload the page and try again.',
  invalid_body: 'The request was malformed. Please reload the page and try again.',
  field_required: 'This is required.',
  field_too_short: 'Needs at least {limit} characters.',
  field_too_long: 'Can have at most {limit} characters.',
  field_out_of_range: 'This value is out of range.',
  field_not_allowed: 'This cannot be sent.',
  field_invalid: 'This is not in the right format.',
  unauthorized: 'Your session has ended. Please log in again.',
  invalid_credentials: 'The email or password is not right.',
  email_taken: 'This email already has an account. Please log in.',
  too_many_attempts: 'Too many sign-in attempts. Please try again {wait}.',
  rate_limited: 'Too many requests. Please try again {wait}.',
  not_found: 'Not found.',
  empty_message: 'Please type a message.',
  message_too_long: 'The message is too long. Please split it up.',
  wrong_version: 'The survey has changed. Please reload the page.',
  unknown_question: 'Your answers could not be saved. Please reload the page.',
  invalid_value: 'Your answers could not be saved. Please reload the page.',
  duplicate_question: 'Your answers could not be saved. Please reload the page.',
  invalid_last_event_id: 'The reply could not be resumed. Please reload the page.',
  llm_failed: 'The reply could not be generated.',
  timeout: 'The request took too long. Please try again.',
  headers_too_large: 'The request could not be handled. Please try again.',
  unavailable: 'The service is not answering right now. Please try again {wait}.',
  internal: 'Something broke on our side. Please try again in a moment.',
};

export const errorMessages: Record<Lang, Record<ErrorCode, string>> = { ko, en };

export const isErrorCode = (code: string): code is ErrorCode => Object.hasOwn(ko, code);
