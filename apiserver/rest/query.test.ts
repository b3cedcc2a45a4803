import { describe, expect, it } from 'vitest';
import { ApiError } from '../errors.js';
import {
  boolParam,
  checkPropagationPolicy,
  dryRunParam,
  fieldValidationParam,
  intParam,
  optionalBoolParam,
  parseInt64,
  resourceVersionMatchParam,
  type Query,
} from './query.js';

function thrown(fn: () => unknown): { code: number; message: string; details?: unknown } {
  try {
    fn();
  } catch (err) {
    if (err instanceof ApiError) return { code: err.code, message: err.message, details: err.details };
    throw err;
  }
  throw new Error('expected an ApiError');
}

describe('boolean parameters (apimachinery Convert_Slice_string_To_bool)', () => {
  it.each<[string | undefined, boolean]>([
    [undefined, false],
    ['true', true],
    ['True', true], // the official Python client's str(True)
    ['TRUE', true],
    ['1', true],
    ['t', true],
    ['yes', true], // anything but "0"/"false" is true: kube never answers 400 to a boolean
    ['', true], // ?watch= is a watch in kube too
    ['false', false],
    ['False', false],
    ['FALSE', false],
    ['fAlSe', false],
    ['0', false],
  ])('%s → %s', (raw, want) => {
    const q: Query = raw === undefined ? {} : { watch: raw };
    expect(boolParam(q, 'watch')).toBe(want);
  });

  it('the first of repeated values counts', () => {
    expect(boolParam({ follow: ['False', 'true'] }, 'follow')).toBe(false);
    expect(boolParam({ follow: ['True', 'false'] }, 'follow')).toBe(true);
  });

  it('a *bool parameter is undefined when absent', () => {
    expect(optionalBoolParam({}, 'sendInitialEvents')).toBeUndefined();
    expect(optionalBoolParam({ sendInitialEvents: 'True' }, 'sendInitialEvents')).toBe(true);
    expect(optionalBoolParam({ sendInitialEvents: '0' }, 'sendInitialEvents')).toBe(false);
  });
});

describe('integer parameters (strconv.ParseInt base 10, 64 bits)', () => {
  it.each<[string, number | string]>([
    ['0', 0],
    ['42', 42],
    ['-5', -5],
    ['+7', 7],
    ['007', 7],
    ['abc', 'strconv.ParseInt: parsing "abc": invalid syntax'],
    ['', 'strconv.ParseInt: parsing "": invalid syntax'],
    ['1.5', 'strconv.ParseInt: parsing "1.5": invalid syntax'],
    ['1e3', 'strconv.ParseInt: parsing "1e3": invalid syntax'],
    [' 1', 'strconv.ParseInt: parsing " 1": invalid syntax'],
    ['0x10', 'strconv.ParseInt: parsing "0x10": invalid syntax'],
    ['9223372036854775807', 9223372036854775807],
    ['9223372036854775808', 'strconv.ParseInt: parsing "9223372036854775808": value out of range'],
    ['-9223372036854775809', 'strconv.ParseInt: parsing "-9223372036854775809": value out of range'],
  ])('%j', (raw, want) => {
    const parsed = parseInt64(raw);
    if (typeof want === 'number') expect(parsed).toEqual({ value: want });
    else expect(parsed).toEqual({ error: want });
  });

  it('a bad value is 400 BadRequest with Go message; absent is undefined', () => {
    expect(intParam({}, 'limit')).toBeUndefined();
    expect(intParam({ limit: '500' }, 'limit')).toBe(500);
    expect(thrown(() => intParam({ timeoutSeconds: 'ten' }, 'timeoutSeconds'))).toMatchObject({
      code: 400,
      message: 'strconv.ParseInt: parsing "ten": invalid syntax',
    });
  });
});

describe('dryRun, fieldValidation, resourceVersionMatch, propagationPolicy', () => {
  it.each<[Query, boolean | string]>([
    [{}, false],
    [{ dryRun: 'All' }, true],
    [{ dryRun: ['All', 'All'] }, true],
    [{ dryRun: 'all' }, 'CreateOptions.meta.k8s.io "" is invalid: dryRun: Unsupported value: []string{"all"}: supported values: "All"'],
    [{ dryRun: ['All', 'x'] }, 'CreateOptions.meta.k8s.io "" is invalid: dryRun: Unsupported value: []string{"All", "x"}: supported values: "All"'],
  ])('dryRun %j', (q, want) => {
    if (typeof want === 'boolean') expect(dryRunParam(q)).toBe(want);
    else expect(thrown(() => dryRunParam(q))).toMatchObject({ code: 422, message: want, details: { kind: 'CreateOptions', group: 'meta.k8s.io' } });
  });

  it('dryRun errors name the request options kind', () => {
    expect(thrown(() => dryRunParam({ dryRun: 'x' }, 'PatchOptions')).message).toMatch(/^PatchOptions\.meta\.k8s\.io "" is invalid/);
  });

  it.each<[string | undefined, string]>([
    [undefined, 'Warn'],
    ['', 'Warn'],
    ['Strict', 'Strict'],
    ['Ignore', 'Ignore'],
    ['Warn', 'Warn'],
  ])('fieldValidation %j → %s', (raw, want) => {
    expect(fieldValidationParam(raw === undefined ? {} : { fieldValidation: raw })).toBe(want);
  });

  it('an unknown fieldValidation is 422 as ValidateFieldValidation', () => {
    expect(thrown(() => fieldValidationParam({ fieldValidation: 'strict' }, 'UpdateOptions'))).toMatchObject({
      code: 422,
      message: 'UpdateOptions.meta.k8s.io "" is invalid: fieldValidation: Unsupported value: "strict": supported values: "", "Ignore", "Strict", "Warn"',
    });
  });

  it('resourceVersionMatch', () => {
    expect(resourceVersionMatchParam({})).toBeUndefined();
    expect(resourceVersionMatchParam({ resourceVersionMatch: 'Exact' })).toBe('Exact');
    expect(resourceVersionMatchParam({ resourceVersionMatch: 'NotOlderThan' })).toBe('NotOlderThan');
    expect(thrown(() => resourceVersionMatchParam({ resourceVersionMatch: 'exact' }))).toMatchObject({
      code: 422,
      message: 'ListOptions.meta.k8s.io "" is invalid: resourceVersionMatch: Unsupported value: "exact": supported values: "Exact", "NotOlderThan", ""',
    });
  });

  it('propagationPolicy', () => {
    expect(checkPropagationPolicy('Foreground')).toBe('Foreground');
    expect(thrown(() => checkPropagationPolicy('foreground'))).toMatchObject({
      code: 422,
      message: 'DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: Unsupported value: "foreground": supported values: "Foreground", "Background", "Orphan", "nil"',
    });
  });
});
