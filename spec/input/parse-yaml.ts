import { Lexer, Parser, parseDocument, type CST } from 'yaml';
import { SpecError } from '../errors';

/** Deepest nesting of maps and lists a spec may have (real specs nest about 6 deep). */
export const MAX_SPEC_DEPTH = 64;
/** Most alias uses (`*name`) a spec may have: a handful is normal, thousands are an alias bomb. */
export const MAX_SPEC_ALIASES = 100;

function problem(file: string, message: string): SpecError {
  return new SpecError(file, [{ path: '', value: undefined, message }]);
}

/** Deepest flow (`[ ]`, `{ }`) nesting, from the lexer's tokens; stops counting once past the limit. */
function flowDepthExceeds(text: string, limit: number): boolean {
  let depth = 0;
  for (const token of new Lexer().lex(text)) {
    if (token === '[' || token === '{') {
      if (++depth > limit) return true;
    } else if (token === ']' || token === '}') depth--;
  }
  return false;
}

/** Deepest collection nesting of the parsed syntax tree, walked with an explicit stack (no recursion). */
function treeDepthExceeds(text: string, limit: number): boolean {
  const stack: Array<[CST.Token | undefined, number]> = [];
  for (const doc of new Parser().parse(text)) if (doc.type === 'document') stack.push([doc.value, 0]);
  while (stack.length > 0) {
    const [token, depth] = stack.pop()!;
    if (token === undefined) continue;
    if (token.type === 'block-map' || token.type === 'block-seq' || token.type === 'flow-collection') {
      if (depth + 1 > limit) return true;
      for (const item of token.items) {
        if ('key' in item) stack.push([item.key ?? undefined, depth + 1]);
        stack.push([item.value, depth + 1]);
      }
    }
  }
  return false;
}

/**
 * Parses the text of a spec file (YAML, or JSON, which is YAML) into plain data, with bounds
 * checked before the document is built: nesting at most MAX_SPEC_DEPTH, alias uses at most
 * MAX_SPEC_ALIASES, unique keys. Every failure is a SpecError naming the file, line and fix.
 */
export function parseSpecText(text: string, file: string): unknown {
  if (flowDepthExceeds(text, MAX_SPEC_DEPTH) || treeDepthExceeds(text, MAX_SPEC_DEPTH)) {
    throw problem(file, `nests maps and lists more than ${MAX_SPEC_DEPTH} deep; a spec needs fewer than 10 levels`);
  }
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new SpecError(file, doc.errors.map((e) => ({ path: '', value: undefined, message: `not valid YAML/JSON: ${e.message.split('\n')[0]}` })));
  }
  try {
    return doc.toJS({ maxAliasCount: MAX_SPEC_ALIASES });
  } catch (e) {
    if ((e as Error | undefined)?.name === 'ReferenceError') {
      // yaml throws ReferenceError for an alias bomb ("Excessive alias count") and for an unknown alias.
      const message = (e as Error).message;
      const bomb = /alias count/i.test(message);
      throw problem(file, bomb ? `expands aliases (*name) more than ${MAX_SPEC_ALIASES} times; write the values out or use fewer aliases` : `not valid YAML: ${message}`);
    }
    throw e;
  }
}
