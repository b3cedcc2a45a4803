import { describe, expect, it } from 'vitest';
import { ApiError } from '../errors.js';
import { parseBody } from './body.js';

/** A bad JSON body is kube's 400 with Go's decoder message (SimpleMetaFactory.Interpret). */
describe('parseBody: JSON syntax errors', () => {
  const message = (raw: string): string => {
    try {
      parseBody(raw, 'application/json');
    } catch (err) {
      expect(err).toBeInstanceOf(ApiError);
      expect((err as ApiError).code).toBe(400);
      return (err as ApiError).message;
    }
    throw new Error('accepted');
  };

  it.each([
    ['{"kind": "ConfigMap" "apiVersion": "v1"}', 'invalid character \'"\' after object key:value pair'],
    ['{"kind": "ConfigMap", }', "invalid character '}' looking for beginning of object key string"],
    ['{"kind" "ConfigMap"}', "invalid character '\"' after object key"],
    ['{"kind": "ConfigMap"', 'unexpected end of JSON input'],
    ['kind: ConfigMap', "invalid character 'k' looking for beginning of value"],
  ])('%s', (raw, want) => {
    expect(message(raw)).toBe(`couldn't get version/kind; json parse error: ${want}`);
  });
});
