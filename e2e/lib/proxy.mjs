// Loopback HTTP servers a test puts between the extension and the emulator: a listener that must
// see nothing, or a proxy that forwards to the emulator and lets the test change one answer (a
// hostile or broken endpoint).

import { createServer } from 'node:http';

/** A server on 127.0.0.1:`port` (0: any) that records every request and answers 200. */
export async function startListener(port = 0) {
  const seen = [];
  const server = createServer((request, response) => {
    seen.push(`${request.method} ${request.url}`);
    response.end('listener');
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  return {
    port: server.address().port,
    seen,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

/**
 * Forwards every request to `target` (the emulator's base URL). `answer({ method, path, body })`
 * may return `{ status, headers, body }` to answer instead (before forwarding), or `{ drop: true }`
 * to close the connection without an answer, and
 * `rewrite({ method, path, body }, upstreamJson)` may change a JSON answer from the emulator.
 */
export async function startProxy(target, { answer, rewrite } = {}) {
  const calls = [];
  const server = createServer(async (request, response) => {
    const chunks = [];
    for await (const chunk of request) chunks.push(chunk);
    const body = Buffer.concat(chunks);
    const call = { method: request.method, path: request.url, body: body.toString('utf8') };
    calls.push(call);
    const own = answer?.(call);
    if (own?.drop) {
      request.socket.destroy(); // the connection ends without an answer, as an unreachable host's would
      return;
    }
    if (own) {
      response.writeHead(own.status, own.headers ?? {});
      response.end(own.body ?? '');
      return;
    }
    const headers = { ...request.headers };
    delete headers.host;
    const upstream = await fetch(`${target}${request.url}`, {
      method: request.method,
      headers,
      body: ['GET', 'HEAD', 'OPTIONS'].includes(request.method) ? undefined : body,
      redirect: 'manual',
    });
    let text = await upstream.text();
    if (rewrite && upstream.headers.get('content-type')?.includes('json') && text) {
      text = JSON.stringify(rewrite(call, JSON.parse(text)));
    }
    const out = {};
    upstream.headers.forEach((value, name) => {
      if (!['content-length', 'content-encoding', 'transfer-encoding', 'connection'].includes(name)) out[name] = value;
    });
    response.writeHead(upstream.status, out);
    response.end(text);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    baseUrl: `http://127.0.0.1:${server.address().port}`,
    /** Every request received: `{ method, path, body }`. */
    calls,
    close: () => new Promise((resolve) => { server.closeAllConnections?.(); server.close(resolve); }),
  };
}
