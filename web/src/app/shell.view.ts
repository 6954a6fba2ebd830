import type { User } from '../api/api.types';
import { type I18n, LANG_NAMES, LANGS } from '../i18n/i18n';
import { h, uid } from './dom';
import type { Route } from './router';

export interface Shell {
  outlet: HTMLElement;
  update(user: User | null, route: Route): void;
  announce(text: string): void;
}

export interface ShellDeps {
  root: HTMLElement;
  i18n: I18n;
  onLogout: () => void;
  /** Where a guest who would rather keep their data is sent instead of logging out. */
  onSignup: () => void;
}

/** The page frame: skip button, header (navigation, language, account), main, live region. */
export function createShell(deps: ShellDeps): Shell {
  const { i18n } = deps;
  const outlet = h('main', { id: 'main', class: 'main', tabindex: -1 });
  const header = h('header', { class: 'topbar' });
  const skip = h('button', { type: 'button', class: 'skip-link', onclick: () => outlet.focus() });
  const announcer = h('div', { class: 'visually-hidden', 'aria-live': 'polite', 'data-testid': 'announcer' });
  deps.root.replaceChildren(skip, header, outlet, announcer);

  /** A guest's data lives only in this session: say so, and offer to keep it by signing up. */
  function confirmGuestLogout() {
    const titleId = uid('dialog-title');
    const close = (then?: () => void) => {
      dialog.close();
      dialog.remove();
      then?.();
    };
    const keep = h(
      'button',
      { type: 'button', class: 'button button-primary', 'data-testid': 'logout-signup' },
      i18n.t('logout.signup'),
    );
    keep.addEventListener('click', () => close(deps.onSignup));
    const dialog = h(
      'dialog',
      { class: 'dialog', 'aria-labelledby': titleId, 'data-testid': 'logout-dialog' },
      h('h2', { id: titleId }, i18n.t('logout.guestTitle')),
      h('p', null, i18n.t('logout.guestBody')),
      h(
        'div',
        { class: 'dialog-actions' },
        keep,
        h(
          'button',
          {
            type: 'button',
            class: 'button button-danger',
            'data-testid': 'logout-confirm',
            onclick: () => close(deps.onLogout),
          },
          i18n.t('logout.confirm'),
        ),
        h('button', { type: 'button', class: 'button', onclick: () => close() }, i18n.t('logout.cancel')),
      ),
    );
    dialog.addEventListener('close', () => dialog.remove());
    deps.root.append(dialog);
    dialog.showModal();
    keep.focus();
  }

  function navLink(href: string, label: string, current: boolean) {
    return h('a', { href, class: 'nav-link', 'aria-current': current ? 'page' : null }, label);
  }

  return {
    outlet,
    update(user, route) {
      skip.textContent = i18n.t('app.skip');
      const nav = user
        ? h(
            'nav',
            { class: 'nav', 'aria-label': i18n.t('nav.label') },
            navLink('#/survey', i18n.t('nav.survey'), route.name === 'survey'),
            user.persona ? navLink('#/result', i18n.t('nav.result'), route.name === 'result') : null,
            user.persona
              ? navLink('#/chat', i18n.t('nav.chat'), route.name === 'chat' || route.name === 'newChat')
              : null,
          )
        : null;
      const langSwitch = h(
        'div',
        { class: 'lang-switch', role: 'group', 'aria-label': i18n.t('lang.label') },
        LANGS.map((lang) =>
          h(
            'button',
            {
              type: 'button',
              lang,
              class: 'lang-button',
              'aria-pressed': String(lang === i18n.lang),
              'data-testid': `lang-${lang}`,
              onclick: () => i18n.setLang(lang),
            },
            LANG_NAMES[lang],
          ),
        ),
      );
      const account = user
        ? h(
            'div',
            { class: 'account' },
            h(
              'span',
              { class: 'account-name', 'data-testid': 'account-name' },
              user.isGuest ? i18n.t('account.guest') : user.displayName,
            ),
            user.isGuest ? h('a', { href: '#/signup', class: 'nav-link' }, i18n.t('account.signup')) : null,
            h(
              'button',
              {
                type: 'button',
                class: 'button button-quiet',
                'data-testid': 'logout',
                onclick: () => (user.isGuest ? confirmGuestLogout() : deps.onLogout()),
              },
              i18n.t('account.logout'),
            ),
          )
        : h(
            'div',
            { class: 'account' },
            h('a', { href: '#/login', class: 'nav-link' }, i18n.t('account.login')),
          );
      header.replaceChildren(h('a', { href: '#/', class: 'brand' }, 'Aira'), nav ?? '', langSwitch, account);
    },
    announce(text) {
      // Clearing first makes a repeated message ("Saved") count as a change and be spoken again.
      announcer.textContent = '';
      setTimeout(() => {
        announcer.textContent = text;
      }, 50);
    },
  };
}
