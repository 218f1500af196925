// The subject picker (SPEC §12): GOV.UK's accessible-autocomplete over the plain text input.
//
// Without JavaScript the page works as it is: type a name or staff number, press "Find",
// and choose among the matches the server lists as radios. With it, the text input becomes
// an autocomplete that asks the server (the JSON at data-source: only people the user may
// see, at most 20) as the user types, and the person chosen is sent as existing_person; the
// Find button goes (sending the form with a name typed and nobody chosen still lists them).
// Loaded as a script from 'self' (the page's Content-Security-Policy); no inline code.
(function () {
  "use strict";
  var picker = document.querySelector("[data-person-picker]");
  if (!picker || typeof window.accessibleAutocomplete !== "function" || !window.fetch) return;
  var original = picker.querySelector("input[type=text]");
  var form = picker.closest("form");
  if (!original || !form) return;

  var source = picker.getAttribute("data-source");
  var chosen = form.querySelector("input[type=hidden][name=existing_person]");
  if (!chosen) {
    chosen = document.createElement("input");
    chosen.type = "hidden";
    chosen.name = "existing_person";
    form.appendChild(chosen);
  }
  var chosenLabel = "";

  function radios() {
    return form.querySelectorAll("input[type=radio][name=existing_person]");
  }

  var timer = null;
  var pending = null;
  function lookup(query, populate) {
    window.clearTimeout(timer);
    timer = window.setTimeout(function () {
      if (pending) pending.abort();
      pending = typeof AbortController === "function" ? new AbortController() : null;
      var sep = source.indexOf("?") === -1 ? "?" : "&";
      window
        .fetch(source + sep + "q=" + encodeURIComponent(query), {
          credentials: "same-origin",
          headers: { Accept: "application/json" },
          signal: pending ? pending.signal : undefined,
        })
        .then(function (response) {
          return response.ok ? response.json() : { people: [] };
        })
        .then(function (data) {
          populate(data.people || []);
        })
        .catch(function () {
          /* aborted by a newer query, or offline: sending the form lists the matches */
        });
    }, 200);
  }

  function escapeHtml(text) {
    var div = document.createElement("div");
    div.textContent = text;
    return div.innerHTML;
  }

  var container = document.createElement("div");
  container.className = "ct-person-picker__autocomplete";
  original.parentNode.insertBefore(container, original);
  var id = original.id;
  var name = original.name;
  var value = original.value;
  original.parentNode.removeChild(original);
  // The suggestions replace "Find" (and the form's Enter key is the main button's again).
  var find = picker.querySelector("[data-person-picker-find]");
  if (find) find.parentNode.removeChild(find);

  window.accessibleAutocomplete({
    element: container,
    id: id,
    name: name,
    defaultValue: value,
    minLength: 2,
    source: lookup,
    showNoOptionsFound: true,
    confirmOnBlur: false,
    inputClasses: "govuk-input",
    templates: {
      inputValue: function (person) {
        return person ? person.label : "";
      },
      suggestion: function (person) {
        return typeof person === "string" ? escapeHtml(person) : escapeHtml(person.label);
      },
    },
    tNoResults: function () {
      return "No workforce record you can see matches";
    },
    onConfirm: function (person) {
      if (!person) return;
      chosen.value = String(person.id);
      chosenLabel = person.label;
      radios().forEach(function (radio) {
        radio.checked = false;
      });
    },
  });

  // Typing something else after choosing: the choice no longer stands.
  var input = document.getElementById(id);
  if (input) {
    input.addEventListener("input", function () {
      if (input.value !== chosenLabel) chosen.value = "";
    });
  }
  // A radio chosen after the autocomplete: the radio wins.
  radios().forEach(function (radio) {
    radio.addEventListener("change", function () {
      chosen.value = "";
    });
  });
})();
