/*
 * The slot picker drawn: the days of the week with why one is closed, the free slots
 * of the chosen day, the chosen slot marked, and errors with suggested slots.
 */
(function (root) {
  "use strict";
  var CG = root.CallbackGadget;
  var U = CG.util;
  var el = U.el;
  var wall = U.wall;
  var formatDay = U.formatDay;
  var formatDayParts = U.formatDayParts;
  var setTabStop = U.setTabStop;
  var Picker = CG.Picker;

  Picker.prototype.dayStatus = function (day) {
    var t = this.gadget.t;
    if (day.available) {
      return t.t("day.free", { count: day.slots.length });
    }
    var code = day.reason && day.reason.code;
    if (code === "holiday") {
      return t.t("day.holiday");
    }
    if (code === "skill_closed") {
      return t.t("day.closed");
    }
    return code ? t.t("day.unavailable") : t.t("day.full");
  };

  Picker.prototype.dayReason = function (day) {
    if (day.available) {
      return "";
    }
    if (!day.reason) {
      return this.gadget.t.t("slots.none");
    }
    return this.gadget.t.errorText(day.reason, this.gadget.messageParams(this.options.skill()));
  };

  Picker.prototype.renderDays = function () {
    var self = this;
    var lang = this.gadget.lang;
    this.dayList.textContent = "";
    this.days.forEach(function (day) {
      var parts = formatDayParts(lang, day.date);
      var status = self.dayStatus(day);
      var reason = self.dayReason(day);
      var label = formatDay(lang, day.date, "medium") + ": " + (day.available ? status : reason);
      var button = el(
        "button",
        {
          type: "button",
          className: "cbg-day" + (day.available ? "" : " cbg-unavailable"),
          "data-date": day.date,
          "aria-pressed": "false",
          // Still a working button: choosing a closed day shows why it is closed.
          "data-available": day.available ? "true" : "false",
          "aria-label": label,
          title: reason || null
        },
        [
          el("span", { className: "cbg-day-name", text: parts.weekday }),
          el("span", { className: "cbg-day-date", text: parts.day }),
          el("span", { className: "cbg-day-status", text: status })
        ]
      );
      button.addEventListener("click", function () {
        self.selectDay(day.date);
        self.options.onChange();
      });
      self.dayList.appendChild(button);
    });
  };

  /** Select a day of the loaded week: its slots, or why it is not available. */
  Picker.prototype.selectDay = function (dateStr, quiet) {
    var day = this.days.filter(function (d) {
      return d.date === dateStr;
    })[0];
    this.selected = day ? day.date : "";
    var buttons = Array.prototype.slice.call(this.dayList.querySelectorAll("button"));
    var active = null;
    buttons.forEach(function (button) {
      var on = button.getAttribute("data-date") === dateStr;
      button.setAttribute("aria-pressed", on ? "true" : "false");
      if (on) {
        active = button;
      }
    });
    setTabStop(buttons, active || buttons[0]);
    if (day) {
      this.date.value = day.date;
    } else if (!quiet) {
      this.date.value = dateStr || "";
    }
    this.renderSlots(day);
    this.gadget.resize();
  };

  Picker.prototype.renderSlots = function (day) {
    var t = this.gadget.t;
    var lang = this.gadget.lang;
    var self = this;
    this.slotList.textContent = "";
    this.dayNote.textContent = "";
    this.dayNote.classList.remove("cbg-closed");
    if (!day) {
      return;
    }
    this.slotList.setAttribute("aria-label", t.t("slots.label", { day: formatDay(lang, day.date, "medium") }));
    if (!day.available) {
      this.dayNote.textContent = t.t("day.selected.closed", {
        day: formatDay(lang, day.date, "medium"),
        reason: this.dayReason(day)
      });
      this.dayNote.classList.add("cbg-closed");
      return;
    }
    day.slots.forEach(function (slot) {
      var time = wall(slot.local).time;
      var button = el(
        "button",
        {
          type: "button",
          className: "cbg-slot",
          "data-time": time,
          "data-start": slot.start,
          "aria-pressed": "false",
          "aria-label": t.t("slot.aria", { time: time, remaining: slot.remaining, capacity: slot.capacity })
        },
        [
          el("span", { className: "cbg-slot-time", text: time }),
          el("span", { className: "cbg-slot-free", text: t.t("slot.free", { remaining: slot.remaining }) })
        ]
      );
      button.addEventListener("click", function () {
        self.date.value = day.date;
        self.time.value = time;
        self.markSlot();
        self.options.onChange();
      });
      self.slotList.appendChild(button);
    });
    this.markSlot();
  };

  /** The slot button matching the time input is pressed and holds the Tab stop. */
  Picker.prototype.markSlot = function () {
    var time = this.time.value;
    var sameDay = this.date.value === this.selected;
    var buttons = Array.prototype.slice.call(this.slotList.querySelectorAll("button"));
    var active = null;
    buttons.forEach(function (button) {
      var on = sameDay && button.getAttribute("data-time") === time;
      button.setAttribute("aria-pressed", on ? "true" : "false");
      if (on) {
        active = button;
      }
    });
    setTabStop(buttons, active || buttons[0]);
  };

  Picker.prototype.showErrors = function (texts, suggestions) {
    var self = this;
    var t = this.gadget.t;
    this.error.textContent = texts.join(" ");
    var invalid = texts.length ? "true" : null;
    [this.date, this.time].forEach(function (input) {
      if (invalid) {
        input.setAttribute("aria-invalid", invalid);
      } else {
        input.removeAttribute("aria-invalid");
      }
    });
    this.suggestions.textContent = "";
    if (!texts.length || !suggestions || !suggestions.length) {
      return;
    }
    this.suggestions.appendChild(el("span", { className: "cbg-hint", text: t.t("suggestions.title") }));
    suggestions.forEach(function (slot) {
      var at = wall(slot.local);
      var label = formatDay(self.gadget.lang, at.date, "short") + ", " + at.time;
      var button = el("button", {
        type: "button",
        className: "cbg-suggestion",
        "data-date": at.date,
        "data-time": at.time,
        text: label,
        "aria-label": t.t("slot.aria", { time: formatDay(self.gadget.lang, at.date, "medium") + ", " + at.time, remaining: slot.remaining, capacity: slot.capacity })
      });
      button.addEventListener("click", function () {
        self.goTo(at.date, at.time).then(function () {
          var chosen = self.slotList.querySelector('button[aria-pressed="true"]');
          (chosen || self.time).focus();
        });
      });
      self.suggestions.appendChild(button);
    });
  };
})(window);
