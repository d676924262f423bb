// The image library as a dialog in the page, not a pop-up window: a <dialog> (Esc closes it,
// the page behind waits, focus comes back to the button that opened it) with a search box that
// asks the library as you type, thumbnails to choose from, and an upload area (choose a file
// or drop one) whose image goes into the library and comes up chosen. The post editor's
// "Add image" and figure button, the featured image's "Choose" and the figure dialog's
// "Browse…" open it:
//   window.newsroomImagePicker.open({ url, title, insertLabel, onPick })
// url is the library's JSON view (ImageAdmin.picker_view); onPick gets the image's JSON.
"use strict";
{
  const SEARCH_DELAY_MS = 200;
  const csrfToken = () => document.querySelector("input[name=csrfmiddlewaretoken]")?.value || "";
  const el = (tag, props = {}, children = []) => {
    const node = Object.assign(document.createElement(tag), props);
    node.append(...children);
    return node;
  };
  const plural = (n, one, many) => `${n} ${n === 1 ? one : many}`;

  let ui = null; // the dialog's parts, built once per page
  let state = {}; // url, onPick, chosen image, upload settings, the search being asked

  const build = () => {
    const title = el("h2", { id: "image-dialog-title", textContent: "Add an image" });
    const close = el("button", { type: "button", className: "image-dialog-close", textContent: "×" });
    close.setAttribute("aria-label", "Close");
    const file = el("input", { type: "file", accept: "image/*", className: "image-dialog-file" });
    const uploadButton = el("label", { className: "button image-dialog-upload-button" },
      ["Upload a file", file]);
    const uploadHelp = el("span", { className: "help image-dialog-upload-help" });
    const upload = el("div", { className: "image-dialog-upload" },
      [uploadButton, el("span", { textContent: "or drop an image here" }), uploadHelp]);
    const error = el("p", { className: "errornote image-dialog-error", hidden: true });
    error.setAttribute("role", "alert");
    const search = el("input", {
      type: "search", id: "image-dialog-search", className: "image-dialog-search",
      placeholder: "Title, alt text, caption or file name", autocomplete: "off",
    });
    const searchLabel = el("label", { htmlFor: search.id, textContent: "Search the library" });
    const status = el("p", { className: "image-dialog-status" });
    status.setAttribute("role", "status");
    const grid = el("ul", { className: "image-dialog-grid" });
    const newer = el("button", { type: "button", className: "button image-dialog-newer", textContent: "‹ Newer" });
    const older = el("button", { type: "button", className: "button image-dialog-older", textContent: "Older ›" });
    const pageText = el("span", { className: "image-dialog-page" });
    const pages = el("nav", { className: "image-dialog-pages", hidden: true }, [newer, pageText, older]);
    pages.setAttribute("aria-label", "Pages of images");
    const chosen = el("span", { className: "image-dialog-chosen" });
    const insert = el("button", { type: "button", className: "button default image-dialog-insert", disabled: true });
    const cancel = el("button", { type: "button", className: "button image-dialog-cancel", textContent: "Cancel" });
    const dialog = el("dialog", { className: "image-dialog" }, [
      el("div", { className: "image-dialog-head" }, [title, close]),
      upload, error,
      el("div", { className: "image-dialog-find" }, [searchLabel, search]),
      status,
      el("div", { className: "image-dialog-body" }, [grid, pages]),
      el("div", { className: "image-dialog-foot" }, [chosen, insert, cancel]),
    ]);
    dialog.setAttribute("aria-labelledby", title.id);
    document.body.append(dialog);
    ui = { dialog, title, upload, uploadHelp, file, error, search, status, grid, pages, newer,
      older, pageText, chosen, insert };

    close.addEventListener("click", () => dialog.close());
    cancel.addEventListener("click", () => dialog.close());
    dialog.addEventListener("close", () => {  // an event that comes after pick()'s work
      state.request?.abort();
      if (!state.picked) state.opener?.focus?.();
    });
    insert.addEventListener("click", pick);
    grid.addEventListener("click", (event) => {
      const button = event.target.closest(".image-dialog-choice");
      if (button) choose(button);
    });
    grid.addEventListener("dblclick", (event) => {
      if (event.target.closest(".image-dialog-choice")) pick();
    });
    let timer = null;
    search.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(() => load(1), SEARCH_DELAY_MS);
    });
    search.addEventListener("keydown", (event) => {
      if (event.key === "Enter") {  // search now; never send a form
        event.preventDefault();
        clearTimeout(timer);
        load(1);
      }
    });
    newer.addEventListener("click", () => load(state.page - 1));
    older.addEventListener("click", () => load(state.page + 1));
    file.addEventListener("change", () => {
      uploadAll([...file.files]);
      file.value = "";
    });
    for (const kind of ["dragenter", "dragover"]) {
      dialog.addEventListener(kind, (event) => {
        if (!state.upload || !event.dataTransfer?.types.includes("Files")) return;
        event.preventDefault();
        upload.classList.add("is-dragged");
      });
    }
    dialog.addEventListener("dragleave", (event) => {
      if (!dialog.contains(event.relatedTarget)) upload.classList.remove("is-dragged");
    });
    dialog.addEventListener("drop", (event) => {
      upload.classList.remove("is-dragged");
      if (!state.upload || !event.dataTransfer?.files.length) return;
      event.preventDefault();
      uploadAll([...event.dataTransfer.files]);
    });
  };

  const showError = (message) => {
    ui.error.textContent = message || "";
    ui.error.hidden = !message;
  };

  const choiceFor = (image) => {
    const img = el("img", { src: image.thumb, alt: "", loading: "lazy" });
    const button = el("button", { type: "button", className: "image-dialog-choice", title: image.title },
      [img, el("span", { textContent: image.title })]);
    button.setAttribute("aria-pressed", "false");
    button.dataset.id = image.id;
    button.image = image;
    return el("li", {}, [button]);
  };

  const choose = (button) => {
    for (const other of ui.grid.querySelectorAll("[aria-pressed=true]")) {
      other.setAttribute("aria-pressed", "false");
    }
    button.setAttribute("aria-pressed", "true");
    state.chosen = button.image;
    ui.chosen.textContent = `Chosen: ${button.image.title}`;
    ui.insert.disabled = false;
  };

  const pick = () => {
    const image = state.chosen;
    if (!image) return;
    const onPick = state.onPick;
    state.picked = true; // where the focus goes is onPick's to say
    ui.dialog.close();
    onPick(image);
  };

  const showPage = (answer) => {
    state.page = answer.page;
    ui.grid.replaceChildren(...answer.images.map(choiceFor));
    ui.grid.parentElement.scrollTop = 0;
    if (answer.count === 0) {
      state.summary = answer.query
        ? `No images match “${answer.query}”.` : "The library has no images yet.";
    } else {
      state.summary = answer.query
        ? `${plural(answer.count, "image matches", "images match")} “${answer.query}”.`
        : `${plural(answer.count, "image", "images")} in the library.`;
    }
    ui.status.textContent = state.summary;
    ui.pages.hidden = answer.pages <= 1;
    ui.pageText.textContent = `Page ${answer.page} of ${answer.pages}`;
    ui.newer.disabled = answer.page <= 1;
    ui.older.disabled = answer.page >= answer.pages;
    const chosen = state.chosen && ui.grid.querySelector(`[data-id="${state.chosen.id}"]`);
    if (chosen) chosen.setAttribute("aria-pressed", "true");
  };

  const answerOf = async (response) => {
    const json = (response.headers.get("Content-Type") || "").includes("application/json");
    const answer = json ? await response.json() : {};
    if (!response.ok || !json) {
      throw new Error(answer.error
        || `The server refused (${response.status}): reload the page and try again.`);
    }
    return answer;
  };

  const load = async (page) => {
    state.request?.abort();
    const request = (state.request = new AbortController());
    const url = new URL(state.url, window.location.href);
    url.searchParams.set("q", ui.search.value.trim());
    url.searchParams.set("page", page);
    ui.dialog.setAttribute("aria-busy", "true");
    try {
      const response = await fetch(url, {
        credentials: "same-origin", signal: request.signal, headers: { Accept: "application/json" },
      });
      const answer = await answerOf(response);
      state.upload = answer.upload;
      ui.upload.hidden = !answer.upload;
      if (answer.upload) {
        ui.uploadHelp.textContent = `${answer.upload.formats}; up to ${answer.upload.limit}.`;
      }
      showPage(answer);
    } catch (error) {
      if (error.name === "AbortError") return;
      ui.status.textContent = error.message;
      ui.upload.hidden = !state.upload;
    } finally {
      if (state.request === request) ui.dialog.removeAttribute("aria-busy");
    }
  };

  const uploadOne = async (file) => {
    if (file.size > state.upload.max_bytes) {
      const size = (file.size / 1024 / 1024).toFixed(1);
      throw new Error(`${file.name}: the file is ${size} MB; the limit is ${state.upload.limit}.`);
    }
    const body = new FormData();
    body.append("file", file);
    const response = await fetch(state.upload.url, {
      method: "POST", body, credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(), Accept: "application/json" },
    });
    try {
      return await answerOf(response);
    } catch (error) {
      throw new Error(`${file.name}: ${error.message}`);
    }
  };

  // Each file goes into the library and comes first in the list, chosen; a refused one says
  // why and changes nothing.
  const uploadAll = async (files) => {
    showError("");
    await state.opened; // the library's first answer says where uploads go
    if (!state.upload) return;
    for (const file of files) {
      ui.status.textContent = `Uploading ${file.name}…`;
      try {
        const image = await uploadOne(file);
        const item = choiceFor(image);
        ui.grid.prepend(item);
        choose(item.querySelector("button"));
        ui.status.textContent = `Uploaded “${image.title}” into the library.`;
        ui.insert.focus();
      } catch (error) {
        ui.status.textContent = state.summary || "";
        showError(error.message);
      }
    }
  };

  const open = ({ url, title = "Add an image", insertLabel = "Insert", onPick }) => {
    if (!ui) build();
    state = { url, onPick, opener: document.activeElement, page: 1 };
    ui.title.textContent = title;
    ui.insert.textContent = insertLabel;
    ui.insert.disabled = true;
    ui.chosen.textContent = "";
    ui.search.value = "";
    ui.grid.replaceChildren();
    ui.status.textContent = "Loading the library…";
    showError("");
    ui.dialog.showModal();
    ui.search.focus();
    state.opened = load(1);
  };

  window.newsroomImagePicker = { open };

  // django-prose-editor's figure dialog opens its "Browse…" picker with window.open() and a
  // CKEditor-style callback number (CKEditorFuncNum): answer it from this dialog instead of a
  // pop-up window, through the callback the editor installed on window.CKEDITOR.
  const openWindow = window.open.bind(window);
  window.open = (url, ...rest) => {
    const address = new URL(String(url ?? ""), window.location.href);
    const number = address.searchParams.get("CKEditorFuncNum");
    if (number === null || address.origin !== window.location.origin) return openWindow(url, ...rest);
    address.searchParams.delete("CKEditorFuncNum");
    open({
      url: address.href,
      onPick: (image) => window.CKEDITOR.tools.callFunction(number, image.url, {
        id: image.id, alternative_text: image.alt, caption: image.caption,
      }),
    });
    return null;
  };
}
