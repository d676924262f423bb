// The post form's categories box: "Add new category" creates the category without leaving the
// form (POST to the admin's quick-add view) and ticks it in the tree, under its parent.
"use strict";
{
  const csrfToken = () => document.querySelector("input[name=csrfmiddlewaretoken]")?.value || "";

  const entry = (list, category) => {
    const item = document.createElement("li");
    item.className = `depth-${category.depth}`;
    item.dataset.value = category.id;
    item.dataset.depth = category.depth;
    const label = document.createElement("label");
    const box = document.createElement("input");
    Object.assign(box, { type: "checkbox", name: "categories", value: category.id, checked: true });
    box.id = `${list.id}_new_${category.id}`;
    label.append(box, ` ${category.name}`);
    item.append(label);
    return item;
  };

  // After the parent and its descendants, or at the end for a top-level category.
  const place = (list, item, parentId) => {
    const parent = list.querySelector(`li[data-value="${parentId}"]`);
    if (!parent) return list.append(item);
    let last = parent;
    while (last.nextElementSibling && +last.nextElementSibling.dataset.depth > +parent.dataset.depth) {
      last = last.nextElementSibling;
    }
    last.after(item);
  };

  const attach = (tree) => {
    const list = tree.querySelector(".category-tree-list");
    const name = tree.querySelector(".category-add-name");
    const parent = tree.querySelector(".category-add-parent");
    const error = tree.querySelector(".category-add-error");
    const add = async () => {
      error.hidden = true;
      const body = new FormData();
      body.append("name", name.value);
      body.append("parent", parent.value);
      const response = await fetch(tree.dataset.addUrl, {
        method: "POST", body, credentials: "same-origin",
        headers: { "X-CSRFToken": csrfToken(), Accept: "application/json" },
      });
      const answer = await response.json().catch(() => ({ error: response.statusText }));
      if (!response.ok) {
        error.textContent = answer.error;
        error.hidden = false;
        return;
      }
      place(list, entry(list, answer), parent.value);
      const option = new Option(`${"–".repeat(answer.depth)} ${answer.name}`.trim(), answer.id);
      parent.append(option);
      name.value = "";
    };
    tree.querySelector(".category-add-button").addEventListener("click", add);
    name.addEventListener("keydown", (event) => {
      if (event.key === "Enter") {
        event.preventDefault(); // not the post form's submit
        add();
      }
    });
  };

  const start = () => document.querySelectorAll(".category-tree[data-add-url]").forEach(attach);
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
}
