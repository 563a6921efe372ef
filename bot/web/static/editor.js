/* Wegweiser editor workspace: live checks and preview while an editor types.
   The form works without this script (the "check" button does the same on the server). */
(function () {
  "use strict";
  var form = document.getElementById("edit-form");
  if (!form || !window.fetch) { return; }
  var summary = document.getElementById("check-summary");
  var frame = document.getElementById("preview");
  var timer = null;
  var sequence = 0;

  function showProblems(name, problems) {
    var list = document.getElementById("problems-" + name);
    if (!list) { return; }
    list.textContent = "";
    (problems || []).forEach(function (problem) {
      var item = document.createElement("li");
      item.className = problem.error ? "field-error" : "field-warning";
      item.textContent = (problem.error ? "Fehler: " : "Hinweis: ") + problem.message;
      list.appendChild(item);
    });
    var field = document.getElementById(name);
    if (field) {
      var hasError = (problems || []).some(function (p) { return p.error; });
      if (hasError) { field.setAttribute("aria-invalid", "true"); } else { field.removeAttribute("aria-invalid"); }
    }
  }

  function say(text) {
    if (summary.textContent !== text) { summary.textContent = text; }  // no repeated announcements
  }

  function check() {
    var mine = ++sequence;
    var data = new FormData(form);
    data.delete("action");
    fetch(form.getAttribute("data-check-url"), { method: "POST", body: data, credentials: "same-origin" })
      .then(function (response) {
        if (mine !== sequence) { return null; }
        if (response.redirected || response.status === 403) {
          say("Ihre Anmeldung ist abgelaufen. Bitte kopieren Sie Ihren Text, melden Sie sich neu an und fügen Sie ihn wieder ein.");
          return null;
        }
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.json();
      })
      .then(function (result) {
        if (!result || mine !== sequence) { return; }
        ["general", "title", "answer", "questions"].forEach(function (name) {
          showProblems(name, result.problems[name]);
        });
        var text = result.errors ? result.errors + " Fehler" : "Keine Fehler";
        if (result.warnings) { text += ", " + result.warnings + (result.warnings === 1 ? " Hinweis" : " Hinweise"); }
        say(text + ".");
        if (frame) { frame.srcdoc = result.preview; }
      })
      .catch(function () {
        if (mine === sequence) { say("Die Prüfung ist gerade nicht erreichbar; beim Speichern wird trotzdem geprüft."); }
      });
  }

  // One save at a time: a second click would otherwise look like someone else's change.
  form.addEventListener("submit", function (event) {
    if (form.getAttribute("data-sending") === "1") { event.preventDefault(); return; }
    form.setAttribute("data-sending", "1");
  });
  window.addEventListener("pageshow", function () { form.removeAttribute("data-sending"); });

  // The preview frame takes the height of the reply it shows (no scrolling inside it).
  function fitPreview() {
    try {
      var height = frame.contentDocument.documentElement.scrollHeight;
      if (height > 0) { frame.style.height = (height + 4) + "px"; }
    } catch (error) { /* keep the height from the style sheet */ }
  }
  if (frame) {
    frame.addEventListener("load", fitPreview);
    fitPreview();
  }

  form.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(check, 500);
  });
}());
