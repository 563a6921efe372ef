// Wegweiser web chat: sends what the person writes, shows replies as they arrive
// (server-sent events read with fetch, so the chat token travels in a header, never in a URL),
// and keeps the conversation in this browser only.
(function () {
  "use strict";

  var config = JSON.parse(document.getElementById("chat-config").textContent);
  var log = document.getElementById("log");
  var statusLine = document.getElementById("status");
  var form = document.getElementById("composer");
  var input = document.getElementById("message");
  var KEYS = { token: "wegweiser.token", transcript: "wegweiser.transcript", language: "wegweiser.language" };
  var memory = {};
  var seen = {};
  var ackTimer = null;
  var highestShown = 0;
  var forgetting = false;

  function load(key) {
    try { return window.localStorage.getItem(key); } catch (e) { return memory[key] || null; }
  }
  function save(key, value) {
    try { window.localStorage.setItem(key, value); } catch (e) { memory[key] = value; }
  }
  function forget(key) {
    try { window.localStorage.removeItem(key); } catch (e) { delete memory[key]; }
  }
  function transcript() {
    try { return JSON.parse(load(KEYS.transcript) || "[]"); } catch (e) { return []; }
  }
  function remember(item) {
    if (forgetting) { return; }
    var items = transcript();
    items.push(item);
    save(KEYS.transcript, JSON.stringify(items.slice(-200)));
  }

  function label(text) {
    var span = document.createElement("span");
    span.className = "sr-only";
    span.textContent = text + ": ";
    return span;
  }

  function showOwn(text) {
    var article = document.createElement("article");
    article.className = "msg own";
    article.setAttribute("dir", "auto");
    article.appendChild(label(config.texts.you));
    var p = document.createElement("p");
    p.textContent = text;
    article.appendChild(p);
    log.appendChild(article);
    article.scrollIntoView({ block: "end" });
  }

  function showReply(message, live) {
    var article = document.createElement("article");
    article.className = "msg bot" + (message.extra && message.extra.relay ? " relay" : "");
    article.setAttribute("lang", message.language || config.language);
    article.setAttribute("dir", message.rtl ? "rtl" : "ltr");
    article.appendChild(label(config.texts.assistant));
    (message.sections || []).forEach(function (section) {
      var p = document.createElement(section[0] === "quote" ? "blockquote" : "p");
      p.className = "sec sec-" + section[0];
      p.textContent = section[1];
      article.appendChild(p);
    });
    var rows = message.buttons || [];
    if (rows.length && live) {
      var group = document.createElement("div");
      group.className = "buttons";
      group.setAttribute("role", "group");
      rows.forEach(function (row) {
        row.forEach(function (button) {
          var element = document.createElement("button");
          element.type = "button";
          element.textContent = button[0];
          element.addEventListener("click", function () { press(button, group); });
          group.appendChild(element);
        });
      });
      article.appendChild(group);
    }
    log.appendChild(article);
    article.scrollIntoView({ block: "end" });
  }

  function setStatus(text) { statusLine.textContent = text || ""; }

  function request(path, body) {
    return fetch(path, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-Chat-Token": load(KEYS.token) || "" },
      body: JSON.stringify(body),
      credentials: "omit",
    });
  }

  function send(body, ownText) {
    body.language = config.language;
    body.city = config.city;
    return request("/chat/api/send", body).then(function (response) {
      if (response.status === 413) { setStatus(config.texts.tooLong); return false; }
      if (response.status === 401) { return start(true).then(function () { return send(body, ownText); }); }
      if (!response.ok) { throw new Error("status " + response.status); }
      setStatus("");
      return true;
    }).catch(function () {
      setStatus(config.texts.sendingFailed);
      return false;
    });
  }

  function press(button, group) {
    Array.prototype.forEach.call(group.querySelectorAll("button"), function (b) { b.disabled = true; });
    showOwn(button[0]);
    remember({ who: "you", text: button[0] });
    send({ button: button[1] }).then(function (ok) {
      if (!ok) {
        Array.prototype.forEach.call(group.querySelectorAll("button"), function (b) { b.disabled = false; });
        return;
      }
      if (button[1] === "del:yes") {
        forgetting = true;
        forget(KEYS.transcript); forget(KEYS.token); forget(KEYS.language);
      }
      input.focus();
    });
  }

  function acknowledge() {
    ackTimer = null;
    request("/chat/api/ack", { up_to: highestShown }).catch(function () {});
  }

  function received(message) {
    if (seen[message.id]) { return; }
    seen[message.id] = true;
    showReply(message, true);
    remember({ who: "bot", message: message });
    highestShown = Math.max(highestShown, message.id);
    if (!ackTimer) { ackTimer = setTimeout(acknowledge, 300); }
  }

  function listen() {
    var buffer = "";
    fetch("/chat/api/events", { headers: { "X-Chat-Token": load(KEYS.token) || "", "Accept": "text/event-stream" }, credentials: "omit" })
      .then(function (response) {
        if (!response.ok || !response.body) { throw new Error("status " + response.status); }
        setStatus("");
        var reader = response.body.getReader();
        var decoder = new TextDecoder();
        function pump() {
          return reader.read().then(function (chunk) {
            if (chunk.done) { throw new Error("closed"); }
            buffer += decoder.decode(chunk.value, { stream: true });
            var events = buffer.split("\n\n");
            buffer = events.pop();
            events.forEach(function (event) {
              var data = event.split("\n").filter(function (line) { return line.indexOf("data: ") === 0; })
                .map(function (line) { return line.slice(6); }).join("\n");
              if (data) { received(JSON.parse(data)); }
            });
            return pump();
          });
        }
        return pump();
      })
      .catch(function () {
        if (!forgetting) { setStatus(config.texts.connectionLost); }
        setTimeout(listen, 2000);
      });
  }

  function start(fresh) {
    if (fresh) { forget(KEYS.token); forget(KEYS.transcript); log.textContent = ""; }
    return request("/chat/api/start", { token: load(KEYS.token), language: config.language, city: config.city })
      .then(function (response) { return response.json(); })
      .then(function (answer) {
        if (!answer.resumed) { forget(KEYS.transcript); }
        save(KEYS.token, answer.token);
        forgetting = false;
      });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value.trim();
    if (!text) { input.focus(); return; }
    if (text.length > config.maxChars) { setStatus(config.texts.tooLong); return; }
    showOwn(text);
    remember({ who: "you", text: text });
    input.value = "";
    send({ text: text }).then(function (ok) { if (!ok) { input.value = text; } });
    input.focus();
  });
  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
  Array.prototype.forEach.call(document.querySelectorAll("[data-command]"), function (button) {
    button.addEventListener("click", function () {
      showOwn(button.textContent);
      remember({ who: "you", text: button.textContent });
      send({ text: button.getAttribute("data-command") });
    });
  });

  transcript().forEach(function (item) {
    if (item.who === "you") { showOwn(item.text); }
    else { seen[item.message.id] = true; showReply(item.message, false); }
  });
  start(false).then(function () {
    var previous = load(KEYS.language);
    if (previous && previous !== config.language) { send({ button: "lang:" + config.language }); }
    save(KEYS.language, config.language);
    listen();
  }).catch(function () { setStatus(config.texts.connectionLost); setTimeout(function () { start(false).then(listen); }, 3000); });
})();
