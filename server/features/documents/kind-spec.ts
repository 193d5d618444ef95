import type { Stores } from '../../stores.js';
import type { DocumentKind, DocumentOf, DocumentStore } from './types.js';

/** What differs between environments, flags and segments; everything else is shared. */
export interface KindSpec<K extends DocumentKind> {
  kind: K;
  /** Human label used in messages ("flag not found"). */
  label: string;
  /** Where the documents live in a TenantState. */
  stateField: 'environments' | 'flags' | 'segments';
  store(stores: Stores): DocumentStore<DocumentOf[K]>;
  /** Extra refusal before archiving (e.g. an environment with live API keys). */
  beforeArchive?(stores: Stores, tenant: string, key: string): Promise<void>;
}

export const FLAG_SPEC: KindSpec<'flag'> = {
  kind: 'flag',
  label: 'flag',
  stateField: 'flags',
  store: (s) => s.flags,
};

export const SEGMENT_SPEC: KindSpec<'segment'> = {
  kind: 'segment',
  label: 'segment',
  stateField: 'segments',
  store: (s) => s.segments,
};
