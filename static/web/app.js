// Behaviour every page shares, kept out of the HTML: the Content-Security-Policy runs no
// inline scripts or event handlers and applies no style attributes.
(function () {
  "use strict";
  function apply(root) {
    // Selects that act at once (the language, a programme): submit their form on change.
    root.querySelectorAll("select[data-submit-on-change]").forEach((select) => {
      if (select.dataset.bound) return;
      select.dataset.bound = "1";
      select.addEventListener("change", () => select.form.submit());
    });
    // Composing a mailing: only the fields of the chosen audience kind (without script,
    // all of them show, and the server reads only the chosen kind's).
    root.querySelectorAll("select[data-audience-kinds]").forEach((select) => {
      if (select.dataset.bound) return;
      select.dataset.bound = "1";
      const show = () => {
        select.form.querySelectorAll("[data-audience-kind]").forEach((field) => {
          field.hidden = field.dataset.audienceKind !== select.value;
        });
      };
      select.addEventListener("change", show);
      show();
    });
    // Widths and shades that come from data, set through the style object (allowed by the
    // policy, unlike a style attribute written into the page).
    root.querySelectorAll("[data-width]").forEach((bar) => {
      const percent = Math.max(0, Math.min(100, Number(bar.dataset.width) || 0));
      bar.style.width = percent + "%";
    });
    root.querySelectorAll("[data-heat]").forEach((cell) => {
      const share = Math.max(0, Math.min(1, Number(cell.dataset.heat) || 0));
      cell.style.backgroundColor = "rgba(45, 164, 78, " + share + ")";
    });
  }
  // A form (or its submit button) with data-confirm asks before it is sent. Listening in
  // the capture phase on the document runs before htmx's own submit handler on the form,
  // so a "Cancel" stops plain and htmx forms alike.
  document.addEventListener(
    "submit",
    (event) => {
      const question =
        (event.submitter && event.submitter.dataset.confirm) || event.target.dataset.confirm;
      if (question && !window.confirm(question)) {
        event.preventDefault();
        event.stopImmediatePropagation();
      }
    },
    true,
  );
  document.addEventListener("DOMContentLoaded", () => apply(document));
  // Fragments that htmx swaps in get the same treatment.
  document.addEventListener("htmx:afterSwap", (event) => apply(event.target));
})();
