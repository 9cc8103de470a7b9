import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

/**
 * The widget runs inside other people's pages: its built page carries a strict Content-Security-
 * Policy (no eval, no inline script; styles may be inline, as xterm and the canvas set them).
 * Build only: the dev server's React refresh needs an inline script.
 */
const EMBED_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  // lesson files from a link, and the host page's learning record store (xAPI)
  "connect-src 'self' https: http:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

function embedCsp(): Plugin {
  return {
    name: 'hoplab-embed-csp',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(html, ctx) {
        if (!ctx.filename.endsWith('embed.html')) return html;
        return html.replace('<meta charset="UTF-8" />', `<meta charset="UTF-8" />\n    <meta http-equiv="Content-Security-Policy" content="${EMBED_CSP}" />`);
      },
    },
  };
}

// Two pages: the full app (index.html) and the lesson widget (embed.html) that a course page
// can put in an <iframe>. Both share chunks (engine, commands, store); what neither needs to start
// (xterm, the Kubernetes code, ELK, zod, the panels that are not open) loads on demand. hoplab-embed.js is the
// <hoplab-lab> element's one small script, at a fixed name so course pages can link to it.
export default defineConfig({
  plugins: [react(), embedCsp()],
  build: {
    target: 'es2022',
    sourcemap: true,
    rolldownOptions: {
      input: {
        app: here('./index.html'),
        embed: here('./embed.html'),
        element: here('./src/embed/element.ts'),
      },
      output: {
        entryFileNames: (chunk) => (chunk.name === 'element' ? 'hoplab-embed.js' : 'assets/[name]-[hash].js'),
        // the Kubernetes code, loaded on demand (src/commands/kube/load.ts), under a name a test can watch for
        chunkFileNames: (chunk) => (chunk.facadeModuleId?.endsWith('/src/commands/kube/pack.ts') ? 'assets/kube-[hash].js' : 'assets/[name]-[hash].js'),
      },
    },
  },
  server: { host: '127.0.0.1', port: 5173 },
  preview: { host: '127.0.0.1', port: 4173 },
});
