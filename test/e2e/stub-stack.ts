/**
 * An in-memory stand-in for the gateway's public HTTP contract, serving web/dist. It exists so
 * the browser tests can run without Redis, SQS and workers (`AIRA_E2E_STACK=stub`); it has the
 * same `startStack` shape as test/harness/stack. Replies echo the user's message, stream a word
 * at a time, replay from `Last-Event-ID` (header or `?lastEventId=`) and honour cancel.
 */
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import { CONTENT_SECURITY_POLICY } from '../../web/src/csp';

type Json = Record<string, unknown>;
interface StubUser {
  id: string;
  email: string | null;
  password: string | null;
  displayName: string;
  isGuest: boolean;
  answers: Map<string, number>;
}
interface StubEvent {
  id: string;
  event: string;
  data: Json;
}
interface StubReply {
  id: string;
  userId: string;
  conversationId: string;
  cancel: () => void;
  events: StubEvent[];
  text: string;
  status: 'streaming' | 'complete' | 'cancelled';
  listeners: Set<(event: StubEvent) => void>;
  timer?: ReturnType<typeof setTimeout>;
}
interface StubMessage {
  id: string;
  role: 'user' | 'assistant';
  content: string;
  replyId: string | null;
  createdAt: string;
}

const AXES = ['warmth', 'playfulness', 'directness'];
const PERSONAS = [
  { id: 'sunny', name: { ko: '햇살 친구', en: 'Sunny Friend' }, axis: 'warmth' },
  { id: 'jester', name: { ko: '장난꾸러기', en: 'Jester' }, axis: 'playfulness' },
  { id: 'coach', name: { ko: '직설 코치', en: 'Straight Coach' }, axis: 'directness' },
];
const QUESTIONS = AXES.flatMap((axis, i) => [
  { id: `q${i * 2 + 1}`, axis, sign: 1, ko: `${axis} 질문 A`, en: `Question A about ${axis}` },
  { id: `q${i * 2 + 2}`, axis, sign: -1, ko: `${axis} 질문 B`, en: `Question B about ${axis}` },
]);
const LIKERT = {
  ko: ['전혀 아니다', '아니다', '보통이다', '그렇다', '매우 그렇다'],
  en: ['Strongly disagree', 'Disagree', 'Neutral', 'Agree', 'Strongly agree'],
};
const FILLER =
  'Here is a thoughtful answer with **some emphasis** and a few more words so that the reply ' +
  'takes a little while to stream. Thank you for asking, and have a lovely day.';
const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.map': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
};

