/* The reader's site of speechlm-bib: search, filters, sorting and copying, offline.
   The page carries its data (#data: one item per card, in list order); the filter state
   lives in the URL's query so that a view can be shared. A long list keeps only the cards
   on show in the document (a page of them at a time): the others wait outside it. */
(function () {
  "use strict";

  const PAGE = 100;
  const data = JSON.parse(document.getElementById("data").textContent);
  const form = document.getElementById("filters");
  const count = document.getElementById("count");
  const sorted = document.getElementById("sorted");
  const none = document.getElementById("none");
  const more = document.getElementById("more");
  const announce = document.getElementById("announce");
  const fields = ["q", "section", "kind", "venue", "from", "to", "sort"];
  const control = {};
  fields.forEach(function (name) { control[name] = document.getElementById(name); });

  const cards = data.map(function (item) { return document.getElementById(item.id); });
  const parts = Array.from(document.querySelectorAll("section.section")).map(function (el) {
    return { id: el.dataset.section, el: el, list: el.querySelector("ol.cards"),
             n: el.querySelector(".n"),
             total: 0, shown: [], text: "" };
  });
  const partOf = {};
  parts.forEach(function (part, index) { partOf[part.id] = index; });
  const sectionOf = data.map(function (item) {
    const index = partOf[item.section];
    parts[index].total += 1;
    return index;
  });
  const groups = Array.from(document.querySelectorAll(".group")).map(function (el) {
    return { el: el, parts: parts.filter(function (part) { return el.contains(part.el); }) };
  });
  const listOrder = data.map(function (_, index) { return index; });
  const orders = { "": listOrder };
  let flatShown = [];
  let limit = PAGE;
  let lastState = "";
  let urlTimer = 0;

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
    if (!(sort in orders)) {
      const key = sort === "year" ? function (i) { return data[i].year || 0; }
        : function (i) { return data[i].added || ""; };
      orders[sort] = listOrder.slice().sort(function (a, b) {
        const ka = key(a);
        const kb = key(b);
        return ka < kb ? 1 : ka > kb ? -1 : a - b;
      });
    }
    return orders[sort];
  }

  function sameList(a, b) {
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
  }

  // Put the shown cards in a list, in order, moving only the cards that change.
  function fill(list, shown, previous) {
    if (sameList(shown, previous)) return previous;
    const keep = new Set(shown);
    previous.forEach(function (index) {
      if (!keep.has(index) && cards[index].parentNode === list) cards[index].remove();
    });
    let next = null;
    for (let k = shown.length - 1; k >= 0; k--) {
      const card = cards[shown[k]];
      if (card.parentNode !== list || card.nextElementSibling !== next) {
        list.insertBefore(card, next);
      }
      next = card;
    }
    return shown;
  }

  function select(state) {
    const picked = [];
    const matched = parts.map(function () { return 0; });
    let total = 0;
    const indexes = order(state.sort);
    for (let k = 0; k < indexes.length; k++) {
      const i = indexes[k];
      if (!matches(data[i], state)) continue;
      total += 1;
      matched[sectionOf[i]] += 1;
      if (picked.length < limit) picked.push(i);
    }
    return { picked: picked, matched: matched, total: total };
  }

  function showSections(picked, matched, flat) {
    const bySection = parts.map(function () { return []; });
    if (!flat) picked.forEach(function (i) { bySection[sectionOf[i]].push(i); });
    parts.forEach(function (part, index) {
      part.shown = fill(part.list, bySection[index], part.shown);
      part.el.hidden = bySection[index].length === 0;
      const text = matched[index] === part.total ? "(" + part.total + ")"
        : "(" + matched[index] + " of " + part.total + ")";
      if (text !== part.text) part.n.textContent = part.text = text;
    });
    flatShown = fill(sorted, flat ? picked : [], flatShown);
    sorted.hidden = !flat;
    groups.forEach(function (group) {
      group.el.hidden = group.parts.every(function (part) { return part.el.hidden; });
    });
  }

  function showCount(total) {
    let text = total === data.length ? data.length + " works"
      : "Showing " + total + " of " + data.length + " works";
    if (total > limit) {
      text = (total === data.length ? total + " works"
        : total + " of " + data.length + " works match") + "; showing the first " + limit;
    }
    if (count.textContent !== text) count.textContent = text;
    none.hidden = total !== 0;
    more.hidden = total <= limit;
    more.textContent = "Show " + Math.min(PAGE, total - limit) + " more";
  }

  function apply(state) {
    const key = JSON.stringify(state);
    if (key !== lastState) limit = PAGE;
    lastState = key;
    const chosen = select(state);
    showSections(chosen.picked, chosen.matched, Boolean(state.sort));
    showCount(chosen.total);
    return chosen.picked;
  }

  function writeUrl(state) {
    const params = new URLSearchParams();
    fields.forEach(function (name) { if (state[name]) params.set(name, state[name]); });
    const query = params.toString();
    history.replaceState(null, "", (query ? "?" + query : location.pathname) + location.hash);
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
    // Changing the address costs more than filtering: once typing pauses, not per keystroke.
    clearTimeout(urlTimer);
    urlTimer = setTimeout(function () { writeUrl(state); }, 250);
  }

  function showMore() {
    const before = select(readState()).picked.length;
    limit += PAGE;
    const picked = apply(readState());
    const first = picked[before] === undefined ? null : cards[picked[before]];
    const target = first && first.querySelector("a, button");
    if (target) target.focus();
  }

  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text).catch(function () {
        return copyBySelection(text);
      });
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

  function sourceOf(button) {
    const kind = button.getAttribute("data-copy");
    if (kind === "cite") return document.getElementById("cite-bib");
    return button.closest(".card").querySelector(kind === "key" ? "code" : "pre.bib");
  }

  function copied(button, what) {
    const label = button.textContent;
    button.textContent = "Copied";
    announce.textContent = "Copied " + what;
    setTimeout(function () { button.textContent = label; }, 2000);
  }

  document.addEventListener("click", function (event) {
    const button = event.target.closest("button[data-copy]");
    if (!button) return;
    const what = button.getAttribute("aria-label").replace(/^Copy /, "");
    copyText(sourceOf(button).textContent).then(function () { copied(button, what); },
      function () { announce.textContent = "Copying was refused: select the text and copy it"; });
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
  more.addEventListener("click", showMore);
  document.getElementById("clear-none").addEventListener("click", function () {
    form.reset();
    control.q.focus();
  });

  parts.forEach(function (part) {
    part.shown = listOrder.filter(function (i) { return sectionOf[i] === partOf[part.id]; });
  });
  form.hidden = false;
  readUrl();
  apply(readState());
}());
