// Marks that JavaScript runs, so the no-JavaScript fallbacks in site.css switch off.
document.documentElement.classList.remove("no-js");
