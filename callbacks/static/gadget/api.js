/*
 * The gadget API (/api/v1/) for the gadget: one module, two transports.
 *
 * Inside Finesse the calls go through gadgets.io.makeRequest (Finesse's Shindig proxy
 * makes the request server-side, so no CORS is needed); outside Finesse (the preview
 * page, or useProxy=false) through fetch, with CORS for the Finesse origin. Every call
 * resolves to {ok, status, data, errors}; it never rejects, so the UI has one path.
 */
(function (root) {
  "use strict";
  var CG = (root.CallbackGadget = root.CallbackGadget || {});

  function query(params) {
    var parts = [];
    Object.keys(params || {}).forEach(function (name) {
      var value = params[name];
      if (value !== undefined && value !== null && value !== "") {
        parts.push(encodeURIComponent(name) + "=" + encodeURIComponent(value));
      }
    });
    return parts.length ? "?" + parts.join("&") : "";
  }

  /** fetch: same origin on the preview page, CORS from a Finesse origin. */
  function viaFetch(request) {
    return root
      .fetch(request.url, {
        method: request.method,
        headers: request.headers,
        body: request.body,
        mode: "cors",
        credentials: "omit",
        cache: "no-store"
      })
      .then(function (response) {
        return response.text().then(function (text) {
          return { status: response.status, text: text };
        });
      })
      .catch(function () {
        return { status: 0, text: "" };
      });
  }

  /** gadgets.io.makeRequest: Shindig's proxy; answers as text, never from its cache. */
  function viaMakeRequest(io) {
    return function (request) {
      return new Promise(function (resolve) {
        var names = io.RequestParameters;
        var params = {};
        params[names.METHOD] = request.method === "GET" ? io.MethodType.GET : io.MethodType.POST;
        params[names.HEADERS] = request.headers;
        params[names.CONTENT_TYPE] = io.ContentType.TEXT;
        params[names.REFRESH_INTERVAL] = 0;
        if (request.body !== undefined) {
          params[names.POST_DATA] = request.body;
        }
        try {
          io.makeRequest(
            request.url,
            function (response) {
              resolve({ status: (response && response.rc) || 0, text: (response && response.text) || "" });
            },
            params
          );
        } catch (e) {
          resolve({ status: 0, text: "" });
        }
      });
    };
  }

  /** makeRequest when the container offers it and the UserPref allows it. */
  function chooseTransport(useProxy) {
    var io = root.gadgets && root.gadgets.io;
    if (useProxy && io && typeof io.makeRequest === "function") {
      return { name: "makeRequest", send: viaMakeRequest(io) };
    }
    return { name: "fetch", send: viaFetch };
  }

  /** A random key for Idempotency-Key (crypto.randomUUID needs a secure context). */
  function newKey() {
    var c = root.crypto;
    if (c && typeof c.randomUUID === "function") {
      return c.randomUUID();
    }
    var bytes = new Uint8Array(16);
    c.getRandomValues(bytes);
    return Array.prototype.map
      .call(bytes, function (b) {
        return (b + 0x100).toString(16).slice(1);
      })
      .join("");
  }

  function parse(answer) {
    var data = null;
    if (answer.text) {
      try {
        data = JSON.parse(answer.text);
      } catch (e) {
        data = null;
      }
    }
    var ok = answer.status >= 200 && answer.status < 300;
    var errors = [];
    if (!ok) {
      errors = data && Array.isArray(data.errors) ? data.errors : [];
      if (!errors.length) {
        errors = [{ field: null, code: answer.status ? "http_" + answer.status : "network", message: "" }];
      }
    }
    return { ok: ok, status: answer.status, data: data, errors: errors };
  }

  function Api(options) {
    this.baseUrl = String(options.baseUrl || "").replace(/\/+$/, "");
    this.key = options.key || "";
    this.transport = options.transport || chooseTransport(options.useProxy !== false);
    // () => {agentId, authorization}: the agent's Finesse credentials (docs/gadget.md
    // "Agent identity"), exchanged once for a signed agent session (X-Agent-Session).
    this.credentials = options.credentials || null;
    this.session = null;
    this.sessionFailure = null; // the refused agent-session answer, if the last one was
    // The gadget's language: the API answers its messages in it (English otherwise).
    this.language = options.language || "";
  }

  /** The agent session: asked for once per agent (again after it expired). */
  Api.prototype.agentSession = function () {
    var self = this;
    var given = self.credentials ? self.credentials() : null;
    if (!given || !given.agentId || !given.authorization) {
      return Promise.resolve(null);
    }
    if (self.session && self.session.agentId === given.agentId) {
      return self.session.promise;
    }
    var body = { agent_id: given.agentId, authorization: given.authorization };
    var promise = self.send("POST", "/agent-session", { body: body }, null).then(function (answer) {
      // Kept so that the gadget can say why personal callbacks are refused (core.js).
      self.sessionFailure = answer.ok ? null : answer;
      return answer.ok ? answer.data.session : null;
    });
    self.session = { agentId: given.agentId, promise: promise };
    return promise;
  };

  Api.prototype.call = function (method, path, options) {
    var self = this;
    return self.agentSession().then(function (token) {
      return self.send(method, path, options, token).then(function (answer) {
        var expired = answer.status === 401 && answer.errors[0].code === "agent_session_expired";
        if (!expired) {
          return answer;
        }
        self.session = null; // sign in with Finesse's credentials again, retry once
        return self.agentSession().then(function (fresh) {
          return self.send(method, path, options, fresh);
        });
      });
    });
  };

  Api.prototype.send = function (method, path, options, token) {
    options = options || {};
    var headers = { Accept: "application/json", Authorization: "Api-Key " + this.key };
    if (this.language) {
      headers["Accept-Language"] = this.language;
    }
    if (token) {
      headers["X-Agent-Session"] = token;
    }
    var body;
    if (options.body !== undefined) {
      headers["Content-Type"] = "application/json";
      body = JSON.stringify(options.body);
    }
    Object.keys(options.headers || {}).forEach(function (name) {
      headers[name] = options.headers[name];
    });
    return this.transport
      .send({ method: method, url: this.baseUrl + path + query(options.query), headers: headers, body: body })
      .then(parse);
  };

  Api.prototype.config = function () {
    return this.call("GET", "/config");
  };

  Api.prototype.slots = function (params) {
    return this.call("GET", "/slots", { query: params });
  };

  Api.prototype.validate = function (body) {
    return this.call("POST", "/callbacks/validate", { body: body });
  };

  Api.prototype.create = function (body, idempotencyKey) {
    return this.call("POST", "/callbacks", { body: body, headers: { "Idempotency-Key": idempotencyKey } });
  };

  Api.prototype.list = function (params) {
    return this.call("GET", "/callbacks", { query: params });
  };

  Api.prototype.reschedule = function (id, scheduledAt) {
    return this.call("POST", "/callbacks/" + id + "/reschedule", { body: { scheduled_at: scheduledAt } });
  };

  Api.prototype.cancel = function (id, reason) {
    return this.call("POST", "/callbacks/" + id + "/cancel", { body: { reason: reason || "" } });
  };

  Api.prototype.delivered = function (id, agentId) {
    return this.call("POST", "/callbacks/" + id + "/delivered", { body: { agent_id: agentId || "" } });
  };

  CG.Api = Api;
  CG.chooseTransport = chooseTransport;
  CG.newIdempotencyKey = newKey;
})(window);
