// While a post's emails to followers are being sent, refresh the progress bar every 2 seconds.
(function () {
  "use strict";
  var box = document.querySelector(".follower-emails[data-progress-url]");
  if (!box) return;
  var bar = box.querySelector("progress");
  if (!bar || bar.value >= bar.max) return;
  function update() {
    fetch(box.dataset.progressUrl, { credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (progress) {
        bar.max = progress.total;
        bar.value = progress.sent + progress.failed;
        bar.textContent = progress.percent + "%";
        ["sent", "queued", "failed", "total"].forEach(function (key) {
          var span = box.querySelector('[data-key="' + key + '"]');
          if (span) span.textContent = progress[key];
        });
        if (progress.queued > 0) window.setTimeout(update, 2000);
      })
      .catch(function () { window.setTimeout(update, 10000); });
  }
  window.setTimeout(update, 2000);
})();
