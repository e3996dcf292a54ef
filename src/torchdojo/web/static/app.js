// torchdojo's page: a small hash-routed app over the JSON API (/api/..., schema at /openapi.json).
// Routes: #/ problem list (the course) · #/p/<id> problem and editor · #/l/<id> lesson ·
// #/quiz concept cards · #/progress.
"use strict";

const TOKEN = document.querySelector('meta[name="torchdojo-token"]').content;
// the grader takes files of up to this many UTF-8 bytes; the editor says so before sending
const MAX_CODE = Number(document.querySelector('meta[name="torchdojo-max-code"]').content);
const $ = (sel, root = document) => root.querySelector(sel);
const main = () => $("#main");
let LANG = "en";
let editor = null;         // the CodeMirror wrapper of the open problem
let saveTimer = null;

// -- words of the page itself, in the three languages ------------------------------------------
const WORDS = {
  en: {problems: "Problems", quiz: "Quiz", progress: "Progress", language: "Language",
       search: "Search problems, tags…", all_tracks: "All tracks", all_status: "Any status",
       new: "new", attempted: "attempted", solved: "solved", run: "Run", submit: "Submit",
       save: "Save", reset: "Reset", hint: "Show a hint", no_more_hints: "All hints are shown",
       solution: "Solution", confirm_solution: "You have not solved this yet. Show the solution anyway?",
       running: "Grading…", in_queue: "In the queue: place {n}…", queued: "A check is already running: its result comes first.", saved: "Saved", too_big: "This file is {n} KiB; the grader takes files of up to {max} KiB (1 MiB). Shorten it to save or run it.",
       passed: "passed", failed: "not yet", reset_confirm: "Replace your code with the starter? (your file is kept as .bak)",
       your_file: "Your file", hints: "Hints", results: "Results", explanation: "Explanation",
       check: "Check", right: "Right!", wrong: "Not quite. The answer:", next: "Next card",
       nothing_due: "Nothing is due. Come back later.", key_points: "Key points",
       model_answer: "Model answer", how_sure: "If right, it felt", hard: "hard", good: "good",
       easy: "easy", medium: "medium", your_answer: "Your answer", next_review: "Next review", cards: "Cards",
       due: "due", learned: "learned", overall: "overall", shortcut: "Ctrl-Enter runs · Ctrl-Shift-Enter submits · Ctrl-S saves",
       left: "left", lesson: "Lesson", lessons: "Lessons", next_problem: "Next", practise: "Practise it",
       read_first: "Read first", reviews_due: "reviews due", new_today: "new today", not_seen: "not seen",
       per_day: "New cards: at most {n} a day.", of: "of", read: "read"},
  "zh-Hans": {problems: "题目", quiz: "问答", progress: "进度", language: "语言",
       search: "搜索题目、标签…", all_tracks: "全部章节", all_status: "任意状态",
       new: "未开始", attempted: "尝试过", solved: "已解决", run: "运行", submit: "提交",
       save: "保存", reset: "重置", hint: "显示提示", no_more_hints: "提示已全部显示",
       solution: "参考答案", confirm_solution: "你还没有通过这道题。仍然查看参考答案吗？",
       running: "评测中…", queued: "已有一次评测在进行，请等待它的结果。", saved: "已保存", too_big: "这个文件有 {n} KiB，评测器最多接受 {max} KiB（1 MiB）。请缩短后再保存或运行。",
       passed: "通过", failed: "未通过", reset_confirm: "用初始代码替换你的代码？（原文件保存为 .bak）",
       your_file: "你的文件", hints: "提示", results: "结果", explanation: "讲解",
       check: "检查", in_queue: "排队中：第 {n} 位…", right: "正确！", wrong: "不对。答案是：", next: "下一张",
       nothing_due: "暂时没有到期的卡片，稍后再来。", key_points: "要点",
       model_answer: "参考回答", how_sure: "若答对，感觉", hard: "困难", good: "良好",
       easy: "简单", medium: "中等", your_answer: "你的答案", next_review: "下次复习", cards: "卡片",
       due: "到期", learned: "已掌握", overall: "总计", shortcut: "Ctrl-Enter 运行 · Ctrl-Shift-Enter 提交 · Ctrl-S 保存",
       left: "剩余", lesson: "课程", lessons: "课程", next_problem: "下一题", practise: "练习",
       read_first: "先读课程", reviews_due: "待复习", new_today: "今日新卡", not_seen: "未学",
       per_day: "新卡片：每天最多 {n} 张。", of: "/", read: "已读"},
  "zh-Hant": {problems: "題目", quiz: "問答", progress: "進度", language: "語言",
       search: "搜尋題目、標籤…", all_tracks: "全部章節", all_status: "任意狀態",
       new: "未開始", attempted: "嘗試過", solved: "已解決", run: "執行", submit: "提交",
       save: "儲存", reset: "重設", hint: "顯示提示", no_more_hints: "提示已全部顯示",
       solution: "參考答案", confirm_solution: "你還沒有通過這道題。仍然查看參考答案嗎？",
       running: "評測中…", queued: "已有一次評測在進行，請等待它的結果。", saved: "已儲存", too_big: "這個檔案有 {n} KiB，評測器最多接受 {max} KiB（1 MiB）。請縮短後再儲存或執行。",
       passed: "通過", failed: "未通過", reset_confirm: "用初始程式碼取代你的程式碼？（原檔案保存為 .bak）",
       your_file: "你的檔案", hints: "提示", results: "結果", explanation: "講解",
       check: "檢查", in_queue: "排隊中：第 {n} 位…", right: "正確！", wrong: "不對。答案是：", next: "下一張",
       nothing_due: "暫時沒有到期的卡片，稍後再來。", key_points: "要點",
       model_answer: "參考回答", how_sure: "若答對，感覺", hard: "困難", good: "良好",
       easy: "簡單", medium: "中等", your_answer: "你的答案", next_review: "下次複習", cards: "卡片",
       due: "到期", learned: "已掌握", overall: "總計", shortcut: "Ctrl-Enter 執行 · Ctrl-Shift-Enter 提交 · Ctrl-S 儲存",
       left: "剩餘", lesson: "課程", lessons: "課程", next_problem: "下一題", practise: "練習",
       read_first: "先讀課程", reviews_due: "待複習", new_today: "今日新卡", not_seen: "未學",
       per_day: "新卡片：每天最多 {n} 張。", of: "/", read: "已讀"},
};
const t = (key) => (WORDS[LANG] || WORDS.en)[key] || WORDS.en[key] || key;

