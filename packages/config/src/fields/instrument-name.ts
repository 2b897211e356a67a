/** OpenTelemetry instrument name syntax (API spec): a letter, then up to 254 of `A-Za-z0-9_.-/`. */
export const INSTRUMENT_NAME_PATTERN = /^[A-Za-z][A-Za-z0-9_.\-/]{0,254}$/;

/** What an instrument name must look like, for error messages. */
export const INSTRUMENT_NAME_RULE =
  'it must start with a letter and contain only letters, digits and "_", ".", "-", "/" (at most 255 characters)';

/** Whether `name` is a valid OpenTelemetry instrument name. */
export function isInstrumentName(name: unknown): name is string {
  return typeof name === 'string' && INSTRUMENT_NAME_PATTERN.test(name);
}
