/* The phone menu: one button folds the account, language and menu links away (tsunagu.css hides them on
   narrow screens while the header says data-menu="closed").

   Loaded in <head> without defer on purpose: the "js" class must be set before the header is drawn, or a
   phone would show the open menu and then jump. Without JavaScript the class is never set, the button stays
   hidden and everything is shown, as on a wide screen.

   The button is the WAI-ARIA disclosure pattern: a real <button> (Tab, Enter and Space work by themselves)
   whose aria-expanded tells a screen reader whether the menu is open. Escape closes it and returns focus. */
(function () {
  "use strict";

  document.documentElement.classList.add("js");

  function setOpen(header, open) {
    var button = header.querySelector(".menu-button");
    header.setAttribute("data-menu", open ? "open" : "closed");
    if (button) {
      button.setAttribute("aria-expanded", open ? "true" : "false");
    }
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest(".menu-button");
    if (!button) {
      return;
    }
    var header = button.closest(".site-header");
    setOpen(header, header.getAttribute("data-menu") !== "open");
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") {
      return;
    }
    var header = document.querySelector('.site-header[data-menu="open"]');
    if (!header || !header.contains(document.activeElement)) {
      return;
    }
    setOpen(header, false);
    var button = header.querySelector(".menu-button");
    if (button && button.offsetParent !== null) {
      button.focus();
    }
  });
})();
