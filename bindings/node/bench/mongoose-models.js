'use strict';
// Mongoose models from the very .bsg text bsonguard compiles: the body of a
// `schema Name { ... }` declaration is a Mongoose schema definition, so it is
// evaluated as JavaScript, with the names the DSL resolves bound to Mongoose's
// objects. Both sides of the benchmark then check the same rules.

// The `{ ... }` starting at `open`, skipping strings, comments and regex
// literals (in the DSL a `/` starts one of those: there is no division).
function balanced(text, open) {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return text.slice(open, i + 1);
    else if (c === '"' || c === "'" || c === '`') i = skipString(text, i);
    else if (c === '/') i = skipSlash(text, i);
  }
  throw new Error(`unbalanced braces from offset ${open}`);
}

function skipString(text, i) {
  const quote = text[i];
  for (i++; text[i] !== quote; i++) if (text[i] === '\\') i++;
  return i;
}

function skipSlash(text, i) {
  if (text[i + 1] === '/') return text.indexOf('\n', i) === -1 ? text.length : text.indexOf('\n', i);
  if (text[i + 1] === '*') return text.indexOf('*/', i) + 1;
  let inClass = false;
  for (i++; inClass || text[i] !== '/'; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === '[') inClass = true;
    else if (text[i] === ']') inClass = false;
  }
  return i;
}

/** The declarations of a .bsg file: [{ name, base, body, options }], bodies as text. */
function declarations(text) {
  const out = [];
  const head = /\bschema\s+([A-Za-z_$][\w$]*)(?:\s+extends\s+([A-Za-z_$][\w$]*))?\s*\{/g;
  let m;
  while ((m = head.exec(text)) !== null) {
    const body = balanced(text, m.index + m[0].length - 1);
    let end = m.index + m[0].length - 1 + body.length;
    let options = null;
    const rest = /^\s*with\s*\{/.exec(text.slice(end));
    if (rest !== null) {
      options = balanced(text, end + rest[0].length - 1);
      end += rest[0].length - 1 + options.length;
    }
    out.push({ name: m[1], base: m[2] ?? null, body, options });
    head.lastIndex = end;
  }
  return out;
}

function evaluate(text, mongoose, scope) {
  const names = ['mongoose', 'Schema', 'MongooseSchema', 'Types', ...Object.keys(scope)];
  const values = [mongoose, mongoose.Schema, mongoose.Schema, mongoose.Types, ...Object.values(scope)];
  return new Function(...names, `'use strict'; return (${text});`)(...values); // eslint-disable-line no-new-func
}

/**
 A Mongoose model for `modelName`, built in a fresh Mongoose instance from the
 .bsg source. A schema that refers to itself is created empty first and then
 filled, Mongoose's way of declaring recursion.
 */
function mongooseModel(mongoose, bsg, modelName) {
  const m = new mongoose.Mongoose();
  const scope = {};
  for (const d of declarations(bsg)) {
    if (d.base !== null) throw new Error(`schema ${d.name}: extends is not used by the benchmark`);
    const options = d.options === null ? {} : evaluate(d.options, m, scope);
    if (new RegExp(`\\b${d.name}\\b`).test(d.body)) {
      scope[d.name] = new m.Schema({}, options);
      scope[d.name].add(evaluate(d.body, m, scope));
    } else {
      scope[d.name] = new m.Schema(evaluate(d.body, m, scope), options);
    }
  }
  if (!scope[modelName]) throw new Error(`no schema ${modelName} in the .bsg source`);
  return m.model(modelName, scope[modelName]);
}

module.exports = { mongooseModel, declarations };
