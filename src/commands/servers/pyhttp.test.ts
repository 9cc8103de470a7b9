import { describe, expect, it } from 'vitest';
import { runCommand } from '../job';
import { mustRun, twoHosts } from '../testLab';
import { removeDotSegments } from '../curl/url';

describe('python3 -m http.server', () => {
  it('serves in a terminal until Ctrl+C, then says so as KeyboardInterrupt does', () => {
    const w = twoHosts();
    mustRun(w, 'h2', 'mkdir -p /srv && echo hi > /srv/f.txt');
    const r = runCommand(w, 'h2', 'cd /srv && python3 -m http.server 8080 --bind 10.0.0.2', { interruptAt: w.now + 5000 });
    expect(r.stdout).toBe('Serving HTTP on 10.0.0.2 port 8080 (http://10.0.0.2:8080/) ...\n\nKeyboard interrupt received, exiting.\n');
    expect(r.exit).toBe(0);
    // the port is free again
    expect(runCommand(w, 'h2', 'ss -tln').stdout).not.toContain(':8080');
  });

  it('serves another directory with -d, and a client sees the files', () => {
    const w = twoHosts();
    mustRun(w, 'h2', 'mkdir -p /data && echo content > /data/x.txt');
    // started in the background, it listens a moment later: wait for it as a script would
    mustRun(w, 'h2', 'python3 -m http.server -d /data 9000 2>/dev/null & for i in 1 2 3 4 5; do ss -tln | grep -q :9000 && break; sleep 0.1; done');
    const r = runCommand(w, 'h1', 'curl -s http://10.0.0.2:9000/x.txt');
    expect(r.stdout).toBe('content\n');
  });

  it('is the only Python program in the lab', () => {
    const w = twoHosts();
    expect(runCommand(w, 'h1', 'python3 -c "print(1)"').exit).toBe(2);
    expect(runCommand(w, 'h1', 'python3 --version').stdout).toBe('Python 3.11.2\n');
  });
});

describe('curl squashes dot segments before sending (RFC 3986)', () => {
  it.each([
    ['/a/../b', '/b'],
    ['/a/./b/', '/a/b/'],
    ['/a/b/..', '/a/'],
    ['/../x', '/x'],
    ['/plain/path', '/plain/path'],
  ])('%s → %s', (path, want) => expect(removeDotSegments(path)).toBe(want));
});
