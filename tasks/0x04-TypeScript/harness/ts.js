// Type-checks and runs the learner's TypeScript with the TypeScript compiler API (Debian's
// node-typescript 4.8), under the compiler options the task's tsconfig.json gives.
//
//   node ts.js compile FILE...          type-checks FILE... (and what they import or
//                                       reference); prints every error as
//                                       `file:line:col TSxxxx message`, or, when there is
//                                       none, `No type errors found` (as the school's
//                                       webpack type checker did)
//   node ts.js accepts FILE PROBE       FILE with PROBE (TypeScript) appended must type-check
//   node ts.js rejects FILE PROBE CODE  ... must not: the probe must get error TSCODE
//   node ts.js run FILE... -- PROBE     compiles FILE... to JavaScript and runs them in one
//                                       realm (their top-level declarations shared, as
//                                       scripts or as CommonJS modules), what they print
//                                       kept in `printed`, then runs PROBE (JavaScript)
//                                       there; PROBE finds the learner's declarations with
//                                       `learner(name)`
//
// A probe is appended inside a block at the end of the learner's file, so it sees every
// declaration of the file, exported or not, in a module or a script.
const fs = require('fs');
const path = require('path');
const vm = require('vm');
const ts = require('typescript');

// The task's tsconfig.json (the school's, identical in every task folder).
const OPTIONS = {
  noImplicitAny: true,
  module: ts.ModuleKind.ES2015,
  target: ts.ScriptTarget.ES5,
  allowJs: true,
  moduleResolution: ts.ModuleResolutionKind.NodeJs,
  sourceMap: true,
  // As the school's tsconfig: declaration files are not checked themselves (TypeScript's own
  // DOM library takes most of the time); what they declare is still checked where it is used.
  skipLibCheck: true,
  noEmit: true,
};

function findings(diagnostics, probe) {
  return diagnostics.map((d) => {
    const message = ts.flattenDiagnosticMessageText(d.messageText, ' ');
    if (!d.file) return `TS${d.code} ${message}`;
    const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
    let file = path.relative(process.cwd(), d.file.fileName);
    let number = line + 1;
    if (probe && path.resolve(d.file.fileName) === probe.file && number > probe.after) {
      file = probe.name;
      number -= probe.after;
    }
    return `${file}:${number}:${character + 1} TS${d.code} ${message}`;
  });
}

// As the task's tsconfig.json names no files, the school's type checker took every
// TypeScript file of the task folder (task_N/), not only what the entry file references.
function taskFiles(files) {
  const found = [];
  const walk = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory() && entry.name !== 'node_modules') walk(full);
      else if (entry.isFile() && /\.tsx?$/.test(entry.name)) found.push(full);
    }
  };
  for (const dir of new Set(files.map((f) => path.normalize(f).split(path.sep)[0]))) {
    if (/^task_\d+$/.test(dir) && fs.existsSync(dir)) walk(dir);
  }
  const given = new Set(files.map((f) => path.resolve(f)));
  return [...found.filter((f) => !given.has(path.resolve(f))).sort(), ...files];
}

function check(roots, probe) {
  const host = ts.createCompilerHost(OPTIONS);
  if (probe) {
    const read = host.readFile;
    host.readFile = (name) => (path.resolve(name) === probe.file ? probe.text : read(name));
    const getSourceFile = host.getSourceFile;
    host.getSourceFile = (name, language, onError) => {
      if (path.resolve(name) !== probe.file) return getSourceFile(name, language, onError);
      return ts.createSourceFile(name, probe.text, language);
    };
  }
  const program = ts.createProgram(taskFiles(roots), OPTIONS, host);
  return findings(ts.getPreEmitDiagnostics(program), probe);
}

function withProbe(file, probeFile) {
  const own = fs.readFileSync(file, 'utf8');
  const probe = fs.readFileSync(probeFile, 'utf8');
  const head = `${own}\n;{\n`;
  return {
    file: path.resolve(file),
    name: path.basename(probeFile),
    after: head.split('\n').length - 1,
    text: `${head}${probe}\n}\n`,
  };
}

// The tasks' code was built for a browser page (task 0 renders a table, others often show
// their results in the page): here the DOM is a stand-in that takes every call and does
// nothing, so what the probe checks runs whatever the page does.
const DOM = new Proxy(function dom() {}, {
  get: (target, key) => {
    if (key === Symbol.toPrimitive) return () => '';
    if (key === Symbol.iterator) return function* none() {};
    if (key === 'then') return undefined;
    return DOM;
  },
  set: () => true,
  apply: () => DOM,
  construct: () => DOM,
});

