// The image chooser opened by the post editor's "Browse…" (django-prose-editor's Figure picker).
// Choosing an image hands its address, id, alt text and caption back to the editor's dialog
// through the CKEditor-style callback the editor installed on window.opener, then closes.
// Opened on its own, it shows the <figure> HTML to copy instead.
(function () {
  "use strict";
  const root = document.querySelector(".image-picker");
  if (!root) return;
  const funcNum = root.dataset.funcNum;
  const opener = window.opener;
  const callback = opener && opener.CKEDITOR && opener.CKEDITOR.tools && opener.CKEDITOR.tools.callFunction;

  function figureHtml(data) {
    const figure = document.createElement("figure");
    const img = document.createElement("img");
    img.src = data.url;
    img.alt = data.alt;
    img.setAttribute("data-file", data.id);
    figure.appendChild(img);
    if (data.caption) {
      const caption = document.createElement("figcaption");
      caption.textContent = data.caption;
      figure.appendChild(caption);
    }
    return figure.outerHTML;
  }

  function choose(data, title) {
    // Opened by the post form's featured image (featured-image.js): a message to the opener.
    if (root.dataset.target === "featured" && opener) {
      const image = { id: data.id, thumb: data.thumb, url: data.url, alt: data.alt, title: title };
      opener.postMessage({ type: "featured-image", image }, window.location.origin);
      window.close();
      return;
    }
    if (callback && funcNum) {
      callback.call(opener.CKEDITOR.tools, funcNum, data.url, {
        id: data.id,
        alternative_text: data.alt,
        caption: data.caption,
      });
      window.close();
      return;
    }
    const box = root.querySelector(".picker-copy");
    const area = box.querySelector("textarea");
    area.value = figureHtml(data);
    box.hidden = false;
    area.focus();
    area.select();
  }

  root.addEventListener("click", function (event) {
    const button = event.target.closest(".picker-choice");
    if (!button) return;
    choose(button.dataset, button.title);
  });

  // Upload without leaving the picker: the image goes into the library and is chosen at once.
  const upload = root.querySelector(".picker-upload-file");
  const status = root.querySelector(".picker-upload-status");
  if (upload) {
    upload.addEventListener("change", async function () {
      const file = upload.files[0];
      if (!file) return;
      const body = new FormData();
      body.append("file", file);
      status.textContent = "Uploading " + file.name + "…";
      const token = root.querySelector("input[name=csrfmiddlewaretoken]").value;
      const response = await fetch(upload.dataset.uploadUrl, {
        method: "POST", body: body, credentials: "same-origin",
        headers: { "X-CSRFToken": token, Accept: "application/json" },
      });
      const image = await response.json().catch(function () { return { error: response.statusText }; });
      upload.value = "";
      if (!response.ok) {
        status.textContent = image.error;
        return;
      }
      status.textContent = "";
      choose({ id: String(image.id), url: image.url, thumb: image.thumb, alt: image.alt, caption: image.caption }, image.title);
    });
  }
})();
