// The One Mind pledge pages. Everything works without this file; it only tidies up.
(function () {
  "use strict";

  // The pledge form has a US state select and a free-text state or province for other
  // countries; show only the one that applies to the chosen country.
  function syncRegionFields(form) {
    var country = form.querySelector("select[name='country']");
    var state = form.querySelector(".pledge-field--state");
    var province = form.querySelector(".pledge-field--province");
    if (!country || !state || !province) {
      return;
    }
    function update() {
      var inUS = country.value === "US";
      state.hidden = !inUS;
      province.hidden = inUS;
    }
    country.addEventListener("change", update);
    update();
  }

  function init() {
    document.querySelectorAll("form.pledge-form").forEach(syncRegionFields);
    document.querySelectorAll("[data-print]").forEach(function (button) {
      button.addEventListener("click", function () {
        window.print();
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
