// Counts the page view or search this page carries (decision 0022): the page's signed token is
// posted once, without cookies; nothing about the visitor is sent or stored.
(function () {
  "use strict";
  var meta = document.querySelector('meta[name="usage-beacon"]');
  if (!meta || !navigator.sendBeacon) return;
  var token = meta.getAttribute("content");
  var url = meta.getAttribute("data-url");
  if (token && url) navigator.sendBeacon(url, new Blob([token], { type: "text/plain" }));
})();
