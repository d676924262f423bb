// The post form's featured image: its thumbnail, with Choose (the library dialog of
// image-picker.js: search, upload, pick), Upload (into the library, without leaving the form)
// and Remove. The id travels in the hidden input the form saves.
"use strict";
{
  const csrfToken = () => document.querySelector("input[name=csrfmiddlewaretoken]")?.value || "";

  const attach = (box) => {
    const input = box.querySelector("input[type=hidden]");
    const thumb = box.querySelector(".featured-thumb");
    const title = box.querySelector(".featured-title");
    const remove = box.querySelector(".featured-remove");
    const error = box.querySelector(".featured-error");

    const show = (image) => {
      input.value = image ? image.id : "";
      thumb.hidden = remove.hidden = !image;
      thumb.src = image ? image.thumb : "";
      thumb.alt = image ? image.alt : "";
      title.textContent = image ? image.title || image.alt : "No featured image.";
      box.classList.toggle("is-empty", !image);
      error.hidden = true;
    };

    box.querySelector(".featured-choose").addEventListener("click", () => {
      window.newsroomImagePicker.open({
        url: box.dataset.pickerUrl,
        title: "Choose the featured image",
        insertLabel: "Set featured image",
        onPick: show,
      });
    });
    remove.addEventListener("click", () => show(null));
    box.querySelector(".featured-file").addEventListener("change", async (event) => {
      const file = event.target.files[0];
      if (!file) return;
      const body = new FormData();
      body.append("file", file);
      const before = title.textContent;
      title.textContent = "Uploading…";
      const response = await fetch(box.dataset.uploadUrl, {
        method: "POST", body, credentials: "same-origin",
        headers: { "X-CSRFToken": csrfToken(), Accept: "application/json" },
      });
      const json = (response.headers.get("Content-Type") || "").includes("application/json");
      const answer = json ? await response.json() : {};
      event.target.value = "";
      if (!response.ok || !json) {
        title.textContent = before;  // a refused file changes nothing
        error.textContent = answer.error
          || `The server refused the upload (${response.status}): reload the page and try again.`;
        error.hidden = false;
        return;
      }
      show(answer);
    });
  };

  const start = () => document.querySelectorAll(".featured-image[data-upload-url]").forEach(attach);
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
}
