/** The `/metrics` registry finds a series again by its labels, counted many times per request. */
import { createMetrics } from '../../../src/server/observability/metrics';

test('a label set counts in one series', () => {
  const metrics = createMetrics();
  metrics.probeOutcomes.inc({ check: 'key', verdict: 'valid' });
  metrics.probeOutcomes.inc({ check: 'transport', verdict: 'valid' });
  metrics.probeOutcomes.inc({ check: 'key', verdict: 'none' }, 2);
  metrics.probeOutcomes.inc({ check: 'key', verdict: 'valid' });
  const lines = metrics.render().split('\n');
  expect(lines).toContain('sendguard_check_outcomes_total{check="key",verdict="valid"} 2');
  expect(lines).toContain('sendguard_check_outcomes_total{check="transport",verdict="valid"} 1');
  expect(lines).toContain('sendguard_check_outcomes_total{check="key",verdict="none"} 2');
  expect(lines.filter((line) => line.startsWith('sendguard_check_outcomes_total{'))).toHaveLength(3);
});

test('label values are escaped as the exposition format wants', () => {
  const metrics = createMetrics();
  metrics.httpRequests.inc({ method: 'GET', route: 'a"b\\c\nd', status: '200' });
  expect(metrics.render()).toContain(
    'sendguard_http_requests_total{method="GET",route="a\\"b\\\\c\\nd",status="200"} 1',
  );
});

test('histograms keep their series apart by labels', () => {
  const metrics = createMetrics();
  metrics.httpDuration.observe({ method: 'POST', route: '/api/v1/assess' }, 0.003);
  metrics.httpDuration.observe({ method: 'POST', route: '/api/v1/assess' }, 0.02);
  metrics.httpDuration.observe({ method: 'GET', route: '/healthz' }, 0.001);
  const text = metrics.render();
  expect(text).toContain(
    'sendguard_http_request_duration_seconds_count{method="POST",route="/api/v1/assess"} 2',
  );
  expect(text).toContain(
    'sendguard_http_request_duration_seconds_bucket{method="POST",route="/api/v1/assess",le="0.005"} 1',
  );
  expect(text).toContain('sendguard_http_request_duration_seconds_count{method="GET",route="/healthz"} 1');
});
