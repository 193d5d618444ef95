import { ApiKeyService } from './features/api-keys/api-key-service.js';
import { DocumentService } from './features/documents/document-service.js';
import { FLAG_SPEC, SEGMENT_SPEC } from './features/documents/kind-spec.js';
import { ENVIRONMENT_SPEC } from './features/environments/spec.js';
import type { StateListener } from './features/state/state-listener.js';
import type { Stores } from './stores.js';

export interface Services {
  flags: DocumentService<'flag'>;
  segments: DocumentService<'segment'>;
  environments: DocumentService<'environment'>;
  apiKeys: ApiKeyService;
}

export function createServices(stores: Stores, listener: StateListener): Services {
  return {
    flags: new DocumentService(FLAG_SPEC, stores, listener),
    segments: new DocumentService(SEGMENT_SPEC, stores, listener),
    environments: new DocumentService(ENVIRONMENT_SPEC, stores, listener),
    apiKeys: new ApiKeyService(stores, listener),
  };
}
