/*
 * The gadget (CallbackGadget.Gadget): its state, page texts, status line, failures,
 * start-up and configuration. The form (form.js), Finesse (finesse-bridge.js) and the
 * agent's own callbacks (mycallbacks.js) add their methods to it.
 *
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
  var CG = root.CallbackGadget;
  var U = CG.util;
  var VALIDATE_DELAY_MS = U.VALIDATE_DELAY_MS;
  var PHONE_DELAY_MS = U.PHONE_DELAY_MS;
  var byId = U.byId;
  var el = U.el;
  var debounce = U.debounce;
  var todayIn = U.todayIn;
  var Picker = CG.Picker;
  // The API's codes for "Finesse did not confirm this agent" (docs/security.md).
  var AGENT_CODES = [
    "agent_session_expired",
    "agent_session_invalid",
    "finesse_credentials_refused",
    "finesse_user_unknown"
  ];

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
    this.campaignChosen = false;
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
    var code = (answer.errors[0] || {}).code || "";
    var signIn = this.api.sessionFailure;
    if (code === "agent_session_required" && signIn) {
      // Finesse did not confirm the agent: say so, not "the key was refused".
      var down = signIn.status === 0 || signIn.status >= 500;
      return this.t.t(down ? "error.finesse_down" : "error.sign_in");
    }
    if (AGENT_CODES.indexOf(code) !== -1) {
      return this.t.t("error.sign_in");
    }
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

  CG.Gadget = Gadget;
})(window);
