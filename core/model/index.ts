// The flag model. Shapes come from schemas/*.schema.json (generated into
// schema-types.ts); this file adds the aggregate the rest of the code passes around.
import type { Condition, Environment, Experiment, Flag, Segment } from './schema-types.js';

export type {
  Condition,
  Environment,
  EnvironmentConfig,
  Experiment,
  Metric,
  Flag,
  FlagsFile,
  LintConfig,
  CodeownersConfig,
  RefsConfig,
  Rule,
  ScheduleStep,
  Segment,
  Serve,
  TenantFile,
} from './schema-types.js';

export type Operator = NonNullable<Condition['operator']>;
export type FlagType = Flag['type'];

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** Everything one tenant declares: what a flags folder loads to and what the server stores. */
export interface TenantState {
  tenant: string;
  name?: string;
  environments: Environment[];
  flags: Flag[];
  segments: Segment[];
  /** Experiments on the tenant's flags; absent: none. */
  experiments?: Experiment[];
}

/**
 * What `GET /v1/config` serves for one environment, for SDKs that evaluate
 * locally: the tenant's state narrowed to that environment (each flag carries
 * only its targeting there), and the revision it was read at.
 */
export interface EnvironmentConfigDocument extends TenantState {
  environment: string;
  revision: number;
}

export { FEW_KEYS, indexOfKey } from './keyed.js';
