/*
 * The preview page's panel beside the gadget: the stand-in Finesse library
 * (finesse-standin.js, loaded next) gets this page's agent, and buttons make a
 * simulated call appear and end in Finesse's own shapes. The gadget then runs exactly
 * as inside Finesse, except that without gadgets.io it calls the API with fetch.
 * Loaded first, before the stand-in and the gadget's scripts.
 */
(function (root) {
  "use strict";
  var doc = root.document;
  var config = JSON.parse(doc.getElementById("cbg-preview-config").textContent);
  var agent = config.agent;
  var EXTENSION = "1001";

  // As finesse.js keeps it: base64(id:password), no scheme. The password is the make
  // run Finesse stand-in's (uccx_integration/simulator/finesse.py), so the preview's
  // agent gets a real agent session there. The desktop keeps it in sessionStorage, where
  // the library (here the stand-in) copies it into the gadget's `authorization` pref.
  var authorization = root.btoa(unescape(encodeURIComponent(agent.id + ":ciscocisco")));
  root.sessionStorage.setItem("userFinesseAuth", authorization);
  if (config.finesseSignIn) {
    config.finesseAuthorization = authorization; // the page's stand-in for the pref
  }

  // The stand-in as Finesse 11.0 and later: the library gives finesse.gadget.Config
  // (host, restHost and authorization are what ClientServices.init insists on).
  root.FinesseStandInOptions = {
    agent: { id: agent.id, firstName: agent.firstName, lastName: agent.lastName, extension: EXTENSION },
    config: {
      id: agent.id,
      extension: EXTENSION,
      host: root.location.hostname,
      restHost: root.location.hostname,
      authorization: authorization,
      locale: ""
    }
  };

  var current = "";
  var serial = 0;

  function value(id) {
    return doc.getElementById(id).value.trim();
  }

  function state(text) {
    doc.getElementById("pv-call-state").textContent = text;
  }

  function endCall() {
    if (current) {
      root.FinesseStandIn.end(current);
      current = "";
    }
    state("No call.");
  }

  function party(address, agentPhone) {
    return { mediaAddress: address, mediaAddressType: agentPhone ? "AGENT_DEVICE" : "", state: "ACTIVE" };
  }

  /**
   * The call of each button, as Finesse reports it (see finesse-standin.js). Sources:
   * callType OUTBOUND and ACD_IN, BAStatus PROGRESSIVE_OUTBOUND and mediaAddressType
   * AGENT_DEVICE are named with theirs in customer.js; BADialedListID is in the CCX
   * developer guide's outbound call flow ("The Outbound Subsystem Picks an Agent to
   * Place a Call to a Customer Contact"); the customer's leg with an empty
   * mediaAddressType is unconfirmed (party()).
   */
  function specOf(kind, number) {
    var id = "preview-" + (serial += 1);
    if (kind === "outbound") {
      // A progressive Outbound Option call: the agent's phone, the customer dialled.
      return {
        id: id,
        callType: "OUTBOUND",
        from: EXTENSION,
        to: number,
        variables: {
          BACampaign: value("pv-ba-campaign"),
          BAAccountNumber: value("pv-ba-account"),
          BAStatus: "PROGRESSIVE_OUTBOUND",
          BADialedListID: "4711"
        },
        participants: [party(EXTENSION, true), party(number, false)]
      };
    }
    var variables = kind === "callback" ? { BAAccountNumber: value("pv-callback-account") } : {};
    return {
      id: id,
      callType: "ACD_IN",
      from: number,
      to: EXTENSION,
      variables: variables,
      participants: [party(number, false), party(EXTENSION, true)]
    };
  }

  /** One call at a time, as on an agent's line: a new one ends the previous. */
  function startCall(kind) {
    endCall();
    var number = value("pv-number");
    var spec = specOf(kind, number);
    root.FinesseStandIn.ring(root.FinesseStandIn.dialog(spec));
    current = spec.id;
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
