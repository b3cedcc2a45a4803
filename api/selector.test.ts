import { describe, expect, it } from 'vitest';
import {
  SelectorParseError,
  fieldSelectorToString,
  formatLabelSelector,
  labelSelectorFromObject,
  labelSelectorToString,
  matchesFields,
  matchesLabels,
  parseFieldSelector,
  parseLabelSelector,
  selectorFromSet,
  type LabelRequirement,
} from './selector.js';

const req = (key: string, operator: LabelRequirement['operator'], values: string[] = []): LabelRequirement => ({
  key,
  operator,
  values,
});

describe('parseLabelSelector', () => {
  const cases: Array<[string, LabelRequirement[]]> = [
    ['', []],
    ['   ', []],
    ['app=nginx', [req('app', 'Equals', ['nginx'])]],
    ['app==nginx', [req('app', 'DoubleEquals', ['nginx'])]],
    // kubectl get pods -l app=nginx,tier!=db
    ['app=nginx,tier!=db', [req('app', 'Equals', ['nginx']), req('tier', 'NotEquals', ['db'])]],
    // kubectl get pods -l 'env in (prod,qa)'
    ['env in (prod,qa)', [req('env', 'In', ['prod', 'qa'])]],
    ['env in (qa, prod , qa)', [req('env', 'In', ['prod', 'qa'])]],
    ['env notin (dev)', [req('env', 'NotIn', ['dev'])]],
    ['x in (foo,,baz),y,z notin ()', [req('x', 'In', ['', 'baz', 'foo']), req('y', 'Exists'), req('z', 'NotIn', [''])]],
    ['!canary', [req('canary', 'DoesNotExist')]],
    ['tier, !canary', [req('canary', 'DoesNotExist'), req('tier', 'Exists')]],
    ['  b = 1 ,  a != 2 ', [req('a', 'NotEquals', ['2']), req('b', 'Equals', ['1'])]],
    ['a=', [req('a', 'Equals', [''])]],
    ['a=,b=c', [req('a', 'Equals', ['']), req('b', 'Equals', ['c'])]],
    ['example.com/team=a-b_c.d', [req('example.com/team', 'Equals', ['a-b_c.d'])]],
    // `in`/`notin` are values where a value is expected.
    ['value in (in,notin)', [req('value', 'In', ['in', 'notin'])]],
    ['a=in', [req('a', 'Equals', ['in'])]],
    ['replicas>2', [req('replicas', 'GreaterThan', ['2'])]],
    ['replicas<10', [req('replicas', 'LessThan', ['10'])]],
  ];
  it.each(cases)('parses %j', (input, want) => {
    expect(parseLabelSelector(input)).toEqual(want);
  });

  const errors: Array<[string, string]> = [
    ['a b', "unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt"],
    ['a=b c', "found 'c', expected: ',' or 'end of string'"],
    ['a=b,', "found '', expected: identifier after ','"],
    [',a', "found ',', expected: !, identifier, or 'end of string'"],
    ['!', "unable to parse requirement: found '', expected: identifier"],
    ['!a=b', "found '=', expected: ',' or 'end of string'"],
    ['a in b', "unable to parse requirement: found 'b' expected: '('"],
    ['a in (b c)', "unable to parse requirement: found 'c', expected: ',' or ')'"],
    ['a in (=)', "unable to parse requirement: found '=', expected: ',', ')' or identifier"],
    ['a=(b)', "unable to parse requirement: found '(', expected: identifier"],
    ['a>x', "unable to parse requirement: values[0]: Invalid value: \"x\": for 'Gt', 'Lt' operators, the value must be an integer"],
    [
      'app:monolith',
      "unable to parse requirement: <nil>: Invalid value: \"app:monolith\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
    ],
    [
      'app=a@b',
      "unable to parse requirement: values[0][app]: Invalid value: \"a@b\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
    ],
    [
      'Example.com/x=1',
      "unable to parse requirement: <nil>: Invalid value: \"Example.com/x\": prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
    ],
    [`k=${'v'.repeat(64)}`, `unable to parse requirement: values[0][k]: Invalid value: "${'v'.repeat(64)}": must be no more than 63 characters`],
  ];
  it.each(errors)('rejects %j', (input, message) => {
    expect(() => parseLabelSelector(input)).toThrow(SelectorParseError);
    expect(() => parseLabelSelector(input)).toThrow(message);
    try {
      parseLabelSelector(input);
    } catch (err) {
      expect((err as Error).message).toBe(message);
    }
  });
});

