// The banner and the one function that reads its token back (benchmarks use
// it): they cannot drift apart, which once broke `make bench` unnoticed.
import { describe, expect, it } from 'vitest';
import { devTokenFromBanner, renderBanner } from '../../server/banner.js';

describe('server banner', () => {
  it('prints a dev token that devTokenFromBanner reads back', () => {
    const text = renderBanner({ url: 'http://localhost:8000', dev: true, token: 'eyJ.abc.def', example: { tenant: 'acme' } });
    expect(text).toContain('export FF_TOKEN=eyJ.abc.def');
    expect(devTokenFromBanner(`noise before\n${text}noise after\n`)).toBe('eyJ.abc.def');
  });

  it('has no token outside dev mode', () => {
    expect(devTokenFromBanner(renderBanner({ url: 'http://localhost:8000', dev: false, token: 'x' }))).toBeUndefined();
  });
});
