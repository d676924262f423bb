// The post form's tags as chips: each tag a chip with a remove button, a box to type a new one
// (Enter or comma adds it) with existing tags suggested as you type (a <datalist> filled from
// the tag-suggestions view). The real field stays in the form, hidden, as taggit's text:
// names with a space or comma in double quotes, separated by commas.
"use strict";
{
  const DELAY_MS = 150;

  const parse = (value) => {
    const names = [];
    // Django's "a, \"b c\"": the space after a comma is skipped, or a quoted name that follows
    // one came back with its quotes as part of it (after any form error, on every change page).
    const pattern = /\s*(?:"([^"]*)"|([^,]+))/g;
    for (const match of value.matchAll(pattern)) {
      const name = (match[1] ?? match[2]).trim();
      if (name) names.push(name);
    }
    return names;
  };

  const quote = (name) => (/[\s,]/.test(name) ? `"${name.replaceAll('"', "")}"` : name);

  const attach = (field) => {
    let names = parse(field.value);
    const box = document.createElement("div");
    box.className = "tag-chips";
    const chips = document.createElement("ul");
    chips.className = "tag-chip-list";
    const entry = document.createElement("input");
    Object.assign(entry, { type: "text", className: "tag-entry", autocomplete: "off" });
    entry.id = `${field.id}-entry`;
    entry.placeholder = "Add a tag";
    entry.setAttribute("aria-label", "Add a tag");
    const list = document.createElement("datalist");
    list.id = `${field.id}-suggestions`;
    entry.setAttribute("list", list.id);
    box.append(chips, entry, list);
    field.type = "hidden";
    field.after(box);

    const render = () => {
      field.value = names.map(quote).join(", ");
      chips.replaceChildren(...names.map((name) => {
        const chip = document.createElement("li");
        chip.className = "tag-chip";
        const remove = document.createElement("button");
        Object.assign(remove, { type: "button", className: "tag-chip-remove", textContent: "×" });
        remove.setAttribute("aria-label", `Remove tag ${name}`);
        remove.addEventListener("click", () => {
          names = names.filter((other) => other !== name);
          render();
          entry.focus();
        });
        chip.append(name, remove);
        return chip;
      }));
    };

    const add = (text) => {
      for (const name of text.split(",").map((part) => part.trim().replaceAll('"', ""))) {
        if (name && !names.some((other) => other.toLowerCase() === name.toLowerCase())) {
          names.push(name);
        }
      }
      entry.value = "";
      list.replaceChildren();
      render();
    };

    let timer = null;
    let pending = null;
    const suggest = async () => {
      const term = entry.value.trim();
      pending?.abort();
      if (!term) return list.replaceChildren();
      pending = new AbortController();
      const url = new URL(field.dataset.suggestUrl, window.location.href);
      url.searchParams.set("q", term);
      try {
        const response = await fetch(url, { signal: pending.signal, credentials: "same-origin" });
        if (!response.ok) return;
        const chosen = new Set(names.map((name) => name.toLowerCase()));
        const fresh = (await response.json()).tags.filter((n) => !chosen.has(n.toLowerCase()));
        list.replaceChildren(...fresh.map((name) => new Option(name, name)));
      } catch {
        // aborted by newer typing, or offline: no suggestions is fine
      }
    };

    entry.addEventListener("input", (event) => {
      // A suggestion picked from the list arrives whole, without a key press.
      const picked = !event.inputType || event.inputType === "insertReplacementText";
      if (picked && [...list.options].some((option) => option.value === entry.value)) {
        return add(entry.value);
      }
      if (entry.value.includes(",")) return add(entry.value);
      clearTimeout(timer);
      timer = setTimeout(suggest, DELAY_MS);
    });
    entry.addEventListener("keydown", (event) => {
      if (event.key === "Enter") {
        event.preventDefault(); // a tag, not the post form's submit
        add(entry.value);
      } else if (event.key === "Backspace" && !entry.value && names.length) {
        names.pop();
        render();
      }
    });
    entry.addEventListener("blur", () => add(entry.value));
    render();
  };

  const start = () => {
    for (const field of document.querySelectorAll("input.tag-autocomplete[data-suggest-url]")) {
      attach(field);
    }
  };

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
}
