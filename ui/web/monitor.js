// The monitor page: cluster health, each RAFT group with its leader, the
// instance table, hosts and fault domains as a tree, and the live timeline.
// State comes from GET /api/status (at most a few times a second, however
// many events arrive); the timeline appends event batches from the stream,
// so one event never redraws the world.
'use strict';
const Monitor = (() => {
  let state = null;
  const timeline = [];        // newest last; capped
  const kMaxTimeline = 400;
  let refreshQueued = false;

  const el = (tag, attrs, ...kids) => {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === 'class') e.className = v; else if (k === 'text') e.textContent = v; else e.setAttribute(k, v);
    }
    for (const k of kids) e.append(k);
    return e;
  };

  function groupCards(target) {
    const box = document.getElementById(target);
    box.replaceChildren();
    const byName = Object.fromEntries(state.instances.map((i) => [i.name, i]));
    for (const g of state.groups) {
      const card = el('div', { class: 'group' + (g.leader ? '' : ' noleader'), id: target + '-' + g.name,
                               'data-leader': g.leader, 'data-term': g.term });
      card.append(el('h3', { text: `${g.name} · ${g.leader ? 'leader ' + g.leader : 'no leader'}` +
                                   (g.term ? ` · term ${g.term}` : '') }));
      for (const m of g.members) {
        const i = byName[m] || {};
        let cls = 'member';
        if (m === g.leader) cls += ' leader';
        else if (!i.running) cls += ' down';
        else if (i.raft_role === 'candidate') cls += ' candidate';
        card.append(el('span', { class: cls, title: `${m}: ${i.status} ${i.mode} ${i.raft_role || ''}`,
                                 text: (m === g.leader ? '★ ' : '') + m }));
      }
      box.append(card);
    }
  }

  function render() {
    if (!state) return;
    document.getElementById('cluster-name').textContent = `${state.cluster} (${state.backend}, seed ${state.seed})`;
    const c = state.clock;
    document.getElementById('clock-now').textContent =
      c.real ? 'real backend' : `${(c.now_ms / 1000).toFixed(3)} s${c.paused ? ' ⏸' : ''}`;
    const h = state.health;
    const hb = document.getElementById('health');
    hb.className = 'card health ' + (h.healthy ? 'ok' : 'bad');
    hb.replaceChildren(el('div', { text: h.healthy ? 'cluster healthy' : 'cluster NOT healthy' }),
      ...h.sps.map((s) => el('div', { class: 'small muted', text: `${s.sp}: ${s.note}` })),
      ...(state.violations ? [el('div', { class: 'small', text: `${state.violations} invariant violation(s)` })] : []));
    const done = state.steps.filter((s) => s.state === 'done').length;
    const running = state.steps.find((s) => s.state === 'running');
    const failed = state.steps.find((s) => s.state === 'failed');
    document.getElementById('deploy-progress').textContent = `plan: ${done}/${state.steps.length} steps done` +
      (c.deploying ? ' · deploying' : '') + (running ? ` · running ${running.id}` : '') +
      (failed ? ` · FAILED at ${failed.id}` : '');
    const live = document.getElementById('steps-live');
    if (document.getElementById('steps-box').open) live.replaceChildren(...state.steps.map((s) => el('li', { class: 'state-' + s.state, 'data-step': s.id, 'data-state': s.state,
      text: `${s.state.padEnd(8)} ${s.id} — ${s.title}` })));
    groupCards('groups');
    groupCards('sim-groups');
    const tbody = document.querySelector('#instances tbody');
    tbody.replaceChildren(...state.instances.map((i) => el('tr', { class: i.running ? '' : 'down', id: 'inst-' + i.name },
      el('td', { text: i.name }), el('td', { text: i.role }), el('td', { text: i.raft }), el('td', { text: i.host }),
      el('td', { text: i.process + (i.last_stop && !i.running ? ` (${i.last_stop})` : '') }),
      el('td', { class: 'st-' + i.status, text: i.status }), el('td', { text: i.mode }),
      el('td', { text: i.raft_role || '–' }), el('td', { class: 'num', text: i.term || '–' }),
      el('td', { text: i.leader || '–' }), el('td', { class: 'num', text: i.c_lsn }),
      el('td', { class: 'num', text: i.lag }))));
    const tree = document.getElementById('hosts-tree');
    const hostList = el('ul');
    for (const host of state.hosts) {
      const inst = state.instances.filter((i) => i.host === host);
      const domains = [...new Set(inst.map((i) => i.fault_domain || '(no fault domain)'))];
      hostList.append(el('li', { text: host }, el('ul', {}, ...domains.map((d) => el('li', { text: d },
        el('ul', {}, ...inst.filter((i) => (i.fault_domain || '(no fault domain)') === d)
          .map((i) => el('li', { text: `${i.name} ${i.status}` }))))))));
    }
    tree.replaceChildren(hostList);
    if (typeof Sim !== 'undefined') Sim.update(state);
    if (typeof Wizard !== 'undefined' && Wizard.update) Wizard.update(state);
  }

  function renderTimeline(batch) {
    const list = document.getElementById('timeline');
    const frag = document.createDocumentFragment();
    for (const e of batch.slice().reverse()) {
      frag.append(el('li', { class: 'ev', 'data-kind': e.kind, 'data-instance': e.instance },
        el('span', { class: 't', text: e.at_ms.toFixed(1) + ' ms' }),
        el('span', { class: 'k k-' + e.kind.replace(/\./g, '-'), text: e.kind }),
        `${e.instance ? e.instance + ' ' : ''}${e.detail}`));
    }
    list.prepend(frag);
    while (list.children.length > kMaxTimeline) list.lastChild.remove();
    drawChart();
  }

  const esc = (t) => String(t).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' }[c]));

  // A lane per RAFT group: a tick at each election, a dot at each crash.
  function drawChart() {
    const svg = document.getElementById('timeline-chart');
    if (!state || !timeline.length) return;
    const groups = state.groups.filter((g) => g.members.length > 1).map((g) => g.name);
    const memberGroup = Object.fromEntries(state.instances.map((i) => [i.name, i.raft]));
    const t0 = timeline[0].at_ms, t1 = Math.max(state.clock.now_ms, t0 + 1);
    const w = svg.clientWidth || 800, lane = 18, left = 90;
    svg.setAttribute('height', String(groups.length * lane + 6));
    const x = (t) => left + (w - left - 8) * (t - t0) / (t1 - t0);
    let out = '';
    groups.forEach((g, k) => {
      const y = k * lane + 12;
      out += `<text x="2" y="${y + 4}" font-size="11">${esc(g)}</text><line x1="${left}" x2="${w - 8}" y1="${y}" y2="${y}" stroke="#ccd"/>`;
      for (const e of timeline) {
        if (memberGroup[e.instance] !== g) continue;
        if (e.kind === 'raft.leader') out += `<rect x="${x(e.at_ms) - 2}" y="${y - 6}" width="4" height="12" fill="#2457c5"><title>${esc(e.instance)} leader ${esc(e.detail)}</title></rect>`;
        if (e.kind === 'server.crash') out += `<circle cx="${x(e.at_ms)}" cy="${y}" r="4" fill="#c0392b"><title>${esc(e.instance)} crash</title></circle>`;
      }
    });
    svg.innerHTML = out;
  }

  async function refresh() {
    refreshQueued = false;
    const r = await Api.get('/api/status');
    if (r.ok) { state = r.data; render(); }
  }
  function queueRefresh() {
    if (refreshQueued) return;
    refreshQueued = true;
    setTimeout(refresh, 200);
  }

  let started = false;
  function start(pollMs = 1000) {
    if (started) return;
    started = true;
    Api.onEvents((batch) => {
      for (const e of batch) if (['server.crash', 'raft.leader', 'command', 'step.failed', 'deploy.done'].includes(e.kind) || e.kind.startsWith('fault')) timeline.push(e);
      if (timeline.length > 2000) timeline.splice(0, timeline.length - 2000);
      renderTimeline(batch);
      queueRefresh();
    });
    document.getElementById('deploy-btn').onclick = () => Api.post('/api/deploy').then(queueRefresh);
    document.getElementById('stop-btn').onclick = () => Api.post('/api/stop').then(queueRefresh);
    refresh();
    setInterval(refresh, pollMs);  // the clock moves even when nothing is logged
  }
  return { start, refresh: queueRefresh, state: () => state };
})();
