/*
 * The agent's own pending personal callbacks: the list, cancel and reschedule panels.
 * What may be done comes from the API (can_cancel, can_reschedule: the state machine).
 */
(function (root) {
  "use strict";
  var CG = root.CallbackGadget;
  var U = CG.util;
  var el = U.el;
  var wall = U.wall;
  var formatDay = U.formatDay;
  var Gadget = CG.Gadget;
  var Picker = CG.Picker;

  // --- my pending personal callbacks ----------------------------------------------

  Gadget.prototype.notice = function (text, kind) {
    var notice = this.els.mineNotice;
    notice.textContent = text;
    notice.hidden = !text;
    notice.className = "cbg-notice" + (kind ? " cbg-notice-" + kind : "");
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
        self.notice(self.failureText(answer), "error");
        return;
      }
      var open = answer.data.results
        .filter(function (c) {
          return c.can_cancel || c.can_reschedule;
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
    // A callback already on its way says so ("status.*" texts); a scheduled one does not.
    if (t.has("status." + callback.status)) {
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
    // Only what the state machine allows now (the API's can_reschedule, can_cancel).
    var actions = [];
    if (callback.can_reschedule) {
      actions.push(reschedule);
    }
    if (callback.can_cancel) {
      actions.push(cancel);
    }
    var item = el("li", { className: "cbg-item", "data-account": callback.account_number, "data-id": String(callback.id) }, [
      el("div", { className: "cbg-item-main" }, [
        el("span", { className: "cbg-item-when", text: formatDay(this.lang, at.date, "short") + ", " + at.time }),
        el("span", { className: "cbg-item-who", text: [name, callback.phone_number].filter(Boolean).join(" · ") }),
        el("span", { className: "cbg-item-meta", text: meta.join(" · ") })
      ]),
      el("div", { className: "cbg-item-actions" }, actions),
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
})(window);
