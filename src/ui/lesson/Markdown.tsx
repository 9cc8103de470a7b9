/**
 * Lesson Markdown as React elements (src/scenarios/lessons/markdown.ts parses it): text is always
 * text, links open in a new tab without access to this page, and nothing is ever set as HTML.
 */
import { useMemo } from 'react';
import { parseInline, parseMarkdown, type Inline } from '../../scenarios/lessons';

function Inlines({ items }: { items: Inline[] }) {
  return (
    <>
      {items.map((n, i) => {
        switch (n.kind) {
          case 'text':
            return <span key={i}>{n.text}</span>;
          case 'code':
            return <code key={i}>{n.text}</code>;
          case 'strong':
            return (
              <strong key={i}>
                <Inlines items={n.children} />
              </strong>
            );
          case 'em':
            return (
              <em key={i}>
                <Inlines items={n.children} />
              </em>
            );
          case 'link':
            return (
              <a key={i} href={n.href} target="_blank" rel="noopener noreferrer">
                <Inlines items={n.children} />
              </a>
            );
        }
      })}
    </>
  );
}

export function Markdown({ text, className }: { text: string; className?: string }) {
  const blocks = useMemo(() => parseMarkdown(text), [text]);
  return (
    <div className={className ?? 'md'}>
      {blocks.map((b, i) => {
        switch (b.kind) {
          case 'p':
            return (
              <p key={i}>
                <Inlines items={b.children} />
              </p>
            );
          case 'h': {
            const H = b.level === 1 ? 'h3' : b.level === 2 ? 'h4' : 'h5';
            return (
              <H key={i}>
                <Inlines items={b.children} />
              </H>
            );
          }
          case 'ul':
          case 'ol': {
            const L = b.kind;
            return (
              <L key={i}>
                {b.items.map((item, j) => (
                  <li key={j}>
                    <Inlines items={item} />
                  </li>
                ))}
              </L>
            );
          }
          case 'pre':
            return <pre key={i}>{b.text}</pre>;
        }
      })}
    </div>
  );
}

/** One line of Markdown without paragraphs (titles, questions). */
export function InlineMarkdown({ text }: { text: string }) {
  const items = useMemo(() => parseInline(text), [text]);
  return <Inlines items={items} />;
}
