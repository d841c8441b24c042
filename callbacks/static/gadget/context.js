/*
 * What the gadget needs from Finesse: the agent, the calls (dialogs), the UserPrefs and
 * the gadget's tab.
 *
 * `connect(finesse, handlers)` follows docs/gadget.md ("How it loads") the way Cisco's
 * sample gadgets do (CiscoDevNet/finesse-sample-code, LearningSampleGadget 10.6.1 and
 * 11.0.1, SampleGadget_Final.js): ClientServices.init(Config), a User whose dialogs are
 * watched, and ContainerServices' ACTIVE_TAB to fit the height when the tab shows.
 * The preview page and the tests give a stand-in `finesse` (finesse-standin.js) with
 * the same shape, so the same code runs there.
 * `describeDialog` turns a Finesse Dialog into what the form uses; which number is the
 * customer's is decided in customer.js.
 */
(function (root) {
  "use strict";
  var CG = (root.CallbackGadget = root.CallbackGadget || {});

  // Account numbers of the Campaign Manager's own callbacks (models.Callback).
  var CALLBACK_ACCOUNT = /^CB\d{10}$/i;
  // Our UserPrefs, prefixed so that none can be one of Finesse's own (language, locale,
  // host, id, authorization...: the prefs of finesse.gadget.Config).
  var PREFS = { apiBaseUrl: "cmApiBaseUrl", apiKey: "cmApiKey", language: "cmLanguage", useProxy: "cmUseProxy" };
  // What Finesse 10.x gadgets build their Config from (finesse.gadget.Config is in the
  // library from 11.0 only): the prefs the Finesse container fills, as Cisco's 10.6.1
  // LearningSampleGadget reads them.
  var CONFIG_PREFS = [
    "authorization", "country", "language", "locale", "host", "hostPort", "extension",
    "mobileAgentMode", "mobileAgentDialNumber", "xmppDomain", "pubsubDomain", "restHost",
    "scheme", "localhostFQDN", "localhostPort", "teamId", "teamName", "compatibilityMode"
  ];
  var builtConfig = null;

  function text(value) {
    return value === undefined || value === null ? "" : String(value).trim();
  }

  function call(object, method) {
    return object && typeof object[method] === "function" ? object[method]() : undefined;
  }

  /**
   * A callback call carries its account number in BAAccountNumber (dialer) or, when
   * the callback IVR script transferred it, in one of the call variables.
   */
  function callbackAccount(media) {
    var candidates = [media.BAAccountNumber];
    for (var i = 1; i <= 10; i += 1) {
      candidates.push(media["callVariable" + i]);
    }
    for (var j = 0; j < candidates.length; j += 1) {
      if (CALLBACK_ACCOUNT.test(text(candidates[j]))) {
        return text(candidates[j]).toUpperCase();
      }
    }
    return "";
  }

  /** extension: this agent's own phone (never taken for the customer's). */
  function describeDialog(dialog, extension) {
    var media = call(dialog, "getMediaProperties") || {};
    var callType = text(media.callType);
    var customer = CG.customer.customerNumber({
      callType: callType,
      media: media,
      from: call(dialog, "getFromAddress"),
      to: call(dialog, "getToAddress"),
      participants: call(dialog, "getParticipants"),
      extension: extension
    });
    return {
      id: text(call(dialog, "getId")),
      callType: callType,
      kind: customer.kind,
      outbound: customer.kind === "dialer" || customer.kind === "dialled",
      customerNumber: customer.number,
      numberSource: customer.source,
      accountNumber: text(media.BAAccountNumber),
      campaign: text(media.BACampaign),
      callbackAccount: callbackAccount(media)
    };
  }

  function gadgetPrefs() {
    var gadgets = root.gadgets;
    return gadgets && typeof gadgets.Prefs === "function" ? new gadgets.Prefs() : null;
  }

  /** The agent's Finesse credentials, as the Finesse library keeps them in the gadget's
   * prefs ("authorization": Basic base64(id:password), or the SSO token). One function, so
   * that a pref rename is one line. */
  function finesseAuthorization(prefs) {
    return prefs.getString("authorization") || "";
  }

  /** The UserPrefs the administrator set (inside Finesse), else the page's settings. */
  function readPrefs(fallback) {
    var prefs = gadgetPrefs();
    if (prefs) {
      return {
        apiBaseUrl: prefs.getString(PREFS.apiBaseUrl),
        apiKey: prefs.getString(PREFS.apiKey),
        language: prefs.getString(PREFS.language) || "auto",
        useProxy: prefs.getString(PREFS.useProxy) !== "false",
        containerLanguage: typeof prefs.getLang === "function" ? prefs.getLang() : "",
        finesseAuthorization: finesseAuthorization(prefs)
      };
    }
    return {
      apiBaseUrl: fallback.apiBaseUrl,
      apiKey: fallback.apiKey,
      language: fallback.language || "auto",
      useProxy: fallback.useProxy !== false,
      containerLanguage: "",
      finesseAuthorization: fallback.finesseAuthorization || ""
    };
  }

  /**
   * Finesse's Config: the library's own from 11.0 (finesse.gadget.Config), else built
   * from the container's prefs as 10.x gadgets do (once).
   */
  function finesseConfig(finesse) {
    if (finesse && finesse.gadget && finesse.gadget.Config) {
      return finesse.gadget.Config;
    }
    var prefs = gadgetPrefs();
    if (!builtConfig && prefs) {
      builtConfig = {};
      CONFIG_PREFS.forEach(function (name) {
        builtConfig[name] = prefs.getString(name);
      });
      builtConfig.clientDriftInMillis = typeof prefs.getInt === "function" ? prefs.getInt("clientDriftInMillis") : 0;
    }
    return builtConfig;
  }

  /** The agent's id: the library sets config.id from `authorization` in init. */
  function agentId(config) {
    var prefs = gadgetPrefs();
    return text(config.id) || (prefs ? text(prefs.getString("id")) : "");
  }

  /** Adjust the height whenever the gadget's tab shows (adjustHeight needs it visible). */
  function watchTab(finesse, onShown) {
    var services = finesse.containerservices && finesse.containerservices.ContainerServices;
    if (!services || typeof services.init !== "function") {
      return;
    }
    var container = services.init();
    container.addHandler(services.Topics.ACTIVE_TAB, onShown);
    container.makeActiveTabReq();
  }

  /**
   * handlers: agent({id, name}), dialog(description), dialogEnded(id), tabShown(). A
   * dialog is reported when it appears and each time it changes: call variables may
   * come in a later change (Cisco's samples add a change handler for that reason).
   * Dialogs there at load come through the collection's onLoad, later ones through
   * onCollectionAdd.
   */
  function connect(finesse, handlers) {
    // The library's REST objects read finesse.container.Config, which only the desktop
    // sets: a gadget provides the namespace itself, as Cisco's 10.x samples do.
    finesse.container = finesse.container || {};
    var config = finesseConfig(finesse);
    finesse.clientservices.ClientServices.init(config, false);
    var id = agentId(config);
    var extension = text(config.extension);
    handlers.agent({ id: id, name: "" });
    watchTab(finesse, handlers.tabShown);

    var watched = {};

    function report(dialog) {
      handlers.dialog(describeDialog(dialog, extension));
    }

    function watch(dialog) {
      var dialogId = text(call(dialog, "getId"));
      report(dialog);
      if (watched[dialogId]) {
        return; // reported by onLoad and onCollectionAdd both: one change handler
      }
      watched[dialogId] = true;
      if (typeof dialog.addHandler === "function") {
        dialog.addHandler("change", report);
      }
    }

    return new finesse.restservices.User({
      id: id,
      onLoad: function (user) {
        var name = [text(call(user, "getFirstName")), text(call(user, "getLastName"))].join(" ");
        extension = extension || text(call(user, "getExtension"));
        handlers.agent({ id: id, name: name.trim() });
        user.getDialogs({
          onCollectionAdd: watch,
          onCollectionDelete: function (dialog) {
            delete watched[text(call(dialog, "getId"))];
            handlers.dialogEnded(text(call(dialog, "getId")));
          },
          onLoad: function (dialogs) {
            var current = call(dialogs, "getCollection") || {};
            Object.keys(current).forEach(function (dialogId) {
              watch(current[dialogId]);
            });
          }
        });
      }
    });
  }

  CG.context = {
    PREFS: PREFS,
    describeDialog: describeDialog,
    readPrefs: readPrefs,
    connect: connect,
    finesseLocale: function (finesse) {
      var config = finesseConfig(finesse);
      return config ? text(config.locale) : "";
    }
  };
})(window);
