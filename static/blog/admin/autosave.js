// Autosave of the post being written, as WordPress's: a few seconds after a change (at most
// every SAVE_MS while typing goes on) and when the tab is hidden or closed, the form's title,
// excerpt and body are posted to the server (blog.revisions' autosave endpoint), where they
// are kept as this editor's autosave of the post; the form of a post never saved becomes the
// form of the draft the first autosave made. Opening the post again, from any browser, offers
// the autosave back (a notice from the server). When the server cannot be reached (offline,
// signed out) the text is kept in this browser's storage instead and brought back from there.
"use strict";
{
  const SAVE_MS = 5000;
  const KEEPALIVE_MAX = 60000; // bytes a keepalive request may carry (browsers allow 64 KiB)

  const endpointFor = (pathname) => {
    const change = pathname.match(/^(.*\/)(\d+)\/change\/$/);
    if (change) return `${change[1]}${change[2]}/autosave/`;
    const add = pathname.match(/^(.*\/)add\/$/);
    return add ? `${add[1]}autosave/` : null;
  };

  const storageKey = () => `newsroom-autosave:${window.location.pathname}`;
  const readLocal = () => {
    try {
      return JSON.parse(window.localStorage.getItem(storageKey()));
    } catch {
      return null;
    }
  };
  const writeLocal = (state) => {
    try {
      window.localStorage.setItem(storageKey(), JSON.stringify({ ...state, at: Date.now() }));
    } catch {
      // storage full or refused: nothing more to do
    }
  };
  const clearLocal = () => {
    try {
      window.localStorage.removeItem(storageKey());
    } catch {
      // storage refused
    }
  };

  const localNotice = (saved, discard) => {
    const box = document.createElement("div");
    box.className = "autosave-notice";
    box.setAttribute("role", "status");
    const when = new Date(saved.at).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
    box.append(`Restored the text you were writing offline (kept in this browser at ${when}). `);
    const button = Object.assign(document.createElement("button"), { type: "button" });
    button.className = "button";
    button.textContent = "Discard it";
    button.addEventListener("click", () => {
      discard();
      box.remove();
    });
    box.append(button);
    return box;
  };

  const attach = (editor, textarea) => {
    const form = textarea.closest("form#post_form");
    const title = form?.querySelector("#id_title");
    let endpoint = endpointFor(window.location.pathname);
    if (!title || !endpoint) return;
    const excerpt = form.querySelector("#id_excerpt");
    const state = () => ({
      title: title.value,
      excerpt: excerpt ? excerpt.value : "",
      body: editor.getHTML(),
    });
    const same = (a, b) => a.title === b.title && a.excerpt === b.excerpt && a.body === b.body;
    let sent = state(); // what the server holds (the form as it opened, at first)

    const saved = readLocal();
    if (saved && !same(saved, sent)) {
      const original = sent;
      title.value = saved.title;
      if (excerpt) excerpt.value = saved.excerpt || "";
      editor.commands.setContent(saved.body);
      form.prepend(localNotice(saved, () => {
        clearLocal();
        title.value = original.title;
        if (excerpt) excerpt.value = original.excerpt;
        editor.commands.setContent(original.body);
      }));
    }

    const status = document.createElement("p");
    status.className = "autosave-status";
    status.setAttribute("aria-live", "polite");
    title.closest(".form-row")?.append(status);

    let timer = null;
    let creating = false; // a post never saved: its first autosave is making the draft
    const save = async ({ leaving = false } = {}) => {
      clearTimeout(timer);
      timer = null;
      const now = state();
      if (same(now, sent) || creating) return;
      const data = new FormData();
      data.append("csrfmiddlewaretoken", form.querySelector("[name=csrfmiddlewaretoken]").value);
      for (const [key, value] of Object.entries(now)) data.append(key, value);
      const size = now.title.length + now.excerpt.length + now.body.length;
      const keepalive = leaving && size < KEEPALIVE_MAX;
      // Too big for a request that outlives the page: this browser keeps it, in case.
      if (leaving && !keepalive) writeLocal(now);
      creating = endpoint.endsWith("/post/autosave/");
      try {
        const response = await fetch(endpoint, {
          method: "POST", body: data, keepalive, credentials: "same-origin",
        });
        if (!response.ok) throw new Error(`autosave: ${response.status}`);
        const answer = await response.json();
        sent = now;
        clearLocal();
        if (creating) {
          // The draft exists now: this form saves it, and its later autosaves go to it.
          endpoint = answer.autosave_url;
          form.action = answer.change_url;
          window.history.replaceState(null, "", answer.change_url);
        }
        if (!same(state(), sent)) later(); // typed while this one was on its way
        const when = new Date(answer.saved_at);
        status.textContent = `Autosaved at ${when.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit" })}.`;
      } catch {
        writeLocal(now);
        status.textContent = "Autosave failed: the text is kept in this browser for now.";
      } finally {
        creating = false;
      }
    };
    const later = () => {
      if (timer === null) timer = setTimeout(save, SAVE_MS);
    };
    const leave = () => save({ leaving: true });
    const hidden = () => {
      if (document.visibilityState === "hidden") leave();
    };
    editor.on("update", later);
    title.addEventListener("input", later);
    excerpt?.addEventListener("input", later);
    document.addEventListener("visibilitychange", hidden);
    window.addEventListener("pagehide", leave);
    form.addEventListener("submit", () => {
      clearTimeout(timer);
      document.removeEventListener("visibilitychange", hidden);
      window.removeEventListener("pagehide", leave);
      clearLocal();
    });
  };

  document.addEventListener("prose-editor:ready", (event) => {
    attach(event.detail.editor, event.detail.textarea);
  });
}
