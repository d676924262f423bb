// WordPress's comment-reply, in small: "Reply" moves the form under that comment and sets the
// comment it answers; "Cancel reply" puts it back. Without JavaScript, "Reply" opens a page.
(function () {
  "use strict";
  var respond = document.getElementById("respond");
  if (!respond) return;
  var form = respond.querySelector("form.comment-form");
  var replyTo = form && form.querySelector("input[name=reply_to]");
  var title = respond.querySelector(".comment-reply-title");
  var cancel = document.getElementById("cancel-comment-reply-link");
  var home = document.createComment("respond");
  var original = title.firstChild.nodeValue;
  var opener = null; // the Reply link that moved the form: focus goes back to it on cancel
  respond.parentNode.insertBefore(home, respond);

  function moveTo(comment, id, name) {
    comment.querySelector(".comment-body").after(respond);
    replyTo.value = id;
    title.firstChild.nodeValue = "Reply to " + name + " ";
    cancel.hidden = false;
    form.querySelector("textarea").focus();
  }

  function reset() {
    home.parentNode.insertBefore(respond, home.nextSibling);
    replyTo.value = "0";
    title.firstChild.nodeValue = original;
    cancel.hidden = true;
    if (opener) opener.focus();
    opener = null;
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest(".comment-reply-link");
    if (link) {
      event.preventDefault();
      opener = link;
      moveTo(link.closest("li.comment"), link.dataset.replyTo, link.dataset.replyName);
    } else if (event.target === cancel) {
      event.preventDefault();
      reset();
    }
  });
})();
