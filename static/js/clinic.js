// The staff site's own behaviour. The Content-Security-Policy forbids inline handlers, so pages mark elements
// with data attributes and this file wires them up.
"use strict";

// <select data-autosubmit>: choosing an option submits its form (the dashboard's counselor switch).
document.addEventListener("change", (event) => {
  const field = event.target;
  if (field instanceof Element && field.matches("[data-autosubmit]") && field.form) {
    field.form.requestSubmit();
  }
});