function run(files, probeFile) {
  // One program over every file, emitted as CommonJS: a namespace merged across files gets
  // its members qualified, which transpiling each file alone cannot do.
  const program = ts.createProgram(taskFiles(files), {
    ...OPTIONS,
    noEmit: false,
    sourceMap: false,
    module: ts.ModuleKind.CommonJS,
    target: ts.ScriptTarget.ES2017,
  });
  const emitted = {};
  program.emit(undefined, (name, text, bom, onError, sources) => {
    for (const source of sources || []) emitted[path.resolve(source.fileName)] = text;
  });
  const printed = [];
  const recorder = { ...console, log: (...parts) => printed.push(parts.join(' ')) };
  const context = vm.createContext({
    console: recorder,
    setTimeout,
    clearTimeout,
    Promise,
    printed,
    document: DOM,
    window: DOM,
  });
  const exported = {};
  context.exports = exported;
  context.module = { exports: exported };
  context.learner = (name) => {
    if (Object.prototype.hasOwnProperty.call(exported, name)) return exported[name];
    return vm.runInContext(`typeof ${name} === 'undefined' ? undefined : ${name}`, context);
  };
  // A relative import runs the imported file once, in a function scope of its own.
  const loaded = {};
  const load = (from, request) => {
    if (!request.startsWith('.')) return require(request);
    const base = path.resolve(path.dirname(from), request);
    const found = [base, `${base}.ts`, `${base}.js`].find((f) => emitted[f] !== undefined);
    if (!found) throw new Error(`Cannot find module '${request}'`);
    if (!loaded[found]) {
      const module = { exports: {} };
      loaded[found] = module;
      const wrapped = vm.runInContext(`(function (exports, require, module) {${emitted[found]}\n})`, context);
      wrapped(module.exports, (r) => load(found, r), module);
    }
    return loaded[found].exports;
  };
  // The learner's files in the program's order (a referenced file before its referrer), as
  // scripts of one realm: their top-level declarations are visible to the probe.
  // Modules other than the given files run only when imported.
  const roots = new Set(files.map((f) => path.resolve(f)));
  const order = program.getSourceFiles()
    .filter((f) => !ts.isExternalModule(f) || roots.has(path.resolve(f.fileName)))
    .map((f) => path.resolve(f.fileName))
    .filter((f) => emitted[f] !== undefined);
  // A file that fails because another has not run yet (a class extending one declared in a
  // file that does not reference it) is run again after the others.
  let pending = order;
  while (pending.length > 0) {
    const failed = [];
    let firstError;
    for (const file of pending) {
      context.require = (request) => load(file, request);
      try {
        vm.runInContext(emitted[file], context, { filename: path.relative(process.cwd(), file) });
      } catch (error) {
        failed.push(file);
        firstError = firstError || error;
      }
    }
    if (failed.length === pending.length) throw firstError;
    pending = failed;
  }
  context.console = console;
  vm.runInContext(`{\n${fs.readFileSync(probeFile, 'utf8')}\n}`, context, { filename: path.basename(probeFile) });
}

const [command, ...args] = process.argv.slice(2);
if (command === 'compile') {
  const found = check(args);
  found.forEach((f) => console.log(f));
  if (found.length === 0) console.log('No type errors found');
} else if (command === 'accepts' || command === 'rejects') {
  const [file, probeFile, code] = args;
  const probe = withProbe(file, probeFile);
  const found = check([file], probe);
  const inProbe = found.filter((f) => f.startsWith(`${probe.name}:`));
  if (command === 'accepts') {
    if (inProbe.length === 0) {
      console.log(`${probe.name} compiles`);
    } else {
      inProbe.forEach((f) => console.log(f));
    }
  } else if (inProbe.some((f) => f.includes(` TS${code} `))) {
    console.log(`${probe.name} is refused with TS${code}`);
  } else if (inProbe.length === 0) {
    console.log(`${probe.name} compiles, but it must be refused with TS${code}`);
  } else {
    console.log(`${probe.name} is refused, but not with TS${code}:`);
    inProbe.forEach((f) => console.log(f));
  }
} else if (command === 'run') {
  const split = args.indexOf('--');
  run(args.slice(0, split), args[split + 1]);
} else {
  console.error('usage: node ts.js compile|accepts|rejects|run ...');
  process.exit(2);
}