// -- helpers --------------------------------------------------------------------------------------
async function api(method, path, body) {
  const opts = {method, headers: {"X-Torchdojo-Token": TOKEN}};
  if (body !== undefined) {
    opts.headers["Content-Type"] = "application/json";
    opts.body = JSON.stringify(body);
  }
  const sep = path.includes("?") ? "&" : "?";
  const res = await fetch(`/api${path}${method === "GET" ? `${sep}lang=${LANG}` : ""}`, opts);
  const data = await res.json().catch(() => ({}));
  if (!res.ok) throw Object.assign(new Error(data.detail || res.statusText), {status: res.status});
  return data;
}

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "html") node.innerHTML = v;          // only HTML rendered by the server
    else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else if (v !== false && v != null) node.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat()) if (c != null) node.append(c);
  return node;
}

function typeset(root) {                            // KaTeX over the server's math spans
  if (!window.katex) return;
  for (const m of root.querySelectorAll(".math")) {
    if (m.dataset.done) continue;
    try {
      katex.render(m.textContent, m, {displayMode: m.classList.contains("block"), throwOnError: false});
      m.dataset.done = "1";
    } catch (e) { /* leave the TeX as text */ }
  }
}

function toast(text) {
  const box = $("#toast");
  box.textContent = text;
  box.classList.add("show");
  clearTimeout(box._t);
  box._t = setTimeout(() => box.classList.remove("show"), 1800);
}

