/*
 * The gadget's form: fields, live validation, errors next to their fields, submit
 * (idempotent retries) and the confirmation.
 */
(function (root) {
  "use strict";
  var CG = root.CallbackGadget;
  var U = CG.util;
  var doc = U.doc;
  var FIELD_ERRORS = U.FIELD_ERRORS;
  var byId = U.byId;
  var el = U.el;
  var wall = U.wall;
  var formatDay = U.formatDay;
  var Gadget = CG.Gadget;

  Gadget.prototype.bindForm = function () {
    var self = this;
    var els = this.els;
    els.phone.addEventListener("input", function () {
      self.phoneChangedSoon();
    });
    els.campaign.addEventListener("change", function () {
      self.campaignChosen = true; // the agent's choice: a later call variable keeps off it
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
    this.campaignChosen = false;
    this.picker.clearTime();
    this.stopValidation();
    this.showErrors([], []);
  };
})(window);
