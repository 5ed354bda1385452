// Loaded with NODE_OPTIONS=--import=./register.mjs before any check runs. Installs
// module-hooks.mjs, which loads learners' files as the school's Babel setup did: ES modules or
// CommonJS, with or without the `.js` in imports.
import { register } from 'node:module';

register('./module-hooks.mjs', import.meta.url);
