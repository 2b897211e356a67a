// The development-status names copied in src/semconv.ts are the ones of
// @opentelemetry/semantic-conventions' incubating entry point (the stable ones are imported).
import {
  METRIC_HTTP_SERVER_ACTIVE_REQUESTS,
  METRIC_HTTP_SERVER_REQUEST_BODY_SIZE,
  METRIC_HTTP_SERVER_RESPONSE_BODY_SIZE,
} from '@opentelemetry/semantic-conventions/incubating';
import * as local from '../../src/semconv';

it('copies the incubating HTTP metric names exactly', () => {
  expect(local.METRIC_HTTP_SERVER_ACTIVE_REQUESTS).toBe(METRIC_HTTP_SERVER_ACTIVE_REQUESTS);
  expect(local.METRIC_HTTP_SERVER_REQUEST_BODY_SIZE).toBe(METRIC_HTTP_SERVER_REQUEST_BODY_SIZE);
  expect(local.METRIC_HTTP_SERVER_RESPONSE_BODY_SIZE).toBe(METRIC_HTTP_SERVER_RESPONSE_BODY_SIZE);
});
