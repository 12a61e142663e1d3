/* transflow serve: the review workspace's behaviour. No framework, nothing fetched from elsewhere.
   Every text from the catalogs is put in place with textContent; the only HTML inserted is the
   rendered segment the server escaped. */
(function () {
  "use strict";
  var dataNode = document.getElementById("article-data");
  if (!dataNode) { return; }
  var data = JSON.parse(dataNode.textContent);
  var token = document.querySelector('meta[name="transflow-token"]').content;
  var entries = data.entries;
  var version = data.version;
  var current = null;   // index of the open entry
  var detail = null;    // its detail, as last loaded
  var checkTimer = null;
  var $ = function (id) { return document.getElementById(id); };
  var api = function (kind) {
    return "/api/" + kind + "/" + encodeURIComponent(data.lang) + "/" + encodeURIComponent(data.slug);
  };
  var DRAFTS = "transflow-draft:" + data.lang + "/" + data.slug;

  function post(kind, body) {
    return fetch(api(kind), {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-Transflow-Token": token },
      body: JSON.stringify(body),
      credentials: "same-origin"
    }).then(function (response) {
      return response.json().then(function (json) { return { status: response.status, json: json }; });
    });
  }

  // --- filters ---------------------------------------------------------------------------
  function needsAttention(e) { return e.state !== "approved" || e.severity !== ""; }

  function matches(e) {
    var state = $("filter-state").value, check = $("filter-check").value;
    var severity = $("filter-severity").value, text = $("filter-text").value.trim().toLowerCase();
    if (state === "attention" && !needsAttention(e)) { return false; }
    if (state !== "all" && state !== "attention" && e.state !== state) { return false; }
    if (check && e.checks.indexOf(check) < 0) { return false; }
    if (severity === "error" && e.severity !== "error") { return false; }
    if (severity === "warning" && e.severity === "") { return false; }
    if (text && e.text.toLowerCase().indexOf(text) < 0) { return false; }
    return true;
  }

  function applyFilters() {
    var shown = 0;
    entries.forEach(function (e) {
      var ok = matches(e);
      shown += ok ? 1 : 0;
      document.querySelectorAll('[data-i="' + e.i + '"]').forEach(function (node) {
        node.classList.toggle("dim", !ok);
      });
    });
    $("filter-count").textContent = shown + " of " + entries.length + " entries";
  }

  // --- the segments ------------------------------------------------------------------------
  function markSegment(e, html) {
    document.querySelectorAll('[data-i="' + e.i + '"]').forEach(function (node) {
      node.classList.remove("approved", "fuzzy", "untranslated", "query", "error", "warning");
      node.classList.add(e.state);
      if (e.severity) { node.classList.add(e.severity); }
      if (html !== undefined) { node.innerHTML = html; }
    });
  }

  function select(i) {
    document.querySelectorAll(".seg.selected").forEach(function (node) { node.classList.remove("selected"); });
    var first = null;
    document.querySelectorAll('[data-i="' + i + '"]').forEach(function (node) {
      node.classList.add("selected");
      first = first || node;
    });
    if (first) { first.scrollIntoView({ block: "nearest", behavior: "smooth" }); }
  }

  function neighbour(step, wanted) {
    var n = entries.length;
    var start = current === null ? (step > 0 ? -1 : n) : current;
    for (var k = 1; k <= n; k++) {
      var i = start + step * k;
      if (i < 0 || i >= n) { break; }
      if (matches(entries[i]) && (!wanted || wanted(entries[i]))) { return i; }
    }
    return null;
  }

  // --- the editor panel ----------------------------------------------------------------------
  function open(i, keepText) {
    var e = entries[i];
    return fetch(api("entry") + "?key=" + encodeURIComponent(e.key), { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (d) {
        if (d.error) { status(d.error, "bad"); return; }
        current = i;
        detail = d;
        show(d, keepText);
        select(i);
        var area = $("ed-text");
        area.rows = Math.min(9, Math.max(4, Math.ceil(area.value.length / 42)));
        area.focus({ preventScroll: true });
        area.scrollTop = 0;
        $("panel").scrollTop = 0;
      });
  }

  function list(id, items, render) {
    var ul = $(id);
    ul.textContent = "";
    items.forEach(function (item) { ul.appendChild(render(item)); });
    return items.length;
  }

  function li(text, cls) {
    var node = document.createElement("li");
    node.textContent = text;
    if (cls) { node.className = cls; }
    return node;
  }

  function showFindings(findings) {
    if (!list("ed-findings", findings, function (f) {
      return li(f.severity + ": " + f.check + ": " + f.message, f.severity);
    })) { $("ed-findings").appendChild(li("no problems", "ok")); }
  }

  function insertAtCursor(text) {
    var area = $("ed-text");
    var start = area.selectionStart, end = area.selectionEnd;
    area.value = area.value.slice(0, start) + text + area.value.slice(end);
    area.selectionStart = area.selectionEnd = start + text.length;
    area.focus();
    scheduleCheck();
  }

  function show(d, keepText) {
    $("panel-empty").hidden = true;
    $("editor").hidden = false;
    $("ed-conflict").hidden = true;
    var badge = $("ed-state");
    badge.textContent = d.state;
    badge.className = "badge " + d.state;
    $("ed-where").textContent = d.where + (d.kind ? " · " + d.kind : "");
    $("ed-why").textContent = d.why;
    var source = $("ed-source");
    source.textContent = "";
    if (d.diff.length === 0) { source.textContent = d.msgid; }
    d.diff.forEach(function (change) {  // the source, with what changed since the last approval marked
      var node = document.createElement(change[0] === "delete" ? "del" : change[0] === "insert" ? "ins" : "span");
      node.textContent = change[1];
      source.appendChild(node);
      source.appendChild(document.createTextNode(" "));
    });
    $("ed-source-label").textContent = d.diff.length ? "Source, changed since the last approval" : "Source";
    $("ed-query").hidden = d.state !== "query";
    $("ed-query-note").textContent = d.query;
    $("ed-text").value = keepText !== undefined ? keepText : d.msgstr;
    $("ed-text").disabled = d.plural;
    $("ed-accept").disabled = d.state === "query" || d.plural;
    $("ed-save").disabled = d.plural;
    $("ed-reopen").hidden = d.state !== "approved";
    $("ed-resolve").hidden = d.state !== "query";
    $("ed-raise").hidden = d.state === "query";
    $("ed-note").hidden = d.state === "query";
    $("ed-revert").hidden = !d.origin;
    $("ed-terms-box").hidden = !list("ed-terms", d.terms, function (t) {
      var node = li("", t.present ? "ok" : "missing");
      var source = document.createElement("span");
      source.textContent = t.source + " → ";
      var button = document.createElement("button");
      button.type = "button";
      button.className = "term";
      button.textContent = t.required;
      button.title = "insert at the cursor";
      button.addEventListener("click", function () { insertAtCursor(t.required); });
      var mark = document.createElement("span");
      mark.className = "mark";
      mark.textContent = t.present ? "✓ present" : "missing";
      node.appendChild(source); node.appendChild(button); node.appendChild(mark);
      return node;
    });
    $("ed-memory-box").hidden = !list("ed-memory", d.memory, function (m) {
      var node = li("", "");
      var button = document.createElement("button");
      button.type = "button";
      button.className = "suggestion";
      button.textContent = m.text;
      button.title = "use this translation";
      button.addEventListener("click", function () { $("ed-text").value = m.text; scheduleCheck(); });
      var score = document.createElement("span");
      score.className = "score";
      score.textContent = m.score + "% · " + m.origin;
      node.appendChild(score); node.appendChild(button);
      return node;
    });
    list("ed-comments", d.comments, function (c) { return li(c, ""); });
    showFindings(d.findings);
    if (keepText !== undefined) { scheduleCheck(); }
  }

  function status(text, kind) {
    var node = $("ed-status");
    node.textContent = text;
    node.className = "status " + (kind || "");
  }

  function updateProgress(counts) {
    var bar = document.querySelector("#progress progress");
    bar.max = counts.translated + counts.fuzzy + counts.untranslated + counts.query || 1;
    bar.value = counts.translated;
    document.querySelector("#progress .pct").textContent = Math.round(100 * counts.translated / bar.max) + "%";
  }

  function decide(action, then) {
    if (current === null) { return; }
    var e = entries[current];
    var text = $("ed-text").value;
    sessionStorage.setItem(DRAFTS, JSON.stringify({ key: e.key, text: text }));
    post("decide", { key: e.key, action: action, text: text, note: $("ed-note").value, version: version })
      .then(function (r) {
        if (r.status === 409) { conflict(r.json); return; }
        if (r.json.error) { status(r.json.error, "bad"); return; }
        sessionStorage.removeItem(DRAFTS);
        version = r.json.version;
        e.state = r.json.state;
        e.severity = r.json.findings.some(function (f) { return f.severity === "error"; }) ? "error"
          : r.json.findings.length ? "warning" : "";
        e.checks = r.json.findings.map(function (f) { return f.check; });
        e.text = r.json.msgid + "\n" + r.json.msgstr;
        markSegment(e, r.json.html);
        updateProgress(r.json.counts);
        $("ed-note").value = "";
        detail = r.json;
        show(r.json);
        status(({ accept: "Accepted.", save: "Saved (not accepted yet).", reopen: "Reopened: it waits for review.",
          query: "Query raised: the entry is held until it is resolved.", resolve: "Query resolved." })[action], "good");
        applyFilters();
        if (then) { then(); }
      });
  }

  function conflict(json) {
    $("ed-conflict").hidden = false;
    $("ed-conflict-message").textContent = json.conflict;
    $("ed-mine").textContent = json.mine;
    $("ed-theirs").textContent = json.theirs === null ? "(the entry is no longer in the catalog)"
      : (json.theirs || "(empty)") + " [" + json.theirs_state + "]";
    status("Not saved: the catalog changed on disk.", "bad");
  }

  function nextNeedingAttention() {
    var i = neighbour(1, needsAttention);
    if (i === null) { status("Accepted. Nothing further needs attention in this filter.", "good"); return; }
    open(i);
  }

  // --- wiring ---------------------------------------------------------------------------------
  function scheduleCheck() {
    if (current === null) { return; }
    clearTimeout(checkTimer);
    var key = entries[current].key;
    checkTimer = setTimeout(function () {
      post("check", { key: key, text: $("ed-text").value }).then(function (r) {
        if (r.json.findings && current !== null && entries[current].key === key) { showFindings(r.json.findings); }
      });
    }, 250);
  }

  document.getElementById("article").addEventListener("click", function (event) {
    var seg = event.target.closest("[data-i]");
    if (seg) { open(Number(seg.getAttribute("data-i"))); }
  });
  document.getElementById("article").addEventListener("keydown", function (event) {
    var seg = event.target.closest("[data-i]");
    if (seg && (event.key === "Enter" || event.key === " ")) {
      event.preventDefault();
      open(Number(seg.getAttribute("data-i")));
    }
  });
  ["filter-state", "filter-check", "filter-severity"].forEach(function (id) {
    $(id).addEventListener("change", applyFilters);
  });
  $("filter-text").addEventListener("input", applyFilters);
  $("ed-text").addEventListener("input", scheduleCheck);
  $("ed-accept").addEventListener("click", function () { decide("accept"); });
  $("ed-save").addEventListener("click", function () { decide("save"); });
  $("ed-reopen").addEventListener("click", function () { decide("reopen"); });
  $("ed-raise").addEventListener("click", function () {
    if (!$("ed-note").value.trim()) { status("Write the question for the editor first.", "bad"); $("ed-note").focus(); return; }
    decide("query");
  });
  $("ed-resolve").addEventListener("click", function () { decide("resolve"); });
  $("ed-revert").addEventListener("click", function () { $("ed-text").value = detail.origin; scheduleCheck(); });
  $("ed-close").addEventListener("click", function () {
    $("editor").hidden = true; $("panel-empty").hidden = false; current = null;
  });
  $("ed-reload").addEventListener("click", function () {
    sessionStorage.setItem(DRAFTS, JSON.stringify({ key: entries[current].key, text: $("ed-text").value }));
    location.reload();
  });
  $("editor").addEventListener("submit", function (event) { event.preventDefault(); });
  document.addEventListener("keydown", function (event) {
    if ((event.ctrlKey || event.metaKey) && event.key === "Enter") {
      event.preventDefault();
      if (current !== null && !$("ed-accept").disabled) { decide("accept", nextNeedingAttention); }
    } else if ((event.ctrlKey || event.metaKey) && (event.key === "s" || event.key === "S")) {
      event.preventDefault();
      if (current !== null) { decide("save"); }
    } else if (event.altKey && (event.key === "ArrowDown" || event.key === "ArrowUp")) {
      event.preventDefault();
      var i = neighbour(event.key === "ArrowDown" ? 1 : -1);
      if (i !== null) { open(i); }
    } else if (event.key === "Escape" && current !== null) {
      $("ed-close").click();
    }
  });

  applyFilters();
  // A draft kept by a conflict or an interrupted save comes back into the editor.
  var draft = JSON.parse(sessionStorage.getItem(DRAFTS) || "null");
  if (draft) {
    var found = entries.filter(function (e) { return e.key === draft.key; })[0];
    if (found) {
      open(found.i, draft.text).then(function () {
        status("Your unsaved text is back in the editor; the catalog shows the version on disk.", "bad");
      });
    }
  }
})();
