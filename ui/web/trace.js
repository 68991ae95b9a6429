// The trace viewer: a scenario run's Chrome trace (`scenario run --trace DIR`)
// drawn on one lane per instance — lifecycle segments coloured by state,
// elections, crashes and faults as marks — with the events listed below. With
// the run's `--json` report, a failed run's step is marked where the run
// stopped (a run ends at its first failure) with its path, text and reason.
// Everything happens in the page; nothing is sent to the server.
'use strict';
const TraceViewer = (() => {
  const $ = (id) => document.getElementById(id);
  const esc = (t) => String(t).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' }[c]));
  let trace = null, report = null;
  const COLORS = { OPEN: '#1f8a4c', PRIMARY: '#2457c5', MOUNT: '#d4a017', starting: '#9aa5b8', exiting: '#b07cc6',
                   crashed: '#c0392b', HALT: '#7b241c', refused: '#e67e22', stopped: '#dfe3ea' };
  const color = (name) => COLORS[Object.keys(COLORS).find((k) => name.includes(k))] || '#8fb3e0';

  function failureOf(title) {
    if (!report || !report.scenarios) return null;
    for (const s of report.scenarios) {
      for (const r of s.runs || []) {
        if (r.failure && (title || '').startsWith(s.name) && title.endsWith('seed ' + r.seed)) return { ...r.failure, end: r.virtual_end_ms };
      }
    }
    const any = report.scenarios.flatMap((s) => s.runs || []).find((r) => r.failure);
    return any ? { ...any.failure, end: any.virtual_end_ms } : null;
  }

  function draw() {
    if (!trace) return;
    const ev = trace.traceEvents || [];
    const names = {};
    for (const e of ev) if (e.ph === 'M' && e.name === 'thread_name') names[e.tid] = e.args.name;
    const tids = Object.keys(names).map(Number).sort((a, b) => a - b);
    const end = (trace.otherData && trace.otherData.virtual_end_us) || Math.max(...ev.map((e) => (e.ts || 0) + (e.dur || 0)));
    const lane = 22, left = 80, w = Math.max(900, $('tr-chart').parentElement.clientWidth - 10);
    const x = (us) => left + (w - left - 10) * us / Math.max(end, 1);
    const row = Object.fromEntries(tids.map((t, k) => [t, k]));
    let out = '';
    tids.forEach((t, k) => { out += `<text x="2" y="${k * lane + 15}" font-size="11">${esc(names[t])}</text>`; });
    for (const e of ev) {
      if (!(e.tid in row)) continue;
      const y = row[e.tid] * lane + 3;
      if (e.ph === 'X') {
        out += `<rect class="seg" x="${x(e.ts)}" y="${y}" width="${Math.max(1, x(e.ts + e.dur) - x(e.ts))}" height="16" fill="${color(e.name)}"><title>${esc(e.name)} ${(e.ts / 1000).toFixed(1)}–${((e.ts + e.dur) / 1000).toFixed(1)} ms</title></rect>`;
      } else if (e.ph === 'i') {
        const hot = /leader|crash|fault|signal|halt/.test(e.name);
        out += `<rect class="mark" x="${x(e.ts) - 1}" y="${y - 1}" width="${hot ? 3 : 1}" height="18" fill="${hot ? '#111' : '#8893a8'}"><title>${esc(e.name)} ${(e.ts / 1000).toFixed(1)} ms ${esc((e.args && e.args.detail) || '')}</title></rect>`;
      }
    }
    const fail = failureOf(trace.otherData && trace.otherData.title);
    const h = tids.length * lane + 30;
    if (fail) {
      const fx = x(end);
      out += `<line id="tr-failure" x1="${fx}" x2="${fx}" y1="0" y2="${h}" stroke="#c0392b" stroke-width="2"/>` +
             `<text x="${fx - 4}" y="${h - 6}" text-anchor="end" font-size="11" fill="#c0392b">failed: ${esc(fail.path)} ${esc(fail.text)}</text>`;
    }
    const svg = $('tr-chart');
    svg.setAttribute('width', String(w));
    svg.setAttribute('height', String(h));
    svg.innerHTML = out;
    $('tr-summary').innerHTML = `${esc((trace.otherData && trace.otherData.title) || 'trace')}: ${tids.length} tracks, ` +
      `${ev.length} events, ${(end / 1000).toFixed(1)} ms virtual` +
      (fail ? `<div class="diag error" style="color:#c0392b" id="tr-failure-text">failed at ${esc(fail.path)} (line ${fail.line}): ${esc(fail.reason)}</div>` : '');
    const list = ev.filter((e) => e.ph === 'i').slice(-400).reverse();
    $('tr-events').innerHTML = list.map((e) => `<li><span class="t">${(e.ts / 1000).toFixed(1)} ms</span><span class="k">${esc(e.name)}</span>${esc(names[e.tid] || '')} ${esc((e.args && e.args.detail) || '')}</li>`).join('');
  }

  async function read(input) {
    const f = input.files[0];
    if (!f) return null;
    try { return JSON.parse(await f.text()); } catch (e) { Api.showError(`${f.name}: not JSON (${e.message})`); return null; }
  }

  function start() {
    $('tr-file').onchange = async (e) => { trace = await read(e.target); draw(); };
    $('tr-report').onchange = async (e) => { report = await read(e.target); draw(); };
  }
  return { start };
})();
