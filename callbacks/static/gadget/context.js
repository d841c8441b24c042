/*
 * What the gadget needs from Finesse: the agent, the calls (dialogs) and the UserPrefs.
 *
 * `connect(finesse, handlers)` follows docs/gadget.md ("How it loads"):
 * ClientServices.init(Config), then a User whose dialogs are watched. The preview page
 * gives a stand-in `finesse` with the same shape, so the same code runs there.
 * `describeDialog` turns a Finesse Dialog into what the form uses: the customer is the
 * toAddress on an outbound dialer call and the fromAddress otherwise; BAAccountNumber and
 * BACampaign come from the media properties.
 */
(function (root) {
  "use strict";
  var CG = (root.CallbackGadget = root.CallbackGadget || {});

  // Account numbers of the Campaign Manager's own callbacks (models.Callback).
  var CALLBACK_ACCOUNT = /^CB\d{10}$/i;

  function text(value) {
    return value === undefined || value === null ? "" : String(value).trim();
  }

  function call(dialog, method) {
    return typeof dialog[method] === "function" ? dialog[method]() : undefined;
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

  function describeDialog(dialog) {
    var media = call(dialog, "getMediaProperties") || {};
    var callType = text(media.callType);
    var outbound = /^OUTBOUND/i.test(callType) || (!callType && !!text(media.BACampaign));
    var from = text(call(dialog, "getFromAddress"));
    var to = text(call(dialog, "getToAddress"));
    return {
      id: text(call(dialog, "getId")),
      callType: callType,
      outbound: outbound,
      customerNumber: outbound ? to : from,
      accountNumber: text(media.BAAccountNumber),
      campaign: text(media.BACampaign),
      callbackAccount: callbackAccount(media)
    };
  }

  /** The agent's Finesse credentials, as the Finesse library keeps them in the gadget's
   * prefs ("authorization": Basic base64(id:password), or the SSO token). One function, so
   * that a pref rename is one line. */
  function finesseAuthorization(prefs) {
    return prefs.getString("authorization") || "";
  }

  /** The UserPrefs the administrator set (inside Finesse), else the page's settings. */
  function readPrefs(fallback) {
    var gadgets = root.gadgets;
    if (gadgets && typeof gadgets.Prefs === "function") {
      var prefs = new gadgets.Prefs();
      return {
        apiBaseUrl: prefs.getString("apiBaseUrl"),
        apiKey: prefs.getString("apiKey"),
        language: prefs.getString("language") || "auto",
        useProxy: prefs.getString("useProxy") !== "false",
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
   * handlers: agent({id, name}), dialog(description), dialogEnded(id). A dialog is
   * reported when it appears and each time it changes.
   */
  function connect(finesse, handlers) {
    var config = finesse.gadget.Config;
    finesse.clientservices.ClientServices.init(config, false);
    handlers.agent({ id: text(config.id), name: "" });

    var watched = {};

    function watch(dialog) {
      var id = text(call(dialog, "getId"));
      handlers.dialog(describeDialog(dialog));
      if (watched[id]) {
        return; // reported by onLoad and onCollectionAdd both: one change handler
      }
      watched[id] = true;
      if (typeof dialog.addHandler === "function") {
        dialog.addHandler("change", function () {
          handlers.dialog(describeDialog(dialog));
        });
      }
    }

    return new finesse.restservices.User({
      id: config.id,
      onLoad: function (user) {
        var name = [text(call(user, "getFirstName")), text(call(user, "getLastName"))].join(" ");
        handlers.agent({ id: text(config.id), name: name.trim() });
        user.getDialogs({
          onCollectionAdd: watch,
          onCollectionDelete: function (dialog) {
            delete watched[text(call(dialog, "getId"))];
            handlers.dialogEnded(text(call(dialog, "getId")));
          },
          onLoad: function (dialogs) {
            var current = dialogs && typeof dialogs.getCollection === "function" ? dialogs.getCollection() : {};
            Object.keys(current).forEach(function (id) {
              watch(current[id]);
            });
          }
        });
      }
    });
  }

  CG.context = {
    describeDialog: describeDialog,
    readPrefs: readPrefs,
    connect: connect,
    finesseLocale: function (finesse) {
      return finesse && finesse.gadget && finesse.gadget.Config ? text(finesse.gadget.Config.locale) : "";
    }
  };
})(window);
