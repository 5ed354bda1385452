// ES module resolve hook (node >= 18.19).
// Node's ESM loader requires full file names; Babel did not. When a relative
// import without an extension cannot be found, retry it once with `.js`.
import { extname } from 'node:path';

const isRelative = (specifier) => specifier.startsWith('./') || specifier.startsWith('../');

export async function resolve(specifier, context, next) {
  try {
    return await next(specifier, context);
  } catch (error) {
    if (error?.code === 'ERR_MODULE_NOT_FOUND' && isRelative(specifier) && extname(specifier) === '') {
      return next(`${specifier}.js`, context);
    }
    throw error;
  }
}
