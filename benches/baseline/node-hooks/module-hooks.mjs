// Module hooks (node >= 18.19) that load learners' files the way the school's Babel setup did.
//
// Babel compiled every file to CommonJS and wrapped imports in its interop helper, so these all
// worked there and must work here:
// - `import x from './file'` without `.js` (or a folder with an index.js);
// - ES module files (`export default`, named exports);
// - CommonJS files (`module.exports = fn`, `exports.name = ...`), whose `module.exports` is the
//   default export and whose assigned names are the named exports.
// package.json does not set `"type": "module"`; instead each `.js` file is loaded as an ES module
// when it contains ES module syntax and as CommonJS otherwise (what Node 22 calls module syntax
// detection). The check compiles the file once as a CommonJS function body, without running it.
// An ES module file may also use CommonJS names, as Babel's output allowed: `module.exports = fn`
// beside `import` lines makes `fn` the default export, and `require()` works there.
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Script } from 'node:vm';

const isRelative = (specifier) => specifier.startsWith('./') || specifier.startsWith('../');

export async function resolve(specifier, context, next) {
  try {
    return await next(specifier, context);
  } catch (error) {
    const notFound = error?.code === 'ERR_MODULE_NOT_FOUND' || error?.code === 'ERR_UNSUPPORTED_DIR_IMPORT';
    if (!notFound || !isRelative(specifier) || extname(specifier) !== '') {
      throw error;
    }
    for (const candidate of [`${specifier}.js`, `${specifier}/index.js`]) {
      try {
        return await next(candidate, context);
      } catch {
        // try the next form; the original error is the one worth reporting
      }
    }
    throw error;
  }
}

// V8's messages when a CommonJS body meets syntax that only an ES module allows.
const MODULE_ONLY = [
  'Cannot use import statement outside a module',
  "Unexpected token 'export'",
  "Cannot use 'import.meta' outside a module",
  'await is only valid in async functions and the top level bodies of modules',
];

function hasModuleSyntax(source) {
  try {
    // Compiled, never run: a SyntaxError here says which kind of file this is.
    new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`);
    return false;
  } catch (error) {
    return error instanceof SyntaxError && MODULE_ONLY.some((m) => error.message.includes(m));
  }
}

/** Whether a `.js` file's source is an ES module (a `#!` line is ignored, as Node does). */
export function isModuleSource(source) {
  return hasModuleSyntax(source.startsWith('#!') ? `//${source}` : source);
}

// CommonJS names an ES module file uses, and what defines them there. The definitions go on the
// file's first line (in place of a `#!` line, meaningless for an imported file), so line numbers
// in errors stay the learner's.
const COMMONJS_NAMES = [
  [/\bmodule\.exports\b/, 'const module = { exports: {} };'],
  [/(?<![.\w$])exports\.[\w$]+\s*=/, 'const exports = (typeof module === "object" ? module : { exports: {} }).exports;'],
  [/(?<![.\w$])require\s*\(/, 'const require = __checkerCreateRequire(import.meta.url);'],
];
const DEFAULT_EXPORT = /\bexport\s+default\b|\bas\s+default\b/;

function withCommonJsNames(source) {
  const used = COMMONJS_NAMES.filter(([pattern]) => pattern.test(source));
  if (used.length === 0) return source;
  let prelude = "import { createRequire as __checkerCreateRequire } from 'node:module';";
  for (const [, definition] of used) prelude += ` ${definition}`;
  const firstLineEnd = source.startsWith('#!') ? source.indexOf('\n') : 0;
  const body = firstLineEnd < 0 ? '' : source.slice(firstLineEnd);
  const exportsSomething = /\bmodule\.exports\b|exports\./.test(source);
  const suffix = exportsSomething && !DEFAULT_EXPORT.test(source)
    ? '\nexport default (typeof module === "object" ? module.exports : exports);\n'
    : '';
  return `${prelude}${source.startsWith('#!') ? '' : ' '}${body}${suffix}`;
}

export async function load(url, context, next) {
  if (!url.startsWith('file:') || extname(new URL(url).pathname) !== '.js') {
    return next(url, context);
  }
  const source = await readFile(fileURLToPath(url), 'utf8');
  if (isModuleSource(source)) {
    return { format: 'module', source: withCommonJsNames(source), shortCircuit: true };
  }
  // Node's CommonJS loader reads the file itself and reports its own errors with file:line.
  return { format: 'commonjs', shortCircuit: true };
}
