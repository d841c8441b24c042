/*
 * The Finesse callback gadget: schedule a callback from the current call, see free
 * slots, live validation with suggestions, and the agent's own pending callbacks.
 *
 * Uses CallbackGadget.i18n (texts), CallbackGadget.Api (the gadget API over
 * makeRequest or fetch) and CallbackGadget.context (Finesse or the preview's
 * stand-in). Times are wall times in the skill's zone, exactly as the API gives them,
 * so the browser's own time zone never changes what an agent sees or books.
 * All text goes in with textContent: nothing from the API is parsed as HTML.
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
  var OPEN_STATUSES = ["scheduled", "exporting", "in_dialer"];
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

  // --- the gadget ---------------------------------------------------------------------

  function Gadget(options) {
    this.api = options.api;
    this.lang = options.translator.lang;
    this.t = options.translator;
    this.agent = { id: "", name: "" };
    this.config = null;
    this.clockOffset = 0;
    this.dialog = null;
    this.prefilled = "";
    this.origin = "";
    this.attempt = { body: "", key: "" };
    this.validateSeq = 0;
    this.reported = {};
    this.openPanel = null;
    this.els = {
      root: byId("cbg"),
      status: byId("cbg-status"),
      call: byId("cbg-call"),
      form: byId("cbg-form"),
      phone: byId("cbg-phone"),
      campaign: byId("cbg-campaign"),
      skill: byId("cbg-skill"),
      kindStandard: byId("cbg-kind-standard"),
      kindPersonal: byId("cbg-kind-personal"),
      first: byId("cbg-first"),
      last: byId("cbg-last"),
      notes: byId("cbg-notes"),
      formError: byId("cbg-form-error"),
      submit: byId("cbg-submit"),
      confirmation: byId("cbg-confirmation"),
      mine: byId("cbg-mine"),
      mineList: byId("cbg-mine-list"),
      mineNotice: byId("cbg-mine-notice")
    };
    this.els.root.setAttribute("data-transport", this.api.transport.name);
    this.validateSoon = debounce(this.validate.bind(this), VALIDATE_DELAY_MS);
    this.phoneChangedSoon = debounce(this.phoneChanged.bind(this), PHONE_DELAY_MS);
  }

  Gadget.prototype.resize = function () {
    var gadgets = root.gadgets;
    if (gadgets && gadgets.window && typeof gadgets.window.adjustHeight === "function") {
      root.requestAnimationFrame(function () {
        gadgets.window.adjustHeight();
      });
    }
  };

  Gadget.prototype.translatePage = function () {
    var t = this.t;
    this.els.root.setAttribute("lang", this.lang);
    Array.prototype.forEach.call(this.els.root.querySelectorAll("[data-i18n]"), function (node) {
      node.textContent = t.t(node.getAttribute("data-i18n"));
    });
    var gadgets = root.gadgets;
    if (gadgets && gadgets.window && typeof gadgets.window.setTitle === "function") {
      gadgets.window.setTitle(t.t("title"));
    }
  };

  Gadget.prototype.showStatus = function (text, kind) {
    var status = this.els.status;
    status.textContent = text || "";
    status.hidden = !text;
    status.className = "cbg-banner" + (kind ? " cbg-banner-" + kind : "");
    this.resize();
  };

  /** An answer that is not about the callback itself: network, key, throttling... */
  Gadget.prototype.failureText = function (answer) {
    if (answer.status === 0) {
      return this.t.t("error.network");
    }
    if (answer.status === 401 || answer.status === 403) {
      return this.t.t("error.auth");
    }
    if (answer.status === 429) {
      return this.t.t("error.throttled");
    }
    if (answer.status >= 500) {
      return this.t.t("error.server", { status: answer.status });
    }
    return this.t.errorText(answer.errors[0] || {}, this.messageParams());
  };

  Gadget.prototype.reportFailure = function (answer) {
    this.showStatus(this.failureText(answer), "error");
  };

  Gadget.prototype.today = function (zone) {
    return todayIn(zone, Date.now() + this.clockOffset);
  };

  Gadget.prototype.skillZone = function (name) {
    var found = (this.config ? this.config.skills : []).filter(function (s) {
      return s.name === name;
    })[0];
    return found ? found.time_zone : this.config ? this.config.time_zone : "UTC";
  };

  /** What error texts may mention: {skill}, {lead}, {days}, {agent}. */
  Gadget.prototype.messageParams = function (skill) {
    var rules = this.config ? this.config.rules : {};
    return {
      skill: skill || this.els.skill.value,
      lead: rules.min_lead_minutes,
      days: rules.max_days_ahead,
      agent: this.agent.name || this.agent.id
    };
  };

  Gadget.prototype.start = function (prefs) {
    var self = this;
    this.translatePage();
    this.bindForm();
    var missing = !prefs.apiBaseUrl ? "apiBaseUrl" : !prefs.apiKey ? "apiKey" : "";
    if (missing) {
      this.showStatus(this.t.t("error.setup", { what: missing }), "error");
      this.els.submit.disabled = true;
      return Promise.resolve();
    }
    this.showStatus(this.t.t("loading"));
    return this.api.config().then(function (answer) {
      if (!answer.ok) {
        self.reportFailure(answer);
        return null;
      }
      self.showStatus("");
      self.useConfig(answer.data);
      return Promise.all([self.picker.load(), self.loadMine()]);
    });
  };

  Gadget.prototype.useConfig = function (config) {
    this.config = config;
    this.clockOffset = Date.parse(config.server_time) - Date.now();
    var campaign = this.els.campaign;
    campaign.textContent = "";
    if (config.campaigns.length !== 1) {
      campaign.appendChild(el("option", { value: "", text: this.t.t("field.campaign.choose") }));
    }
    config.campaigns.forEach(function (c) {
      campaign.appendChild(el("option", { value: c.name, text: c.name }));
    });
    var skill = this.els.skill;
    skill.textContent = "";
    config.skills.forEach(function (s) {
      skill.appendChild(el("option", { value: s.name, text: s.name }));
    });
    var self = this;
    this.picker = new Picker(byId("cbg-picker"), this, {
      id: "cbg-when",
      skill: function () {
        return self.els.skill.value;
      },
      phone: function () {
        return self.els.phone.value.trim();
      },
      onChange: function () {
        self.validateSoon();
      },
      onPhoneError: function (error) {
        self.setFieldError("phone_number", error ? [self.t.errorText(error, self.messageParams())] : []);
      }
    });
    if (this.dialog) {
      this.chooseCampaign(this.dialog.campaign);
    }
    this.renderKinds();
  };

  Gadget.prototype.bindForm = function () {
    var self = this;
    var els = this.els;
    els.phone.addEventListener("input", function () {
      self.phoneChangedSoon();
    });
    els.campaign.addEventListener("change", function () {
      self.validateSoon();
    });
    els.skill.addEventListener("change", function () {
      self.renderKinds();
      self.picker.clearTime();
      self.picker.load(self.picker.weekOf(self.picker.date.value || self.picker.today()), self.picker.date.value);
      self.validateSoon();
    });
    [els.kindStandard, els.kindPersonal].forEach(function (radio) {
      radio.addEventListener("change", function () {
        self.validateSoon();
      });
    });
    els.form.addEventListener("submit", function (event) {
      event.preventDefault();
      self.submit();
    });
  };

  Gadget.prototype.phoneChanged = function () {
    if (this.picker) {
      this.picker.reload();
    }
    this.validateSoon();
  };

  Gadget.prototype.renderKinds = function () {
    var t = this.t;
    byId("cbg-kind-standard-label").textContent = t.t("kind.standard", { skill: this.els.skill.value || "" });
    var personal = byId("cbg-kind-personal-label");
    if (this.agent.id) {
      personal.textContent = t.t("kind.personal", { agent: this.agent.name || this.agent.id });
      this.els.kindPersonal.disabled = false;
    } else {
      personal.textContent = t.t("kind.personal.unavailable");
      this.els.kindPersonal.disabled = true;
      this.els.kindStandard.checked = true;
    }
  };

  Gadget.prototype.personal = function () {
    return this.els.kindPersonal.checked && !!this.agent.id;
  };

  Gadget.prototype.body = function () {
    var els = this.els;
    return {
      phone_number: els.phone.value.trim(),
      scheduled_at: this.picker ? this.picker.value() : "",
      campaign: els.campaign.value,
      skill: els.skill.value,
      agent_id: this.personal() ? this.agent.id : "",
      agent_name: this.personal() ? this.agent.name : "",
      first_name: els.first.value.trim(),
      last_name: els.last.value.trim(),
      notes: els.notes.value.trim(),
      origin_account_number: this.origin
    };
  };

  // --- errors next to their fields ------------------------------------------------

  Gadget.prototype.setFieldError = function (field, texts) {
    var base = FIELD_ERRORS[field];
    var span = base ? byId(base + "-error") : this.els.formError;
    span.textContent = texts.join(" ");
    var input = base ? byId(base) : null;
    if (input && input.tagName !== "FIELDSET") {
      if (texts.length) {
        input.setAttribute("aria-invalid", "true");
      } else {
        input.removeAttribute("aria-invalid");
      }
    }
  };

  /** Replace every error shown by these (API shape: [{field, code, message}]). */
  Gadget.prototype.showErrors = function (errors, suggestions) {
    var self = this;
    var params = this.messageParams();
    var byField = { "": [], scheduled_at: [] };
    Object.keys(FIELD_ERRORS).forEach(function (field) {
      byField[field] = [];
    });
    errors.forEach(function (error) {
      var field = error.field in byField ? error.field : "";
      byField[field].push(self.t.errorText(error, params));
    });
    Object.keys(byField).forEach(function (field) {
      if (field !== "scheduled_at") {
        self.setFieldError(field, byField[field]);
      }
    });
    if (this.picker) {
      this.picker.showErrors(byField.scheduled_at, suggestions);
    }
    this.resize();
  };

  Gadget.prototype.firstInvalid = function () {
    return this.els.root.querySelector('#cbg-form [aria-invalid="true"]');
  };

  Gadget.prototype.validate = function () {
    var body = this.body();
    if (!this.config || !body.phone_number || !body.scheduled_at || !body.campaign || !body.skill) {
      return Promise.resolve();
    }
    var self = this;
    var seq = (this.validateSeq += 1);
    return this.api.validate(body).then(function (answer) {
      if (seq !== self.validateSeq) {
        return; // a newer check is on its way
      }
      if (answer.ok) {
        self.showErrors(answer.data.errors, answer.data.suggestions);
      } else if (answer.status === 400) {
        self.showErrors(answer.errors, []);
      }
    });
  };

  Gadget.prototype.stopValidation = function () {
    this.validateSoon.cancel();
    this.validateSeq += 1;
  };

  Gadget.prototype.missingFields = function (body) {
    var t = this.t;
    return ["phone_number", "campaign", "skill", "scheduled_at"]
      .filter(function (field) {
        return !body[field];
      })
      .map(function (field) {
        return { field: field, code: "required", message: t.t("error.required." + field) };
      });
  };

  /** One key per distinct request: a retry of the same body replays the first answer. */
  Gadget.prototype.idempotencyKey = function (body) {
    var text = JSON.stringify(body);
    if (this.attempt.body !== text) {
      this.attempt = { body: text, key: CG.newIdempotencyKey() };
    }
    return this.attempt.key;
  };

  Gadget.prototype.submit = function () {
    var self = this;
    var els = this.els;
    if (!this.config || els.submit.disabled) {
      return Promise.resolve();
    }
    var body = this.body();
    var missing = this.missingFields(body);
    if (missing.length) {
      // The catalogue's texts, not the API's: shown through the same path.
      this.showErrors(
        missing.map(function (e) {
          return { field: e.field, code: "", message: e.message };
        }),
        []
      );
      this.focusFirstError();
      return Promise.resolve();
    }
    this.stopValidation(); // a slower live check must not overwrite this answer
    els.submit.disabled = true;
    els.submit.textContent = this.t.t("submitting");
    els.confirmation.hidden = true;
    return this.api.create(body, this.idempotencyKey(body)).then(function (answer) {
      els.submit.disabled = false;
      els.submit.textContent = self.t.t("submit");
      if (answer.ok) {
        self.created(answer.data);
      } else if (answer.status === 400) {
        self.showErrors(answer.errors, (answer.data && answer.data.suggestions) || []);
        self.focusFirstError();
      } else {
        self.setFieldError("", [self.failureText(answer)]);
      }
    });
  };

  Gadget.prototype.focusFirstError = function () {
    var invalid = this.firstInvalid();
    if (invalid) {
      invalid.focus();
    }
  };

  Gadget.prototype.when = function (callback) {
    var at = wall(callback.scheduled_at_local);
    return formatDay(this.lang, at.date, "long") + ", " + at.time + " (" + this.skillZone(callback.skill) + ")";
  };

  Gadget.prototype.created = function (callback) {
    var t = this.t;
    var confirmation = this.els.confirmation;
    confirmation.textContent = "";
    confirmation.appendChild(
      el("strong", { text: t.t("confirm.created", { account: callback.account_number, when: this.when(callback) }) })
    );
    confirmation.appendChild(doc.createTextNode(" "));
    confirmation.appendChild(
      doc.createTextNode(
        callback.kind === "personal" ? t.t("confirm.personal") : t.t("confirm.standard", { skill: callback.skill })
      )
    );
    confirmation.setAttribute("data-account", callback.account_number);
    confirmation.hidden = false;
    this.resetForm();
    confirmation.focus();
    this.picker.reload();
    this.loadMine();
  };

  Gadget.prototype.resetForm = function () {
    var els = this.els;
    els.phone.value = "";
    els.first.value = "";
    els.last.value = "";
    els.notes.value = "";
    this.prefilled = "";
    this.origin = "";
    this.picker.clearTime();
    this.stopValidation();
    this.showErrors([], []);
  };

  // --- Finesse: agent and calls ---------------------------------------------------

  Gadget.prototype.handlers = function () {
    return {
      agent: this.onAgent.bind(this),
      dialog: this.onDialog.bind(this),
      dialogEnded: this.onDialogEnded.bind(this)
    };
  };

  Gadget.prototype.onAgent = function (agent) {
    var changed = agent.id !== this.agent.id;
    this.agent = { id: agent.id, name: agent.name || this.agent.name };
    this.renderKinds();
    if (changed && this.config) {
      this.loadMine();
    }
  };

  Gadget.prototype.chooseCampaign = function (name) {
    var wanted = (name || "").toLowerCase();
    var options = Array.prototype.slice.call(this.els.campaign.options);
    var match = options.filter(function (option) {
      return option.value && option.value.toLowerCase() === wanted;
    })[0];
    if (match) {
      this.els.campaign.value = match.value;
    }
  };

  Gadget.prototype.renderCall = function (dialog, ended) {
    var t = this.t;
    var key = ended ? "call.ended" : dialog.outbound ? "call.outbound" : "call.inbound";
    var parts = [t.t(key, { number: dialog.customerNumber || "?" })];
    if (dialog.accountNumber) {
      parts.push(t.t("call.account", { account: dialog.accountNumber }));
    }
    if (dialog.campaign) {
      parts.push(t.t("call.campaign", { campaign: dialog.campaign }));
    }
    this.els.call.textContent = parts.join(" · ");
    this.els.call.hidden = false;
    this.resize();
  };

  /** A call appeared or changed: pre-fill the form, and report a callback delivered. */
  Gadget.prototype.onDialog = function (dialog) {
    var isNew = !this.dialog || this.dialog.id !== dialog.id;
    this.dialog = dialog;
    this.renderCall(dialog, false);
    if (isNew) {
      var phone = this.els.phone;
      if (dialog.customerNumber && (!phone.value.trim() || phone.value === this.prefilled)) {
        phone.value = dialog.customerNumber;
        this.prefilled = dialog.customerNumber;
        this.phoneChangedSoon();
      }
      this.origin = dialog.accountNumber;
      this.chooseCampaign(dialog.campaign);
    }
    if (dialog.callbackAccount) {
      this.reportDelivered(dialog);
    }
  };

  Gadget.prototype.onDialogEnded = function (id) {
    if (this.dialog && this.dialog.id === id) {
      this.renderCall(this.dialog, true);
    }
  };

  /** Flow step 13 (docs/architecture.md §7): the callback call reached this agent (once per call and callback). */
  Gadget.prototype.reportDelivered = function (dialog) {
    var mark = dialog.id + "/" + dialog.callbackAccount;
    if (this.reported[mark]) {
      return Promise.resolve();
    }
    this.reported[mark] = true;
    var self = this;
    return this.findCallback(dialog.callbackAccount, dialog.customerNumber).then(function (found) {
      if (!found || found.status === "scheduled") {
        return null; // not ours, or not dialed yet: nothing reached anyone
      }
      return self.api.delivered(found.id, self.agent.id).then(function (done) {
        if (done.ok) {
          self.notice(self.t.t("delivered", { account: found.account_number }));
          self.loadMine();
        } else {
          delete self.reported[mark];
        }
      });
    });
  };

  /** A callback by account number: among the caller's number's, else this agent's. */
  Gadget.prototype.findCallback = function (account, phone) {
    var api = this.api;
    var agentId = this.agent.id;
    function pick(answer) {
      return answer.ok
        ? answer.data.results.filter(function (c) {
            return c.account_number === account;
          })[0] || null
        : null;
    }
    var byPhone = phone ? api.list({ phone: phone }).then(pick) : Promise.resolve(null);
    return byPhone.then(function (found) {
      if (found || !agentId) {
        return found;
      }
      return api.list({ agent_id: agentId }).then(pick);
    });
  };

  // --- my pending personal callbacks ----------------------------------------------

  Gadget.prototype.notice = function (text) {
    var notice = this.els.mineNotice;
    notice.textContent = text;
    notice.hidden = !text;
    this.resize();
  };

  Gadget.prototype.loadMine = function () {
    var self = this;
    if (!this.agent.id) {
      this.els.mine.hidden = true;
      return Promise.resolve();
    }
    this.els.mine.hidden = false;
    return this.api.list({ agent_id: this.agent.id }).then(function (answer) {
      if (!answer.ok) {
        self.notice(self.failureText(answer));
        return;
      }
      var open = answer.data.results
        .filter(function (c) {
          return OPEN_STATUSES.indexOf(c.status) >= 0;
        })
        .sort(function (a, b) {
          return a.scheduled_at < b.scheduled_at ? -1 : a.scheduled_at > b.scheduled_at ? 1 : 0;
        });
      self.renderMine(open);
    });
  };

  Gadget.prototype.renderMine = function (callbacks) {
    var self = this;
    var list = this.els.mineList;
    list.textContent = "";
    this.openPanel = null;
    if (!callbacks.length) {
      list.appendChild(el("li", { className: "cbg-empty", text: this.t.t("mine.empty") }));
    }
    callbacks.forEach(function (callback) {
      list.appendChild(self.mineItem(callback));
    });
    this.resize();
  };

  Gadget.prototype.mineItem = function (callback) {
    var t = this.t;
    var self = this;
    var at = wall(callback.scheduled_at_local);
    var name = [callback.first_name, callback.last_name].join(" ").trim();
    var meta = [callback.account_number, callback.skill];
    if (callback.status !== "scheduled") {
      meta.push(t.t("status." + callback.status));
    }
    var panel = el("div", { className: "cbg-panel", hidden: true });
    var reschedule = el("button", {
      type: "button",
      className: "cbg-button",
      "data-action": "reschedule",
      "aria-label": t.t("mine.reschedule.label", { account: callback.account_number }),
      "aria-expanded": "false",
      text: t.t("mine.reschedule")
    });
    var cancel = el("button", {
      type: "button",
      className: "cbg-button cbg-quiet-danger",
      "data-action": "cancel",
      "aria-label": t.t("mine.cancel.label", { account: callback.account_number }),
      "aria-expanded": "false",
      text: t.t("mine.cancel")
    });
    var item = el("li", { className: "cbg-item", "data-account": callback.account_number, "data-id": String(callback.id) }, [
      el("div", { className: "cbg-item-main" }, [
        el("span", { className: "cbg-item-when", text: formatDay(this.lang, at.date, "short") + ", " + at.time }),
        el("span", { className: "cbg-item-who", text: [name, callback.phone_number].filter(Boolean).join(" · ") }),
        el("span", { className: "cbg-item-meta", text: meta.join(" · ") })
      ]),
      el("div", { className: "cbg-item-actions" }, [reschedule, cancel]),
      panel
    ]);
    reschedule.addEventListener("click", function () {
      self.openItemPanel(panel, reschedule, function () {
        self.renderReschedule(panel, callback, reschedule);
      });
    });
    cancel.addEventListener("click", function () {
      self.openItemPanel(panel, cancel, function () {
        self.renderCancel(panel, callback, cancel);
      });
    });
    return item;
  };

  /** One panel open at a time; the button that opened it says so (aria-expanded). */
  Gadget.prototype.openItemPanel = function (panel, opener, render) {
    this.closeItemPanel();
    panel.textContent = "";
    render();
    panel.hidden = false;
    opener.setAttribute("aria-expanded", "true");
    this.openPanel = { panel: panel, opener: opener };
    this.resize();
  };

  Gadget.prototype.closeItemPanel = function (focusOpener) {
    if (!this.openPanel) {
      return;
    }
    this.openPanel.panel.hidden = true;
    this.openPanel.panel.textContent = "";
    this.openPanel.opener.setAttribute("aria-expanded", "false");
    if (focusOpener) {
      this.openPanel.opener.focus();
    }
    this.openPanel = null;
    this.resize();
  };

  Gadget.prototype.renderCancel = function (panel, callback) {
    var t = this.t;
    var self = this;
    var error = el("span", { className: "cbg-error", "aria-live": "polite" });
    var yes = el("button", { type: "button", className: "cbg-button cbg-danger", "data-action": "confirm-cancel", text: t.t("mine.cancel.yes") });
    var no = el("button", { type: "button", className: "cbg-button", "data-action": "keep", text: t.t("mine.cancel.no") });
    panel.appendChild(el("p", { className: "cbg-panel-title", text: t.t("mine.cancel.confirm", { account: callback.account_number }) }));
    panel.appendChild(el("div", { className: "cbg-item-actions" }, [yes, no]));
    panel.appendChild(error);
    no.addEventListener("click", function () {
      self.closeItemPanel(true);
    });
    yes.addEventListener("click", function () {
      yes.disabled = true;
      self.api.cancel(callback.id, "Cancelled by the agent in Finesse").then(function (answer) {
        yes.disabled = false;
        if (!answer.ok) {
          error.textContent = self.failureText(answer);
          return;
        }
        self.notice(t.t("mine.cancelled", { account: callback.account_number }));
        self.loadMine();
        self.picker.reload();
      });
    });
    setTimeout(function () {
      yes.focus();
    }, 0);
  };

  Gadget.prototype.renderReschedule = function (panel, callback) {
    var t = this.t;
    var self = this;
    var host = el("div", { className: "cbg-picker" });
    var error = el("span", { className: "cbg-error", "aria-live": "polite" });
    var move = el("button", { type: "button", className: "cbg-button cbg-primary", "data-action": "move", text: t.t("mine.move") });
    var back = el("button", { type: "button", className: "cbg-button", "data-action": "back", text: t.t("mine.back") });
    var title = el("p", { className: "cbg-panel-title", text: t.t("mine.move.title", { account: callback.account_number }) });
    panel.appendChild(title);
    panel.appendChild(host);
    panel.appendChild(error);
    panel.appendChild(el("div", { className: "cbg-item-actions" }, [move, back]));
    var picker = new Picker(host, this, {
      id: "cbg-move-" + callback.id,
      skill: function () {
        return callback.skill;
      },
      phone: function () {
        return callback.phone_number;
      },
      onChange: function () {
        picker.showErrors([], []);
      },
      onPhoneError: function () {}
    });
    var current = wall(callback.scheduled_at_local).date;
    picker.load(picker.weekOf(current), current).then(function () {
      picker.date.focus();
    });
    back.addEventListener("click", function () {
      self.closeItemPanel(true);
    });
    move.addEventListener("click", function () {
      var when = picker.value();
      error.textContent = "";
      if (!when) {
        picker.showErrors([t.t("error.required.scheduled_at")], []);
        picker.time.focus();
        return;
      }
      move.disabled = true;
      self.api.reschedule(callback.id, when).then(function (answer) {
        move.disabled = false;
        if (answer.ok) {
          self.notice(t.t("mine.moved", { when: self.when(answer.data), account: answer.data.account_number }));
          self.loadMine();
          self.picker.reload();
          return;
        }
        var params = self.messageParams(callback.skill);
        var about = function (e) {
          return e.field === "scheduled_at";
        };
        picker.showErrors(
          answer.errors.filter(about).map(function (e) {
            return self.t.errorText(e, params);
          }),
          (answer.data && answer.data.suggestions) || []
        );
        error.textContent = answer.errors
          .filter(function (e) {
            return !about(e);
          })
          .map(function (e) {
            return answer.status === 400 ? self.t.errorText(e, params) : self.failureText(answer);
          })
          .join(" ");
        self.resize();
      });
    });
  };

  // --- start ------------------------------------------------------------------------

  function navigatorLanguages() {
    var nav = root.navigator || {};
    return (nav.languages && nav.languages.length ? nav.languages : [nav.language]).filter(Boolean);
  }

  /** settings: {prefs (see context.readPrefs), finesse (real or stand-in, optional)} */
  CG.start = function (settings) {
    var prefs = settings.prefs;
    var finesse = settings.finesse;
    var candidates = [CG.context.finesseLocale(finesse), prefs.containerLanguage].concat(navigatorLanguages());
    var lang = CG.i18n.pickLanguage(prefs.language, candidates);
    var gadget = new Gadget({
      api: new CG.Api({ baseUrl: prefs.apiBaseUrl, key: prefs.apiKey, useProxy: prefs.useProxy }),
      translator: new CG.i18n.Translator(lang)
    });
    CG.instance = gadget;
    if (doc.body) {
      doc.body.classList.add("cbg-page");
    }
    gadget.ready = gadget.start(prefs);
    if (finesse && prefs.apiKey && prefs.apiBaseUrl) {
      CG.context.connect(finesse, gadget.handlers());
    }
    return gadget;
  };

  /** Inside Finesse (called from gadgets.HubSettings.onConnect in the gadget XML). */
  CG.startInFinesse = function () {
    return CG.start({ prefs: CG.context.readPrefs({}), finesse: root.finesse });
  };

  /** The preview page: settings from the page, the stand-in Finesse from preview.js. */
  CG.startPreview = function (pageConfig) {
    return CG.start({ prefs: CG.context.readPrefs(pageConfig), finesse: root.finesse });
  };

  CG.Picker = Picker;
  CG.Gadget = Gadget;
})(window);
