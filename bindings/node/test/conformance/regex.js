'use strict';
// Regular expressions for `match` and `validate`, each with strings that
// match and strings that do not. The generator draws valid values from
// `good` and mutations from `bad`, but the verdict is always Mongoose's (the
// lists only steer the documents toward both outcomes).
//
// `utf16Safe: false` marks a regex without the `u` flag whose verdict on an
// astral character differs between JavaScript (UTF-16 code units) and PCRE2
// (code points): a documented divergence (docs/mongoose-differences.md), so
// strings on such paths are drawn without astral characters.

const REGEXES = [
  { src: '^[a-z]+$', flags: '', good: ['abc', 'hello', 'z'], bad: ['Abc', 'ab1', 'a b', 'é'] },
  { src: '^\\d{3}-\\d{4}$', flags: '', good: ['555-1234', '000-0000'], bad: ['5551234', '55-1234', '555-1234\n', '٣٣٣-1234'] },
  { src: '^[A-Z][a-z]*$', flags: '', good: ['Ann', 'Bob', 'X'], bad: ['ann', 'ANN', ''] },
  { src: '^[a-z]+$', flags: 'i', good: ['AbC', 'xyz'], bad: ['a1', 'é', 'a-b'] },
  { src: '@', flags: '', good: ['a@b', 'x@y.z'], bad: ['ab', 'a.b'] },
  { src: '^\\w+$', flags: '', good: ['a_1', 'Z9'], bad: ['a-b', 'é', 'a b'] },
  { src: '^\\S+$', flags: '', good: ['ab', 'x.y'], bad: ['a b', 'a\u00a0b', 'a\ufeff'] },
  { src: '^(?:red|green|blue)$', flags: '', good: ['red', 'green', 'blue'], bad: ['Red', 'redd', 'gre'] },
  { src: '^.{2,4}$', flags: '', good: ['ab', 'abcd', 'éé'], bad: ['a', 'abcde', 'a\nb'], utf16Safe: false },
  { src: '^\\p{Lu}', flags: 'u', good: ['Élan', 'Abc'], bad: ['élan', '1', 'p{Lu}'] },
  { src: 'c$', flags: 'm', good: ['abc', 'c\nx'], bad: ['ca', 'cx\n1'] },
  { src: '^[^]+$', flags: '', good: ['a\nb', 'x'], bad: [''], utf16Safe: false },
  { src: '^\\u00e9', flags: '', good: ['été', 'é'], bad: ['ete', 'Été'] },
  { src: '^[0-9a-f]{24}$', flags: '', good: ['65a1b2c3d4e5f60718293a4b'], bad: ['xyz', '65A1B2C3D4E5F60718293A4B'] },
  { src: '\\bfoo\\b', flags: '', good: ['a foo b', 'foo'], bad: ['food', 'éfoo1'] },
  { src: '^[a-z]+$', flags: 'g', good: ['abc'], bad: ['ABC'] },
  { src: '^\\s*\\S', flags: '', good: [' a', '\u2003b'], bad: ['   ', '\u00a0'] },
  { src: '^(?<d>\\d)-\\k<d>$', flags: '', good: ['1-1', '7-7'], bad: ['1-2'] },
];

for (const r of REGEXES) {
  if (r.utf16Safe === undefined)
    r.utf16Safe = r.flags.includes('u') || !/\.|\[\^/.test(r.src);
  r.literal = `/${r.src}/${r.flags}`;
  r.regexp = () => new RegExp(r.src, r.flags);
}

module.exports = { REGEXES };
