// The post form's publish button says what it will do: "Schedule" while the publish time is
// in the future, "Publish" otherwise. Times are compared as the server's wall-clock time
// (data-now, in the blog's time zone), the same zone the date and time boxes are in.
"use strict";
{
  const start = () => {
    const box = document.querySelector(".publish-actions[data-now]");
    const button = box?.querySelector(".publish-button");
    const date = document.getElementById("id_published_at_0");
    const time = document.getElementById("id_published_at_1");
    if (!button || !date || !time) return;
    const loaded = Date.now();
    const serverNow = Date.parse(`${box.dataset.now}Z`);
    const update = () => {
      const chosen = Date.parse(`${date.value.trim()}T${time.value.trim() || "00:00:00"}Z`);
      const now = serverNow + (Date.now() - loaded);
      const later = Number.isFinite(chosen) && chosen > now + 60_000;
      button.value = later ? button.dataset.schedule : button.dataset.publish;
    };
    for (const input of [date, time]) {
      input.addEventListener("input", update);
      input.addEventListener("change", update);
    }
    // The admin's calendar and clock pickers set the value without an input event.
    document.addEventListener("click", () => setTimeout(update, 0));
    update();
  };

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
}
