import type { Stores } from '../../stores.js';
import type { DocumentKind, DocumentStore } from '../documents/types.js';

/** The store of one document kind, for code that handles the three alike. */
export const storeOf = (stores: Stores, kind: DocumentKind): DocumentStore<unknown> =>
  (kind === 'environment' ? stores.environments : kind === 'flag' ? stores.flags : kind === 'segment' ? stores.segments : stores.experiments) as DocumentStore<unknown>;
