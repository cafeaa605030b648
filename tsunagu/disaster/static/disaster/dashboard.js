/* The disaster pages' few behaviours (loaded with defer; no inline script under the Content-Security-Policy).
 *
 * - A row answered by htmx (a report recorded from the safety list or from the dashboard's unconfirmed list)
 *   takes the keyboard focus on its message, so a keyboard or screen reader user stays where they were.
 * - The dashboard refreshes itself every 5 s (hx-trigger on #dashboard-live). A region marked data-live-region is
 *   not replaced while the keyboard focus is inside it (a caller typing a note or moving through the buttons):
 *   its refresh is skipped and a note says so; the next refresh after the focus leaves brings it up to date.
 * - A <details data-remember-open> (the chart's table) stays open across refreshes. */
(function () {
  "use strict";

  var openDetails = {};

  function focusInside(region) {
    var active = document.activeElement;
    return Boolean(active && active !== document.body && region && region.contains(active));
  }

  function showPaused(region, paused) {
    var note = region && region.querySelector("[data-paused-note]");
    if (note) {
      note.hidden = !paused;
    }
  }

  function holdWhileFocused(event) {
    var target = event.detail && event.detail.target;
    if (!target || !target.hasAttribute || !target.hasAttribute("data-live-region")) {
      return;
    }
    if (focusInside(target)) {
      event.detail.shouldSwap = false;
      showPaused(target, true);
    }
  }

  // The figures (the main swap of #dashboard-live) and the unconfirmed list (out of band).
  document.addEventListener("htmx:beforeSwap", holdWhileFocused);
  document.addEventListener("htmx:oobBeforeSwap", holdWhileFocused);

  document.addEventListener(
    "toggle",
    function (event) {
      var details = event.target;
      if (details.id && details.hasAttribute && details.hasAttribute("data-remember-open")) {
        openDetails[details.id] = details.open;
      }
    },
    true
  );

  document.addEventListener("htmx:afterSettle", function () {
    Object.keys(openDetails).forEach(function (id) {
      var details = document.getElementById(id);
      if (details && openDetails[id] && !details.open) {
        details.open = true;
      }
    });
    var message = document.querySelector("[data-focus-after-swap]");
    if (message) {
      message.removeAttribute("data-focus-after-swap");
      message.focus();
    }
  });
})();
