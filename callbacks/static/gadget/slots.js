/*
 * The slot picker (CallbackGadget.Picker): a week of days, the free slots of one day,
 * date and time inputs. Used by the form and by each reschedule panel. This file
 * builds it and loads the days; slots-render.js draws them.
 */
(function (root) {
  "use strict";
  var CG = root.CallbackGadget;
  var U = CG.util;
  var WEEK = U.WEEK;
  var el = U.el;
  var addDays = U.addDays;
  var daysBetween = U.daysBetween;
  var keepingFocus = U.keepingFocus;
  var rovingFocus = U.rovingFocus;

  // --- Picker: a week of days, the free slots of one day, date and time inputs --------

  /**
   * options: {id, skill(), phone(), onChange(), onPhoneError(error|null)}. Used by the
   * form and by each reschedule panel.
   */
  function Picker(host, gadget, options) {
    this.gadget = gadget;
    this.options = options;
    this.start = "";
    this.days = [];
    this.selected = "";
    this.loadSeq = 0;
    this.shownSeq = 0;
    this.build(host, options.id);
  }

  Picker.prototype.build = function (host, id) {
    var texts = this.gadget.t;
    var t = function (key) {
      return texts.t(key);
    };
    this.zoneNote = el("p", { className: "cbg-hint", id: id + "-zone" });
    this.date = el("input", { type: "date", id: id + "-date", "aria-describedby": id + "-error" });
    this.time = el("input", { type: "time", id: id + "-time", step: "60", "aria-describedby": id + "-error" });
    this.earlier = el("button", {
      type: "button",
      className: "cbg-nav",
      id: id + "-earlier",
      "aria-label": t("days.earlier"),
      title: t("days.earlier"),
      text: "‹"
    });
    this.later = el("button", {
      type: "button",
      className: "cbg-nav",
      id: id + "-later",
      "aria-label": t("days.later"),
      title: t("days.later"),
      text: "›"
    });
    this.dayList = el("div", { className: "cbg-days", id: id + "-days", role: "group", "aria-label": t("days.label") });
    this.dayNote = el("p", { className: "cbg-day-note", id: id + "-day-note", "aria-live": "polite" });
    this.slotList = el("div", {
      className: "cbg-slots",
      id: id + "-slots",
      role: "group",
      "aria-describedby": id + "-keys"
    });
    this.keysHint = el("span", { className: "cbg-visually-hidden", id: id + "-keys", text: t("keys.hint") });
    this.error = el("span", { className: "cbg-error", id: id + "-error", "data-field": "scheduled_at", "aria-live": "polite" });
    this.suggestions = el("div", { className: "cbg-suggestions", id: id + "-suggestions" });

    host.appendChild(this.zoneNote);
    host.appendChild(
      el("div", { className: "cbg-row cbg-row-tight" }, [
        el("div", { className: "cbg-field" }, [el("label", { for: this.date.id, text: t("field.date") }), this.date]),
        el("div", { className: "cbg-field" }, [el("label", { for: this.time.id, text: t("field.time") }), this.time])
      ])
    );
    host.appendChild(el("div", { className: "cbg-week" }, [this.earlier, this.dayList, this.later]));
    host.appendChild(this.dayNote);
    host.appendChild(this.slotList);
    host.appendChild(this.keysHint);
    host.appendChild(this.error);
    host.appendChild(this.suggestions);

    rovingFocus(this.dayList);
    rovingFocus(this.slotList);
    var self = this;
    this.earlier.addEventListener("click", function () {
      self.load(addDays(self.start, -WEEK));
    });
    this.later.addEventListener("click", function () {
      self.load(addDays(self.start, WEEK));
    });
    this.date.addEventListener("change", function () {
      if (/^\d{4}-\d{2}-\d{2}$/.test(self.date.value)) {
        self.goTo(self.date.value, self.time.value);
      }
    });
    this.time.addEventListener("input", function () {
      self.markSlot();
      self.options.onChange();
    });
  };

  Picker.prototype.today = function () {
    return this.gadget.today(this.zone());
  };

  Picker.prototype.zone = function () {
    return this.gadget.skillZone(this.options.skill());
  };

  Picker.prototype.lastDay = function () {
    return addDays(this.today(), this.gadget.config.rules.max_days_ahead);
  };

  /** The first day of the week page that holds `dateStr` (pages start today). */
  Picker.prototype.weekOf = function (dateStr) {
    var today = this.today();
    var offset = Math.max(0, daysBetween(today, dateStr));
    return addDays(today, Math.floor(offset / WEEK) * WEEK);
  };

  Picker.prototype.value = function () {
    return this.date.value && this.time.value ? this.date.value + "T" + this.time.value : "";
  };

  Picker.prototype.clearTime = function () {
    this.time.value = "";
    this.markSlot();
  };

  /** Whether a week asked for is still on its way. */
  Picker.prototype.loading = function () {
    return this.shownSeq !== this.loadSeq;
  };

  /**
   * Show the week holding `dateStr`, select that day and put `time` in. A week still on
   * its way is asked for again, so that its late answer cannot move the day away from
   * the one the agent just chose (a suggestion, the date input).
   */
  Picker.prototype.goTo = function (dateStr, time) {
    var self = this;
    var shown = this.days.some(function (d) {
      return d.date === dateStr;
    });
    var ready = shown && !this.loading() ? Promise.resolve() : this.load(this.weekOf(dateStr), dateStr);
    return ready.then(function () {
      self.selectDay(dateStr);
      self.time.value = time || "";
      self.markSlot();
      self.options.onChange();
    });
  };

  /**
   * Load a week of slots, then select `want` (a date). Without `want` the day selected
   * when the answer comes stays selected (else the first free day): an answer can come
   * after the agent chose another day, and must not undo that choice.
   */
  Picker.prototype.load = function (start, want) {
    var skill = this.options.skill();
    if (!skill || !this.gadget.config) {
      return Promise.resolve();
    }
    var self = this;
    var seq = (this.loadSeq += 1);
    start = start || this.start || this.today();
    if (daysBetween(this.today(), start) < 0) {
      start = this.today();
    }
    this.zoneNote.textContent = this.gadget.t.t("when.zone", { zone: this.zone() });
    this.slotList.setAttribute("aria-busy", "true");
    var params = { skill: skill, date: start, days: WEEK, phone: this.options.phone() };
    return this.gadget.api.slots(params).then(function (answer) {
      if (seq !== self.loadSeq) {
        return null;
      }
      var phoneProblem = !answer.ok && answer.errors[0] && answer.errors[0].field === "phone";
      if (phoneProblem) {
        // The number decides the customer's hours; without a valid one show the skill's.
        self.options.onPhoneError(answer.errors[0]);
        params.phone = "";
        return self.gadget.api.slots(params).then(function (again) {
          return seq === self.loadSeq ? self.show(start, again, want) : null;
        });
      }
      self.options.onPhoneError(null);
      return self.show(start, answer, want);
    });
  };

  /** The week the agent sees, free slots changed (a booking, the customer's number). */
  Picker.prototype.reload = function () {
    return this.load(this.start);
  };

  Picker.prototype.show = function (start, answer, want) {
    this.shownSeq = this.loadSeq;
    this.slotList.removeAttribute("aria-busy");
    if (!answer.ok) {
      this.gadget.reportFailure(answer);
      return;
    }
    this.start = start;
    this.days = answer.data.days;
    this.date.min = this.today();
    this.date.max = this.lastDay();
    this.earlier.disabled = daysBetween(this.today(), start) <= 0;
    this.later.disabled = daysBetween(addDays(start, WEEK), this.lastDay()) < 0;
    var keep = want || this.selected;
    var inWeek = this.days.some(function (d) {
      return d.date === keep;
    });
    if (!inWeek) {
      var firstFree = this.days.filter(function (d) {
        return d.available;
      })[0];
      keep = firstFree ? firstFree.date : "";
    }
    var self = this;
    var before = this.value();
    keepingFocus(this.dayList, "data-date", function () {
      self.renderDays();
      keepingFocus(self.slotList, "data-time", function () {
        self.selectDay(keep, true);
      });
    });
    if (this.value() !== before) {
      this.options.onChange(); // another day with the same time: check that one
    }
    this.gadget.resize();
  };

  CG.Picker = Picker;
})(window);
