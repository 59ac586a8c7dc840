/* The reader's site of speechlm-bib: search, filters, sorting and copying, offline.
   The page carries its data (#data: one item per card, in list order); the filter state
   lives in the URL's query so that a view can be shared. */
(function () {
  "use strict";

  const data = JSON.parse(document.getElementById("data").textContent);
  const form = document.getElementById("filters");
  const count = document.getElementById("count");
  const sorted = document.getElementById("sorted");
  const none = document.getElementById("none");
  const announce = document.getElementById("announce");
  const fields = ["q", "section", "kind", "venue", "from", "to", "sort"];
  const control = {};
  fields.forEach(function (name) { control[name] = document.getElementById(name); });

  const cards = data.map(function (item) { return document.getElementById(item.id); });
  const visible = cards.map(function () { return true; });
  const parts = Array.from(document.querySelectorAll("section.section[id]")).filter(function (el) {
    return el.querySelector("ol.cards");
  }).map(function (el) {
    return { id: el.id, el: el, list: el.querySelector("ol.cards"), n: el.querySelector(".n"),
             total: 0, shown: -1 };
  });
  const partOf = {};
  parts.forEach(function (part, index) { partOf[part.id] = index; });
  const sectionIndex = data.map(function (item) {
    const index = partOf[item.section];
    parts[index].total += 1;
    return index;
  });
  const groups = Array.from(document.querySelectorAll(".group")).map(function (el) {
    return { el: el, parts: parts.filter(function (part) { return el.contains(part.el); }) };
  });
  let arranged = "";

  function fold(text) {
    return text.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();
  }

  function year(value) {
    const number = parseInt(value, 10);
    return Number.isFinite(number) ? number : null;
  }

  function readState() {
    const state = {};
    fields.forEach(function (name) { state[name] = control[name].value.trim(); });
    state.terms = fold(state.q).split(/\s+/).filter(Boolean);
    state.low = year(state.from);
    state.high = year(state.to);
    return state;
  }

  function matches(item, state) {
    if (state.section && item.section !== state.section) return false;
    if (state.kind && item.kind !== state.kind) return false;
    if (state.venue && item.venue !== state.venue) return false;
    if (state.low !== null && !(item.year >= state.low)) return false;
    if (state.high !== null && !(item.year <= state.high)) return false;
    for (let t = 0; t < state.terms.length; t++) {
      if (item.text.indexOf(state.terms[t]) < 0) return false;
    }
    return true;
  }

  function order(sort) {
    const indexes = data.map(function (_, index) { return index; });
    const key = sort === "year" ? function (i) { return data[i].year || 0; }
      : function (i) { return data[i].added || ""; };
    indexes.sort(function (a, b) {
      const ka = key(a);
      const kb = key(b);
      return ka < kb ? 1 : ka > kb ? -1 : a - b;
    });
    return indexes;
  }

  function arrange(sort) {
    if (sort === arranged) return;
    if (sort) {
      const fragment = document.createDocumentFragment();
      order(sort).forEach(function (index) { fragment.appendChild(cards[index]); });
      sorted.appendChild(fragment);
    } else {
      parts.forEach(function (part) {
        const fragment = document.createDocumentFragment();
        cards.forEach(function (card, index) {
          if (sectionIndex[index] === partOf[part.id]) fragment.appendChild(card);
        });
        part.list.appendChild(fragment);
      });
    }
    sorted.hidden = !sort;
    parts.forEach(function (part) { part.shown = -1; });
    arranged = sort;
  }

  function showSections(shown, flat) {
    parts.forEach(function (part, index) {
      const number = flat ? 0 : shown[index];
      if (number === part.shown) return;
      part.shown = number;
      part.el.hidden = number === 0;
      part.n.textContent = number === part.total ? "(" + part.total + ")"
        : "(" + number + " of " + part.total + ")";
    });
    groups.forEach(function (group) {
      group.el.hidden = group.parts.every(function (part) { return part.el.hidden; });
    });
  }

  function apply(state) {
    arrange(state.sort);
    const shown = parts.map(function () { return 0; });
    let total = 0;
    for (let i = 0; i < data.length; i++) {
      const ok = matches(data[i], state);
      if (ok !== visible[i]) {
        cards[i].hidden = !ok;
        visible[i] = ok;
      }
      if (ok) {
        total += 1;
        shown[sectionIndex[i]] += 1;
      }
    }
    showSections(shown, Boolean(state.sort));
    const text = total === data.length ? data.length + " works"
      : "Showing " + total + " of " + data.length + " works";
    if (count.textContent !== text) count.textContent = text;
    none.hidden = total !== 0;
  }

  function writeUrl(state) {
    const params = new URLSearchParams();
    fields.forEach(function (name) { if (state[name]) params.set(name, state[name]); });
    const query = params.toString();
    const url = (query ? "?" + query : location.pathname) + location.hash;
    history.replaceState(null, "", url);
  }

  function readUrl() {
    const params = new URLSearchParams(location.search);
    fields.forEach(function (name) {
      if (params.has(name)) control[name].value = params.get(name);
    });
  }

  function update() {
    const state = readState();
    apply(state);
    writeUrl(state);
  }

  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text).catch(function () { return copyBySelection(text); });
    }
    return copyBySelection(text);
  }

  function copyBySelection(text) {
    const area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.className = "sr";
    document.body.appendChild(area);
    area.select();
    const done = document.execCommand("copy");
    area.remove();
    return done ? Promise.resolve() : Promise.reject(new Error("copy refused"));
  }

  function copied(button, what) {
    const label = button.textContent;
    button.textContent = "Copied";
    announce.textContent = "Copied " + what;
    setTimeout(function () { button.textContent = label; }, 2000);
  }

  function sourceOf(button) {
    const kind = button.getAttribute("data-copy");
    if (kind === "cite") return document.getElementById("cite-bib");
    const card = button.closest(".card");
    return card.querySelector(kind === "key" ? "code" : "pre.bib");
  }

  document.addEventListener("click", function (event) {
    const button = event.target.closest("button[data-copy]");
    if (!button) return;
    const source = sourceOf(button);
    const what = button.getAttribute("aria-label").replace(/^Copy /, "");
    copyText(source.textContent).then(function () { copied(button, what); }, function () {
      announce.textContent = "Copying was refused: select the text and copy it";
    });
  });

  document.addEventListener("keydown", function (event) {
    const typing = /^(INPUT|SELECT|TEXTAREA)$/.test(document.activeElement.tagName);
    if (event.key === "/" && !typing && !event.ctrlKey && !event.metaKey && !event.altKey) {
      event.preventDefault();
      control.q.focus();
    }
  });

  form.addEventListener("submit", function (event) { event.preventDefault(); });
  form.addEventListener("input", update);
  form.addEventListener("change", update);
  form.addEventListener("reset", function () { setTimeout(update, 0); });
  document.getElementById("clear-none").addEventListener("click", function () {
    form.reset();
    control.q.focus();
  });

  form.hidden = false;
  readUrl();
  apply(readState());
}());
