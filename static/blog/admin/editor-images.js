// Images straight into the post body: drop or paste an image file into the editor, or use
// "Upload" under the toolbar (one file choice, like WordPress's image block), and the file goes
// into the library (the post form's JSON upload view) and appears in the body as a figure.
// "Add image" and the toolbar's figure button open the library dialog (image-picker.js) to
// search, upload and pick; the picked image goes in at the cursor. A panel under the editor
// then takes the figure's alt text and caption, written into it as they are typed.
"use strict";
{
  const csrfToken = () => document.querySelector("input[name=csrfmiddlewaretoken]")?.value || "";
  // The featured image widget (blog.media) carries the library's upload and JSON views.
  const widget = () => document.querySelector(".featured-image[data-upload-url]");
  const uploadUrl = () => widget()?.dataset.uploadUrl;

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

  const insert = (editor, image, holder) => {
    // At the cursor (kept while the dialog had the focus); the panel takes the focus next.
    editor.chain().insertContent(figureHtml(image)).run();
    panelFor(editor, image, holder);
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
    const json = (response.headers.get("Content-Type") || "").includes("application/json");
    const image = json ? await response.json() : {};
    if (!response.ok || !json) {
      status.textContent = image.error
        || `The server refused the upload (${response.status}): reload the page and try again.`;
      status.classList.add("errornote");
      return;
    }
    status.textContent = "";
    insert(editor, image, holder);
  };

  const openLibrary = (editor, holder) => window.newsroomImagePicker.open({
    url: widget().dataset.pickerUrl,
    title: "Add an image to the text",
    onPick: (image) => insert(editor, image, holder),
  });

  const images = (list) => [...(list || [])].filter((file) => file.type.startsWith("image/"));

  const attach = (editor, textarea) => {
    if (!uploadUrl() || !textarea.closest(".model-post")) return;
    const bar = document.createElement("div");
    bar.className = "editor-image-bar";
    const add = Object.assign(document.createElement("button"), { type: "button", textContent: "Add image" });
    add.className = "button editor-image-add";
    const label = document.createElement("label");
    label.className = "button editor-image-upload";
    label.textContent = "Upload";
    label.title = "Upload an image from this device straight into the text";
    const input = Object.assign(document.createElement("input"), { type: "file", accept: "image/*" });
    input.className = "editor-image-file";
    label.append(input);
    const status = Object.assign(document.createElement("span"), { className: "editor-image-status" });
    status.setAttribute("role", "status");
    const hint = Object.assign(document.createElement("span"), { className: "help" });
    hint.textContent = "or drop or paste an image into the text";
    const holder = document.createElement("div");
    bar.append(add, label, hint, status);
    const wrapper = editor.view.dom.closest(".prose-editor") || editor.view.dom.parentElement;
    wrapper.after(bar, holder);

    add.addEventListener("click", () => openLibrary(editor, holder));
    // The toolbar's figure button inserts through the same dialog; on a figure it keeps the
    // editor's own dialog (image address, alt text), whose "Browse…" opens the library too.
    wrapper.addEventListener("click", (event) => {
      if (!event.target.closest(".prose-menubar button[data-name=figure]")) return;
      if (editor.isActive("figure") || editor.isActive("image")) return;
      event.preventDefault();
      event.stopPropagation();
      openLibrary(editor, holder);
    }, true);
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