function applyWords() {
  document.documentElement.lang = LANG;
  for (const n of document.querySelectorAll("[data-i18n]")) n.textContent = t(n.dataset.i18n);
}

// -- the problem list ------------------------------------------------------------------------------
async function showList() {
  const [problems, prog, course, nxt] = await Promise.all([api("GET", "/problems"),
    api("GET", "/progress"), api("GET", "/course"), api("GET", "/next")]);
  const byId = Object.fromEntries(problems.map((p) => [p.id, p]));
  const nextId = nxt.next && nxt.next.id;
  const q = el("input", {type: "search", id: "search", placeholder: t("search"), "aria-label": t("search")});
  const trackSel = el("select", {id: "track-filter", "aria-label": "track"},
    el("option", {value: ""}, t("all_tracks")), course.map((c) => el("option", {value: c.track}, c.title)));
  const statusSel = el("select", {id: "status-filter", "aria-label": "status"},
    el("option", {value: ""}, t("all_status")),
    ["new", "attempted", "solved"].map((s) => el("option", {value: s}, t(s))));
  const body = el("div", {id: "problem-list"});
  const render = () => {
    const words = q.value.toLowerCase().split(/\s+/).filter(Boolean);
    body.replaceChildren();
    const filtering = words.length || statusSel.value;
    for (const c of course) {
      const tr = c.track;
      if (trackSel.value && trackSel.value !== tr) continue;
      const keep = (p) => (!statusSel.value || p.status === statusSel.value)
        && words.every((w) => [p.id, p.title, p.difficulty, t(p.difficulty), ...p.tags].join(" ").toLowerCase().includes(w));
      // the track as a course: each lesson just before the problem it leads into (hidden while filtering)
      const items = c.items.filter((it) => it.kind === "lesson" ? !filtering : keep(byId[it.id]));
      if (!items.some((it) => it.kind === "problem")) continue;
      const stat = prog.tracks.find((r) => r.track === tr);
      body.append(el("section", {class: "track", "data-track": tr},
        el("h2", {}, c.title, el("span", {class: "muted"}, ` ${tr} · ${stat.solved}/${stat.problems} ${t("solved")}`)),
        c.blurb ? el("p", {class: "muted blurb"}, c.blurb) : null,
        el("table", {class: "problems"}, el("tbody", {}, items.map((it) => {
          if (it.kind === "lesson") return el("tr", {class: "lesson-row", "data-lesson": it.id},
            el("td", {class: "status", title: it.read ? t("read") : ""}, it.read ? "✓" : "▸"),
            el("td", {}, el("a", {href: `#/l/${it.id}`}, `${t("lesson")}: ${it.title}`)), el("td", {}), el("td", {}));
          const p = byId[it.id];
          return el("tr", {"data-id": p.id, class: p.id === nextId ? "next" : ""},
            el("td", {class: `status ${p.status}`, title: t(p.status)}, {new: "○", attempted: "◐", solved: "●"}[p.status]),
            el("td", {}, el("span", {class: "num"}, `${p.number}.`), " ", el("a", {href: `#/p/${p.id}`}, p.title),
              p.id === nextId ? el("span", {class: "next-badge"}, ` ← ${t("next_problem")}`) : null,
              el("div", {class: "muted small"}, p.id)),
            el("td", {class: `diff ${p.difficulty}`}, t(p.difficulty)),
            el("td", {class: "tags"}, p.tags.slice(0, 4).map((g) => el("span", {class: "tag"}, g))));
        })))));
    }
  };
  for (const c of [q, trackSel, statusSel]) c.addEventListener("input", render);
  main().replaceChildren(el("div", {class: "filters"}, q, trackSel, statusSel), progressBars(prog), body);
  render();
  q.focus();
}

