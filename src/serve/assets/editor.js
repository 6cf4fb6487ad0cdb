// linli serve: the editor page. State comes from /api/state; every edit is
// POSTed with the version it was made on (409: reload the state).
"use strict";
(function () {
  const params = new URLSearchParams(location.search);
  const token = params.get("token");
  const headers = { "content-type": "application/json" };
  if (token) headers["x-linli-token"] = token;
  let S = null;            // the state
  let brush = null;        // slot index painted into
  let merging = false;     // next click merges its neighborhood into the brush
  let community = 0;
  let lastEdit = null;     // the last move's request (what a test awaits)
  let sweeping = false;    // the mouse is down with the drag brush on
  let chain = Promise.resolve(); // swept blocks are sent one after another
  function queue(b) {
    if (S.owner[b] === brush) return;
    chain = chain.then(() => clickBlock(b, false));
  }
  document.addEventListener("mouseup", () => { if (sweeping) setTimeout(() => { sweeping = false; }, 0); });
  const map = L.map("map", { preferCanvas: true, zoomSnap: 0.25 });
  const layers = { blocks: null, lines: null, outlines: L.layerGroup().addTo(map), loaded: null };
  const outlineOf = new Map(); // slot -> layer
  const blockLayer = new Map(); // block -> layer
  const $ = (id) => document.getElementById(id);

  function hue(k) { return (k * 137.508) % 360; }
  function fill(k) { return `hsl(${hue(k)}, 55%, 72%)`; }
  function say(text, bad) { const m = $("msg"); m.textContent = text; m.className = bad ? "bad" : ""; }
  function slotId(k) { return S.slots[k] ? S.slots[k].id : "?"; }

  async function api(path, body) {
    const r = await fetch(path, { method: body ? "POST" : "GET", headers, body: body ? JSON.stringify(body) : undefined });
    const j = await r.json().catch(() => ({ error: r.statusText }));
    return { status: r.status, body: j };
  }

  function figuresOf(c) { return S.figures.find((f) => f.id === S.communities[c].id); }
  function flagged(f) {
    const out = {};
    for (const n of f.neighborhoods) out[n.id] = { out: !n.in_band, crossed: n.strong_crossings > 0 };
    return out;
  }
  function outlineStyle(k) {
    const f = figuresOf(S.slots[k].community);
    const n = f && f.neighborhoods.find((x) => x.id === S.slots[k].id);
    const colour = !n ? "#333" : !n.in_band ? "#b00020" : n.strong_crossings > 0 ? "#c25e00" : "#222";
    return { color: colour, weight: n && (!n.in_band || n.strong_crossings > 0) ? 3 : 1.6, fill: false, interactive: false };
  }
  function setOutline(k, feature) {
    if (outlineOf.has(k)) { layers.outlines.removeLayer(outlineOf.get(k)); outlineOf.delete(k); }
    if (feature) { const l = L.geoJSON(feature, { style: outlineStyle(k) }); l.addTo(layers.outlines); outlineOf.set(k, l); }
  }
  function paintBlock(b) {
    const l = blockLayer.get(b); if (!l) return;
    l.setStyle({ fillColor: fill(S.owner[b]), fillOpacity: 0.75, color: "#fff", weight: 0.4 });
  }

  function table() {
    const f = figuresOf(community);
    const tb = $("figures").querySelector("tbody");
    tb.innerHTML = "";
    for (const n of f.neighborhoods) {
      const tr = document.createElement("tr");
      const k = S.slots.findIndex((s) => s.id === n.id);
      tr.dataset.nb = n.id;
      tr.className = [k === brush ? "brush" : "", n.in_band ? "" : "out", n.strong_crossings > 0 ? "crossed" : ""].join(" ");
      const centre = (n.coverage.find((c) => c[0] === "community_centre") || [null, null])[1];
      tr.innerHTML = `<td><span style="display:inline-block;width:10px;height:10px;background:${fill(k)}"></span> ${n.id}</td>` +
        `<td class="hh" data-households="${n.households}">${n.households}</td><td>${n.buildings}</td>` +
        `<td>${n.pieces}</td><td>${n.polsby_popper.toFixed(2)}</td><td>${(100 * n.barrier_share).toFixed(0)}%</td>` +
        `<td class="cx">${n.strong_crossings}</td><td>${centre === null ? "–" : (100 * centre).toFixed(0) + "%"}</td>` +
        `<td>${n.locked ? "🔒" : ""}</td>`;
      tr.onclick = () => { brush = k; merging = false; table(); say(`Painting into ${n.id}: click blocks next to it.`); };
      tb.appendChild(tr);
    }
    const w = f.social_workers === null ? "no staff data" :
      `${f.social_workers} social worker(s), ${f.per_worker === null ? "–" : f.per_worker.toFixed(1)} neighborhoods each (${f.staffing.replace(/_/g, " ")})`;
    $("staffing").textContent = `${f.name}: band ${Math.ceil(f.band[0])}–${Math.floor(f.band[1])} households; ${w}.`;
    $("moved").textContent = `Moved since loaded: ${f.moved_buildings} buildings, ${f.moved_households} households.`;
    $("version").textContent = `version ${S.version} · undo ${S.undo} · redo ${S.redo}`;
  }

  async function send(edit) {
    const r = await api("api/edit", { version: S.version, edit });
    if (r.status === 409) { say(r.body.error, true); await load(false); return r; }
    if (r.status !== 200) { say(r.body.error || "refused", true); return r; }
    const j = r.body;
    S.version = j.version; S.undo = j.undo; S.redo = j.redo; S.slots = j.slots;
    for (const [b, k] of j.owners) { S.owner[b] = k; paintBlock(b); }
    for (const f of j.figures) { const i = S.figures.findIndex((x) => x.id === f.id); S.figures[i] = f; }
    for (const o of j.outlines) setOutline(o.slot, o.feature);
    for (const [k] of outlineOf) if (S.slots[k]) outlineOf.get(k).setStyle(outlineStyle(k));
    if (brush !== null && !S.slots[brush].alive) brush = null;
    table();
    return r;
  }

  async function clickBlock(b, shift) {
    const k = S.owner[b];
    if (shift || brush === null) { brush = k; merging = false; community = S.slots[k].community; $("community").value = community; table(); say(`Painting into ${slotId(k)}.`); return null; }
    if (merging) { merging = false; const r = await send({ op: "merge", into: slotId(brush), from: slotId(k) }); if (r.status === 200) say(`Merged ${slotId(k)} into ${slotId(brush)}.`); return r; }
    if (k === brush) return null;
    lastEdit = send({ op: "move", block: b, to: slotId(brush) });
    const r = await lastEdit;
    if (r.status === 200) say(`Block ${b} moved from ${slotId(k)} to ${slotId(brush)}.`);
    return r;
  }

  async function load(fit) {
    const r = await api("api/state");
    S = r.body;
    if (layers.blocks) map.removeLayer(layers.blocks);
    if (layers.lines) map.removeLayer(layers.lines);
    blockLayer.clear();
    layers.blocks = L.geoJSON(S.blocks, {
      style: (f) => ({ fillColor: fill(S.owner[f.properties.b]), fillOpacity: 0.75, color: "#fff", weight: 0.4 }),
      onEachFeature: (f, l) => { blockLayer.set(f.properties.b, l); },
    }).addTo(map);
    // One handler per event for all blocks (not three per block).
    const blockOf = (e) => e.propagatedFrom.feature.properties.b;
    layers.blocks.on("click", (e) => { if (!sweeping) clickBlock(blockOf(e), e.originalEvent.shiftKey); });
    layers.blocks.on("mousedown", (e) => { if ($("sweep").checked && brush !== null) { sweeping = true; queue(blockOf(e)); } });
    layers.blocks.on("mouseover", (e) => { if (sweeping) queue(blockOf(e)); });
    layers.lines = L.geoJSON(S.lines, {
      style: (f) => ({ color: f.properties.kind === "water" ? "#3d7fd1" : f.properties.kind === "rail" ? "#555" : "#999", weight: f.properties.level >= 4 ? 2.4 : 1, interactive: false }),
    }).addTo(map);
    layers.outlines.clearLayers(); outlineOf.clear();
    S.outlines.forEach((f, k) => setOutline(k, f));
    const sel = $("community"); sel.innerHTML = "";
    S.communities.forEach((c, i) => { const o = document.createElement("option"); o.value = i; o.textContent = `${c.id} ${c.name}`; sel.appendChild(o); });
    sel.value = community;
    if (layers.loaded) map.removeLayer(layers.loaded);
    layers.loaded = L.geoJSON({ type: "FeatureCollection", features: S.loaded.filter((f) => f) }, {
      style: { color: "#000", weight: 2, dashArray: "6 5", fill: false, interactive: false },
    });
    if ($("asloaded").checked) layers.loaded.addTo(map);
    document.body.dataset.outlines = outlineOf.size;
    if (fit) map.fitBounds(layers.blocks.getBounds());
    table();
  }

  $("asloaded").onchange = (e) => { if (e.target.checked) layers.loaded.addTo(map); else map.removeLayer(layers.loaded); };
  $("sweep").onchange = (e) => { if (e.target.checked) map.dragging.disable(); else map.dragging.enable(); };
  $("community").onchange = (e) => { community = +e.target.value; brush = null; table(); };
  $("undo").onclick = () => send({ op: "undo" });
  $("redo").onclick = () => send({ op: "redo" });
  $("split").onclick = () => brush === null ? say("Pick a neighborhood first.", true) : send({ op: "split", neighborhood: slotId(brush) });
  $("merge").onclick = () => { if (brush === null) return say("Pick a neighborhood first.", true); merging = true; say(`Click a neighborhood to merge into ${slotId(brush)}.`); };
  $("lock").onclick = () => brush === null ? say("Pick a neighborhood first.", true) :
    send({ op: S.slots[brush].locked ? "unlock" : "lock", neighborhood: slotId(brush) });
  $("rebalance").onclick = () => send({ op: "rebalance", community: S.communities[community].id });
  $("save").onclick = save;
  async function save() {
    say("Saving …");
    const r = await api("api/save", { version: S.version });
    if (r.status === 409) { say(r.body.error, true); await load(false); return r; }
    if (r.status !== 200) { say(r.body.error || "save failed", true); return r; }
    say(`Saved ${r.body.written.length} files to ${r.body.dir}.`);
    return r;
  }

  // What a test (or a script in the console) drives: the same paths as
  // the buttons and clicks.
  function shown(id) { const td = document.querySelector(`tr[data-nb="${id}"] td.hh`); return td ? +td.dataset.households : null; }
  window.linli = { clickBlock, send, save, shown, state: () => S };

  async function selfTest(spec) {
    // test=move:<block>:<to>: paint the block into <to>, undo, save.
    const [, b, to] = spec.split(":");
    const block = +b, from = slotId(S.owner[block]);
    const rec = {};
    community = S.slots[S.owner[block]].community; table();
    rec.before = [shown(from), shown(to)];
    document.querySelector(`tr[data-nb="${to}"]`).click();
    let moved = null;
    const l = blockLayer.get(block);
    l.fire("click", { originalEvent: { shiftKey: false } }, true);
    moved = await lastEdit;
    rec.moveStatus = moved ? moved.status : 0;
    rec.after = [shown(from), shown(to)];
    await send({ op: "undo" });
    rec.undone = [shown(from), shown(to)];
    const box = $("asloaded"); box.checked = true; box.dispatchEvent(new Event("change"));
    rec.loadedShown = map.hasLayer(layers.loaded) && layers.loaded.getLayers().length;
    rec.outlines = outlineOf.size;
    const saved = await save();
    rec.saveStatus = saved.status;
    document.body.dataset.test = JSON.stringify(rec);
  }

  load(true).then(() => {
    const spec = params.get("test");
    document.body.dataset.ready = "1";
    // Navigation start to the state drawn (the first-paint benchmark).
    requestAnimationFrame(() => { document.body.dataset.paintMs = Math.round(performance.now()); });
    // ?pick=<id>: start with that neighborhood as the brush.
    const pick = params.get("pick");
    const row = pick && document.querySelector(`tr[data-nb="${pick}"]`);
    if (row) row.click();
    if (spec) return selfTest(spec);
  }).catch((e) => { say(String(e), true); document.body.dataset.error = String(e); });
})();
