import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../lib/clock.js';
import { ControllerExpectations, EXPECTATIONS_TIMEOUT_MS } from './expectations.js';

describe('ControllerExpectations', () => {
  it('is satisfied for an unknown key', () => {
    expect(new ControllerExpectations(new FakeClock()).satisfied('ns/rs')).toBe(true);
  });

  it('waits for every expected creation', () => {
    const e = new ControllerExpectations(new FakeClock());
    e.expectCreations('ns/rs', 2);
    expect(e.satisfied('ns/rs')).toBe(false);
    e.creationObserved('ns/rs');
    expect(e.satisfied('ns/rs')).toBe(false);
    e.creationObserved('ns/rs');
    expect(e.satisfied('ns/rs')).toBe(true);
  });

  it('counts each expected deletion once, by pod key', () => {
    const e = new ControllerExpectations(new FakeClock());
    e.expectDeletions('ns/rs', ['ns/a', 'ns/b']);
    e.deletionObserved('ns/rs', 'ns/a');
    e.deletionObserved('ns/rs', 'ns/a'); // terminating, then deleted: once
    e.deletionObserved('ns/rs', 'ns/other'); // not expected
    expect(e.pending('ns/rs')).toEqual([0, 1]);
    expect(e.satisfied('ns/rs')).toBe(false);
    e.deletionObserved('ns/rs', 'ns/b');
    expect(e.satisfied('ns/rs')).toBe(true);
  });

  it('expires after five minutes', () => {
    const clock = new FakeClock();
    const e = new ControllerExpectations(clock);
    e.expectCreations('ns/rs', 3);
    clock.advance(EXPECTATIONS_TIMEOUT_MS);
    expect(e.satisfied('ns/rs')).toBe(false);
    clock.advance(1);
    expect(e.satisfied('ns/rs')).toBe(true);
  });

  it('forgets a deleted key', () => {
    const e = new ControllerExpectations(new FakeClock());
    e.expectCreations('ns/rs', 1);
    e.delete('ns/rs');
    expect(e.pending('ns/rs')).toBeUndefined();
    expect(e.satisfied('ns/rs')).toBe(true);
  });
});
