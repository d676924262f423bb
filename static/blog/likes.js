// Like without leaving the page: send the same form with fetch and swap in the new Like line.
// Without JavaScript the form posts normally and the server redirects back to the post.
document.addEventListener("submit", async (event) => {
  const form = event.target.closest(".like-form");
  if (!form) return;
  event.preventDefault();
  const section = form.closest("[data-likes]");
  form.querySelector("button").disabled = true;
  try {
    const response = await fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      headers: { "X-Requested-With": "fetch" },
      credentials: "same-origin",
    });
    if (!response.ok && response.status !== 429) throw new Error(response.statusText);
    section.outerHTML = await response.text();
    document.querySelector("#likes .like-button").focus();
  } catch {
    form.submit();
  }
});
