// LiveTemplate browser client: the rendered tree, merged and rendered as the
// Phoenix LiveView wire format defines (the same rules as the `Rendered` class
// of phoenix_live_view 1.2: mergeDiff, mergeKeyed, cachedFindComponent,
// toOutputBuffer, comprehensionToBuffer), without the DOM. No dependencies,
// runs in browsers and in Node.
//
// Wire format, in short:
//   node     {"s": statics | int, "0": dyn, "1": dyn, ...}; HTML = s0 d0 s1 d1 ... s(n-1)
//            an integer "s" indexes the shared statics "p" of the enclosing diff root
//   dyn      string (inserted as is, the server escapes) | node | number (component cid)
//   comp.    {"s": statics, "k": {"0": {dyns}, ..., "kc": count}}; in a diff, an entry is a
//            dyn diff (merge), an int (moved from that old index) or [oldIdx, diff]; "km": true
//            when moves are present; indices >= kc are dropped
//   merge    an object without "s" merges into what is held; with "s" it replaces it
//   top level: "t" title, "e" events, "r" reply are taken out before merging; "c" components.

const STATIC = "s";
const TEMPLATES = "p";
const KEYED = "k";
const KEYED_COUNT = "kc";
const KEYED_MOVED = "km";
const COMPONENTS = "c";

const isObject = (v) => v !== null && typeof v === "object" && !Array.isArray(v);
const isCid = (v) => typeof v === "number" || (typeof v === "string" && /^(0|[1-9]\d*)$/.test(v));
const clone = (v) => JSON.parse(JSON.stringify(v));

/** A wire message the client cannot merge or render. */
export class WireError extends Error {}

/** The tree a client holds: first render, then diffs. */
export class Rendered {
  constructor() {
    this.rendered = null;
  }

  /** Takes the top-level title, events and reply out of `msg` (as LiveView's `extract`). */
  static extract(msg) {
    const { t: title, e: events, r: reply } = msg;
    delete msg.t;
    delete msg.e;
    delete msg.r;
    return { diff: msg, title, events: events || [], reply: reply || null };
  }

  /**
   * Merges a message (the first render, or a diff) into the tree. The message
   * object is taken over (parse a fresh one for each call). Returns the
   * extracted `{title, events}`.
   */
  merge(msg) {
    if (!isObject(msg)) throw new WireError("a message must be an object");
    const { diff, title, events } = Rendered.extract(msg);
    const newc = diff[COMPONENTS];
    delete diff[COMPONENTS];
    if (this.rendered === null) {
      if (diff[STATIC] === undefined) throw new WireError("the first render has no statics");
      this.rendered = diff;
    } else if (diff[STATIC] !== undefined) {
      this.rendered = diff;
    } else {
      mergeInto(this.rendered, diff);
    }
    this.rendered[COMPONENTS] = this.rendered[COMPONENTS] || {};
    if (newc) {
      const oldc = this.rendered[COMPONENTS];
      const cache = {};
      for (const cid in newc) newc[cid] = findComponent(cid, newc[cid], oldc, newc, cache);
      for (const cid in newc) oldc[cid] = newc[cid];
    }
    return { title, events };
  }

  /** The HTML of the tree held now. */
  toHTML() {
    if (this.rendered === null) throw new WireError("nothing rendered yet");
    const out = [];
    const components = this.rendered[COMPONENTS] || {};
    writeNode(this.rendered, null, components, out);
    return out.join("");
  }
}

function mergeInto(target, source) {
  if (source[KEYED]) {
    mergeKeyed(target, source);
    return;
  }
  for (const key in source) {
    const val = source[key];
    const tv = target[key];
    if (isObject(val) && val[STATIC] === undefined && isObject(tv)) {
      mergeInto(tv, val);
    } else {
      target[key] = val;
    }
  }
}

