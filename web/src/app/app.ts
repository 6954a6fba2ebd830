import { ApiError, createApiClient } from '../api/api.client';
import type { User } from '../api/api.types';
import { renderLogin, renderSignup, renderWelcome } from '../auth/auth.view';
import { clearDrafts } from '../chat/chat.composer';
import { NEW_CONVERSATION, renderChat } from '../chat/chat.view';
import { clearReplyProgress } from '../chat/reply.progress';
import { describeError } from '../i18n/error.describe';
import { createI18n } from '../i18n/i18n';
import { renderResult } from '../result/result.view';
import { clearSurveyAnswers } from '../survey/survey.answers';
import { renderSurvey } from '../survey/survey.view';
import type { AppContext, Cleanup } from './app.context';
import { h } from './dom';
import { parseRoute, type Route, routeHref } from './router';
import { createShell } from './shell.view';
import { safeStorage } from './storage';

export interface AppDeps {
  window: Window & typeof globalThis;
  root: HTMLElement;
}

/** Wires the app together and re-renders the current route on every hash or language change. */
export function startApp({ window, root }: AppDeps): void {
  const { document } = window;
  /** `undefined` until `/api/me` has answered once. */
  let user: User | null | undefined;
  let cleanup: Cleanup | undefined;
  let renderCount = 0;
  let firstPaint = true;

  const i18n = createI18n({ storage: safeStorage(() => window.localStorage), onChange: () => void render() });
  const session = safeStorage(() => window.sessionStorage);
  const api = createApiClient({
    fetch: (input, init) => window.fetch(input, init),
    language: () => i18n.lang,
    onUnauthorized: () => {
      if (!user) return;
      user = null;
      ctx.navigate({ name: 'welcome' });
    },
  });
  const shell = createShell({
    root,
    i18n,
    onLogout: () => void logout(),
    onSignup: () => ctx.navigate({ name: 'signup' }),
  });
  let route: Route = parseRoute(window.location.hash);

  const ctx: AppContext = {
    api,
    i18n,
    window,
    session,
    get user() {
      return user ?? null;
    },
    setUser(next) {
      user = next;
      // The menu follows at once (a persona unlocks 내 유형 and 대화), not on the next navigation.
      shell.update(next, route);
    },
    navigate(to, options) {
      const href = routeHref(to);
      if (options?.replace) {
        window.history.replaceState(null, '', href);
        void render();
      } else if (window.location.hash === href) {
        void render();
      } else {
        window.location.hash = href;
      }
    },
    describeError: (error) => describeError(i18n, error),
    announce: (text) => shell.announce(text),
  };

  async function logout() {
    try {
      await api.post('/api/auth/logout');
    } catch (error) {
      // Still forget the user locally: the cookie is HttpOnly, so a failed call is all we can do.
      shell.announce(ctx.describeError(error));
    }
    clearReplyProgress(session);
    clearDrafts(session);
    clearSurveyAnswers(session);
    user = null;
    ctx.navigate({ name: 'welcome' });
  }

  async function loadUser(): Promise<User | null> {
    try {
      return (await api.get<{ user: User }>('/api/me')).user;
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) return null;
      throw error;
    }
  }

  async function render(): Promise<void> {
    const count = ++renderCount;
    cleanup?.();
    cleanup = undefined;
    document.documentElement.lang = i18n.lang;
    if (user === undefined) {
      try {
        const loaded = await loadUser();
        if (count !== renderCount) return;
        user = loaded;
      } catch (error) {
        if (count !== renderCount) return;
        shell.update(null, { name: 'home' });
        renderStartupError(shell.outlet, ctx.describeError(error), () => void render());
        return;
      }
    }
    route = parseRoute(window.location.hash);
    const redirect = redirectFor(route, user);
    if (redirect) {
      window.history.replaceState(null, '', routeHref(redirect));
      return render();
    }
    shell.update(user, route);
    shell.outlet.replaceChildren();
    cleanup = mount(route);
    document.title = `${shell.outlet.querySelector('h1')?.textContent ?? ''} · Aira`;
    // The first paint keeps the browser's own focus; later navigations move it to the new page's heading.
    if (!firstPaint) shell.outlet.querySelector<HTMLElement>('h1')?.focus();
    firstPaint = false;
  }

  function mount(route: Route): Cleanup | undefined {
    switch (route.name) {
      case 'welcome':
        return renderWelcome(ctx, shell.outlet);
      case 'login':
        return renderLogin(ctx, shell.outlet);
      case 'signup':
        return renderSignup(ctx, shell.outlet);
      case 'survey':
        return renderSurvey(ctx, shell.outlet, route.question);
      case 'result':
        return renderResult(ctx, shell.outlet);
      case 'chat':
        return renderChat(ctx, shell.outlet, route.conversationId);
      case 'newChat':
        return renderChat(ctx, shell.outlet, NEW_CONVERSATION);
      default:
        shell.outlet.replaceChildren(
          h('h1', { tabindex: -1 }, i18n.t('notFound.title')),
          h('p', null, h('a', { href: '#/' }, i18n.t('common.home'))),
        );
        return undefined;
    }
  }

  window.addEventListener('hashchange', () => void render());
  void render();
}

/** Where a route sends someone who should not be there, or null to stay. */
function redirectFor(route: Route, user: User | null): Route | null {
  switch (route.name) {
    case 'home':
      if (!user) return { name: 'welcome' };
      return user.persona ? { name: 'chat', conversationId: null } : { name: 'survey', question: null };
    case 'welcome':
      return user ? { name: 'home' } : null;
    case 'login':
    case 'signup':
      // A guest may still sign up or log in; someone with an account goes home.
      return user && !user.isGuest ? { name: 'home' } : null;
    case 'survey':
    case 'result':
    case 'chat':
    case 'newChat':
      return user ? null : { name: 'welcome' };
    default:
      return null;
  }
}

function renderStartupError(outlet: HTMLElement, message: string, retry: () => void): void {
  outlet.replaceChildren(
    h('h1', { tabindex: -1 }, 'Aira'),
    h('p', { role: 'alert', class: 'error' }, message),
    h('button', { type: 'button', class: 'button', onclick: retry }, 'Retry · 다시 시도'),
  );
}
