// Tether dashboard: live updates, countdowns, keyboard shortcuts and the JSON editor's checks.
// Our own code, no dependencies. Every change still goes through a server-rendered form with its CSRF token.
(function () {
  "use strict";

  // -- countdowns ------------------------------------------------------------------------------------------
  function fmt(seconds) {
    var d = Math.floor(seconds / 86400), h = Math.floor((seconds % 86400) / 3600);
    var m = Math.floor((seconds % 3600) / 60), s = Math.floor(seconds % 60);
    if (d) return d + "d " + h + "h";
    if (h) return h + "h " + m + "m";
    if (m) return m + "m " + s + "s";
    return s + "s";
  }
  function tick() {
    var now = Date.now();
    document.querySelectorAll("[data-deadline]").forEach(function (el) {
      var left = (Date.parse(el.getAttribute("data-deadline")) - now) / 1000;
      if (left > 0) { el.textContent = fmt(left) + " left"; return; }
      el.textContent = el.getAttribute("data-ended") || "ended";
      el.classList.add("ended");
      var holder = el.closest("[data-id]");
      if (holder) holder.querySelectorAll("form.undo button").forEach(function (b) { b.disabled = true; });
    });
  }

  // -- the JSON editor: same names and types as the proposal ---------------------------------------------
  function kind(v) {
    if (v === null) return "null";
    if (Array.isArray(v)) return "list";
    if (typeof v === "number") return "number";
    if (typeof v === "object") return "object";
    return typeof v;
  }
  function problem(text, originalText) {
    var edited, original;
    try { edited = JSON.parse(text); } catch (e) { return "not valid JSON: " + e.message; }
    try { original = JSON.parse(originalText); } catch (e) { return ""; }
    if (kind(edited) !== "object") return "the arguments must be a JSON object";
    for (var k in original) if (!(k in edited)) return "argument \u201c" + k + "\u201d is missing";
    for (var j in edited) {
      if (!(j in original)) return "argument \u201c" + j + "\u201d was not in the call";
      if (original[j] !== null && kind(edited[j]) !== kind(original[j])) return "\u201c" + j + "\u201d must stay a " + kind(original[j]);
    }
    return "";
  }
  function checkEditor(area) {
    var msg = problem(area.value, area.getAttribute("data-original") || "{}");
    area.classList.toggle("invalid", !!msg);
    var form = area.closest("form");
    var status = form.querySelector(".editor-status");
    if (status) status.textContent = msg;
    form.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = !!msg; });
  }
  document.addEventListener("input", function (e) {
    if (e.target.classList && e.target.classList.contains("json-editor")) checkEditor(e.target);
  });

  // -- inbox selection and keys ----------------------------------------------------------------------------
  var selectedId = null;
  function cards() { return Array.prototype.slice.call(document.querySelectorAll("#inbox .card")); }
  function notice(text) {
    var box = document.getElementById("inbox-notice");
    if (box) box.textContent = text;
  }
  function select(card) {
    if (card) notice("");
    cards().forEach(function (c) { c.classList.remove("selected"); });
    if (!card) { selectedId = null; return; }
    card.classList.add("selected");
    selectedId = card.getAttribute("data-id");
    card.scrollIntoView({ block: "nearest" });
  }
  function current() {
    var list = cards();
    for (var i = 0; i < list.length; i++) if (list[i].getAttribute("data-id") === selectedId) return list[i];
    return null;
  }
  function typing(target) {
    return target && (target.tagName === "INPUT" || target.tagName === "TEXTAREA" || target.tagName === "SELECT" || target.isContentEditable);
  }
  function openAndFocus(card, selector, field) {
    var details = card.querySelector(selector);
    if (!details) return;
    details.open = true;
    var input = details.querySelector(field);
    if (input) input.focus();
  }
  document.addEventListener("keydown", function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey || typing(e.target) || !document.getElementById("inbox")) return;
    var list = cards(), card = current(), index = list.indexOf(card);
    if (e.key === "j" || e.key === "k") {
      var next = e.key === "j" ? Math.min(index + 1, list.length - 1) : Math.max(index - 1, 0);
      select(list[next] || list[0]);
    } else if (!card) {
      return;
    } else if (e.key === "a") {
      var approve = card.querySelector("form.approve");
      if (approve) approve.requestSubmit();
    } else if (e.key === "r") {
      openAndFocus(card, "details.reject", "textarea");
    } else if (e.key === "e") {
      openAndFocus(card, "details.edit", "textarea");
    } else {
      return;
    }
    e.preventDefault();
  });
  document.addEventListener("click", function (e) {
    var card = e.target.closest && e.target.closest("#inbox .card");
    if (card) select(card);
  });

  // -- live updates ------------------------------------------------------------------------------------------
  var stale = false;
  function busy() {
    var box = document.getElementById("inbox");
    var active = document.activeElement;
    return box && active && box.contains(active) && typing(active) ||
      (box && box.querySelector("details[open]"));
  }
  function refreshInbox() {
    var box = document.getElementById("inbox");
    if (!box) return;
    if (busy()) { stale = true; return; }  // never wipe what a reviewer is typing
    stale = false;
    fetch(box.getAttribute("data-refresh"), { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (r) {
        // A session that ended is answered with a redirect to the login page, which fetch follows (200): check
        // that first, or the login page would be pasted into the inbox. Reloading shows it as a page.
        if (r.redirected || r.status === 401) { location.reload(); return undefined; }
        return r.ok ? r.text() : undefined;
      })
      .then(function (html) {
        if (html === undefined) return;
        var had = selectedId;
        box.innerHTML = html;
        var still = current();
        if (still) {
          select(still);
        } else if (had === null) {
          select(cards()[0] || null);
        } else {
          // The card the reviewer was looking at was decided elsewhere. Selecting the next one for them would let
          // a keypress meant for the first ("a") approve an item they never looked at: select nothing, and say so.
          select(null);
          notice("The item you had selected was decided by someone else. Press j to select the next one.");
        }
        tick();
      })
      .catch(function () { stale = true; });
  }
  document.addEventListener("focusout", function () { if (stale) setTimeout(refreshInbox, 50); });
  document.addEventListener("toggle", function () { if (stale) setTimeout(refreshInbox, 50); }, true);
  function connect() {
    if (!window.EventSource || !document.getElementById("inbox")) return;
    var source = new EventSource("/live");
    source.addEventListener("changed", function () { refreshInbox(); });
    source.onerror = function () {
      // The browser reconnects by itself, unless the server refused the stream (the session ended: logged out
      // here or in another tab, or its token revoked). Then a refresh finds out, and shows the login page.
      if (source.readyState === EventSource.CLOSED) refreshInbox();
    };
  }

  document.addEventListener("DOMContentLoaded", function () {
    tick();
    setInterval(tick, 1000);
    document.querySelectorAll(".json-editor").forEach(checkEditor);
    // Filter times typed without a zone are the reviewer's local time: tell the server the browser's offset.
    document.querySelectorAll("input.browser-tz").forEach(function (el) { el.value = String(-new Date().getTimezoneOffset()); });
    if (document.getElementById("inbox")) select(cards()[0] || null);
    connect();
  });
})();
