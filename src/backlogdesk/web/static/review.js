// Saves an action form in place: posts it, swaps in the row the server sends
// back (every copy of the line on the page), and says what happened. Without
// this script the same forms post normally and the page reloads.
"use strict";

(function () {
  function flash(text, bad) {
    var box = document.getElementById("flash");
    if (!box) {
      return;
    }
    box.textContent = text;
    box.className = bad ? "flash bad" : "flash";
    box.hidden = false;
  }

  function rowFrom(html) {
    var holder = document.createElement("template");
    holder.innerHTML = html.trim();
    return holder.content.querySelector("tr.line-row");
  }

  function rowsOf(lineKey) {
    var rows = document.querySelectorAll("tr.line-row");
    return Array.prototype.filter.call(rows, function (row) {
      return row.getAttribute("data-line-key") === lineKey;
    });
  }

  function swap(form, html) {
    var fresh = rowFrom(html);
    if (!fresh) {
      return;
    }
    var lineKey = fresh.getAttribute("data-line-key");
    var own = form.closest("tr.line-row");
    rowsOf(lineKey).forEach(function (row) {
      var copy = fresh.cloneNode(true);
      var details = copy.querySelector("details");
      // Only the row that was edited keeps its form open (with any message).
      if (row !== own && details) {
        details.open = false;
        var conflict = copy.querySelector(".conflict");
        if (conflict) {
          conflict.remove();
        }
      }
      row.replaceWith(copy);
    });
  }

  function save(form) {
    var button = form.querySelector("button[type=submit]");
    if (button) {
      button.disabled = true;
    }
    var lineKey = form.elements.line_key.value;
    fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      headers: {
        "X-Requested-With": "fetch",
        "X-Return-To": window.location.pathname + window.location.search
      }
    }).then(function (response) {
      return response.text().then(function (text) {
        if (response.status === 200) {
          swap(form, text);
          flash("Saved " + lineKey + ".", false);
        } else if (response.status === 409) {
          swap(form, text);
          flash("Not saved: " + lineKey + " was changed by someone else. " +
            "Their entry is shown; yours is kept in the form.", true);
        } else {
          flash(text, true);
          if (button) {
            button.disabled = false;
          }
        }
      });
    }).catch(function () {
      flash("Could not reach the server; nothing was saved.", true);
      if (button) {
        button.disabled = false;
      }
    });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement)) {
      return;
    }
    var inRow = form.closest("tr.line-row");
    if (!form.classList.contains("action-form") || !inRow || !window.fetch) {
      return;
    }
    event.preventDefault();
    save(form);
  });
})();