export async function startStack(opts?: { llm?: { ttftMs?: number; itlMs?: number } }) {
  const ttftMs = opts?.llm?.ttftMs ?? 150;
  const itlMs = opts?.llm?.itlMs ?? 60;
  const distDir = join(import.meta.dirname, '../../web/dist');
  const users = new Map<string, StubUser>();
  const sessions = new Map<string, string>();
  const conversations = new Map<
    string,
    { id: string; userId: string; createdAt: string; title: string | null }
  >();
  const messages = new Map<string, StubMessage[]>();
  const replies = new Map<string, StubReply>();
  const resultPolls = new Map<string, number>();

  function lang(req: IncomingMessage, url: URL): 'ko' | 'en' {
    return (url.searchParams.get('lang') ?? req.headers['accept-language'] ?? 'ko').startsWith('en')
      ? 'en'
      : 'ko';
  }
  function persona(user: StubUser, language: 'ko' | 'en') {
    if (QUESTIONS.some((q) => !user.answers.has(q.id))) return null;
    const scores = Object.fromEntries(AXES.map((axis) => [axis, score(user, axis)]));
    const best = PERSONAS.reduce((a, b) => (scores[b.axis]! > scores[a.axis]! ? b : a));
    return {
      persona: {
        id: best.id,
        name: best.name[language],
        description: `${best.name[language]} description`,
        greeting: `${best.name[language]}: hello!`,
      },
      scores,
    };
  }
  function score(user: StubUser, axis: string) {
    const qs = QUESTIONS.filter((q) => q.axis === axis);
    return qs.reduce((sum, q) => sum + (q.sign * ((user.answers.get(q.id) ?? 3) - 3)) / 2, 0) / qs.length;
  }
  function publicUser(user: StubUser) {
    return {
      id: user.id,
      email: user.email,
      displayName: user.displayName,
      isGuest: user.isGuest,
      persona: persona(user, 'en')?.persona ?? null,
    };
  }
  function startSession(res: ServerResponse, user: StubUser, status: number) {
    const token = randomUUID();
    sessions.set(token, user.id);
    res.setHeader('Set-Cookie', `aira_session=${token}; HttpOnly; Path=/; SameSite=Lax`);
    send(res, status, { token, user: publicUser(user) });
  }
  function newUser(fields: Partial<StubUser>): StubUser {
    const user: StubUser = {
      id: randomUUID(),
      email: null,
      password: null,
      displayName: 'Guest',
      isGuest: true,
      answers: new Map(),
      ...fields,
    };
    users.set(user.id, user);
    return user;
  }

  function startReply(user: StubUser, conversationId: string, content: string): StubReply {
    const reply: StubReply = {
      id: randomUUID(),
      userId: user.id,
      conversationId,
      events: [],
      text: '',
      status: 'streaming',
      listeners: new Set(),
      cancel: () => {
        if (reply.status !== 'streaming') return;
        clearTimeout(reply.timer);
        finish('cancelled');
      },
    };
    replies.set(reply.id, reply);
    const words = `You said: ${content}\n\n${FILLER}`.split(/(?<=\s)/);
    let seq = 0;
    const emit = (event: string, data: Json) => {
      const ev = { id: `${Date.now()}-${seq++}`, event, data };
      reply.events.push(ev);
      for (const listener of reply.listeners) listener(ev);
    };
    const finish = (status: 'complete' | 'cancelled') => {
      reply.status = status;
      emit(
        status === 'complete' ? 'done' : 'cancelled',
        status === 'complete' ? { finishReason: 'stop', usage: {} } : {},
      );
      messages.get(conversationId)!.push({
        id: randomUUID(),
        role: 'assistant',
        content: reply.text,
        replyId: reply.id,
        createdAt: new Date().toISOString(),
      });
    };
    const next = (i: number) => {
      if (reply.status !== 'streaming') return;
      if (i >= words.length) return finish('complete');
      reply.text += words[i];
      emit('token', { text: words[i] });
      reply.timer = setTimeout(() => next(i + 1), itlMs);
    };
    reply.timer = setTimeout(() => next(0), ttftMs);
    return reply;
  }

  async function handleApi(req: IncomingMessage, res: ServerResponse, url: URL) {
    const path = url.pathname;
    const body = req.method === 'POST' || req.method === 'PUT' ? await readJson(req) : {};
    if (req.method === 'POST' && path === '/api/auth/guest') return startSession(res, newUser({}), 201);
    if (req.method === 'POST' && path === '/api/auth/signup') {
      const email = String(body.email ?? '');
      if (!email.includes('@') || String(body.password ?? '').length < 8) {
        return fail(res, 400, 'invalid_input', 'A valid email and a password of 8+ characters are required.');
      }
      if ([...users.values()].some((u) => u.email === email)) {
        return fail(res, 409, 'email_taken', 'This email is already registered.');
      }
      const user = newUser({
        email,
        password: String(body.password),
        isGuest: false,
        displayName: String(body.displayName || email.split('@')[0]),
      });
      return startSession(res, user, 201);
    }
    if (req.method === 'POST' && path === '/api/auth/login') {
      const user = [...users.values()].find((u) => u.email === body.email && u.password === body.password);
      if (!user) return fail(res, 401, 'invalid_credentials', 'Wrong email or password.');
      return startSession(res, user, 200);
    }
    const token = /(?:^|;\s*)aira_session=([^;]+)/.exec(req.headers.cookie ?? '')?.[1];
    const user = token ? users.get(sessions.get(token) ?? '') : undefined;
    if (!user) return fail(res, 401, 'unauthorized', 'Please log in.');
    if (req.method === 'POST' && path === '/api/auth/logout') {
      sessions.delete(token!);
      res.setHeader('Set-Cookie', 'aira_session=; Max-Age=0; Path=/');
      return send(res, 204, null);
    }
    if (req.method === 'GET' && path === '/api/me') return send(res, 200, { user: publicUser(user) });
    if (req.method === 'GET' && path === '/api/survey') {
      const l = lang(req, url);
      return send(res, 200, {
        version: 1,
        questions: QUESTIONS.map((q) => ({
          id: q.id,
          text: q[l],
          kind: 'likert',
          options: LIKERT[l].map((label, i) => ({ value: i + 1, label })),
        })),
      });
    }
    if (req.method === 'PUT' && path === '/api/survey/answers') {
      const answers = (body.answers as { questionId: string; value: number }[]) ?? [];
      for (const a of answers) user.answers.set(a.questionId, a.value);
      return send(res, 202, { accepted: answers.length });
    }
    if (req.method === 'GET' && path === '/api/survey/result') {
      const missing = QUESTIONS.filter((q) => !user.answers.has(q.id)).map((q) => q.id);
      if (missing.length > 0) return send(res, 409, { status: 'incomplete', missing });
      // The first poll reports queued writes, as the real gateway does while the writer catches up.
      const polls = (resultPolls.get(user.id) ?? 0) + 1;
      resultPolls.set(user.id, polls);
      if (polls === 1)
        return send(res, 202, {
          status: 'pending',
          persisted: QUESTIONS.length - 1,
          total: QUESTIONS.length,
        });
      const l = lang(req, url);
      const result = persona(user, l)!;
      return send(res, 200, {
        status: 'complete',
        ...result,
        explanation: QUESTIONS.map((q) => ({
          questionId: q.id,
          text: q[l],
          axis: q.axis,
          contribution: (q.sign * ((user.answers.get(q.id) ?? 3) - 3)) / 4,
        })),
      });
    }
    if (req.method === 'GET' && path === '/api/conversations') {
      const own = [...conversations.values()].filter((c) => c.userId === user.id).reverse();
      const p = publicUser(user).persona;
      return send(res, 200, { conversations: own.map((c) => ({ ...c, persona: p })) });
    }
    if (req.method === 'POST' && path === '/api/conversations') {
      const p = publicUser(user).persona;
      if (!p) return fail(res, 409, 'survey_incomplete', 'Finish the survey first.');
      const conversation = {
        id: randomUUID(),
        userId: user.id,
        createdAt: new Date().toISOString(),
        title: null,
      };
      conversations.set(conversation.id, conversation);
      messages.set(conversation.id, []);
      return send(res, 201, { id: conversation.id, persona: p });
    }
    const conv = /^\/api\/conversations\/([^/]+)\/messages$/.exec(path);
    if (conv) {
      const conversation = conversations.get(decodeURIComponent(conv[1]!));
      if (!conversation || conversation.userId !== user.id)
        return fail(res, 404, 'not_found', 'No such conversation.');
      const list = messages.get(conversation.id)!;
      if (req.method === 'GET') {
        const shown = list.map((m) => ({
          ...m,
          status: m.role === 'user' ? 'complete' : replies.get(m.replyId!)?.status,
        }));
        // An unfinished reply is listed as streaming, after its question.
        for (const r of replies.values()) {
          if (r.status === 'streaming' && r.conversationId === conversation.id) {
            shown.push({
              id: `pending-${r.id}`,
              role: 'assistant',
              content: r.text,
              replyId: r.id,
              createdAt: new Date().toISOString(),
              status: 'streaming',
            });
          }
        }
        return send(res, 200, { messages: shown });
      }
      const content = String(body.content ?? '').trim();
      if (!content) return fail(res, 400, 'invalid_input', 'A message needs some text.');
      const userMessage: StubMessage = {
        id: randomUUID(),
        role: 'user',
        content,
        replyId: null,
        createdAt: new Date().toISOString(),
      };
      list.push(userMessage);
      conversation.title ??= content.slice(0, 40);
      const reply = startReply(user, conversation.id, content);
      return send(res, 202, {
        userMessageId: userMessage.id,
        replyId: reply.id,
        streamUrl: `/api/replies/${reply.id}/stream`,
      });
    }
    const replyMatch = /^\/api\/replies\/([^/]+)\/(stream|cancel)$/.exec(path);
    const reply = replyMatch ? replies.get(decodeURIComponent(replyMatch[1]!)) : undefined;
    if (replyMatch && (!reply || reply.userId !== user.id))
      return fail(res, 404, 'not_found', 'No such reply.');
    if (reply && replyMatch?.[2] === 'cancel' && req.method === 'POST') {
      reply.cancel();
      return send(res, 202, {});
    }
    if (reply && replyMatch?.[2] === 'stream' && req.method === 'GET') {
      const header = req.headers['last-event-id'];
      const after = (typeof header === 'string' && header) || url.searchParams.get('lastEventId');
      res.writeHead(200, {
        'Content-Type': 'text/event-stream',
        'Cache-Control': 'no-cache',
        Connection: 'keep-alive',
      });
      const write = (ev: StubEvent) =>
        res.write(`id: ${ev.id}\nevent: ${ev.event}\ndata: ${JSON.stringify(ev.data)}\n\n`);
      const start = after ? reply.events.findIndex((e) => e.id === after) + 1 : 0;
      for (const ev of reply.events.slice(start)) write(ev);
      if (reply.status !== 'streaming') return res.end();
      const listener = (ev: StubEvent) => {
        write(ev);
        if (ev.event !== 'token' && ev.event !== 'reset') res.end();
      };
      reply.listeners.add(listener);
      req.on('close', () => reply.listeners.delete(listener));
      return;
    }
    return fail(res, 404, 'not_found', `No route ${req.method} ${path}`);
  }

  async function handleStatic(res: ServerResponse, pathname: string) {
    const file = normalize(pathname === '/' ? '/index.html' : pathname).replace(/^(\.\.[/\\])+/, '');
    try {
      const content = await readFile(join(distDir, file));
      res.writeHead(200, {
        'Content-Type': MIME[extname(file)] ?? 'application/octet-stream',
        'Content-Security-Policy': CONTENT_SECURITY_POLICY,
      });
      res.end(content);
    } catch {
      fail(res, 404, 'not_found', 'No such file.');
    }
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const handled = url.pathname.startsWith('/api/')
      ? handleApi(req, res, url)
      : handleStatic(res, url.pathname);
    handled.catch((error: unknown) => fail(res, 500, 'internal', String(error)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    async stop() {
      for (const reply of replies.values()) clearTimeout(reply.timer);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function send(res: ServerResponse, status: number, body: unknown) {
  if (body === null) {
    res.writeHead(status).end();
    return;
  }
  res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
}

function fail(res: ServerResponse, status: number, code: string, message: string) {
  if (!res.headersSent) send(res, status, { error: { code, message } });
}

async function readJson(req: IncomingMessage): Promise<Json> {
  let raw = '';
  for await (const chunk of req) raw += chunk;
  try {
    return raw ? (JSON.parse(raw) as Json) : {};
  } catch {
    return {};
  }
}
