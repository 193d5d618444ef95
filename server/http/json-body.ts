import type { FastifyInstance } from 'fastify';
import { DEFAULT_MAX_DEPTH } from '../../core/yaml/limits.js';
import { ApiError, type ErrorDetail } from '../errors.js';

/**
 * How deep a JSON request body may nest. A body wraps the documents a YAML
 * file holds in at most a few levels of envelope (apply: body → state →
 * flags → flag), so everything the YAML loader accepts (DEFAULT_MAX_DEPTH)
 * fits, and nothing deeper reaches the engine, the serializers or SQLite.
 */
export const MAX_BODY_DEPTH = DEFAULT_MAX_DEPTH + 4;

/** Keys that would reach an object's prototype when merged; refused like YAML's merge keys. */
const PROTO_KEY = '__proto__';

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

function invalid(message: string, detail: ErrorDetail): ApiError {
  return new ApiError(400, 'INVALID_JSON', message, [detail]);
}

/**
 * One open object or array. Frames are reused per depth (a body opens an
 * object per document and per map in it: allocating a frame and a Set for
 * each cost more than the rest of the scan).
 */
interface Frame {
  object: boolean;
  /** Keys seen so far in this object (unused for arrays); `count` of them are live. */
  keys: string[];
  count: number;
  /** The keys as a Set, once the object outgrows a linear search. */
  index: Set<string> | null;
  /** The member (object) or index (array) being read, for the JSON pointer of an error. */
  at: string | number;
  expectKey: boolean;
}

const pointer = (stack: readonly Frame[], depth: number) =>
  stack
    .slice(0, depth)
    .map((f) => '/' + String(f.at).replaceAll('~', '~0').replaceAll('/', '~1'))
    .join('');

/** Objects with more keys than this check duplicates with a Set instead of a linear search. */
const LINEAR_KEYS = 16;

function seenBefore(frame: Frame, key: string): boolean {
  const { keys, count } = frame;
  if (count <= LINEAR_KEYS) {
    for (let k = 0; k < count; k++) if (keys[k] === key) return true;
    return false;
  }
  frame.index ??= new Set(keys.slice(0, count));
  return frame.index.has(key);
}

function remember(frame: Frame, key: string): void {
  frame.keys[frame.count++] = key;
  frame.index?.add(key);
}

/**
 * One pass over the text that checks what JSON.parse lets through: nesting
 * deeper than `maxDepth`, a key twice in one object (JSON.parse keeps the
 * last: `"enabled":true,"enabled":false` would silently be false) and
 * `__proto__` keys. It only tracks strings and brackets; whether the text is
 * JSON at all is JSON.parse's job afterwards, so a malformed text may pass
 * here and is refused there.
 */
export function checkJsonText(text: string, maxDepth: number = MAX_BODY_DEPTH): void {
  const stack: Frame[] = [];
  let depth = 0;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      // Most of a body is inside strings: jump to the closing quote with
      // indexOf (native) instead of walking it, skipping escaped quotes.
      const start = i + 1;
      let end = text.indexOf('"', start);
      while (end !== -1) {
        let backslashes = 0;
        for (let j = end - 1; j >= start && text.charCodeAt(j) === 0x5c; j--) backslashes++;
        if (backslashes % 2 === 0) break;
        end = text.indexOf('"', end + 1);
      }
      i = end === -1 ? n : end;
      const top = depth > 0 ? stack[depth - 1]! : undefined;
      if (top?.object === true && top.expectKey) {
        let key = text.slice(start, i);
        if (key.includes('\\')) {
          try {
            key = JSON.parse(`"${key}"`) as string;
          } catch {
            return; // a bad escape: JSON.parse refuses the whole text
          }
        }
        top.at = key;
        top.expectKey = false;
        if (key === PROTO_KEY) {
          throw invalid('the body has a "__proto__" key', { code: 'JSON_PROTO_KEY', message: 'a "__proto__" key is not accepted', path: pointer(stack, depth) });
        }
        if (seenBefore(top, key)) {
          throw invalid('the body has a duplicate key', {
            code: 'JSON_DUPLICATE_KEY',
            message: 'duplicate key: each key may appear once in an object',
            path: pointer(stack, depth),
          });
        }
        remember(top, key);
      }
    } else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      if (depth >= maxDepth) {
        throw invalid(`the body is nested more than ${maxDepth} levels deep`, {
          code: 'JSON_TOO_DEEP',
          message: `objects and arrays are nested more than ${maxDepth} levels deep`,
          path: pointer(stack, depth),
        });
      }
      const object = c === 0x7b;
      let frame = stack[depth];
      if (frame === undefined) {
        frame = { object, keys: [], count: 0, index: null, at: '', expectKey: object };
        stack.push(frame);
      } else {
        frame.object = object;
        frame.count = 0;
        frame.expectKey = object;
        frame.index = null;
      }
      frame.at = object ? '' : 0;
      depth++;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      if (depth > 0) depth--;
    } else if (c === 0x2c /* , */) {
      if (depth === 0) continue;
      const top = stack[depth - 1]!;
      if (top.object) top.expectKey = true;
      else top.at = (top.at as number) + 1;
    }
  }
}

/**
 * Reads a JSON body as the YAML loader reads a file: UTF-8 only (invalid
 * bytes are refused, not replaced), bounded depth, no duplicate keys, no
 * `__proto__`; the size cap is Fastify's bodyLimit (per route where set).
 * Every refusal is a 400 INVALID_JSON in the one error shape, with a detail
 * naming the rule and the JSON pointer where it broke.
 */
export function parseJsonBody(body: Buffer): unknown {
  let text: string;
  try {
    text = utf8.decode(body);
  } catch {
    throw invalid('the body is not valid UTF-8', { code: 'JSON_ENCODING', message: 'the body is not valid UTF-8', path: '' });
  }
  if (text.trim() === '') throw new ApiError(400, 'INVALID_JSON', 'the body is empty');
  checkJsonText(text);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ApiError(400, 'INVALID_JSON', 'the body is not valid JSON');
  }
}

/** Replaces Fastify's JSON parser with parseJsonBody for application/json bodies. */
export function installJsonBodyReader(app: FastifyInstance): void {
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body, done) => {
    try {
      done(null, parseJsonBody(body as Buffer));
    } catch (err) {
      done(err as Error, undefined);
    }
  });
}
