import type { Survey, SurveyQuestion } from '../api/api.types';
import type { AppContext, Cleanup } from '../app/app.context';
import { h, uid } from '../app/dom';
import { routeHref } from '../app/router';
import { type AnswerStore, createAnswerStore, type SaveStatus } from './survey.answers';

/** One question at a time; `questionNumber` (1-based) comes from `#/survey/<n>`. */
export function renderSurvey(ctx: AppContext, outlet: HTMLElement, questionNumber: number | null): Cleanup {
  const { t } = ctx.i18n;
  const body = h('div', { class: 'survey-body' }, h('p', { class: 'muted' }, t('common.loading')));
  outlet.replaceChildren(
    h('section', { class: 'card survey' }, h('h1', { tabindex: -1 }, t('survey.title')), body),
  );
  let store: AnswerStore | undefined;
  let left = false;

  async function load() {
    body.replaceChildren(h('p', { class: 'muted' }, t('common.loading')));
    try {
      const survey = await ctx.api.get<Survey>('/api/survey', { query: { lang: ctx.i18n.lang } });
      if (left) return;
      const user = ctx.user;
      if (!user || survey.questions.length === 0) return;
      store = createAnswerStore({
        api: ctx.api,
        storage: ctx.session,
        userId: user.id,
        version: survey.version,
        onStatus: showSaveStatus,
      });
      const answers = store;
      const firstOpen = survey.questions.findIndex((q) => answers.get(q.id) === undefined);
      const start = questionNumber ?? (firstOpen === -1 ? 1 : firstOpen + 1);
      showQuestion(survey, Math.min(Math.max(start, 1), survey.questions.length) - 1, false);
    } catch (error) {
      if (left) return;
      body.replaceChildren(
        h('p', { role: 'alert', class: 'error' }, ctx.describeError(error)),
        h('button', { type: 'button', class: 'button', onclick: () => void load() }, t('common.retry')),
      );
    }
  }

  const saveStatus = h('p', {
    class: 'save-status muted',
    'aria-live': 'polite',
    'data-testid': 'save-status',
  });
  function showSaveStatus(status: SaveStatus) {
    saveStatus.classList.toggle('error', status.state === 'failed');
    saveStatus.textContent =
      status.state === 'failed'
        ? ctx.describeError(status.error)
        : t(status.state === 'saving' ? 'survey.saving' : 'survey.saved');
  }

  function showQuestion(survey: Survey, index: number, moveFocus: boolean) {
    const answers = store!;
    const question = survey.questions[index]!;
    const total = survey.questions.length;
    const isLast = index === total - 1;
    ctx.window.history.replaceState(null, '', routeHref({ name: 'survey', question: index + 1 }));

    const progressId = uid('progress');
    const fieldError = h('p', { class: 'error', role: 'alert', 'data-testid': 'survey-error' });
    const options = renderOptions(question, answers.get(question.id), (value) => {
      fieldError.textContent = '';
      answers.set(question.id, value);
    });
    const back = h(
      'button',
      { type: 'button', class: 'button', disabled: index === 0, 'data-testid': 'survey-back' },
      t('survey.back'),
    );
    back.addEventListener('click', () => showQuestion(survey, index - 1, true));
    const next = h(
      'button',
      { type: 'submit', class: 'button button-primary', 'data-testid': 'survey-next' },
      t(isLast ? 'survey.finish' : 'survey.next'),
    );
    const form = h(
      'form',
      { class: 'question', 'data-testid': 'survey-question', 'data-question-id': question.id },
      h(
        'fieldset',
        null,
        h('legend', { class: 'question-text', 'data-testid': 'question-text' }, question.text),
        options.element,
      ),
      fieldError,
      h('div', { class: 'survey-nav' }, back, next),
      saveStatus,
    );
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      if (answers.get(question.id) === undefined) {
        fieldError.textContent = t('survey.chooseOne');
        options.focus();
        return;
      }
      if (!isLast) return showQuestion(survey, index + 1, true);
      next.disabled = true;
      try {
        await answers.flush();
        ctx.navigate({ name: 'result' });
      } catch {
        // The save status already says what failed; let the person try again.
        next.disabled = false;
      }
    });

    body.replaceChildren(
      h('p', { id: progressId, class: 'progress-label' }, t('survey.progress', { n: index + 1, total })),
      h('progress', {
        max: total,
        value: index + 1,
        'aria-labelledby': progressId,
        'data-testid': 'survey-progress',
      }),
      form,
    );
    if (moveFocus) options.focus();
  }

  void load();
  return () => {
    left = true;
    store?.dispose();
  };
}

function renderOptions(
  question: SurveyQuestion,
  selected: number | undefined,
  onPick: (value: number) => void,
) {
  const name = uid('question');
  const inputs = question.options.map((option) =>
    h('input', {
      type: 'radio',
      name,
      value: option.value,
      checked: option.value === selected,
      onchange: () => onPick(option.value),
    }),
  );
  const element = h(
    'div',
    { class: `options options-${question.kind}` },
    question.options.map((option, i) =>
      h('label', { class: 'option' }, inputs[i], h('span', { class: 'option-label' }, option.label)),
    ),
  );
  return {
    element,
    /** Focus lands on the chosen answer, or the first one, so arrow keys work at once. */
    focus: () => (inputs.find((input) => input.checked) ?? inputs[0])?.focus(),
  };
}
