import type { Survey, SurveyResult } from '../api/api.types';
import type { AppContext, Cleanup } from '../app/app.context';
import { h } from '../app/dom';
import { routeHref } from '../app/router';
import { isMessageKey } from '../i18n/messages';
import { axisLabel, renderAxesChart } from './axes.chart';

const POLL_MS = 600;
/** Writes are queued; if they have not landed after this long, say so instead of spinning forever. */
const GIVE_UP_MS = 60_000;

type Complete = Extract<SurveyResult, { status: 'complete' }>;

export function renderResult(ctx: AppContext, outlet: HTMLElement): Cleanup {
  const { t } = ctx.i18n;
  // Axes the app knows by name are shown in the reader's language; a new one by its id.
  const axisName = (axis: string) => {
    const key = `axis.${axis}`;
    return isMessageKey(key) ? t(key) : axisLabel(axis);
  };
  const body = h('div', { class: 'result-body', 'aria-live': 'polite', 'data-testid': 'result-status' });
  outlet.replaceChildren(
    h(
      'section',
      { class: 'card result' },
      h('h1', { class: 'eyebrow', tabindex: -1 }, t('result.eyebrow')),
      body,
    ),
  );
  let timer: ReturnType<typeof setTimeout> | undefined;
  let left = false;
  let startedAt = Date.now();

  async function poll() {
    try {
      const { status, body: result } = await ctx.api.request<SurveyResult>('GET', '/api/survey/result', {
        query: { lang: ctx.i18n.lang },
        accept: [202, 409],
      });
      if (left) return;
      if (status === 200 && result.status === 'complete') return showResult(result);
      if (result.status === 'incomplete') {
        await goToFirstMissing(result.missing);
        return;
      }
      if (result.status === 'pending') {
        if (Date.now() - startedAt > GIVE_UP_MS) return showError(t('result.notReady'));
        body.replaceChildren(
          h('p', null, t('result.saving', { persisted: result.persisted, total: result.total })),
          h('progress', { max: result.total, value: result.persisted, 'data-testid': 'result-saving' }),
        );
        timer = setTimeout(() => void poll(), POLL_MS);
        return;
      }
      showError(t('error.generic', { code: `status_${status}` }));
    } catch (error) {
      if (!left) showError(ctx.describeError(error));
    }
  }

  async function goToFirstMissing(missing: string[]) {
    const survey = await ctx.api.get<Survey>('/api/survey', { query: { lang: ctx.i18n.lang } });
    if (left) return;
    const wanted = new Set(missing);
    const index = survey.questions.findIndex((q) => wanted.has(q.id));
    ctx.navigate({ name: 'survey', question: index === -1 ? 1 : index + 1 }, { replace: true });
  }

  function showError(message: string) {
    body.replaceChildren(
      h('p', { role: 'alert', class: 'error' }, message),
      h(
        'button',
        {
          type: 'button',
          class: 'button',
          onclick: () => {
            startedAt = Date.now();
            void poll();
          },
        },
        t('common.retry'),
      ),
    );
  }

  function showResult(result: Complete) {
    const { persona } = result;
    const user = ctx.user;
    if (user) ctx.setUser({ ...user, persona });
    const named = new Map(result.axes.map((axis) => [axis.id, axis]));
    // Which end a value leans to, in the words of that end; near zero it leans nowhere.
    const leaning = (axis: string, value: number) => {
      const info = named.get(axis);
      if (!info || Math.abs(value) < 0.05) return t('result.middle');
      return t('result.toward', { pole: value < 0 ? info.low : info.high });
    };
    const label = (axis: string) => named.get(axis)?.name ?? axisName(axis);
    const scores = Object.entries(result.scores).map(([axis, value]) => ({
      axis,
      label: label(axis),
      value,
      valueText: ctx.i18n.formatSigned(value),
      low: named.get(axis)?.low ?? '',
      high: named.get(axis)?.high ?? '',
      leaning: leaning(axis, value),
    }));
    // Nothing is created here: the conversation starts with its first message.
    const start = h(
      'a',
      { href: routeHref({ name: 'newChat' }), class: 'button button-primary', 'data-testid': 'start-chat' },
      t('result.startChat'),
    );
    body.removeAttribute('aria-live');
    body.replaceChildren(
      h('p', { class: 'persona-name', 'data-testid': 'persona-name' }, persona.name),
      persona.description
        ? h('p', { class: 'lead', 'data-testid': 'persona-description' }, persona.description)
        : '',
      persona.greeting ? h('blockquote', { class: 'greeting' }, persona.greeting) : '',
      h(
        'figure',
        { class: 'chart' },
        h('h2', null, t('result.chartTitle')),
        renderAxesChart(scores, t('result.chartTitle')),
        h('figcaption', { class: 'muted' }, t('result.chartCaption')),
      ),
      result.explanation && result.explanation.length > 0
        ? h(
            'section',
            { class: 'why' },
            h('h2', null, t('result.why')),
            h(
              'ul',
              { class: 'why-list', 'data-testid': 'explanation' },
              result.explanation.map((item) =>
                h(
                  'li',
                  null,
                  h('span', { class: 'why-text' }, item.text),
                  h(
                    'span',
                    { class: `why-axis ${item.contribution >= 0 ? 'positive' : 'negative'}` },
                    `${label(item.axis)}: ${leaning(item.axis, item.contribution)} (${ctx.i18n.formatSigned(item.contribution)})`,
                  ),
                ),
              ),
            ),
          )
        : '',
      h(
        'div',
        { class: 'actions' },
        start,
        h('a', { href: '#/survey/1', class: 'button' }, t('result.retake')),
      ),
    );
  }

  body.replaceChildren(h('p', { class: 'muted' }, t('result.checking')));
  void poll();
  return () => {
    left = true;
    clearTimeout(timer);
  };
}
