// Progressive enhancement for the testimony form: as the resident types, say under the text
// when it looks like it holds a phone number, e-mail or street address or an ID number, which
// would be published. The patterns are the server's own (app/testimony/personal_data.py), sent
// in the page as JSON (a data attribute of the hint); without JavaScript (or in a browser too old for them) the server asks the
// same question when the form is sent.
(function () {
  "use strict";

  var config = document.querySelector("[data-patterns]");
  if (!config) { return; }
  var spec, patterns = {};
  try {
    spec = JSON.parse(config.getAttribute("data-patterns"));
    Object.keys(spec.patterns).forEach(function (name) {
      // g: every match; u: Unicode classes as Python reads them. (Not d: group positions
      // cost an allocation per match, and a text of many numbers made that the main cost.)
      patterns[name] = new RegExp(spec.patterns[name], "gu");
    });
  } catch (error) {
    return; // the server still checks
  }

  function luhnValid(digits) {
    if (!/^[0-9]{13,19}$/.test(digits)) { return false; }
    var total = 0;
    for (var index = 0; index < digits.length; index++) {
      var value = Number(digits.charAt(digits.length - 1 - index));
      if (index % 2) { value = value > 4 ? value * 2 - 9 : value * 2; }
      total += value;
    }
    return total % 10 === 0;
  }

  function looksLikeAYear(text, match) {
    var number = match.groups.number;
    if (!(number.length === 4 && /^[0-9]+$/.test(number) && +number >= 1700 && +number <= 2100)) {
      return false;
    }
    var before = text.slice(Math.max(0, match.index - spec.year_lookback), match.index);
    patterns.word_before.lastIndex = 0;
    var word = patterns.word_before.exec(before);
    return word !== null && spec.year_words.indexOf(word[1].toLowerCase()) !== -1;
  }

  function each(name, text, take) {
    var pattern = patterns[name];
    pattern.lastIndex = 0;
    var match;
    while ((match = pattern.exec(text)) !== null) { take(match); }
  }

  // The same findings as find_personal_data in Python: every candidate, then sorted by start
  // (the longer first) keeping none that overlaps one kept before it.
  function find(text) {
    var found = [];
    function add(start, end, kind) {
      found.push({ start: start, end: end, kind: kind, text: text.slice(start, end), order: found.length });
    }
    function whole(kind) {
      return function (match) { add(match.index, match.index + match[0].length, kind); };
    }
    each("ssn", text, whole("ssn"));
    each("ssn_named", text, function (match) {
      // The number ends the match (only a lookahead follows it).
      var end = match.index + match[0].length;
      add(end - match.groups.number.length, end, "ssn");
    });
    each("phone", text, whole("phone"));
    each("email", text, whole("email"));
    each("street_address", text, function (match) {
      if (!looksLikeAYear(text, match)) { whole("street_address")(match); }
    });
    each("card", text, function (match) {
      if (luhnValid(match[0].replace(/[- ]/g, ""))) { whole("card")(match); }
    });
    found.sort(function (a, b) {
      return a.start - b.start || (b.end - b.start) - (a.end - a.start) || a.order - b.order;
    });
    var kept = [];
    found.forEach(function (finding) {
      if (!kept.length || finding.start >= kept[kept.length - 1].end) {
        kept.push({ start: finding.start, end: finding.end, kind: finding.kind, text: finding.text });
      }
    });
    return kept;
  }

  // For the browser tests, which compare it with the server on the same examples.
  window.OpenTestimony = window.OpenTestimony || {};
  window.OpenTestimony.findPersonalData = find;

  var SHOWN_PER_KIND = 5;

  function describe(findings) {
    // Kinds in the order the server's warning names them; each text once.
    var byKind = {};
    findings.forEach(function (finding) {
      var texts = byKind[finding.kind] = byKind[finding.kind] || [];
      if (texts.indexOf(finding.text) === -1) { texts.push(finding.text); }
    });
    return spec.kinds.filter(function (kind) { return byKind[kind]; })
      .map(function (kind) { return { kind: kind, texts: byKind[kind] }; });
  }

  function element(tag, text) {
    var node = document.createElement(tag);
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function show(hint, groups) {
    hint.replaceChildren();
    hint.classList.toggle("notice", groups.length > 0);
    hint.classList.toggle("notice-warning", groups.length > 0);
    if (!groups.length) { return; }
    var intro = element("p");
    intro.appendChild(element("strong", spec.intro));
    var list = element("ul");
    groups.forEach(function (group) {
      var item = element("li", spec.labels[group.kind] + " ");
      group.texts.slice(0, SHOWN_PER_KIND).forEach(function (text, index) {
        if (index) { item.appendChild(document.createTextNode(", ")); }
        var quoted = element("bdi", text);
        quoted.setAttribute("dir", "auto");
        quoted.className = "found-text";
        item.appendChild(quoted);
      });
      if (group.texts.length > SHOWN_PER_KIND) {
        item.appendChild(document.createTextNode(
          " " + spec.more.replace("{count}", group.texts.length - SHOWN_PER_KIND)));
      }
      list.appendChild(item);
    });
    hint.appendChild(intro);
    hint.appendChild(list);
    hint.appendChild(element("p", spec.outro));
  }

  var fields = document.querySelectorAll("textarea[data-personal-data]");
  Array.prototype.forEach.call(fields, function (textarea) {
    var hint = document.getElementById(textarea.id + "-personal-data");
    if (!hint) { return; }
    var timer = null;
    var said = null;
    // Past twice the limit the counter already says to shorten it; the hint reads no further.
    var readUpTo = 2 * (parseInt(textarea.getAttribute("data-max"), 10) || 10000);
    function update() {
      var groups = describe(find(textarea.value.slice(0, readUpTo)));
      // Said again only when what was found changes, so a screen reader is not repeated to.
      var now = JSON.stringify(groups);
      if (now === said) { return; }
      said = now;
      show(hint, groups);
    }
    textarea.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(update, 700);
    });
    // The server's warning is already on the page when the form came back with one.
    if (!document.querySelector(".personal-data-warning")) { update(); }
  });

  // "Edit my testimony" puts the cursor on the first passage found, in its field.
  var edit = document.querySelector("[data-edit-personal-data]");
  if (edit) {
    edit.addEventListener("click", function (event) {
      var field = document.getElementById(edit.getAttribute("href").slice(1));
      if (!field) { return; }
      event.preventDefault();
      field.focus();
      var first = find(field.value)[0];
      if (first && field.setSelectionRange) { field.setSelectionRange(first.start, first.end); }
      field.scrollIntoView({ block: "center" });
    });
  }
})();
