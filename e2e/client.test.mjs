// The browser client's merge (livetemplate-axum/client/rendered.js) against the
// project's shared LiveView cases (copied into lvcases/ from shared/lvclient/cases,
// whose expected HTML comes from the real phoenix_live_view client, --strip mode).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { Rendered, WireError } from "../livetemplate-axum/client/rendered.js";

// LVCASES=DIR runs another copy of the cases (e.g. shared/lvclient/cases itself).
const dir = process.env.LVCASES
  ? pathToFileURL(process.env.LVCASES.replace(/\/?$/, "/"))
  : new URL("./lvcases/", import.meta.url);
const cases = readdirSync(dir).filter((f) => f.endsWith(".diffs.json"));

test("there are cases", () => assert.ok(cases.length >= 5));

for (const file of cases) {
  test(`case ${file}`, () => {
    const diffs = JSON.parse(readFileSync(new URL(file, dir), "utf8"));
    const expected = JSON.parse(readFileSync(new URL(file.replace(".diffs.", ".expected."), dir), "utf8"));
    assert.equal(diffs.length, expected.length);
    const r = new Rendered();
    diffs.forEach((d, i) => {
      r.merge(d);
      assert.equal(r.toHTML(), expected[i], `${file}: after message ${i}`);
    });
  });
}

test("title and events are taken out of the diff", () => {
  const r = new Rendered();
  r.merge({ s: ["<p>", "</p>"], 0: "a" });
  const { title, events } = r.merge({ 0: "b", t: "T", e: [["x", {}]] });
  assert.equal(title, "T");
  assert.deepEqual(events, [["x", {}]]);
  assert.equal(r.toHTML(), "<p>b</p>");
});

test("bad messages throw WireError instead of rendering garbage", () => {
  const r = new Rendered();
  assert.throws(() => r.merge({ 0: "x" }), WireError);
  r.merge({ s: ["<ul>", "</ul>"], 0: { s: ["<li>", "</li>"], k: { 0: { 0: "a" }, kc: 1 } } });
  assert.throws(() => new Rendered().toHTML(), WireError);
  const moved = new Rendered();
  moved.merge({ s: ["", ""], 0: { s: ["<i>", "</i>"], k: { 0: { 0: "a" }, kc: 1 } } });
  assert.throws(() => moved.merge({ 0: { k: { 0: 0, kc: 1 } } }), WireError); // move without km
  assert.throws(() => r.merge({ 0: { k: { kc: "x" } } }), WireError);
});
