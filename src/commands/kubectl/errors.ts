/**
 * kubectl's error printing (cmdutil.CheckErr): Invalid errors as `The Service "web" is invalid:
 * ...`, other API errors as `Error from server (Reason): message`, several at once one a line.
 */
import { formatFieldError, StatusError } from '../../kube/api/errors';

/** An error kubectl prints as it is (its text is complete, `error: ` included), exit 1. */
export class KubectlError extends Error {
  constructor(
    readonly text: string,
    readonly code = 1,
  ) {
    super(text);
  }
}

/** `The Service "web" is invalid: spec.ports[0].port: Invalid value: ...` (one cause) or a bulleted list. */
function invalidMessage(e: StatusError): string {
  const d = e.details!;
  // an error about the request itself (a patch the object cannot take) names no object
  const s = d.kind || d.name ? `The ${d.kind} ${JSON.stringify(d.name)} is invalid` : 'The request is invalid';
  const causes = [...new Set(d.causes.map(formatFieldError))];
  if (causes.length === 0) return `${s}\n`;
  if (causes.length === 1) return `${s}: ${causes[0]}\n`;
  return `${s}: \n${causes.map((c) => `* ${c}\n`).join('')}`;
}

/** StandardErrorMessage: what one error looks like in a list of several. */
export function standardMessage(e: unknown): string {
  if (e instanceof StatusError) return e.reason ? `Error from server (${e.reason}): ${e.message}` : `Error from server: ${e.message}`;
  if (e instanceof KubectlError) return e.text.replace(/\n$/, '');
  return `error: ${(e as Error).message}`;
}

/** checkErr for one error. */
export function errorText(e: unknown): string {
  if (e instanceof KubectlError) return e.text;
  if (e instanceof StatusError) {
    if (e.reason === 'Invalid' && e.details) return invalidMessage(e);
    return `${standardMessage(e)}\n`;
  }
  return `error: ${(e as Error).message}\n`;
}

/** checkErr for an aggregate (apply/create/delete of several objects). */
export const aggregateText = (errs: unknown[]): string => (errs.length === 1 ? errorText(errs[0]) : errs.map((e) => `${standardMessage(e)}\n`).join(''));

/** AddSourceToErr: `error when creating "STDIN": ...` in the message (Invalid errors keep their details). */
export function withSource(e: unknown, verb: string, source: string): unknown {
  if (e instanceof StatusError) return new StatusError(e.reason, `error when ${verb} ${JSON.stringify(source)}: ${e.message}`, e.details);
  return e;
}