describe('matchesLabels', () => {
  const labels = { app: 'nginx', tier: 'web', replicas: '3' };
  const cases: Array<[string, Record<string, string> | undefined, boolean]> = [
    ['', labels, true],
    ['', undefined, true],
    ['app=nginx', labels, true],
    ['app=redis', labels, false],
    ['app=nginx,tier!=db', labels, true],
    ['app=nginx,tier!=web', labels, false],
    ['env!=prod', labels, true], // absent key satisfies !=
    ['env in (prod,qa)', labels, false],
    ['tier in (web,api)', labels, true],
    ['tier notin (web)', labels, false],
    ['env notin (prod)', labels, true], // absent key satisfies notin
    ['app', labels, true],
    ['env', labels, false],
    ['!env', labels, true],
    ['!app', labels, false],
    ['replicas>2', labels, true],
    ['replicas>3', labels, false],
    ['replicas<4', labels, true],
    ['tier>1', labels, false], // non-integer label value
    ['app=', { app: '' }, true],
  ];
  it.each(cases)('%j on %j → %s', (sel, ls, want) => {
    expect(matchesLabels(parseLabelSelector(sel), ls)).toBe(want);
  });

  it('nothing matches no object, even one without labels', () => {
    expect(matchesLabels('nothing', {})).toBe(false);
    expect(matchesLabels('nothing', { a: 'b' })).toBe(false);
  });
});

describe('labelSelectorFromObject', () => {
  it('null and undefined select nothing; {} selects everything', () => {
    expect(labelSelectorFromObject(null)).toBe('nothing');
    expect(labelSelectorFromObject(undefined)).toBe('nothing');
    expect(labelSelectorFromObject({})).toEqual([]);
    expect(labelSelectorFromObject({ matchLabels: {}, matchExpressions: [] })).toEqual([]);
    expect(matchesLabels(labelSelectorFromObject({}), { any: 'thing' })).toBe(true);
  });

  it('turns matchLabels and matchExpressions into sorted requirements', () => {
    const reqs = labelSelectorFromObject({
      matchLabels: { tier: 'web', app: 'nginx' },
      matchExpressions: [
        { key: 'env', operator: 'In', values: ['qa', 'prod'] },
        { key: 'canary', operator: 'DoesNotExist' },
        { key: 'zone', operator: 'Exists', values: [] },
        { key: 'track', operator: 'NotIn', values: ['beta'] },
      ],
    });
    expect(reqs).toEqual([
      req('app', 'Equals', ['nginx']),
      req('canary', 'DoesNotExist'),
      req('env', 'In', ['qa', 'prod']),
      req('tier', 'Equals', ['web']),
      req('track', 'NotIn', ['beta']),
      req('zone', 'Exists'),
    ]);
    expect(matchesLabels(reqs, { app: 'nginx', tier: 'web', env: 'prod', zone: 'a' })).toBe(true);
    expect(matchesLabels(reqs, { app: 'nginx', tier: 'web', env: 'prod' })).toBe(false);
  });

  const errors: Array<[Parameters<typeof labelSelectorFromObject>[0], string]> = [
    [{ matchExpressions: [{ key: 'a', operator: 'Equals', values: ['b'] }] }, '"Equals" is not a valid label selector operator'],
    [{ matchExpressions: [{ key: 'a', operator: 'In', values: [] }] }, "values: Invalid value: []string{}: for 'in', 'notin' operators, values set can't be empty"],
    [
      { matchExpressions: [{ key: 'a', operator: 'Exists', values: ['x'] }] },
      'values: Invalid value: []string{"x"}: values set must be empty for exists and does not exist',
    ],
    [{ matchLabels: { 'a b': 'c' } }, 'key: Invalid value: "a b": name part must consist of'],
  ];
  it.each(errors)('rejects %j', (sel, message) => {
    expect(() => labelSelectorFromObject(sel)).toThrow(SelectorParseError);
    expect(() => labelSelectorFromObject(sel)).toThrow(message);
  });
});

