import type { ApiClient } from '../api/api.client';
import type { User } from '../api/api.types';
import type { I18n } from '../i18n/i18n';
import type { Route } from './router';

/** What every view gets: the parts of the app it may use, passed in rather than imported. */
export interface AppContext {
  api: ApiClient;
  i18n: I18n;
  window: Window & typeof globalThis;
  /** sessionStorage (or a memory stand-in): per-tab state that must survive a reload. */
  session: Storage;
  readonly user: User | null;
  setUser(user: User | null): void;
  navigate(route: Route, options?: { replace?: boolean }): void;
  /** Words for an error in the reader's language, chosen by its code (never the server's message). */
  describeError(error: unknown): string;
  /** Speaks a short status through the page-wide polite live region. */
  announce(text: string): void;
}

/** A view renders into `outlet` and returns what to stop (timers, streams) when it leaves. */
export type Cleanup = () => void;
