// End-to-end browser test of the examples, run by .ci/run (not by cargo test).
//
// Starts the todo example on a free localhost port, drives Debian's headless
// chromium through playwright-core: adds three todos, toggles one, deletes one,
// drops the WebSocket (the client reconnects with its token), reloads the page
// (state kept), asserting the DOM after each step; records the WebSocket
// frames and asserts every update frame is a diff far smaller than the page.
// Then starts the dashboard example and checks that server pushes arrive as
// diffs with no browser event. Screenshots go to target/e2e/.
//
// Usage: node todo.e2e.mjs [--todo BIN] [--dashboard BIN]
//   (defaults: $CARGO_TARGET_DIR or ../target, debug/examples/{todo,dashboard})
import { spawn } from "node:child_process";
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import assert from "node:assert/strict";
import { chromium } from "playwright-core";

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, "..");
const targetDir = process.env.CARGO_TARGET_DIR || path.join(repo, "target");
const arg = (name, dflt) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const todoBin = arg("--todo", path.join(targetDir, "debug/examples/todo"));
const dashBin = arg("--dashboard", path.join(targetDir, "debug/examples/dashboard"));
const outDir = path.join(repo, "target/e2e");
mkdirSync(outDir, { recursive: true });

const STEP_MS = 10_000;
const TOTAL_MS = 120_000;
const servers = [];
let browser = null;
let passed = 0;
let failed = 0;

// A hard bound on the whole run.
const guard = setTimeout(() => {
  console.error(`e2e: not finished after ${TOTAL_MS} ms`);
  cleanup().finally(() => process.exit(1));
}, TOTAL_MS);

async function cleanup() {
  if (browser) await browser.close().catch(() => {});
  browser = null;
  for (const s of servers) if (s.exitCode === null) s.kill("SIGTERM");
}

/** Starts an example with PORT=0 and resolves with its printed URL. */
function startServer(bin) {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, [], { env: { ...process.env, PORT: "0" }, stdio: ["ignore", "pipe", "inherit"] });
    servers.push(child);
    let out = "";
    const timer = setTimeout(() => reject(new Error(`${bin}: no URL printed within ${STEP_MS} ms`)), STEP_MS);
    child.on("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`${bin} exited with ${code} before printing its URL`));
    });
    child.stdout.on("data", (d) => {
      out += d;
      const m = out.match(/http:\/\/127\.0\.0\.1:\d+\//);
      if (m) {
        clearTimeout(timer);
        resolve(m[0]);
      }
    });
  });
}

async function check(name, fn) {
  try {
    await fn();
    passed++;
    console.log(`ok - ${name}`);
  } catch (e) {
    failed++;
    console.log(`not ok - ${name}\n  ${String(e.stack || e).split("\n").join("\n  ")}`);
    throw e;
  }
}

/** Records every WebSocket frame the page receives. */
function recordFrames(page) {
  const frames = [];
  page.on("websocket", (ws) => {
    ws.on("framereceived", ({ payload }) => frames.push(String(payload)));
  });
  return frames;
}

const connected = (page) => page.waitForSelector("#lvt-root[data-lvt-state=connected]", { timeout: STEP_MS });

async function items(page) {
  return page.$$eval("li.item", (lis) =>
    lis.map((li) => ({ title: li.querySelector(".title").textContent, done: li.classList.contains("done") })),
  );
}

async function waitItems(page, want) {
  await page.waitForFunction(
    (w) => {
      const got = [...document.querySelectorAll("li.item")].map((li) => [
        li.querySelector(".title").textContent,
        li.classList.contains("done"),
      ]);
      return JSON.stringify(got) === JSON.stringify(w);
    },
    want.map((i) => [i.title, i.done]),
    { timeout: STEP_MS },
  );
  assert.deepEqual(await items(page), want);
}

const countText = (page) => page.textContent("p.count");