function progressBars(prog) {
  const o = prog.overall;
  const pct = (n) => `${o.problems ? (100 * n / o.problems).toFixed(1) : 0}%`;
  return el("div", {class: "overall", id: "overall"},
    el("div", {class: "bar", title: `${o.solved} ${t("solved")}, ${o.attempted} ${t("attempted")}`},
      el("span", {class: "solved", style: `width:${pct(o.solved)}`}),
      el("span", {class: "attempted", style: `width:${pct(o.attempted)}`})),
    el("span", {class: "muted"}, `${o.solved}/${o.problems} ${t("solved")} · ${o.attempted} ${t("attempted")}`));
}

// -- a problem: statement, editor, results ------------------------------------------------------------
async function showProblem(pid) {
  const p = await api("GET", `/problems/${encodeURIComponent(pid)}`);
  const results = el("div", {id: "results", class: "results"});
  const hints = el("div", {id: "hints"});
  const solution = el("div", {id: "solution"});
  const renderHints = (list) => hints.replaceChildren(...list.map((h, i) =>
    el("div", {class: "hint"}, el("b", {}, `${t("hints")} ${i + 1}`), el("div", {html: h}))));
  renderHints(p.hints);
  const hintBtn = el("button", {id: "hint-btn", onclick: async () => {
    const r = await api("POST", `/problems/${pid}/hint?lang=${LANG}`);
    renderHints(r.hints); typeset(hints);
    if (r.hints.length >= r.hints_total) { hintBtn.disabled = true; hintBtn.textContent = t("no_more_hints"); }
  }}, t("hint"));
  if (p.hints.length >= p.hints_total) { hintBtn.disabled = true; hintBtn.textContent = t("no_more_hints"); }
  const solBtn = el("button", {id: "solution-btn", onclick: async () => {
    let r;
    try { r = await api("POST", `/problems/${pid}/solution?lang=${LANG}`, {confirm: false}); }
    catch (e) {
      if (e.status !== 403 || !confirm(t("confirm_solution"))) return;
      r = await api("POST", `/problems/${pid}/solution?lang=${LANG}`, {confirm: true});
    }
    solution.replaceChildren(el("h3", {}, t("solution")), el("pre", {class: "code"}, r.code),
      el("h3", {}, t("explanation")), el("div", {class: "prose", html: r.explanation_html}));
    typeset(solution);
  }}, t("solution"));

  const runBtn = el("button", {id: "run-btn", class: "primary", onclick: () => grade("public")}, t("run"));
  const submitBtn = el("button", {id: "submit-btn", class: "primary", onclick: () => grade("all")}, t("submit"));
  const resetBtn = el("button", {id: "reset-btn", onclick: async () => {
    if (!confirm(t("reset_confirm"))) return;
    const r = await api("POST", `/problems/${pid}/reset`);
    editor.setValue(r.code);
  }}, t("reset"));
  const spinner = el("span", {id: "spinner", class: "spinner", hidden: true});
  const status = el("span", {id: "status-line", class: "muted"});
  const editorBox = el("div", {id: "editor"});

  main().replaceChildren(el("div", {class: "problem"},
    el("article", {class: "statement"},
      el("h1", {id: "problem-title"}, p.title),
      el("div", {class: "muted", id: "problem-meta"}, `${p.id} · ${p.track_title} ${p.number}/${p.of} · `,
        el("span", {class: `diff ${p.difficulty}`}, t(p.difficulty)),
        ` · `, el("span", {id: "problem-status", class: `status-word ${p.status}`}, t(p.status))),
      p.lesson ? el("div", {class: "small"}, `${t("read_first")}: `,
        el("a", {href: `#/l/${p.lesson.id}`, id: "lesson-link"}, p.lesson.title)) : null,
      el("div", {class: "prose", html: p.statement_html}),
      el("div", {class: "actions"}, hintBtn, solBtn), hints, solution),
    el("section", {class: "work"},
      el("div", {class: "toolbar"}, runBtn, submitBtn, el("button", {id: "save-btn", onclick: () => save(true)}, t("save")),
        resetBtn, spinner, status),
      editorBox,
      el("div", {class: "muted small"}, `${t("your_file")}: ${p.file} · ${t("shortcut")}`),
      results)));
  typeset(main());

  const opts = {onRun: () => grade("public"), onSubmit: () => grade("all"), onSave: () => save(true),
                onChange: () => { clearTimeout(saveTimer); saveTimer = setTimeout(() => save(false), 1000); }};
  if (window.TorchdojoEditor) editor = window.TorchdojoEditor.createEditor(editorBox, p.code, opts);
  else editor = textareaEditor(editorBox, p.code, opts);   // the bundle failed to load

  function tooBig() {  // the limit every grading path has, said here before anything is sent
    const n = new TextEncoder().encode(editor.getValue()).length;
    if (n <= MAX_CODE) return false;
    const msg = t("too_big").replace("{n}", Math.ceil(n / 1024)).replace("{max}", MAX_CODE / 1024);
    results.replaceChildren(el("div", {class: "verdict error", id: "too-big"}, msg));
    return true;
  }

  async function save(announce) {
    clearTimeout(saveTimer);
    if (tooBig()) return;
    await api("PUT", `/problems/${pid}/code`, {code: editor.getValue()});
    if (announce) toast(t("saved"));
  }

  async function grade(scope) {
    if (runBtn.disabled) { toast(t("queued")); return; }  // refused here, said so; the server queues
    if (tooBig()) return;
    clearTimeout(saveTimer);
    runBtn.disabled = submitBtn.disabled = true;
    spinner.hidden = false;
    status.textContent = t("running");
    try {
      let r = await api("POST", `/problems/${pid}/check`, {code: editor.getValue(), scope});
      if (r.job) r = await follow(r, status);       // server mode: the check waits on a queue
      renderResult(results, r, scope);
      if (r.status === "pass" && scope === "all") {
        const s = $("#problem-status"); s.className = "status-word solved"; s.textContent = t("solved");
        const n = (await api("GET", "/next")).next;  // the same rule as `torchdojo next`
        if (n) results.prepend(el("div", {class: "next-line", id: "next-line"}, `${t("next_problem")}: `,
          el("a", {href: `#/p/${n.id}`, id: "next-link"}, n.id)));
      }
    } catch (e) {
      results.replaceChildren(el("div", {class: "verdict error"}, String(e.message)));
    } finally {
      runBtn.disabled = submitBtn.disabled = false;
      spinner.hidden = true;
      status.textContent = "";
    }
  }
}

