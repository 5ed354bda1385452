// Checker's dashboard: follows a submission's grading live (server-sent events) and reloads the
// page when it is done. Without this script the page refreshes itself instead.
(function () {
  "use strict";
  var url = document.body.getAttribute("data-events");
  if (!url || !window.EventSource) return;
  var live = document.getElementById("live");
  var status = document.getElementById("status");
  var note = document.getElementById("live-note");
  var words = {
    passed: "Passed", wrong_output: "Wrong output", nonzero_exit: "Unexpected exit code",
    missing_file: "Missing file", time_limit: "Time limit exceeded",
    memory_limit: "Memory limit exceeded", output_limit: "Output limit exceeded",
    runtime_error: "Runtime error", skipped: "Skipped",
    internal_error: "Platform error (not your fault)"
  };
  var states = {
    queued: "⋯ Queued: waiting for a grader", running: "⋯ Grading now",
    graded: "✓ Graded", failed: "⚠ Could not be graded (a platform fault, not yours)"
  };
  var source = new EventSource(url);
  document.body.setAttribute("data-live", "open");
  function parse(event) {
    try { return JSON.parse(event.data); } catch (e) { return {}; }
  }
  source.addEventListener("status", function (event) {
    var data = parse(event);
    if (status && states[data.status]) status.textContent = states[data.status];
    if (live && data.attempt > 1 && data.status === "running") {
      live.textContent = "";
      seen = {};
    }
  });
  // The stream starts from the first event again when it reconnects: show each check once.
  var seen = {};
  source.addEventListener("check", function (event) {
    var data = parse(event);
    if (!live || !data.check || seen[event.lastEventId]) return;
    seen[event.lastEventId] = true;
    var passed = data.check.verdict === "passed";
    var item = document.createElement("li");
    item.className = passed ? "ok" : "bad";
    item.textContent = (passed ? "✓ " : "✗ ") + (words[data.check.verdict] || data.check.verdict) +
      ": " + data.task_id + " › " + data.check.name;
    live.appendChild(item);
    if (note) note.textContent = "Checks done so far: " + live.children.length + ".";
  });
  source.addEventListener("done", function () {
    source.close();
    document.body.setAttribute("data-live", "done");
    window.location.reload();
  });
  source.onerror = function () {
    if (source.readyState === EventSource.CLOSED) {
      window.setTimeout(function () { window.location.reload(); }, 3000);
    }
  };
})();
