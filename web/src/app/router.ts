/**
 * Hash routes, so a static host (S3 + CloudFront) serves one index.html and needs no rewrites.
 */
export type Route =
  | { name: 'home' }
  | { name: 'welcome' }
  | { name: 'login' }
  | { name: 'signup' }
  | { name: 'survey'; question: number | null }
  | { name: 'result' }
  | { name: 'chat'; conversationId: string | null }
  /** A conversation not started yet: it is created with its first message. */
  | { name: 'newChat' }
  | { name: 'notFound' };

export function parseRoute(hash: string): Route {
  const parts = hash
    .replace(/^#\/?/, '')
    .split('/')
    .filter((part) => part !== '')
    .map(safeDecode);
  const [head, arg, ...rest] = parts;
  if (rest.length > 0) return { name: 'notFound' };
  switch (head) {
    case undefined:
      return { name: 'home' };
    case 'welcome':
    case 'login':
    case 'signup':
    case 'result':
      return arg === undefined ? { name: head } : { name: 'notFound' };
    case 'survey': {
      if (arg === undefined) return { name: 'survey', question: null };
      const question = Number(arg);
      return Number.isInteger(question) && question >= 1
        ? { name: 'survey', question }
        : { name: 'notFound' };
    }
    case 'chat':
      // Conversation ids are uuids, so `new` never names one.
      if (arg === 'new') return { name: 'newChat' };
      return { name: 'chat', conversationId: arg ?? null };
    default:
      return { name: 'notFound' };
  }
}

export function routeHref(route: Route): string {
  switch (route.name) {
    case 'home':
    case 'notFound':
      return '#/';
    case 'survey':
      return route.question === null ? '#/survey' : `#/survey/${route.question}`;
    case 'chat':
      return route.conversationId === null ? '#/chat' : `#/chat/${encodeURIComponent(route.conversationId)}`;
    case 'newChat':
      return '#/chat/new';
    default:
      return `#/${route.name}`;
  }
}

function safeDecode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}
