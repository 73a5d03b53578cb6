'use strict';
// Differential test: bsonguard vs real Mongoose 9.
//
// Rule under test: for documents whose BSON types already match the schema,
// bsonguard's verdict and its set of (path, kind) errors equal Mongoose's
// `new Model(doc).validateSync()`; for a type mismatch Mongoose would cast,
// bsonguard reports kind `type` at that path.
//
// Every schema is written once (cases.js) and pasted both into a .bsg file
// (schemas/<group>.bsg, checked for drift) and into `new Schema(...)`.
// Every document is serialized once with `bson`; bsonguard checks the .bson
// file (`bsonguard check --format json --max-errors 0`), Mongoose gets
// `BSON.deserialize()` of the same bytes (harness.js explains why `new
// Model()` and not `Model.hydrate()`).
//
// Documented normalisations -- the ONLY differences tolerated:
//
//  A. Arrays: Mongoose stops at the first element that fails to cast and
//     reports one CastError for the whole array (key `arr.i`, kind `[T]`;
//     for [[T]] only the outer index `m.i`; for a primitive in a document
//     array the key is the array path itself, kind `embedded`). bsonguard
//     reports every element. We compare Mongoose's error with bsonguard's
//     FIRST `type` error under that array: it must be at or under the
//     Mongoose key; bsonguard's other errors under that array are not
//     compared (Mongoose discarded the array, so it checked nothing there).
//     Element *validator* errors are reported for every element by both.
//  B. Type mismatch that Mongoose casts (a string "42" on a Number path, an
//     int32 on a Double path, a 24-hex string on an ObjectId path, a scalar
//     Mongoose wraps into an array, a Date Mongoose turns into an empty
//     subdocument, a primitive Mongoose drops from a nested path...): the
//     case lists the path under `mismatch`; bsonguard must report `type`
//     there, and neither side is compared at or under that path.
//  C. Mongoose's CastError kinds (`Number`, `ObjectId`, `string`, `date`,
//     `[Number]`, `Embedded`, `embedded`, `Map`, ...; and the
//     ObjectExpectedError strict:'throw' raises for a primitive on a nested
//     path) all correspond to bsonguard's kind `type`, with the same subtree
//     rule as A. Two CastErrors wrap something else: a CastError whose
//     reason is a StrictModeError (an unknown field inside a subdocument or
//     document array under strict:'throw') corresponds to bsonguard's
//     `unknown` at the field's absolute path; a `Map` CastError for a key
//     with `.` or a leading `$` corresponds to bsonguard's kind `key` at
//     `map.<key>`.
//  D. Bytes, not intentions (DESIGN.md 5.1): bsonguard applies no defaults.
//     A `required` error at a path absent from the stored document which
//     Mongoose filled with a default (an explicit `default`, or `[]` that
//     Mongoose gives every array) is expected and not compared.
//  E. Deliberate differences from DESIGN.md 5.1, listed per case as
//     `design: {path: kind}`: bsonguard must report that kind at that path
//     and neither side is compared at or under it. Used for (1) setters
//     (trim, lowercase, ...), which bsonguard does not apply while Mongoose
//     validates the changed value; (2) kind `key`: names MongoDB or DESIGN
//     forbids that Mongoose accepts or never sees (an empty name, a
//     top-level `$` name, a name twice in one document -- the driver keeps
//     the last value).
//  F, G. Messages (the `messages` subtest compares the messages of the
//     validator errors both sides report): a Date {VALUE} is ISO 8601 in
//     bsonguard, Date#toString() (time-zone dependent) in Mongoose; Mongoose
//     writes {PATH} relative to the subdocument (`Path \`name\`` for
//     `arr.3.name`), bsonguard the absolute path.
//  Also: strict:'throw' makes `new Model()` throw at the first unknown key;
//  the harness records it (kind `unknown`), deletes the key and constructs
//  again, so Mongoose's full set of unknown keys is compared.
//
// Anything else is a divergence: a case whose divergence is a known
// bsonguard bug is marked `todo` in cases.js (reported, does not fail; under
// meson a TODO that passes is an unexpected pass: remove its `todo`).
//
// Environment: BSONGUARD_CLI (default ../../build/tools/bsonguard),
// BSONGUARD_DIFF_DIR (keep the generated .bsg/.bson files there),
// BSG_UPDATE=1 (rewrite schemas/*.bsg from cases.js).

const { describe, test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const H = require('./harness');
const { groups, oid } = require('./cases');

const dir = H.tmpDir();
const keep = !!process.env.BSONGUARD_DIFF_DIR;
if (!keep)
  process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));

for (const group of groups) {
  describe(group.name, () => {
    const text = H.bsgText(group);
    const bsgFile = path.join(dir, `${group.name}.bsg`);
    fs.writeFileSync(bsgFile, text);

    test(`schemas/${group.name}.bsg matches cases.js`, () => {
      const committed = path.join(H.HERE, 'schemas', `${group.name}.bsg`);
      if (process.env.BSG_UPDATE) {
        fs.mkdirSync(path.dirname(committed), { recursive: true });
        fs.writeFileSync(committed, text);
      }
      assert.equal(fs.existsSync(committed) ? fs.readFileSync(committed, 'utf8') : '', text,
        'regenerate with BSG_UPDATE=1 node --test tests/mongoose/');
    });

    for (const [modelName, cases] of Object.entries(group.models)) {
      describe(modelName, () => {
        let setupError, Model, bsg;
        const docs = cases.map((c, i) => ('_id' in c.doc ? c.doc : { _id: oid(0x1000 + i), ...c.doc }));
        const bytes = docs.map((d, i) => (cases[i].patch ? cases[i].patch(H.BSON.serialize(d)) : H.BSON.serialize(d)));
        try {
          const bsonFile = path.join(dir, `${group.name}.${modelName}.bson`);
          fs.writeFileSync(bsonFile, Buffer.concat(bytes));
          Model = H.buildModel(group, modelName);
          bsg = H.runBsonguard(bsgFile, modelName, bsonFile);
        } catch (e) {
          setupError = e;
        }

        cases.forEach((c, i) => {
          test(c.name, c.todo ? { todo: c.todo } : {}, async t => {
            if (setupError)
              throw setupError;
            const mine = bsg.get(i) || [];
            const theirs = H.mongooseVerdict(Model, bytes[i]);
            const r = H.compare(mine, theirs.errors, c, theirs.doc, theirs.input);
            const raw = `bsonguard: ${JSON.stringify(mine.map(e => `${e.path}:${e.kind}`))}\n` +
              `mongoose:  ${JSON.stringify(theirs.errors.map(e => `${e.path}:${e.kind}${e.cast ? `(${e.cast})` : ''}`))}`;
            if (r.problems.length || JSON.stringify(r.bsonguard) !== JSON.stringify(r.mongoose))
              t.diagnostic(raw);
            assert.deepEqual({ problems: r.problems, errors: r.bsonguard }, { problems: [], errors: r.mongoose });
            // Messages of validator errors both sides report (rules F, G).
            const pairs = theirs.errors.filter(g => g.name === 'ValidatorError').map(g => [g,
              mine.find(e => e.path === g.path && e.kind === g.kind)]).filter(([, b]) => b);
            if (pairs.length) {
              await t.test('messages', c.messagesTodo ? { todo: c.messagesTodo } : {}, () => {
                assert.deepEqual(Object.fromEntries(pairs.map(([g, b]) => [g.path, b.message])),
                  Object.fromEntries(pairs.map(([g]) => [g.path, H.expectedMessage(g, theirs.doc)])));
              });
            }
          });
        });
      });
    }
  });
}
