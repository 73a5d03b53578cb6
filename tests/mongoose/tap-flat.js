'use strict';
// A node:test reporter that writes flat TAP 13 (one line per test, named
// "group › Model › case"), for meson, whose TAP parser does not read the
// indented subtests of node's own `tap` reporter. TODO tests keep their
// directive: meson counts a failing one as an expected failure and a
// passing one as an unexpected pass (remove its `todo` from cases.js).
//   node --test --test-reporter=./tests/mongoose/tap-flat.js tests/mongoose/

const comment = text => String(text).split('\n').map(l => `# ${l}`.trimEnd()).join('\n') + '\n';

module.exports = async function* tapFlat(source) {
  yield 'TAP version 13\n';
  const names = [];
  let n = 0;
  for await (const { type, data } of source) {
    switch (type) {
      case 'test:start':
        names.length = data.nesting;
        names[data.nesting] = data.name;
        break;
      case 'test:pass':
      case 'test:fail': {
        names.length = data.nesting;
        names[data.nesting] = data.name;
        const err = data.details && data.details.error;
        const suite = data.details && data.details.type === 'suite';
        // A suite only gets a line when it failed by itself (its body threw).
        if (suite && (type === 'test:pass' || (err && err.failureType === 'subtestsFailed')))
          break;
        const ok = type === 'test:pass';
        const title = names.filter(x => x !== undefined).join(' › ').replace(/#/g, '\\#');
        let line = `${ok ? 'ok' : 'not ok'} ${++n} - ${title}`;
        if (data.todo !== undefined && data.todo !== false)
          line += ` # TODO ${typeof data.todo === 'string' ? data.todo.replace(/\n/g, ' ') : ''}`.trimEnd();
        else if (data.skip !== undefined && data.skip !== false)
          line += ` # SKIP ${typeof data.skip === 'string' ? data.skip : ''}`.trimEnd();
        yield line + '\n';
        if (!ok && err)
          yield comment((err.cause && err.cause.stack) || err.stack || err.message || err);
        break;
      }
      case 'test:diagnostic':
        yield comment(data.message);
        break;
      case 'test:stderr':
      case 'test:stdout':
        yield comment(data.message.replace(/\n$/, ''));
        break;
      default:
        break;
    }
  }
  yield `1..${n}\n`;
};
