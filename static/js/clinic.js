// The staff site's own behaviour. The Content-Security-Policy forbids inline handlers, so pages mark elements
// with data attributes and this file wires them up.
"use strict";

// <input data-counselor-picker data-source="/counselors/" list="…-options">: as one types, suggest the counselors
// whose name matches in its <datalist>, which gives the keyboard and screen readers the suggestions natively.
// With data-submit-on-pick, choosing a suggestion applies it at once (the form's button does too).
const pickerTimers = new WeakMap();

async function suggestCounselors(field) {
  const typed = field.value.trim();
  const url = new URL(field.dataset.source, window.location.href);
  url.searchParams.set("q", typed);
  let found;
  try {
    const response = await fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" });
    if (!response.ok) return;
    found = await response.json();
  } catch {
    return; // no suggestions; the typed name is still looked up when the form is sent
  }
  if (field.value.trim() !== typed || !field.list) return; // typed on since: a later answer fills the list
  field.list.replaceChildren(
    ...found.results.map((counselor) => {
      const option = document.createElement("option");
      option.value = counselor.label;
      return option;
    }),
  );
}

document.addEventListener("input", (event) => {
  const field = event.target;
  if (!(field instanceof HTMLInputElement) || !field.matches("[data-counselor-picker]")) return;
  const picked = field.list && [...field.list.options].some((option) => option.value === field.value);
  if (picked && field.matches("[data-submit-on-pick]") && field.form) {
    field.form.requestSubmit();
    return;
  }
  clearTimeout(pickerTimers.get(field));
  pickerTimers.set(
    field,
    setTimeout(() => suggestCounselors(field), 150),
  );
});

// The calendar (templates/staff/_calendar.html): a click on an empty slot of a column that carries data-book opens
// the booking page at that slot's time (15-minute rows from the grid's data-first-hour). The column's "Book" link does
// the same from the keyboard, without a time.
document.addEventListener("click", (event) => {
  const body = event.target instanceof Element && event.target.closest(".cal-body");
  if (!body || event.target.closest("a, li") || getComputedStyle(body).display !== "grid") return;
  const column = body.closest(".cal-col[data-book]");
  const grid = body.closest(".cal");
  if (!column || !grid) return;
  const rows = Number(grid.dataset.rows);
  const box = body.getBoundingClientRect();
  const row = Math.min(rows - 1, Math.max(0, Math.floor(((event.clientY - box.top) / box.height) * rows)));
  const minutes = Number(grid.dataset.firstHour) * 60 + row * 15;
  const at = `${String(Math.floor(minutes / 60)).padStart(2, "0")}:${String(minutes % 60).padStart(2, "0")}`;
  window.location.assign(`${column.dataset.book}&at=${at}`);
});
