// Accessibility fixes to Django's own admin widgets, on every admin page (templates/admin/base_site.html;
// decision 0018). Each says what axe-core found.
//
// 1. Django's autocomplete widget (select2) hides the labelled <select> and draws its own
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

  // 2. The filter boxes of a filter_horizontal field (SelectFilter2.js: groups, permissions) carry
  // an icon <span> with an aria-label, which a span without a role may not have
  // (aria-prohibited-attr, serious): it is an image with a text alternative, so say so.
  function fixFilterIcons() {
    document.querySelectorAll("span.search-label-icon[aria-label]:not([role])").forEach((icon) => {
      icon.setAttribute("role", "img");
    });
  }

  function fixAll() {
    nameAll();
    fixFilterIcons();
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
    fixAll();
    new MutationObserver(fixAll).observe(document.body, { childList: true, subtree: true });
  });
})();
