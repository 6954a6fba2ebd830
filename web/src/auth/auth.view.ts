import {
  DISPLAY_NAME_MAX_CHARS,
  PASSWORD_MAX_CHARS,
  PASSWORD_MIN_CHARS,
} from '../../../services/gateway/http.limits';
import { ApiError } from '../api/api.client';
import type { AuthResponse } from '../api/api.types';
import type { AppContext, Cleanup } from '../app/app.context';
import { h, uid } from '../app/dom';
import type { MessageKey } from '../i18n/messages';

export function renderWelcome(ctx: AppContext, outlet: HTMLElement): Cleanup | undefined {
  const { t } = ctx.i18n;
  const error = h('p', { role: 'alert', class: 'error', 'data-testid': 'form-error' });
  const guest = h(
    'button',
    { type: 'button', class: 'button button-primary button-large', 'data-testid': 'start-guest' },
    t('welcome.guest'),
  );
  guest.addEventListener('click', async () => {
    guest.disabled = true;
    error.textContent = '';
    try {
      const { user } = await ctx.api.post<AuthResponse>('/api/auth/guest');
      ctx.setUser(user);
      ctx.navigate({ name: 'home' });
    } catch (err) {
      error.textContent = ctx.describeError(err);
      guest.disabled = false;
      guest.focus();
    }
  });
  outlet.replaceChildren(
    h(
      'section',
      { class: 'card welcome' },
      h('h1', { tabindex: -1 }, t('welcome.title')),
      h('p', { class: 'lead' }, t('welcome.lead')),
      guest,
      error,
      h('p', { class: 'muted' }, t('welcome.account')),
      h(
        'p',
        { class: 'link-row' },
        h('a', { href: '#/login' }, t('account.login')),
        h('a', { href: '#/signup' }, t('account.signup')),
      ),
    ),
  );
  return undefined;
}

export function renderLogin(ctx: AppContext, outlet: HTMLElement): Cleanup | undefined {
  renderAuthForm(ctx, outlet, {
    title: 'login.title',
    submit: 'login.submit',
    endpoint: '/api/auth/login',
    withDisplayName: false,
    newPassword: false,
    other: { href: '#/signup', label: 'login.toSignup' },
  });
  return undefined;
}

export function renderSignup(ctx: AppContext, outlet: HTMLElement): Cleanup | undefined {
  renderAuthForm(ctx, outlet, {
    title: 'signup.title',
    submit: 'signup.submit',
    endpoint: '/api/auth/signup',
    withDisplayName: true,
    newPassword: true,
    other: { href: '#/login', label: 'signup.toLogin' },
  });
  return undefined;
}

interface AuthFormSpec {
  title: MessageKey;
  submit: MessageKey;
  endpoint: string;
  withDisplayName: boolean;
  /** Sign-up sets a password, so its rule is shown before the submit; log-in only checks one. */
  newPassword: boolean;
  other: { href: string; label: MessageKey };
}

function field(label: string, props: Record<string, string | boolean>, hint?: string) {
  const id = uid('field');
  const hintId = hint ? `${id}-hint` : null;
  const input = h('input', { id, class: 'input', 'aria-describedby': hintId, ...props });
  return {
    input,
    element: h(
      'div',
      { class: 'field' },
      h('label', { for: id }, label),
      input,
      hint ? h('p', { id: hintId, class: 'hint muted', 'data-testid': 'field-hint' }, hint) : null,
    ),
  };
}

/** The same rules as the server's schema, checked first so the words are the app's own. */
function checkFields(
  ctx: AppContext,
  spec: AuthFormSpec,
  email: HTMLInputElement,
  password: HTMLInputElement,
) {
  const { t } = ctx.i18n;
  const length = [...password.value].length;
  if (email.value.trim() === '') return { input: email, message: t('form.emailRequired') };
  // The browser's own e-mail check, without its message (that comes in the browser's language).
  if (email.validity.typeMismatch) return { input: email, message: t('form.emailInvalid') };
  if (length === 0) return { input: password, message: t('form.passwordRequired') };
  if (spec.newPassword && length < PASSWORD_MIN_CHARS) {
    return {
      input: password,
      message: t('form.passwordTooShort', { min: PASSWORD_MIN_CHARS, count: length }),
    };
  }
  if (length > PASSWORD_MAX_CHARS)
    return { input: password, message: t('form.passwordTooLong', { max: PASSWORD_MAX_CHARS }) };
  return null;
}

function renderAuthForm(ctx: AppContext, outlet: HTMLElement, spec: AuthFormSpec): void {
  const { t } = ctx.i18n;
  const email = field(t('form.email'), {
    type: 'email',
    name: 'email',
    autocomplete: 'email',
    required: true,
  });
  const password = field(
    t('form.password'),
    {
      type: 'password',
      name: 'password',
      autocomplete: spec.newPassword ? 'new-password' : 'current-password',
      required: true,
    },
    spec.newPassword ? t('form.passwordRule', { min: PASSWORD_MIN_CHARS }) : undefined,
  );
  const displayName = spec.withDisplayName
    ? field(t('form.displayName'), {
        type: 'text',
        name: 'displayName',
        autocomplete: 'nickname',
        maxlength: String(DISPLAY_NAME_MAX_CHARS),
      })
    : null;
  const error = h('p', { role: 'alert', class: 'error', 'data-testid': 'form-error' });
  const submit = h('button', { type: 'submit', class: 'button button-primary' }, t(spec.submit));
  const form = h(
    'form',
    { class: 'form', novalidate: true },
    email.element,
    password.element,
    displayName?.element,
    error,
    submit,
  );

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    error.textContent = '';
    for (const input of [email.input, password.input]) input.removeAttribute('aria-invalid');
    const problem = checkFields(ctx, spec, email.input, password.input);
    if (problem) {
      error.textContent = problem.message;
      problem.input.setAttribute('aria-invalid', 'true');
      problem.input.focus();
      return;
    }
    const body: Record<string, string> = { email: email.input.value.trim(), password: password.input.value };
    const name = displayName?.input.value.trim();
    if (name) body.displayName = name;
    submit.disabled = true;
    submit.textContent = t('form.busy');
    try {
      const { user } = await ctx.api.post<AuthResponse>(spec.endpoint, body);
      ctx.setUser(user);
      ctx.navigate({ name: 'home' });
    } catch (err) {
      error.textContent = ctx.describeError(err);
      submit.disabled = false;
      submit.textContent = t(spec.submit);
      const field = err instanceof ApiError ? err.details.field : undefined;
      (field === 'password'
        ? password.input
        : field === 'displayName' && displayName
          ? displayName.input
          : email.input
      ).focus();
    }
  });

  outlet.replaceChildren(
    h(
      'section',
      { class: 'card auth' },
      h('h1', { tabindex: -1 }, t(spec.title)),
      form,
      h('p', { class: 'link-row' }, h('a', { href: spec.other.href }, t(spec.other.label))),
    ),
  );
}