// Server mode: follow a queued check until its result comes (position while queued, time while
// graded), then return the result shape v1.
async function follow(job, status) {
  const started = Date.now();
  for (;;) {
    if (job.state === "done" || job.state === "failed") return job.result;
    const secs = ((Date.now() - started) / 1000).toFixed(0);
    status.textContent = job.state === "queued"
      ? t("in_queue").replace("{n}", job.position + 1) : `${t("running")} ${secs} s`;
    status.dataset.state = job.state;
    job = await api("GET", `/jobs/${job.job}?wait=1`);  // answers at once when the result comes
  }
}

function renderResult(box, r, scope) {
  const icon = {pass: "✓", fail: "✗", error: "!", skip: "–"};
  box.replaceChildren(
    el("div", {class: `verdict ${r.status}`, id: "verdict", "data-status": r.status},
      `${r.status === "pass" ? "✓" : "✗"} ${r.message}`,
      el("span", {class: "muted"}, ` (${scope}, ${r.duration_ms} ms)`)),
    el("ul", {class: "tests"}, r.tests.map((tr) => el("li", {class: tr.status, "data-test": tr.name},
      el("span", {class: "icon"}, icon[tr.status] || "?"), el("b", {}, tr.name),
      el("span", {class: "muted"}, ` ${tr.duration_ms} ms`),
      tr.message ? el("div", {class: "msg"}, tr.message) : null,
      tr.output ? el("pre", {class: "out"}, tr.output) : null))));
}

