/*
 * Which number on a Finesse call is the customer's: `customerNumber(call)`, the one
 * place that decides it (docs/gadget.md, "Which number is the customer's").
 *
 * `call`: {callType, media (the dialog's media properties, flat, as
 * Dialog.getMediaProperties gives them), from, to (its fromAddress and toAddress),
 * participants (Dialog.getParticipants), extension (this agent's own)}.
 * Answer: {kind, number, source}; kind is one of KINDS' values, "reservation" or
 * "unknown"; source names where the number came from ("" when there is none).
 *
 * Sources (each value below is named in one of them):
 * - callType values: Finesse REST API guide, "Dialog API Parameters" (callType), and
 *   finesse.js 10.6.1's documentation of Dialog.getMediaProperties;
 * - BAStatus values: the same finesse.js documentation (PREDICTIVE_OUTBOUND,
 *   PROGRESSIVE_OUTBOUND, PREVIEW_OUTBOUND_RESERVATION, PREVIEW_OUTBOUND);
 *   DIRECT_PREVIEW_OUTBOUND_RESERVATION and DIRECT_PREVIEW_OUTBOUND (CCX direct preview)
 *   are unconfirmed: seen in third-party CCX gadgets, in no Cisco document found;
 * - fromAddress and toAddress per call: Finesse REST API guide, "Dialog Notification"
 *   (a dialer call's toAddress is the customer; a reservation's toAddress is the agent;
 *   after a transfer both are the surviving call's, possibly the consult call's);
 * - participants and mediaAddressType AGENT_DEVICE: finesse.js 10.6.1
 *   (Dialog.getParticipants, Dialog._agentDeviceType);
 * - BACustomerNumber: unconfirmed (UCCX Outbound fills it with the dialled customer's
 *   number on the sites this was built for; not in the ECC variable list of the UCCX
 *   CTI guide). CUSTOMER_VARIABLES is the one place to change that.
 */
(function (root) {
  "use strict";
  var CG = (root.CallbackGadget = root.CallbackGadget || {});

  // Call variables that carry the customer's number whatever the call type, first found wins.
  var CUSTOMER_VARIABLES = ["BACustomerNumber"];

  // Finesse callType -> what kind of call it is for the gadget.
  var KINDS = {
    ACD_IN: "inbound",
    PREROUTE_ACD_IN: "inbound",
    PREROUTE_DIRECT_AGENT: "inbound",
    OTHER_IN: "inbound",
    OVERFLOW_IN: "inbound",
    OUT: "dialled",
    AGENT_OUT: "dialled",
    AUTO_OUT: "dialled",
    OUTBOUND: "dialer",
    OUTBOUND_PREVIEW: "dialer",
    TRANSFER: "transfer",
    CONFERENCE: "transfer",
    AGENT_INSIDE: "internal",
    CONSULT: "internal",
    ASSIST_CALL: "internal",
    BARGE_IN_CONSULT: "internal",
    SUPERVISOR_MONITOR: "internal"
  };

  // BAStatus of a call the Outbound dialer placed (the customer is the toAddress).
  var DIALER_STATUS = /^(PREDICTIVE|PROGRESSIVE|PREVIEW|DIRECT_PREVIEW)_OUTBOUND$/;
  // The agent is only reserved: the call is to the agent, the customer not dialled yet.
  var RESERVATION_STATUS = /_RESERVATION$/;
  var AGENT_DEVICE = "AGENT_DEVICE";

  function text(value) {
    return value === undefined || value === null ? "" : String(value).trim();
  }

  function kindOf(callType, media) {
    var status = text(media.BAStatus);
    if (RESERVATION_STATUS.test(status) || RESERVATION_STATUS.test(callType)) {
      return "reservation";
    }
    if (DIALER_STATUS.test(status)) {
      return "dialer";
    }
    if (KINDS[callType]) {
      return KINDS[callType];
    }
    if (/^OUTBOUND/.test(callType) || (!callType && text(media.BACampaign))) {
      return "dialer"; // other Outbound Option call types, or a dialer call without one
    }
    return "unknown";
  }

  /** The first participant that is not an agent's phone: the customer on a transfer. */
  function customerParticipant(participants, extension) {
    var found = (participants || []).filter(function (p) {
      var address = text(p && p.mediaAddress);
      return address && address !== extension && text(p.mediaAddressType) !== AGENT_DEVICE;
    })[0];
    return found ? text(found.mediaAddress) : "";
  }

  function customerNumber(call) {
    var media = call.media || {};
    var extension = text(call.extension);
    var kind = kindOf(text(call.callType).toUpperCase(), media);
    function answer(number, source) {
      // Never this agent's own phone, whatever the call claims.
      return number && number !== extension ? { kind: kind, number: number, source: source } : none();
    }
    function none() {
      return { kind: kind, number: "", source: "" };
    }
    if (kind === "reservation" || kind === "internal") {
      return none();
    }
    for (var i = 0; i < CUSTOMER_VARIABLES.length; i += 1) {
      if (text(media[CUSTOMER_VARIABLES[i]])) {
        return answer(text(media[CUSTOMER_VARIABLES[i]]), CUSTOMER_VARIABLES[i]);
      }
    }
    if (kind === "dialer" || kind === "dialled") {
      return answer(text(call.to), "toAddress");
    }
    if (kind === "transfer") {
      return answer(customerParticipant(call.participants, extension), "participant");
    }
    return answer(text(call.from), "fromAddress"); // inbound, and calls of unknown type
  }

  CG.customer = { customerNumber: customerNumber, KINDS: KINDS, CUSTOMER_VARIABLES: CUSTOMER_VARIABLES };
})(window);
