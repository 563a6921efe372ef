// Wegweiser chat widget. Put on a page:
//   <script src="{{ url_for('widget') }}" data-city="krefeld" data-lang="de" defer></script>
// It adds a button that opens the chat in a frame served by Wegweiser (no cookies, no tracking).
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || document.getElementById("wegweiser-widget")) { return; }
  var origin = new URL(script.src).origin;
  var city = script.getAttribute("data-city") || "";
  var lang = script.getAttribute("data-lang") || (document.documentElement.lang || "").slice(0, 2);
  var query = "?embedded=1" + (city ? "&city=" + encodeURIComponent(city) : "") +
    (lang ? "&lang=" + encodeURIComponent(lang) : "");

  var root = document.createElement("div");
  root.id = "wegweiser-widget";
  var button = document.createElement("button");
  button.type = "button";
  button.textContent = "💬 Wegweiser";
  button.setAttribute("aria-expanded", "false");
  button.setAttribute("aria-controls", "wegweiser-frame");
  button.style.cssText = "position:fixed;bottom:1rem;right:1rem;z-index:2147483646;font:600 1rem/1.2 system-ui,sans-serif;" +
    "padding:.8rem 1.1rem;border-radius:2rem;border:2px solid #fff;background:#0b5394;color:#fff;cursor:pointer;box-shadow:0 2px 8px rgba(0,0,0,.35)";
  var frame = document.createElement("iframe");
  frame.id = "wegweiser-frame";
  frame.title = "Wegweiser chat";
  frame.hidden = true;
  frame.style.cssText = "position:fixed;bottom:4.5rem;right:1rem;z-index:2147483647;width:min(26rem,calc(100vw - 2rem));" +
    "height:min(40rem,calc(100vh - 6rem));border:1px solid #555;border-radius:.75rem;background:#fff;box-shadow:0 4px 16px rgba(0,0,0,.35)";
  button.addEventListener("click", function () {
    if (!frame.src) { frame.src = origin + "/chat" + query; }
    frame.hidden = !frame.hidden;
    button.setAttribute("aria-expanded", String(!frame.hidden));
    if (!frame.hidden) { frame.focus(); }
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && !frame.hidden) { frame.hidden = true; button.setAttribute("aria-expanded", "false"); button.focus(); }
  });
  root.appendChild(frame);
  root.appendChild(button);
  document.body.appendChild(root);
})();
