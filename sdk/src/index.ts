// @ff/sdk: evaluate ff flags in process with the server's own engine, kept
// live from the server. The OpenFeature provider is `@ff/sdk/openfeature`.
export { FfClient } from './client.js';
export type {
  Bootstrap,
  ChangeEvent,
  ClientEvents,
  ClientStatus,
  ConfigSource,
  Details,
  ErrorCode,
  ErrorEvent,
  Evaluation,
  FfClientOptions,
  ReadyEvent,
  StaleEvent,
} from './client.js';
export type { ExposureEvent, TelemetryOptions } from './telemetry.js';
export { SdkError } from './errors.js';
export type { SdkErrorCode } from './errors.js';
export type { EvaluationContext, EvaluationResult, Reason } from '../../core/engine/index.js';
export type { EnvironmentConfigDocument, FlagType, JsonValue } from '../../core/model/index.js';
