export { CNAME_MAX_HOPS, type LookupOutcome, lookup } from './lookup.js';
export {
  loadRfc7208Suite,
  parseRfc7208Suite,
  type Rfc7208Scenario,
  type Rfc7208Test,
  zoneFromSuiteZonedata,
} from './rfc7208.js';
export {
  answerMessage,
  LabDnsServer,
  type LabHandle,
  type LabServerOptions,
  type LoggedQuery,
  startLab,
} from './server.js';
export {
  type Fault,
  isZone,
  type LatencySpec,
  normalizeName,
  parseZoneYaml,
  type Zone,
  ZoneError,
  type ZoneNode,
  type ZoneRecord,
  type ZoneRrset,
  type ZoneType,
  zoneFromObject,
} from './zone.js';
