// tinhoi: small enhancements; every page works without this file.
// Sharing through the phone's share sheet (Zalo, Messenger, …) and copying the link.
(function () {
  "use strict";
  var share = document.querySelector("[data-share]");
  if (share && navigator.share) {
    share.hidden = false;
    share.addEventListener("click", function () {
      navigator.share({ title: document.title, url: location.href }).catch(function () {});
    });
  }
  var copy = document.querySelector("[data-copy-link]");
  if (copy && navigator.clipboard) {
    copy.hidden = false;
    copy.addEventListener("click", function () {
      navigator.clipboard.writeText(location.href).then(function () {
        copy.textContent = copy.getAttribute("data-done") || copy.textContent;
      }, function () {});
    });
  }
})();
