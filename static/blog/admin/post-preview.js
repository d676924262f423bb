// Preview of a post that was never saved, as on WordPress: the post is saved as a draft, its
// preview opens in a new tab, and this tab goes on as the draft's change form (so the next
// save updates that draft instead of adding a second post). A saved post's Preview needs
// none of this: its button sends the form into a new tab (formtarget), which the server
// answers with the preview. When the form has mistakes, it is sent as usual to show them.
"use strict";
{
  const start = () => {
    const form = document.getElementById("post_form");
    const button = form?.querySelector("button[name=_preview]:not([formtarget])");
    if (!button) return;
    let asUsual = false;

    const sendAsUsual = () => {
      asUsual = true;
      form.requestSubmit(button);
    };

    button.addEventListener("click", async (event) => {
      if (asUsual || !form.checkValidity()) return; // the browser points at what is missing
      event.preventDefault();
      // Opened now, while the click counts as the user's, so no pop-up blocker stops it.
      const tab = window.open("", "_blank");
      if (tab) {
        tab.document.title = "Preview";
        tab.document.body.textContent = "Saving the draft for its preview…";
      }
      let answer = null;
      try {
        const response = await fetch(form.action, {
          method: "POST", body: new FormData(form, button), credentials: "same-origin",
          headers: { Accept: "application/json" },
        });
        const json = (response.headers.get("Content-Type") || "").includes("application/json");
        answer = response.ok && json ? await response.json() : null;
      } catch {
        answer = null; // offline: sending the form as usual says so
      }
      if (!answer?.preview) {
        tab?.close();
        sendAsUsual(); // the form comes back with its mistakes marked, nothing saved
        return;
      }
      if (tab) tab.location.href = answer.preview;
      else window.open(answer.preview, "_blank");
      // The form was sent: what listens for that (the autosave, which forgets the text it
      // kept) hears it, as it would from a form sent the usual way.
      form.dispatchEvent(new Event("submit", { cancelable: true }));
      window.location.replace(answer.change);
    });
  };

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
}
