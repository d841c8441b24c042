/*
 * The preview page's stand-in for Finesse: `window.finesse` with the parts the gadget
 * uses (gadget.Config, clientservices.ClientServices.init, restservices.User with
 * getDialogs), and buttons that make a simulated call appear, change and end. The
 * gadget then runs exactly as inside Finesse, except that without gadgets.io it calls
 * the API with fetch. Loaded before the gadget's scripts.
 */
(function (root) {
  "use strict";
  var doc = root.document;
  var config = JSON.parse(doc.getElementById("cbg-preview-config").textContent);
  var agent = config.agent;
  var EXTENSION = "1001";

  var dialogs = {};
  var watchers = [];
  var serial = 0;

  /** A Finesse Dialog as far as the gadget reads it. */
  function Dialog(spec) {
    this.spec = spec;
    this.handlers = [];
  }
  Dialog.prototype.getId = function () {
    return this.spec.id;
  };
  Dialog.prototype.getFromAddress = function () {
    return this.spec.from;
  };
  Dialog.prototype.getToAddress = function () {
    return this.spec.to;
  };
  Dialog.prototype.getMediaProperties = function () {
    return this.spec.media;
  };
  Dialog.prototype.addHandler = function (event, handler) {
    if (event === "change") {
      this.handlers.push(handler);
    }
  };

  function User(options) {
    var self = this;
    setTimeout(function () {
      options.onLoad(self);
    }, 0);
  }
  User.prototype.getId = function () {
    return agent.id;
  };
  User.prototype.getFirstName = function () {
    return agent.firstName;
  };
  User.prototype.getLastName = function () {
    return agent.lastName;
  };
  User.prototype.getDialogs = function (handlers) {
    watchers.push(handlers);
    setTimeout(function () {
      if (handlers.onLoad) {
        handlers.onLoad({
          getCollection: function () {
            return Object.assign({}, dialogs);
          }
        });
      }
    }, 0);
  };

  root.finesse = {
    gadget: {
      Config: { id: agent.id, extension: EXTENSION, firstName: agent.firstName, lastName: agent.lastName, locale: "" }
    },
    clientservices: { ClientServices: { init: function () {} } },
    restservices: { User: User }
  };

  function value(id) {
    return doc.getElementById(id).value.trim();
  }

  function state(text) {
    doc.getElementById("pv-call-state").textContent = text;
  }

  function endCall() {
    Object.keys(dialogs).forEach(function (id) {
      var dialog = dialogs[id];
      delete dialogs[id];
      watchers.forEach(function (w) {
        if (w.onCollectionDelete) {
          w.onCollectionDelete(dialog);
        }
      });
    });
    state("No call.");
  }

  /** One call at a time, as on an agent's line: a new one ends the previous. */
  function startCall(kind) {
    endCall();
    var number = value("pv-number");
    var spec = { id: "preview-" + (serial += 1), media: {} };
    if (kind === "outbound") {
      spec.from = EXTENSION;
      spec.to = number;
      spec.media = {
        callType: "OUTBOUND",
        BACampaign: value("pv-ba-campaign"),
        BAAccountNumber: value("pv-ba-account"),
        BADialedListID: "4711"
      };
    } else {
      spec.from = number;
      spec.to = EXTENSION;
      spec.media = { callType: "ACD_IN" };
      if (kind === "callback") {
        spec.media.BAAccountNumber = value("pv-callback-account");
      }
    }
    var dialog = new Dialog(spec);
    dialogs[spec.id] = dialog;
    watchers.forEach(function (w) {
      if (w.onCollectionAdd) {
        w.onCollectionAdd(dialog);
      }
    });
    var names = { outbound: "Outbound dialer call", inbound: "Inbound call", callback: "Callback call" };
    state(names[kind] + " " + spec.id + " from/to " + number + ".");
  }

  function setWidth() {
    doc.getElementById("pv-frame").style.width = value("pv-width") + "px";
  }

  doc.addEventListener("DOMContentLoaded", function () {
    ["outbound", "inbound", "callback"].forEach(function (kind) {
      doc.getElementById("pv-" + kind).addEventListener("click", function () {
        startCall(kind);
      });
    });
    doc.getElementById("pv-end").addEventListener("click", endCall);
    doc.getElementById("pv-width").addEventListener("change", setWidth);
    setWidth();
    var gadget = root.CallbackGadget.startPreview(config);
    doc.getElementById("pv-frame-title").textContent = gadget.t.t("title");
  });

  root.CallbackGadgetPreview = { startCall: startCall, endCall: endCall };
})(window);
