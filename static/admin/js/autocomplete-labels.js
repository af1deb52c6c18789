// Labels for the admin's autocomplete fields (decision 0018).
//
// Django's autocomplete widget (select2) hides the labelled <select> and draws its own
// combobox, whose parts have no accessible name: axe-core finds `label` (critical) on the
// search box of a many-to-many field and `aria-input-field-name` (serious) on a foreign key's
// combobox and its value. This names each part after the field's <label>. select2 redraws
// them when the value changes, so the names are put back after each redraw. Its "remove all"
// cross of a many-to-many field is a <span> straight inside a <ul> (axe-core: `list`, serious);
// it is mouse-only (Backspace does the same from the keyboard), so it is hidden from the
// accessibility tree.
(function () {
  "use strict";

  function labelFor(select) {
    const label = select.id && document.querySelector(`label[for="${CSS.escape(select.id)}"]`);
    if (!label) {
      return null;
    }
    if (!label.id) {
      label.id = `${select.id}_label`;
    }
    return label;
  }

  function nameParts(select, container) {
    const label = labelFor(select);
    if (!label) {
      return;
    }
    container.querySelectorAll('[role="combobox"], [role="textbox"], input.select2-search__field').forEach((part) => {
      if (part.getAttribute("aria-labelledby") !== label.id) {
        part.setAttribute("aria-labelledby", label.id);
      }
    });
    container.querySelectorAll("ul.select2-selection__rendered > span.select2-selection__clear").forEach((cross) => {
      cross.setAttribute("aria-hidden", "true");
    });
  }

  function nameAll() {
    document.querySelectorAll("select.admin-autocomplete").forEach((select) => {
      const container = select.nextElementSibling;
      if (!container || !container.classList.contains("select2-container") || container.dataset.labelled) {
        return;
      }
      container.dataset.labelled = "true";
      nameParts(select, container);
      new MutationObserver(() => nameParts(select, container)).observe(container, { childList: true, subtree: true });
    });
  }

  // Django starts select2 when jQuery's ready fires, and again for each inline row added
  // later: watch the page for select2's containers rather than guess when that is.
  document.addEventListener("DOMContentLoaded", () => {
    nameAll();
    new MutationObserver(nameAll).observe(document.body, { childList: true, subtree: true });
  });
})();
