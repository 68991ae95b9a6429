// The simulator page and the clock bar: pause / resume / step / speed, fault
// injection (each action is a `dpcctl shell` line, shown before it runs),
// the lines done so far, and "save as scenario".
'use strict';
const Sim = (() => {
  let filled = false;
  const $ = (id) => document.getElementById(id);

  function options(select, names) {
    select.replaceChildren(...names.map((n) => { const o = document.createElement('option'); o.value = o.textContent = n; return o; }));
  }

  function update(state) {
    if (filled) return;
    filled = true;
    const names = state.instances.map((i) => i.name);
    options($('f-instance'), names);
    options($('f-host'), state.hosts);
    options($('f-a'), [...state.hosts, ...names]);
    options($('f-b'), [...state.hosts, ...names]);
    if (names.length > 1) $('f-b').value = names[1];
  }

  /// The shell lines one fault button stands for.
  function linesFor(fault) {
    const state = Monitor.state();
    const inst = $('f-instance').value;
    const info = state && state.instances.find((i) => i.name === inst);
    const group = info && state.groups.find((g) => g.name === info.raft);
    const mount = group && group.members.length > 1 ? ' mount' : '';
    switch (fault) {
      case 'kill': return [`kill ${inst}`];
      case 'start': return [`start ${inst}${mount}`];
      case 'restart': return [`exit ${inst}`, `start ${inst}${mount}`];
      case 'crash-host': return [`crash-host ${$('f-host').value}`];
      case 'restart-host': return [`restart-host ${$('f-host').value}`];
      case 'partition': return [`partition ${$('f-a').value} ${$('f-b').value}`];
      case 'heal': return [`heal ${$('f-a').value} ${$('f-b').value}`];
      case 'heal-all': return ['heal'];
    }
    return [];
  }

  async function run(lines) {
    $('f-preview').textContent = lines.map((l) => '$ ' + l).join('\n');
    for (const line of lines) {
      const r = await Api.post('/api/command', { line });
      const d = r.data || {};
      $('f-preview').textContent += '\n' + (d.ok ? (d.output || 'ok') : 'error: ' + (d.error || r.status));
      if (!d.ok) break;
    }
    Monitor.refresh();
  }

  function start() {
    for (const b of document.querySelectorAll('[data-fault]')) {
      b.onmouseenter = () => { $('f-preview').textContent = linesFor(b.dataset.fault).map((l) => '$ ' + l).join('\n'); };
      b.onclick = () => run(linesFor(b.dataset.fault));
    }
    $('f-run').onclick = () => { const l = $('f-line').value.trim(); if (l) run([l]); };
    $('clock-pause').onclick = () => Api.post('/api/clock', { action: 'pause' }).then(Monitor.refresh);
    $('clock-resume').onclick = () => Api.post('/api/clock', { action: 'resume' }).then(Monitor.refresh);
    $('clock-step').onclick = () => Api.post('/api/clock', { action: 'step' }).then(Monitor.refresh);
    $('clock-speed').onchange = (e) => Api.post('/api/clock', { action: 'speed', speed: Number(e.target.value) });
    $('scn-save').onclick = async () => {
      const r = await Api.post('/api/scenario', { name: $('scn-name').value, description: $('scn-desc').value });
      $('scn-result').textContent = r.ok ? `written ${r.data.file} · replay: ${r.data.shell}` : 'error: ' + (r.data.error || r.status);
    };
    $('scn-download').onclick = (e) => {
      e.target.href = Api.withToken('/api/scenario?description=' + encodeURIComponent($('scn-desc').value));
    };
    Api.onEvents((batch) => {
      const log = $('shell-log');
      for (const e of batch) if (e.kind === 'command' && !e.detail.startsWith('step ')) log.textContent += `[${(e.at_ms / 1000).toFixed(3)} s] $ ${e.detail}\n`;
    });
  }
  return { start, update, reset: () => { filled = false; } };
})();