function mergeKeyed(target, source) {
  const sk = source[KEYED];
  if (!isObject(sk)) throw new WireError('"k" must be an object');
  if (!isObject(target) || !isObject(target[KEYED])) {
    throw new WireError("keyed diff into a node that is not a comprehension");
  }
  const tk = target[KEYED];
  const before = sk[KEYED_MOVED] ? clone(tk) : null;
  const moved = (old) => {
    if (before === null) throw new WireError('move without "km"');
    if (!isObject(before[old])) throw new WireError(`move from missing item ${old}`);
    return clone(before[old]);
  };
  for (const [i, entry] of Object.entries(sk)) {
    if (i === KEYED_COUNT || i === KEYED_MOVED) continue;
    if (Array.isArray(entry)) {
      const [old, d] = entry;
      tk[i] = moved(old);
      mergeInto(tk[i], d);
    } else if (typeof entry === "number") {
      tk[i] = moved(entry);
    } else if (isObject(entry)) {
      if (!tk[i]) tk[i] = {};
      mergeInto(tk[i], entry);
    } else {
      throw new WireError(`bad keyed entry at ${i}`);
    }
  }
  const kc = sk[KEYED_COUNT];
  if (typeof kc !== "number") throw new WireError('keyed diff without "kc"');
  for (let i = kc; i < tk[KEYED_COUNT]; i++) delete tk[i];
  tk[KEYED_COUNT] = kc;
  if (source[TEMPLATES]) target[TEMPLATES] = source[TEMPLATES];
}

// A component of this diff, resolved against the components held (statics
// shared by cid: s = N from this diff, s = -N from the held ones).
function findComponent(cid, cdiff, oldc, newc, cache) {
  if (cache[cid]) return cache[cid];
  let ndiff;
  const scid = cdiff[STATIC];
  if (isCid(scid) || typeof scid === "number") {
    const n = Number(scid);
    const tdiff = n > 0 ? findComponent(n, newc[n], oldc, newc, cache) : oldc[-n];
    if (!isObject(tdiff)) throw new WireError(`component ${cid} shares statics of missing ${n}`);
    const stat = tdiff[STATIC];
    ndiff = cloneMerge(tdiff, cdiff);
    ndiff[STATIC] = stat;
  } else {
    ndiff = cdiff[STATIC] !== undefined || oldc[cid] === undefined ? cdiff : cloneMerge(oldc[cid], cdiff);
  }
  cache[cid] = ndiff;
  return ndiff;
}

function cloneMerge(target, source) {
  let merged;
  if (source[KEYED]) {
    merged = clone(target);
    mergeKeyed(merged, source);
  } else {
    merged = { ...target, ...source };
    for (const key in merged) {
      const val = source[key];
      const tv = target[key];
      if (isObject(val) && val[STATIC] === undefined && isObject(tv)) {
        merged[key] = cloneMerge(tv, val);
      } else if (val === undefined && isObject(tv)) {
        merged[key] = cloneMerge(tv, {});
      }
    }
  }
  return merged;
}

function resolveStatics(node, templates) {
  let statics = node[STATIC];
  if (typeof statics === "number") {
    statics = templates ? templates[statics] : undefined;
  }
  if (!Array.isArray(statics)) throw new WireError("node without statics");
  node[STATIC] = statics; // resolved once: later diffs' "p" restart at 0
  return statics;
}

function writeNode(node, templates, components, out) {
  if (node[KEYED]) {
    writeComprehension(node, templates, components, out);
    return;
  }
  if (node[TEMPLATES]) {
    templates = node[TEMPLATES];
    delete node[TEMPLATES];
  }
  writeDynamics(node, resolveStatics(node, templates), templates, components, out);
}

function writeComprehension(node, templates, components, out) {
  const itemTemplates = templates || node[TEMPLATES];
  const statics = resolveStatics(node, templates);
  delete node[TEMPLATES];
  const k = node[KEYED];
  for (let i = 0; i < k[KEYED_COUNT]; i++) {
    if (!isObject(k[i])) throw new WireError(`comprehension item ${i} missing`);
    writeDynamics(k[i], statics, itemTemplates, components, out);
  }
}

function writeDynamics(node, statics, templates, components, out) {
  for (let i = 0; i < statics.length - 1; i++) {
    out.push(statics[i]);
    const d = node[i];
    if (typeof d === "number") {
      const c = components[d];
      if (!isObject(c)) throw new WireError(`no component for cid ${d}`);
      writeNode(c, null, components, out);
    } else if (isObject(d)) {
      writeNode(d, templates, components, out);
    } else {
      out.push(String(d));
    }
  }
  out.push(statics[statics.length - 1]);
}
