// Module hooks a hidden check registers before it imports the learner's file: `./utils.js`
// (the curriculum's helpers) resolves to the check's own version, whose promises reject.
let from;
let to;

export function initialize(data) {
  ({ from, to } = data);
}

export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  return resolved.url === from ? { ...resolved, url: to } : resolved;
}
