/*
 * A small jQuery `.tabs()` for modeltranslation's language tabs in the admin.
 *
 * modeltranslation's tab script expects jQuery UI's tabs, which it would fetch from a CDN.
 * No page of ours may load a third-party script, so this file provides just the part of that
 * interface the script uses: `.tabs({active: n})`, `.tabs("option", "active", n)` and a
 * "tabsactivate" event carrying `ui.newTab`. Tabs follow the WAI-ARIA tabs pattern.
 */
(function () {
  "use strict";
  var $ = window.jQuery || window.django.jQuery;

  function tabsOf(container) {
    return container.children("ul").first().children("li");
  }

  function panelFor(tab) {
    return $(document.getElementById(tab.find("a").attr("href").slice(1)));
  }

  function activate(container, index) {
    var tabs = tabsOf(container);
    if (index < 0 || index >= tabs.length) {
      return;
    }
    tabs.each(function (position) {
      var tab = $(this),
        active = position === index;
      tab.toggleClass("ui-tabs-active ui-state-active", active);
      tab.find("a").attr({ "aria-selected": active ? "true" : "false", tabindex: active ? 0 : -1 });
      panelFor(tab).toggleClass("ui-tabs-hide", !active).prop("hidden", !active);
    });
    container.data("solidarityActiveTab", index);
    container.trigger("tabsactivate", { newTab: tabs.eq(index) });
  }

  function build(container, active) {
    var list = container.children("ul").first();
    container.addClass("ui-tabs");
    list.addClass("ui-tabs-nav").attr("role", "tablist");
    tabsOf(container).each(function (position) {
      var tab = $(this),
        link = tab.find("a"),
        panel = panelFor(tab);
      tab.attr("role", "presentation");
      link.attr({ role: "tab", id: panel.attr("id") + "-tab", "aria-controls": panel.attr("id") });
      panel.addClass("ui-tabs-panel").attr({ role: "tabpanel", "aria-labelledby": link.attr("id") });
      link.on("click", function (event) {
        event.preventDefault();
        activate(container, position);
      });
      link.on("keydown", function (event) {
        var count = tabsOf(container).length,
          step = { ArrowRight: 1, ArrowLeft: -1 }[event.key];
        if (step) {
          event.preventDefault();
          activate(container, (position + step + count) % count);
          tabsOf(container).eq((position + step + count) % count).find("a").trigger("focus");
        }
      });
    });
    activate(container, active || 0);
  }

  $.fn.tabs = function (options, name, value) {
    if (options === "option" && name === "active") {
      if (value === undefined) {
        return this.first().data("solidarityActiveTab");
      }
      return this.each(function () {
        activate($(this), value);
      });
    }
    return this.each(function () {
      build($(this), (options && options.active) || 0);
    });
  };
})();
