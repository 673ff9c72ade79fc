// The page's code editor, <code-editor>: CodeMirror 6, the copy @pyscript/core 0.7.31 ships
// (site/vendor/pyscript/), as an element py/ui.py uses like a textarea: `value` reads and writes
// the text, and an "input" event tells of the reader's changes (not of `value` being set).
//
// CodeMirror is mounted in a shadow root: there it styles itself with constructed stylesheets,
// which the page's Content-Security-Policy (style-src 'self') allows; in the document it adds
// <style> elements, which the policy refuses. It loads (some 160 kB gzip) when the editor comes
// near the viewport or gets the focus, so the first prediction never waits for it; until then,
// and for good if it cannot load, a plain textarea holds the text.
//
// Tab indents; Escape then Tab (within two seconds) leaves the editor, as CodeMirror's own
// "tab focus mode" does. The keymap is added through EditorView.domEventHandlers: PyScript's
// bundle exports no `keymap` under its own name. Nor `indentUnit`: its language chunk exports
// it as `i` (this pinned file's name for it; an indent of 4 spaces, as the script has).

// Every module of the editor, by path from the site's root, with its sha256 (subresource
// integrity): written by tools/build.py. Each is preloaded with it, so the imports find them checked.
const MODULES = {};
const SITE_ROOT = new URL("../", import.meta.url).href;
const VENDOR = "site/vendor/pyscript/";
const LEAVE_WINDOW_MS = 2000;  // Escape, then Tab within this long, leaves the editor

// Light in a dark page too: CodeMirror's highlighting colours are made for a light background.
const BOX = { boxSizing: "border-box", width: "100%", height: "var(--editor-height, 28rem)",
              border: "1px solid #6b7280", borderRadius: "0.4rem", background: "#ffffff",
              color: "#1b1d21", fontSize: "0.85rem" };
const MONOSPACE = 'ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace';
const FOCUSED = { outline: "3px solid var(--focus, #b35c00)", outlineOffset: "2px" };
const THEME = {
  "&": BOX,
  "&.cm-focused": FOCUSED,
  ".cm-scroller": { fontFamily: MONOSPACE },
  ".cm-gutters": { color: "#4a5060", backgroundColor: "#f3f4f6" },  // contrast 7:1
};

// The textarea's style, as CSS text, from the same values.
function css(selector, style) {
  const kebab = (name) => name.replace(/[A-Z]/g, (c) => "-" + c.toLowerCase());
  return selector + " { " + Object.entries(style).map(([k, v]) => kebab(k) + ": " + v + ";").join(" ") + " }";
}
const SHEET = [":host { display: block; }",
               css("textarea", { ...BOX, fontFamily: MONOSPACE, padding: "0.5rem", resize: "vertical" }),
               css("textarea:focus-visible", FOCUSED)].join("\n");

function preloaded(path) {
  return new Promise((resolve, reject) => {
    const link = Object.assign(document.createElement("link"),
                               { rel: "modulepreload", href: SITE_ROOT + path, integrity: MODULES[path] });
    link.onload = resolve;
    link.onerror = () => reject(new Error("could not load " + path.split("/").pop()));
    document.head.append(link);
  });
}

let codemirror = null;  // the promise of CodeMirror's modules, loaded once for every editor

function loadCodeMirror() {
  codemirror ||= Promise.all(Object.keys(MODULES).map(preloaded)).then(() => Promise.all([
    import(SITE_ROOT + VENDOR + "codemirror-BDx3jn9j.js"),
    import(SITE_ROOT + VENDOR + "codemirror_lang-python-r-dBg-Wd.js"),
    import(SITE_ROOT + VENDOR + "codemirror_commands-JTJPAaAA.js"),
    import(SITE_ROOT + VENDOR + "codemirror_language-BeYrpeur.js"),
  ])).then(([{ EditorView, basicSetup }, { python }, { indentWithTab }, { i: indentUnit }]) => ({
    EditorView, basicSetup, python, indentWithTab, indentUnit,
  }));
  return codemirror;
}

class CodeEditor extends HTMLElement {
  #text = "";
  #view = null;  // CodeMirror's view, once loaded
  #area = null;  // the textarea until then
  #setting = false;  // a change being made by `value`, not by the reader

