// The post's title box: Django fills the slug from the title on keyup, which pasting,
// dictation and some input methods (Persian, Russian keyboards on phones) never send, so on
// every input it is asked again; and the box is one line that grows, where Enter adds nothing.
"use strict";
document.addEventListener("input", (event) => {
  if (event.target.id === "id_title") window.django?.jQuery?.(event.target).trigger("keyup");
});
document.addEventListener("keydown", (event) => {
  if (event.target.id === "id_title" && event.key === "Enter") event.preventDefault();
});
