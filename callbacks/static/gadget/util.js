/*
 * The gadget's shared helpers: constants, DOM building, dates as "YYYY-MM-DD" strings and
 * wall times, and keyboard focus (one Tab stop per group). First of the gadget's own
 * files, loaded in order (callbacks/gadget.py SCRIPTS: util, slots, slots-render, core,
 * form, finesse-bridge, mycallbacks, gadget) by the gadget XML and the preview page; no
 * build step.
 */
(function (root) {
  "use strict";
  var CG = (root.CallbackGadget = root.CallbackGadget || {});
  var doc = root.document;

  var VALIDATE_DELAY_MS = 300;
  var PHONE_DELAY_MS = 500;
  var WEEK = 7;
  var INTL_LOCALES = { en: "en-GB", pl: "pl-PL" };
  // Pending callbacks an agent may still cancel or move (callbacks.states).
  var FIELD_ERRORS = {
    phone_number: "cbg-phone",
    campaign: "cbg-campaign",
    skill: "cbg-skill",
    agent_id: "cbg-kind",
    first_name: "cbg-first",
    last_name: "cbg-last",
    notes: "cbg-notes"
  };

  // --- small helpers ----------------------------------------------------------------

  function byId(id) {
    return doc.getElementById(id);
  }

  /** el("button", {type: "button", className: "x", text: "Go"}, [children]) */
  function el(tag, attrs, children) {
    var node = doc.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      var value = attrs[name];
      if (value === undefined || value === null || value === false) {
        return;
      }
      if (name === "text") {
        node.textContent = value;
      } else if (name === "className") {
        node.className = value;
      } else if (name === "hidden") {
        node.hidden = true;
      } else {
        node.setAttribute(name, value === true ? "" : value);
      }
    });
    (children || []).forEach(function (child) {
      if (child) {
        node.appendChild(child);
      }
    });
    return node;
  }

  /** fn after `ms` of quiet; .cancel() drops a pending call. */
  function debounce(fn, ms) {
    var timer = null;
    var run = function () {
      clearTimeout(timer);
      timer = setTimeout(fn, ms);
    };
    run.cancel = function () {
      clearTimeout(timer);
    };
    return run;
  }

  // --- dates: "YYYY-MM-DD" strings and wall times ------------------------------------

  function utcDate(dateStr) {
    var p = dateStr.split("-");
    return new Date(Date.UTC(+p[0], +p[1] - 1, +p[2]));
  }

  function addDays(dateStr, n) {
    var d = utcDate(dateStr);
    d.setUTCDate(d.getUTCDate() + n);
    return d.toISOString().slice(0, 10);
  }

  function daysBetween(a, b) {
    return Math.round((utcDate(b) - utcDate(a)) / 86400000);
  }

  function todayIn(zone, nowMs) {
    // en-CA writes dates as YYYY-MM-DD.
    return new Intl.DateTimeFormat("en-CA", {
      timeZone: zone,
      year: "numeric",
      month: "2-digit",
      day: "2-digit"
    }).format(new Date(nowMs));
  }

  /** "2026-11-23T10:15:00+01:00" -> {date: "2026-11-23", time: "10:15"} (wall time). */
  function wall(localIso) {
    return { date: localIso.slice(0, 10), time: localIso.slice(11, 16) };
  }

  function formatDay(lang, dateStr, style) {
    var options =
      style === "long"
        ? { weekday: "long", day: "numeric", month: "long", year: "numeric" }
        : style === "medium"
          ? { weekday: "long", day: "numeric", month: "long" }
          : { weekday: "short", day: "numeric", month: "short" };
    options.timeZone = "UTC";
    return new Intl.DateTimeFormat(INTL_LOCALES[lang] || lang, options).format(utcDate(dateStr));
  }

  function formatDayParts(lang, dateStr) {
    var locale = INTL_LOCALES[lang] || lang;
    var date = utcDate(dateStr);
    return {
      weekday: new Intl.DateTimeFormat(locale, { weekday: "short", timeZone: "UTC" }).format(date),
      day: new Intl.DateTimeFormat(locale, { day: "numeric", month: "short", timeZone: "UTC" }).format(date)
    };
  }

  // --- keyboard: one Tab stop per group, arrow keys move inside it --------------------

  function setTabStop(items, active) {
    items.forEach(function (item) {
      item.tabIndex = item === active ? 0 : -1;
    });
  }

  /** Redraw a group's buttons without losing the keyboard focus (same data-key). */
  function keepingFocus(group, key, draw) {
    var active = doc.activeElement;
    var had = active && group.contains(active) ? active.getAttribute(key) : null;
    draw();
    if (had !== null) {
      var again = group.querySelector("button[" + key + '="' + had + '"]') || group.querySelector("button");
      if (again) {
        setTabStop(Array.prototype.slice.call(group.querySelectorAll("button")), again);
        again.focus();
      }
    }
  }

  function rovingFocus(group) {
    group.addEventListener("keydown", function (event) {
      var items = Array.prototype.slice.call(group.querySelectorAll("button"));
      var at = items.indexOf(doc.activeElement);
      if (at < 0) {
        return;
      }
      var moves = {
        ArrowRight: at + 1,
        ArrowDown: at + 1,
        ArrowLeft: at - 1,
        ArrowUp: at - 1,
        Home: 0,
        End: items.length - 1
      };
      if (!(event.key in moves)) {
        return;
      }
      event.preventDefault();
      var next = items[Math.max(0, Math.min(items.length - 1, moves[event.key]))];
      setTabStop(items, next);
      next.focus();
    });
  }

  CG.util = {
    doc: doc,
    VALIDATE_DELAY_MS: VALIDATE_DELAY_MS,
    PHONE_DELAY_MS: PHONE_DELAY_MS,
    WEEK: WEEK,
    INTL_LOCALES: INTL_LOCALES,
    FIELD_ERRORS: FIELD_ERRORS,
    byId: byId,
    el: el,
    debounce: debounce,
    utcDate: utcDate,
    addDays: addDays,
    daysBetween: daysBetween,
    todayIn: todayIn,
    wall: wall,
    formatDay: formatDay,
    formatDayParts: formatDayParts,
    setTabStop: setTabStop,
    keepingFocus: keepingFocus,
    rovingFocus: rovingFocus
  };
})(window);
