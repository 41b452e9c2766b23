// Shows a Thunderclap's moment in the visitor's own time zone. The page already states it in
// UTC and in the campaign's time zone, so without JavaScript nothing is missing.
(function () {
  "use strict";
  function show() {
    var language = document.documentElement.lang || undefined;
    document.querySelectorAll("time[data-local-time]").forEach(function (element) {
      var moment = new Date(element.getAttribute("datetime"));
      var holder = element.parentElement.querySelector(".local-time");
      if (isNaN(moment) || !holder) return;
      var format = new Intl.DateTimeFormat(language, {
        dateStyle: "long", timeStyle: "short", timeZoneName: "short"
      });
      holder.querySelector("[data-local-time-out]").textContent = format.format(moment);
      holder.hidden = false;
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", show);
  } else {
    show();
  }
})();
