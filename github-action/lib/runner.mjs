// What a GitHub Actions step can read and write: inputs (INPUT_* as the
// composite action maps them), the event payload, step outputs, the job
// summary, PATH additions and masking. Only Node's built-ins: the action runs
// on a bare runner before anything is installed.
import { randomUUID } from 'node:crypto';
import { appendFileSync, readFileSync } from 'node:fs';

/** An input as the composite action passes it (env INPUT_<NAME>, dashes as underscores). */
export function input(name, fallback = '') {
  const value = process.env[`INPUT_${name.toUpperCase().replace(/-/g, '_')}`];
  return value === undefined || value.trim() === '' ? fallback : value.trim();
}

export function requiredEnv(name) {
  const value = process.env[name];
  if (value === undefined || value === '') throw new ActionError(`${name} is not set: run this inside GitHub Actions`);
  return value;
}

export class ActionError extends Error {}

export function readEvent() {
  const file = process.env.GITHUB_EVENT_PATH;
  if (!file) return {};
  return JSON.parse(readFileSync(file, 'utf8'));
}

/** Appends to a GITHUB_* file in the multi-line form (name<<delimiter … delimiter). */
function appendKeyValue(variable, name, value) {
  const file = process.env[variable];
  if (!file) return;
  const delimiter = `ff_${randomUUID()}`;
  appendFileSync(file, `${name}<<${delimiter}\n${value}\n${delimiter}\n`);
}

export const setOutput = (name, value) => appendKeyValue('GITHUB_OUTPUT', name, String(value));

export function appendSummary(markdown) {
  const file = process.env.GITHUB_STEP_SUMMARY;
  if (file) appendFileSync(file, `${markdown}\n`);
}

export function addPath(dir) {
  const file = process.env.GITHUB_PATH;
  if (file) appendFileSync(file, `${dir}\n`);
}

/** Workflow command data must escape %, CR and LF (GitHub's rules), or a value could inject a command. */
const escapeData = (text) => String(text).replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');

export function mask(secret) {
  process.stdout.write(`::add-mask::${escapeData(secret)}\n`);
}

export function error(message) {
  process.stdout.write(`::error::${escapeData(message)}\n`);
}

export function warning(message) {
  process.stdout.write(`::warning::${escapeData(message)}\n`);
}

export function group(title) {
  process.stdout.write(`::group::${escapeData(title)}\n`);
  return () => process.stdout.write('::endgroup::\n');
}
