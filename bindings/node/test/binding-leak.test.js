'use strict';
// No leak over millions of calls: resident memory stays flat across 1e6
// validate() calls, many validateMany() batches and thousands of compiles,
// whether closed explicitly or left to the FinalizationRegistry.
//
// The bound is far below what a leak would cost: 1e6 calls leaking even
// 16 bytes each would add 16 MB; 1e5 invalid documents leaking their three
// error records (well over 100 bytes) would add more than 10 MB.

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const v8 = require('node:v8');
const vm = require('node:vm');
const { BSON } = require('bson');
const { compile } = require('..');

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc');

const EXAMPLES = path.join(__dirname, '..', '..', '..', 'examples');
const SOURCE = fs.readFileSync(path.join(EXAMPLES, 'conversation.bsg'), 'utf8');
const docs = fs.readFileSync(path.join(EXAMPLES, 'conversations.jsonl'), 'utf8')
  .trim().split('\n').map(line => BSON.EJSON.parse(line, { relaxed: false }));
const MB = 1024 * 1024;

// Resident set size after collecting garbage and running finalizers.
async function settledRss() {
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise(resolve => setImmediate(resolve));
  }
  return process.memoryUsage.rss();
}

// Runs `round` three times to warm up (first-use allocations, JIT, malloc
// arenas reaching their working size), then `rounds` more times, and returns
// how much resident memory grew over those. Between rounds the event loop
// turns, as in a server, so that finalizers can run.
async function growth(rounds, round) {
  for (let i = 0; i < 3; i++) {
    round();
    await settledRss();
  }
  const before = await settledRss();
  for (let i = 0; i < rounds; i++) {
    round();
    await settledRss();
  }
  return (await settledRss()) - before;
}

test('1e6 validate() calls on valid documents', async t => {
  const set = compile(SOURCE);
  const v = set.model('Conversation');
  const bytes = BSON.serialize(docs[0]);
  let valid = 0;
  const grew = await growth(10, () => {
    for (let i = 0; i < 100000; i++) valid += v.validate(bytes).valid;
  });
  assert.equal(valid, 1300000);
  t.diagnostic(`RSS grew by ${(grew / MB).toFixed(2)} MB`);
  assert.ok(grew < 8 * MB, `RSS grew by ${(grew / MB).toFixed(1)} MB`);
  set.close();
});

test('1e5 validate() calls on invalid documents, with options', async t => {
  const set = compile(SOURCE);
  const v = set.model('Conversation');
  const bytes = BSON.serialize(docs[2]);
  let errors = 0;
  const grew = await growth(10, () => {
    for (let i = 0; i < 10000; i++) errors += v.validate(bytes, { maxErrors: 3 }).errors.length;
  });
  assert.equal(errors, 13 * 10000 * 3);
  t.diagnostic(`RSS grew by ${(grew / MB).toFixed(2)} MB`);
  assert.ok(grew < 8 * MB, `RSS grew by ${(grew / MB).toFixed(1)} MB`);
  set.close();
});

test('2e4 validateMany() batches', async t => {
  const set = compile(SOURCE);
  const v = set.model('Conversation');
  const batch = Buffer.concat(docs.map(d => BSON.serialize(d)));
  let invalid = 0;
  const grew = await growth(10, () => {
    for (let i = 0; i < 2000; i++) invalid += v.validateMany(batch).invalidCount;
  });
  assert.equal(invalid, 13 * 2000 * 4);
  t.diagnostic(`RSS grew by ${(grew / MB).toFixed(2)} MB`);
  assert.ok(grew < 8 * MB, `RSS grew by ${(grew / MB).toFixed(1)} MB`);
  set.close();
});

test('compile and close, 5000 times', async t => {
  const bytes = BSON.serialize(docs[0]);
  const grew = await growth(10, () => {
    for (let i = 0; i < 500; i++) {
      const set = compile(SOURCE);
      set.model('Conversation').validate(bytes);
      set.close();
    }
  });
  t.diagnostic(`RSS grew by ${(grew / MB).toFixed(2)} MB`);
  assert.ok(grew < 8 * MB, `RSS grew by ${(grew / MB).toFixed(1)} MB`);
});

test('sets and validators never closed are freed by the finalizers', async t => {
  const bytes = BSON.serialize(docs[0]);
  const grew = await growth(10, () => {
    for (let i = 0; i < 500; i++) {
      const set = compile(SOURCE);
      set.model('Conversation').validateMany(bytes);
    }
  });
  t.diagnostic(`RSS grew by ${(grew / MB).toFixed(2)} MB`);
  assert.ok(grew < 8 * MB, `RSS grew by ${(grew / MB).toFixed(1)} MB`);
});
