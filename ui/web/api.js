// The console's client for the JSON API (docs/ui.md): requests carry the
// access token from the page's URL, errors show in the bar at the top, and
// one Server-Sent Events stream delivers event batches to the listeners.
'use strict';
const Api = (() => {
  const token = new URLSearchParams(location.search).get('token') || '';
  const listeners = [];
  let lastSeq = 0;

  function showError(text) {
    const bar = document.getElementById('error-bar');
    bar.textContent = text;
    bar.hidden = !text;
  }

  async function request(method, path, body, raw) {
    const headers = {};
    if (token) headers['X-Dpcctl-Token'] = token;
    if (body !== undefined) headers['Content-Type'] = raw ? 'text/plain' : 'application/json';
    const res = await fetch(path, { method, headers,
      body: body === undefined ? undefined : (raw ? body : JSON.stringify(body)) });
    const type = res.headers.get('Content-Type') || '';
    const data = type.startsWith('application/json') ? await res.json() : await res.text();
    if (!res.ok && !(data && typeof data === 'object' && 'ok' in data) && res.status !== 422) {
      showError(`${method} ${path}: ${(data && data.error) || res.status}` + (data && data.hint ? ` (${data.hint})` : ''));
    }
    return { status: res.status, ok: res.ok, data };
  }

  function withToken(path) {
    return token ? path + (path.includes('?') ? '&' : '?') + 'token=' + encodeURIComponent(token) : path;
  }

  let source = null;
  function stream() {
    const es = source = new EventSource(withToken('/api/stream?since=' + lastSeq));
    es.onmessage = (m) => {
      const batch = JSON.parse(m.data);
      if (batch.length) lastSeq = batch[batch.length - 1].seq;
      for (const fn of listeners) fn(batch);
    };
    es.onerror = () => { es.close(); if (source === es) setTimeout(stream, 1000); };
  }
  /// After the server's cluster was replaced: its event log starts again.
  function restartStream() {
    if (source) source.close();
    lastSeq = 0;
    stream();
  }

  return {
    get: (p) => request('GET', p),
    post: (p, body) => request('POST', p, body === undefined ? {} : body),
    postText: (p, text) => request('POST', p, text, true),
    withToken, showError, stream, restartStream,
    onEvents: (fn) => listeners.push(fn),
  };
})();
