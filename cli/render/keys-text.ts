import type { ApiKeyView } from '../http/api-types.js';
import { messages } from '../messages.js';
import { renderTextTable } from './text-table.js';

/** `ff keys list`: never a secret (the server does not have them). */
export function renderKeysText(keys: readonly ApiKeyView[]): string {
  if (keys.length === 0) return `${messages.noKeys}\n`;
  return renderTextTable(
    ['ID', 'PREFIX', 'ENVIRONMENT', 'NAME', 'CREATED', 'BY', 'REVOKED'],
    keys.map((k) => [k.id, k.prefix, k.environment, k.name, k.created_at, k.created_by, k.revoked_at ?? '-']),
  );
}