  connectedCallback() {
    if (this.shadowRoot) return;
    // `value` set before this element was defined is an own property hiding the accessor.
    if (Object.hasOwn(this, "value")) {
      const text = this.value;
      delete this.value;
      this.#text = text;
    }
    const root = this.attachShadow({ mode: "open" });
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(SHEET);
    root.adoptedStyleSheets = [sheet];
    this.#area = Object.assign(document.createElement("textarea"),
                               { value: this.#text, spellcheck: false });
    this.#area.setAttribute("aria-label", this.getAttribute("label"));
    this.#area.addEventListener("input", () => this.#changed());
    root.append(this.#area);
    // The reader's input events stay inside; the element tells its own, once the text is changed.
    root.addEventListener("input", (event) => event.stopPropagation());
    const near = new IntersectionObserver((entries) => {
      if (entries.some((entry) => entry.isIntersecting)) {
        near.disconnect();
        this.#mount();
      }
    }, { rootMargin: "600px" });
    near.observe(this);
    this.#area.addEventListener("focus", () => this.#mount(), { once: true });
  }

  get value() {
    return this.#view ? this.#view.state.doc.toString() : this.#area ? this.#area.value : this.#text;
  }

  set value(text) {
    text = String(text);
    if (!this.#view) {
      this.#text = text;
      if (this.#area) this.#area.value = text;
      return;
    }
    // Only the lines that differ are replaced: the rest keeps its highlighting and the cursor.
    const old = this.#view.state.doc.toString();
    let from = 0;
    while (from < old.length && from < text.length && old[from] === text[from]) from += 1;
    let end = 0;
    while (end < old.length - from && end < text.length - from &&
           old[old.length - 1 - end] === text[text.length - 1 - end]) end += 1;
    if (from === old.length && from === text.length) return;
    this.#setting = true;
    try {
      this.#view.dispatch({ changes: { from, to: old.length - end, insert: text.slice(from, text.length - end) } });
    } finally {
      this.#setting = false;
    }
  }

  #changed() {
    if (!this.#setting) this.dispatchEvent(new Event("input", { bubbles: true }));
  }

  #mount() {
    loadCodeMirror().then(({ EditorView, basicSetup, python, indentWithTab, indentUnit }) => {
      if (this.#view) return;
      const area = this.#area;
      const hadFocus = this.shadowRoot.activeElement === area;
      let escapedAt = -Infinity;
      this.#view = new EditorView({
        doc: area.value,
        root: this.shadowRoot,
        extensions: [
          basicSetup,
          python(),
          indentUnit.of("    "),  // the script's own indentation (CodeMirror's default is 2 spaces)
          EditorView.theme(THEME),
          // (tabindex: a content-editable element is in the tab order anyway; axe, which checks
          // that the scrolling region holds something focusable, counts only a tabindex.)
          EditorView.contentAttributes.of({ "aria-label": this.getAttribute("label"), tabindex: "0" }),
          EditorView.updateListener.of((update) => { if (update.docChanged) this.#changed(); }),
          // Every Escape counts, also one a CodeMirror key binding takes (closing the list of
          // completions, which may be on its way unseen, or a selection): observers see them all.
          EditorView.domEventObservers({
            keydown: (event) => { if (event.key === "Escape") escapedAt = Date.now(); },
          }),
          EditorView.domEventHandlers({
            keydown: (event, view) => {
              if (event.key !== "Tab" || event.ctrlKey || event.altKey || event.metaKey) return false;
              if (Date.now() - escapedAt <= LEAVE_WINDOW_MS) return false;  // the browser moves the focus
              const indent = event.shiftKey ? indentWithTab.shift : indentWithTab.run;
              if (indent(view)) event.preventDefault();
              return true;
            },
            // Text typed over a selection is put in by CodeMirror, not the browser: replacing
            // highlighted text, Chromium keeps its colour with a style="" attribute, which the
            // page's Content-Security-Policy refuses (a console error).
            beforeinput: (event, view) => {
              const { main, ranges } = view.state.selection;
              if (event.inputType !== "insertText" || event.data == null || main.empty ||
                  ranges.length > 1) return false;
              event.preventDefault();
              const insert = () => view.state.update(view.state.replaceSelection(event.data),
                                                     { userEvent: "input.type", scrollIntoView: true });
              // As CodeMirror would: its input handlers (closing brackets, say) first.
              if (!view.state.facet(EditorView.inputHandler)
                  .some((handler) => handler(view, main.from, main.to, event.data, insert))) {
                view.dispatch(insert());
              }
              return true;
            },
          }),
        ],
      });
      area.replaceWith(this.#view.dom);
      this.#area = null;
      if (hadFocus) this.#view.focus();
    }, (error) => {
      console.warn("tenline: the code editor could not load (" + error.message + "); a plain" +
                   " text box holds the code.");
    });
  }
}

customElements.define("code-editor", CodeEditor);
