(function () {
  'use strict';
  const svg = document.getElementById('map');
  const U = Number(svg.dataset.unit) || 1;
  const full = svg.getAttribute('viewBox').split(' ').map(Number);
  let vb = full.slice();
  const details = document.getElementById('details');
  const hint = details.textContent;
  let pinned = null, hovered = null, drag = null, moved = false;

  // North arrow and scale bar, in map units, for the view shown.
  function nice(m) {
    const p = Math.pow(10, Math.floor(Math.log10(Math.max(m, 1))));
    for (const k of [5, 2, 1]) if (k * p <= m) return k * p;
    return p;
  }
  const r1 = v => Math.round(v * 10) / 10;
  function furniture() {
    const [x, y, w, h] = vb, n = nice(Math.max(w * U / 6, 1)), len = n / U;
    const fs = Math.max(w / 70, 0.1), x0 = x + w * 0.03, y0 = y + h * 0.96;
    const ax = x + w * 0.96, ay = y + h * 0.05, s = fs * 1.4;
    const label = n >= 1000 ? (n / 1000) + ' ' + svg.dataset.km : n + ' ' + svg.dataset.m;
    document.getElementById('furniture').innerHTML =
      `<path class="sb" d="M${r1(x0)} ${r1(y0)}h${r1(len)}"/>` +
      `<path class="sbt" d="M${r1(x0)} ${r1(y0 - fs * 0.5)}v${r1(fs * 0.5)}M${r1(x0 + len)} ${r1(y0 - fs * 0.5)}v${r1(fs * 0.5)}"/>` +
      `<text class="sbl" x="${r1(x0 + len / 2)}" y="${r1(y0 - fs * 0.9)}" font-size="${r1(fs)}">${label}</text>` +
      `<path class="na" d="M${r1(ax)} ${r1(ay)}l${r1(s * 0.5)} ${r1(s * 1.4)}l${r1(-s * 0.5)} ${r1(-s * 0.4)}l${r1(-s * 0.5)} ${r1(s * 0.4)}z"/>` +
      `<text class="nal" x="${r1(ax)}" y="${r1(ay + s * 2.1)}" font-size="${r1(fs)}">${svg.dataset.north}</text>`;
  }
  function setView(v) {
    vb = v;
    svg.setAttribute('viewBox', vb.map(r1).join(' '));
    furniture();
  }

  // Layer toggles.
  document.querySelectorAll('#toggles input').forEach(cb => cb.addEventListener('change', () => {
    svg.querySelectorAll('g[data-layer="' + cb.value + '"]').forEach(g => {
      g.style.display = cb.checked ? '' : 'none';
    });
  }));

  // Details on hover; a click pins them (a second click or one elsewhere frees them).
  function mark(el, on) {
    if (!el) return;
    el.classList.toggle('hi', on);
    if (el.dataset.i !== undefined) {
      const line = svg.querySelector('.nbl[data-i="' + el.dataset.i + '"]');
      if (line) line.classList.toggle('hi', on);
    }
  }
  svg.addEventListener('mouseover', e => {
    if (pinned || drag) return;
    const t = e.target.closest('[data-info]');
    if (t !== hovered) { mark(hovered, false); hovered = t; mark(t, true); }
    details.textContent = t ? t.dataset.info : hint;
  });
  svg.addEventListener('mouseleave', () => {
    if (pinned) return;
    mark(hovered, false); hovered = null; details.textContent = hint;
  });
  svg.addEventListener('click', e => {
    if (moved) return;
    const t = e.target.closest('[data-info]');
    mark(hovered, false); hovered = null;
    mark(pinned, false);
    pinned = t && t !== pinned ? t : null;
    mark(pinned, true);
    details.textContent = pinned ? pinned.dataset.info : hint;
  });

  // Zoom about the pointer with the wheel, pan by dragging, reset.
  function toMap(cx, cy) {
    return new DOMPoint(cx, cy).matrixTransform(svg.getScreenCTM().inverse());
  }
  svg.addEventListener('wheel', e => {
    e.preventDefault();
    const p = toMap(e.clientX, e.clientY);
    const w = Math.min(full[2] * 4, Math.max(full[2] / 400, vb[2] * (e.deltaY > 0 ? 1.25 : 0.8)));
    const k = w / vb[2];
    setView([p.x - (p.x - vb[0]) * k, p.y - (p.y - vb[1]) * k, vb[2] * k, vb[3] * k]);
  }, { passive: false });
  svg.addEventListener('pointerdown', e => {
    if (e.button !== 0) return;
    drag = { x: e.clientX, y: e.clientY, vb: vb.slice(), m: svg.getScreenCTM() };
    moved = false;
  });
  window.addEventListener('pointermove', e => {
    if (!drag) return;
    const dx = e.clientX - drag.x, dy = e.clientY - drag.y;
    if (!moved && Math.hypot(dx, dy) < 4) return;
    moved = true;
    svg.classList.add('dragging');
    setView([drag.vb[0] - dx / drag.m.a, drag.vb[1] - dy / drag.m.d, drag.vb[2], drag.vb[3]]);
  });
  window.addEventListener('pointerup', () => { drag = null; svg.classList.remove('dragging'); });
  svg.addEventListener('dblclick', () => setView(full.slice()));
  document.getElementById('reset').addEventListener('click', () => setView(full.slice()));

  // Whether Chinese draws: without a CJK font two ideographs draw as the
  // same empty box (and as a private-use character does).
  function cjkDraws() {
    const c = document.createElement('canvas');
    c.width = c.height = 48;
    const g = c.getContext('2d');
    if (!g) return true;
    const font = '36px ' + getComputedStyle(document.body).fontFamily;
    const ink = ch => {
      g.clearRect(0, 0, 48, 48);
      g.font = font;
      g.fillText(ch, 4, 40);
      return g.getImageData(0, 0, 48, 48).data.join(',');
    };
    const a = ink('\u90bb'), b = ink('\u91cc'), none = ink('\ue000');
    return a !== b && a !== none;
  }
  const cjk = cjkDraws();
  document.body.setAttribute('data-cjk', cjk ? 'yes' : 'no');
  document.getElementById('nocjk').hidden = cjk;

  furniture();
  document.body.setAttribute('data-errors', String(window.LINLI_ERRORS.length));
  document.body.setAttribute('data-drawn', String(svg.querySelectorAll('path.nb').length));
})();
