/*
 * The gadget's texts in English and Polish, and the choice of language.
 *
 * Error texts: the API answers `{field, code, message}` with an English message written
 * for agents (and specific: times, hours, holiday names). English shows that message;
 * other languages map the code to their own text, and fall back to the API's message
 * for a code they do not know. {placeholders} are filled from what the gadget knows.
 */
(function (root) {
  "use strict";
  var CG = (root.CallbackGadget = root.CallbackGadget || {});

  var en = {
    "title": "Callbacks",
    "loading": "Loading…",
    "form.heading": "Schedule a callback",
    "field.phone": "Customer phone number",
    "field.phone.hint": "Any format, e.g. 22 123 45 67 or +48 22 123 45 67",
    "field.campaign": "Campaign",
    "field.campaign.choose": "Choose a campaign",
    "field.skill": "Skill",
    "field.kind": "Who calls back",
    "kind.standard": "Anyone in the {skill} queue",
    "kind.personal": "Me ({agent})",
    "kind.personal.unavailable": "Me (no agent signed in)",
    "field.when": "Day and time",
    "field.date": "Date",
    "field.time": "Time",
    "when.zone": "Times in {zone}.",
    "days.label": "Days",
    "days.earlier": "Earlier days",
    "days.later": "Later days",
    "day.free": "{count} free",
    "day.closed": "Closed",
    "day.holiday": "Holiday",
    "day.full": "No free times",
    "day.unavailable": "Not available",
    "day.selected.closed": "{day}: {reason}",
    "slots.label": "Free times on {day}",
    "slots.none": "No free times on this day.",
    "slots.loading": "Loading free times…",
    "slot.free": "{remaining} free",
    "slot.aria": "{time}, {remaining} of {capacity} places free",
    "suggestions.title": "Free times nearby:",
    "keys.hint": "Arrow keys move between the buttons; Enter or Space chooses.",
    "field.first": "First name",
    "field.last": "Last name",
    "field.notes": "Notes (optional)",
    "submit": "Schedule callback",
    "submitting": "Scheduling…",
    "confirm.created": "Callback {account} scheduled for {when}.",
    "confirm.personal": "It will come to you.",
    "confirm.standard": "It will go to the {skill} queue.",
    "call.outbound": "Outbound dialer call: {number}",
    "call.inbound": "Inbound call: {number}",
    "call.dialled": "Call you dialled: {number}",
    "call.transfer": "Transferred or conference call: {number}",
    "call.reservation": "Preview reservation: the customer's number comes when you accept",
    "call.internal": "Internal call, no customer",
    "call.account": "account {account}",
    "call.campaign": "campaign {campaign}",
    "call.ended": "Call ended: {number}",
    "mine.heading": "My pending personal callbacks",
    "mine.empty": "None pending.",
    "mine.reschedule": "Reschedule",
    "mine.reschedule.label": "Reschedule callback {account}",
    "mine.cancel": "Cancel",
    "mine.cancel.label": "Cancel callback {account}",
    "mine.cancel.confirm": "Cancel callback {account}?",
    "mine.cancel.yes": "Yes, cancel it",
    "mine.cancel.no": "Keep it",
    "mine.cancelled": "Callback {account} cancelled.",
    "mine.move.title": "New time for {account}",
    "mine.move": "Move callback",
    "mine.back": "Back",
    "mine.moved": "Callback moved to {when}. New account number: {account}.",
    "status.exporting": "being sent to the dialer",
    "status.in_dialer": "in the dialer",
    "status.in_ivr": "on a call in the IVR now",
    "delivered": "Callback {account} reached you; it is marked as delivered.",
    "error.network": "The Campaign Manager cannot be reached. Try again.",
    "error.setup": "The gadget is not set up: {what} is missing. Ask your administrator.",
    "error.auth": "The gadget's API key was refused. Ask your administrator.",
    "error.sign_in": "Finesse did not confirm your sign-in, so your personal callbacks cannot be shown. Sign in to Finesse again and reload the gadget.",
    "error.finesse_down": "Finesse did not answer, so your personal callbacks cannot be shown now. Try again in a minute.",
    "error.throttled": "Too many requests; wait a moment and try again.",
    "error.server": "The Campaign Manager could not answer (error {status}). Try again.",
    "error.required.phone_number": "Enter the customer's phone number.",
    "error.required.scheduled_at": "Choose a day and a time.",
    "error.required.campaign": "Choose a campaign.",
    "error.required.skill": "Choose a skill.",
    "error.unknown": "Something went wrong ({code}).",
    // Violation codes: English shows the API's own message (see above).
    "codes": {}
  };

  var pl = {
    "title": "Oddzwonienia",
    "loading": "Wczytywanie…",
    "form.heading": "Zaplanuj oddzwonienie",
    "field.phone": "Numer telefonu klienta",
    "field.phone.hint": "Dowolny format, np. 22 123 45 67 lub +48 22 123 45 67",
    "field.campaign": "Kampania",
    "field.campaign.choose": "Wybierz kampanię",
    "field.skill": "Kolejka (skill)",
    "field.kind": "Kto oddzwania",
    "kind.standard": "Dowolny konsultant z kolejki {skill}",
    "kind.personal": "Ja ({agent})",
    "kind.personal.unavailable": "Ja (brak zalogowanego konsultanta)",
    "field.when": "Dzień i godzina",
    "field.date": "Data",
    "field.time": "Godzina",
    "when.zone": "Godziny według strefy {zone}.",
    "days.label": "Dni",
    "days.earlier": "Wcześniejsze dni",
    "days.later": "Późniejsze dni",
    "day.free": "wolne: {count}",
    "day.closed": "Nieczynne",
    "day.holiday": "Święto",
    "day.full": "Brak terminów",
    "day.unavailable": "Niedostępny",
    "day.selected.closed": "{day}: {reason}",
    "slots.label": "Wolne godziny, {day}",
    "slots.none": "Brak wolnych godzin tego dnia.",
    "slots.loading": "Wczytywanie wolnych terminów…",
    "slot.free": "wolne: {remaining}",
    "slot.aria": "{time}, wolne miejsca: {remaining} z {capacity}",
    "suggestions.title": "Najbliższe wolne terminy:",
    "keys.hint": "Strzałki przesuwają między przyciskami; Enter lub spacja wybiera.",
    "field.first": "Imię",
    "field.last": "Nazwisko",
    "field.notes": "Uwagi (opcjonalnie)",
    "submit": "Zaplanuj oddzwonienie",
    "submitting": "Planowanie…",
    "confirm.created": "Zaplanowano oddzwonienie {account}: {when}.",
    "confirm.personal": "Połączenie trafi do Ciebie.",
    "confirm.standard": "Połączenie trafi do kolejki {skill}.",
    "call.outbound": "Połączenie wychodzące z dialera: {number}",
    "call.inbound": "Połączenie przychodzące: {number}",
    "call.dialled": "Połączenie wybrane przez Ciebie: {number}",
    "call.transfer": "Połączenie przekazane lub konferencja: {number}",
    "call.reservation": "Rezerwacja podglądu: numer klienta pojawi się po akceptacji",
    "call.internal": "Połączenie wewnętrzne, bez klienta",
    "call.account": "konto {account}",
    "call.campaign": "kampania {campaign}",
    "call.ended": "Połączenie zakończone: {number}",
    "mine.heading": "Moje oczekujące oddzwonienia",
    "mine.empty": "Brak oczekujących.",
    "mine.reschedule": "Zmień termin",
    "mine.reschedule.label": "Zmień termin oddzwonienia {account}",
    "mine.cancel": "Anuluj",
    "mine.cancel.label": "Anuluj oddzwonienie {account}",
    "mine.cancel.confirm": "Anulować oddzwonienie {account}?",
    "mine.cancel.yes": "Tak, anuluj",
    "mine.cancel.no": "Nie, zostaw",
    "mine.cancelled": "Anulowano oddzwonienie {account}.",
    "mine.move.title": "Nowy termin dla {account}",
    "mine.move": "Przenieś oddzwonienie",
    "mine.back": "Wróć",
    "mine.moved": "Przeniesiono oddzwonienie na {when}. Nowy numer konta: {account}.",
    "status.exporting": "wysyłane do dialera",
    "status.in_dialer": "w dialerze",
    "status.in_ivr": "w trakcie połączenia w IVR",
    "delivered": "Oddzwonienie {account} dotarło do Ciebie; oznaczono je jako doręczone.",
    "error.network": "Brak połączenia z Campaign Managerem. Spróbuj ponownie.",
    "error.setup": "Gadżet nie jest skonfigurowany: brakuje {what}. Zgłoś to administratorowi.",
    "error.auth": "Klucz API gadżetu został odrzucony. Zgłoś to administratorowi.",
    "error.sign_in": "Finesse nie potwierdził Twojego logowania, więc nie można pokazać Twoich osobistych oddzwonień. Zaloguj się ponownie do Finesse i odśwież gadżet.",
    "error.finesse_down": "Finesse nie odpowiada, więc nie można teraz pokazać Twoich osobistych oddzwonień. Spróbuj ponownie za minutę.",
    "error.throttled": "Zbyt wiele zapytań; odczekaj chwilę i spróbuj ponownie.",
    "error.server": "Campaign Manager nie mógł odpowiedzieć (błąd {status}). Spróbuj ponownie.",
    "error.required.phone_number": "Wpisz numer telefonu klienta.",
    "error.required.scheduled_at": "Wybierz dzień i godzinę.",
    "error.required.campaign": "Wybierz kampanię.",
    "error.required.skill": "Wybierz kolejkę.",
    "error.unknown": "Wystąpił błąd ({code}).",
    "codes": {
      "invalid_phone": "To nie jest poprawny numer telefonu.",
      "phone_not_allowed": "Na ten numer nie można zaplanować oddzwonienia.",
      "invalid_datetime": "Nieprawidłowa data lub godzina.",
      "in_past": "Ten termin już minął.",
      "too_soon": "Za wcześnie: oddzwonienie trzeba zaplanować co najmniej {lead} min naprzód.",
      "too_far_ahead": "Za daleko: oddzwonienia można planować najwyżej {days} dni naprzód.",
      "outside_global_window": "Poza godzinami, w których oddzwaniamy.",
      "skill_closed": "Kolejka {skill} jest wtedy nieczynna.",
      "closing_soon": "Za blisko zamknięcia: kolejka {skill} kończy wtedy pracę.",
      "holiday": "Ten dzień jest świętem: kolejka {skill} nie pracuje.",
      "outside_customer_hours": "U klienta jest wtedy pora, o której nie dzwonimy.",
      "slot_full": "Ten termin jest już zajęty: wybierz inny.",
      "duplicate_pending": "Na ten numer czeka już zaplanowane oddzwonienie.",
      "do_not_call": "Ten numer jest na liście zakazu połączeń: nie oddzwaniamy na niego.",
      "unknown_campaign": "Nie ma takiej kampanii.",
      "campaign_disabled": "Ta kampania jest wyłączona.",
      "unknown_skill": "Nie ma takiej kolejki.",
      "skill_disabled": "Ta kolejka nie przyjmuje teraz oddzwonień.",
      "invalid_state": "Tego oddzwonienia nie można już zmienić: jest w trakcie realizacji lub zakończone.",
      "not_found": "Nie znaleziono tego oddzwonienia.",
      "required": "To pole jest wymagane.",
      "blank": "To pole jest wymagane.",
      "max_length": "Ten tekst jest za długi."
    }
  };

  var CATALOGUE = { en: en, pl: pl };

  /** A language we have from "pl", "pl-PL", "pl_PL"; null otherwise. */
  function known(tag) {
    if (!tag || typeof tag !== "string") {
      return null;
    }
    var base = tag.toLowerCase().replace("_", "-").split("-")[0];
    return CATALOGUE[base] ? base : null;
  }

  /**
   * The UserPref wins ("en", "pl"); with "auto" (or nothing): Finesse's locale, the
   * container's language, then the browser's languages; English when none is known.
   */
  function pickLanguage(pref, candidates) {
    if (known(pref)) {
      return known(pref);
    }
    for (var i = 0; i < candidates.length; i += 1) {
      if (known(candidates[i])) {
        return known(candidates[i]);
      }
    }
    return "en";
  }

  function fill(text, params) {
    return text.replace(/\{(\w+)\}/g, function (whole, name) {
      return params && params[name] !== undefined && params[name] !== null
        ? String(params[name])
        : whole;
    });
  }

  /** t(key, params), errorText(error, params) for one language. */
  function Translator(lang) {
    this.lang = CATALOGUE[lang] ? lang : "en";
    this.texts = CATALOGUE[this.lang];
  }

  Translator.prototype.t = function (key, params) {
    var text = this.texts[key];
    if (text === undefined) {
      text = en[key] === undefined ? key : en[key];
    }
    return fill(text, params);
  };

  Translator.prototype.has = function (key) {
    return this.texts[key] !== undefined;
  };

  /** One API error `{field, code, message}` in words for the agent. */
  Translator.prototype.errorText = function (error, params) {
    var text = this.texts.codes[error.code];
    if (text) {
      return fill(text, params);
    }
    if (error.message) {
      return error.message;
    }
    return this.t("error.unknown", { code: error.code || "?" });
  };

  CG.i18n = {
    CATALOGUE: CATALOGUE,
    pickLanguage: pickLanguage,
    Translator: Translator
  };
})(window);
