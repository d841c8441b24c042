/*
 * The Finesse callback gadget's start: the last of its files (callbacks/gadget.py
 * SCRIPTS: util, slots, slots-render, core, form, finesse-bridge, mycallbacks), which
 * build CallbackGadget.Gadget.
 * CG.startInFinesse (the gadget XML) and CG.startPreview (the preview page) start it.
 */
(function (root) {
  "use strict";
  var CG = root.CallbackGadget;
  var U = CG.util;
  var doc = U.doc;
  var Gadget = CG.Gadget;

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
    var gadget;
    var translator = new CG.i18n.Translator(lang);
    var credentials = function () {
      return { agentId: gadget.agent.id, authorization: prefs.finesseAuthorization };
    };
    gadget = new Gadget({
      api: new CG.Api({
        baseUrl: prefs.apiBaseUrl,
        key: prefs.apiKey,
        useProxy: prefs.useProxy,
        credentials: credentials,
        language: translator.lang
      }),
      translator: translator
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
})(window);
