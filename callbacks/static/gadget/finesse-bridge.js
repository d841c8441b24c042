/*
 * The gadget and Finesse (through CallbackGadget.context): the agent, the current call
 * prefilling the form, and reporting a delivered callback (flow step 13, docs/architecture.md §7).
 */
(function (root) {
  "use strict";
  var CG = root.CallbackGadget;
  var U = CG.util;
  var Gadget = CG.Gadget;

  // --- Finesse: agent and calls ---------------------------------------------------

  Gadget.prototype.handlers = function () {
    return {
      agent: this.onAgent.bind(this),
      dialog: this.onDialog.bind(this),
      dialogEnded: this.onDialogEnded.bind(this),
      tabShown: this.resize.bind(this)
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

  // The call line's text per kind of call (customer.js): "call.<kind>".
  var CALL_TEXTS = {
    dialer: "call.outbound",
    dialled: "call.dialled",
    inbound: "call.inbound",
    transfer: "call.transfer",
    reservation: "call.reservation",
    internal: "call.internal",
    unknown: "call.inbound"
  };

  Gadget.prototype.renderCall = function (dialog, ended) {
    var t = this.t;
    var key = ended ? "call.ended" : CALL_TEXTS[dialog.kind] || "call.inbound";
    var parts = [t.t(key, { number: dialog.customerNumber || "?" })];
    if (dialog.accountNumber) {
      parts.push(t.t("call.account", { account: dialog.accountNumber }));
    }
    if (dialog.campaign) {
      parts.push(t.t("call.campaign", { campaign: dialog.campaign }));
    }
    this.els.call.textContent = parts.join(" · ");
    this.els.call.hidden = false;
    this.els.call.setAttribute("data-kind", ended ? "ended" : dialog.kind);
    this.resize();
  };

  /**
   * A call appeared or changed: pre-fill the form, and report a callback delivered.
   * Call variables may come in a later change of the dialog: what they bring is
   * applied to every field the agent has not edited (the number while it is empty or
   * still the one filled in, the campaign while the agent has not chosen one).
   */
  Gadget.prototype.onDialog = function (dialog) {
    this.dialog = dialog;
    this.renderCall(dialog, false);
    var phone = this.els.phone;
    var number = dialog.customerNumber;
    if (number && number !== phone.value && (!phone.value.trim() || phone.value === this.prefilled)) {
      phone.value = number;
      this.prefilled = number;
      this.phoneChangedSoon();
    }
    if (dialog.accountNumber) {
      this.origin = dialog.accountNumber;
    }
    if (dialog.campaign && !this.campaignChosen) {
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

  /**
   * Flow step 13 (docs/architecture.md §7): the callback call reached this agent (once per
   * call and callback).
   */
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
})(window);
