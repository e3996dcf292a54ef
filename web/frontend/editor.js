// CodeMirror 6 editor for torchdojo, bundled offline by build.mjs into
// src/torchdojo/web/static/vendor/editor.js (IIFE; sets window.TorchdojoEditor).
import { basicSetup } from "codemirror";
import { EditorState, Prec } from "@codemirror/state";
import { EditorView, keymap } from "@codemirror/view";
import { indentWithTab } from "@codemirror/commands";
import { indentUnit } from "@codemirror/language";
import { python } from "@codemirror/lang-python";
import { oneDark } from "@codemirror/theme-one-dark";

function call(fn, ...args) {
  if (typeof fn === "function") fn(...args);
  // Returning true marks the key as handled, so CodeMirror calls
  // preventDefault() (e.g. stops the browser's "Save page" on Ctrl-S).
  return true;
}

/**
 * Create a Python editor inside `parent`.
 * opts: { onRun(), onSubmit(), onSave(), onChange(text), dark: boolean }
 * Returns { getValue(), setValue(text), focus(), destroy(), view }.
 */
export function createEditor(parent, doc = "", opts = {}) {
  // Ctrl-* and Meta-* (Cmd on macOS) are both bound explicitly so either
  // modifier works on every platform. Highest precedence so these win over
  // basicSetup's defaults (Mod-Enter would otherwise insert a blank line).
  const shortcuts = [];
  for (const mod of ["Ctrl", "Meta"]) {
    shortcuts.push(
      { key: `Shift-${mod}-Enter`, run: () => call(opts.onSubmit) },
      { key: `${mod}-Enter`, run: () => call(opts.onRun) },
      { key: `${mod}-s`, run: () => call(opts.onSave), preventDefault: true },
    );
  }

  const extensions = [
    basicSetup,
    Prec.highest(keymap.of(shortcuts)),
    keymap.of([indentWithTab]),
    python(),
    indentUnit.of("    "),
    EditorState.tabSize.of(4),
    EditorView.updateListener.of((update) => {
      if (update.docChanged && typeof opts.onChange === "function") {
        opts.onChange(update.state.doc.toString());
      }
    }),
  ];
  if (opts.dark) extensions.push(oneDark);

  const view = new EditorView({
    parent,
    state: EditorState.create({ doc: String(doc ?? ""), extensions }),
  });

  return {
    view,
    getValue: () => view.state.doc.toString(),
    setValue(text) {
      view.dispatch({
        changes: { from: 0, to: view.state.doc.length, insert: String(text ?? "") },
      });
    },
    focus: () => view.focus(),
    destroy: () => view.destroy(),
  };
}

if (typeof window !== "undefined") {
  window.TorchdojoEditor = { createEditor };
}