describe('labelSelectorToString and formatLabelSelector', () => {
  const cases: Array<[Parameters<typeof labelSelectorToString>[0], string]> = [
    [{ matchLabels: { app: 'nginx' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['web'] }] }, 'app=nginx,tier in (web)'],
    [{ matchExpressions: [{ key: 'env', operator: 'NotIn', values: ['qa', 'dev'] }] }, 'env notin (dev,qa)'],
    [{ matchExpressions: [{ key: 'a', operator: 'Exists' }, { key: 'b', operator: 'DoesNotExist' }] }, 'a,!b'],
    [{}, ''],
    [null, ''],
    ['nothing', ''],
    [parseLabelSelector('b==1,a!=2,c>3'), 'a!=2,b==1,c>3'],
    [selectorFromSet({ tier: 'web', app: 'nginx' }), 'app=nginx,tier=web'],
  ];
  it.each(cases)('%j → %j', (sel, want) => {
    expect(labelSelectorToString(sel)).toBe(want);
  });

  it('round-trips through the parser', () => {
    const s = 'app=nginx,env in (prod,qa),!canary,tier';
    expect(parseLabelSelector(labelSelectorToString(parseLabelSelector(s)))).toEqual(parseLabelSelector(s));
  });

  it('prints <none> for empty selectors and <error> for invalid ones, as kubectl shows them', () => {
    expect(formatLabelSelector({})).toBe('<none>');
    expect(formatLabelSelector(null)).toBe('<none>');
    expect(formatLabelSelector({ matchLabels: { app: 'x' } })).toBe('app=x');
    expect(formatLabelSelector({ matchExpressions: [{ key: 'a', operator: 'Bogus' }] })).toBe('<error>');
  });
});

describe('selectorFromSet', () => {
  it('builds sorted Equals requirements; empty or missing set is everything', () => {
    expect(selectorFromSet({ b: '2', a: '1' })).toEqual([req('a', 'Equals', ['1']), req('b', 'Equals', ['2'])]);
    expect(selectorFromSet({})).toEqual([]);
    expect(selectorFromSet(undefined)).toEqual([]);
    expect(matchesLabels(selectorFromSet({ app: 'web' }), { app: 'web', x: 'y' })).toBe(true);
    expect(matchesLabels(selectorFromSet({ app: 'web' }), { x: 'y' })).toBe(false);
  });
});

describe('parseFieldSelector', () => {
  const cases: Array<[string, ReturnType<typeof parseFieldSelector>]> = [
    ['', []],
    ['metadata.name=web-0', [{ field: 'metadata.name', operator: 'Equals', value: 'web-0' }]],
    ['metadata.name==web-0', [{ field: 'metadata.name', operator: 'DoubleEquals', value: 'web-0' }]],
    // kubectl get pods --field-selector spec.nodeName=node-1,status.phase!=Running
    [
      'spec.nodeName=node-1,status.phase!=Running',
      [
        { field: 'spec.nodeName', operator: 'Equals', value: 'node-1' },
        { field: 'status.phase', operator: 'NotEquals', value: 'Running' },
      ],
    ],
    // Terms sort by raw text.
    [
      'status.phase!=Running,spec.nodeName=',
      [
        { field: 'spec.nodeName', operator: 'Equals', value: '' },
        { field: 'status.phase', operator: 'NotEquals', value: 'Running' },
      ],
    ],
    ['a=x\\,y\\=z\\\\', [{ field: 'a', operator: 'Equals', value: 'x,y=z\\' }]],
    ['a=b,,', [{ field: 'a', operator: 'Equals', value: 'b' }]],
    ['a =b', [{ field: 'a ', operator: 'Equals', value: 'b' }]],
  ];
  it.each(cases)('parses %j', (input, want) => {
    expect(parseFieldSelector(input)).toEqual(want);
  });

  const errors: Array<[string, string]> = [
    ['status.phase', "invalid selector: 'status.phase'; can't understand 'status.phase'"],
    ['a=b,c', "invalid selector: 'a=b,c'; can't understand 'c'"],
    ['a=b=c', 'invalid field selector: unescaped character in value: 61'],
    ['a=b\\x', 'invalid field selector: invalid escape sequence: \\x'],
    ['a=b\\', 'invalid field selector: invalid escape sequence: \\'],
  ];
  it.each(errors)('rejects %j', (input, message) => {
    expect(() => parseFieldSelector(input)).toThrow(SelectorParseError);
    expect(() => parseFieldSelector(input)).toThrow(message);
  });
});

describe('matchesFields', () => {
  const fields: Record<string, string> = { 'metadata.name': 'web-0', 'spec.nodeName': 'node-1', 'status.phase': 'Pending' };
  const get = (f: string): string | undefined => fields[f];
  const cases: Array<[string, boolean]> = [
    ['', true],
    ['spec.nodeName=node-1,status.phase!=Running', true],
    ['spec.nodeName=node-2', false],
    ['status.phase==Pending', true],
    ['status.phase!=Pending', false],
    ['spec.unknown=', true], // missing reads as ''
    ['spec.unknown!=x', true],
  ];
  it.each(cases)('%j → %s', (sel, want) => {
    expect(matchesFields(parseFieldSelector(sel), get)).toBe(want);
  });

  it('prints back with escapes', () => {
    const reqs = parseFieldSelector('a=x\\,y,b!=z');
    expect(fieldSelectorToString(reqs)).toBe('a=x\\,y,b!=z');
  });
});
