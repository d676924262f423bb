// Suggests existing tags for the last comma-separated term of the post form's tags field.
// Each suggestion is a <datalist> option holding the whole field value with that term
// completed, so the browser's own list does the showing and choosing; no library needed.
"use strict";
{
  const DELAY_MS = 150;

  // "Iran, John Kerry, hez" -> {head: "Iran, John Kerry, ", term: "hez"}
  const split = (value) => {
    const cut = value.lastIndexOf(",") + 1;
    const rest = value.slice(cut);
    const space = rest.match(/^\s*/)[0];
    return { head: value.slice(0, cut) + space, term: rest.slice(space.length).trim() };
  };

  const unquote = (name) => name.trim().replace(/^"(.*)"$/, "$1").toLowerCase();

  // taggit reads a name with a comma in it only inside double quotes.
  const quote = (name) => (name.includes(",") ? `"${name.replaceAll('"', "")}"` : name);

  const option = (value, label) => {
    const element = document.createElement("option");
    element.value = value;
    element.label = label;
    return element;
  };

  const attach = (input) => {
    const list = document.createElement("datalist");
    list.id = `${input.id || "tags"}-suggestions`;
    input.after(list);
    input.setAttribute("list", list.id);
    let timer = null;
    let pending = null;
    let asked = null;

    const suggest = async () => {
      const { head, term } = split(input.value);
      if (term === asked) return;
      asked = term;
      pending?.abort();
      if (!term) {
        list.replaceChildren();
        return;
      }
      pending = new AbortController();
      const url = new URL(input.dataset.suggestUrl, window.location.href);
      url.searchParams.set("q", term);
      let names;
      try {
        const response = await fetch(url, {
          signal: pending.signal,
          credentials: "same-origin",
          headers: { Accept: "application/json" },
        });
        if (!response.ok) return;
        names = (await response.json()).tags;
      } catch {
        return; // aborted by newer typing, or offline: no suggestions is fine
      }
      const chosen = new Set(head.split(",").map(unquote).filter(Boolean));
      const fresh = names.filter((name) => !chosen.has(name.toLowerCase()));
      list.replaceChildren(...fresh.map((name) => option(`${head}${quote(name)}, `, name)));
    };

    input.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(suggest, DELAY_MS);
    });
  };

  const start = () => {
    for (const input of document.querySelectorAll("input.tag-autocomplete[data-suggest-url]")) {
      attach(input);
    }
  };

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
}
