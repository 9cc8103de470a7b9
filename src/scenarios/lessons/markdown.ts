/**
 * The Markdown a lesson may use, parsed to a small tree that the UI renders as elements (never as
 * HTML), so lesson text from a file or a URL cannot inject markup or script. Supported: paragraphs,
 * headings (#, ##, ###), bullet and numbered lists, fenced code blocks, `code`, **strong**, *em*
 * and [links](https://…) (http, https and relative links only; others stay text).
 */

export type Inline = { kind: 'text'; text: string } | { kind: 'code'; text: string } | { kind: 'strong' | 'em'; children: Inline[] } | { kind: 'link'; href: string; children: Inline[] };

export type Block =
  | { kind: 'p'; children: Inline[] }
  | { kind: 'h'; level: 1 | 2 | 3; children: Inline[] }
  | { kind: 'ul' | 'ol'; items: Inline[][] }
  | { kind: 'pre'; text: string };

/** Links a lesson may carry: the web, or pages beside Hoplab. */
export function safeHref(href: string): string | null {
  const h = href.trim();
  if (/^https?:\/\//i.test(h)) return h;
  if (/^[a-z][a-z0-9+.-]*:/i.test(h) || h.startsWith('//')) return null; // javascript:, data:, protocol-relative…
  return h;
}

export function parseInline(text: string): Inline[] {
  const out: Inline[] = [];
  let plain = '';
  const flush = () => {
    if (plain) out.push({ kind: 'text', text: plain });
    plain = '';
  };
  let i = 0;
  while (i < text.length) {
    const rest = text.slice(i);
    let m: RegExpExecArray | null;
    if ((m = /^`([^`]+)`/.exec(rest))) {
      flush();
      out.push({ kind: 'code', text: m[1] });
    } else if ((m = /^\*\*(.+?)\*\*/.exec(rest))) {
      flush();
      out.push({ kind: 'strong', children: parseInline(m[1]) });
    } else if ((m = /^\*([^*\s][^*]*?)\*/.exec(rest))) {
      flush();
      out.push({ kind: 'em', children: parseInline(m[1]) });
    } else if ((m = /^\[([^\]]+)\]\(([^)\s]+)\)/.exec(rest))) {
      flush();
      const href = safeHref(m[2]);
      if (href) out.push({ kind: 'link', href, children: parseInline(m[1]) });
      else out.push(...parseInline(m[1]));
    } else {
      plain += text[i];
      i++;
      continue;
    }
    i += m[0].length;
  }
  flush();
  return out;
}

export function parseMarkdown(src: string): Block[] {
  const lines = src.replace(/\r\n?/g, '\n').split('\n');
  const blocks: Block[] = [];
  let para: string[] = [];
  const endPara = () => {
    if (para.length) blocks.push({ kind: 'p', children: parseInline(para.join(' ')) });
    para = [];
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    let m: RegExpExecArray | null;
    if (/^\s*```/.test(line)) {
      endPara();
      const code: string[] = [];
      for (i++; i < lines.length && !/^\s*```/.test(lines[i]); i++) code.push(lines[i]);
      blocks.push({ kind: 'pre', text: code.join('\n') });
    } else if ((m = /^(#{1,3})\s+(.*)$/.exec(line))) {
      endPara();
      blocks.push({ kind: 'h', level: m[1].length as 1 | 2 | 3, children: parseInline(m[2]) });
    } else if (/^\s*([-*]|\d+[.)])\s+/.test(line)) {
      endPara();
      const ordered = /^\s*\d/.test(line);
      const items: Inline[][] = [];
      for (; i < lines.length && /^\s*([-*]|\d+[.)])\s+/.test(lines[i]); i++) {
        let item = lines[i].replace(/^\s*([-*]|\d+[.)])\s+/, '');
        // continuation lines indented under the item
        while (i + 1 < lines.length && /^\s{2,}\S/.test(lines[i + 1]) && !/^\s*([-*]|\d+[.)])\s+/.test(lines[i + 1])) item += ' ' + lines[++i].trim();
        items.push(parseInline(item));
      }
      i--;
      blocks.push({ kind: ordered ? 'ol' : 'ul', items });
    } else if (line.trim() === '') endPara();
    else para.push(line.trim());
  }
  endPara();
  return blocks;
}
