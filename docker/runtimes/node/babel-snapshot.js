// Node's start-up snapshot for projects that load learners' files as the school did: through
// Babel (the school ran `babel-node`), each ES module file compiled to CommonJS when it is
// required, CommonJS files as they are. `import x from './file'` may omit `.js`, a CommonJS
// `module.exports` is the default import, a CommonJS file may `require()` an ES module one.
//
// Built once per image (`node --snapshot-blob babel.blob --build-snapshot babel-snapshot.js`)
// with Babel already loaded and warmed up, and used by a check with
// `NODE_OPTIONS=--snapshot-blob /usr/lib/checker/node/babel.blob`: a check then starts in about
// the time of `node -e 0` instead of loading Babel, or running module hooks on a second thread.
//
// Node 18's snapshot builder can `require` built-in modules only, so Babel's CommonJS files are
// loaded here by a small loader used while building, never at a check's run time.
'use strict';

const fs = require('fs');
const path = require('path');
const vm = require('vm');

const PACKAGES = ['/usr/share/nodejs', '/usr/lib/nodejs'];
// Node 18's built-in modules (`require('module').builtinModules`, which the builder cannot load).
const BUILTINS = new Set(('assert async_hooks buffer child_process cluster console constants crypto '
  + 'dgram diagnostics_channel dns domain events fs http http2 https inspector module net os path '
  + 'perf_hooks process punycode querystring readline repl stream string_decoder sys timers tls '
  + 'trace_events tty url util v8 vm wasi worker_threads zlib').split(' '));

const isFile = (p) => fs.statSync(p, { throwIfNoEntry: false })?.isFile() ?? false;
const isDir = (p) => fs.statSync(p, { throwIfNoEntry: false })?.isDirectory() ?? false;

function entryOf(exports) {
  if (typeof exports === 'string') return exports;
  if (exports && typeof exports === 'object') {
    return entryOf(exports['.'] ?? exports.require ?? exports.node ?? exports.default);
  }
  return undefined;
}

function asFile(target) {
  for (const candidate of [target, `${target}.js`, `${target}.json`, path.join(target, 'index.js')]) {
    if (isFile(candidate)) return candidate;
  }
  const manifest = path.join(target, 'package.json');
  if (isDir(target) && isFile(manifest)) {
    const pkg = JSON.parse(fs.readFileSync(manifest, 'utf8'));
    return asFile(path.join(target, pkg.main ?? entryOf(pkg.exports) ?? 'index.js'));
  }
  return undefined;
}

function resolve(id, dir) {
  if (id.startsWith('./') || id.startsWith('../') || id.startsWith('/')) {
    const file = asFile(path.resolve(dir, id));
    if (file) return file;
  } else {
    const parts = id.split('/');
    const length = id.startsWith('@') ? 2 : 1;
    const name = parts.slice(0, length).join('/');
    const rest = parts.slice(length).join('/');
    const bases = [];
    for (let d = dir; ; d = path.dirname(d)) {
      bases.push(path.join(d, 'node_modules'));
      if (d === '/') break;
    }
    for (const base of [...bases, ...PACKAGES]) {
      const root = path.join(base, name);
      if (!isDir(root)) continue;
      const file = asFile(rest ? path.join(root, rest) : root);
      if (file) return file;
    }
  }
  throw new Error(`babel-snapshot: cannot find ${id} from ${dir}`);
}

// Babel's code frames would colour with chalk (an ES module in Debian); they are never coloured
// here, so chalk is a plain pass-through.
const plain = new Proxy((text) => String(text), {
  get: (target, key) => (key === 'supportsColor' ? false : plain),
});

const loaded = new Map();
function load(id, dir) {
  const name = id.replace(/^node:/, '');
  if (BUILTINS.has(name.split('/')[0])) return require(name);
  if (id === 'chalk') return plain;
  const file = fs.realpathSync(resolve(id, dir));
  if (loaded.has(file)) return loaded.get(file).exports;
  const module = { exports: {}, id: file, filename: file, loaded: false };
  loaded.set(file, module);
  if (file.endsWith('.json')) {
    module.exports = JSON.parse(fs.readFileSync(file, 'utf8'));
    return module.exports;
  }
  const params = ['exports', 'require', 'module', '__filename', '__dirname'];
  const body = vm.compileFunction(fs.readFileSync(file, 'utf8'), params, { filename: file });
  const local = (request) => load(request, path.dirname(file));
  local.resolve = (request) => resolve(request, path.dirname(file));
  body.call(module.exports, module.exports, local, module, file, path.dirname(file));
  module.loaded = true;
  return module.exports;
}

const babel = load('@babel/core', '/');
const toCommonJs = load('@babel/plugin-transform-modules-commonjs', '/');

// Only modules become CommonJS: the rest of the language is left to Node, as the school's
// preset-env targeting its own Node left it. Lines are kept, so errors point at the learner's.
const OPTIONS = {
  plugins: [toCommonJs],
  babelrc: false,
  configFile: false,
  retainLines: true,
  sourceType: 'module',
  compact: false,
};

// Warmed up while building, so that a check finds Babel's code compiled.
babel.transformSync(
  "import a, { b } from './a'; import * as c from 'c'; export const d = () => a(b, c);\n"
    + 'export default class E {}\nexport { a as f };\n',
  { ...OPTIONS, filename: '/warm-up.js' },
);

// A file with syntax only an ES module allows; compiled as a function body, never run.
function hasModuleSyntax(source) {
  try {
    new vm.Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`);
    return false;
  } catch (error) {
    return error instanceof SyntaxError;
  }
}

// Babel's parse error told as Node tells a syntax error: the message, then the learner's file and
// line as the first frame (not Babel's own frames, nor its code frame).
function asNodeSyntaxError(error, filename) {
  const message = String(error.message).split('\n')[0].replace(`${filename}: `, '');
  const syntax = new SyntaxError(message);
  syntax.stack = `SyntaxError: ${message}\n    at ${filename}:${error.loc.line}:${error.loc.column + 1}`;
  return syntax;
}

require('v8').startupSnapshot.setDeserializeMainFunction(() => {
  // The snapshot kept the builder's working directory; the real one is the check's.
  process.chdir(fs.realpathSync.native('.'));
  // Node warns that `module` has no snapshot support; it is only used at run time, as usual.
  const emitWarning = process.emitWarning;
  process.emitWarning = () => {};
  const Module = require('module');
  process.emitWarning = emitWarning;
  const compileCommonJs = Module._extensions['.js'];
  const own = `${process.cwd()}${path.sep}`;
  Module._extensions['.js'] = function compileLearnerFile(module, filename) {
    // Installed packages (ESLint, mocha, a learner's node_modules) load as Node loads them.
    if (!filename.startsWith(own) || filename.includes(`${path.sep}node_modules${path.sep}`)) {
      return compileCommonJs(module, filename);
    }
    const source = fs.readFileSync(filename, 'utf8');
    if (!hasModuleSyntax(source.startsWith('#!') ? `//${source}` : source)) {
      return compileCommonJs(module, filename);
    }
    let compiled;
    try {
      compiled = babel.transformSync(source, { ...OPTIONS, filename });
    } catch (error) {
      throw error.loc ? asNodeSyntaxError(error, filename) : error;
    }
    return module._compile(compiled.code, filename);
  };
  const script = process.argv[1];
  if (script === undefined) {
    process.stderr.write('node: this runtime runs script files only (`node FILE`)\n');
    process.exit(9);
  }
  process.argv[1] = path.resolve(script);
  Module._load(process.argv[1], null, true);
});
