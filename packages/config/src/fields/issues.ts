import type { z } from 'zod';
import { type ConfigIssue, type ConfigSource, describeValue } from '../errors';
import { joinPath } from '../merge';

/** zod issue → the ConfigIssue users see: the path they wrote, what was expected, what was given. */
const TYPE_NAMES: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  object: 'an object',
  array: 'a list',
  record: 'an object',
};

export function toIssue(zi: z.core.$ZodIssue, source: ConfigSource): ConfigIssue {
  const path = joinPath(zi.path);
  const input = (zi as { input?: unknown }).input;
  const got = `, got ${describeValue(input)}`;
  let message: string;
  let suggestion: string | undefined;
  switch (zi.code) {
    case 'custom': {
      const params = (zi.params ?? {}) as { unknownKey?: boolean; noGot?: boolean; suggestion?: string };
      suggestion = params.suggestion;
      message = params.unknownKey || params.noGot ? zi.message : `${zi.message}${got}`;
      break;
    }
    case 'invalid_type':
      message =
        input === undefined
          ? `required: expected ${TYPE_NAMES[zi.expected] ?? zi.expected}`
          : `expected ${TYPE_NAMES[zi.expected] ?? zi.expected}${got}`;
      break;
    case 'invalid_value':
      message = `expected one of ${zi.values.map((v) => String(v)).join('|')}${got}`;
      break;
    case 'too_small':
    case 'too_big': {
      const bound = zi.code === 'too_small' ? zi.minimum : zi.maximum;
      const op = zi.code === 'too_small' ? (zi.inclusive ? '>=' : '>') : zi.inclusive ? '<=' : '<';
      if (zi.origin === 'string') {
        message =
          zi.code === 'too_small' && Number(bound) <= 1
            ? `expected a non-empty string${got}`
            : `expected a string of length ${op} ${bound}${got}`;
      } else if (zi.origin === 'array') {
        message = `expected a list of ${op} ${bound} items${got}`;
      } else {
        message = `expected a number ${op} ${bound}${got}`;
      }
      break;
    }
    case 'invalid_format':
      message =
        zi.format === 'starts_with'
          ? `expected a string starting with "${(zi as { prefix?: string }).prefix}"${got}`
          : `${zi.message}${got}`;
      break;
    default:
      message = `${zi.message}${got}`;
  }
  return suggestion ? { path, message, source, suggestion } : { path, message, source };
}