function textareaEditor(parent, doc, opts) {
  const ta = el("textarea", {class: "fallback-editor", spellcheck: "false"});
  ta.value = doc;
  ta.addEventListener("input", () => opts.onChange(ta.value));
  ta.addEventListener("keydown", (e) => {
    const mod = e.ctrlKey || e.metaKey;
    if (mod && e.key === "Enter") { e.preventDefault(); (e.shiftKey ? opts.onSubmit : opts.onRun)(); }
    if (mod && e.key === "s") { e.preventDefault(); opts.onSave(); }
    if (e.key === "Tab") { e.preventDefault(); ta.setRangeText("    ", ta.selectionStart, ta.selectionEnd, "end"); }
  });
  parent.append(ta);
  return {getValue: () => ta.value, setValue: (v) => { ta.value = v; }, focus: () => ta.focus()};
}

// -- the quiz -------------------------------------------------------------------------------------------
async function showQuiz() {
  const r = await api("GET", "/quiz/next");
  if (!r.card) { main().replaceChildren(el("p", {id: "quiz-empty"}, t("nothing_due"))); return; }
  const c = r.card;
  let choice = null;
  const feedback = el("div", {id: "quiz-feedback"});
  const rating = el("select", {id: "quiz-rating", "aria-label": t("how_sure")},
    ["good", "hard", "easy"].map((k) => el("option", {value: k}, t(k))));
  const input = c.kind === "choice"
    ? el("ol", {class: "options", type: "a"}, c.options.map((o, i) => el("li", {},
        el("label", {}, el("input", {type: "radio", name: "opt", value: "abcde"[i],
          onchange: () => { choice = "abcde"[i]; }}), el("span", {html: o})))))
    : el("input", {type: "text", id: "quiz-text", placeholder: t("your_answer"), "aria-label": t("your_answer")});
  const checkBtn = el("button", {id: "quiz-check", class: "primary", onclick: async () => {
    const answer = c.kind === "choice" ? choice : input.value;
    if (!answer) return;
    checkBtn.disabled = true;
    const a = await api("POST", `/quiz/${c.id}/answer?lang=${LANG}`, {answer, rating: rating.value});
    feedback.replaceChildren(
      el("div", {class: `verdict ${a.correct ? "pass" : "fail"}`, id: "quiz-verdict"},
        a.correct ? t("right") : `${t("wrong")} ${a.correct_text}`),
      el("h3", {}, t("model_answer")), el("div", {class: "prose", html: a.answer_html}),
      el("h3", {}, t("key_points")), el("ul", {}, a.key_points_html.map((k) => el("li", {html: k}))),
      el("div", {class: "prose", html: a.explain_html}),
      a.demo ? el("pre", {class: "code"}, a.demo.trim()) : null,
      el("p", {class: "muted"}, `${t("next_review")}: ${new Date(a.due).toLocaleString()}`),
      el("button", {id: "quiz-next", class: "primary", onclick: showQuiz}, t("next")));
    typeset(feedback);
  }}, t("check"));
  main().replaceChildren(el("article", {class: "card", "data-card": c.id},
    el("div", {class: "muted"}, `${c.track} · ${t(c.difficulty)} · ${r.left} ${t("left")}`),
    el("h1", {}, c.title), el("div", {class: "prose", html: c.question_html}),
    el("div", {class: "prose prompt", html: c.prompt_html}), input,
    el("div", {class: "toolbar"}, checkBtn, el("label", {}, ` ${t("how_sure")} `, rating)), feedback));
  typeset(main());
}

