// Hearing day screens, as progressive enhancement (every page works without it):
// - the speaker's countdown, by the server's clock, with a warning in the last 30 seconds and
//   "over time" after (without JavaScript the page says when they started and the limit);
// - the public display and the projector follow the console in place: they ask for the floor
//   once a second with the entity tag they have (an empty 304 while nothing changed), redraw
//   what changed and say who is speaking now in a polite live region, once per change;
// - a staff console reloads itself when another screen changes the list, unless its walk-in
//   form is being filled in (or a kiosk link is on show): then it says so and waits.
(function () {
  "use strict";
  var POLL_MS = 1000;

  function pad(number) {
    return (number < 10 ? "0" : "") + number;
  }

  function clock(seconds) {
    return Math.floor(seconds / 60) + ":" + pad(seconds % 60);
  }

  // The countdown of one [data-timer] element.
  function Timer(element, onOver) {
    this.element = element;
    this.onOver = onOver;
    this.offset = 0;
    this.state = null;
    this.clock = element.querySelector("[data-timer-clock]");
    this.label = element.querySelector("[data-timer-label]");
    this.sync(element.getAttribute("data-now-ms"));
    this.clock.hidden = false;
    this.label.hidden = false;
    this.tick();
  }

  // How far this device's clock is from the server's.
  Timer.prototype.sync = function (serverNow) {
    if (serverNow) {
      this.offset = Number(serverNow) - Date.now();
    }
  };

  Timer.prototype.set = function (startedMs, seconds, serverNow) {
    var was = this.element.getAttribute("data-started-ms");
    var now = startedMs ? String(startedMs) : "";
    this.sync(serverNow);
    if (was !== now) {
      // Another speaker: the start time the server wrote belongs to the one before.
      var started = this.element.querySelector("[data-timer-started]");
      if (started) {
        started.hidden = true;
      }
      this.state = null;
    }
    this.element.setAttribute("data-started-ms", now);
    this.element.setAttribute("data-seconds", String(seconds));
    this.tick();
  };

  Timer.prototype.tick = function () {
    var element = this.element;
    var startedMs = element.getAttribute("data-started-ms");
    if (!startedMs) {
      element.hidden = true;
      return;
    }
    element.hidden = false;
    var allowed = Number(element.getAttribute("data-seconds"));
    var warning = Number(element.getAttribute("data-warning-seconds") || 30);
    var elapsed = Math.max(0, Math.floor((Date.now() + this.offset - Number(startedMs)) / 1000));
    var left = allowed - elapsed;
    var state = left <= 0 ? "over" : left <= warning ? "warning" : "left";
    var text = left >= 0 ? clock(left) : "+" + clock(-left);
    if (this.clock.textContent !== text) {
      this.clock.textContent = text;
    }
    if (state !== this.state) {
      var wasRunning = this.state !== null;
      this.state = state;
      this.label.textContent = element.getAttribute("data-text-" + state);
      element.classList.toggle("timer-warning", state === "warning");
      element.classList.toggle("timer-over", state === "over");
      if (state === "over" && wasRunning && this.onOver) {
        this.onOver();
      }
    }
  };

  // Ask `url` for the floor every second with the entity tag we have; call onChange with the
  // new floor when it changed. Returns a handle to stop.
  function follow(url, etag, onChange) {
    var stopped = false;
    var controller = null;
    var timeout = null;

    function ask() {
      if (stopped) {
        return;
      }
      controller = window.AbortController ? new AbortController() : null;
      fetch(url, {
        credentials: "same-origin",
        cache: "no-store",
        headers: { Accept: "application/json", "If-None-Match": etag },
        signal: controller ? controller.signal : undefined,
      })
        .then(function (response) {
          if (response.status !== 200) {
            return null;
          }
          etag = response.headers.get("ETag") || etag;
          return response.json();
        })
        .then(function (floor) {
          if (floor && !stopped) {
            onChange(floor);
          }
        })
        .catch(function () {
          return null;
        })
        .then(function () {
          if (!stopped) {
            timeout = window.setTimeout(ask, POLL_MS);
          }
        });
    }

    timeout = window.setTimeout(ask, POLL_MS);
    return {
      stop: function () {
        stopped = true;
        window.clearTimeout(timeout);
        if (controller) {
          controller.abort();
        }
      },
    };
  }

  var timers = [];
  Array.prototype.forEach.call(document.querySelectorAll("[data-timer]"), function (element) {
    timers.push(new Timer(element, null));
  });
  if (timers.length) {
    window.setInterval(function () {
      timers.forEach(function (timer) {
        timer.tick();
      });
    }, 250);
  }

  if (!window.fetch) {
    return;
  }

  // The public display and the projector.
  var display = document.querySelector("[data-floor-poll]");
  if (display) {
    followDisplay(display);
  }

  function fill(container, speaker) {
    Array.prototype.forEach.call(container.querySelectorAll("[data-field]"), function (field) {
      var value = speaker[field.getAttribute("data-field")] || "";
      field.textContent = value;
      if (field.tagName === "P") {
        field.hidden = !value;
      }
    });
    Array.prototype.forEach.call(container.querySelectorAll("[data-wrap]"), function (wrap) {
      wrap.hidden = !speaker[wrap.getAttribute("data-wrap")];
    });
  }

  function followDisplay(root) {
    var announcer = root.querySelector("[data-announce]");
    var template = root.querySelector("template[data-template=speaker]");
    var now = root.querySelector("[data-slot=now]");
    var nowEmpty = root.querySelector("[data-slot=now-empty]");
    var next = root.querySelector("[data-slot=next]");
    var nextEmpty = root.querySelector("[data-slot=next-empty]");
    var timerElement = root.querySelector("[data-timer]");
    var timer = null;
    var speaking = now.hidden ? "" : now.querySelector("[data-field=name]").textContent;

    function announce(text) {
      // Emptied first, so the same words said twice are still read out.
      announcer.textContent = "";
      window.setTimeout(function () {
        announcer.textContent = text;
      }, 100);
    }

    timers.forEach(function (each) {
      if (each.element === timerElement) {
        timer = each;
      }
    });
    if (timer) {
      timer.onOver = function () {
        announce(announcer.getAttribute("data-text-over"));
      };
    }
    Array.prototype.forEach.call(root.querySelectorAll("[data-no-script]"), function (element) {
      element.hidden = true;
    });

    follow(root.getAttribute("data-floor-poll"), root.getAttribute("data-etag"), function (floor) {
      if (floor.cancelled) {
        // The page says so in words of its own.
        window.location.reload();
        return;
      }
      var current = floor.now_speaking;
      now.hidden = !current;
      nowEmpty.hidden = !!current;
      if (current) {
        fill(now, current);
      }
      while (next.firstChild) {
        next.removeChild(next.firstChild);
      }
      floor.up_next.forEach(function (speaker) {
        var item = document.createElement("li");
        item.appendChild(template.content.cloneNode(true));
        fill(item, speaker);
        next.appendChild(item);
      });
      next.hidden = !floor.up_next.length;
      nextEmpty.hidden = !!floor.up_next.length;
      ["waiting", "spoke"].forEach(function (name) {
        var count = root.querySelector("[data-field=" + name + "]");
        if (count) {
          count.textContent = String(floor[name]);
        }
      });
      if (timer) {
        timer.set(floor.started_ms, floor.seconds_allowed, floor.now_ms);
      }
      var name = current ? current.name : "";
      if (name !== speaking) {
        speaking = name;
        announce(
          name
            ? announcer.getAttribute("data-text-now").replace("{name}", name)
            : announcer.getAttribute("data-text-nobody")
        );
      }
    });
  }

  // A staff console.
  var consoleRoot = document.querySelector("[data-console-poll]");
  if (consoleRoot) {
    followConsole(consoleRoot);
  }

  function followConsole(root) {
    var notice = document.querySelector("[data-console-notice]");
    var walkIn = document.querySelector("form[data-walk-in]");
    var page = root.getAttribute("data-console-url");

    function typing() {
      if (document.querySelector("[data-kiosk-link]") || document.getElementById("error-summary")) {
        return true;
      }
      if (!walkIn) {
        return false;
      }
      if (walkIn.contains(document.activeElement)) {
        return true;
      }
      return Array.prototype.some.call(walkIn.elements, function (field) {
        if (field.type === "hidden" || field.type === "submit") {
          return false;
        }
        if (field.type === "radio" || field.type === "checkbox") {
          return field.checked !== field.defaultChecked;
        }
        if (field.tagName === "SELECT") {
          return Array.prototype.some.call(field.options, function (option) {
            return option.selected !== option.defaultSelected;
          });
        }
        return field.value !== field.defaultValue;
      });
    }

    // Reload the console (a GET, even after a walk-in form came back with errors). The
    // address's fragment names the control that has focus: the browser puts focus back on
    // it once the page is loaded again, as it does after each of the console's own actions.
    function reload() {
      var focused = document.activeElement;
      var anchor = focused && focused.id && focused !== document.body ? "#" + focused.id : "";
      window.history.replaceState(null, "", page + anchor);
      window.location.reload();
    }

    function tell() {
      notice.textContent = "";
      var text = document.createElement("span");
      text.textContent = notice.getAttribute("data-text") + " ";
      var button = document.createElement("button");
      button.type = "button";
      button.className = "button button-secondary";
      button.textContent = notice.getAttribute("data-text-reload");
      button.addEventListener("click", reload);
      notice.appendChild(text);
      notice.appendChild(button);
    }

    var following = follow(root.getAttribute("data-console-poll"), root.getAttribute("data-etag"), function () {
      following.stop();
      if (typing()) {
        tell();
      } else {
        reload();
      }
    });

    document.addEventListener("submit", function () {
      // The action's own page follows; an answer still on its way must not reload over it.
      following.stop();
    });
  }
})();
