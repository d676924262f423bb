// Autosave of the post being written: its title and body are kept in this browser's storage
// a moment after each change, so a closed tab, a crash or an expired session loses nothing.
// Opening the same form again brings the text back, with a notice and a way to discard it.
// Saving the form clears it.
"use strict";
{
  const DELAY_MS = 1500;
  const key = `newsroom-autosave:${window.location.pathname}`;

  const read = () => {
    try {
      return JSON.parse(window.localStorage.getItem(key));
    } catch {
      return null;
    }
  };

  const notice = (saved, discard) => {
    const box = document.createElement("div");
    box.className = "autosave-notice";
    box.setAttribute("role", "status");
    const when = new Date(saved.at).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
    box.append(`Restored the text you were writing (autosaved at ${when}). `);
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
    if (!title) return;
    const original = { title: title.value, body: editor.getHTML() };

    const saved = read();
    if (saved && (saved.title !== original.title || saved.body !== original.body)) {
      title.value = saved.title;
      editor.commands.setContent(saved.body);
      form.prepend(notice(saved, () => {
        window.localStorage.removeItem(key);
        title.value = original.title;
        editor.commands.setContent(original.body);
      }));
    }

    let timer = null;
    const save = () => {
      const state = { title: title.value, body: editor.getHTML(), at: Date.now() };
      if (state.title === original.title && state.body === original.body) return;
      try {
        window.localStorage.setItem(key, JSON.stringify(state));
      } catch {
        // storage full or refused: nothing to do but carry on
      }
    };
    const later = () => {
      clearTimeout(timer);
      timer = setTimeout(save, DELAY_MS);
    };
    editor.on("update", later);
    title.addEventListener("input", later);
    window.addEventListener("pagehide", save);
    form.addEventListener("submit", () => {
      clearTimeout(timer);
      window.removeEventListener("pagehide", save);
      window.localStorage.removeItem(key);
    });
  };

  document.addEventListener("prose-editor:ready", (event) => {
    attach(event.detail.editor, event.detail.textarea);
  });
}
