'use strict';
// toBsg(): the .bsg text of a Mongoose schema. What fromMongoose() could
// not carry is written at the top as comments, so it is not lost when only
// the text is kept.

const { fromMongoose } = require('./from-mongoose');

/**
 * @param {Schema|Model} schema  a Mongoose 9 Schema or Model
 * @param {{name?: string}} [options]  name of the declared schema
 * @returns {string} .bsg source
 */
function toBsg(schema, options) {
  const { source, warnings } = fromMongoose(schema, options);
  if (!warnings.length)
    return source;
  const lines = ['// Not carried over from Mongoose (JavaScript only):',
    ...warnings.map(w => `//   ${w.path || '(schema)'}: ${w.reason.replace(/\n/g, ' ')}`), ''];
  return lines.join('\n') + source;
}

module.exports = { toBsg };