// -- a lesson: its text, then the problems and cards it leads into -----------------------------------
async function showLesson(lid) {
  const les = await api("GET", `/lessons/${encodeURIComponent(lid)}`);
  main().replaceChildren(el("article", {class: "lesson statement", id: "lesson"},
    el("div", {class: "muted"}, `${t("lesson")} · ${les.track_title}`),
    el("h1", {id: "lesson-title"}, les.title),
    el("div", {class: "prose", html: les.html}),
    les.problems.length ? el("h2", {}, t("practise")) : null,
    les.problems.length ? el("ul", {class: "lesson-problems", id: "lesson-problems"}, les.problems.map((p) =>
      el("li", {"data-id": p.id}, el("span", {class: `status ${p.status}`}, {new: "○", attempted: "◐", solved: "●"}[p.status]), " ",
        el("a", {href: `#/p/${p.id}`}, p.title), el("span", {class: `diff ${p.difficulty} small`}, ` ${t(p.difficulty)}`)))) : null,
    les.cards.length ? el("h2", {}, t("cards")) : null,
    les.cards.length ? el("ul", {class: "lesson-cards", id: "lesson-cards"}, les.cards.map((c) =>
      el("li", {"data-id": c.id}, el("a", {href: "#/quiz"}, c.title), el("span", {class: "muted small"}, ` ${c.id}`)))) : null));
  typeset(main());
  if (!les.read) await api("POST", `/lessons/${encodeURIComponent(lid)}/read`);
}

// -- progress -------------------------------------------------------------------------------------------
async function showProgress() {
  const prog = await api("GET", "/progress");
  const row = (r) => el("tr", {}, el("td", {}, r.track === "overall" ? t("overall") : r.track),
    el("td", {}, `${r.solved}/${r.problems}`), el("td", {}, String(r.attempted)),
    el("td", {class: "barcell"}, el("div", {class: "bar"},
      el("span", {class: "solved", style: `width:${r.problems ? 100 * r.solved / r.problems : 0}%`}),
      el("span", {class: "attempted", style: `width:${r.problems ? 100 * r.attempted / r.problems : 0}%`}))));
  const cards = prog.cards;
  main().replaceChildren(el("h1", {}, t("progress")),
    el("table", {class: "progress", id: "progress-table"},
      el("thead", {}, el("tr", {}, el("th", {}, ""), el("th", {}, t("solved")), el("th", {}, t("attempted")), el("th", {}, ""))),
      el("tbody", {}, prog.tracks.map(row), row(prog.overall))),
    el("h2", {}, t("cards")),
    el("table", {class: "progress", id: "card-table"},
      el("thead", {}, el("tr", {}, el("th", {}, ""), el("th", {}, t("cards")), el("th", {}, t("reviews_due")),
        el("th", {}, t("new_today")), el("th", {}, t("not_seen")), el("th", {}, t("learned")))),
      el("tbody", {}, [...cards.tracks, cards.overall].map((r) => el("tr", {"data-track": r.track},
        el("td", {}, r.track === "overall" ? t("overall") : r.track), el("td", {}, String(r.cards)),
        el("td", {class: "due"}, String(r.due)), el("td", {class: "new-today"}, String(r.new_today)),
        el("td", {class: "not-seen"}, String(r.new)), el("td", {}, String(r.learned)))))),
    el("p", {class: "muted small", id: "per-day"}, t("per_day").replace("{n}", cards.new_per_day)));
}

// -- routing and start-up ---------------------------------------------------------------------------------
async function route() {
  const hash = location.hash || "#/";
  try {
    if (hash.startsWith("#/p/")) await showProblem(decodeURIComponent(hash.slice(4)));
    else if (hash.startsWith("#/l/")) await showLesson(decodeURIComponent(hash.slice(4)));
    else if (hash === "#/quiz") await showQuiz();
    else if (hash === "#/progress") await showProgress();
    else await showList();
  } catch (e) {
    main().replaceChildren(el("p", {class: "verdict error"}, String(e.message)));
  }
}

async function start() {
  const s = await api("GET", "/settings");
  LANG = s.lang;
  const sel = $("#lang");
  sel.value = LANG;
  sel.addEventListener("change", async () => {
    const r = await api("PUT", "/settings/lang", {lang: sel.value});
    LANG = r.lang;
    applyWords();
    route();
  });
  applyWords();
  const out = $("#logout");                         // server mode: the account's own button
  if (out) out.addEventListener("click", async () => {
    await api("POST", "/logout").catch(() => null);
    location.href = "/login";
  });
  window.addEventListener("hashchange", route);
  await route();
  document.body.dataset.ready = "1";
}

document.addEventListener("DOMContentLoaded", start);
