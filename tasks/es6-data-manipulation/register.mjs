// Loaded with NODE_OPTIONS=--import=./register.mjs before any check runs.
// Installs the resolve hook below so learners may write `import x from './file'`
// without the `.js` extension, as they could under Babel.
import { register } from 'node:module';

register('./esm-resolve.mjs', import.meta.url);
