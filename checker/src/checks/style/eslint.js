// Checker's ESLint runner, piped to `node - FILE...` with `'use strict'; const CONFIG = {...};`
// (the rule set, airbnb-base.json) prepended. Prints one finding per line as
// `file:line:col rule message` and exits 1 when there is any, 0 otherwise; any other exit is the
// platform's failure, not a finding.
//
// The school linted with ESLint 6 and `extends: ['airbnb-base', 'plugin:jest/all']` (plus its own
// overrides: no-console and no-shadow off, no-restricted-syntax limited to labels and `with`).
// CONFIG holds every core rule of eslint-config-airbnb-base 14.2.1 with the school's overrides.
// Debian ships ESLint 6.4 but neither eslint-plugin-import nor eslint-plugin-jest, so:
// - `import/prefer-default-export` is re-written below from its documented behaviour;
// - every other `import/*` and `jest/*` rule is not enforced (import/extensions, import/first,
//   import/no-mutable-exports, import/newline-after-import, import/no-duplicates, ... and all of
//   plugin:jest/all). Such a rule named in a learner's `eslint-disable` or `/* eslint */` comment
//   is defined as a rule that reports nothing, so the comment is accepted as it was at school;
// - the core rules airbnb-base 14.2.1 names that ESLint 6.4 lacks are all `off` there.
// Warnings (airbnb-base's few `warn` rules) are not findings.

const fs = require('fs');
const path = require('path');
// By absolute path: a learner's `node_modules/eslint` must not stand in for it.
const { CLIEngine } = require('/usr/share/nodejs/eslint');

const PLUGINS = ['import', 'jest'];

// `export` of exactly one name and no default export: eslint-plugin-import's rule.
const preferDefaultExport = {
  meta: { type: 'suggestion', schema: [] },
  create(context) {
    let named = 0;
    let namedNode = null;
    let hasDefault = false;
    let hasStar = false;
    const countNames = (pattern) => {
      if (pattern && pattern.type === 'ObjectPattern') {
        pattern.properties.forEach((property) => countNames(property.value || property.argument));
      } else if (pattern && pattern.type === 'ArrayPattern') {
        pattern.elements.forEach(countNames);
      } else {
        named += 1;
      }
    };
    return {
      ExportDefaultDeclaration() {
        hasDefault = true;
      },
      ExportAllDeclaration() {
        hasStar = true;
      },
      ExportSpecifier(node) {
        if (node.exported.name === 'default') {
          hasDefault = true;
        } else {
          named += 1;
          namedNode = node;
        }
      },
      ExportNamedDeclaration(node) {
        if (!node.declaration) return;
        if (node.declaration.declarations) {
          node.declaration.declarations.forEach((declaration) => countNames(declaration.id));
        } else {
          named += 1;
        }
        namedNode = node;
      },
      'Program:exit'() {
        if (named === 1 && !hasDefault && !hasStar) {
          context.report({ node: namedNode, message: 'Prefer default export.' });
        }
      },
    };
  },
};

const silent = { meta: { schema: false }, create: () => ({}) };

// Plugin rules the learner's comments name, e.g. `// eslint-disable-next-line import/extensions`.
function namedPluginRules(sources) {
  const names = new Set();
  const directive = /\beslint(?:-disable(?:-next-line|-line)?|-enable)?\s([^\n]*?)(?:\*\/|$)/gm;
  for (const source of sources) {
    for (const match of source.matchAll(directive)) {
      for (const part of match[1].split(',')) {
        const name = part.split(':')[0].trim();
        if (/^(import|jest)\/[\w-]+$/.test(name)) names.add(name);
      }
    }
  }
  return names;
}

function main(files) {
  const sources = files.map((file) => {
    try {
      return fs.readFileSync(file, 'utf8');
    } catch {
      return '';
    }
  });
  const rules = { import: { 'prefer-default-export': preferDefaultExport }, jest: {} };
  for (const name of namedPluginRules(sources)) {
    const [plugin, rule] = name.split('/');
    if (!rules[plugin][rule]) rules[plugin][rule] = silent;
  }
  const engine = new CLIEngine({
    cwd: process.cwd(),
    useEslintrc: false,
    ignore: false,
    allowInlineConfig: true,
    baseConfig: {
      ...CONFIG,
      plugins: PLUGINS,
      rules: { ...CONFIG.rules, 'import/prefer-default-export': 'error' },
    },
  });
  for (const plugin of PLUGINS) {
    engine.addPlugin(`eslint-plugin-${plugin}`, { rules: rules[plugin] });
  }
  const report = engine.executeOnFiles(files);
  let found = 0;
  for (const result of report.results) {
    const file = path.relative(process.cwd(), result.filePath);
    for (const message of result.messages) {
      if (message.severity !== 2) continue;
      found += 1;
      const rule = message.ruleId || (message.fatal ? 'parse-error' : 'eslint');
      const text = message.message.replace(/\s+/g, ' ');
      process.stdout.write(`${file}:${message.line || 1}:${message.column || 1} ${rule} ${text}\n`);
    }
  }
  process.exitCode = found > 0 ? 1 : 0;
}

try {
  main(process.argv.slice(2).filter((arg, i) => i > 0 || arg !== '--'));
} catch (error) {
  process.stderr.write(`${error && error.stack ? error.stack : error}\n`);
  process.exitCode = 2;
}
