/**
 * curl against a server on another host (an nc that answers with a canned response, as the
 * recorded scenario tests/conformance/scenarios/curl-http does): the body, -v, -I, -f, -w, an empty
 * reply and -m while the server says nothing.
 */
import { describe, expect, it } from 'vitest';
import { twoHosts } from '../testLab';
import { runCommand, startJob } from '../index';

const OK = 'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 6\r\n\r\nhello\n';

describe('curl', () => {
  it('fetches a body; the server saw curl\'s request', () => {
    const w = twoHosts();
    const server = startJob(w, 'h2', 'nc -l 8080', { shell: 'sh', stdin: OK });
    const r = runCommand(w, 'h1', 'curl -s http://10.0.0.2:8080/path?q=1', { shell: 'sh' });
    expect(r).toMatchObject({ exit: 0, stdout: 'hello\n', stderr: '' });
    server.runToEnd();
    expect(server.finish().stdout).toBe('GET /path?q=1 HTTP/1.1\r\nHost: 10.0.0.2:8080\r\nUser-Agent: curl/7.88.1\r\nAccept: */*\r\n\r\n');
  });

  it('-v shows the exchange as curl 7.88 does', () => {
    const w = twoHosts();
    startJob(w, 'h2', 'nc -l 8080', { shell: 'sh', stdin: OK });
    const r = runCommand(w, 'h1', 'curl -sv http://10.0.0.2:8080/', { shell: 'sh' });
    expect(r.stderr).toBe(
      '*   Trying 10.0.0.2:8080...\n* Connected to 10.0.0.2 (10.0.0.2) port 8080 (#0)\n' +
        '> GET / HTTP/1.1\r\n> Host: 10.0.0.2:8080\r\n> User-Agent: curl/7.88.1\r\n> Accept: */*\r\n> \r\n' +
        '< HTTP/1.1 200 OK\r\n< Content-Type: text/plain\r\n< Content-Length: 6\r\n< \r\n{ [6 bytes data]\n* Connection #0 to host 10.0.0.2 left intact\n',
    );
  });

  it('-I prints the headers, -f fails on 404, -w reports the code', () => {
    const w = twoHosts();
    startJob(w, 'h2', 'nc -l 8080', { shell: 'sh', stdin: 'HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\n' });
    expect(runCommand(w, 'h1', 'curl -sI http://10.0.0.2:8080/', { shell: 'sh' }).stdout).toBe('HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\n');
    const NF = 'HTTP/1.1 404 Not Found\r\nContent-Length: 10\r\n\r\nnot here!\n';
    startJob(w, 'h2', 'nc -l 8081', { shell: 'sh', stdin: NF });
    expect(runCommand(w, 'h1', 'curl -sSf http://10.0.0.2:8081/x', { shell: 'sh' })).toMatchObject({ exit: 22, stdout: '', stderr: 'curl: (22) The requested URL returned error: 404\n' });
    startJob(w, 'h2', 'nc -l 8082', { shell: 'sh', stdin: NF });
    const wr = runCommand(w, 'h1', "curl -s -o /dev/null -w '%{http_code} %{exitcode} %{remote_ip} %{remote_port} %{size_download}\\n' http://10.0.0.2:8082/x", { shell: 'sh' });
    expect(wr).toMatchObject({ exit: 0, stdout: '404 0 10.0.0.2 8082 10\n' });
  });

  it('an empty reply is 52; a silent server runs into -m (28)', () => {
    const w = twoHosts();
    startJob(w, 'h2', 'nc -N -l 8080', { shell: 'sh', stdin: '' });
    expect(runCommand(w, 'h1', 'curl -sS http://10.0.0.2:8080/', { shell: 'sh' })).toMatchObject({ exit: 52, stderr: 'curl: (52) Empty reply from server\n' });
    startJob(w, 'h2', 'nc -l 8081', { shell: 'bash' });
    const t0 = w.now;
    expect(runCommand(w, 'h1', 'curl -sS -m 1 http://10.0.0.2:8081/', { shell: 'sh' })).toMatchObject({ exit: 28, stderr: 'curl: (28) Operation timed out after 1000 milliseconds with 0 bytes received\n' });
    expect(w.now - t0).toBeLessThan(1010);
  });
});
