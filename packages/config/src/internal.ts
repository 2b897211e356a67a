/**
 * `@otelkit/config/internal`: what the otelkit packages share with each other and nobody else.
 * Not public API (no semver promise); the package index does not re-export it.
 */
export { defineShutdownShare, shareOf, shutdownWithin } from './shutdown-share';
