import { SCOPES, type Scope } from '../../core/model/scopes.js';

export { SCOPES, type Scope };

export const isScope = (s: string): s is Scope => (SCOPES as readonly string[]).includes(s);
