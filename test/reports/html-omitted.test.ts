import { describe, expect, it } from 'vitest';
import { renderFleetHtml } from '../../reports/html.js';
import { fleetFixture } from './html-fixture.js';

describe('fleet HTML given only the worst rows of a run (runFleet keeps at most 20,000 in memory)', () => {
  it('counts the identities not passed among those left out of the grid', () => {
    const { summary, reports } = fleetFixture();
    const all = summary.identities.length;
    expect(renderFleetHtml(summary, (key) => reports.get(key))).not.toContain(
      'more identities (the healthiest)',
    );
    const worst = summary.identities.filter((r) => r.status !== 'pass');
    expect(worst.length).toBeLessThan(all);
    const html = renderFleetHtml({ ...summary, identities: worst }, (key) => reports.get(key));
    expect(html).toContain(`${all - worst.length} more identities (the healthiest) are not in this grid`);
  });
});
