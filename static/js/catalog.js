// Catalog list enhancements. Without JavaScript the page works the same: the filter panel
// simply stays open and empty fields appear in the address.
document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("catalog-form");
  if (!form) {
    return;
  }

  // On narrow screens, start with the filter panel folded so the results are near the top.
  // USWDS's accordion script (initialised before this runs) then toggles it as usual.
  // The stylesheet already hides it on a phone until now (data-fold-on-phone), so folding it
  // here moves nothing on the page (no layout shift); from now on `hidden` alone decides.
  const toggle = form.querySelector(".catalog-filters .usa-accordion__button");
  const panel = toggle && document.getElementById(toggle.getAttribute("aria-controls"));
  if (panel) {
    if (window.matchMedia("(max-width: 63.99em)").matches) {
      toggle.setAttribute("aria-expanded", "false");
      panel.hidden = true;
    }
    panel.removeAttribute("data-fold-on-phone");
  }

  // Leave empty fields (no search terms, no year) out of the address, so it stays short and shareable.
  const emptyFields = () =>
    Array.from(form.elements).filter(
      (field) => field.name && !field.disabled && field.value === "" && field.type !== "checkbox" && field.type !== "radio",
    );
  form.addEventListener("submit", () => {
    emptyFields().forEach((field) => {
      field.disabled = true;
      field.dataset.catalogDisabled = "true";
    });
  });
  // Coming back with the Back button restores the page as it was left: enable the fields again.
  window.addEventListener("pageshow", () => {
    form.querySelectorAll("[data-catalog-disabled]").forEach((field) => {
      field.disabled = false;
      delete field.dataset.catalogDisabled;
    });
    document.querySelectorAll('[form="catalog-form"][data-catalog-disabled]').forEach((field) => {
      field.disabled = false;
      delete field.dataset.catalogDisabled;
    });
  });
});
