'use strict';
// compile(), compileFile(), SchemaSet: models, lint findings, compile errors
// with their caret text, compile limits, closing.

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { compile, compileFile, BsonGuardError, SchemaSet, Validator, version, kinds } = require('..');

const EXAMPLE = path.join(__dirname, '..', '..', '..', 'examples', 'conversation.bsg');

// assert.throws() checks the class but returns nothing; the fields matter here.
function thrown(fn, cls) {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof cls, `expected ${cls.name}, got ${err}`);
    return err;
  }
  assert.fail(`expected ${cls.name}, nothing was thrown`);
}

test('version and kinds come from the library', () => {
  assert.match(version, /^\d+\.\d+\.\d+$/);
  assert.deepEqual(kinds, ['required', 'type', 'enum', 'min', 'max', 'minlength', 'maxlength',
    'regexp', 'user defined', 'allowNull', 'unknown', 'key', 'server', 'limit', 'malformed']);
});

test('a string, a Buffer and a file compile to the same models', () => {
  const text = fs.readFileSync(EXAMPLE, 'utf8');
  for (const set of [compile(text, { filename: 'conversation.bsg' }),
    compile(Buffer.from(text)), compileFile(EXAMPLE)]) {
    assert.ok(set instanceof SchemaSet);
    assert.deepEqual(set.models, ['Attachment', 'Message', 'Conversation']);
    set.close();
  }
});

test('model() gives one validator per name', () => {
  const set = compileFile(EXAMPLE);
  const v = set.model('Conversation');
  assert.ok(v instanceof Validator);
  assert.equal(v.name, 'Conversation');
  assert.equal(set.model('Conversation'), v);
  assert.notEqual(set.model('Message'), v);
  assert.equal(v.schemaSet, set);
  set.close();
});

test('lint findings carry their position and the rendered warning', () => {
  const set = compileFile(EXAMPLE);
  const codes = set.lint.map(d => d.code);
  assert.deepEqual(codes, ['mixed-path', 'minimize-default']);
  const mixed = set.lint[0];
  assert.equal(mixed.file, EXAMPLE);
  assert.equal(mixed.line, 22);
  assert.equal(mixed.sourceLine, '  metadata: { type: MongooseSchema.Types.Mixed, default: {} },');
  assert.ok(mixed.text.startsWith(`${EXAMPLE}:22:${mixed.column}: warning: \`metadata\` is Mixed`));
  assert.match(mixed.text, /\n +\^\nhint: /);
  assert.equal(set.lint, set.lint, 'decoded once');
  set.close();
});

test('a compile error throws BsonGuardError with the caret message', () => {
  const src = 'schema Post {\n  title: { type: String, requried: true },\n}\n';
  const err = thrown(() => compile(src, { filename: 'app.bsg' }), BsonGuardError);
  assert.ok(err instanceof Error);
  assert.equal(err.name, 'BsonGuardError');
  assert.equal(err.file, 'app.bsg');
  assert.equal(err.line, 2);
  assert.equal(err.column, 26);
  assert.equal(err.offset, 39);
  assert.equal(err.code, 'unknown-option');
  assert.equal(err.detail, 'unknown option `requried`');
  assert.equal(err.hint, 'did you mean `required`?');
  assert.equal(err.sourceLine, '  title: { type: String, requried: true },');
  assert.equal(err.message, [
    'app.bsg:2:26: error: unknown option `requried`',
    '      title: { type: String, requried: true },',
    '                             ^',
    'hint: did you mean `required`?',
  ].join('\n'));
});

test('errors without a filename name <schema>; columns count bytes', () => {
  const err = thrown(() => compile('schema A { "é": { type: Strin } }'), BsonGuardError);
  assert.equal(err.file, '<schema>');
  assert.equal(err.code, 'unknown-type');
  assert.equal(err.column, 26, 'é is two bytes');
  assert.match(err.message, /^<schema>:1:26: error: unknown type `Strin`\n/);
  assert.match(err.message, /\nhint: did you mean `String`\?$/);
});

test('JS-only options name the alternative', () => {
  const err = thrown(() => compile('schema A { a: { type: String, get: lower } }'), BsonGuardError);
  assert.match(err.message, /get/);
});

test('a missing file is a BsonGuardError at line 0', () => {
  const err = thrown(() => compileFile(path.join(__dirname, 'no-such.bsg')), BsonGuardError);
  assert.equal(err.line, 0);
  assert.match(err.message, /No such file/);
});

test('compile limits: source size, nesting, regex work', () => {
  const src = 'schema A { s: { a: { b: String } } }';
  assert.equal(thrown(() => compile(src, { maxSourceSize: 10 }), BsonGuardError).code, 'limit');
  assert.equal(thrown(() => compile(src, { maxSourceDepth: 2 }), BsonGuardError).code, 'limit');
  compile(src, { maxSourceSize: src.length, maxSourceDepth: 3 }).close();

  const re = compile('schema A { s: { type: String, match: /^(a+)+$/ } }', { regexMatchLimit: 1000 });
  const r = re.model('A').validate({ s: 'a'.repeat(40) + 'b' });
  assert.deepEqual(r.errors.map(e => [e.path, e.kind]), [['s', 'limit']]);
  re.close();

  assert.throws(() => compile(src, { maxSourceSize: -1 }), RangeError);
  assert.throws(() => compile(src, { regexDepthLimit: 1.5 }), RangeError);
});

test('an unknown model names the declared ones', () => {
  const set = compileFile(EXAMPLE);
  const err = thrown(() => set.model('Conversations'), BsonGuardError);
  assert.equal(err.code, 'unknown-model');
  assert.match(err.message, /Attachment, Message, Conversation/);
  set.close();
});

test('compile accepts { source, warnings } as fromMongoose() returns it', () => {
  const set = compile({ source: 'schema User { name: { type: String, required: true } }', warnings: ['w'] });
  assert.deepEqual(set.models, ['User']);
  assert.deepEqual(set.warnings, ['w']);
  assert.equal(set.model('User').validate({}).errors[0].kind, 'required');
  set.close();
});

test('compile rejects what is not source text', () => {
  assert.throws(() => compile(42), TypeError);
  assert.throws(() => compile(null), TypeError);
  assert.throws(() => compile({ text: 'schema A {}' }), TypeError);
});

test('close() frees the set and its validators; twice is harmless', () => {
  const set = compileFile(EXAMPLE);
  const v = set.model('Conversation');
  set.close();
  set.close();
  assert.throws(() => set.model('Conversation'), /closed/);
  assert.throws(() => set.lint, /closed/);
  assert.throws(() => v.validate(Buffer.from([5, 0, 0, 0, 0])), /closed/);
  v.close();
});

test('a closed validator leaves the set usable', () => {
  const set = compileFile(EXAMPLE);
  const v = set.model('Message');
  v.close();
  assert.throws(() => v.validate({}), /closed/);
  const again = set.model('Message');
  assert.notEqual(again, v);
  assert.equal(again.validate({}).valid, false);
  set.close();
});

if (typeof Symbol.dispose === 'symbol') {
  test('sets and validators are disposable', () => {
    const set = compileFile(EXAMPLE);
    set[Symbol.dispose]();
    assert.throws(() => set.model('Message'), /closed/);
  });
}
