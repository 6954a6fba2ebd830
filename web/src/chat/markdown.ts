import createDOMPurify from 'dompurify';
import { Marked } from 'marked';

/**
 * Replies are Markdown written by a model that echoes what users type, so they are untrusted:
 * raw HTML in them is shown as text (never parsed), and the rendered result is sanitized again.
 */
export function createMarkdownRenderer(
  window: Window & typeof globalThis,
): (source: string) => DocumentFragment {
  const purify = createDOMPurify(window);
  purify.addHook('afterSanitizeAttributes', (node) => {
    if (node.tagName === 'A') {
      node.setAttribute('target', '_blank');
      node.setAttribute('rel', 'noopener noreferrer');
    }
  });
  const marked = new Marked({
    gfm: true,
    breaks: true,
    renderer: {
      html: ({ text }) => escapeHtml(text),
    },
  });
  return (source) => {
    const html = marked.parse(source, { async: false });
    return purify.sanitize(html, {
      RETURN_DOM_FRAGMENT: true,
      // Inline styles would violate the page's CSP; remote images would too, and can track readers.
      FORBID_ATTR: ['style'],
      FORBID_TAGS: ['style', 'img', 'form', 'input', 'button', 'textarea', 'select'],
    });
  };
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
