// The wizard's last pages and its previews: what the plan will do with the
// topology being built — each dminit line, the dm.ini keys, each dmarch.ini
// and mp.ini as written, the plan as text and as a graph, the runbook to
// download — and the execute page, which hands the topology to the server's
// simulated cluster, deploys it and shows each plan step live.
'use strict';
const Overview = (() => {
  const $ = (id) => document.getElementById(id);
  const esc = (t) => String(t).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' }[c]));

  async function planOf(format) {
    const r = await Api.postText('/api/plan?format=' + format, Wizard.topologyText());
    if (r.status === 422) return { error: 'the topology has errors (listed below); fix them first' };
    return r.ok ? { data: r.data } : { error: (r.data && r.data.error) || String(r.status) };
  }

  function html() {
    return `<h2>8. Overview</h2>
      <p><button id="ov-download-sh">Download the sh runbook</button> <button id="ov-download-cmd">Download the cmd runbook</button>
      <button id="ov-download-topology">Download the topology file</button></p>
      <h3>Plan graph</h3><div style="overflow:auto"><svg id="ov-graph" height="40"></svg></div>
      <h3>Plan</h3><pre class="plan" id="ov-text">…</pre>
      <h3>Files as they will be written</h3><pre class="plan" id="ov-files">…</pre>
      <h3>Topology file</h3><pre class="plan" id="ov-topology"></pre>`;
  }

  function executeHtml() {
    return `<h2>9. Execute</h2>
      <p>Deploy this topology on the console's simulated cluster (this replaces the cluster it serves).
      On DM's real binaries, download the runbook or run <code>dpcctl deploy FILE --backend=real</code>.</p>
      <p><button id="ex-deploy">Use this topology and deploy</button> <button id="ex-resume">Resume after a failure</button>
      <span id="ex-status" class="muted"></span></p>
      <p class="muted small">◆ marks the critical path: the chain of steps that set the deployment's length.</p>
      <ol id="ex-steps" class="steps-live"></ol>`;
  }

  function drawGraph(plan) {
    const depth = {};
    for (const s of plan.steps) depth[s.id] = 1 + Math.max(0, ...(s.deps || []).map((d) => depth[d] || 0));
    const cols = {};
    const pos = {};
    for (const s of plan.steps) {
      const d = depth[s.id];
      cols[d] = (cols[d] || 0) + 1;
      pos[s.id] = { x: (d - 1) * 150 + 6, y: (cols[d] - 1) * 22 + 6 };
    }
    const w = Math.max(...Object.values(pos).map((p) => p.x)) + 150;
    const h = Math.max(...Object.values(pos).map((p) => p.y)) + 30;
    let out = '';
    for (const s of plan.steps) {
      for (const d of s.deps || []) {
        out += `<line x1="${pos[d].x + 140}" y1="${pos[d].y + 9}" x2="${pos[s.id].x}" y2="${pos[s.id].y + 9}" stroke="#b8c0d0" stroke-width="0.7"/>`;
      }
    }
    for (const s of plan.steps) {
      const p = pos[s.id];
      out += `<g><rect x="${p.x}" y="${p.y}" width="140" height="18" rx="3" fill="#eef2fb" stroke="#7b8db5"/>` +
             `<text x="${p.x + 4}" y="${p.y + 13}" font-size="10">${esc(s.id.length > 24 ? s.id.slice(0, 23) + '…' : s.id)}</text>` +
             `<title>${esc(s.title)}</title></g>`;
    }
    const svg = $('ov-graph');
    svg.setAttribute('width', String(w));
    svg.setAttribute('height', String(h));
    svg.innerHTML = out;
  }

  function files(plan) {
    return plan.steps.filter((s) => s.kind === 'write' || s.kind === 'edit-ini').map((s) => s.kind === 'write'
      ? `## ${s.host}:${s.path}  (${s.id})\n${s.content}`
      : `## ${s.host}:${s.path}  (${s.id}): set ${(s.ini_set || []).map((kv) => kv.join ? kv.join(' = ') : JSON.stringify(kv)).join(', ')}\n`).join('\n');
  }

  async function fill(step) {
    const r = await planOf('json');
    const put = (id, text) => { const e = $(id); if (e) e.textContent = text; };
    if (r.error) {
      for (const id of ['w-init-preview', 'w-dmini-preview', 'w-arch-preview', 'ov-text', 'ov-files']) put(id, r.error);
      return;
    }
    const plan = r.data;
    put('w-init-preview', plan.steps.filter((s) => s.kind === 'init')
      .map((s) => `${s.host}$ ${s.program} ${s.args.join(' ')}`).join('\n'));
    put('w-dmini-preview', plan.steps.filter((s) => s.kind === 'edit-ini').map((s) =>
      `${s.instance} (${s.id}): ${s.path}\n   ${(s.ini_set || []).map((kv) => Array.isArray(kv) ? kv.join(' = ') : JSON.stringify(kv)).join('\n   ')}`).join('\n'));
    put('w-arch-preview', plan.steps.filter((s) => s.kind === 'write' && /dmarch\.ini$/.test(s.path))
      .map((s) => `## ${s.instance} (${s.id}): ${s.path}\n${s.content}`).join('\n'));
    if (step === 7) {
      drawGraph(plan);
      put('ov-files', files(plan));
      put('ov-topology', Wizard.topologyText());
      const t = await planOf('text');
      put('ov-text', t.error || t.data);
    }
  }

  async function download(format) {
    const r = await planOf(format);
    if (r.error) return Api.showError(r.error);
    save(`${Wizard.model().cluster}-deploy.${format}`, r.data);
  }
  function save(name, text) {
    const a = document.createElement('a');
    a.href = URL.createObjectURL(new Blob([text], { type: 'text/plain' }));
    a.download = name;
    a.click();
    setTimeout(() => URL.revokeObjectURL(a.href), 1000);
  }

  async function click(e) {
    const id = e.target.id;
    if (id === 'ov-download-sh') download('sh');
    else if (id === 'ov-download-cmd') download('cmd');
    else if (id === 'ov-download-topology') save(`${Wizard.model().cluster}.json`, Wizard.topologyText());
    else if (id === 'ex-deploy') {
      Wizard.readForm();
      const r = await Api.postText('/api/topology', Wizard.topologyText());
      if (!r.ok) { $('ex-status').textContent = 'the topology has errors; see below'; return; }
      Api.restartStream();
      Sim.reset();
      Monitor.start();
      await Api.post('/api/deploy');
      $('ex-status').textContent = 'deploying…';
      Monitor.refresh();
    } else if (id === 'ex-resume') {
      await Api.post('/api/deploy');
      Monitor.refresh();
    }
  }

  function updateExecute(state) {
    const list = $('ex-steps');
    if (!list) return;
    const critical = new Set(state.critical_path || []);
    list.innerHTML = state.steps.map((s) => `<li class="state-${s.state}" data-step="${esc(s.id)}" data-state="${s.state}">` +
      `${s.state.padEnd(8)} ${critical.has(s.id) ? '◆' : ' '} ${esc(s.id)} — ${esc(s.title)}` +
      (s.finished_ms !== undefined ? ` <span class="muted">(${((s.finished_ms - s.started_ms) / 1000).toFixed(1)} s at ${(s.started_ms / 1000).toFixed(1)} s)</span>` : '') +
      (s.error ? `<pre class="plan">${esc(s.error)}</pre>` : '') + '</li>').join('');
    const done = state.steps.filter((s) => s.state === 'done').length;
    $('ex-status').textContent = `${state.cluster}: ${done}/${state.steps.length} steps done` + (state.clock.deploying ? ' · deploying' : '');
  }

  return { html, executeHtml, fill, click, updateExecute };
})();
