// Images straight into the post body: drop or paste an image file into the editor, or use
// "Add image" under the toolbar. The file goes into the library (the post form's JSON upload
// view), appears in the body as a figure, and a panel under the editor takes its alt text and
// caption, written into the figure as they are typed.
"use strict";
{
  const csrfToken = () => document.querySelector("input[name=csrfmiddlewaretoken]")?.value || "";
  // The featured image widget (blog.media) carries the library upload view.
  const uploadUrl = () => document.querySelector(".featured-image[data-upload-url]")?.dataset.uploadUrl;

  const figureHtml = (image) => {
    const figure = document.createElement("figure");
    const img = document.createElement("img");
    Object.assign(img, { src: image.url, alt: image.alt || "" });
    img.setAttribute("data-file", image.id);
    const caption = document.createElement("figcaption");
    caption.textContent = image.caption || "";
    figure.append(img, caption);
    return figure.outerHTML;
  };

  // Rewrite the figure of image id in the body with new alt text and caption.
  const updateFigure = (editor, id, { alt, caption }) => {
    const doc = new DOMParser().parseFromString(`<body>${editor.getHTML()}</body>`, "text/html");
    const img = doc.querySelector(`img[data-file="${CSS.escape(String(id))}"]`);
    if (!img) return;
    if (alt !== undefined) img.alt = alt;
    const figcaption = img.closest("figure")?.querySelector("figcaption");
    if (caption !== undefined && figcaption) figcaption.textContent = caption;
    editor.commands.setContent(doc.body.innerHTML);
  };

  const panelFor = (editor, image, holder) => {
    const panel = document.createElement("div");
    panel.className = "editor-image-panel";
    const thumb = Object.assign(document.createElement("img"), { src: image.thumb, alt: "" });
    const fields = document.createElement("div");
    for (const [key, text] of [["alt", "Alt text (what the image shows)"], ["caption", "Caption"]]) {
      const label = document.createElement("label");
      label.textContent = text;
      const input = Object.assign(document.createElement("input"), { type: "text", value: image[key] || "" });
      input.className = `editor-image-${key}`;
      input.addEventListener("input", () => updateFigure(editor, image.id, { [key]: input.value }));
      label.append(input);
      fields.append(label);
    }
    const done = Object.assign(document.createElement("button"), { type: "button", textContent: "Done" });
    done.className = "button";
    done.addEventListener("click", () => panel.remove());
    fields.append(done);
    panel.append(thumb, fields);
    holder.replaceChildren(panel);
    panel.querySelector("input").focus();
  };

  const upload = async (editor, file, holder, status) => {
    const body = new FormData();
    body.append("file", file);
    status.textContent = `Uploading ${file.name}…`;
    status.classList.remove("errornote");
    const response = await fetch(uploadUrl(), {
      method: "POST", body, credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(), Accept: "application/json" },
    });
    const image = await response.json().catch(() => ({ error: response.statusText }));
    if (!response.ok) {
      status.textContent = image.error;
      status.classList.add("errornote");
      return;
    }
    status.textContent = "";
    editor.chain().focus().insertContent(figureHtml(image)).run();
    panelFor(editor, image, holder);
  };

  const images = (list) => [...(list || [])].filter((file) => file.type.startsWith("image/"));

  const attach = (editor, textarea) => {
    if (!uploadUrl() || !textarea.closest(".model-post")) return;
    const bar = document.createElement("div");
    bar.className = "editor-image-bar";
    const label = document.createElement("label");
    label.className = "button editor-image-add";
    label.textContent = "Add image";
    const input = Object.assign(document.createElement("input"), { type: "file", accept: "image/*" });
    input.className = "editor-image-file";
    label.append(input);
    const status = Object.assign(document.createElement("span"), { className: "editor-image-status" });
    status.setAttribute("role", "status");
    const hint = Object.assign(document.createElement("span"), { className: "help" });
    hint.textContent = "or drop or paste an image into the text";
    const holder = document.createElement("div");
    bar.append(label, hint, status);
    const wrapper = editor.view.dom.closest(".prose-editor") || editor.view.dom.parentElement;
    wrapper.after(bar, holder);

    input.addEventListener("change", () => {
      for (const file of images(input.files)) upload(editor, file, holder, status);
      input.value = "";
    });
    for (const kind of ["drop", "paste"]) {
      editor.view.dom.addEventListener(kind, (event) => {
        const files = images((event.dataTransfer || event.clipboardData)?.files);
        if (!files.length) return;
        event.preventDefault();
        event.stopPropagation();
        for (const file of files) upload(editor, file, holder, status);
      }, true);
    }
  };

  document.addEventListener("prose-editor:ready", (event) => {
    attach(event.detail.editor, event.detail.textarea);
  });
}
