// Loaded with NODE_OPTIONS=--import=./register.mjs before any check runs. Installs
// module-hooks.mjs, which loads learners' files as the school's Babel setup did: ES modules or
// CommonJS, with or without the `.js` in imports.
//
// `require()` goes to Node's CommonJS loader, which those hooks never see: there an ES module
// file would be a syntax error, where the school's Babel had compiled it to CommonJS. So a `.js`
// file that require() reaches and that holds ES module syntax is compiled the same way, with
// Babel's own CommonJS transform (Debian's node-babel7): `require('./file')` gives its exports
// with `__esModule` set, the default export as `.default`, as it did there. Lines are kept, so
// errors point at the learner's line.
import { readFileSync } from 'node:fs';
import Module, { createRequire, register } from 'node:module';
import { isModuleSource } from './module-hooks.mjs';

register('./module-hooks.mjs', import.meta.url);

const require = createRequire(import.meta.url);
const loadCommonJs = Module._extensions['.js'];

Module._extensions['.js'] = function loadJs(module, filename) {
  // Node's and Debian's packages are what they are; only the learner's and the grader's files
  // are compiled.
  if (!filename.startsWith('/usr/') && !filename.includes('/node_modules/')) {
    const source = readFileSync(filename, 'utf8');
    if (isModuleSource(source)) {
      const babel = require('@babel/core');
      const { code } = babel.transformSync(source, {
        filename,
        babelrc: false,
        configFile: false,
        sourceType: 'module',
        retainLines: true,
        plugins: [require.resolve('@babel/plugin-transform-modules-commonjs')],
      });
      module._compile(code, filename);
      return;
    }
  }
  loadCommonJs(module, filename);
};
