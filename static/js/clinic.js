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
