// The OpenFeature server provider over FfClient. Every answer comes from the
// in-process engine: a context change needs no network. Reasons and error
// codes are the engine's, already OpenFeature's vocabulary; flag metadata
// carries the revision, the rule id and the bucket when there is one.
import {
  OpenFeatureEventEmitter,
  ProviderEvents,
  type EvaluationContext,
  type FlagMetadata,
  type JsonValue,
  type Provider,
  type ResolutionDetails,
  type TrackingEventDetails,
} from '@openfeature/server-sdk';
import type { EvaluationContext as FfContext } from '../../core/engine/index.js';
import type { FlagType } from '../../core/model/index.js';
import { FfClient, type Details, type FfClientOptions } from './client.js';

export interface FfProviderOptions extends FfClientOptions {
  /**
   * How long initialize() waits for the first configuration before it fails
   * (the provider's status is then ERROR; it turns READY when one arrives).
   * Default 10 s.
   */
  initTimeoutMs?: number;
}

const DEFAULT_INIT_TIMEOUT_MS = 10_000;

/**
 * OpenFeature's context values may be Dates; ff's date operators compare ISO
 * 8601 strings (docs/flags-format.md), so a Date becomes one. Anything else
 * passes as is — the engine never throws on a context.
 */
function toFfContext(context: EvaluationContext): FfContext {
  let copy: Record<string, unknown> | undefined;
  for (const key in context) {
    const value = context[key];
    if (value instanceof Date) (copy ??= { ...context })[key] = value.toISOString();
  }
  return (copy ?? context) as FfContext;
}

function toResolution<T>(details: Details<T>): ResolutionDetails<T> {
  const flagMetadata: FlagMetadata = { revision: details.revision };
  if (details.ruleId !== undefined) flagMetadata.ruleId = details.ruleId;
  if (details.bucket !== undefined) flagMetadata.bucket = details.bucket;
  const resolution: ResolutionDetails<T> = { value: details.value, reason: details.reason, flagMetadata };
  if (details.variant !== null) resolution.variant = details.variant;
  if (details.errorCode !== undefined) {
    resolution.errorCode = details.errorCode as ResolutionDetails<T>['errorCode'];
    if (details.errorMessage !== undefined) resolution.errorMessage = details.errorMessage;
  }
  return resolution;
}

export class FfProvider implements Provider {
  readonly metadata = { name: 'ff' } as const;
  readonly runsOn = 'server' as const;
  readonly events = new OpenFeatureEventEmitter();
  readonly client: FfClient;
  readonly #initTimeoutMs: number;
  readonly #ownsClient: boolean;
  #initialized = false;
  readonly #unsubscribe: (() => void)[] = [];

  /** Give client options (the provider owns the client and closes it) or a client of your own. */
  constructor(options: FfProviderOptions | FfClient) {
    this.client = options instanceof FfClient ? options : new FfClient(options);
    this.#initTimeoutMs = options instanceof FfClient ? DEFAULT_INIT_TIMEOUT_MS : (options.initTimeoutMs ?? DEFAULT_INIT_TIMEOUT_MS);
    this.#ownsClient = !(options instanceof FfClient);
    const c = this.client;
    this.#unsubscribe.push(
      // The SDK emits READY itself when initialize() resolves; later READYs say "current again".
      c.on('ready', (e) => {
        if (this.#initialized) this.events.emit(ProviderEvents.Ready, { metadata: { revision: e.revision } });
      }),
      c.on('change', (e) => this.events.emit(ProviderEvents.ConfigurationChanged, { flagsChanged: e.changed, metadata: { revision: e.revision } })),
      c.on('stale', (e) => this.events.emit(ProviderEvents.Stale, { message: e.message })),
      // ERROR only while there is nothing to serve (a wrong key, no server): OpenFeature's ERROR
      // status would otherwise hide STALE, and a refused update changes no answer.
      c.on('error', (e) => {
        if (c.status === 'NOT_READY') this.events.emit(ProviderEvents.Error, { message: e.error.message, metadata: { code: e.error.code } });
      }),
    );
  }

  async initialize(): Promise<void> {
    const ready = await this.client.ready(this.#initTimeoutMs);
    this.#initialized = true;
    if (!ready) throw new Error(`no ff configuration within ${this.#initTimeoutMs} ms`);
  }

  async onClose(): Promise<void> {
    for (const off of this.#unsubscribe.splice(0)) off();
    if (this.#ownsClient) await this.client.close();
  }

  resolveBooleanEvaluation(flagKey: string, defaultValue: boolean, context: EvaluationContext): Promise<ResolutionDetails<boolean>> {
    return this.#resolve(flagKey, defaultValue, 'boolean', context);
  }

  resolveStringEvaluation(flagKey: string, defaultValue: string, context: EvaluationContext): Promise<ResolutionDetails<string>> {
    return this.#resolve(flagKey, defaultValue, 'string', context);
  }

  resolveNumberEvaluation(flagKey: string, defaultValue: number, context: EvaluationContext): Promise<ResolutionDetails<number>> {
    return this.#resolve(flagKey, defaultValue, 'number', context);
  }

  resolveObjectEvaluation<T extends JsonValue>(flagKey: string, defaultValue: T, context: EvaluationContext): Promise<ResolutionDetails<T>> {
    return this.#resolve(flagKey, defaultValue, 'object', context);
  }

  /**
   * OpenFeature's track(): a metric event for ff's experiments. The unit is
   * the details' `unit` when given (for a rollout bucketing by another
   * attribute, e.g. an account id), else the context's targeting key; the
   * details' `value` is the amount a mean metric averages. Without a unit
   * there is nothing to attribute the event to, and it is ignored.
   */
  track(trackingEventName: string, context: EvaluationContext, trackingEventDetails: TrackingEventDetails = {}): void {
    const unit = typeof trackingEventDetails.unit === 'string' ? trackingEventDetails.unit : context.targetingKey;
    if (typeof unit !== 'string' || unit === '') return;
    this.client.track(trackingEventName, unit, trackingEventDetails.value);
  }

  #resolve<T>(flagKey: string, defaultValue: T, type: FlagType, context: EvaluationContext): Promise<ResolutionDetails<T>> {
    return Promise.resolve(toResolution(this.client.resolve(flagKey, defaultValue, type, toFfContext(context))));
  }
}
