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

// <button data-print>: the print view's Print button.
document.addEventListener("click", (event) => {
  if (event.target instanceof Element && event.target.closest("[data-print]")) window.print();
});

// The attendance sheet. A row's minutes are asked for only when its status needs them (late, left early); for the
// other statuses the server records the whole session, or none of it.
const PARTIAL = ["late", "left_early"];

function followStatus(select) {
  const minutes = document.getElementById(select.id.replace(/^status-/, "minutes-"));
  if (!minutes || select.disabled) return;
  const needed = PARTIAL.includes(select.value);
  minutes.disabled = !needed;
  minutes.required = needed;
  if (!needed) minutes.value = "";
}

document.addEventListener("change", (event) => {
  if (event.target instanceof HTMLSelectElement && event.target.matches("[data-status]")) followStatus(event.target);
});

// "Mark all present": every row not yet recorded shows present, nothing saved yet; the user changes the exceptions
// and saves. (Without script the button posts and the server answers with the sheet so marked.)
document.addEventListener("click", (event) => {
  const button = event.target instanceof Element && event.target.closest("[data-mark-all-present]");
  if (!button) return;
  event.preventDefault();
  const sheet = document.getElementById("sheet");
  let marked = 0;
  for (const select of sheet.querySelectorAll("select[data-status]")) {
    if (select.disabled || select.value !== "") continue;
    select.value = "present";
    followStatus(select);
    marked += 1;
  }
  const status = document.getElementById("mark-all-status");
  if (status) {
    status.textContent = marked
      ? `${marked} marked present: change the exceptions, then save.`
      : "Everyone already has a status.";
  }
});

// <input data-patient-picker data-source="/groups/7/candidates/" list="…-options">: the same, for patients. What was
// typed is posted (with the form's CSRF token), never put in a URL: a patient's name must not reach access logs.
async function suggestPatients(field) {
  const typed = field.value.trim();
  const token = field.form && field.form.querySelector("[name=csrfmiddlewaretoken]");
  const body = new URLSearchParams({ q: typed });
  let found;
  try {
    const response = await fetch(field.dataset.source, {
      method: "POST",
      body,
      headers: { Accept: "application/json", "X-CSRFToken": token ? token.value : "" },
      credentials: "same-origin",
    });
    if (!response.ok) return;
    found = await response.json();
  } catch {
    return; // no suggestions; the typed name or MRN is still looked up when the form is sent
  }
  if (field.value.trim() !== typed || !field.list) return;
  field.list.replaceChildren(
    ...found.results.map((patient) => {
      const option = document.createElement("option");
      option.value = patient.label;
      return option;
    }),
  );
}

document.addEventListener("input", (event) => {
  const field = event.target;
  if (!(field instanceof HTMLInputElement) || !field.matches("[data-patient-picker]")) return;
  clearTimeout(pickerTimers.get(field));
  pickerTimers.set(
    field,
    setTimeout(() => suggestPatients(field), 150),
  );
});
