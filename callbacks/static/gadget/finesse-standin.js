/*
 * The project's stand-in for Cisco's Finesse JavaScript library (finesse.js), for the
 * preview page and the browser tests: `window.finesse` with what the gadget uses,
 * as strict as the real library where a gadget can get it wrong. Never Cisco's code:
 * written from the documentation and the behaviour of finesse.js 10.6.1 (the public
 * copy in CiscoDevNet/finesse-sample-code: its FinesseJavaScriptLibrary folder stops at
 * 10.5.1; 10.6.1 is in WorkflowScreenPopSampleGadget-Finesse-10.6.1-v1.0.zip,
 * FinesseJavaScriptLibrary-10.6.1/finesse-10.6.1.js), named per part.
 *
 * Options (window.FinesseStandInOptions, set before this file loads):
 *   agent: {id, firstName, lastName, extension, password};
 *   config: the library's finesse.gadget.Config (11.0 and later) or null: like 10.x,
 *     there is none and the gadget builds its own from the container's prefs.
 * Control (window.FinesseStandIn): dialog(spec) builds a dialog as Finesse sends it;
 * ring(data), change(id, data), end(id) make calls appear, change and go; showTab()
 * tells the gadget its tab shows; inits lists the configs ClientServices.init got.
 */
(function (root) {
  "use strict";
  var options = root.FinesseStandInOptions || {};
  var agent = options.agent || { id: "jkowalski", firstName: "Jan", lastName: "Kowalski", extension: "1001" };

  // finesse.js 10.6.1, its last module ("finesse"): inside a gadget it puts the agent's
  // credentials into the gadget's prefs at once, with prefs.set, which the container
  // gives only to gadgets that require the "setprefs" feature: without it this throws
  // "_prefs.set is not a function", as the real library does. (The real one needs
  // `gadgets`; the stand-in also runs on the preview page, which has none.)
  if (root.gadgets && root.gadgets.Prefs) {
    var _prefs = new root.gadgets.Prefs();
    _prefs.set("authorization", root.sessionStorage.getItem("userFinesseAuth"));
  }

  var inits = [];
  var inited = false;

  // finesse.js 10.6.1, ClientServices.init: the same check, the same message.
  function init(config) {
    if (!inited) {
      if (
        !(
          typeof config === "object" &&
          config !== null &&
          typeof config.host === "string" &&
          config.host.length > 0 &&
          config.restHost &&
          (typeof config.authorization === "string" ||
            (typeof config.id === "string" && typeof config.password === "string"))
        )
      ) {
        throw new Error("Config object contains invalid properties.");
      }
      if (config.authorization) {
        var decoded = root.atob(config.authorization);
        if (decoded.indexOf(":") === -1) {
          throw new Error("String is not colon delimited."); // Utilities.getCredentials
        }
        config.id = decoded.slice(0, decoded.indexOf(":"));
        config.password = decoded.slice(decoded.indexOf(":") + 1);
      }
      inited = true;
      inits.push(JSON.parse(JSON.stringify(config)));
    }
    return this;
  }

  function mustBeInited() {
    if (!inited) {
      throw new Error("ClientServices needs to be inited."); // ClientServices._isInited
    }
  }

  function later(fn) {
    root.setTimeout(fn, 0);
  }

  // Utilities.getArray: the XML-to-object conversion makes a lone element an object.
  function asArray(value) {
    return value === undefined || value === null ? [] : Array.isArray(value) ? value : [value];
  }

  /** A Dialog over Finesse's own data (the REST API's Dialog, converted from XML). */
  function Dialog(data) {
    this.data = data;
    this.changeHandlers = [];
  }
  Dialog.prototype.getData = function () {
    return this.data;
  };
  Dialog.prototype.getId = function () {
    return this.data.id;
  };
  Dialog.prototype.getFromAddress = function () {
    return this.data.fromAddress;
  };
  Dialog.prototype.getToAddress = function () {
    return this.data.toAddress;
  };
  Dialog.prototype.getState = function () {
    return this.data.state;
  };
  Dialog.prototype.getParticipants = function () {
    return asArray(this.data.participants && this.data.participants.Participant);
  };
  // Dialog.getMediaProperties in finesse.js 10.6.1: the callvariables/CallVariable list
  // becomes name -> value, then the other media properties are added beside it.
  Dialog.prototype.getMediaProperties = function () {
    var raw = this.data.mediaProperties || {};
    var flat = {};
    asArray(raw.callvariables && raw.callvariables.CallVariable).forEach(function (variable) {
      flat[variable.name] = variable.value;
    });
    Object.keys(raw).forEach(function (key) {
      if (key !== "callvariables") {
        flat[key] = raw[key];
      }
    });
    return flat;
  };
  Dialog.prototype.addHandler = function (event, handler) {
    if (event === "change" && typeof handler === "function") {
      this.changeHandlers.push(handler);
    }
  };

  var dialogs = {};
  var collections = [];

  /**
   * The agent's Dialogs: those there at load only through onLoad, later ones through
   * onCollectionAdd, as finesse.js 10.6.1 delivered them in the opt-in test
   * (tests/gadget/test_gadget_real_finesse.py).
   */
  function Dialogs(handlers) {
    var self = this;
    this.handlers = handlers || {};
    collections.push(this);
    later(function () {
      if (typeof self.handlers.onLoad === "function") {
        self.handlers.onLoad(self);
      }
    });
  }
  Dialogs.prototype.getCollection = function () {
    return Object.assign({}, dialogs);
  };

  function User(userOptions) {
    // RestBase.init in finesse.js 10.6.1 reads finesse.container.Config, a namespace the
    // library leaves to the desktop or the gadget (TypeError without it, as there).
    this.containerConfig = root.finesse.container.Config;
    mustBeInited(); // RestBase requests go through ClientServices.makeRequest
    var self = this;
    this.loaded = false;
    this.dialogs = null;
    later(function () {
      self.loaded = true;
      if (typeof userOptions.onLoad === "function") {
        userOptions.onLoad(self);
      }
    });
  }
  User.prototype.isLoaded = function () {
    if (!this.loaded) {
      throw new Error("Cannot operate on object that is not fully instantiated, use onLoad/onLoadError handlers");
    }
  };
  User.prototype.getId = function () {
    this.isLoaded();
    return agent.id;
  };
  User.prototype.getFirstName = function () {
    this.isLoaded();
    return agent.firstName;
  };
  User.prototype.getLastName = function () {
    this.isLoaded();
    return agent.lastName;
  };
  User.prototype.getExtension = function () {
    this.isLoaded();
    return agent.extension;
  };
  User.prototype.getDialogs = function (handlers) {
    this.isLoaded();
    this.dialogs = this.dialogs || new Dialogs(handlers);
    return this.dialogs;
  };

  // ContainerServices in finesse.js 10.6.1: the ACTIVE_TAB topic and makeActiveTabReq
  // (the container answers when the gadget's tab is the one shown).
  var tabHandlers = [];
  var ACTIVE_TAB = "finesse.containerservices.activeTab";
  var container = {
    addHandler: function (topic, handler) {
      if (topic === ACTIVE_TAB) {
        tabHandlers.push(handler);
      }
    },
    makeActiveTabReq: function () {
      later(showTab);
    }
  };

  function showTab() {
    tabHandlers.forEach(function (handler) {
      handler();
    });
  }

  function each(name, dialog) {
    collections.forEach(function (collection) {
      if (typeof collection.handlers[name] === "function") {
        collection.handlers[name](dialog);
      }
    });
  }

  /**
   * A Dialog's data as Finesse sends it (REST API guide, "Dialog—Get Dialog" and
   * "Dialog API Parameters"): call variables as mediaProperties.callvariables.CallVariable,
   * a list of {name, value} with callVariable1-10 always there, BA and ECC variables
   * beside them; participants.Participant with mediaAddress and mediaAddressType.
   * spec: {id, callType, from, to, state, variables: {name: value}, participants}.
   */
  function dialog(spec) {
    var variables = [];
    for (var i = 1; i <= 10; i += 1) {
      variables.push({ name: "callVariable" + i, value: "" });
    }
    Object.keys(spec.variables || {}).forEach(function (name) {
      var found = variables.filter(function (v) {
        return v.name === name;
      })[0];
      if (found) {
        found.value = spec.variables[name];
      } else {
        variables.push({ name: name, value: spec.variables[name] });
      }
    });
    return {
      id: spec.id,
      fromAddress: spec.from,
      toAddress: spec.to,
      state: spec.state || "ACTIVE",
      mediaType: "Voice",
      mediaProperties: {
        mediaId: "1",
        DNIS: spec.dnis || spec.to,
        callType: spec.callType,
        dialedNumber: spec.to,
        callvariables: { CallVariable: variables }
      },
      participants: { Participant: spec.participants || [] }
    };
  }

  root.finesse = {
    gadget: options.config ? { Config: options.config } : {},
    clientservices: { ClientServices: { init: init } },
    restservices: { User: User },
    containerservices: {
      ContainerServices: {
        init: function () {
          return container;
        },
        Topics: { ACTIVE_TAB: ACTIVE_TAB }
      }
    }
  };

  root.FinesseStandIn = {
    agent: agent,
    inits: inits,
    dialog: dialog,
    ring: function (data) {
      var created = new Dialog(data);
      dialogs[data.id] = created;
      each("onCollectionAdd", created);
      return created;
    },
    change: function (id, data) {
      var changed = dialogs[id];
      changed.data = data;
      changed.changeHandlers.forEach(function (handler) {
        handler(changed);
      });
    },
    end: function (id) {
      var ended = dialogs[id];
      if (ended) {
        delete dialogs[id];
        each("onCollectionDelete", ended);
      }
    },
    showTab: showTab
  };
})(window);