async function todo(context) {
  const url = await startServer(todoBin);
  console.log(`# todo example at ${url}`);
  const page = await context.newPage();
  const frames = recordFrames(page);
  let pageBytes = 0;

  await check("first render is server HTML, then the socket connects", async () => {
    const resp = await page.goto(url, { timeout: STEP_MS });
    const html = await resp.text();
    pageBytes = Buffer.byteLength(html);
    assert.match(html, /<li class="empty">Nothing to do\.<\/li>/);
    assert.match(html, /data-lvt-token="[^"]+"/);
    await connected(page);
    assert.equal(await countText(page), "0 of 0 left");
  });

  const want = [];
  await check("add three todos", async () => {
    for (const title of ["Buy milk", "Write <b>tests</b> & docs", "Ship it"]) {
      await page.fill("form.new input[name=title]", title);
      await page.press("form.new input[name=title]", "Enter");
      want.push({ title, done: false });
      await waitItems(page, want);
      assert.equal(await page.inputValue("form.new input[name=title]"), "");
    }
    assert.equal(await page.$("li.empty"), null);
    assert.equal(await countText(page), "3 of 3 left");
    // Escaped by the server, shown as text.
    assert.equal(await page.$("li.item b"), null);
  });

  await check("toggle the second", async () => {
    await page.click("li.item:nth-child(2) input[type=checkbox]");
    want[1].done = true;
    await waitItems(page, want);
    assert.equal(await page.isChecked("li.item:nth-child(2) input[type=checkbox]"), true);
    assert.equal(await countText(page), "2 of 3 left");
  });

  await check("delete the first", async () => {
    await page.click("li.item:nth-child(1) button.delete");
    want.shift();
    await waitItems(page, want);
    assert.equal(await countText(page), "1 of 2 left");
  });

  await check("dropped socket: the client reconnects with its token", async () => {
    const joins = Number(await page.getAttribute("#lvt-root", "data-lvt-joins"));
    await page.evaluate(() => window.liveTemplate.ws.close());
    await page.waitForFunction(
      (n) => Number(document.getElementById("lvt-root").dataset.lvtJoins) === n + 1,
      joins,
      { timeout: STEP_MS },
    );
    await connected(page);
    await page.click("li.item:nth-child(2) input[type=checkbox]");
    want[1].done = true;
    await waitItems(page, want);
    assert.equal(await countText(page), "0 of 2 left");
    await page.click("li.item:nth-child(2) input[type=checkbox]");
    want[1].done = false;
    await waitItems(page, want);
  });

  await check("reload keeps the state (server HTML and live)", async () => {
    const resp = await page.reload({ timeout: STEP_MS });
    const html = await resp.text();
    assert.match(html, /Write &lt;b&gt;tests&lt;\/b&gt; &amp; docs/);
    assert.match(html, /Ship it/);
    assert.doesNotMatch(html, /Buy milk/);
    await connected(page);
    await waitItems(page, want);
    assert.equal(await countText(page), "1 of 2 left");
    await page.fill("form.new input[name=title]", "After reload");
    await page.press("form.new input[name=title]", "Enter");
    want.push({ title: "After reload", done: false });
    await waitItems(page, want);
  });

  await page.screenshot({ path: path.join(outDir, "todo.png"), fullPage: true });

  const stats = {};
  await check("every update frame is a small diff", async () => {
    const parsed = frames.map((f) => JSON.parse(f));
    assert.equal(parsed.filter((f) => f.error).length, 0, `error frames: ${frames.filter((f) => f.includes('"error"'))}`);
    const updates = frames.filter((f) => JSON.parse(f).diff);
    const full = frames.filter((f) => JSON.parse(f).rendered);
    assert.ok(updates.length >= 8, `only ${updates.length} update frames`);
    assert.ok(full.length >= 3, `${full.length} full trees (first, reconnect, reload)`);
    const sizes = updates.map((f) => Buffer.byteLength(f));
    stats.pageBytes = pageBytes;
    stats.fullTreeBytes = Buffer.byteLength(full[0]);
    stats.updateFrames = sizes.length;
    stats.updateMaxBytes = Math.max(...sizes);
    stats.updateMeanBytes = Math.round(sizes.reduce((a, b) => a + b, 0) / sizes.length);
    stats.updateSizes = sizes;
    stats.updates = updates;
    for (const [i, f] of updates.entries()) {
      const d = JSON.parse(f).diff;
      assert.equal(d.s, undefined, `update ${i} replaces the whole tree: ${f}`);
      // At most a quarter of the page: the update that first fills the list carries
      // the item statics once; every other one is a few values.
      assert.ok(Buffer.byteLength(f) * 4 < pageBytes, `update ${i} is ${f.length} bytes, page ${pageBytes}: ${f}`);
    }
    const small = sizes.filter((n) => n * 10 < pageBytes).length;
    assert.ok(small >= sizes.length - 1, `only ${small} of ${sizes.length} updates under a tenth of the page: ${sizes}`);
    console.log(`# page ${pageBytes} B, first tree ${stats.fullTreeBytes} B, ${sizes.length} updates: max ${stats.updateMaxBytes} B, mean ${stats.updateMeanBytes} B`);
  });
  await page.close();
  return stats;
}

async function dashboard(context) {
  const url = await startServer(dashBin);
  console.log(`# dashboard example at ${url}`);
  const page = await context.newPage();
  const frames = recordFrames(page);
  const stats = {};
  await check("dashboard: server pushes diffs with no browser event", async () => {
    const resp = await page.goto(url, { timeout: STEP_MS });
    const pageBytes = Buffer.byteLength(await resp.text());
    await connected(page);
    const start = Number(await page.textContent(".tick"));
    await page.waitForFunction((s) => Number(document.querySelector(".tick").textContent) >= s + 2, start, {
      timeout: STEP_MS,
    });
    const pushes = frames.filter((f) => JSON.parse(f).diff);
    assert.ok(pushes.length >= 2);
    for (const f of pushes) assert.ok(Buffer.byteLength(f) * 3 < pageBytes, `push ${f.length} B, page ${pageBytes} B`);
    await page.click("button[lvt-click=pause]");
    await page.waitForSelector(".paused", { timeout: STEP_MS });
    stats.pageBytes = pageBytes;
    stats.pushMaxBytes = Math.max(...pushes.map((f) => Buffer.byteLength(f)));
    console.log(`# dashboard page ${pageBytes} B, ${pushes.length} pushes, max ${stats.pushMaxBytes} B`);
  });
  await page.screenshot({ path: path.join(outDir, "dashboard.png"), fullPage: true });
  await page.close();
  return stats;
}

const profile = mkdtempSync(path.join(tmpdir(), "lvt-e2e-"));
let code = 0;
try {
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    headless: true,
    timeout: STEP_MS * 3,
    viewport: { width: 900, height: 700 },
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  browser = context;
  const todoStats = await todo(context);
  const dashStats = await dashboard(context);
  writeFileSync(path.join(outDir, "frames.json"), JSON.stringify({ todo: todoStats, dashboard: dashStats }, null, 1));
} catch (e) {
  if (failed === 0) console.log(`not ok - setup\n  ${e.stack || e}`);
  code = 1;
} finally {
  await cleanup();
  rmSync(profile, { recursive: true, force: true });
  clearTimeout(guard);
}
console.log(`e2e: ${passed} passed, ${failed + (code && !failed ? 1 : 0)} failed`);
process.exit(code);
